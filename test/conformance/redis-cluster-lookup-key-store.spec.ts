import { randomBytes } from 'node:crypto';
import { Cluster } from 'ioredis';
import { RedisLookupKeyStore } from '../../src/lookup-key/redis/redis-lookup-key-store';
import { lookupKeyStoreConformanceSuite } from '../../src/testing/lookup-key-store-conformance';
import { RedisTestCluster } from '../support/redis-cluster';

// A private 3-primary Redis Cluster shared through one given Cluster connection; a key prefix per case.
let cluster: RedisTestCluster;
let client: Cluster;
let caseNumber = 0;
const signingKey = randomBytes(32);

beforeAll(async () => {
  cluster = await RedisTestCluster.start();
  client = new Cluster(cluster.nodes);
}, 60_000);

afterAll(async () => {
  await client?.quit().catch(() => client.disconnect());
  await cluster?.stop();
});

lookupKeyStoreConformanceSuite({
  name: 'RedisLookupKeyStore (Cluster)',
  async makeStore() {
    const store = new RedisLookupKeyStore({ client, keyPrefix: `lk-conformance-${++caseNumber}:`, getSigningKey: () => signingKey });
    await store.init();
    return store;
  },
});
