import { Cluster } from 'ioredis';
import { RedisTestCluster } from './redis-cluster';

/** A spec file's private 3-primary Redis Cluster and one (test-owned) Cluster connection to it, set once `beforeAll` has run. */
export interface PrivateRedisCluster {
  cluster: RedisTestCluster;
  client: Cluster;
}

/** Starts a private Redis Cluster before the spec file's tests and stops it, connection first, after them. */
export function usePrivateRedisCluster(): PrivateRedisCluster {
  const redis = {} as PrivateRedisCluster;
  beforeAll(async () => {
    redis.cluster = await RedisTestCluster.start();
    redis.client = new Cluster(redis.cluster.nodes);
  }, 60_000);
  afterAll(async () => {
    await redis.client?.quit().catch(() => redis.client.disconnect());
    await redis.cluster?.stop();
  });
  return redis;
}
