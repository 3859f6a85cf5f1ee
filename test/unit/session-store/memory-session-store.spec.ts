import type { LoggerService } from '@nestjs/common';
import { CharonConfigError } from '../../../src/errors/charon-config.error';
import type { Session } from '../../../src/model/session.model';
import { MemorySessionStore, memorySessionStore } from '../../../src/session-store/memory/memory-session-store';
import { DEFAULT_MEMORY_STORE_MAX_SESSIONS } from '../../../src/session-store/memory/memory-session-store.options';
import type { UserListPage } from '../../../src/session-store/session-store';
import type { SessionStoreFactoryContext } from '../../../src/session-store/session-store-factory';
import { FixedClock } from '../../../src/testing/fixed-clock';
import { buildSession } from '../../../src/testing/session-store-conformance-support';

function fakeLogger(): jest.Mocked<LoggerService> {
  return { log: jest.fn(), error: jest.fn(), warn: jest.fn() };
}

describe('MemorySessionStore', () => {
  let clock: FixedClock;
  let logger: jest.Mocked<LoggerService>;

  beforeEach(() => {
    clock = new FixedClock(1_700_000_000);
    logger = fakeLogger();
  });

  const session = (overrides: Partial<Session> = {}): Session => buildSession(overrides, clock.now());
  /** A session that stays alive for `seconds` from now. */
  const expiringIn = (seconds: number, overrides: Partial<Session> = {}): Session =>
    session({ refreshExpiresAt: clock.now() + seconds, ...overrides });

  describe('options', () => {
    it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects maxSessions %p', (maxSessions) => {
      expect(() => new MemorySessionStore({ maxSessions })).toThrow(CharonConfigError);
    });

    it('defaults to the wall clock and the documented maxSessions', async () => {
      expect(DEFAULT_MEMORY_STORE_MAX_SESSIONS).toBe(100_000);
      const store = new MemorySessionStore();
      const s = buildSession();
      await store.upsert(s);
      await expect(store.get(s.id, s.userId, s.type)).resolves.toMatchObject({ id: s.id });
    });
  });

  describe('memorySessionStore() factory', () => {
    const context = (overrides: Partial<SessionStoreFactoryContext> = {}): SessionStoreFactoryContext => ({
      deriveKey: () => Buffer.alloc(32),
      clock,
      logger,
      ...overrides,
    });

    it("uses the module's clock and logger", async () => {
      const store = await memorySessionStore({ maxSessions: 1 })(context());
      const s = expiringIn(100);
      await store.upsert(s);
      clock.advance(99);
      await expect(store.get(s.id, s.userId, s.type)).resolves.not.toBeNull();
      clock.advance(1);
      await expect(store.get(s.id, s.userId, s.type)).resolves.toBeNull();

      await store.upsert(expiringIn(100));
      await store.upsert(expiringIn(200));
      expect(logger.warn).toHaveBeenCalledTimes(1);
    });

    it('prefers a clock and logger given in the options', async () => {
      const ownClock = new FixedClock(clock.now());
      const ownLogger = fakeLogger();
      const store = await memorySessionStore({ clock: ownClock, logger: ownLogger, maxSessions: 1 })(context());
      const s = expiringIn(100);
      await store.upsert(s);
      clock.advance(1000);
      await expect(store.get(s.id, s.userId, s.type)).resolves.not.toBeNull();
      ownClock.advance(100);
      await expect(store.get(s.id, s.userId, s.type)).resolves.toBeNull();

      await store.upsert(buildSession({ refreshExpiresAt: ownClock.now() + 100 }, ownClock.now()));
      await store.upsert(buildSession({ refreshExpiresAt: ownClock.now() + 200 }, ownClock.now()));
      expect(ownLogger.warn).toHaveBeenCalledTimes(1);
      expect(logger.warn).not.toHaveBeenCalled();
    });
  });

  describe('maxSessions', () => {
    it('when full, evicts the live session closest to expiry and keeps the others', async () => {
      const store = new MemorySessionStore({ clock, logger, maxSessions: 3 });
      const later = expiringIn(100);
      const soonest = expiringIn(50);
      const latest = expiringIn(200);
      for (const s of [later, soonest, latest]) await store.upsert(s);

      const newcomer = expiringIn(10);
      await store.upsert(newcomer);

      expect(store.size).toBe(3);
      expect(store.stats.evictions).toBe(1);
      await expect(store.get(soonest.id, soonest.userId, soonest.type)).resolves.toBeNull();
      for (const s of [later, latest, newcomer]) {
        await expect(store.get(s.id, s.userId, s.type)).resolves.not.toBeNull();
      }
    });

    it('purges an expired session before evicting a live one', async () => {
      const store = new MemorySessionStore({ clock, logger, maxSessions: 3 });
      const expired = expiringIn(10);
      const live = [expiringIn(100), expiringIn(200)];
      for (const s of [expired, ...live]) await store.upsert(s);
      clock.advance(10);

      await store.upsert(expiringIn(300));

      expect(store.size).toBe(3);
      expect(store.stats.evictions).toBe(0);
      expect(logger.warn).not.toHaveBeenCalled();
      for (const s of live) await expect(store.get(s.id, s.userId, s.type)).resolves.not.toBeNull();
    });

    it('updating a session in a full store evicts nothing', async () => {
      const store = new MemorySessionStore({ clock, logger, maxSessions: 2 });
      const a = expiringIn(100);
      const b = expiringIn(200);
      await store.upsert(a);
      await store.upsert(b);
      await store.upsert({ ...a, lockVersion: 1, refreshExpiresAt: clock.now() + 300 });
      expect(store.stats).toEqual({ sessions: 2, indexKeys: 2, evictions: 0 });
    });

    it('an already-expired session is not stored, so it cannot evict a live one', async () => {
      const store = new MemorySessionStore({ clock, logger, maxSessions: 1 });
      const live = expiringIn(100);
      await store.upsert(live);
      const dead = expiringIn(0);
      await expect(store.upsert(dead)).resolves.toBeUndefined();
      expect(store.stats).toEqual({ sessions: 1, indexKeys: 1, evictions: 0 });
      await expect(store.get(live.id, live.userId, live.type)).resolves.not.toBeNull();
    });

    it('coalesces eviction warnings to one a minute and never logs ids, user ids or payloads', async () => {
      const store = new MemorySessionStore({ clock, logger, maxSessions: 1 });
      const inserted = [expiringIn(1000, { extraPayload: { secret: 's3cr3t' } })];
      await store.upsert(inserted[0]);
      for (let i = 0; i < 3; i++) {
        inserted.push(expiringIn(1000 + i + 1));
        await store.upsert(inserted[inserted.length - 1]);
      }
      expect(store.stats.evictions).toBe(3);
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.warn.mock.calls[0][0]).toContain('evicted 1 live session');

      clock.advance(60);
      await store.upsert(expiringIn(2000));
      expect(logger.warn).toHaveBeenCalledTimes(2);
      expect(logger.warn.mock.calls[1][0]).toContain('evicted 3 live session');

      const logged = JSON.stringify(logger.warn.mock.calls);
      for (const s of inserted) {
        expect(logged).not.toContain(s.id);
        expect(logged).not.toContain(String(s.userId));
        expect(logged).not.toContain(s.refreshTokenId);
      }
      expect(logged).not.toContain('s3cr3t');
    });
  });

  describe('eviction when full: no user can drive out the others', () => {
    it("one user logging in 1,000 times into a full store evicts no other user's session", async () => {
      const store = new MemorySessionStore({ clock, logger, maxSessions: 50 });
      const attacker = 'attacker';
      await store.upsert(expiringIn(10_000, { userId: attacker }));
      // The others' sessions all expire before the attacker's, so "closest to expiry" alone would pick them.
      const others = Array.from({ length: 49 }, (_, i) => expiringIn(100 + i));
      for (const s of others) await store.upsert(s);

      for (let i = 0; i < 1000; i++) await store.upsert(expiringIn(20_000, { userId: attacker }));

      for (const s of others) await expect(store.get(s.id, s.userId, s.type)).resolves.not.toBeNull();
      expect(await store.count(attacker, 'full')).toBe(1);
      expect(store.stats).toEqual({ sessions: 50, indexKeys: 50, evictions: 1000 });
    });

    it("evicts the inserting user's least recently refreshed session of the type, not the one closest to expiry", async () => {
      const store = new MemorySessionStore({ clock, logger, maxSessions: 4 });
      const stale = expiringIn(1000, { userId: 'u', refreshedAt: clock.now() - 50 });
      const fresh = expiringIn(500, { userId: 'u' });
      const otherType = expiringIn(10, { userId: 'u', type: 'api_key', refreshedAt: clock.now() - 100 });
      const someoneElse = expiringIn(20);
      for (const s of [stale, fresh, otherType, someoneElse]) await store.upsert(s);

      const newcomer = expiringIn(1000, { userId: 'u' });
      await store.upsert(newcomer);

      await expect(store.get(stale.id, 'u', 'full')).resolves.toBeNull();
      for (const s of [fresh, otherType, someoneElse, newcomer]) {
        await expect(store.get(s.id, s.userId, s.type)).resolves.not.toBeNull();
      }
      expect(store.stats.evictions).toBe(1);
    });

    it('a user without a session of the type evicts the live session closest to expiry', async () => {
      const store = new MemorySessionStore({ clock, logger, maxSessions: 2 });
      const soonest = expiringIn(50);
      const later = expiringIn(100, { userId: 'u', type: 'api_key' });
      await store.upsert(soonest);
      await store.upsert(later);
      await store.upsert(expiringIn(1000, { userId: 'u' }));
      await expect(store.get(soonest.id, soonest.userId, soonest.type)).resolves.toBeNull();
      await expect(store.get(later.id, 'u', 'api_key')).resolves.not.toBeNull();
    });

    it('fingerprint and per-user replacements free the slot before anyone is evicted', async () => {
      const store = new MemorySessionStore({ clock, logger, maxSessions: 2 });
      const other = expiringIn(50);
      await store.upsert(other);
      await store.upsert(expiringIn(1000, { userId: 'u', fingerprint: 'laptop' }));
      await store.upsert(expiringIn(1000, { userId: 'u', fingerprint: 'laptop' }));
      await store.upsert(expiringIn(1000, { userId: 'u' }), { maxSessions: 1 });
      await expect(store.get(other.id, other.userId, other.type)).resolves.not.toBeNull();
      expect(store.stats.evictions).toBe(0);
    });
  });

  describe('count and listUsers bookkeeping', () => {
    it('an update that shortens a session still lets it expire on time for count and listUsers', async () => {
      const store = new MemorySessionStore({ clock, logger });
      const s = expiringIn(1000, { userId: 'u' });
      await store.upsert(s);
      await store.upsert({ ...s, lockVersion: 1, refreshExpiresAt: clock.now() + 10 });
      clock.advance(10);
      await expect(store.count('u', 'full')).resolves.toBe(0);
      await expect(store.listUsers('full')).resolves.toEqual({ userIds: [], cursor: null });
    });

    it('lists every user present for the whole listing exactly once while others log in and out', async () => {
      const store = new MemorySessionStore({ clock, logger });
      const stayers = Array.from({ length: 100 }, (_, i) => `stayer-${i}`);
      const leavers = Array.from({ length: 200 }, (_, i) => `leaver-${i}`);
      // Interleaved, so that logouts leave holes all over the listing order and force its compaction.
      for (let i = 0; i < 100; i++) {
        await store.upsert(session({ userId: stayers[i] }));
        await store.upsert(session({ userId: leavers[2 * i] }));
        await store.upsert(session({ userId: leavers[2 * i + 1] }));
      }
      const seen: Array<string | number> = [];
      let cursor: string | null = null;
      let round = 0;
      do {
        const page: UserListPage = await store.listUsers('full', { limit: 5, cursor: cursor ?? undefined });
        seen.push(...page.userIds);
        cursor = page.cursor;
        for (let i = 0; i < 10 && round * 10 + i < leavers.length; i++) await store.deleteAll(leavers[round * 10 + i], 'full');
        await store.upsert(session({ userId: `newcomer-${round++}` }));
      } while (cursor !== null);

      const seenStayers = seen.filter((id) => String(id).startsWith('stayer-'));
      expect(seenStayers).toHaveLength(100);
      expect(new Set(seenStayers)).toEqual(new Set(stayers));
    });

    it('a page examines a bounded number of users: many whose sessions expired give short pages, not long calls', async () => {
      const store = new MemorySessionStore({ clock, logger });
      for (let i = 0; i < 100; i++) await store.upsert(expiringIn(10, { userId: `gone-${i}` }));
      await store.upsert(expiringIn(1000, { userId: 'last' }));
      clock.advance(10);
      const first = await store.listUsers('full', { limit: 2 });
      expect(first).toEqual({ userIds: [], cursor: expect.any(String) });
      let page = first;
      const seen = [];
      while (page.cursor !== null) {
        page = await store.listUsers('full', { limit: 2, cursor: page.cursor });
        seen.push(...page.userIds);
      }
      expect(seen).toEqual(['last']);
    });

    it.each(['', 'x', 'm', 'm!', 'M1', 12 as unknown as string])('refuses the cursor %p, which it never handed out', async (cursor) => {
      const store = new MemorySessionStore({ clock, logger });
      await expect(store.listUsers('full', { cursor })).rejects.toMatchObject({ code: 'ERR_CHARON_USAGE' });
    });

    it('leaves nothing behind once every user of a type is gone', async () => {
      const store = new MemorySessionStore({ clock, logger });
      for (let i = 0; i < 100; i++) await store.upsert(session({ userId: i }));
      for (let i = 0; i < 100; i++) await store.deleteAll(i, 'full');
      expect(store.stats).toEqual({ sessions: 0, indexKeys: 0, evictions: 0 });
      await expect(store.listUsers('full')).resolves.toEqual({ userIds: [], cursor: null });
    });
  });

  describe('cleanup of expired sessions', () => {
    it('each write sweeps a bounded number of expired entries until all are gone, without reads', async () => {
      const store = new MemorySessionStore({ clock, logger });
      for (let i = 0; i < 100; i++) await store.upsert(expiringIn(10));
      const survivor = expiringIn(1000);
      await store.upsert(survivor);
      expect(store.stats).toEqual({ sessions: 101, indexKeys: 101, evictions: 0 });

      clock.advance(10);
      await store.delete('unrelated', 'nobody', 'full');
      const afterOneWrite = store.size;
      expect(afterOneWrite).toBeLessThan(101);
      expect(afterOneWrite).toBeGreaterThan(1);

      for (let i = 0; i < 100 && store.size > 1; i++) await store.upsert(expiringIn(0));
      expect(store.stats).toEqual({ sessions: 1, indexKeys: 1, evictions: 0 });
      await expect(store.get(survivor.id, survivor.userId, survivor.type)).resolves.not.toBeNull();
    });

    it('a get of an expired session removes it from every internal structure', async () => {
      const store = new MemorySessionStore({ clock, logger });
      const s = expiringIn(10);
      await store.upsert(s);
      clock.advance(10);
      await store.get(s.id, s.userId, s.type);
      expect(store.stats).toEqual({ sessions: 0, indexKeys: 0, evictions: 0 });
    });

    it('a getAll removes the expired sessions it meets and drops the emptied index entry', async () => {
      const store = new MemorySessionStore({ clock, logger });
      const userId = 'u';
      for (let i = 0; i < 5; i++) await store.upsert(expiringIn(10, { userId }));
      clock.advance(10);
      await expect(store.getAll(userId, 'full')).resolves.toEqual([]);
      expect(store.stats).toEqual({ sessions: 0, indexKeys: 0, evictions: 0 });
    });

    it('an update that moves refreshExpiresAt into the past removes the session', async () => {
      const store = new MemorySessionStore({ clock, logger });
      const s = expiringIn(100);
      await store.upsert(s);
      await store.upsert({ ...s, lockVersion: 1, refreshExpiresAt: clock.now() });
      expect(store.stats).toEqual({ sessions: 0, indexKeys: 0, evictions: 0 });
    });

    it('an expired id can be inserted again (it no longer exists)', async () => {
      const store = new MemorySessionStore({ clock, logger });
      const s = expiringIn(10);
      await store.upsert(s);
      clock.advance(10);
      const again = { ...s, refreshExpiresAt: clock.now() + 10 };
      await store.upsert(again);
      await expect(store.get(s.id, s.userId, s.type)).resolves.toEqual({ ...again, lockVersion: 1 });
      expect(store.size).toBe(1);
    });
  });

  describe('index bookkeeping', () => {
    it('delete and deleteAll leave no index entries behind', async () => {
      const store = new MemorySessionStore({ clock, logger });
      const one = session({ userId: 'a' });
      await store.upsert(one);
      for (let i = 0; i < 3; i++) await store.upsert(session({ userId: 'b' }));
      expect(store.stats).toEqual({ sessions: 4, indexKeys: 2, evictions: 0 });

      await store.delete(one.id, 'a', 'full');
      expect(store.stats).toEqual({ sessions: 3, indexKeys: 1, evictions: 0 });
      await store.deleteAll('b', 'full');
      expect(store.stats).toEqual({ sessions: 0, indexKeys: 0, evictions: 0 });
    });

    it('keeps numeric and string user ids in separate index entries', async () => {
      const store = new MemorySessionStore({ clock, logger });
      await store.upsert(session({ userId: 1 }));
      await store.upsert(session({ userId: '1' }));
      expect(store.stats.indexKeys).toBe(2);
    });

    it('does not grow under churn of many users', async () => {
      const store = new MemorySessionStore({ clock, logger });
      for (let i = 0; i < 1000; i++) {
        const s = session({ userId: i, type: i % 2 ? 'full' : 'api_key' });
        await store.upsert(s);
        if (i % 3 === 0) await store.delete(s.id, s.userId, s.type);
        else if (i % 3 === 1) await store.deleteAll(s.userId, s.type);
      }
      clock.advance(3600);
      for (let i = 0; i < 100 && store.size > 0; i++) await store.delete('none', 'none', 'full');
      expect(store.stats).toEqual({ sessions: 0, indexKeys: 0, evictions: 0 });
    });
  });

  describe('copies, not aliases', () => {
    it('does not modify the session passed to upsert', async () => {
      const store = new MemorySessionStore({ clock, logger });
      const s = session();
      const before = structuredClone(s);
      await store.upsert(s);
      expect(s).toEqual(before);
    });

    it('returns a fresh object on every read', async () => {
      const store = new MemorySessionStore({ clock, logger });
      const s = session({ extraPayload: { nested: { list: [1] } } });
      await store.upsert(s);
      const a = await store.get(s.id, s.userId, s.type);
      const b = await store.get(s.id, s.userId, s.type);
      const [c] = await store.getAll(s.userId, s.type);
      expect(a).not.toBe(b);
      expect(a!.extraPayload.nested).not.toBe(b!.extraPayload.nested);
      expect(c).not.toBe(a);
      expect(c).toEqual(a);
    });
  });

  it('rejects a session it cannot store with InvalidSessionError, storing nothing and sweeping nothing', async () => {
    const store = new MemorySessionStore({ clock, logger });
    const expired = expiringIn(10);
    await store.upsert(expired);
    clock.advance(10);
    for (const refreshExpiresAt of [Number.NaN, Number.POSITIVE_INFINITY, '123' as unknown as number]) {
      await expect(store.upsert(session({ refreshExpiresAt }))).rejects.toMatchObject({ code: 'ERR_CHARON_INVALID_SESSION' });
    }
    expect(store.stats).toEqual({ sessions: 1, indexKeys: 1, evictions: 0 });
  });
});
