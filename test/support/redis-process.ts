/**
 * Private redis-server processes for tests: free loopback ports, own temp directories, fast start (PING polling)
 * and cleanup that survives failing tests and crashing workers.
 *
 * Each redis-server runs under a small `sh` watchdog whose stdin is a pipe from this process. When this process
 * ends in any way (normal exit, uncaught error, SIGKILL of a Jest worker), the pipe closes, `cat` returns and the
 * watchdog SIGKILLs its redis-server. An `exit` handler below is a second line of defence.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { respCommand } from './resp';

const WATCHDOG = [
  'redis-server "$@" &',
  'pid=$!',
  'echo "$pid"',
  'cat >/dev/null',
  'kill -9 "$pid" 2>/dev/null',
].join('\n');

/** A running (or stopped) redis-server process, addressed by the loopback port it listens on. */
export interface RedisProcessHandle {
  readonly port: number;
  /** pid of redis-server itself (not of the watchdog). */
  readonly pid: number;
  readonly watchdog: ChildProcess;
  readonly exited: Promise<void>;
}

const live = new Set<RedisProcessHandle>();
const HANDLERS_INSTALLED = Symbol.for('nestjs-charon.test.redis-process.handlers');

function killAllNow(): void {
  for (const handle of live) {
    try {
      process.kill(handle.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    try {
      handle.watchdog.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
}

function installExitHandlers(): void {
  const registry = globalThis as unknown as Record<symbol, boolean>;
  if (registry[HANDLERS_INSTALLED]) return;
  registry[HANDLERS_INSTALLED] = true;
  // No signal handlers: they would change how Jest workers react to signals, and the watchdog already covers
  // every way this process can end.
  process.on('exit', killAllNow);
}

/** A port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A fresh temp directory for one server's files. */
export function makeTempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `charon-${label}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls PING until the server answers, the process exits, or `timeoutMs` passes. */
async function waitForPing(handle: RedisProcessHandle, dir: string, timeoutMs: number): Promise<void> {
  let exited = false;
  void handle.exited.then(() => (exited = true));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await respCommand(handle.port, ['PING'], 500)) === 'PONG') return;
    } catch {
      // not listening yet
    }
    if (exited || Date.now() > deadline) {
      let log = '';
      try {
        log = readFileSync(join(dir, 'redis.log'), 'utf8').split('\n').slice(-15).join('\n');
      } catch {
        // no log
      }
      throw new Error(`redis-server on port ${handle.port} did not start (${exited ? 'exited' : 'timeout'}):\n${log}`);
    }
    await sleep(10);
  }
}

/**
 * Starts `redis-server` on 127.0.0.1:`port` with persistence off and all files in `dir`, plus `extraArgs`,
 * and resolves once it answers PING.
 */
export async function spawnRedisServer(
  port: number,
  dir: string,
  extraArgs: string[] = [],
  startTimeoutMs = 10_000,
): Promise<RedisProcessHandle> {
  installExitHandlers();
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--save', '',
    '--appendonly', 'no',
    '--dir', dir,
    '--logfile', join(dir, 'redis.log'),
    '--daemonize', 'no',
    ...extraArgs,
  ];
  const watchdog = spawn('sh', ['-c', WATCHDOG, 'redis-watchdog', ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => watchdog.once('exit', () => resolve()));
  const pid = await new Promise<number>((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline >= 0) {
        watchdog.stdout!.off('data', onData);
        resolve(Number(out.slice(0, newline)));
      }
    };
    watchdog.stdout!.on('data', onData);
    watchdog.once('error', reject);
    void exited.then(() => reject(new Error('redis watchdog exited before reporting a pid')));
  });
  watchdog.stdout!.resume();
  const handle: RedisProcessHandle = { port, pid, watchdog, exited };
  live.add(handle);
  try {
    await waitForPing(handle, dir, startTimeoutMs);
  } catch (error) {
    await killRedisProcess(handle);
    throw error;
  }
  return handle;
}

/** Whether something accepts connections on the port. */
async function isListening(port: number): Promise<boolean> {
  try {
    await respCommand(port, ['PING'], 300);
    return true;
  } catch (error) {
    // A SIGSTOPped server accepts TCP but never answers: it is still "there".
    return (error as Error).message.includes('timed out');
  }
}

async function waitUntilGone(handle: RedisProcessHandle): Promise<void> {
  await handle.exited;
  const deadline = Date.now() + 5000;
  while (await isListening(handle.port)) {
    if (Date.now() > deadline) throw new Error(`redis-server on port ${handle.port} did not go away`);
    await sleep(10);
  }
}

/** SIGKILLs the server (no shutdown at all) and waits until its port is closed. */
export async function killRedisProcess(handle: RedisProcessHandle): Promise<void> {
  try {
    process.kill(handle.pid, 'SIGKILL');
  } catch {
    // already gone
  }
  handle.watchdog.stdin?.end();
  live.delete(handle);
  await waitUntilGone(handle);
}

/** Shuts the server down the polite way (SHUTDOWN NOSAVE: clients see a closed connection) and waits for it. */
export async function shutdownRedisProcess(handle: RedisProcessHandle): Promise<void> {
  try {
    process.kill(handle.pid, 'SIGCONT');
    await respCommand(handle.port, ['SHUTDOWN', 'NOSAVE'], 2000);
  } catch {
    // SHUTDOWN closes the connection without a reply; anything else is handled by the kill below.
  }
  await killRedisProcess(handle);
}
