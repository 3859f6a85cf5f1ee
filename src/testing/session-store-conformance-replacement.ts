import assert from 'node:assert/strict';
import { expectConflict, expectSessions, randomUserId, stored, type ConformanceContext } from './session-store-conformance-support';

/**
 * Cases of a store that keeps sessions: what an insert replaces (fingerprint, then `maxSessions`), atomically.
 *
 * @internal
 */
export function replacementCases(t: ConformanceContext): void {
  const { describe, it } = t.runner;

  describe('fingerprint replacement', () => {
    it('an insert replaces the live sessions of the same user and type with its fingerprint, and only those', async () => {
      const { store } = t;
      const userId = randomUserId();
      const laptop = await t.insert(t.session({ userId, fingerprint: 'laptop' }));
      const phone = await t.insert(t.session({ userId, fingerprint: 'phone' }));
      const unmarked = await t.insert(t.session({ userId }));

      const newLaptop = await t.insert(t.session({ userId, fingerprint: 'laptop' }));
      await expectSessions(store, userId, 'full', [phone, unmarked, newLaptop]);
      assert.equal(await store.get(laptop.id, userId, 'full'), null);
      // Replaced is revoked: no racing refresh brings it back.
      await expectConflict(store.upsert(laptop));
    });

    it("leaves the user's other types and other users' sessions with that fingerprint alone", async () => {
      const { store } = t;
      const userId = randomUserId();
      const otherType = await t.insert(t.session({ userId, type: 'api_key', fingerprint: 'laptop' }));
      const otherUser = await t.insert(t.session({ fingerprint: 'laptop' }));
      const mine = await t.insert(t.session({ userId, fingerprint: 'laptop' }));
      await expectSessions(store, userId, 'api_key', [otherType]);
      await expectSessions(store, otherUser.userId, 'full', [otherUser]);
      await expectSessions(store, userId, 'full', [mine]);
    });

    it('an insert without a fingerprint replaces nothing', async () => {
      const userId = randomUserId();
      const marked = await t.insert(t.session({ userId, fingerprint: 'laptop' }));
      const first = await t.insert(t.session({ userId }));
      const second = await t.insert(t.session({ userId }));
      await expectSessions(t.store, userId, 'full', [marked, first, second]);
    });

    it('an update replaces nothing: refreshing a session with a fingerprint keeps it and its siblings', async () => {
      const { store } = t;
      const userId = randomUserId();
      const laptop = await t.insert(t.session({ userId, fingerprint: 'laptop' }));
      const phone = await t.insert(t.session({ userId, fingerprint: 'phone' }));
      const refreshed = await t.insert({ ...laptop, extraPayload: { refreshed: true } }, { maxSessions: 1 });
      await expectSessions(store, userId, 'full', [refreshed, phone]);
    });

    it('20 concurrent inserts with one fingerprint all succeed and leave exactly one of them', async () => {
      const userId = randomUserId();
      const racing = Array.from({ length: 20 }, () => t.session({ userId, fingerprint: 'laptop' }));
      await Promise.all(racing.map((s) => t.store.upsert(s)));
      const left = await t.store.getAll(userId, 'full');
      assert.equal(left.length, 1);
      assert.ok(racing.some((s) => s.id === left[0].id));
    });

    it('fingerprint replacement comes before maxSessions: it frees the slot', async () => {
      const { clock } = t;
      const userId = randomUserId();
      const older = await t.insert(t.session({ userId, refreshedAt: clock.now() - 10 }));
      await t.insert(t.session({ userId, fingerprint: 'laptop' }));
      const newLaptop = await t.insert(t.session({ userId, fingerprint: 'laptop' }), { maxSessions: 2 });
      await expectSessions(t.store, userId, 'full', [older, newLaptop]);
    });
  });

  describe('maxSessions (per user and type)', () => {
    it('an insert beyond it deletes the least recently refreshed, whatever the write order', async () => {
      const { store, clock } = t;
      const userId = randomUserId();
      const recent = await t.insert(t.session({ userId, refreshedAt: clock.now() }));
      const oldest = await t.insert(t.session({ userId, refreshedAt: clock.now() - 20 }));
      const older = await t.insert(t.session({ userId, refreshedAt: clock.now() - 10 }));
      const newest = await t.insert(t.session({ userId }), { maxSessions: 2 });
      await expectSessions(store, userId, 'full', [recent, newest]);
      for (const gone of [oldest, older]) await expectConflict(store.upsert(gone));
    });

    it('ties in refreshedAt go by write order: logins A, B, C in one second with a cap of 2 leave B and C', async () => {
      const userId = randomUserId();
      const [a, b, c] = [t.session({ userId }), t.session({ userId }), t.session({ userId })];
      for (const s of [a, b, c]) await t.store.upsert(s, { maxSessions: 2 });
      await expectSessions(t.store, userId, 'full', [stored(b), stored(c)]);
    });

    it('a refresh is a write: A, B in one second, A refreshed in that second, then C with a cap of 2 leaves A and C', async () => {
      const userId = randomUserId();
      const a = await t.insert(t.session({ userId }), { maxSessions: 2 });
      await t.insert(t.session({ userId }), { maxSessions: 2 });
      const refreshedA = await t.insert(a);
      const c = await t.insert(t.session({ userId }), { maxSessions: 2 });
      await expectSessions(t.store, userId, 'full', [refreshedA, c]);
    });

    it('counts only live sessions', async () => {
      const { clock } = t;
      const userId = randomUserId();
      // Were the expired session counted, the cap would delete the live one: it was refreshed less recently.
      await t.insert(t.session({ userId, refreshExpiresAt: clock.now() + 60 }));
      const live = await t.insert(t.session({ userId, refreshedAt: clock.now() - 100 }));
      clock.advance(60);
      const newest = await t.insert(t.session({ userId, refreshExpiresAt: clock.now() + 60 }), { maxSessions: 2 });
      await expectSessions(t.store, userId, 'full', [live, newest]);
    });

    it("applies to the user's sessions of that type only", async () => {
      const { store } = t;
      const userId = randomUserId();
      const otherType = await t.insert(t.session({ userId, type: 'api_key', refreshedAt: t.clock.now() - 100 }));
      const otherUser = await t.insert(t.session({ refreshedAt: t.clock.now() - 100 }));
      await t.insert(t.session({ userId }), { maxSessions: 1 });
      const last = await t.insert(t.session({ userId }), { maxSessions: 1 });
      await expectSessions(store, userId, 'full', [last]);
      await expectSessions(store, userId, 'api_key', [otherType]);
      await expectSessions(store, otherUser.userId, 'full', [otherUser]);
    });

    it('holds under 20 concurrent inserts: exactly maxSessions are left', async () => {
      const userId = randomUserId();
      await Promise.all(Array.from({ length: 20 }, () => t.store.upsert(t.session({ userId }), { maxSessions: 5 })));
      assert.equal(await t.store.count(userId, 'full'), 5);
      assert.equal((await t.store.getAll(userId, 'full')).length, 5);
    });
  });
}
