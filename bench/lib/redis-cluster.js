'use strict';
/**
 * A private Redis Cluster of `size` primaries for the benchmarks: redis-server with `cluster-enabled yes` on free
 * loopback ports (each under bench/lib/redis.js's watchdog, so it dies with this process however that ends), no
 * replicas, persistence off. `redis-cli --cluster create` refuses fewer than 3 primaries, so the slots are assigned
 * directly: CLUSTER ADDSLOTSRANGE in equal contiguous ranges (as redis-cli splits them), distinct config epochs,
 * CLUSTER MEET, then a wait until every node reports cluster_state:ok with all slots and all nodes known.
 */
const { Redis } = require('ioredis');
const { freePort, startRedis } = require('./redis');
const { sleep } = require('./stats');

const SLOTS = 16384;

/** Equal contiguous slot ranges, [start, end] inclusive, one per primary. */
function slotRanges(size) {
  return Array.from({ length: size }, (_, i) => [Math.floor((i * SLOTS) / size), Math.floor(((i + 1) * SLOTS) / size) - 1]);
}

/** The figures of one INFO reply that the cluster part reads: CPU seconds, command calls, error replies. */
function parseInfo(text) {
  const out = { cpu_us: 0, calls: {}, errors: {}, total_error_replies: 0 };
  for (const line of text.split('\r\n')) {
    let m;
    if ((m = /^used_cpu_(?:user|sys):([\d.]+)$/.exec(line))) out.cpu_us += Number(m[1]) * 1e6;
    else if ((m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line))) out.calls[m[1]] = Number(m[2]);
    else if ((m = /^errorstat_([^:]+):count=(\d+)/.exec(line))) out.errors[m[1]] = Number(m[2]);
    else if ((m = /^total_error_replies:(\d+)$/.exec(line))) out.total_error_replies = Number(m[1]);
  }
  return out;
}

/** `after - before` of two parseInfo() results (counters only grow while no one resets them). */
function diffInfo(before, after) {
  const delta = (a, b) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v - (a[k] ?? 0)]).filter(([, v]) => v !== 0));
  return {
    cpu_us: after.cpu_us - before.cpu_us,
    calls: delta(before.calls, after.calls),
    errors: delta(before.errors, after.errors),
    total_error_replies: after.total_error_replies - before.total_error_replies,
  };
}

/**
 * Starts the cluster; `cpu` pins every redis-server to that core (null: no pinning).
 * @returns {Promise<{ size, nodes: {host, port}[], primaries: { port, slots: [number, number], admin: Redis }[],
 *   snapshot(): Promise<object[]>, dbsize(): Promise<number[]>, stop(): Promise<void> }>}
 */
async function startCluster(size, { cpu = null, nodeTimeoutMs = 5000, readyTimeoutMs = 30_000 } = {}) {
  const servers = [];
  const admins = [];
  const stop = async () => {
    await Promise.all(admins.splice(0).map((a) => a.quit().catch(() => a.disconnect())));
    await Promise.all(servers.splice(0).map((s) => s.server.stop()));
  };
  try {
    for (let i = 0; i < size; i++) {
      const busPort = await freePort();
      const server = await startRedis({
        cpu,
        extraArgs: [
          '--cluster-enabled', 'yes',
          '--cluster-config-file', 'nodes.conf',
          '--cluster-port', String(busPort),
          '--cluster-node-timeout', String(nodeTimeoutMs),
          // A node learns its own address from its peers; a lone primary has none, and CLUSTER SLOTS would name no
          // address for its slots.
          '--cluster-announce-ip', '127.0.0.1',
        ],
      });
      servers.push({ server, busPort });
    }
    // Admin and monitoring connections, one per primary: plain (non-cluster) clients, so that INFO reaches exactly
    // the node asked.
    for (const { server } of servers) {
      const admin = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: true, maxRetriesPerRequest: 1 });
      admins.push(admin);
      await admin.connect();
    }
    const ranges = slotRanges(size);
    for (let i = 0; i < size; i++) {
      await admins[i].call('CLUSTER', 'ADDSLOTSRANGE', ranges[i][0], ranges[i][1]);
      // Distinct epochs up front, as redis-cli does, instead of leaving the nodes to settle a collision.
      await admins[i].call('CLUSTER', 'SET-CONFIG-EPOCH', i + 1);
    }
    for (let i = 1; i < size; i++) await admins[0].call('CLUSTER', 'MEET', '127.0.0.1', servers[i].server.port, servers[i].busPort);
    const deadline = Date.now() + readyTimeoutMs;
    for (;;) {
      const infos = await Promise.all(admins.map((a) => a.call('CLUSTER', 'INFO').catch(() => '')));
      const ready = infos.every(
        (info) => info.includes('cluster_state:ok') && info.includes(`cluster_slots_ok:${SLOTS}`) && info.includes(`cluster_known_nodes:${size}`),
      );
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`redis cluster of ${size} did not become ready:\n${infos.join('\n---\n')}`);
      await sleep(25);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const primaries = servers.map(({ server }, i) => ({ port: server.port, slots: slotRanges(size)[i], admin: admins[i] }));
  return {
    size,
    nodes: primaries.map((p) => ({ host: '127.0.0.1', port: p.port })),
    primaries,
    /** Counters of every primary (one INFO each, in parallel); pass two of them to diffInfo per primary. */
    snapshot: () => Promise.all(admins.map(async (a) => parseInfo(await a.call('INFO', 'cpu', 'commandstats', 'errorstats', 'stats')))),
    dbsize: () => Promise.all(admins.map((a) => a.dbsize())),
    stop,
  };
}

module.exports = { startCluster, diffInfo, slotRanges };
