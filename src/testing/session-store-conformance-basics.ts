import assert from 'node:assert/strict';
import type { Session } from '../model/session.model';
import {
  assertSameData,
  DAY,
  expectConflict,
  HOUR,
  randomId,
  sortedIds,
  stored,
  type ConformanceContext,
} from './session-store-conformance-support';

/**
 * Cases of a store that keeps sessions: round trip, lookups, optimistic locking, monotonic revocation, expiry.
 *
 * @internal
 */
export function basicCases(t: ConformanceContext): void {
  const { describe, it } = t.runner;

  describe('round trip', () => {
    it('returns every field exactly as it went in, with lockVersion 1', async () => {
      const s = t.session({
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
      await t.store.upsert(s);
      assertSameData(await t.store.get(s.id, s.userId, s.type), stored(s));
    });

    it('round-trips the version 2 fields fingerprint and rotatedRefreshTokenIds', async () => {
      const s = t.session({ fingerprint: `device ${randomId()} ünï`, rotatedRefreshTokenIds: [randomId(), randomId()] });
      await t.store.upsert(s);
      assertSameData(await t.store.get(s.id, s.userId, s.type), stored(s));
    });

    it('keeps a finite expiresAt a number', async () => {
      const s = t.session({ expiresAt: t.clock.now() + 7 * DAY });
      await t.store.upsert(s);
      assert.equal((await t.store.get(s.id, s.userId, s.type))?.expiresAt, s.expiresAt);
    });

    it('keeps the type of userId: numeric 1 and string "1" are different users', async () => {
      const { store } = t;
      const numeric = t.session({ userId: 1 });
      const text = t.session({ userId: '1' });
      await store.upsert(numeric);
      await store.upsert(text);

      const gotNumeric = await store.get(numeric.id, 1, 'full');
      assertSameData(gotNumeric, stored(numeric));
      assert.equal(typeof gotNumeric?.userId, 'number');
      const gotText = await store.get(text.id, '1', 'full');
      assertSameData(gotText, stored(text));
      assert.equal(typeof gotText?.userId, 'string');

      assert.equal(await store.get(numeric.id, '1', 'full'), null);
      assert.equal(await store.get(text.id, 1, 'full'), null);
      assertSameData(sortedIds(await store.getAll(1, 'full')), [numeric.id]);
      assertSameData(sortedIds(await store.getAll('1', 'full')), [text.id]);

      await store.deleteAll(1, 'full');
      assert.equal(await store.get(numeric.id, 1, 'full'), null);
      assertSameData(await store.get(text.id, '1', 'full'), stored(text));
    });

    it('round-trips numeric user ids 0 and Number.MAX_SAFE_INTEGER', async () => {
      for (const userId of [0, Number.MAX_SAFE_INTEGER]) {
        const s = t.session({ userId });
        await t.store.upsert(s);
        assertSameData(await t.store.get(s.id, userId, 'full'), stored(s));
        assertSameData(sortedIds(await t.store.getAll(userId, 'full')), [s.id]);
      }
    });

    it('mutating a written or returned session does not change the stored one', async () => {
      const { store } = t;
      const s = t.session({ extraPayload: { roles: ['user'] } });
      await store.upsert(s);
      (s.extraPayload.roles as string[]).push('admin');
      s.refreshTokenId = 'changed';

      const first = await store.get(s.id, s.userId, s.type);
      assertSameData(first?.extraPayload, { roles: ['user'] });
      assert.notEqual(first?.refreshTokenId, 'changed');
      (first!.extraPayload.roles as string[]).push('admin');
      first!.lockVersion = 99;

      const [listed] = await store.getAll(s.userId, s.type);
      (listed.extraPayload.roles as string[]).push('admin');
      listed.refreshExpiresAt = 0;

      const second = await store.get(s.id, s.userId, s.type);
      assertSameData(second?.extraPayload, { roles: ['user'] });
      assert.equal(second?.lockVersion, 1);
      assert.equal(second?.refreshExpiresAt, s.refreshExpiresAt);
    });
  });

  describe('get', () => {
    it('returns null for an unknown id', async () => {
      assert.equal(await t.store.get(randomId(), 'nobody', 'full'), null);
    });

    it('returns null for the right id with another userId', async () => {
      const s = t.session();
      await t.store.upsert(s);
      assert.equal(await t.store.get(s.id, 'someone-else', s.type), null);
    });

    it('returns null for the right id with another type', async () => {
      const s = t.session();
      await t.store.upsert(s);
      assert.equal(await t.store.get(s.id, s.userId, 'oauth2'), null);
    });
  });

  describe('optimistic locking', () => {
    it('an insert (lockVersion 0) stores lockVersion 1', async () => {
      const s = t.session();
      await t.store.upsert(s);
      assert.equal((await t.store.get(s.id, s.userId, s.type))?.lockVersion, 1);
    });

    it('an update with the stored lockVersion replaces the session and increments lockVersion', async () => {
      const { store, clock } = t;
      const loaded = await t.insert(t.session());
      clock.advance(60);
      const refreshed: Session = {
        ...loaded,
        refreshedAt: clock.now(),
        refreshExpiresAt: clock.now() + HOUR,
        refreshTokenId: randomId(),
        extraPayload: { step: 2 },
      };
      await store.upsert(refreshed);
      const again = await store.get(loaded.id, loaded.userId, loaded.type);
      assertSameData(again, stored(refreshed));

      await store.upsert({ ...again!, extraPayload: { step: 3 } });
      assertSameData(await store.get(loaded.id, loaded.userId, loaded.type), {
        ...refreshed,
        extraPayload: { step: 3 },
        lockVersion: 3,
      });
    });

    it('an update with a stale lockVersion is a conflict and changes nothing', async () => {
      const { store } = t;
      const loaded = await t.insert(t.session());
      await store.upsert({ ...loaded, extraPayload: { winner: true } });

      await expectConflict(store.upsert({ ...loaded, extraPayload: { winner: false } }));
      const current = await store.get(loaded.id, loaded.userId, loaded.type);
      assert.equal(current?.lockVersion, 2);
      assertSameData(current?.extraPayload, { winner: true });
    });

    it('an update with a lockVersion ahead of the stored one is a conflict', async () => {
      const loaded = await t.insert(t.session());
      await expectConflict(t.store.upsert({ ...loaded, lockVersion: 5 }));
      assert.equal((await t.store.get(loaded.id, loaded.userId, loaded.type))?.lockVersion, 1);
    });

    it('inserting an id that exists is a conflict and changes nothing', async () => {
      const s = t.session({ extraPayload: { original: true } });
      await t.store.upsert(s);
      await expectConflict(t.store.upsert({ ...s, extraPayload: { original: false } }));
      assertSameData(await t.store.get(s.id, s.userId, s.type), stored(s));
    });

    it('updating a session that was never stored is a conflict and does not create it', async () => {
      const s = t.session({ lockVersion: 3 });
      await expectConflict(t.store.upsert(s));
      assert.equal(await t.store.get(s.id, s.userId, s.type), null);
      assertSameData(await t.store.getAll(s.userId, s.type), []);
    });

    it('updating under another userId or type is a conflict and leaves the original untouched', async () => {
      const { store } = t;
      const loaded = await t.insert(t.session());
      await expectConflict(store.upsert({ ...loaded, userId: 'intruder' }));
      await expectConflict(store.upsert({ ...loaded, type: 'oauth2' }));

      assert.equal(await store.get(loaded.id, 'intruder', loaded.type), null);
      assert.equal(await store.get(loaded.id, loaded.userId, 'oauth2'), null);
      assertSameData(await store.getAll('intruder', loaded.type), []);
      assertSameData(await store.get(loaded.id, loaded.userId, loaded.type), loaded);
    });
  });

  describe('monotonic revocation', () => {
    it('an update after delete is a conflict and the session stays gone', async () => {
      const { store } = t;
      const loaded = await t.insert(t.session());
      await store.delete(loaded.id, loaded.userId, loaded.type);
      await expectConflict(store.upsert(loaded));
      assert.equal(await store.get(loaded.id, loaded.userId, loaded.type), null);
      assertSameData(await store.getAll(loaded.userId, loaded.type), []);
    });

    it('an update after deleteAll is a conflict and the session stays gone', async () => {
      const loaded = await t.insert(t.session());
      await t.store.deleteAll(loaded.userId, loaded.type);
      await expectConflict(t.store.upsert(loaded));
      assert.equal(await t.store.get(loaded.id, loaded.userId, loaded.type), null);
    });

    it('an update after expiry is a conflict and the session stays gone', async () => {
      const { store, clock } = t;
      const loaded = await t.insert(t.session());
      clock.advance(HOUR + 1);
      await expectConflict(store.upsert({ ...loaded, refreshedAt: clock.now(), refreshExpiresAt: clock.now() + HOUR }));
      assert.equal(await store.get(loaded.id, loaded.userId, loaded.type), null);
      assertSameData(await store.getAll(loaded.userId, loaded.type), []);
    });

    it('deleting a missing session succeeds, also twice', async () => {
      const { store } = t;
      const s = t.session();
      assert.equal(await store.delete(s.id, s.userId, s.type), undefined);
      await store.upsert(s);
      await store.delete(s.id, s.userId, s.type);
      assert.equal(await store.delete(s.id, s.userId, s.type), undefined);
    });

    it('delete with another userId or type does not delete the session', async () => {
      const loaded = await t.insert(t.session());
      await t.store.delete(loaded.id, 'someone-else', loaded.type);
      await t.store.delete(loaded.id, loaded.userId, 'oauth2');
      assertSameData(await t.store.get(loaded.id, loaded.userId, loaded.type), loaded);
    });
  });

  describe('expiry', () => {
    it('a session is alive while now < refreshExpiresAt and gone from refreshExpiresAt on', async () => {
      const { store, clock } = t;
      const s = t.session({ refreshExpiresAt: clock.now() + 100 });
      await store.upsert(s);
      clock.advance(99);
      assert.notEqual(await store.get(s.id, s.userId, s.type), null);
      assert.equal((await store.getAll(s.userId, s.type)).length, 1);
      clock.advance(1);
      assert.equal(await store.get(s.id, s.userId, s.type), null);
      assertSameData(await store.getAll(s.userId, s.type), []);
    });

    it('getAll returns the live sessions and omits the expired ones', async () => {
      const { store, clock } = t;
      const userId = `user-${randomId()}`;
      const short = t.session({ userId, refreshExpiresAt: clock.now() + 60 });
      const long = t.session({ userId, refreshExpiresAt: clock.now() + 2 * HOUR });
      await store.upsert(short);
      await store.upsert(long);
      clock.advance(61);
      assertSameData(await store.getAll(userId, 'full'), [stored(long)]);
      assert.equal(await store.get(short.id, userId, 'full'), null);
    });

    it("an 'infinite' session still expires at its refreshExpiresAt", async () => {
      const { store, clock } = t;
      const s = t.session({ expiresAt: 'infinite', refreshExpiresAt: clock.now() + 300 });
      await store.upsert(s);
      clock.advance(300);
      assert.equal(await store.get(s.id, s.userId, s.type), null);
      assertSameData(await store.getAll(s.userId, s.type), []);
    });

    it('a refresh moves the expiry: the session outlives its first refreshExpiresAt', async () => {
      const { store, clock } = t;
      const loaded = await t.insert(t.session({ refreshExpiresAt: clock.now() + 100 }));
      clock.advance(50);
      await store.upsert({ ...loaded, refreshedAt: clock.now(), refreshExpiresAt: clock.now() + 100 });
      clock.advance(60);
      assert.equal((await store.get(loaded.id, loaded.userId, loaded.type))?.lockVersion, 2);
      clock.advance(40);
      assert.equal(await store.get(loaded.id, loaded.userId, loaded.type), null);
    });
  });
}
