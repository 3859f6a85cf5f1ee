'use strict';
/** What the figures were measured on: they mean little without it. */
const os = require('node:os');
const { execFileSync } = require('node:child_process');
const config = require('./config');

function tryExec(file, args) {
  try {
    return execFileSync(file, args, { cwd: config.ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function version(name) {
  try {
    return require(require.resolve(`${name}/package.json`, { paths: [config.ROOT] })).version;
  } catch {
    return null;
  }
}

function machineInfo() {
  const cpus = os.cpus();
  const redis = tryExec('redis-server', ['--version']);
  return {
    date: new Date().toISOString(),
    hostname_hash: require('node:crypto').createHash('sha256').update(os.hostname()).digest('hex').slice(0, 8),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu_model: cpus[0]?.model ?? null,
    cpu_count: cpus.length,
    cpu_mhz: cpus[0]?.speed ?? null,
    memory_gb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    v8: process.versions.v8,
    openssl: process.versions.openssl,
    redis_server: redis ? (redis.match(/v=(\S+)/)?.[1] ?? redis) : null,
    git_commit: tryExec('git', ['rev-parse', '--short', 'HEAD']),
    // Uncommitted changes under src/ (they are measured only with BENCH_SOURCE=worktree).
    src_dirty: (tryExec('git', ['status', '--porcelain', '--', 'src']) ?? '') !== '',
    quick: config.quick,
    pinned: config.pin,
    packages: Object.fromEntries(
      [
        'jose',
        'fast-jwt',
        'jsonwebtoken',
        '@nestjs/core',
        '@nestjs/platform-express',
        '@nestjs/jwt',
        '@nestjs/passport',
        'passport',
        'passport-jwt',
        'ioredis',
        'autocannon',
      ].map((name) => [name, version(name)]),
    ),
  };
}

module.exports = { machineInfo };
