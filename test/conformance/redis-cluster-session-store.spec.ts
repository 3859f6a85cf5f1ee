import { randomBytes } from 'node:crypto';
import { RedisSessionStore } from '../../src/session-store/redis/redis-session-store';
import { usePrivateRedisCluster } from '../support/private-redis-cluster';
import { sessionStoreConformanceSuite } from '../../src/testing/session-store-conformance';

// A private 3-primary Redis Cluster shared by all tests through one given (not owned) Cluster connection;
// a key prefix per test keeps every test's store empty.
const redis = usePrivateRedisCluster();
let testNumber = 0;
const signingKey = randomBytes(32);

sessionStoreConformanceSuite({
  name: 'RedisSessionStore (Cluster)',
  async makeStore(clock) {
    const store = new RedisSessionStore({
      client: redis.client,
      keyPrefix: `conformance-${++testNumber}:`,
      clock,
      getSigningKey: () => signingKey,
    });
    await store.init();
    return store;
  },
});
