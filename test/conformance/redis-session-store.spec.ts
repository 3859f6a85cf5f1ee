import { randomBytes } from 'node:crypto';
import { RedisSessionStore } from '../../src/session-store/redis/redis-session-store';
import type { SessionStore } from '../../src/session-store/session-store';
import { RedisTestServer } from '../support/redis-server';
import { sessionStoreConformanceSuite } from '../../src/testing/session-store-conformance';

// A private standalone redis-server; each test gets a flushed server and a store with its own connection.
let server: RedisTestServer;
const signingKey = randomBytes(32);

beforeAll(async () => {
  server = await RedisTestServer.start();
});

afterAll(async () => {
  await server?.stop();
});

sessionStoreConformanceSuite({
  name: 'RedisSessionStore (standalone)',
  async makeStore(clock) {
    await server.command('FLUSHALL');
    const store = new RedisSessionStore({ url: server.url, clock, getSigningKey: () => signingKey });
    await store.init();
    return store;
  },
  async destroyStore(store: SessionStore) {
    await (store as RedisSessionStore).close();
  },
});
