import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, string | Record<string, { types: string; default: string }>>;
};

/** Every documented entry point maps to a source file of the same name that tsc compiles to the mapped path. */
const ENTRY_POINTS: Record<string, { source: string; names: string[] }> = {
  '.': { source: 'src/index.ts', names: ['CharonModule', 'SessionService', 'SessionGuard', 'RefreshTokenGuard', 'SessionStore', 'SESSION_STORE', 'MemorySessionStore', 'JwtTokenFactory', 'CharonExceptionFilter', 'CHARON_CHANNELS'] },
  './testing': { source: 'src/testing/index.ts', names: ['createTestSession', 'TestSession', 'FixedClock'] },
  './redis': { source: 'src/redis.ts', names: ['RedisSessionStore', 'redisSessionStore', 'REDIS_FUNCTIONS_LIBRARY'] },
};

describe('package.json exports', () => {
  it.each(Object.entries(ENTRY_POINTS))('%s points at its build output and exports its documented names', (subpath, { source, names }) => {
    const target = pkg.exports[subpath];
    expect(target).toBeDefined();
    const compiled = source.replace(/^src\//, '').replace(/\.ts$/, '');
    const esm = { types: `./dist/esm/${compiled}.d.ts`, default: `./dist/esm/${compiled}.js` };
    // module-sync first: Node versions that can require() ES modules load the ESM build for import and require alike.
    expect(target).toEqual({ 'module-sync': esm, import: esm, require: { types: `./dist/cjs/${compiled}.d.ts`, default: `./dist/cjs/${compiled}.js` } });
    expect(Object.keys(target)).toEqual(['module-sync', 'import', 'require']);
    expect(existsSync(join(root, source))).toBe(true);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const entry = require(join(root, source)) as Record<string, unknown>;
    for (const name of names) expect(entry[name]).toBeDefined();
  });

  it('keeps ioredis out of the main entry point', () => {
    const index = readFileSync(join(root, 'src/index.ts'), 'utf8');
    expect(index).not.toMatch(/session-store\/redis\//);
  });
});
