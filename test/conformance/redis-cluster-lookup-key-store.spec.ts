import { randomBytes } from 'node:crypto';
import { RedisLookupKeyStore } from '../../src/lookup-key/redis/redis-lookup-key-store';
import { lookupKeyStoreConformanceSuite } from '../../src/testing/lookup-key-store-conformance';
import { usePrivateRedisCluster } from '../support/private-redis-cluster';

// A private 3-primary Redis Cluster shared through one given Cluster connection; a key prefix per case.
const redis = usePrivateRedisCluster();
let caseNumber = 0;
const signingKey = randomBytes(32);

lookupKeyStoreConformanceSuite({
  name: 'RedisLookupKeyStore (Cluster)',
  async makeStore() {
    const store = new RedisLookupKeyStore({
      client: redis.client,
      keyPrefix: `lk-conformance-${++caseNumber}:`,
      getSigningKey: () => signingKey,
    });
    await store.init();
    return store;
  },
});
