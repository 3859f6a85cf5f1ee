/**
 * The package as users get it: `npm pack` (prepack builds it), then the tarball installed, with everything else
 * from the registry, into fresh Nest 11 (CommonJS) and Nest 12 (ES modules, as `@nestjs/cli` 12 scaffolds) apps in
 * temp directories. Each app type-checks a consumer under every moduleResolution, boots on every Node.js binary
 * given (this one, plus CHARON_TEST_NODES) with and without require(esm), authenticates over HTTP, keeps sessions
 * in a private Redis through `nestjs-charon/redis`, and runs the module's e2e specs against its install: Jest for Nest 11, Vitest for Nest 12 (whose packages Jest's CommonJS
 * runtime cannot load). Installs prefer npm's cache (--prefer-offline), so repeated runs hardly touch the registry.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildConsumerApp, type ConsumerFixture, installConsumerApp, nodeBinaries, REPO_ROOT, startConsumerApp } from './support/consumer-app';
import { RESOLUTION_MODES, typeCheckConsumer } from './support/consumer-types';
import { RedisTestServer } from '../support/redis-server';
import { runCommand } from './support/run-command';

/**
 * The module's e2e specs, run against both installs: every context (HTTP on Express and Fastify, GraphQL, WebSockets)
 * and the global guard. They import only packages the fixture apps install (plus test clients from the repo).
 * The sample app's specs are not among them: they test the sample, on the repo's own install.
 */
const E2E_SPECS = [
  'test/e2e/charon-module.e2e-spec.ts',
  'test/e2e/global-guard.e2e-spec.ts',
  'test/e2e/graphql.e2e-spec.ts',
  'test/e2e/lookup-key.e2e-spec.ts',
  'test/e2e/security.e2e-spec.ts',
  'test/e2e/websockets.e2e-spec.ts',
];

const APPS: ReadonlyArray<{ fixture: ConsumerFixture; nest: number; runner: 'jest' | 'vitest' }> = [
  { fixture: 'nest11-app', nest: 11, runner: 'jest' },
  { fixture: 'nest12-app', nest: 12, runner: 'vitest' },
];

/** Node's default (require(esm) on, `module-sync` resolves to the ESM build), and require(esm) turned off. */
const NODE_FLAG_SETS: ReadonlyArray<readonly string[]> = [[], ['--no-experimental-require-module']];

interface PackedFile {
  path: string;
  size: number;
}

let workDir: string;
let tarball: string;
let packedFiles: PackedFile[];
const appDirs = new Map<ConsumerFixture, string>();

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'nestjs-charon-packed-'));
  const packed = await runCommand('npm', ['pack', '--json', '--pack-destination', workDir, '--loglevel=error'], { cwd: REPO_ROOT, timeoutMs: 180_000 });
  // npm prints the prepack build's output before the JSON.
  const [result] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[\n'))) as Array<{ filename: string; files: PackedFile[] }>;
  tarball = join(workDir, result!.filename);
  packedFiles = result!.files;
  await Promise.all(
    APPS.map(async ({ fixture }) => {
      const dir = await installConsumerApp(fixture, tarball, join(workDir, fixture));
      await buildConsumerApp(dir);
      appDirs.set(fixture, dir);
    }),
  );
}, 420_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds both builds with their declarations, built by prepack, and no source maps or sources', () => {
    const paths = packedFiles.map((file) => file.path).sort();
    for (const format of ['cjs', 'esm']) {
      for (const entry of ['index', 'testing/index', 'redis']) {
        expect(paths).toContain(`dist/${format}/${entry}.js`);
        expect(paths).toContain(`dist/${format}/${entry}.d.ts`);
      }
      expect(paths).toContain(`dist/${format}/package.json`);
    }
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'README.md', 'CHANGELOG.md']));
    expect(paths.filter((path) => path.endsWith('.map'))).toEqual([]);
    expect(paths.filter((path) => !path.startsWith('dist/') && !['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE'].includes(path))).toEqual([]);
  });

  it('tells the registry where the code, the docs and the issues are, and which Node.js versions it supports', () => {
    const manifest = JSON.parse(readFileSync(join(appDirs.get('nest12-app')!, 'node_modules/nestjs-charon/package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      repository: { type: 'git', url: 'git+https://github.com/nestjs-charon/nestjs-charon.git' },
      homepage: 'https://github.com/nestjs-charon/nestjs-charon#readme',
      bugs: { url: 'https://github.com/nestjs-charon/nestjs-charon/issues' },
      engines: { node: expect.any(String) },
    });
  });
});

describe.each(APPS)('a fresh Nest $nest app ($fixture)', ({ fixture, runner }) => {
  const appDir = (): string => appDirs.get(fixture)!;

  it.each(RESOLUTION_MODES)('type-checks a consumer of all three entry points under moduleResolution $name', (mode) => {
    expect(typeCheckConsumer(appDir(), mode)).toEqual([]);
  });

  it('boots and authenticates over HTTP on every Node.js given, with and without require(esm)', async () => {
    for (const node of nodeBinaries()) {
      for (const flags of NODE_FLAG_SETS) {
        const app = await startConsumerApp(appDir(), node, flags);
        try {
          const context = `${node.version} ${flags.join(' ')}`;
          const login = await fetch(`${app.url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"alice"}' });
          expect([context, login.status]).toEqual([context, 201]);
          const tokens = (await login.json()) as { accessToken: string; refreshToken: string };
          const me = await fetch(`${app.url}/me`, { headers: { authorization: `Bearer ${tokens.accessToken}` } });
          expect([context, me.status, await me.json()]).toEqual([context, 200, { userId: 'alice' }]);
          const refresh = await fetch(`${app.url}/refresh`, { method: 'POST', headers: { authorization: `Bearer ${tokens.refreshToken}` } });
          expect([context, refresh.status]).toEqual([context, 200]);
          const refreshed = (await refresh.json()) as { accessToken: string };
          const meAgain = await fetch(`${app.url}/me`, { headers: { authorization: `Bearer ${refreshed.accessToken}` } });
          expect([context, meAgain.status]).toEqual([context, 200]);
          const anonymous = await fetch(`${app.url}/me`);
          expect([context, anonymous.status]).toEqual([context, 401]);
          expect([context, app.stderr()]).not.toEqual([context, expect.stringContaining('ExperimentalWarning')]);
        } finally {
          await app.stop();
        }
      }
    }
  }, 180_000);

  it('loads one copy of the package whether it is imported or required (no dual-package hazard)', async () => {
    const probe = join(appDir(), 'one-copy.mjs');
    writeFileSync(
      probe,
      [
        "import { createRequire } from 'node:module';",
        "import * as imported from 'nestjs-charon';",
        'const require = createRequire(import.meta.url);',
        "const required = require('nestjs-charon');",
        "console.log(JSON.stringify({ same: imported.SessionService === required.SessionService, imported: import.meta.resolve('nestjs-charon'), required: require.resolve('nestjs-charon') }));",
      ].join('\n'),
    );
    for (const node of nodeBinaries()) {
      const { stdout } = await runCommand(node.path, [probe], { cwd: appDir(), timeoutMs: 30_000 });
      const loaded = JSON.parse(stdout) as { same: boolean; imported: string; required: string };
      expect({ node: node.version, ...loaded }).toEqual({
        node: node.version,
        same: true,
        imported: expect.stringMatching(/nestjs-charon\/dist\/esm\/index\.js$/),
        required: expect.stringMatching(/nestjs-charon\/dist\/esm\/index\.js$/),
      });
    }
  }, 60_000);

  it('keeps sessions in Redis through nestjs-charon/redis, loading the optional ioredis lazily, in both builds', async () => {
    const redis = await RedisTestServer.start();
    const probe = join(appDir(), 'redis-store.mjs');
    writeFileSync(
      probe,
      [
        "import { randomBytes } from 'node:crypto';",
        "import { Module } from '@nestjs/common';",
        "import { NestFactory } from '@nestjs/core';",
        "import { CharonModule, SessionStore } from 'nestjs-charon';",
        "import { redisSessionStore } from 'nestjs-charon/redis';",
        'class AppModule {}',
        "Module({ imports: [CharonModule.forRoot({ tokenIssuer: 't', baseSecret: randomBytes(48).toString('base64'), store: redisSessionStore({ url: process.argv[2] }) })] })(AppModule);",
        'const app = await NestFactory.createApplicationContext(AppModule, { logger: false });',
        'const store = app.get(SessionStore);',
        "console.log(JSON.stringify({ store: store.constructor.name, sessions: await store.getAll('nobody', 'full') }));",
        'await app.close();',
      ].join('\n'),
    );
    try {
      // Without require(esm) a Nest 11 app loads the CommonJS build; otherwise the ESM one (createRequire for ioredis).
      for (const flags of NODE_FLAG_SETS) {
        const { stdout } = await runCommand(process.execPath, [...flags, probe, redis.url], { cwd: appDir(), timeoutMs: 30_000 });
        expect({ flags, ...JSON.parse(stdout) }).toEqual({ flags, store: 'RedisSessionStore', sessions: [] });
      }
    } finally {
      await redis.stop();
    }
  }, 90_000);

  it(`passes the module's e2e suite against its install (${runner})`, async () => {
    const env = { ...process.env, CHARON_CONSUMER_APP: appDir(), NO_COLOR: '1', FORCE_COLOR: '0' };
    const command =
      runner === 'jest'
        ? [join(REPO_ROOT, 'node_modules/jest/bin/jest.js'), '--config', 'test/package/support/jest-consumer-app.config.js', '--ci', ...E2E_SPECS]
        : [join(REPO_ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'test/package/support/vitest-consumer-app.config.ts', ...E2E_SPECS];
    const { stdout, stderr } = await runCommand(process.execPath, command, { cwd: REPO_ROOT, env, timeoutMs: 240_000 });
    // Both runners exit 0 only when every test passed; this also shows that tests ran at all.
    const summary = /Tests:?\s+(\d+) passed(?:, (\d+) total| \((\d+)\))/.exec(`${stdout}\n${stderr}`);
    expect(summary).not.toBeNull();
    const [, passed, total = summary![3]] = summary!;
    expect(Number(passed)).toBeGreaterThan(0);
    expect(passed).toEqual(total);
  }, 300_000);
});
