'use strict';
/**
 * RedisSessionStore on a Redis Cluster of 1, 2 and 3 primaries (private clusters, bench/lib/redis-cluster.js).
 *
 * For every size, the store as users configure it for a Cluster (`cluster: { nodes }`, the store's own ioredis
 * Cluster connection) under the stores part's load: N operations in flight, closed loop, interleaved rounds (sizes
 * and operations rotated each round), medians. Operations: get with the verification memo (the default) and without
 * it, and upsert (an update with the right lock version); reads over one set of sessions, updates over another, each
 * spread over many users, so the keys (one hash per user and type) spread over the slots. Beside them, raw HGET of
 * the same field on the same Cluster connection: what changes with the number of primaries for ioredis alone.
 *
 * Around every measured run each primary's INFO is read before and after: CPU (used_cpu_user + used_cpu_sys),
 * commandstats and errorstats. From those deltas:
 * - per-primary CPU per operation, and the sum over the primaries;
 * - each primary's share of the operation's command (HGET for get, FCALL for upsert) and of the keys (DBSIZE), and
 *   the max/min share across primaries ("no hot key");
 * - commands per operation: the operation's command counted on all primaries ÷ operations completed, the commands
 *   the Cluster client wrote to primary connections ÷ operations, and MOVED/ASK/error replies ("one command on one
 *   primary, no cross-slot work, no redirection").
 *
 * On this 2-core machine every primary shares core 1 (this process has core 0), so aggregate ops/s cannot grow with
 * the number of primaries; the figures that show the design are the per-primary shares and the per-op CPU.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const config = require('./lib/config');
const { build } = require('./lib/build');
const { startCluster, diffInfo } = require('./lib/redis-cluster');
const { ratio, rotate, sig, summarize, sleep } = require('./lib/stats');
const { main } = require('./lib/part');
const { sessionId, makeSession } = require('./lib/sessions');

const REDIS_CPU = 1;
/** The server command each operation is, and the one figure per operation that must count exactly once. */
const OPS = [
  { name: 'get', label: 'get (memo on, default)', command: 'hget' },
  { name: 'get_unmemoized', label: 'get (memo off)', command: 'hget' },
  { name: 'upsert', label: 'upsert (update)', command: 'fcall' },
  // Not the store: HGET of the same field on the same Cluster connection, to tell ioredis' and the machine's share
  // of any change with the number of primaries from the store's.
  { name: 'raw_hget', label: 'raw HGET (ioredis Cluster, no store)', command: 'hget' },
];
/** Commands this part sends itself (INFO around every run); they are not the store's. */
const MONITORING = new Set(['info']);

/**
 * Counts, per primary, the commands the Cluster client writes to that primary's connection (redirected retries
 * included: ioredis resends them on the node connection, not through the Cluster's own sendCommand).
 */
function countSentCommands(client, ports) {
  const sent = new Array(ports.length).fill(0);
  for (const node of client.nodes('master')) {
    const index = ports.indexOf(node.options.port);
    if (index < 0) throw new Error(`unexpected primary ${node.options.host}:${node.options.port}`);
    const send = node.sendCommand.bind(node);
    node.sendCommand = (...args) => {
      sent[index]++;
      return send(...args);
    };
  }
  return sent;
}

const sum = (values) => values.reduce((a, b) => a + b, 0);
const maxOverMin = (values) => (values.length < 2 ? 1 : ratio(Math.max(...values), Math.min(...values)));
const fmtList = (values) => values.map((v) => (typeof v === 'number' ? String(sig(v)) : String(v))).join(' / ');
const pct = (share) => `${(share * 100).toFixed(1)}%`;

async function run({ log }) {
  const dist = build({ log });
  const { RedisSessionStore } = require(fs.existsSync(`${dist}/redis.js`) ? `${dist}/redis.js` : `${dist}/index.js`);
  const { sessionsKey } = require(`${dist}/session-store/redis/redis-session-keys.js`);
  const s = config.cluster;
  const C = s.concurrency;
  if (!s.sizes.includes(1) || !s.sizes.every((n) => Number.isInteger(n) && n > 0)) {
    throw new Error(
      `BENCH_CLUSTER_SIZES must be whole numbers of primaries including 1 (the ratios are against one primary), got ${s.sizes}`,
    );
  }
  const perUser = s.sessionsPerUser;
  const base = s.sessions;
  const results = {
    settings: {
      ...s,
      pinned: config.pin,
      redis_cpu: config.pin ? REDIS_CPU : null,
      node_cpu: config.pin ? 0 : null,
      users_per_set: base / perUser,
    },
  };
  const tables = [];
  const quiet = { log() {}, warn: (m) => log(`store warning: ${m}`), error: (m) => log(`store error: ${m}`) };
  const signingKey = crypto.randomBytes(32);
  const now = Math.floor(Date.now() / 1000);
  const user = (i) => `user-${Math.floor(i / perUser)}`;
  // Per-worker disjoint random picks in [from, from + n), so concurrent updates never race for one session.
  const pick = (w, from, n) => from + w + C * Math.floor(Math.random() * Math.floor(n / C));

  const setups = [];
  try {
    for (const size of s.sizes) {
      log(`cluster: starting ${size} primar${size === 1 ? 'y' : 'ies'}`);
      const cluster = await startCluster(size, { cpu: config.pin ? REDIS_CPU : null });
      const setup = { size, cluster };
      setups.push(setup);
      setup.store = new RedisSessionStore({ cluster: { nodes: cluster.nodes }, getSigningKey: () => signingKey, logger: quiet });
      // Same Cluster connection, memo off: every read pays the HMAC check and the JSON parse.
      setup.unmemoized = new RedisSessionStore({
        client: setup.store.client,
        getSigningKey: () => signingKey,
        logger: quiet,
        verificationMemoSize: 0,
      });
      await setup.store.init();
      await setup.unmemoized.init();
      setup.sent = countSentCommands(
        setup.store.client,
        cluster.primaries.map((p) => p.port),
      );
      // Sessions [0, base) are read, [base, 2 base) are updated, as in the stores part.
      log(`cluster: filling ${2 * base} sessions (${(2 * base) / perUser} users) into ${size} primar${size === 1 ? 'y' : 'ies'}`);
      let next = 0;
      await Promise.all(
        Array.from({ length: C }, async () => {
          while (next < 2 * base) {
            const i = next++;
            await setup.store.upsert(makeSession(i, user(i), now));
          }
        }),
      );
      setup.keys = await cluster.dbsize();
      const versions = new Int32Array(2 * base).fill(1);
      const get = (target) => async (w) => {
        const i = pick(w, 0, base);
        if ((await target.get(sessionId(i), user(i), 'full')) === null) throw new Error(`session ${i} not found`);
      };
      const keys = Array.from({ length: base / perUser }, (_, u) => sessionsKey(setup.store.keyPrefix, user(u * perUser), 'full'));
      setup.ops = {
        raw_hget: async (w) => {
          const i = pick(w, 0, base);
          if ((await setup.store.client.hget(keys[Math.floor(i / perUser)], sessionId(i))) === null) throw new Error('raw hget missed');
        },
        get: get(setup.store),
        get_unmemoized: get(setup.unmemoized),
        upsert: async (w) => {
          const i = pick(w, base, base);
          await setup.store.upsert(makeSession(i, user(i), now, versions[i]));
          versions[i]++;
        },
      };
      setup.samples = Object.fromEntries(OPS.map((op) => [op.name, []]));
    }

    /** One closed-loop run with every primary's counters read before and after. */
    const measure = async (setup, opName, durationMs) => {
      const op = setup.ops[opName];
      const before = await setup.cluster.snapshot();
      const sentBefore = [...setup.sent];
      let count = 0;
      const cpu0 = process.cpuUsage();
      const start = performance.now();
      const end = start + durationMs;
      await Promise.all(
        Array.from({ length: C }, async (_, w) => {
          while (performance.now() < end) {
            await op(w);
            count++;
          }
        }),
      );
      const seconds = (performance.now() - start) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const after = await setup.cluster.snapshot();
      return {
        ops: count,
        ops_per_sec: count / seconds,
        node_cpu_us_per_op: (cpu.user + cpu.system) / count,
        primaries: after.map((a, p) => ({ ...diffInfo(before[p], a), sent: setup.sent[p] - sentBefore[p] })),
      };
    };

    log(`cluster: warm-up, then ${s.rounds} interleaved rounds of ${s.durationMs} ms per size and operation (${C} in flight)`);
    for (const setup of setups) for (const op of OPS) await measure(setup, op.name, s.warmupMs);
    for (let round = 0; round < s.rounds; round++) {
      for (const setup of rotate(setups, round)) {
        for (const op of rotate(OPS, round)) setup.samples[op.name].push(await measure(setup, op.name, s.durationMs));
      }
    }

    results.sizes = {};
    for (const setup of setups) {
      const { size, cluster } = setup;
      const keysTotal = sum(setup.keys);
      const entry = {
        slots: cluster.primaries.map((p) => p.slots),
        keys: setup.keys,
        key_share: setup.keys.map((k) => sig(k / keysTotal)),
        key_share_max_over_min: maxOverMin(setup.keys),
      };
      for (const op of OPS) {
        const samples = setup.samples[op.name];
        const ops = sum(samples.map((x) => x.ops));
        const perPrimary = (f) => cluster.primaries.map((_, p) => sum(samples.map((x) => f(x.primaries[p]))));
        const opCommands = perPrimary((d) => d.calls[op.command] ?? 0);
        const sent = perPrimary((d) => d.sent);
        // Every command a primary ran except this part's INFO. For HGET that is exactly what the client sent; an
        // FCALL's own calls (HGET, HSET, EXPIREAT inside the function) are counted too, on the same primary.
        const allCommands = perPrimary((d) =>
          sum(
            Object.entries(d.calls)
              .filter(([name]) => !MONITORING.has(name))
              .map(([, n]) => n),
          ),
        );
        const moved = sum(perPrimary((d) => d.errors.MOVED ?? 0));
        const ask = sum(perPrimary((d) => d.errors.ASK ?? 0));
        const errorReplies = sum(perPrimary((d) => d.total_error_replies));
        const rate = summarize(samples.map((x) => x.ops_per_sec));
        const redisCpu = cluster.primaries.map((_, p) => summarize(samples.map((x) => x.primaries[p].cpu_us / x.ops)).median);
        const commandTotal = sum(opCommands);
        // What one command costs the primary that served it: at 1/n of the operations each, a primary sharing one
        // core with the others reads fewer commands per wake-up, so this, not the per-op share, shows that cost.
        const perCommand = perPrimary((d) => d.cpu_us).map((cpu, p) => cpu / opCommands[p]);
        entry[op.name] = {
          ops_per_sec: sig(rate.median),
          min: sig(rate.min),
          max: sig(rate.max),
          iqr_rel: sig(rate.iqr_rel, 2),
          node_cpu_us_per_op: sig(summarize(samples.map((x) => x.node_cpu_us_per_op)).median),
          redis_cpu_us_per_op: redisCpu.map((v) => sig(v)),
          redis_cpu_us_per_command: perCommand.map((v) => sig(v)),
          redis_cpu_us_per_op_total: sig(summarize(samples.map((x) => sum(x.primaries.map((d) => d.cpu_us)) / x.ops)).median),
          operations: ops,
          command: op.command,
          command_calls: opCommands,
          command_share: opCommands.map((n) => sig(n / commandTotal)),
          load_share_max_over_min: maxOverMin(opCommands),
          // Exact (not rounded): the target is == 1.
          commands_per_op: commandTotal / ops,
          sent_per_op: sum(sent) / ops,
          server_commands_per_op: sig(sum(allCommands) / ops),
          moved,
          ask,
          error_replies: errorReplies,
        };
      }
      results.sizes[`n${size}`] = entry;
    }

    const at = (size) => results.sizes[`n${size}`];
    const furthestFrom1 = (values) => values.reduce((worst, v) => (Math.abs(v - 1) > Math.abs(worst - 1) ? v : worst), 1);
    const multi = s.sizes.filter((n) => n > 1);
    for (const op of OPS) {
      const summary = {
        commands_per_op: furthestFrom1(s.sizes.map((n) => at(n)[op.name].commands_per_op)),
        sent_per_op: furthestFrom1(s.sizes.map((n) => at(n)[op.name].sent_per_op)),
        load_share_max_over_min: multi.length ? Math.max(...multi.map((n) => at(n)[op.name].load_share_max_over_min)) : null,
        redirections: sum(s.sizes.map((n) => at(n)[op.name].moved + at(n)[op.name].ask)),
        error_replies: sum(s.sizes.map((n) => at(n)[op.name].error_replies)),
      };
      for (const n of multi) {
        // ops/s at n primaries ÷ at 1, and the same by this process's CPU per operation (at 1 ÷ at n).
        summary[`ops_ratio_${n}_vs_1`] = ratio(at(n)[op.name].ops_per_sec, at(1)[op.name].ops_per_sec);
        summary[`cpu_ratio_${n}_vs_1`] = ratio(at(1)[op.name].node_cpu_us_per_op, at(n)[op.name].node_cpu_us_per_op);
        summary[`redis_cpu_ratio_${n}_vs_1`] = ratio(at(n)[op.name].redis_cpu_us_per_op_total, at(1)[op.name].redis_cpu_us_per_op_total);
      }
      results[op.name] = summary;
    }
    results.keys_share_max_over_min = multi.length ? Math.max(...multi.map((n) => at(n).key_share_max_over_min)) : null;
    results.note =
      'all primaries share one core (this process has the other), so ops/s cannot grow with the number of primaries here; per-primary shares and per-op CPU show the design';

    const where = config.pin ? 'Node on core 0, every redis-server on core 1' : 'not pinned';
    tables.push({
      title: `Cluster: RedisSessionStore ops/s by number of primaries (${C} in flight; reads over ${base} sessions, updates over ${base} others, ${perUser} per user; median of ${s.rounds} x ${s.durationMs} ms; ${where}: aggregate ops/s cannot grow with primaries on this machine)`,
      columns: [
        'operation',
        'primaries',
        'ops/s',
        '÷ 1 primary',
        'Node CPU µs/op',
        'Redis CPU µs/op (all primaries)',
        'Redis CPU µs/op, each primary',
        'Redis CPU µs/command served, each primary',
        'IQR/median',
      ],
      rows: OPS.flatMap((op) =>
        s.sizes.map((n) => {
          const e = at(n)[op.name];
          return [
            op.label,
            n,
            e.ops_per_sec,
            n === 1 ? 1 : results[op.name][`ops_ratio_${n}_vs_1`],
            e.node_cpu_us_per_op,
            e.redis_cpu_us_per_op_total,
            fmtList(e.redis_cpu_us_per_op),
            fmtList(e.redis_cpu_us_per_command),
            e.iqr_rel ?? '',
          ];
        }),
      ),
    });
    tables.push({
      title:
        'Cluster: load share per primary and commands per operation (INFO commandstats/errorstats deltas over the measured runs; keys by DBSIZE)',
      columns: [
        'operation',
        'primaries',
        'share per primary',
        'max/min',
        'commands/op (server)',
        'sent/op (client)',
        'MOVED+ASK',
        'error replies',
        'all commands/op (server, incl. inside FCALL)',
      ],
      rows: [
        ...OPS.flatMap((op) =>
          s.sizes.map((n) => {
            const e = at(n)[op.name];
            return [
              `${op.label}: ${op.command.toUpperCase()}`,
              n,
              e.command_share.map(pct).join(' / '),
              e.load_share_max_over_min,
              String(e.commands_per_op),
              String(e.sent_per_op),
              e.moved + e.ask,
              e.error_replies,
              e.server_commands_per_op,
            ];
          }),
        ),
        ...s.sizes.map((n) => [
          `keys (${(2 * base) / perUser} user hashes)`,
          n,
          at(n).key_share.map(pct).join(' / '),
          at(n).key_share_max_over_min,
          '',
          '',
          '',
          '',
          '',
        ]),
      ],
    });
    return { results: { cluster: results }, tables };
  } finally {
    // A store that failed to start can fail to close as well; the clusters (and their directories) go regardless.
    for (const setup of setups) await Promise.allSettled([setup.unmemoized?.close(), setup.store?.close()]);
    await sleep(10);
    for (const setup of setups) await setup.cluster.stop();
  }
}

module.exports = { run };
main(module, run);
