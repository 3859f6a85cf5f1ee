/**
 * `count` and `listUsers` on a private standalone redis-server: liveness by the store's clock (not by key TTLs),
 * one round trip per call, SCAN (never KEYS) on the store's own keys, paging that misses no user present
 * throughout, bounded pages, and cursors. The 3-primary Cluster is covered in redis-cluster.spec.ts.
 */
import type { Session, UserId } from '../../../src/model/session.model';
import { REDIS_FUNCTION_NAMES } from '../../../src/session-store/redis/redis-session-functions';
import { sessionsKey, sessionsKeyPattern } from '../../../src/session-store/redis/redis-session-keys';
import { RedisSessionStore } from '../../../src/session-store/redis/redis-session-store';
import type { RedisSessionStoreOptions } from '../../../src/session-store/redis/redis-session-store.options';
import { decodeListCursor, encodeListCursor } from '../../../src/session-store/redis/redis-user-listing';
import { DEFAULT_LIST_USERS_LIMIT, MAX_LIST_USERS_LIMIT } from '../../../src/session-store/session-store';
import { FixedClock } from '../../../src/testing/fixed-clock';
import { RedisCommandMonitor } from '../../support/redis-monitor';
import { buildSession, CapturingLogger, listAllUsers, newSigningKey, usePrivateRedis } from './helpers';

const redis = usePrivateRedis();
let clock: FixedClock;
const signingKey = newSigningKey();
const stores: RedisSessionStore[] = [];

beforeEach(async () => {
  await redis.server.command('FLUSHALL');
  clock = new FixedClock();
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

async function makeStore(options: Partial<RedisSessionStoreOptions> = {}): Promise<RedisSessionStore> {
  const logger = new CapturingLogger();
  const store = new RedisSessionStore({ url: redis.server.url, clock, logger, getSigningKey: () => signingKey, ...options });
  stores.push(store);
  await store.init();
  return store;
}

const session = (overrides: Partial<Session> = {}): Session => buildSession(overrides, clock.now());

describe('count', () => {
  it('counts the live sessions of one user and type by the store clock, in one FCALL_RO', async () => {
    const store = await makeStore();
    const userId = 'dave';
    await store.upsert(session({ userId, refreshExpiresAt: clock.now() + 10 }));
    await store.upsert(session({ userId }));
    await store.upsert(session({ userId }));
    await store.upsert(session({ userId, type: 'oauth2' }));
    await store.upsert(session({ userId: 'erin' }));
    const monitor = await RedisCommandMonitor.start([redis.server.port]);
    try {
      const commands = await monitor.record(async () => expect(await store.count(userId, 'full')).toBe(3));
      expect(commands).toEqual([['fcall_ro', REDIS_FUNCTION_NAMES.count, '1', sessionsKey('charon:', userId, 'full'), String(clock.now())]]);
    } finally {
      await monitor.stop();
    }
    clock.advance(10);
    // The expired session is still in Redis, but no longer counts.
    expect(await redis.admin.hlen(sessionsKey('charon:', userId, 'full'))).toBe(3);
    expect(await store.count(userId, 'full')).toBe(2);
    expect(await store.count(userId, 'oauth2')).toBe(1);
    expect(await store.count('nobody', 'full')).toBe(0);
  });
});

describe('listUsers', () => {
  it('pages through every user with a live session of the type, ids typed as given, each page within its limit', async () => {
    const store = await makeStore();
    const full: UserId[] = [];
    const writes: Array<Promise<void>> = [];
    for (let i = 0; i < 300; i++) {
      const userId: UserId = i % 3 === 0 ? i : `user-${i}`;
      if (i % 10 !== 0) {
        full.push(userId);
        writes.push(store.upsert(session({ userId })));
        if (i % 4 === 0) writes.push(store.upsert(session({ userId })));
      }
      if (i % 5 === 0) writes.push(store.upsert(session({ userId, type: 'oauth2' })));
    }
    // Both a numeric and a string id that print the same.
    full.push('3');
    writes.push(store.upsert(session({ userId: '3' })));
    await Promise.all(writes);

    for (const limit of [1, 7, 100]) {
      const { userIds, pages, sawPending } = await listAllUsers(store, 'full', limit);
      expect(new Set(userIds)).toEqual(new Set(full));
      expect(pages.every((page) => page.length <= limit)).toBe(true);
      // With one user per page, a SCAN step of a bucket holding two keys overflows: that path ran.
      if (limit === 1) expect(sawPending).toBe(true);
    }
    const oauth = await listAllUsers(store, 'oauth2', 13);
    expect(new Set(oauth.userIds)).toEqual(new Set(Array.from({ length: 60 }, (_, k) => (k * 5) % 3 === 0 ? k * 5 : `user-${k * 5}`)));
    expect((await listAllUsers(store, 'api_key', 50)).userIds).toEqual([]);
  });

  it('lists only users with a live session by the store clock, although their keys still exist', async () => {
    const store = await makeStore();
    await store.upsert(session({ userId: 'short', refreshExpiresAt: clock.now() + 10 }));
    await store.upsert(session({ userId: 'mixed', refreshExpiresAt: clock.now() + 10 }));
    await store.upsert(session({ userId: 'mixed' }));
    await store.upsert(session({ userId: 'long' }));
    clock.advance(10);
    expect(await redis.admin.exists(sessionsKey('charon:', 'short', 'full'))).toBe(1);
    expect(new Set((await listAllUsers(store, 'full', 10)).userIds)).toEqual(new Set(['mixed', 'long']));
  });

  it('is one FCALL_RO per page that SCANs with MATCH on the key prefix, never KEYS', async () => {
    const store = await makeStore();
    await Promise.all(Array.from({ length: 40 }, (_, i) => store.upsert(session({ userId: i }))));
    await redis.admin.config('RESETSTAT');
    const monitor = await RedisCommandMonitor.start([redis.server.port]);
    try {
      let cursor: string | null | undefined;
      do {
        const commands = await monitor.record(async () => {
          ({ cursor } = await store.listUsers('full', { cursor: cursor ?? undefined, limit: 15 }));
        });
        expect(commands).toHaveLength(1);
        const [name, fn, numKeys, , pattern] = commands[0];
        expect([name, fn, numKeys, pattern]).toEqual(['fcall_ro', REDIS_FUNCTION_NAMES.liveKeys, '0', sessionsKeyPattern('charon:')]);
      } while (cursor !== null);
    } finally {
      await monitor.stop();
    }
    const stats = await redis.admin.info('commandstats');
    expect(stats).toMatch(/cmdstat_scan:calls=\d+/);
    expect(stats).not.toMatch(/cmdstat_keys:/);
  });

  it('returns every user present throughout a listing while others log in and out', async () => {
    const store = await makeStore();
    const stable = Array.from({ length: 200 }, (_, i) => `stable-${i}`);
    await Promise.all(stable.map((userId) => store.upsert(session({ userId }))));
    const seen = new Set<UserId>();
    let cursor: string | undefined;
    for (let round = 0; ; round++) {
      const page = await store.listUsers('full', { cursor, limit: 9 });
      page.userIds.forEach((id) => seen.add(id));
      if (page.cursor === null) break;
      cursor = page.cursor;
      // Logins and logouts between pages; enough logins that Redis grows (rehashes) its keyspace meanwhile.
      await Promise.all(Array.from({ length: 30 }, (_, i) => store.upsert(session({ userId: `churn-${round}-${i}` }))));
      await Promise.all(Array.from({ length: 15 }, (_, i) => store.deleteAll(`churn-${round - 1}-${i}`, 'full')));
    }
    for (const userId of stable) expect(seen).toContain(userId);
  });

  it("ignores keys that are not this store's sessions hashes, glob characters in the prefix included", async () => {
    const store = await makeStore({ keyPrefix: 'app*[1]?:' });
    const neighbour = await makeStore({ keyPrefix: 'appX1Y:' });
    await store.upsert(session({ userId: 'mine' }));
    await neighbour.upsert(session({ userId: 'theirs' }));
    const tagOf = (json: string): string => Buffer.from(json).toString('base64url');
    // Values that look alive to the function, so that only the key names tell these apart.
    const liveLooking = `${'m'.repeat(43)}1:${clock.now() + 100}:{}`;
    await redis.admin.set(`app*[1]?:{${tagOf('["str","full"]')}}:sessions`, liveLooking);
    await redis.admin.hset(`app*[1]?:{not base64!}:sessions`, 'x', liveLooking);
    await redis.admin.hset(`app*[1]?:{${tagOf('["a","full",3]')}}:sessions`, 'x', liveLooking);
    await redis.admin.hset(`app*[1]?:{${tagOf('[null,"full"]')}}:sessions`, 'x', liveLooking);
    await redis.admin.hset(`app*[1]?:{${tagOf('[ "b","full"]')}}:sessions`, 'x', liveLooking);
    await redis.admin.hset(`app*[1]?:{${tagOf('["c","full"]')}}:other`, 'x', liveLooking);
    expect((await listAllUsers(store, 'full', 10)).userIds).toEqual(['mine']);
    expect((await listAllUsers(neighbour, 'full', 10)).userIds).toEqual(['theirs']);
  });

  it('bounds the work of one call among many other keys: pages may be empty before the end, and the listing completes', async () => {
    const store = await makeStore();
    const users = ['a', 'b', 'c', 'd', 'e'];
    await Promise.all(users.map((userId) => store.upsert(session({ userId }))));
    await redis.admin.mset(Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`other-app:${i}`, 'x'])));
    const { userIds, pages } = await listAllUsers(store, 'full', 2);
    expect(new Set(userIds)).toEqual(new Set(users));
    expect(pages.slice(0, -1).some((page) => page.length === 0)).toBe(true);
  });

  it('hands out leftovers from an earlier step first, without asking Redis', async () => {
    const store = await makeStore();
    const cursor = encodeListCursor({ slot: null, scan: '0', pending: [1, 'one'] })!;
    const monitor = await RedisCommandMonitor.start([redis.server.port]);
    try {
      const commands = await monitor.record(async () => {
        const first = await store.listUsers('full', { cursor, limit: 1 });
        expect(first.userIds).toEqual([1]);
        expect(decodeListCursor(first.cursor)).toEqual({ slot: null, scan: '0', pending: ['one'] });
        await expect(store.listUsers('full', { cursor: first.cursor!, limit: 1 })).resolves.toEqual({ userIds: ['one'], cursor: null });
      });
      expect(commands).toEqual([]);
    } finally {
      await monitor.stop();
    }
  });

  it('rejects a limit outside 1 to MAX_LIST_USERS_LIMIT and cursors it did not hand out, with CharonUsageError', async () => {
    const store = await makeStore();
    await Promise.all(Array.from({ length: DEFAULT_LIST_USERS_LIMIT + 5 }, (_, i) => store.upsert(session({ userId: i }))));
    expect((await listAllUsers(store, 'full')).pages.map((page) => page.length)).toEqual([DEFAULT_LIST_USERS_LIMIT, 5]);
    for (const limit of [0, -1, 1.5, Number.NaN, MAX_LIST_USERS_LIMIT + 1, '10']) {
      await expect(store.listUsers('full', { limit: limit as number })).rejects.toMatchObject({ code: 'ERR_CHARON_USAGE' });
    }
    const garbage = ['', 'not base64!', '{"a":1}', '[0,"x",[]]', '[99999,"0",[]]', '[0,"0",[null]]', '[0,"0"]'].map((text, i) =>
      i < 2 ? text : Buffer.from(text).toString('base64url'),
    );
    for (const cursor of garbage) {
      await expect(store.listUsers('full', { cursor })).rejects.toMatchObject({ code: 'ERR_CHARON_USAGE' });
    }
    await expect(store.listUsers('full', { limit: MAX_LIST_USERS_LIMIT })).resolves.toMatchObject({ cursor: null });
  });
});
