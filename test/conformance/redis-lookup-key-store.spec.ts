import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { RedisLookupKeyStore } from '../../src/lookup-key/redis/redis-lookup-key-store';
import { lookupKeyStoreConformanceSuite } from '../../src/testing/lookup-key-store-conformance';
import { RedisTestServer } from '../support/redis-server';

// A private standalone redis-server shared through one given connection; a key prefix per case keeps stores empty.
let server: RedisTestServer;
let client: Redis;
let caseNumber = 0;
const signingKey = randomBytes(32);

beforeAll(async () => {
  server = await RedisTestServer.start();
  client = new Redis(server.url);
});

afterAll(async () => {
  await client?.quit().catch(() => client.disconnect());
  await server?.stop();
});

lookupKeyStoreConformanceSuite({
  name: 'RedisLookupKeyStore (standalone)',
  async makeStore() {
    const store = new RedisLookupKeyStore({ client, keyPrefix: `lk-conformance-${++caseNumber}:`, getSigningKey: () => signingKey });
    await store.init();
    return store;
  },
});
