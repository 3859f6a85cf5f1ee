'use strict';
/**
 * Compiles the library (tsc, tsconfig.build.json) into bench/.dist, a private output directory: other work in
 * the same checkout may run `npm run build` (which deletes dist/) while a benchmark is running.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const config = require('./config');

function build({ log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  if (config.skipBuild || process.env.BENCH_DIST) {
    if (!fs.existsSync(path.join(config.DIST, 'index.js'))) {
      throw new Error(`${config.DIST}/index.js not found; run without BENCH_SKIP_BUILD first`);
    }
    log(`using the existing build in ${path.relative(config.ROOT, config.DIST) || config.DIST}`);
    return config.DIST;
  }
  const started = Date.now();
  fs.rmSync(config.DIST, { recursive: true, force: true });
  const tsc = require.resolve('typescript/bin/tsc', { paths: [config.ROOT] });
  execFileSync(
    process.execPath,
    [tsc, '-p', 'tsconfig.build.json', '--outDir', config.DIST, '--declaration', 'false', '--sourceMap', 'true'],
    { cwd: config.ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  log(`built the library into ${path.relative(config.ROOT, config.DIST)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return config.DIST;
}

/** The compiled library's entry point (what `require('nestjs-charon')` gives users). */
function charon() {
  return require(path.join(config.DIST, 'index.js'));
}

module.exports = { build, charon };
