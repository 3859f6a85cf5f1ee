'use strict';
/**
 * Benchmark settings from the environment. Every knob has a default that a full run uses; BENCH_QUICK=1 shrinks
 * durations and rounds for a smoke check (figures from a quick run are not worth publishing).
 */
const path = require('node:path');

const env = process.env;
const quick = env.BENCH_QUICK === '1';

function int(name, fallback) {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${value}`);
  return n;
}

const ROOT = path.resolve(__dirname, '..', '..');

module.exports = {
  ROOT,
  BENCH_DIR: path.join(ROOT, 'bench'),
  /** Compiled library the benchmarks load (built by bench/lib/build.js). */
  DIST: env.BENCH_DIST ? path.resolve(env.BENCH_DIST) : path.join(ROOT, 'bench', '.dist'),
  RESULTS_DIR: path.join(ROOT, 'bench', 'results'),
  quick,
  /** Pin the server and the load generator to different cores with taskset (see BENCHMARKS.md). */
  pin: env.BENCH_PIN !== '0',
  /** Record CPU profiles of the app processes and the token benchmark into bench/profiles/. */
  cpuProf: env.BENCH_CPU_PROF === '1',
  skipBuild: env.BENCH_SKIP_BUILD === '1',
  /** Skip the 1,000,000-session scaling step. */
  skip1m: env.BENCH_SKIP_1M === '1',

  tokens: {
    rounds: int('BENCH_TOKEN_ROUNDS', quick ? 3 : 15),
    batchMs: int('BENCH_TOKEN_BATCH_MS', quick ? 60 : 250),
    warmupMs: int('BENCH_TOKEN_WARMUP_MS', quick ? 200 : 1500),
  },
  http: {
    rounds: int('BENCH_HTTP_ROUNDS', quick ? 2 : 7),
    durationSec: int('BENCH_HTTP_DURATION', quick ? 1 : 4),
    warmupSec: int('BENCH_HTTP_WARMUP', quick ? 1 : 3),
    connections: int('BENCH_HTTP_CONNECTIONS', 32),
  },
  stores: {
    rounds: int('BENCH_STORE_ROUNDS', quick ? 2 : 5),
    durationMs: int('BENCH_STORE_DURATION_MS', quick ? 300 : 2000),
    concurrency: int('BENCH_STORE_CONCURRENCY', 64),
    /** Sessions in the big scaling step (the issue asks for 1,000,000). */
    bigSessions: int('BENCH_BIG_SESSIONS', quick ? 100_000 : 1_000_000),
  },
  cluster: {
    /** Numbers of primaries, each a private Redis Cluster; must include 1 (the ratios are against it). */
    sizes: (env.BENCH_CLUSTER_SIZES || '1,2,3').split(',').map(Number),
    rounds: int('BENCH_CLUSTER_ROUNDS', quick ? 2 : 5),
    durationMs: int('BENCH_CLUSTER_DURATION_MS', quick ? 300 : 2000),
    warmupMs: int('BENCH_CLUSTER_WARMUP_MS', quick ? 200 : 1000),
    concurrency: int('BENCH_CLUSTER_CONCURRENCY', 64),
    /** Sessions read, and as many others updated (so ~2 x sessions / sessionsPerUser keys over the slots). */
    sessions: int('BENCH_CLUSTER_SESSIONS', 10_000),
    sessionsPerUser: int('BENCH_CLUSTER_SESSIONS_PER_USER', 10),
  },
};
