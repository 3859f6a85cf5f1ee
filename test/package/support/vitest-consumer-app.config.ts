/**
 * Runs e2e specs (given on the command line) under Vitest against a consumer app's install of the packed package
 * (CHARON_CONSUMER_APP): used for the Nest 12 app, whose ES-module-only packages Jest's CommonJS runtime cannot
 * load. Node itself imports the app's packages (Vitest leaves node_modules to Node), so the packed package is
 * loaded the way the app loads it: its ESM build, with Nest 12. Bare imports made by the repo's specs resolve from
 * the app directory first, as in resolve-from-consumer-app.js. SWC compiles the specs (esbuild emits no decorator
 * metadata, which Nest's injection needs).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { transform } from '@swc/core';
import { defineConfig, type Plugin } from 'vitest/config';

// Vite's config loader defines __dirname for config files, whichever module format it bundles them to.
const root = join(__dirname, '../../..');
const appDir = process.env.CHARON_CONSUMER_APP;
if (!appDir) throw new Error('CHARON_CONSUMER_APP is not set');
const swcrc = JSON.parse(readFileSync(join(root, '.swcrc'), 'utf8'));

const swcTypeScript: Plugin = {
  name: 'swc-typescript',
  enforce: 'pre',
  async transform(code, id) {
    if (!id.endsWith('.ts') || id.includes('/node_modules/')) return null;
    const output = await transform(code, { ...swcrc, swcrc: false, filename: id, sourceMaps: true, module: { type: 'es6' } });
    return { code: output.code, map: output.map };
  },
};

const resolveFromConsumerApp: Plugin = {
  name: 'resolve-from-consumer-app',
  enforce: 'pre',
  async resolveId(source, importer) {
    const bare = !source.startsWith('.') && !isAbsolute(source) && !source.startsWith('node:') && !source.startsWith('\0');
    if (!bare || !importer || importer.includes('/node_modules/') || source === 'vitest') return null;
    return (await this.resolve(source, join(appDir, 'package.json'), { skipSelf: true })) ?? null;
  },
};

export default defineConfig({
  root,
  esbuild: false,
  plugins: [resolveFromConsumerApp, swcTypeScript],
  test: {
    globals: true,
    environment: 'node',
    include: ['test/e2e/**/*.e2e-spec.ts'],
    setupFiles: [join(root, 'test/package/support/vitest-jest-globals.ts')],
    testTimeout: 30000,
    hookTimeout: 30000,
  },
});
