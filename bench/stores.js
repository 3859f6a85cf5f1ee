'use strict';
/**
 * Session store benchmarks against a private redis-server (pinned to core 1; this process to core 0).
 *
 * 1. Throughput at a fixed concurrency (N operations in flight, closed loop), interleaved rounds, median:
 *    RedisSessionStore get / upsert (an update, as on every refresh) / getAll vs raw ioredis on the store's own
 *    connection doing the minimal equivalent: HGET of the same field; FCALL of a no-op Redis function with the
 *    same keys and arguments; HVALS of the same hash. MemorySessionStore get / upsert.
 * 2. getAll for one user holding 1, 100 and 10,000 sessions: time per call and per session.
 * 3. Size scaling: get and upsert time per operation with 10k, 100k and 1,000,000 sessions in the store (memory
 *    and Redis), bytes per session (V8 heap after GC; Redis used_memory and MEMORY USAGE), and fill time.
 */
const crypto = require('node:crypto');
const config = require('./lib/config');
const { build } = require('./lib/build');
const { startRedis } = require('./lib/redis');
const { ratio, rotate, sig, summarize, sleep } = require('./lib/stats');
const { main } = require('./lib/part');

const REDIS_CPU = 1;
const SESSIONS_PER_USER = 10;
const DAY = 24 * 3600;

/** Session ids derived from an index, so a million sessions need no bookkeeping in this process. */
const ID_SALT = crypto.randomBytes(12);
function sessionId(i) {
  const bytes = Buffer.alloc(16);
  ID_SALT.copy(bytes, 0);
  bytes.writeUInt32BE(i, 12);
  return bytes.toString('base64url');
}

/** A session as SessionService.create writes it (before the store bumps lockVersion). */
function makeSession(i, userId, now, lockVersion = 0) {
  return {
    id: sessionId(i),
    userId,
    type: 'full',
    createdAt: now,
    expiresAt: now + 365 * DAY,
    refreshedAt: now,
    refreshExpiresAt: now + 60 * DAY,
    refreshTokenId: crypto.randomBytes(16).toString('base64url'),
    tokensFreshFrom: now,
    prevTokensFreshFrom: now,
    lockVersion,
    extraPayload: {},
    version: 1,
  };
}

/** Closed loop: `concurrency` workers each await `op(worker)` back to back for `durationMs`. Returns ops/s. */
async function throughput(op, { concurrency, durationMs }) {
  let count = 0;
  const start = performance.now();
  const end = start + durationMs;
  const worker = async (w) => {
    while (performance.now() < end) {
      await op(w);
      count++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return count / ((performance.now() - start) / 1000);
}

/** Interleaved rounds of throughput() over contenders; median ops/s of each. */
async function compareOps(contenders, { rounds, durationMs, concurrency, warmupMs = durationMs }) {
  for (const c of contenders) await throughput(c.op, { concurrency, durationMs: warmupMs });
  const samples = Object.fromEntries(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const c of rotate(contenders, round)) samples[c.name].push(await throughput(c.op, { concurrency, durationMs }));
  }
  return Object.fromEntries(
    contenders.map((c) => {
      const s = summarize(samples[c.name]);
      return [c.name, { ops_per_sec: sig(s.median), min: sig(s.min), max: sig(s.max), iqr_rel: sig(s.iqr_rel, 2) }];
    }),
  );
}

/** Inserts sessions [from, to) at high concurrency; returns seconds. */
async function fill(store, from, to, now, concurrency) {
  const start = performance.now();
  let next = from;
  const worker = async () => {
    while (next < to) {
      const i = next++;
      await store.upsert(makeSession(i, Math.floor(i / SESSIONS_PER_USER), now));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (performance.now() - start) / 1000;
}

function gcHeap() {
  if (!global.gc) return null;
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed;
}

async function redisUsedMemory(client) {
  const info = await client.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)[1]);
}

async function run({ log }) {
  const dist = build({ log });
  const { MemorySessionStore, RedisSessionStore } = require(`${dist}/index.js`);
  const { sessionKeys } = require(`${dist}/session-store/redis/redis-session-keys.js`);
  const { encodeSession } = require(`${dist}/session-store/redis/redis-session-codec.js`);
  const s = config.stores;
  const cmp = { rounds: s.rounds, durationMs: s.durationMs, concurrency: s.concurrency };
  const quiet = { log() {}, warn: (m) => log(`store warning: ${m}`), error: (m) => log(`store error: ${m}`) };
  const results = { settings: { ...s, pinned: config.pin, redis_cpu: config.pin ? REDIS_CPU : null, sessions_per_user: SESSIONS_PER_USER } };
  const tables = [];
  const redis = await startRedis({ cpu: config.pin ? REDIS_CPU : null });
  const signingKey = crypto.randomBytes(32);
  const store = new RedisSessionStore({ url: redis.url, getSigningKey: () => signingKey, logger: quiet });
  const memory = new MemorySessionStore({ maxSessions: 2 * s.bigSessions + 100_000, logger: quiet });
  try {
    await store.init();
    const client = store.client;
    const now = Math.floor(Date.now() / 1000);
    const base = 10_000;
    log(`stores: filling ${base} sessions (${base / SESSIONS_PER_USER} users) in Redis and in memory`);
    await fill(store, 0, base, now, 256);
    await fill(memory, 0, base, now, 1);

    // Per-worker disjoint random picks, so concurrent updates never race for one session.
    const pick = (w, n) => w + s.concurrency * Math.floor(Math.random() * Math.floor(n / s.concurrency));
    let population = base;
    const redisVersions = new Int32Array(2 * s.bigSessions + 100_000).fill(1);
    const memoryVersions = new Int32Array(2 * s.bigSessions + 100_000).fill(1);
    const update = (target, versions) => async (w) => {
      const i = pick(w, population);
      const session = makeSession(i, Math.floor(i / SESSIONS_PER_USER), now, versions[i]);
      await target.upsert(session);
      versions[i]++;
    };
    const get = (target) => async (w) => {
      const i = pick(w, population);
      const session = await target.get(sessionId(i), Math.floor(i / SESSIONS_PER_USER), 'full');
      if (session === null) throw new Error(`session ${i} not found`);
    };

    // ---- 1. Redis store vs raw ioredis, memory store ----
    await client.call('FUNCTION', 'LOAD', 'REPLACE', "#!lua name=charon_bench_noop\nredis.register_function('charon_bench_noop', function(keys, args) return 0 end)");
    const sample = makeSession(0, 0, now, 5);
    const encoded = encodeSession(sample, 6, signingKey);
    const keysOf = (i) => sessionKeys(store.keyPrefix, Math.floor(i / SESSIONS_PER_USER), 'full');
    log('stores: Redis store vs raw ioredis (get, upsert, getAll) and memory store');
    const redisOps = await compareOps(
      [
        { name: 'store_get', op: get(store) },
        {
          name: 'raw_hget',
          op: async (w) => {
            const i = pick(w, population);
            if ((await client.hget(keysOf(i).sessions, sessionId(i))) === null) throw new Error('raw hget missed');
          },
        },
        { name: 'store_upsert', op: update(store, redisVersions) },
        {
          name: 'raw_fcall_noop',
          op: async (w) => {
            const i = pick(w, population);
            const keys = keysOf(i);
            await client.fcall('charon_bench_noop', 2, keys.sessions, keys.expiry, sessionId(i), '5', encoded, String(now + 60 * DAY), String(now));
          },
        },
        { name: 'store_getall', op: async (w) => void (await store.getAll(Math.floor(pick(w, population) / SESSIONS_PER_USER), 'full')) },
        { name: 'raw_hvals', op: async (w) => void (await client.hvals(keysOf(pick(w, population)).sessions)) },
      ],
      cmp,
    );
    const memoryOps = await compareOps(
      [
        { name: 'get', op: get(memory) },
        { name: 'upsert', op: update(memory, memoryVersions) },
        { name: 'getall', op: async (w) => void (await memory.getAll(Math.floor(pick(w, population) / SESSIONS_PER_USER), 'full')) },
      ],
      cmp,
    );
    results.redis = {
      get: { ops_per_sec: redisOps.store_get.ops_per_sec, raw_ops_per_sec: redisOps.raw_hget.ops_per_sec, ratio_vs_raw: ratio(redisOps.store_get.ops_per_sec, redisOps.raw_hget.ops_per_sec), detail: redisOps.store_get, raw_detail: redisOps.raw_hget },
      upsert: { ops_per_sec: redisOps.store_upsert.ops_per_sec, raw_ops_per_sec: redisOps.raw_fcall_noop.ops_per_sec, ratio_vs_raw: ratio(redisOps.store_upsert.ops_per_sec, redisOps.raw_fcall_noop.ops_per_sec), detail: redisOps.store_upsert, raw_detail: redisOps.raw_fcall_noop },
      getall: { ops_per_sec: redisOps.store_getall.ops_per_sec, raw_ops_per_sec: redisOps.raw_hvals.ops_per_sec, ratio_vs_raw: ratio(redisOps.store_getall.ops_per_sec, redisOps.raw_hvals.ops_per_sec), sessions_per_user: SESSIONS_PER_USER, detail: redisOps.store_getall, raw_detail: redisOps.raw_hvals },
    };
    results.memory = { get: memoryOps.get, upsert: memoryOps.upsert, getall: { ...memoryOps.getall, sessions_per_user: SESSIONS_PER_USER } };
    tables.push({
      title: `Stores: ops/s at ${s.concurrency} in flight (${population} sessions, ${SESSIONS_PER_USER} per user; median of ${s.rounds} x ${s.durationMs} ms)`,
      columns: ['operation', 'store ops/s', 'raw ioredis ops/s', 'store ÷ raw', 'raw equivalent'],
      rows: [
        ['Redis get', results.redis.get.ops_per_sec, results.redis.get.raw_ops_per_sec, results.redis.get.ratio_vs_raw, 'HGET'],
        ['Redis upsert (update)', results.redis.upsert.ops_per_sec, results.redis.upsert.raw_ops_per_sec, results.redis.upsert.ratio_vs_raw, 'FCALL no-op, same args'],
        ['Redis getAll (10 sessions)', results.redis.getall.ops_per_sec, results.redis.getall.raw_ops_per_sec, results.redis.getall.ratio_vs_raw, 'HVALS'],
        ['memory get', results.memory.get.ops_per_sec, '', '', ''],
        ['memory upsert (update)', results.memory.upsert.ops_per_sec, '', '', ''],
        ['memory getAll (10 sessions)', results.memory.getall.ops_per_sec, '', '', ''],
      ],
    });

    // ---- 2. getAll for one user with 1, 100, 10,000 sessions ----
    log('stores: getAll scaling (1, 100, 10,000 sessions of one user)');
    results.scaling = { getall: { memory: {}, redis: {} } };
    const getAllRows = [];
    let nextId = 1_500_000_000;
    for (const count of [1, 100, 10_000]) {
      const userId = `getall-user-${count}`;
      for (const target of [store, memory]) {
        const ids = Array.from({ length: count }, () => nextId++);
        let k = 0;
        await Promise.all(
          Array.from({ length: 64 }, async () => {
            while (k < ids.length) await target.upsert(makeSession(ids[k++], userId, now));
          }),
        );
      }
      // One call at a time: the time per call is the figure (a 10,000-session HVALS is ~5 MB; several in flight
      // would only queue behind each other's decoding).
      const concurrency = 1;
      const durationMs = Math.max(s.durationMs, count >= 10_000 ? 2000 : 0);
      const ops = await compareOps(
        [
          { name: 'redis', op: async () => { if ((await store.getAll(userId, 'full')).length !== count) throw new Error('redis getAll count'); } },
          { name: 'memory', op: async () => { if ((await memory.getAll(userId, 'full')).length !== count) throw new Error('memory getAll count'); } },
        ],
        { rounds: Math.max(2, Math.min(3, s.rounds)), durationMs, concurrency, warmupMs: Math.min(durationMs, 500) },
      );
      for (const name of ['redis', 'memory']) {
        const usPerOp = 1e6 / ops[name].ops_per_sec;
        results.scaling.getall[name][`sessions_${count}`] = { ops_per_sec: ops[name].ops_per_sec, us_per_op: sig(usPerOp), us_per_session: sig(usPerOp / count) };
      }
      getAllRows.push([
        count,
        results.scaling.getall.redis[`sessions_${count}`].us_per_op,
        results.scaling.getall.redis[`sessions_${count}`].us_per_session,
        results.scaling.getall.memory[`sessions_${count}`].us_per_op,
        results.scaling.getall.memory[`sessions_${count}`].us_per_session,
      ]);
      for (const target of [store, memory]) await target.deleteAll(userId, 'full');
    }
    tables.push({
      title: 'Stores: getAll of one user (one call at a time)',
      columns: ['sessions of the user', 'Redis µs/op', 'Redis µs/session', 'memory µs/op', 'memory µs/session'],
      rows: getAllRows,
    });

    // ---- 3. Size scaling up to 1,000,000 sessions ----
    const sizes = [base, 100_000, s.bigSessions].filter((n, i, all) => n >= base && all.indexOf(n) === i);
    if (config.skip1m) sizes.splice(sizes.indexOf(s.bigSessions), 1);
    results.scaling.size = { memory: {}, redis: {} };
    const sizeRows = [];
    // Baselines for bytes per session: the first `base` sessions are already in both stores.
    const redisMemoryAtBase = await redisUsedMemory(client);
    const heapAtBase = gcHeap();
    const scaleCmp = { rounds: Math.max(2, Math.min(3, s.rounds)), durationMs: Math.min(s.durationMs, 1000), concurrency: s.concurrency, warmupMs: 300 };
    let redisFillSeconds = 0;
    let memoryFillSeconds = 0;
    for (const size of sizes) {
      if (size > population) {
        log(`stores: filling to ${size} sessions`);
        redisFillSeconds += await fill(store, population, size, now, 512);
        memoryFillSeconds += await fill(memory, population, size, now, 1);
        population = size;
      }
      const ops = await compareOps(
        [
          { name: 'redis_get', op: get(store) },
          { name: 'redis_upsert', op: update(store, redisVersions) },
          { name: 'memory_get', op: get(memory) },
          { name: 'memory_upsert', op: update(memory, memoryVersions) },
        ],
        scaleCmp,
      );
      const entry = (name) => ({ ops_per_sec: ops[name].ops_per_sec, us_per_op: sig(1e6 / ops[name].ops_per_sec) });
      results.scaling.size.redis[`n_${size}`] = { get: entry('redis_get'), upsert: entry('redis_upsert') };
      results.scaling.size.memory[`n_${size}`] = { get: entry('memory_get'), upsert: entry('memory_upsert') };
      sizeRows.push([
        size,
        results.scaling.size.redis[`n_${size}`].get.us_per_op,
        results.scaling.size.redis[`n_${size}`].upsert.us_per_op,
        results.scaling.size.memory[`n_${size}`].get.us_per_op,
        results.scaling.size.memory[`n_${size}`].upsert.us_per_op,
      ]);
    }
    const largest = sizes[sizes.length - 1];
    const added = largest - base;
    if (added > 0) {
      const redisBytes = (await redisUsedMemory(client)) - redisMemoryAtBase;
      const heap = gcHeap();
      // MEMORY USAGE of one user's two keys (10 sessions): the per-key view, overheads included.
      const keys = keysOf(base);
      const perUser = Number(await client.call('MEMORY', 'USAGE', keys.sessions, 'SAMPLES', '0')) + Number(await client.call('MEMORY', 'USAGE', keys.expiry, 'SAMPLES', '0'));
      results.scaling.bytes_per_session = {
        sessions: largest,
        redis_used_memory: sig(redisBytes / added),
        redis_memory_usage_keys: sig(perUser / SESSIONS_PER_USER),
        memory_heap: heap === null || heapAtBase === null ? null : sig((heap - heapAtBase) / added),
      };
      results.scaling.fill = {
        sessions: added,
        redis_seconds: sig(redisFillSeconds),
        redis_sessions_per_sec: sig(added / redisFillSeconds),
        memory_seconds: sig(memoryFillSeconds),
        memory_sessions_per_sec: sig(added / memoryFillSeconds),
      };
    }
    const flat = (a, b) => (largest === base ? null : ratio(a, b));
    results.scaling.flatness = {
      redis_get: flat(results.scaling.size.redis[`n_${largest}`].get.us_per_op, results.scaling.size.redis[`n_${base}`].get.us_per_op),
      redis_upsert: flat(results.scaling.size.redis[`n_${largest}`].upsert.us_per_op, results.scaling.size.redis[`n_${base}`].upsert.us_per_op),
      memory_get: flat(results.scaling.size.memory[`n_${largest}`].get.us_per_op, results.scaling.size.memory[`n_${base}`].get.us_per_op),
      memory_upsert: flat(results.scaling.size.memory[`n_${largest}`].upsert.us_per_op, results.scaling.size.memory[`n_${base}`].upsert.us_per_op),
      note: `time per op at ${largest} sessions ÷ at ${base}; 1.0 = flat`,
    };
    tables.push({
      title: `Stores: time per op vs sessions stored (${s.concurrency} in flight; µs = 1 / throughput)`,
      columns: ['sessions', 'Redis get µs', 'Redis upsert µs', 'memory get µs', 'memory upsert µs'],
      rows: sizeRows,
    });
    if (results.scaling.bytes_per_session) {
      const b = results.scaling.bytes_per_session;
      const f = results.scaling.fill;
      tables.push({
        title: `Stores: footprint and fill (${largest} sessions)`,
        columns: ['figure', 'value'],
        rows: [
          ['Redis bytes/session (used_memory)', b.redis_used_memory],
          ['Redis bytes/session (MEMORY USAGE of a user\'s keys)', b.redis_memory_usage_keys],
          ['memory store bytes/session (V8 heap)', b.memory_heap ?? 'n/a (run with --expose-gc)'],
          [`Redis fill of ${f.sessions} sessions, s (upsert, 512 in flight)`, f.redis_seconds],
          [`memory fill of ${f.sessions} sessions, s`, f.memory_seconds],
        ],
      });
    }
    await client.call('FUNCTION', 'DELETE', 'charon_bench_noop');
    return { results: { stores: results }, tables };
  } finally {
    await store.close();
    await sleep(10);
    await redis.stop();
  }
}

module.exports = { run };
main(module, run);
