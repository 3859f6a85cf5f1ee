/**
 * What an insert replaces in Redis (fingerprint, then maxSessions, then expired entries met on the way), inside the
 * one upsert FCALL: round trips, eviction order with same-second ties, values the function must not touch, the
 * shortcut that skips the scan, large hashes, and racing inserts.
 */
import type { Session } from '../../../src/model/session.model';
import { encodeSession } from '../../../src/session-store/redis/redis-session-codec';
import { REDIS_FUNCTION_NAMES } from '../../../src/session-store/redis/redis-session-functions';
import { sessionsKey } from '../../../src/session-store/redis/redis-session-keys';
import { RedisSessionStore } from '../../../src/session-store/redis/redis-session-store';
import { FixedClock } from '../../../src/testing/fixed-clock';
import { RedisCommandMonitor } from '../../support/redis-monitor';
import { buildSession, CapturingLogger, expectConflict, newSigningKey, randomId, usePrivateRedis } from './helpers';

const HOUR = 3600;

const redis = usePrivateRedis();
let clock: FixedClock;
let store: RedisSessionStore;
const signingKey = newSigningKey();

beforeEach(async () => {
  await redis.server.command('FLUSHALL');
  clock = new FixedClock();
  store = new RedisSessionStore({ url: redis.server.url, clock, logger: new CapturingLogger(), getSigningKey: () => signingKey });
  await store.init();
});

afterEach(() => store.close());

const session = (overrides: Partial<Session> = {}): Session => buildSession(overrides, clock.now());

/** Inserts `s` and returns it as stored (lockVersion 1). */
async function insert(s: Session, maxSessions?: number): Promise<Session> {
  await store.upsert(s, { maxSessions });
  return { ...s, lockVersion: 1 };
}

async function idsOf(userId: string | number, type = 'full'): Promise<string[]> {
  return (await store.getAll(userId, type)).map((s) => s.id).sort();
}

/** How often each Redis command ran since the last reset, including calls made by functions. */
async function commandCalls(): Promise<Record<string, number>> {
  const info = await redis.admin.info('commandstats');
  return Object.fromEntries([...info.matchAll(/cmdstat_(\w+):calls=(\d+)/g)].map(([, name, calls]) => [name, Number(calls)]));
}

describe('one round trip', () => {
  it('an insert with a fingerprint and a cap that replaces and evicts is one FCALL carrying both', async () => {
    const userId = `user-${randomId()}`;
    await insert(session({ userId, fingerprint: 'laptop' }));
    await insert(session({ userId }));
    const monitor = await RedisCommandMonitor.start([redis.server.port]);
    try {
      const s = session({ userId, fingerprint: 'laptop' });
      const commands = await monitor.record(() => store.upsert(s, { maxSessions: 1 }));
      expect(commands).toHaveLength(1);
      const [name, fn, numKeys, key, id, lockVersion, , refreshExpiresAt, now, maxSessions, fingerprint] = commands[0];
      const expectedKey = sessionsKey('charon:', userId, 'full');
      expect([name, fn, numKeys, key, id, lockVersion]).toEqual(['fcall', REDIS_FUNCTION_NAMES.upsert, '1', expectedKey, s.id, '0']);
      expect([refreshExpiresAt, now]).toEqual([String(s.refreshExpiresAt), String(clock.now())]);
      expect([maxSessions, fingerprint]).toEqual(['1', '"laptop"']);
      expect(await idsOf(userId)).toEqual([s.id]);
    } finally {
      await monitor.stop();
    }
  });

  it('an update sends neither option: updates replace nothing', async () => {
    const s = await insert(session({ fingerprint: 'laptop' }));
    const monitor = await RedisCommandMonitor.start([redis.server.port]);
    try {
      const [command] = await monitor.record(() => store.upsert(s, { maxSessions: 1 }));
      expect(command).toHaveLength(9);
    } finally {
      await monitor.stop();
    }
  });
});

describe('eviction order', () => {
  it('evicts the smallest refreshedAt first, whatever the write order', async () => {
    const userId = `user-${randomId()}`;
    const now = clock.now();
    const middle = await insert(session({ userId, refreshedAt: now - 10 }));
    const newest = await insert(session({ userId, refreshedAt: now }));
    const oldest = await insert(session({ userId, refreshedAt: now - 20 }));
    const incoming = await insert(session({ userId }), 3);
    expect(await idsOf(userId)).toEqual([middle.id, newest.id, incoming.id].sort());
    await expectConflict(store.upsert(oldest));
    const next = await insert(session({ userId }), 3);
    expect(await idsOf(userId)).toEqual([newest.id, incoming.id, next.id].sort());
  });

  it('breaks same-second ties by write order: the earlier write goes first, and a refresh is a later write', async () => {
    const userId = `user-${randomId()}`;
    // The clock never moves: every session has the same refreshedAt.
    const written = [];
    for (let i = 0; i < 5; i++) written.push(await insert(session({ userId })));
    // Refreshing the first one (same second) makes it the most recent write; the inserts after it are later still.
    await store.upsert(written[0]);
    const evicted: string[] = [];
    for (let i = 0; i < 5; i++) {
      const before = await idsOf(userId);
      await insert(session({ userId }), 5);
      const after = new Set(await idsOf(userId));
      evicted.push(...before.filter((id) => !after.has(id)));
    }
    expect(evicted).toEqual([written[1].id, written[2].id, written[3].id, written[4].id, written[0].id]);
  });

  it('breaks same-second ties by write order also when one insert evicts several', async () => {
    const userId = `user-${randomId()}`;
    const written = [];
    for (let i = 0; i < 6; i++) written.push(await insert(session({ userId })));
    await store.upsert(written[2]);
    const incoming = await insert(session({ userId }), 3);
    expect(await idsOf(userId)).toEqual([written[5].id, written[2].id, incoming.id].sort());
  });

  it('counts only live sessions toward the cap and removes the expired ones it meets', async () => {
    const userId = `user-${randomId()}`;
    const key = sessionsKey('charon:', userId, 'full');
    const expiring = [];
    for (let i = 0; i < 4; i++) expiring.push(await insert(session({ userId, refreshExpiresAt: clock.now() + 10 })));
    const live = await insert(session({ userId, refreshExpiresAt: clock.now() + HOUR }));
    clock.advance(10);
    const incoming = await insert(session({ userId }), 2);
    // Nothing live was evicted (two live sessions fit), and the four expired entries are gone from Redis.
    expect((await redis.admin.hkeys(key)).sort()).toEqual([live.id, incoming.id].sort());
  });

  it('leaves values it cannot parse alone and does not count them', async () => {
    const userId = `user-${randomId()}`;
    const key = sessionsKey('charon:', userId, 'full');
    const first = await insert(session({ userId }));
    await redis.admin.hset(key, 'garbage', 'not a session', 'future-format', `${'x'.repeat(43)}v3|something else`);
    const second = await insert(session({ userId }), 2);
    expect((await redis.admin.hkeys(key)).sort()).toEqual([first.id, second.id, 'garbage', 'future-format'].sort());
  });

  it('evicts down to the cap in one insert from a hash larger than one HDEL batch', async () => {
    const userId = `user-${randomId()}`;
    const key = sessionsKey('charon:', userId, 'full');
    const many = Array.from({ length: 2500 }, (_, i) => session({ userId, refreshedAt: clock.now() - 5000 + i }));
    await redis.admin.hset(key, Object.fromEntries(many.map((s) => [s.id, encodeSession(s, 1, signingKey)])));
    const incoming = await insert(session({ userId }), 3);
    // The two most recently refreshed survive, with the new one.
    expect(await idsOf(userId)).toEqual([many[2498].id, many[2499].id, incoming.id].sort());
    expect(await redis.admin.hlen(key)).toBe(3);
  });

  it('an insert below the cap does not look at the other sessions (HLEN, no HGETALL)', async () => {
    const userId = `user-${randomId()}`;
    for (let i = 0; i < 3; i++) await insert(session({ userId }));
    await redis.admin.config('RESETSTAT');
    await insert(session({ userId }), 50);
    const calls = await commandCalls();
    expect(calls.hlen).toBe(1);
    expect(calls.hgetall).toBeUndefined();
    // At the cap it does.
    await redis.admin.config('RESETSTAT');
    await insert(session({ userId }), 4);
    expect((await commandCalls()).hgetall).toBe(1);
    expect(await idsOf(userId)).toHaveLength(4);
  });
});

describe('fingerprints', () => {
  it('compare exactly, whatever characters they hold', async () => {
    const userId = `user-${randomId()}`;
    const fingerprints = ['a', 'ab', 'a"', 'a\\', 'a\\"', '"a', 'a,"b', 'é', '\u2028', '\ud800', '', 'a]'];
    const sessions = [];
    for (const fingerprint of fingerprints) sessions.push(await insert(session({ userId, fingerprint })));
    for (const [i, fingerprint] of fingerprints.entries()) {
      const incoming = await insert(session({ userId, fingerprint }));
      const ids = await idsOf(userId);
      expect(ids).not.toContain(sessions[i].id);
      expect(ids).toHaveLength(fingerprints.length);
      sessions[i] = incoming;
    }
    expect(await idsOf(userId)).toEqual(sessions.map((s) => s.id).sort());
  });

  it('a fingerprint that only looks like part of the JSON matches nothing else', async () => {
    const userId = `user-${randomId()}`;
    const victim = await insert(session({ userId, fingerprint: 'x', extraPayload: { fingerprint: 'evil' } }));
    await insert(session({ userId, fingerprint: 'x","id":"' }));
    await insert(session({ userId, fingerprint: 'evil' }));
    expect(await idsOf(userId)).toContain(victim.id);
  });

  it('50 concurrent logins with one fingerprint leave exactly one session, even alongside a cap', async () => {
    const userId = `user-${randomId()}`;
    const other = await insert(session({ userId, fingerprint: 'phone' }));
    const racing = Array.from({ length: 50 }, () => session({ userId, fingerprint: 'laptop' }));
    await Promise.all(racing.map((s, i) => store.upsert(s, i % 2 === 0 ? { maxSessions: 2 } : undefined)));
    const left = await idsOf(userId);
    expect(left).toHaveLength(2);
    expect(left).toContain(other.id);
    expect(racing.filter((s) => left.includes(s.id))).toHaveLength(1);
    expect(await store.count(userId, 'full')).toBe(2);
  });

  it('50 concurrent capped logins leave exactly the cap', async () => {
    const userId = 7;
    await Promise.all(Array.from({ length: 50 }, () => store.upsert(session({ userId }), { maxSessions: 5 })));
    expect(await idsOf(userId)).toHaveLength(5);
  });
});
