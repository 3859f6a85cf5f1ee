/**
 * RedisSessionStore on a private 3-primary Redis Cluster: functions on every primary, hash-tagged keys, one round
 * trip per operation, reload after a flush, concurrency, and an owned Cluster connection.
 */
import type { Session } from '../../../src/model/session.model';
import { REDIS_FUNCTIONS_LIBRARY } from '../../../src/session-store/redis/redis-session-functions';
import { sessionsKey, userTag } from '../../../src/session-store/redis/redis-session-keys';
import { RedisSessionStore } from '../../../src/session-store/redis/redis-session-store';
import type { RedisSessionStoreOptions } from '../../../src/session-store/redis/redis-session-store.options';
import { FixedClock } from '../../../src/testing/fixed-clock';
import { usePrivateRedisCluster } from '../../support/private-redis-cluster';
import { RedisCommandMonitor } from '../../support/redis-monitor';
import { respCommand } from '../../support/resp';
import { decodeListCursor } from '../../../src/session-store/redis/redis-user-listing';
import { buildSession, CapturingLogger, expectConflict, listAllUsers, logoutRacingRefreshes, newSigningKey, randomId } from './helpers';

const redis = usePrivateRedisCluster();
let clock: FixedClock;
let logger: CapturingLogger;
let testNumber = 0;
const signingKey = newSigningKey();
const stores: RedisSessionStore[] = [];

beforeEach(() => {
  clock = new FixedClock();
  logger = new CapturingLogger();
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

async function makeStore(options: Partial<RedisSessionStoreOptions> = {}): Promise<RedisSessionStore> {
  const store = new RedisSessionStore({
    ...(options.cluster ? {} : { client: redis.client }),
    keyPrefix: `cluster-${++testNumber}:`,
    clock,
    logger,
    getSigningKey: () => signingKey,
    ...options,
  });
  stores.push(store);
  await store.init();
  return store;
}

const session = (overrides: Partial<Session> = {}): Session => buildSession(overrides, clock.now());

async function librariesPerNode(): Promise<string[][]> {
  const replies = (await redis.cluster.onEveryNode('FUNCTION', 'LIST', 'LIBRARYNAME', 'nestjs_charon_*')) as unknown[][][];
  return replies.map((libraries) => libraries.map((library) => library[1] as string));
}

it('loads the functions on every primary at start, through a Cluster connection it owns and closes', async () => {
  await redis.cluster.onEveryNode('FUNCTION', 'FLUSH');
  const store = await makeStore({ cluster: { nodes: redis.cluster.nodes } });
  expect(store.ownsClient).toBe(true);
  expect(await librariesPerNode()).toEqual([[REDIS_FUNCTIONS_LIBRARY], [REDIS_FUNCTIONS_LIBRARY], [REDIS_FUNCTIONS_LIBRARY]]);

  const s = session();
  await store.upsert(s);
  await expect(store.get(s.id, s.userId, s.type)).resolves.toStrictEqual({ ...s, lockVersion: 1 });

  await store.onApplicationShutdown();
  expect(store.client.status).toBe('end');
});

it("hashes a (user, type)'s key by its tag alone, whatever the user id holds, and spreads users over the nodes", async () => {
  const store = await makeStore();
  const port = redis.cluster.nodes[0].port;
  for (const userId of ['}{', '{a}', 'a:{b}:c', '{}', 'plain', 7]) {
    const [keySlot, tagSlot] = await Promise.all(
      [sessionsKey(store.keyPrefix, userId, '{type}'), userTag(userId, '{type}')].map((k) =>
        respCommand(port, ['CLUSTER', 'KEYSLOT', k]),
      ),
    );
    expect(keySlot).toBe(tagSlot);
  }

  const userIds = Array.from({ length: 30 }, () => `user-${randomId()}`);
  for (const userId of userIds) await store.upsert(session({ userId }));
  const keysPerNode = (await redis.cluster.onEveryNode('DBSIZE')) as number[];
  expect(keysPerNode.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
  for (const userId of userIds) expect(await store.getAll(userId, 'full')).toHaveLength(1);
});

it('uses one round trip per operation, with no redirection', async () => {
  const store = await makeStore();
  const monitor = await RedisCommandMonitor.start(redis.cluster.nodes.map((n) => n.port));
  try {
    const s = session();
    const device = session({ userId: s.userId, fingerprint: 'laptop' });
    const ops: Array<() => Promise<unknown>> = [
      () => store.upsert(s),
      () => store.upsert({ ...s, lockVersion: 1 }),
      () => store.upsert(device),
      // Replaces the device and evicts s, in the one call.
      () => store.upsert(session({ userId: s.userId, fingerprint: 'laptop' }), { maxSessions: 1 }),
      () => store.get(s.id, s.userId, s.type),
      () => store.getAll(s.userId, s.type),
      () => store.count(s.userId, s.type),
      () => store.delete(s.id, s.userId, s.type),
      () => store.deleteAll(s.userId, s.type),
    ];
    const counts: number[] = [];
    for (const op of ops) {
      const commands = await monitor.record(op);
      // Only the store's data commands: the Cluster client may refresh its slot map in the background.
      counts.push(commands.filter((c) => c.some((arg) => arg.startsWith(store.keyPrefix))).length);
    }
    expect(counts).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1]);
  } finally {
    await monitor.stop();
  }
});

it('reloads the functions after FUNCTION FLUSH on one or all primaries, and retries', async () => {
  const store = await makeStore();
  const sessions = Array.from({ length: 12 }, () => session());
  for (const s of sessions) await store.upsert(s);

  await respCommand(redis.cluster.nodes[1].port, ['FUNCTION', 'FLUSH']);
  for (const s of sessions) await store.upsert({ ...s, lockVersion: 1 });

  await redis.cluster.onEveryNode('FUNCTION', 'FLUSH');
  await Promise.all(sessions.map((s) => store.upsert({ ...s, lockVersion: 2 })));
  for (const s of sessions) await expect(store.get(s.id, s.userId, s.type)).resolves.toMatchObject({ lockVersion: 3 });
  expect(await librariesPerNode()).toEqual([[REDIS_FUNCTIONS_LIBRARY], [REDIS_FUNCTIONS_LIBRARY], [REDIS_FUNCTIONS_LIBRARY]]);
});

it('of 50 concurrent updates from the same lockVersion exactly one wins, the rest conflict', async () => {
  const store = await makeStore();
  const s = session();
  await store.upsert(s);
  const results = await Promise.allSettled(
    Array.from({ length: 50 }, (_, i) => store.upsert({ ...s, lockVersion: 1, extraPayload: { writer: i } })),
  );
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  for (const r of results.filter((r) => r.status === 'rejected')) await expectConflict(Promise.reject((r as PromiseRejectedResult).reason));
  expect(await store.get(s.id, s.userId, s.type)).toMatchObject({ lockVersion: 2 });
});

it('logout racing refreshes never leaves the session alive', async () => {
  const store = await makeStore();
  const userId = `user-${randomId()}`;
  const wins = await logoutRacingRefreshes(store, () => session({ userId }));
  expect(wins).toBeGreaterThan(0);
});

it('listUsers pages through the users on every primary, a few hundred with small pages, one FCALL_RO per primary visited', async () => {
  const store = await makeStore();
  const users: Array<string | number> = Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? i : `user-${i}`));
  for (let i = 0; i < users.length; i += 50) {
    await Promise.all(users.slice(i, i + 50).map((userId) => store.upsert(session({ userId }))));
  }
  await Promise.all(users.slice(0, 30).map((userId) => store.upsert(session({ userId, type: 'oauth2' }))));
  const keysPerNode = (await redis.cluster.onEveryNode('DBSIZE')) as number[];
  expect(keysPerNode.every((n) => n > 0)).toBe(true);

  for (const limit of [1, 6, 1000]) {
    const { userIds, pages } = await listAllUsers(store, 'full', limit);
    expect(new Set(userIds)).toEqual(new Set(users));
    expect(pages.every((page) => page.length <= limit)).toBe(true);
  }
  expect(new Set((await listAllUsers(store, 'oauth2', 4)).userIds)).toEqual(new Set(users.slice(0, 30)));

  // The cursor names each of the three primaries in turn (by its first slot), and each page asks at most the
  // primaries it reaches, once each.
  const monitor = await RedisCommandMonitor.start(redis.cluster.nodes.map((n) => n.port));
  const slots = new Set<number | null>();
  try {
    let cursor: string | undefined;
    for (;;) {
      let next: string | null = null;
      const commands = await monitor.record(async () => ({ cursor: next } = await store.listUsers('full', { cursor, limit: 40 })));
      const calls = commands.filter((c) => c[0] === 'fcall_ro');
      expect(calls.length).toBeGreaterThanOrEqual(1);
      expect(calls.length).toBeLessThanOrEqual(3);
      expect(commands.filter((c) => c[0] === 'keys')).toEqual([]);
      if (next === null) break;
      slots.add(decodeListCursor(next).slot);
      cursor = next;
    }
  } finally {
    await monitor.stop();
  }
  expect(slots.size).toBe(3);
});

it('count counts live sessions by the store clock on a Cluster', async () => {
  const store = await makeStore();
  const userId = `user-${randomId()}`;
  await store.upsert(session({ userId, refreshExpiresAt: clock.now() + 10 }));
  await store.upsert(session({ userId }));
  expect(await store.count(userId, 'full')).toBe(2);
  clock.advance(10);
  expect(await store.count(userId, 'full')).toBe(1);
  expect(await store.count(userId, 'oauth2')).toBe(0);
});

it('racing logins with one fingerprint leave exactly one session', async () => {
  const store = await makeStore();
  const userId = `user-${randomId()}`;
  const racing = Array.from({ length: 40 }, () => session({ userId, fingerprint: 'laptop' }));
  await Promise.all(racing.map((s) => store.upsert(s, { maxSessions: 3 })));
  const left = await store.getAll(userId, 'full');
  expect(left).toHaveLength(1);
  expect(racing.map((s) => s.id)).toContain(left[0].id);
});
