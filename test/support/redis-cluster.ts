/**
 * A private 3-primary Redis Cluster for tests, built the way operators build one: `redis-server
 * --cluster-enabled yes` on free loopback ports, then `redis-cli --cluster create ... --cluster-replicas 0`.
 *
 * ```ts
 * let cluster: RedisTestCluster;
 * beforeAll(async () => (cluster = await RedisTestCluster.start()), 60_000);
 * afterAll(() => cluster.stop());
 * const client = new Cluster(cluster.nodes);
 * ```
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, makeTempDir, type RedisProcessHandle, removeDir, spawnRedisServer, killRedisProcess } from './redis-process';
import { respCommand, type RespReply } from './resp';

const execFileAsync = promisify(execFile);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One node's address, in the shape ioredis' `Cluster` takes. */
export interface ClusterNodeAddress {
  host: string;
  port: number;
}

export class RedisTestCluster {
  private constructor(
    private readonly handles: RedisProcessHandle[],
    private readonly dirs: string[],
  ) {}

  /** Addresses of the primaries, for `new Cluster(cluster.nodes)`. */
  get nodes(): ClusterNodeAddress[] {
    return this.handles.map((h) => ({ host: '127.0.0.1', port: h.port }));
  }

  /** Starts `size` (default 3) primaries, joins them and waits until every node reports `cluster_state:ok`. */
  static async start(size = 3): Promise<RedisTestCluster> {
    const handles: RedisProcessHandle[] = [];
    const dirs: string[] = [];
    const cluster = new RedisTestCluster(handles, dirs);
    try {
      await Promise.all(
        Array.from({ length: size }, async () => {
          const dir = makeTempDir('cluster');
          dirs.push(dir);
          const [port, busPort] = [await freePort(), await freePort()];
          const handle = await spawnRedisServer(port, dir, [
            '--cluster-enabled', 'yes',
            '--cluster-config-file', join(dir, 'nodes.conf'),
            '--cluster-port', String(busPort),
            '--cluster-node-timeout', '5000',
          ]);
          handles.push(handle);
        }),
      );
      await execFileAsync(
        'redis-cli',
        ['--cluster', 'create', ...cluster.nodes.map((n) => `${n.host}:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'],
        { timeout: 30_000 },
      );
      await cluster.waitUntilHealthy();
      return cluster;
    } catch (error) {
      await cluster.stop();
      throw error;
    }
  }

  private async waitUntilHealthy(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const infos = await Promise.all(this.handles.map((h) => respCommand(h.port, ['CLUSTER', 'INFO']).catch(() => '')));
      const healthy = infos.every(
        (info) =>
          typeof info === 'string' &&
          info.includes('cluster_state:ok') &&
          info.includes('cluster_slots_ok:16384') &&
          info.includes(`cluster_known_nodes:${this.handles.length}`),
      );
      if (healthy) return;
      if (Date.now() > deadline) throw new Error(`cluster did not become healthy:\n${infos.join('\n---\n')}`);
      await sleep(25);
    }
  }

  /** Sends one command to every primary. */
  async onEveryNode(...args: Array<string | number>): Promise<RespReply[]> {
    return Promise.all(this.handles.map((h) => respCommand(h.port, args)));
  }

  /** Removes all keys and all functions on every node. */
  async reset(): Promise<void> {
    await this.onEveryNode('FLUSHALL');
    await this.onEveryNode('FUNCTION', 'FLUSH');
  }

  /** Kills every node and removes their directories. Safe to call twice. */
  async stop(): Promise<void> {
    const handles = this.handles.splice(0);
    await Promise.all(handles.map((h) => killRedisProcess(h)));
    for (const dir of this.dirs.splice(0)) removeDir(dir);
  }
}
