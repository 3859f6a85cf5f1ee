/**
 * Faults on a private standalone redis-server: killed, restarted on the same port, paused (SIGSTOP, "slow Redis").
 * Operations must fail within the configured bound with SessionStorageError, and the same store must work again
 * once Redis is back, without being recreated.
 */
import Redis from 'ioredis';
import { SessionStorageError } from '../../../src/errors/session-storage.error';
import type { Session } from '../../../src/model/session.model';
import { RedisSessionStore } from '../../../src/session-store/redis/redis-session-store';
import type { RedisSessionStoreOptions } from '../../../src/session-store/redis/redis-session-store.options';
import { FixedClock } from '../../../src/testing/fixed-clock';
import { RedisTestServer } from '../../support/redis-server';
import { buildSession, CapturingLogger, newSigningKey, timed } from './helpers';

/** Small, so the test is quick; the bound asserted is this plus a margin generous enough never to flake. */
const OPERATION_TIMEOUT_MS = 300;
const UPPER_BOUND_MS = OPERATION_TIMEOUT_MS + 2000;

let server: RedisTestServer;
const clock = new FixedClock();
const signingKey = newSigningKey();
let logger: CapturingLogger;
const cleanup: Array<() => unknown> = [];

beforeAll(async () => {
  server = await RedisTestServer.start();
});

afterAll(async () => {
  server?.resume();
  await server?.stop();
});

beforeEach(() => {
  logger = new CapturingLogger();
});

afterEach(async () => {
  server.resume();
  if (!server.running) await server.restart();
  for (const fn of cleanup.splice(0)) await fn();
});

async function makeStore(options: Partial<RedisSessionStoreOptions> = {}): Promise<RedisSessionStore> {
  const store = new RedisSessionStore({
    ...(options.client ? {} : { url: server.url, reconnectMaxDelayMs: 200 }),
    operationTimeoutMs: OPERATION_TIMEOUT_MS,
    clock,
    logger,
    getSigningKey: () => signingKey,
    ...options,
  });
  cleanup.push(() => store.close());
  await store.init();
  return store;
}

const session = (overrides: Partial<Session> = {}): Session => buildSession(overrides, clock.now());

/** Every store operation, each expected to fail while Redis is unavailable. */
function everyOperation(store: RedisSessionStore, s: Session): Array<[string, () => Promise<unknown>]> {
  return [
    ['get', () => store.get(s.id, s.userId, s.type)],
    ['upsert', () => store.upsert(session())],
    ['upsert', () => store.upsert({ ...s, lockVersion: 1 })],
    ['delete', () => store.delete(s.id, s.userId, s.type)],
    ['getAll', () => store.getAll(s.userId, s.type)],
    ['deleteAll', () => store.deleteAll(s.userId, s.type)],
    ['count', () => store.count(s.userId, s.type)],
    ['listUsers', () => store.listUsers(s.type)],
  ];
}

async function expectBoundedStorageErrors(store: RedisSessionStore, s: Session, minMs = 0): Promise<void> {
  const outcomes = await Promise.all(
    everyOperation(store, s).map(async ([name, op]) => ({ name, ...(await timed(op())) })),
  );
  for (const { name, ms, result } of outcomes) {
    expect(result.status).toBe('rejected');
    const error = (result as PromiseRejectedResult).reason as SessionStorageError;
    expect(error).toBeInstanceOf(SessionStorageError);
    expect(error.code).toBe('ERR_CHARON_SESSION_STORAGE');
    expect(error.message).toContain(`Redis session store: ${name}`);
    expect(ms).toBeLessThan(UPPER_BOUND_MS);
    expect(ms).toBeGreaterThanOrEqual(minMs);
  }
}

/** Retries `attempt` until it succeeds or `timeoutMs` passes. */
async function eventually<T>(attempt: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

describe('Redis down, then back', () => {
  it('operations reject with SessionStorageError within the bound; the same store recovers by itself', async () => {
    const store = await makeStore();
    const s = session();
    await store.upsert(s);

    await server.kill();
    await expectBoundedStorageErrors(store, s);
    // A second wave while ioredis is between reconnection attempts behaves the same.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expectBoundedStorageErrors(store, s);
    expect(logger.warnings().filter((w) => w.includes('connection problem'))).toHaveLength(1);

    await server.restart();
    // The restarted server is empty and has no functions: the store reconnects, reloads them, and works.
    const fresh = session();
    await eventually(() => store.upsert(fresh));
    await expect(store.get(fresh.id, fresh.userId, fresh.type)).resolves.toMatchObject({ lockVersion: 1 });
    expect(logger.entries.some((e) => e.message.includes('connection to Redis restored'))).toBe(true);
  });

  it('the cause is attached and no error message carries the signing key or the URL password', async () => {
    const password = 'hunter2-not-for-logs';
    const store = await makeStore({ url: `redis://:${password}@127.0.0.1:${server.port}` });
    const s = session();
    await server.kill();
    for (const operation of everyOperation(store, s)) {
      const error = (await operation[1]().catch((e: unknown) => e)) as SessionStorageError;
      expect(error).toBeInstanceOf(SessionStorageError);
      expect(error.cause).toBeInstanceOf(Error);
      expect(error.httpStatus).toBe(500);
      expect((error.getResponse() as { message: string }).message).toBe('Internal Server Error');
      for (const secret of [password, signingKey.toString('base64url'), signingKey.toString('hex')]) {
        expect(error.message).not.toContain(secret);
        expect(String((error.cause as Error).message)).not.toContain(secret);
      }
    }
    expect(logger.entries.map((e) => e.message).join('\n')).not.toContain(password);
  });
});

describe('Redis slow (paused with SIGSTOP)', () => {
  it('operations reject after operationTimeoutMs, and succeed again once Redis answers', async () => {
    const store = await makeStore();
    const s = session();
    await store.upsert(s);

    server.pause();
    await expectBoundedStorageErrors(store, s, OPERATION_TIMEOUT_MS - 20);
    server.resume();

    const fresh = session();
    await eventually(() => store.upsert(fresh));
    await expect(store.get(fresh.id, fresh.userId, fresh.type)).resolves.toMatchObject({ lockVersion: 1 });
  });
});

describe('a given client keeps its own settings, and the bound still holds', () => {
  it('with ioredis defaults (offline queue on, 20 retries per request)', async () => {
    const client = new Redis(server.port, '127.0.0.1');
    client.on('error', () => undefined);
    cleanup.push(() => client.disconnect());
    const store = await makeStore({ client });
    const s = session();
    await store.upsert(s);

    await server.kill();
    await expectBoundedStorageErrors(store, s);
    await server.restart();
    const fresh = session();
    await eventually(() => store.upsert(fresh));
    await expect(store.get(fresh.id, fresh.userId, fresh.type)).resolves.not.toBeNull();
    expect(store.ownsClient).toBe(false);
  });
});
