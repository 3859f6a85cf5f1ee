'use strict';
/**
 * Compiles the library (tsc, tsconfig.build.json) into bench/.dist, a private output directory: other work in
 * the same checkout may run `npm run build` (which deletes dist/) while a benchmark is running.
 *
 * By default it compiles the committed source (`git archive HEAD`), so a run measures exactly the commit it
 * records, whatever is being edited in the work tree meanwhile. BENCH_SOURCE=worktree compiles the work tree
 * instead (to measure a change before committing it).
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const config = require('./config');

function git(args, options = {}) {
  return execFileSync('git', args, { cwd: config.ROOT, encoding: 'utf8', ...options }).trim();
}

/** Source tree to compile: the work tree, or a temp export of HEAD (with node_modules linked in). */
function sourceTree() {
  if (process.env.BENCH_SOURCE === 'worktree') return { dir: config.ROOT, label: 'work tree', cleanup() {} };
  const commit = git(['rev-parse', '--short', 'HEAD']);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charon-bench-src-'));
  const archive = execFileSync('git', ['archive', '--format=tar', 'HEAD', 'src', 'tsconfig.json', 'tsconfig.build.json'], {
    cwd: config.ROOT,
    maxBuffer: 256 * 1024 * 1024,
  });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  fs.symlinkSync(path.join(config.ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return { dir, label: `commit ${commit}`, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function build({ log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  if (config.skipBuild || process.env.BENCH_DIST) {
    if (!fs.existsSync(path.join(config.DIST, 'index.js'))) {
      throw new Error(`${config.DIST}/index.js not found; run without BENCH_SKIP_BUILD first`);
    }
    return config.DIST;
  }
  const started = Date.now();
  const source = sourceTree();
  try {
    fs.rmSync(config.DIST, { recursive: true, force: true });
    const tsc = require.resolve('typescript/bin/tsc', { paths: [config.ROOT] });
    execFileSync(
      process.execPath,
      [tsc, '-p', 'tsconfig.build.json', '--outDir', config.DIST, '--declaration', 'false', '--sourceMap', 'true'],
      { cwd: source.dir, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    fs.writeFileSync(path.join(config.DIST, 'BUILT_FROM'), `${source.label}\n`);
  } finally {
    source.cleanup();
  }
  log(`built the library (${source.label}) into ${path.relative(config.ROOT, config.DIST)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return config.DIST;
}

/** What bench/.dist was built from ("commit abc1234" or "work tree"). */
function builtFrom() {
  try {
    return fs.readFileSync(path.join(config.DIST, 'BUILT_FROM'), 'utf8').trim();
  } catch {
    return null;
  }
}

/** The compiled library's entry point (what `require('nestjs-charon')` gives users). */
function charon() {
  return require(path.join(config.DIST, 'index.js'));
}

module.exports = { build, builtFrom, charon };
