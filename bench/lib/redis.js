'use strict';
/**
 * A private redis-server for the benchmarks: a free loopback port, its own temp directory, persistence off, never
 * the system Redis. It runs under a small `sh` watchdog reading a pipe from this process, so it dies with this
 * process however that ends (same scheme as test/support/redis-process.ts).
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { sleep } = require('./stats');

const WATCHDOG = ['"$@" &', 'pid=$!', 'echo "$pid"', 'cat >/dev/null', 'kill -9 "$pid" 2>/dev/null'].join('\n');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** One RESP command on a fresh socket; resolves with the raw reply text. Enough for PING/INFO/MEMORY. */
function rawCommand(port, args, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('timed out'));
    }, timeoutMs);
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
      if (data.endsWith('\r\n')) {
        clearTimeout(timer);
        socket.end();
        resolve(data);
      }
    });
    socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(String(a))}\r\n${a}\r\n`).join('')}`);
  });
}

/**
 * Starts redis-server; `cpu` pins it to a core with taskset (or null for no pinning).
 * @returns {{ port, url, pid, stop(): Promise<void> }}
 */
async function startRedis({ cpu = null, extraArgs = [] } = {}) {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charon-bench-redis-'));
  const command = [
    ...(cpu === null ? [] : ['taskset', '-c', String(cpu)]),
    'redis-server',
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--save', '',
    '--appendonly', 'no',
    '--dir', dir,
    '--logfile', path.join(dir, 'redis.log'),
    '--daemonize', 'no',
    ...extraArgs,
  ];
  const watchdog = spawn('sh', ['-c', WATCHDOG, 'redis-watchdog', ...command], { stdio: ['pipe', 'pipe', 'inherit'] });
  const pid = await new Promise((resolve, reject) => {
    let out = '';
    watchdog.stdout.on('data', function onData(chunk) {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline >= 0) {
        watchdog.stdout.off('data', onData);
        watchdog.stdout.resume();
        resolve(Number(out.slice(0, newline)));
      }
    });
    watchdog.once('error', reject);
    watchdog.once('exit', () => reject(new Error('redis watchdog exited early')));
  });
  const kill = () => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
    watchdog.stdin.end();
  };
  process.once('exit', kill);
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      if ((await rawCommand(port, ['PING'], 500)).startsWith('+PONG')) break;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) {
      kill();
      throw new Error(`redis-server did not start on port ${port}`);
    }
    await sleep(20);
  }
  return {
    port,
    pid,
    url: `redis://127.0.0.1:${port}`,
    command: (...args) => rawCommand(port, args),
    async stop() {
      kill();
      process.off('exit', kill);
      await new Promise((resolve) => (watchdog.exitCode !== null ? resolve() : watchdog.once('exit', resolve)));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

module.exports = { startRedis, freePort, rawCommand };
