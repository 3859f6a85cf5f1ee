/**
 * A rolling deploy from 0.1: both versions on one Redis, each with its own function library. Values written by
 * 0.1 (its codec and its upsert function, vendored in fixtures/charon-0.1) must read, update, count, list and take
 * part in eviction here; values written here must read and update in 0.1, and come back intact.
 */
import type { Session } from '../../../src/model/session.model';
import { sessionsKey } from '../../../src/session-store/redis/redis-session-keys';
import { RedisSessionStore } from '../../../src/session-store/redis/redis-session-store';
import { FixedClock } from '../../../src/testing/fixed-clock';
import { encodeSession as encodeV01, SessionCodec as SessionCodecV01 } from './fixtures/charon-0.1/redis-session-codec';
import {
  REDIS_FUNCTION_NAMES as FUNCTION_NAMES_V01,
  REDIS_FUNCTIONS_SOURCE as FUNCTIONS_SOURCE_V01,
} from './fixtures/charon-0.1/redis-session-functions';
import { buildSession, CapturingLogger, expectConflict, newSigningKey, usePrivateRedis } from './helpers';

const redis = usePrivateRedis();
let clock: FixedClock;
let logger: CapturingLogger;
let store: RedisSessionStore;
const signingKey = newSigningKey();
const codecV01 = new SessionCodecV01(() => signingKey, 0);

beforeEach(async () => {
  await redis.server.reset();
  await redis.admin.call('FUNCTION', 'LOAD', FUNCTIONS_SOURCE_V01);
  clock = new FixedClock();
  logger = new CapturingLogger();
  store = new RedisSessionStore({ url: redis.server.url, clock, logger, getSigningKey: () => signingKey });
  await store.init();
});

afterEach(async () => {
  await store.close();
  // Nothing either version wrote was ever refused as tampered or malformed.
  expect(logger.warnings()).toEqual([]);
});

/** What a 0.1 deployment does, with 0.1's own code: `RedisSessionStore.get` and `upsert` as released. */
const v01 = {
  /** 0.1's upsert: one FCALL of its function; resolves with the function's reply code (0 = stored). */
  upsert(s: Session): Promise<unknown> {
    const value = encodeV01(s, s.lockVersion + 1, signingKey);
    const key = sessionsKey('charon:', s.userId, s.type);
    return redis.admin.fcall(FUNCTION_NAMES_V01.upsert, 1, key, s.id, s.lockVersion, value, s.refreshExpiresAt, clock.now());
  },
  /** 0.1's get: HGET, then its codec (signature, owner) and the liveness check. */
  async get(id: string, userId: string | number, type = 'full'): Promise<Session | null> {
    const value = await redis.admin.hget(sessionsKey('charon:', userId, type), id);
    if (value === null) return null;
    const decoded = codecV01.decode(value, userId, type, id);
    if (!decoded.ok) throw new Error(`0.1 refused the value: ${decoded.reason}`);
    return decoded.session.refreshExpiresAt > clock.now() ? decoded.session : null;
  },
};

/** A session as 0.1 created it (model version 1: no fingerprint, no rotatedRefreshTokenIds). */
const sessionV01 = (overrides: Partial<Session> = {}): Session => buildSession({ version: 1, ...overrides }, clock.now());
const session = (overrides: Partial<Session> = {}): Session => buildSession(overrides, clock.now());

async function idsOf(userId: string | number): Promise<string[]> {
  return (await store.getAll(userId, 'full')).map((s) => s.id).sort();
}

describe('values written by 0.1, used here', () => {
  it('read, count, list, update and delete like values written here', async () => {
    const userId = 42;
    const old = sessionV01({ userId, extraPayload: { plan: 'pro', nested: { list: [1, 'two'] }, name: 'Zoë 用户 👋🏽' } });
    expect(await v01.upsert(old)).toBe(0);

    await expect(store.get(old.id, userId, 'full')).resolves.toStrictEqual({ ...old, lockVersion: 1 });
    await expect(store.getAll(userId, 'full')).resolves.toStrictEqual([{ ...old, lockVersion: 1 }]);
    await expect(store.count(userId, 'full')).resolves.toBe(1);
    await expect(store.listUsers('full')).resolves.toEqual({ userIds: [userId], cursor: null });

    await expectConflict(store.upsert(old));
    const refreshed = { ...old, lockVersion: 1, refreshedAt: clock.now() + 5, version: 2 };
    await store.upsert(refreshed);
    await expect(store.get(old.id, userId, 'full')).resolves.toStrictEqual({ ...refreshed, lockVersion: 2 });
    await store.delete(old.id, userId, 'full');
    await expect(store.count(userId, 'full')).resolves.toBe(0);
  });

  it('take part in eviction, ordered by the refreshedAt in their JSON; on a tie before values with a write stamp', async () => {
    const userId = `user-${clock.now()}`;
    const now = clock.now();
    const oldest = sessionV01({ userId, refreshedAt: now - 30 });
    const recentOld = sessionV01({ userId, refreshedAt: now - 5 });
    for (const s of [recentOld, oldest]) expect(await v01.upsert(s)).toBe(0);
    const older = session({ userId, refreshedAt: now - 20 });
    const newer = session({ userId, refreshedAt: now - 10 });
    for (const s of [older, newer]) await store.upsert(s);

    const incoming = session({ userId });
    await store.upsert(incoming, { maxSessions: 3 });
    expect(await idsOf(userId)).toEqual([recentOld.id, newer.id, incoming.id].sort());

    // Same refreshedAt: the 0.1 value has no write stamp and goes first, although it was written last.
    const tieUser = `tie-${userId}`;
    const stamped = session({ userId: tieUser });
    const unstamped = sessionV01({ userId: tieUser });
    await store.upsert(stamped);
    expect(await v01.upsert(unstamped)).toBe(0);
    const next = session({ userId: tieUser });
    await store.upsert(next, { maxSessions: 2 });
    expect(await idsOf(tieUser)).toEqual([stamped.id, next.id].sort());
  });
});

describe('values written here, used by 0.1', () => {
  it('0.1 reads them (with one internal field more), updates them with its function, and they come back intact', async () => {
    const s = session({ userId: 'alice', fingerprint: 'laptop', extraPayload: { theme: 'dark', name: 'Zoë 用户 👋🏽' } });
    await store.upsert(s);

    const loaded = await v01.get(s.id, 'alice');
    const { _charon: internal, ...fields } = loaded as Session & { _charon: unknown };
    expect(fields).toStrictEqual({ ...s, lockVersion: 1 });
    expect(internal).toEqual([1, s.refreshedAt, expect.any(Number)]);

    // A 0.1 refresh: what its SessionService writes back (every loaded field, the internal one included).
    const refreshedByV01 = { ...loaded!, refreshedAt: clock.now() + 60, refreshTokenId: 'rotated', extraPayload: {} };
    expect(await v01.upsert(refreshedByV01)).toBe(0);
    expect(await v01.upsert(refreshedByV01)).toBe(3); // 0.1's lock check still works on these values

    const { _charon: stale, ...expected } = refreshedByV01 as Session & { _charon: unknown };
    expect(stale).toEqual(internal);
    await expect(store.get(s.id, 'alice', 'full')).resolves.toStrictEqual({ ...expected, lockVersion: 2 });
    // And this version updates it again.
    await store.upsert({ ...expected, lockVersion: 2 });
    await expect(store.get(s.id, 'alice', 'full')).resolves.toMatchObject({ lockVersion: 3, fingerprint: 'laptop' });
    expect((await v01.get(s.id, 'alice'))?.lockVersion).toBe(3);
  });

  it('a value 0.1 rewrote is evicted by its refreshedAt, not by the stale internal field; its fingerprint still replaces', async () => {
    const userId = 'bob';
    const now = clock.now();
    const laptop = session({ userId, fingerprint: 'laptop', refreshedAt: now - 30 });
    await store.upsert(laptop);
    const loaded = (await v01.get(laptop.id, userId))!;
    expect(await v01.upsert({ ...loaded, refreshedAt: now })).toBe(0);
    const middle = session({ userId, refreshedAt: now - 10 });
    await store.upsert(middle);

    // The internal field still says now - 30, which would make the laptop the one to go.
    const incoming = session({ userId });
    await store.upsert(incoming, { maxSessions: 2 });
    expect(await idsOf(userId)).toEqual([laptop.id, incoming.id].sort());

    const newLaptop = session({ userId, fingerprint: 'laptop' });
    await store.upsert(newLaptop);
    expect(await idsOf(userId)).toEqual([incoming.id, newLaptop.id].sort());
  });

  it("0.1's function refuses an insert over a live value written here and prunes expired ones", async () => {
    const userId = 'carol';
    const key = sessionsKey('charon:', userId, 'full');
    const live = session({ userId });
    const expiring = session({ userId, refreshExpiresAt: clock.now() + 10 });
    await store.upsert(live);
    await store.upsert(expiring);
    expect(await v01.upsert(live)).toBe(1);
    clock.advance(10);
    const fromV01 = sessionV01({ userId });
    expect(await v01.upsert(fromV01)).toBe(0);
    expect((await redis.admin.hkeys(key)).sort()).toEqual([live.id, fromV01.id].sort());
  });
});
