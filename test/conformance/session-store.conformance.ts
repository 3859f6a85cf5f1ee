/**
 * The behaviour every {@link SessionStore} must have, written once and run against each store
 * (keyv-style): a store's spec file calls {@link sessionStoreConformanceSuite} with a {@link ConformanceTarget}.
 *
 * ```ts
 * sessionStoreConformanceSuite({ name: 'memory', makeStore: (clock) => new MemorySessionStore({ clock }) });
 * ```
 */
import { randomBytes } from 'node:crypto';
import { SessionConflictError } from '../../src/errors/session-conflict.error';
import { SESSION_MODEL_VERSION, type Session } from '../../src/session/session.model';
import type { SessionStore } from '../../src/session-store/session-store';
import { FixedClock } from '../../src/testing/fixed-clock';

/** What a store can do; the suite skips or inverts the checks a store cannot support. */
export interface ConformanceCapabilities {
  /** Whether the store keeps sessions at all. `false` for the null (stateless) store. */
  persistent: boolean;
}

/** A store under test. */
export interface ConformanceTarget {
  /** Shown in the `describe` title. */
  name: string;
  /** Called in beforeEach; must return a store with no sessions, driven by `clock`. */
  makeStore(clock: FixedClock): Promise<SessionStore> | SessionStore;
  /** Called in afterEach. */
  destroyStore?(store: SessionStore): Promise<void> | void;
  /** Defaults: `{ persistent: true }`. */
  capabilities?: Partial<ConformanceCapabilities>;
}

const HOUR = 3600;
const DAY = 24 * HOUR;

/** A random url-safe id of 128 bits, like the ids the library generates. */
export function randomId(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * A valid, never-stored session (lockVersion 0) created at `now`: alive for one hour (refreshExpiresAt), with a
 * session lifetime of one day. Every call gets a fresh random id and, unless overridden, a fresh random user id,
 * so tests never see each other's sessions even in a shared backend.
 */
export function buildSession(overrides: Partial<Session> = {}, now: number = Math.floor(Date.now() / 1000)): Session {
  return {
    id: randomId(),
    userId: `user-${randomId()}`,
    type: 'full',
    createdAt: now,
    expiresAt: now + DAY,
    refreshedAt: now,
    refreshExpiresAt: now + HOUR,
    refreshTokenId: randomId(),
    tokensFreshFrom: now,
    prevTokensFreshFrom: now,
    lockVersion: 0,
    extraPayload: {},
    version: SESSION_MODEL_VERSION,
    ...overrides,
  };
}

/** Resolves with what `promise` rejected with; fails the test if it resolved. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection, but the promise resolved');
    },
    (error: unknown) => error,
  );
}

/** Asserts that `promise` rejects with a {@link SessionConflictError} (by class and by stable code). */
export async function expectConflict(promise: Promise<unknown>): Promise<void> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(SessionConflictError);
  expect((error as SessionConflictError).code).toBe('ERR_CHARON_SESSION_CONFLICT');
}

function isConflict(result: PromiseSettledResult<unknown>): boolean {
  return (
    result.status === 'rejected' &&
    result.reason instanceof SessionConflictError &&
    result.reason.code === 'ERR_CHARON_SESSION_CONFLICT'
  );
}

function sortedIds(sessions: Session[]): string[] {
  return sessions.map((s) => s.id).sort();
}

/**
 * Defines the conformance tests (describe/it blocks) for `target`. Each test gets a fresh store from
 * `makeStore` and a {@link FixedClock} starting at the real current time (stores such as Redis also derive real
 * key expiries from `refreshExpiresAt`); tests move the clock forward to make sessions expire.
 */
export function sessionStoreConformanceSuite(target: ConformanceTarget): void {
  const capabilities: ConformanceCapabilities = { persistent: true, ...target.capabilities };

  describe(`SessionStore conformance: ${target.name}`, () => {
    let clock: FixedClock;
    let store: SessionStore;

    beforeEach(async () => {
      clock = new FixedClock();
      store = await target.makeStore(clock);
    });

    afterEach(async () => {
      await target.destroyStore?.(store);
    });

    /** A session built at the clock's current time. */
    const session = (overrides: Partial<Session> = {}): Session => buildSession(overrides, clock.now());

    /** Inserts `s` and returns the session as a caller that loaded it would hold it (lockVersion 1). */
    const insert = async (s: Session): Promise<Session> => {
      await store.upsert(s);
      return { ...s, lockVersion: s.lockVersion + 1 };
    };

    if (!capabilities.persistent) {
      describe('stateless store', () => {
        it('get returns null, even right after an upsert', async () => {
          const s = session();
          await store.upsert(s);
          await expect(store.get(s.id, s.userId, s.type)).resolves.toBeNull();
        });

        it('getAll returns an empty array', async () => {
          const s = session();
          await store.upsert(s);
          await expect(store.getAll(s.userId, s.type)).resolves.toEqual([]);
        });

        it('upsert succeeds for inserts and updates of any lockVersion', async () => {
          await expect(store.upsert(session())).resolves.toBeUndefined();
          await expect(store.upsert(session({ lockVersion: 7 }))).resolves.toBeUndefined();
        });

        it('delete and deleteAll succeed', async () => {
          const s = session();
          await expect(store.delete(s.id, s.userId, s.type)).resolves.toBeUndefined();
          await expect(store.deleteAll(s.userId, s.type)).resolves.toBeUndefined();
        });
      });
      return;
    }

    describe('round trip', () => {
      it('returns every field exactly as it went in, with lockVersion 1', async () => {
        const s = session({
          type: 'oauth2',
          expiresAt: 'infinite',
          extraPayload: {
            unicode: 'Grüße, 世界 👋🏽 \u0000 "quotes" \\ backslash',
            nested: { deeper: { list: [1, 'two', [3, { four: 4 }], [], {}] } },
            flags: { yes: true, no: false },
            nothing: null,
            numbers: { zero: 0, negative: -12, float: 3.25, big: Number.MAX_SAFE_INTEGER },
            emptyString: '',
          },
        });
        await store.upsert(s);
        const stored = await store.get(s.id, s.userId, s.type);
        expect(stored).toStrictEqual({ ...s, lockVersion: 1 });
      });

      it('keeps a finite expiresAt a number', async () => {
        const s = session({ expiresAt: clock.now() + 7 * DAY });
        await store.upsert(s);
        const stored = await store.get(s.id, s.userId, s.type);
        expect(stored?.expiresAt).toBe(s.expiresAt);
      });

      it('keeps the type of userId: numeric 1 and string "1" are different users', async () => {
        const numeric = session({ userId: 1 });
        const text = session({ userId: '1' });
        await store.upsert(numeric);
        await store.upsert(text);

        const gotNumeric = await store.get(numeric.id, 1, 'full');
        expect(gotNumeric).toStrictEqual({ ...numeric, lockVersion: 1 });
        expect(typeof gotNumeric?.userId).toBe('number');
        const gotText = await store.get(text.id, '1', 'full');
        expect(gotText).toStrictEqual({ ...text, lockVersion: 1 });
        expect(typeof gotText?.userId).toBe('string');

        await expect(store.get(numeric.id, '1', 'full')).resolves.toBeNull();
        await expect(store.get(text.id, 1, 'full')).resolves.toBeNull();
        expect(sortedIds(await store.getAll(1, 'full'))).toEqual([numeric.id]);
        expect(sortedIds(await store.getAll('1', 'full'))).toEqual([text.id]);

        await store.deleteAll(1, 'full');
        await expect(store.get(numeric.id, 1, 'full')).resolves.toBeNull();
        await expect(store.get(text.id, '1', 'full')).resolves.toStrictEqual({ ...text, lockVersion: 1 });
      });

      it('round-trips numeric user ids 0 and Number.MAX_SAFE_INTEGER', async () => {
        for (const userId of [0, Number.MAX_SAFE_INTEGER]) {
          const s = session({ userId });
          await store.upsert(s);
          await expect(store.get(s.id, userId, 'full')).resolves.toStrictEqual({ ...s, lockVersion: 1 });
          expect(sortedIds(await store.getAll(userId, 'full'))).toEqual([s.id]);
        }
      });

      it('mutating a written or returned session does not change the stored one', async () => {
        const s = session({ extraPayload: { roles: ['user'] } });
        await store.upsert(s);
        (s.extraPayload.roles as string[]).push('admin');
        s.refreshTokenId = 'changed';

        const first = await store.get(s.id, s.userId, s.type);
        expect(first?.extraPayload).toEqual({ roles: ['user'] });
        expect(first?.refreshTokenId).not.toBe('changed');
        (first!.extraPayload.roles as string[]).push('admin');
        first!.lockVersion = 99;

        const [listed] = await store.getAll(s.userId, s.type);
        (listed.extraPayload.roles as string[]).push('admin');
        listed.refreshExpiresAt = 0;

        const second = await store.get(s.id, s.userId, s.type);
        expect(second?.extraPayload).toEqual({ roles: ['user'] });
        expect(second?.lockVersion).toBe(1);
        expect(second?.refreshExpiresAt).toBe(s.refreshExpiresAt);
      });
    });

    describe('get', () => {
      it('returns null for an unknown id', async () => {
        await expect(store.get(randomId(), 'nobody', 'full')).resolves.toBeNull();
      });

      it('returns null for the right id with another userId', async () => {
        const s = session();
        await store.upsert(s);
        await expect(store.get(s.id, 'someone-else', s.type)).resolves.toBeNull();
      });

      it('returns null for the right id with another type', async () => {
        const s = session();
        await store.upsert(s);
        await expect(store.get(s.id, s.userId, 'oauth2')).resolves.toBeNull();
      });
    });

    describe('optimistic locking', () => {
      it('an insert (lockVersion 0) stores lockVersion 1', async () => {
        const s = session();
        await store.upsert(s);
        expect((await store.get(s.id, s.userId, s.type))?.lockVersion).toBe(1);
      });

      it('an update with the stored lockVersion replaces the session and increments lockVersion', async () => {
        const loaded = await insert(session());
        clock.advance(60);
        const refreshed: Session = {
          ...loaded,
          refreshedAt: clock.now(),
          refreshExpiresAt: clock.now() + HOUR,
          refreshTokenId: randomId(),
          extraPayload: { step: 2 },
        };
        await store.upsert(refreshed);
        const stored = await store.get(loaded.id, loaded.userId, loaded.type);
        expect(stored).toStrictEqual({ ...refreshed, lockVersion: 2 });

        await store.upsert({ ...stored!, extraPayload: { step: 3 } });
        const again = await store.get(loaded.id, loaded.userId, loaded.type);
        expect(again).toStrictEqual({ ...refreshed, extraPayload: { step: 3 }, lockVersion: 3 });
      });

      it('an update with a stale lockVersion is a conflict and changes nothing', async () => {
        const loaded = await insert(session());
        await store.upsert({ ...loaded, extraPayload: { winner: true } });

        await expectConflict(store.upsert({ ...loaded, extraPayload: { winner: false } }));
        const stored = await store.get(loaded.id, loaded.userId, loaded.type);
        expect(stored?.lockVersion).toBe(2);
        expect(stored?.extraPayload).toEqual({ winner: true });
      });

      it('an update with a lockVersion ahead of the stored one is a conflict', async () => {
        const loaded = await insert(session());
        await expectConflict(store.upsert({ ...loaded, lockVersion: 5 }));
        expect((await store.get(loaded.id, loaded.userId, loaded.type))?.lockVersion).toBe(1);
      });

      it('inserting an id that exists is a conflict and changes nothing', async () => {
        const s = session({ extraPayload: { original: true } });
        await store.upsert(s);
        await expectConflict(store.upsert({ ...s, extraPayload: { original: false } }));
        const stored = await store.get(s.id, s.userId, s.type);
        expect(stored).toStrictEqual({ ...s, lockVersion: 1 });
      });

      it('updating a session that was never stored is a conflict and does not create it', async () => {
        const s = session({ lockVersion: 3 });
        await expectConflict(store.upsert(s));
        await expect(store.get(s.id, s.userId, s.type)).resolves.toBeNull();
        await expect(store.getAll(s.userId, s.type)).resolves.toEqual([]);
      });

      it('updating under another userId or type is a conflict and leaves the original untouched', async () => {
        const loaded = await insert(session());
        await expectConflict(store.upsert({ ...loaded, userId: 'intruder' }));
        await expectConflict(store.upsert({ ...loaded, type: 'oauth2' }));

        await expect(store.get(loaded.id, 'intruder', loaded.type)).resolves.toBeNull();
        await expect(store.get(loaded.id, loaded.userId, 'oauth2')).resolves.toBeNull();
        await expect(store.getAll('intruder', loaded.type)).resolves.toEqual([]);
        await expect(store.get(loaded.id, loaded.userId, loaded.type)).resolves.toStrictEqual(loaded);
      });
    });

    describe('monotonic revocation', () => {
      it('an update after delete is a conflict and the session stays gone', async () => {
        const loaded = await insert(session());
        await store.delete(loaded.id, loaded.userId, loaded.type);
        await expectConflict(store.upsert(loaded));
        await expect(store.get(loaded.id, loaded.userId, loaded.type)).resolves.toBeNull();
        await expect(store.getAll(loaded.userId, loaded.type)).resolves.toEqual([]);
      });

      it('an update after deleteAll is a conflict and the session stays gone', async () => {
        const loaded = await insert(session());
        await store.deleteAll(loaded.userId, loaded.type);
        await expectConflict(store.upsert(loaded));
        await expect(store.get(loaded.id, loaded.userId, loaded.type)).resolves.toBeNull();
      });

      it('an update after expiry is a conflict and the session stays gone', async () => {
        const loaded = await insert(session());
        clock.advance(HOUR + 1);
        await expectConflict(
          store.upsert({ ...loaded, refreshedAt: clock.now(), refreshExpiresAt: clock.now() + HOUR }),
        );
        await expect(store.get(loaded.id, loaded.userId, loaded.type)).resolves.toBeNull();
        await expect(store.getAll(loaded.userId, loaded.type)).resolves.toEqual([]);
      });

      it('deleting a missing session succeeds, also twice', async () => {
        const s = session();
        await expect(store.delete(s.id, s.userId, s.type)).resolves.toBeUndefined();
        await store.upsert(s);
        await store.delete(s.id, s.userId, s.type);
        await expect(store.delete(s.id, s.userId, s.type)).resolves.toBeUndefined();
      });

      it('delete with another userId or type does not delete the session', async () => {
        const loaded = await insert(session());
        await store.delete(loaded.id, 'someone-else', loaded.type);
        await store.delete(loaded.id, loaded.userId, 'oauth2');
        await expect(store.get(loaded.id, loaded.userId, loaded.type)).resolves.toStrictEqual(loaded);
      });
    });

    describe('expiry', () => {
      it('a session is alive while now < refreshExpiresAt and gone from refreshExpiresAt on', async () => {
        const s = session({ refreshExpiresAt: clock.now() + 100 });
        await store.upsert(s);
        clock.advance(99);
        await expect(store.get(s.id, s.userId, s.type)).resolves.not.toBeNull();
        expect(await store.getAll(s.userId, s.type)).toHaveLength(1);
        clock.advance(1);
        await expect(store.get(s.id, s.userId, s.type)).resolves.toBeNull();
        await expect(store.getAll(s.userId, s.type)).resolves.toEqual([]);
      });

      it('getAll returns the live sessions and omits the expired ones', async () => {
        const userId = `user-${randomId()}`;
        const short = session({ userId, refreshExpiresAt: clock.now() + 60 });
        const long = session({ userId, refreshExpiresAt: clock.now() + 2 * HOUR });
        await store.upsert(short);
        await store.upsert(long);
        clock.advance(61);
        const all = await store.getAll(userId, 'full');
        expect(all).toStrictEqual([{ ...long, lockVersion: 1 }]);
        await expect(store.get(short.id, userId, 'full')).resolves.toBeNull();
      });

      it("an 'infinite' session still expires at its refreshExpiresAt", async () => {
        const s = session({ expiresAt: 'infinite', refreshExpiresAt: clock.now() + 300 });
        await store.upsert(s);
        clock.advance(300);
        await expect(store.get(s.id, s.userId, s.type)).resolves.toBeNull();
        await expect(store.getAll(s.userId, s.type)).resolves.toEqual([]);
      });

      it('a refresh moves the expiry: the session outlives its first refreshExpiresAt', async () => {
        const loaded = await insert(session({ refreshExpiresAt: clock.now() + 100 }));
        clock.advance(50);
        await store.upsert({ ...loaded, refreshedAt: clock.now(), refreshExpiresAt: clock.now() + 100 });
        clock.advance(60);
        await expect(store.get(loaded.id, loaded.userId, loaded.type)).resolves.toMatchObject({ lockVersion: 2 });
        clock.advance(40);
        await expect(store.get(loaded.id, loaded.userId, loaded.type)).resolves.toBeNull();
      });
    });

    describe('getAll and deleteAll', () => {
      it('getAll of an unknown user is an empty array', async () => {
        await expect(store.getAll(`user-${randomId()}`, 'full')).resolves.toEqual([]);
      });

      it("getAll returns only that user's sessions of that type", async () => {
        const userId = `user-${randomId()}`;
        const mine = [session({ userId }), session({ userId })];
        const otherType = session({ userId, type: 'api_key' });
        const otherUser = session();
        for (const s of [...mine, otherType, otherUser]) await store.upsert(s);

        const all = await store.getAll(userId, 'full');
        expect(sortedIds(all)).toEqual(sortedIds(mine));
        for (const s of mine) expect(all).toContainEqual({ ...s, lockVersion: 1 });
        expect(await store.getAll(userId, 'api_key')).toStrictEqual([{ ...otherType, lockVersion: 1 }]);
      });

      it("deleteAll removes only that user's sessions of that type", async () => {
        const userId = `user-${randomId()}`;
        const mine = [session({ userId }), session({ userId })];
        const otherType = session({ userId, type: 'api_key' });
        const otherUser = session();
        for (const s of [...mine, otherType, otherUser]) await store.upsert(s);

        await store.deleteAll(userId, 'full');
        await expect(store.getAll(userId, 'full')).resolves.toEqual([]);
        for (const s of mine) await expect(store.get(s.id, userId, 'full')).resolves.toBeNull();
        await expect(store.get(otherType.id, userId, 'api_key')).resolves.not.toBeNull();
        await expect(store.get(otherUser.id, otherUser.userId, 'full')).resolves.not.toBeNull();
      });

      it('deleteAll of an unknown user succeeds', async () => {
        await expect(store.deleteAll(`user-${randomId()}`, 'full')).resolves.toBeUndefined();
      });

      it('a user with many (200) sessions gets all of them', async () => {
        const userId = `user-${randomId()}`;
        const sessions = Array.from({ length: 200 }, () => session({ userId }));
        await Promise.all(sessions.map((s) => store.upsert(s)));
        expect(sortedIds(await store.getAll(userId, 'full'))).toEqual(sortedIds(sessions));
        await store.deleteAll(userId, 'full');
        await expect(store.getAll(userId, 'full')).resolves.toEqual([]);
      });

      it('a new session after deleteAll is stored normally', async () => {
        const userId = `user-${randomId()}`;
        await store.upsert(session({ userId }));
        await store.deleteAll(userId, 'full');
        const fresh = session({ userId });
        await store.upsert(fresh);
        expect(await store.getAll(userId, 'full')).toStrictEqual([{ ...fresh, lockVersion: 1 }]);
      });
    });

    describe('concurrency', () => {
      it('of 50 concurrent updates from the same lockVersion exactly one succeeds, 49 conflict', async () => {
        const loaded = await insert(session());
        const results = await Promise.allSettled(
          Array.from({ length: 50 }, (_, i) => store.upsert({ ...loaded, extraPayload: { writer: i } })),
        );
        const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
        expect(winners).toHaveLength(1);
        expect(results.filter(isConflict)).toHaveLength(49);

        const stored = await store.get(loaded.id, loaded.userId, loaded.type);
        expect(stored?.lockVersion).toBe(2);
        expect(stored?.extraPayload).toEqual({ writer: winners[0] });
      });

      it('of 50 concurrent inserts of the same id exactly one succeeds, 49 conflict', async () => {
        const s = session();
        const results = await Promise.allSettled(
          Array.from({ length: 50 }, (_, i) => store.upsert({ ...s, extraPayload: { writer: i } })),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(results.filter(isConflict)).toHaveLength(49);
        expect((await store.get(s.id, s.userId, s.type))?.lockVersion).toBe(1);
      });

      it('a delete racing 20 updates leaves the session absent', async () => {
        const loaded = await insert(session());
        // Each writer keeps refreshing whatever it last loaded, like racing tabs would.
        const writer = async (): Promise<void> => {
          for (let i = 0; i < 5; i++) {
            const current = await store.get(loaded.id, loaded.userId, loaded.type);
            if (!current) return;
            await store.upsert({ ...current, refreshTokenId: randomId() }).catch((error: unknown) => {
              if (!(error instanceof SessionConflictError)) throw error;
            });
          }
        };
        const blind = Array.from({ length: 10 }, () => store.upsert(loaded).catch(() => undefined));
        const looping = Array.from({ length: 10 }, writer);
        const deletion = store.delete(loaded.id, loaded.userId, loaded.type);
        await Promise.all([...blind, ...looping, deletion]);

        await expect(store.get(loaded.id, loaded.userId, loaded.type)).resolves.toBeNull();
        await expect(store.getAll(loaded.userId, loaded.type)).resolves.toEqual([]);
      });

      it('a deleteAll racing updates of several sessions leaves none of them', async () => {
        const userId = `user-${randomId()}`;
        const loaded = await Promise.all(Array.from({ length: 5 }, () => insert(session({ userId }))));
        const updates = loaded.flatMap((s) =>
          Array.from({ length: 4 }, () => store.upsert({ ...s, refreshTokenId: randomId() }).catch(() => undefined)),
        );
        await Promise.all([...updates, store.deleteAll(userId, 'full')]);
        await expect(store.getAll(userId, 'full')).resolves.toEqual([]);
        for (const s of loaded) await expect(store.get(s.id, userId, 'full')).resolves.toBeNull();
      });
    });

    describe('unusual identifiers', () => {
      const oddUserIds: string[] = ['a:b', '{user}', '{a}:{b}', 'with space', 'ünïcödé 用户', 'a\nb', '*', '%s'];
      const oddTypes = ['full', 'type:with:colons', '{hash}', 'oauth2'];

      it('url-safe ids with - and _ work', async () => {
        const s = session({ id: `-_${randomId()}_-` });
        await store.upsert(s);
        await expect(store.get(s.id, s.userId, s.type)).resolves.toStrictEqual({ ...s, lockVersion: 1 });
      });

      it('any string works as userId and as type, for every operation', async () => {
        for (const baseUserId of oddUserIds) {
          for (const type of oddTypes) {
            // The random suffix keeps runs apart in a shared backend; the odd characters stay in front.
            const userId = `${baseUserId}${randomId()}`;
            const loaded = await insert(session({ userId, type }));
            await expect(store.get(loaded.id, userId, type)).resolves.toStrictEqual(loaded);
            expect(await store.getAll(userId, type)).toStrictEqual([loaded]);
            await store.upsert(loaded);
            await expect(store.get(loaded.id, userId, type)).resolves.toMatchObject({ lockVersion: 2 });
            await store.delete(loaded.id, userId, type);
            await expect(store.get(loaded.id, userId, type)).resolves.toBeNull();

            await store.upsert(session({ userId, type }));
            await store.deleteAll(userId, type);
            await expect(store.getAll(userId, type)).resolves.toEqual([]);
          }
        }
      });

      it('separators in userId and type cannot make two (userId, type) pairs collide', async () => {
        const suffix = randomId();
        const pairs: Array<[string, string]> = [
          [`a:b${suffix}`, 'c'],
          [`a${suffix}`, 'b:c'],
          [`a${suffix}:b`, 'c'],
          [`{a${suffix}}`, 'b'],
          [`{a${suffix}}:b`, 'c'],
        ];
        const stored = new Map<string, Session>();
        for (const [userId, type] of pairs) {
          const s = session({ userId, type });
          await store.upsert(s);
          stored.set(`${userId}\u0000${type}`, s);
        }
        for (const [userId, type] of pairs) {
          const s = stored.get(`${userId}\u0000${type}`)!;
          expect(sortedIds(await store.getAll(userId, type))).toEqual([s.id]);
        }
        const [firstUser, firstType] = pairs[0];
        await store.deleteAll(firstUser, firstType);
        for (const [userId, type] of pairs.slice(1)) {
          expect(await store.getAll(userId, type)).toHaveLength(1);
        }
      });
    });
  });
}
