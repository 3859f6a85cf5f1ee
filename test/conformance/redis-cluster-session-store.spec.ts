import { randomBytes } from 'node:crypto';
import { Cluster } from 'ioredis';
import { RedisSessionStore } from '../../src/session-store/redis/redis-session-store';
import { RedisTestCluster } from '../support/redis-cluster';
import { sessionStoreConformanceSuite } from '../../src/testing/session-store-conformance';

// A private 3-primary Redis Cluster shared by all tests through one given (not owned) Cluster connection;
// a key prefix per test keeps every test's store empty.
let cluster: RedisTestCluster;
let client: Cluster;
let testNumber = 0;
const signingKey = randomBytes(32);

beforeAll(async () => {
  cluster = await RedisTestCluster.start();
  client = new Cluster(cluster.nodes);
}, 60_000);

afterAll(async () => {
  await client?.quit().catch(() => client.disconnect());
  await cluster?.stop();
});

sessionStoreConformanceSuite({
  name: 'RedisSessionStore (Cluster)',
  async makeStore(clock) {
    const store = new RedisSessionStore({
      client,
      keyPrefix: `conformance-${++testNumber}:`,
      clock,
      getSigningKey: () => signingKey,
    });
    await store.init();
    return store;
  },
});
