'use strict';
/**
 * Session store benchmarks against a private redis-server (pinned to core 1; this process to core 0).
 *
 * 1. Throughput at a fixed concurrency (N operations in flight, closed loop), interleaved rounds, median:
 *    RedisSessionStore get / upsert (an update, as on every refresh) / getAll vs raw ioredis on the store's own
 *    connection doing the minimal equivalent: HGET of the same field; FCALL of a no-op Redis function with the
 *    same key and arguments; HVALS of the same hash. Reads are measured with the store's verification memo (its
 *    default) and without it (every read checks the HMAC and parses). MemorySessionStore get / upsert / getAll.
 * 2. getAll for one user holding 1, 100 and 10,000 sessions: time per call and per session.
 * 3. Size scaling: get and upsert time per operation with 10k, 100k and 1,000,000 sessions in the store (memory
 *    and Redis), bytes per session (V8 heap after GC; Redis used_memory and MEMORY USAGE), and fill time.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const config = require('./lib/config');
const { build } = require('./lib/build');
const { startRedis } = require('./lib/redis');
const { ratio, rotate, sig, summarize, sleep } = require('./lib/stats');
const { main } = require('./lib/part');
const { DAY, sessionId, makeSession } = require('./lib/sessions');

const REDIS_CPU = 1;
const SESSIONS_PER_USER = 10;

/**
 * Closed loop: `concurrency` workers each await `op(worker)` back to back for `durationMs`. Returns ops/s (wall
 * clock); `lastCpuPerOp` holds this process's CPU µs per operation of the same run.
 */
let lastCpuPerOp = null;
async function throughput(op, { concurrency, durationMs }) {
  let count = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const end = start + durationMs;
  const worker = async (w) => {
    while (performance.now() < end) {
      await op(w);
      count++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const used = process.cpuUsage(cpu);
  lastCpuPerOp = (used.user + used.system) / count;
  return count / ((performance.now() - start) / 1000);
}

/** Interleaved rounds of throughput() over contenders; median ops/s of each. */
async function compareOps(contenders, { rounds, durationMs, concurrency, warmupMs = durationMs }) {
  for (const c of contenders) await throughput(c.op, { concurrency, durationMs: warmupMs });
  const samples = Object.fromEntries(contenders.map((c) => [c.name, []]));
  const cpuSamples = Object.fromEntries(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const c of rotate(contenders, round)) {
      samples[c.name].push(await throughput(c.op, { concurrency, durationMs }));
      cpuSamples[c.name].push(lastCpuPerOp);
    }
  }
  return Object.fromEntries(
    contenders.map((c) => {
      const s = summarize(samples[c.name]);
      const cpu = summarize(cpuSamples[c.name]);
      return [
        c.name,
        { ops_per_sec: sig(s.median), min: sig(s.min), max: sig(s.max), iqr_rel: sig(s.iqr_rel, 2), node_cpu_us_per_op: sig(cpu.median) },
      ];
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
  const { MemorySessionStore } = require(`${dist}/index.js`);
  // The Redis store's entry point: `nestjs-charon/redis` (dist/redis.js); older builds exported it from the index.
  const { RedisSessionStore } = require(fs.existsSync(`${dist}/redis.js`) ? `${dist}/redis.js` : `${dist}/index.js`);
  const keysModule = require(`${dist}/session-store/redis/redis-session-keys.js`);
  const { encodeSession } = require(`${dist}/session-store/redis/redis-session-codec.js`);
  const s = config.stores;
  const C = s.concurrency;
  const cmp = { rounds: s.rounds, durationMs: s.durationMs, concurrency: C };
  const quiet = { log() {}, warn: (m) => log(`store warning: ${m}`), error: (m) => log(`store error: ${m}`) };
  const results = { settings: { ...s, pinned: config.pin, redis_cpu: config.pin ? REDIS_CPU : null, sessions_per_user: SESSIONS_PER_USER } };
  const tables = [];
  const redis = await startRedis({ cpu: config.pin ? REDIS_CPU : null });
  const signingKey = crypto.randomBytes(32);
  // The store as users get it (default options) ...
  const store = new RedisSessionStore({ url: redis.url, getSigningKey: () => signingKey, logger: quiet });
  // ... and the same store on the same connection with its verification memo off, so every read pays the HMAC
  // check and the JSON parse: the path a read of a session not read before (or changed since) takes.
  const unmemoized = new RedisSessionStore({ client: store.client, getSigningKey: () => signingKey, logger: quiet, verificationMemoSize: 0 });
  const capacity = s.bigSessions + 200_000;
  const memory = new MemorySessionStore({ maxSessions: capacity, logger: quiet });
  try {
    await store.init();
    await unmemoized.init();
    const client = store.client;
    const now = Math.floor(Date.now() / 1000);
    const base = 10_000;
    // Sessions [0, base) are read, [base, 2 base) are updated: updates change stored values, reads must not
    // depend on that.
    log(`stores: filling ${2 * base} sessions (${(2 * base) / SESSIONS_PER_USER} users) in Redis and in memory`);
    await fill(store, 0, 2 * base, now, 256);
    await fill(memory, 0, 2 * base, now, 1);
    let population = 2 * base;

    // Per-worker disjoint random picks in [from, from + n), so concurrent updates never race for one session.
    const pick = (w, from, n) => from + w + C * Math.floor(Math.random() * Math.floor(n / C));
    const user = (i) => Math.floor(i / SESSIONS_PER_USER);
    const redisVersions = new Int32Array(capacity).fill(1);
    const memoryVersions = new Int32Array(capacity).fill(1);
    const update = (target, versions, from, n) => async (w) => {
      const i = pick(w, from(), n());
      await target.upsert(makeSession(i, user(i), now, versions[i]));
      versions[i]++;
    };
    const get = (target, from, n) => async (w) => {
      const i = pick(w, from(), n());
      if ((await target.get(sessionId(i), user(i), 'full')) === null) throw new Error(`session ${i} not found`);
    };
    const getAll = (target, from, n) => async (w) => {
      if ((await target.getAll(user(pick(w, from(), n())), 'full')).length !== SESSIONS_PER_USER) throw new Error('getAll count');
    };
    const readSet = [() => 0, () => base];
    const updateSet = [() => base, () => base];

    // ---- 1. Redis store vs raw ioredis, memory store ----
    await client.call('FUNCTION', 'LOAD', 'REPLACE', "#!lua name=charon_bench_noop\nredis.register_function('charon_bench_noop', function(keys, args) return 0 end)");
    const encoded = encodeSession(makeSession(0, 0, now, 5), 6, signingKey);
    const keyOf = (i) =>
      keysModule.sessionsKey ? keysModule.sessionsKey(store.keyPrefix, user(i), 'full') : keysModule.sessionKeys(store.keyPrefix, user(i), 'full').sessions;
    log('stores: Redis store vs raw ioredis (get, upsert, getAll) and memory store');
    const redisOps = await compareOps(
      [
        { name: 'store_get', op: get(store, ...readSet) },
        { name: 'store_get_unmemoized', op: get(unmemoized, ...readSet) },
        {
          name: 'raw_hget',
          op: async (w) => {
            const i = pick(w, 0, base);
            if ((await client.hget(keyOf(i), sessionId(i))) === null) throw new Error('raw hget missed');
          },
        },
        { name: 'store_upsert', op: update(store, redisVersions, ...updateSet) },
        {
          name: 'raw_fcall_noop',
          op: async (w) => {
            const i = pick(w, base, base);
            await client.fcall('charon_bench_noop', 1, keyOf(i), sessionId(i), 5, encoded, now + 60 * DAY, now);
          },
        },
        { name: 'store_getall', op: getAll(store, ...readSet) },
        { name: 'store_getall_unmemoized', op: getAll(unmemoized, ...readSet) },
        { name: 'raw_hvals', op: async (w) => void (await client.hvals(keyOf(pick(w, 0, base)))) },
      ],
      cmp,
    );
    // Where the time goes: for each Redis contender, this process's CPU per operation (process.cpuUsage) and
    // Redis's own time per command (INFO commandstats usec_per_call), over one run each at the same concurrency.
    const costOf = async (op, command) => {
      await client.call('CONFIG', 'RESETSTAT');
      const cpu0 = process.cpuUsage();
      const start = performance.now();
      let count = 0;
      const end = start + Math.min(s.durationMs, 1500);
      await Promise.all(
        Array.from({ length: C }, async (_, w) => {
          while (performance.now() < end) {
            await op(w);
            count++;
          }
        }),
      );
      const cpu = process.cpuUsage(cpu0);
      const stats = await client.call('INFO', 'commandstats');
      const line = new RegExp(`cmdstat_${command}:calls=(\\d+),usec=(\\d+),usec_per_call=([\\d.]+)`).exec(stats);
      return {
        node_cpu_us_per_op: sig((cpu.user + cpu.system) / count),
        redis_us_per_call: line ? sig(Number(line[3])) : null,
        ops_per_sec: sig(count / ((performance.now() - start) / 1000)),
      };
    };
    log('stores: cost breakdown (Node CPU and Redis time per operation)');
    const cost = {
      get: await costOf(get(store, ...readSet), 'hget'),
      get_unmemoized: await costOf(get(unmemoized, ...readSet), 'hget'),
      raw_hget: await costOf(async (w) => {
        const i = pick(w, 0, base);
        await client.hget(keyOf(i), sessionId(i));
      }, 'hget'),
      upsert: await costOf(update(store, redisVersions, ...updateSet), 'fcall'),
      raw_fcall_noop: await costOf(async (w) => {
        const i = pick(w, base, base);
        await client.fcall('charon_bench_noop', 1, keyOf(i), sessionId(i), 5, encoded, now + 60 * DAY, now);
      }, 'fcall'),
    };
    const costRow = (label, c) => [label, c.ops_per_sec, c.node_cpu_us_per_op, c.redis_us_per_call];
    const costs = cost;
    const costTable = {
      title: `Stores: where the time goes (${C} in flight; this process pinned to one core, redis-server to the other)`,
      columns: ['operation', 'ops/s', 'Node CPU µs/op', 'Redis µs/command'],
      rows: [
        costRow('store get (memo on)', costs.get),
        costRow('store get (memo off)', costs.get_unmemoized),
        costRow('raw HGET', costs.raw_hget),
        costRow('store upsert', costs.upsert),
        costRow('raw FCALL no-op', costs.raw_fcall_noop),
      ],
    };

    const memoryOps = await compareOps(
      [
        { name: 'get', op: get(memory, ...readSet) },
        { name: 'upsert', op: update(memory, memoryVersions, ...updateSet) },
        { name: 'getall', op: getAll(memory, ...readSet) },
      ],
      cmp,
    );
    const vsRaw = (store, raw) => ({
      ops_per_sec: redisOps[store].ops_per_sec,
      raw_ops_per_sec: redisOps[raw].ops_per_sec,
      ratio_vs_raw: ratio(redisOps[store].ops_per_sec, redisOps[raw].ops_per_sec),
      // The same comparison by this process's CPU per operation (raw ÷ store): at this concurrency the Node side
      // is the bottleneck, and CPU time is much less disturbed than ops/s by other processes on a shared machine.
      node_cpu_us_per_op: redisOps[store].node_cpu_us_per_op,
      raw_node_cpu_us_per_op: redisOps[raw].node_cpu_us_per_op,
      cpu_ratio_vs_raw: ratio(redisOps[raw].node_cpu_us_per_op, redisOps[store].node_cpu_us_per_op),
      detail: redisOps[store],
      raw_detail: redisOps[raw],
    });
    results.redis = {
      get: vsRaw('store_get', 'raw_hget'),
      get_unmemoized: vsRaw('store_get_unmemoized', 'raw_hget'),
      upsert: vsRaw('store_upsert', 'raw_fcall_noop'),
      getall: { ...vsRaw('store_getall', 'raw_hvals'), sessions_per_user: SESSIONS_PER_USER },
      getall_unmemoized: { ...vsRaw('store_getall_unmemoized', 'raw_hvals'), sessions_per_user: SESSIONS_PER_USER },
    };
    results.redis.cost = cost;
    results.memory = { get: memoryOps.get, upsert: memoryOps.upsert, getall: { ...memoryOps.getall, sessions_per_user: SESSIONS_PER_USER } };
    const r = results.redis;
    tables.push({
      title: `Stores: ops/s at ${C} in flight (reads over ${base} sessions, updates over ${base} others, ${SESSIONS_PER_USER} per user; median of ${s.rounds} x ${s.durationMs} ms)`,
      columns: ['operation', 'store ops/s', 'raw ioredis ops/s', 'store ÷ raw (ops/s)', 'raw ÷ store (Node CPU/op)', 'raw equivalent'],
      rows: [
        ['Redis get (default: verification memo on)', r.get.ops_per_sec, r.get.raw_ops_per_sec, r.get.ratio_vs_raw, r.get.cpu_ratio_vs_raw, 'HGET'],
        ['Redis get (memo off: HMAC + parse every read)', r.get_unmemoized.ops_per_sec, r.get_unmemoized.raw_ops_per_sec, r.get_unmemoized.ratio_vs_raw, r.get_unmemoized.cpu_ratio_vs_raw, 'HGET'],
        ['Redis upsert (update)', r.upsert.ops_per_sec, r.upsert.raw_ops_per_sec, r.upsert.ratio_vs_raw, r.upsert.cpu_ratio_vs_raw, 'FCALL no-op, same args'],
        [`Redis getAll (${SESSIONS_PER_USER} sessions, memo on)`, r.getall.ops_per_sec, r.getall.raw_ops_per_sec, r.getall.ratio_vs_raw, r.getall.cpu_ratio_vs_raw, 'HVALS'],
        [`Redis getAll (${SESSIONS_PER_USER} sessions, memo off)`, r.getall_unmemoized.ops_per_sec, r.getall_unmemoized.raw_ops_per_sec, r.getall_unmemoized.ratio_vs_raw, r.getall_unmemoized.cpu_ratio_vs_raw, 'HVALS'],
        ['memory get', results.memory.get.ops_per_sec, '', '', '', ''],
        ['memory upsert (update)', results.memory.upsert.ops_per_sec, '', '', '', ''],
        [`memory getAll (${SESSIONS_PER_USER} sessions)`, results.memory.getall.ops_per_sec, '', '', '', ''],
      ],
    });

    tables.push(costTable);

    // ---- 2. getAll for one user with 1, 100, 10,000 sessions ----
    log('stores: getAll scaling (1, 100, 10,000 sessions of one user)');
    results.scaling = { getall: { memory: {}, redis: {}, redis_memo: {} } };
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
      const durationMs = Math.max(s.durationMs, count >= 10_000 ? 2000 : 0);
      const expect = (target) => async () => {
        if ((await target.getAll(userId, 'full')).length !== count) throw new Error('getAll count');
      };
      const ops = await compareOps(
        [
          { name: 'redis', op: expect(unmemoized) },
          { name: 'redis_memo', op: expect(store) },
          { name: 'memory', op: expect(memory) },
        ],
        { rounds: Math.max(2, Math.min(3, s.rounds)), durationMs, concurrency: 1, warmupMs: Math.min(durationMs, 500) },
      );
      for (const name of ['redis', 'redis_memo', 'memory']) {
        const usPerOp = 1e6 / ops[name].ops_per_sec;
        results.scaling.getall[name][`sessions_${count}`] = { ops_per_sec: ops[name].ops_per_sec, us_per_op: sig(usPerOp), us_per_session: sig(usPerOp / count) };
      }
      const g = (name) => results.scaling.getall[name][`sessions_${count}`];
      getAllRows.push([count, g('redis').us_per_op, g('redis').us_per_session, g('redis_memo').us_per_op, g('memory').us_per_op, g('memory').us_per_session]);
      for (const target of [store, memory]) await target.deleteAll(userId, 'full');
    }
    tables.push({
      title: 'Stores: getAll of one user (one call at a time)',
      columns: ['sessions of the user', 'Redis µs/op (memo off)', 'Redis µs/session (memo off)', 'Redis µs/op (memo on)', 'memory µs/op', 'memory µs/session'],
      rows: getAllRows,
    });

    // ---- 3. Size scaling up to 1,000,000 sessions ----
    const sizes = [population, 100_000, s.bigSessions].filter((n, i, all) => n >= population && all.indexOf(n) === i);
    if (config.skip1m && sizes.length > 1 && s.bigSessions > 100_000) sizes.pop();
    results.scaling.size = { memory: {}, redis: {} };
    const sizeRows = [];
    // Baselines for bytes per session: the sessions already in both stores.
    const redisMemoryAtBase = await redisUsedMemory(client);
    const heapAtBase = gcHeap();
    const populationAtBase = population;
    const scaleCmp = { rounds: Math.max(2, Math.min(3, s.rounds)), durationMs: Math.min(s.durationMs, 1000), concurrency: C, warmupMs: 300 };
    let redisFillSeconds = 0;
    let memoryFillSeconds = 0;
    const everything = [() => 0, () => population];
    // Redis first, then memory, each in its own pass: while the memory store holds a million sessions (~0.5 GB of
    // heap), every major GC of this process slows the Redis client down too, which is not the Redis store's cost.
    const at = { redis: {}, memory: {} };
    for (const kind of ['redis', 'memory']) {
      population = populationAtBase;
      for (const size of sizes) {
        if (size > population) {
          log(`stores: filling the ${kind} store to ${size} sessions`);
          const seconds = await fill(kind === 'redis' ? store : memory, population, size, now, kind === 'redis' ? 512 : 1);
          if (kind === 'redis') redisFillSeconds += seconds;
          else memoryFillSeconds += seconds;
          population = size;
        }
        // Reads and updates anywhere in the store. Redis reads go through the memo-less store so that every size
        // measures the same path (with the memo, a small store would be all memo hits and a big one all misses).
        const contenders =
          kind === 'redis'
            ? [
                { name: 'get', op: get(unmemoized, ...everything) },
                { name: 'upsert', op: update(store, redisVersions, ...everything) },
              ]
            : [
                { name: 'get', op: get(memory, ...everything) },
                { name: 'upsert', op: update(memory, memoryVersions, ...everything) },
              ];
        const ops = await compareOps(contenders, scaleCmp);
        const entry = (name) => ({ ops_per_sec: ops[name].ops_per_sec, us_per_op: sig(1e6 / ops[name].ops_per_sec) });
        results.scaling.size[kind][`n_${size}`] = { get: entry('get'), upsert: entry('upsert') };
      }
      if (kind === 'redis') at.redis = { usedMemory: await redisUsedMemory(client) };
      else at.memory = { heap: gcHeap() };
    }
    for (const size of sizes) {
      const z = (kind, op) => results.scaling.size[kind][`n_${size}`][op].us_per_op;
      sizeRows.push([size, z('redis', 'get'), z('redis', 'upsert'), z('memory', 'get'), z('memory', 'upsert')]);
    }
    const smallest = sizes[0];
    const largest = sizes[sizes.length - 1];
    const added = largest - populationAtBase;
    if (added > 0) {
      const redisBytes = at.redis.usedMemory - redisMemoryAtBase;
      const heap = at.memory.heap;
      // MEMORY USAGE of one user's key (10 sessions): the per-key view, overheads included.
      const perUser = Number(await client.call('MEMORY', 'USAGE', keyOf(populationAtBase), 'SAMPLES', '0'));
      results.scaling.bytes_per_session = {
        sessions: largest,
        redis_used_memory: sig(redisBytes / added),
        redis_memory_usage_key: sig(perUser / SESSIONS_PER_USER),
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
    const flat = (kind, op) =>
      largest === smallest
        ? null
        : ratio(results.scaling.size[kind][`n_${largest}`][op].us_per_op, results.scaling.size[kind][`n_${smallest}`][op].us_per_op);
    results.scaling.flatness = {
      redis_get: flat('redis', 'get'),
      redis_upsert: flat('redis', 'upsert'),
      memory_get: flat('memory', 'get'),
      memory_upsert: flat('memory', 'upsert'),
      note: `time per op at ${largest} sessions ÷ at ${smallest}; 1.0 = flat`,
    };
    tables.push({
      title: `Stores: time per op vs sessions stored (${C} in flight; µs = 1 / throughput; Redis get with the memo off)`,
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
          ["Redis bytes/session (MEMORY USAGE of a user's key)", b.redis_memory_usage_key],
          ['memory store bytes/session (V8 heap)', b.memory_heap ?? 'n/a (run with --expose-gc)'],
          [`Redis fill of ${f.sessions} sessions, s (upsert, 512 in flight)`, f.redis_seconds],
          [`memory fill of ${f.sessions} sessions, s`, f.memory_seconds],
        ],
      });
    }
    await client.call('FUNCTION', 'DELETE', 'charon_bench_noop');
    return { results: { stores: results }, tables };
  } finally {
    await unmemoized.close();
    await store.close();
    await sleep(10);
    await redis.stop();
  }
}

module.exports = { run };
main(module, run);
