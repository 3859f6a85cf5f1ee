'use strict';
/**
 * Child Node processes: the HTTP apps under test and the load generator each get their own process (and, with
 * pinning, their own core), so neither steals the other's event loop.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const config = require('./config');

/**
 * Starts `node script` with an IPC channel. `cpu` pins it with taskset when pinning is on.
 * Resolves with { child, message } once the child sends its first IPC message (e.g. `{ ready: true, port }`).
 */
function startNode(script, { env = {}, cpu = null, nodeArgs = [], args = [], label = path.basename(script), timeoutMs = 60_000 } = {}) {
  const extraNodeArgs = [...nodeArgs];
  if (config.cpuProf && env.BENCH_PROFILE_THIS !== '0') {
    const dir = path.join(config.BENCH_DIR, 'profiles');
    fs.mkdirSync(dir, { recursive: true });
    extraNodeArgs.push('--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${label}-${Date.now()}.cpuprofile`);
  }
  const useTaskset = config.pin && cpu !== null;
  const file = useTaskset ? 'taskset' : process.execPath;
  const argv = [...(useTaskset ? ['-c', String(cpu), process.execPath] : []), ...extraNodeArgs, script, ...args];
  const child = spawn(file, argv, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exitedEarly = new Promise((_, reject) =>
    child.once('exit', (code, signal) => reject(new Error(`${label} exited before it was ready (code ${code}, signal ${signal})`))),
  );
  const ready = new Promise((resolve) => child.once('message', (message) => resolve({ child, message })));
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} not ready within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([ready, exitedEarly, timeout]).finally(() => clearTimeout(timer));
}

/** Sends `message` and resolves with the child's next message. */
function request(child, message) {
  return new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`child exited (code ${code}) while handling ${message.type}`));
    child.once('exit', onExit);
    child.once('message', (reply) => {
      child.off('exit', onExit);
      if (reply && reply.error) reject(new Error(reply.error));
      else resolve(reply);
    });
    child.send(message);
  });
}

/** Asks the child to exit (SIGTERM lets --cpu-prof write its profile), then kills it after a grace period. */
function stopNode(child, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (child.connected) child.send({ type: 'exit' });
    else child.kill('SIGTERM');
  });
}

module.exports = { startNode, request, stopNode };
