/**
 * The Redis store as the `store` option of CharonModule (forRoot and forRootAsync): started with the module,
 * bound to SessionStore, closed with the application.
 */
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { CharonModule } from '../../../src/module/charon.module';
import { SessionStorageError } from '../../../src/errors/session-storage.error';
import { RedisSessionStore, redisSessionStore } from '../../../src/session-store/redis/redis-session-store';
import { SessionStore } from '../../../src/session-store/session-store';
import { RedisTestServer } from '../../support/redis-server';
import { buildSession } from './helpers';

let server: RedisTestServer;
const baseSecret = randomBytes(48);
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

beforeAll(async () => {
  server = await RedisTestServer.start();
});

afterAll(async () => {
  await server?.stop();
});

it('forRoot: the store is bound to SessionStore, works, and its connection closes with the application', async () => {
  const moduleRef = await Test.createTestingModule({
    imports: [CharonModule.forRoot({ tokenIssuer: 'test', baseSecret, store: redisSessionStore({ url: server.url, logger: quiet }) })],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  const store = app.get(SessionStore);
  expect(store).toBeInstanceOf(RedisSessionStore);
  const s = buildSession();
  await store.upsert(s);
  await expect(store.get(s.id, s.userId, s.type)).resolves.toStrictEqual({ ...s, lockVersion: 1 });

  await app.close();
  expect((store as RedisSessionStore).client.status).toBe('end');
});

it('forRootAsync: a given client is used and left open when the application closes', async () => {
  const client = new Redis(server.port, '127.0.0.1');
  try {
    const moduleRef = await Test.createTestingModule({
      imports: [
        CharonModule.forRootAsync({
          useFactory: async () => ({ tokenIssuer: 'test', baseSecret, store: redisSessionStore({ client, logger: quiet }) }),
        }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const store = app.get(SessionStore) as RedisSessionStore;
    expect(store.client).toBe(client);
    await store.upsert(buildSession());
    await app.close();
    expect(client.status).toBe('ready');
  } finally {
    client.disconnect();
  }
});

it('an unreachable Redis stops the application start with SessionStorageError', async () => {
  const gone = await RedisTestServer.start();
  const url = gone.url;
  await gone.stop();
  const start = Date.now();
  const error = await Test.createTestingModule({
    imports: [
      CharonModule.forRoot({ tokenIssuer: 'test', baseSecret, store: redisSessionStore({ url, startupTimeoutMs: 300, logger: quiet }) }),
    ],
  })
    .compile()
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error).toBeInstanceOf(SessionStorageError);
  expect(Date.now() - start).toBeLessThan(3000);
});
