import assert from 'node:assert/strict';
import type { Session } from '../model/session.model';
import {
  assertSameData,
  expectSessions,
  ignoreConflict,
  isConflict,
  randomId,
  randomUserId,
  sortedIds,
  stored,
  type ConformanceContext,
} from './session-store-conformance-support';

/**
 * Cases of a store that keeps sessions: what identifies a session, per-user operations, races, odd identifiers.
 *
 * @internal
 */
export function bulkCases(t: ConformanceContext): void {
  const { describe, it } = t.runner;

  describe('identity: (id, userId, type)', () => {
    it('the same id under two users is two sessions', async () => {
      const { store } = t;
      const id = randomId();
      const alice = await t.insert(t.session({ id, extraPayload: { owner: 'alice' } }));
      const bob = await t.insert(t.session({ id, extraPayload: { owner: 'bob' } }));
      assertSameData(await store.get(id, alice.userId, 'full'), alice);
      assertSameData(await store.get(id, bob.userId, 'full'), bob);

      await store.upsert({ ...alice, extraPayload: { owner: 'alice', step: 2 } });
      assertSameData(await store.get(id, bob.userId, 'full'), bob);
      await store.delete(id, alice.userId, 'full');
      assert.equal(await store.get(id, alice.userId, 'full'), null);
      await expectSessions(store, bob.userId, 'full', [bob]);
    });

    it('the same id under two types of one user is two sessions', async () => {
      const { store } = t;
      const id = randomId();
      const userId = randomUserId();
      const full = await t.insert(t.session({ id, userId, type: 'full' }));
      const apiKey = await t.insert(t.session({ id, userId, type: 'api_key' }));
      assert.equal(await store.count(userId, 'full'), 1);
      assert.equal(await store.count(userId, 'api_key'), 1);

      await store.upsert(full);
      assertSameData(await store.get(id, userId, 'api_key'), apiKey);
      await store.deleteAll(userId, 'full');
      assertSameData(await store.get(id, userId, 'api_key'), apiKey);
    });
  });

  describe('getAll and deleteAll', () => {
    it('getAll of an unknown user is an empty array', async () => {
      assertSameData(await t.store.getAll(randomUserId(), 'full'), []);
    });

    it("getAll returns only that user's sessions of that type", async () => {
      const { store } = t;
      const userId = randomUserId();
      const mine = [t.session({ userId }), t.session({ userId })];
      const otherType = t.session({ userId, type: 'api_key' });
      const otherUser = t.session();
      for (const s of [...mine, otherType, otherUser]) await store.upsert(s);

      await expectSessions(store, userId, 'full', mine.map(stored));
      assertSameData(await store.getAll(userId, 'api_key'), [stored(otherType)]);
    });

    it("deleteAll removes only that user's sessions of that type", async () => {
      const { store } = t;
      const userId = randomUserId();
      const mine = [t.session({ userId }), t.session({ userId })];
      const otherType = t.session({ userId, type: 'api_key' });
      const otherUser = t.session();
      for (const s of [...mine, otherType, otherUser]) await store.upsert(s);

      await store.deleteAll(userId, 'full');
      assertSameData(await store.getAll(userId, 'full'), []);
      for (const s of mine) assert.equal(await store.get(s.id, userId, 'full'), null);
      assert.notEqual(await store.get(otherType.id, userId, 'api_key'), null);
      assert.notEqual(await store.get(otherUser.id, otherUser.userId, 'full'), null);
    });

    it('deleteAll of an unknown user succeeds', async () => {
      assert.equal(await t.store.deleteAll(randomUserId(), 'full'), undefined);
    });

    it('a user with many (200) sessions gets all of them', async () => {
      const { store } = t;
      const userId = randomUserId();
      const sessions = Array.from({ length: 200 }, () => t.session({ userId }));
      await Promise.all(sessions.map((s) => store.upsert(s)));
      assertSameData(sortedIds(await store.getAll(userId, 'full')), sortedIds(sessions));
      await store.deleteAll(userId, 'full');
      assertSameData(await store.getAll(userId, 'full'), []);
    });

    it('a new session after deleteAll is stored normally', async () => {
      const { store } = t;
      const userId = randomUserId();
      await store.upsert(t.session({ userId }));
      await store.deleteAll(userId, 'full');
      const fresh = t.session({ userId });
      await store.upsert(fresh);
      assertSameData(await store.getAll(userId, 'full'), [stored(fresh)]);
    });
  });

  describe('concurrency', () => {
    it('of 50 concurrent updates from the same lockVersion exactly one succeeds, 49 conflict', async () => {
      const { store } = t;
      const loaded = await t.insert(t.session());
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) => store.upsert({ ...loaded, extraPayload: { writer: i } })),
      );
      const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      assert.equal(winners.length, 1);
      assert.equal(results.filter(isConflict).length, 49);

      const current = await store.get(loaded.id, loaded.userId, loaded.type);
      assert.equal(current?.lockVersion, 2);
      assertSameData(current?.extraPayload, { writer: winners[0] });
    });

    it('of 50 concurrent inserts of the same id exactly one succeeds, 49 conflict', async () => {
      const { store } = t;
      const s = t.session();
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) => store.upsert({ ...s, extraPayload: { writer: i } })),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      assert.equal(results.filter(isConflict).length, 49);
      assert.equal((await store.get(s.id, s.userId, s.type))?.lockVersion, 1);
    });

    it('a delete racing 20 updates leaves the session absent', async () => {
      const { store } = t;
      const loaded = await t.insert(t.session());
      // Each writer keeps refreshing whatever it last loaded, like racing tabs would.
      const writer = async (): Promise<void> => {
        for (let i = 0; i < 5; i++) {
          const current = await store.get(loaded.id, loaded.userId, loaded.type);
          if (!current) return;
          await ignoreConflict(store.upsert({ ...current, refreshTokenId: randomId() }));
        }
      };
      const blind = Array.from({ length: 10 }, () => store.upsert(loaded).catch(() => undefined));
      const looping = Array.from({ length: 10 }, writer);
      const deletion = store.delete(loaded.id, loaded.userId, loaded.type);
      await Promise.all([...blind, ...looping, deletion]);

      assert.equal(await store.get(loaded.id, loaded.userId, loaded.type), null);
      assertSameData(await store.getAll(loaded.userId, loaded.type), []);
    });

    it('a deleteAll racing updates of several sessions leaves none of them', async () => {
      const { store } = t;
      const userId = randomUserId();
      const loaded = await Promise.all(Array.from({ length: 5 }, () => t.insert(t.session({ userId }))));
      const updates = loaded.flatMap((s) =>
        Array.from({ length: 4 }, () => store.upsert({ ...s, refreshTokenId: randomId() }).catch(() => undefined)),
      );
      await Promise.all([...updates, store.deleteAll(userId, 'full')]);
      assertSameData(await store.getAll(userId, 'full'), []);
      for (const s of loaded) assert.equal(await store.get(s.id, userId, 'full'), null);
    });
  });

  describe('unusual identifiers', () => {
    const oddUserIds: string[] = ['a:b', '{user}', '{a}:{b}', 'with space', 'ünïcödé 用户', 'a\nb', '*', '%s'];
    const oddTypes = ['full', 'type:with:colons', '{hash}', 'oauth2'];

    it('url-safe ids with - and _ work', async () => {
      const s = t.session({ id: `-_${randomId()}_-` });
      await t.store.upsert(s);
      assertSameData(await t.store.get(s.id, s.userId, s.type), stored(s));
    });

    it('any string works as userId and as type, for every operation', async () => {
      const { store } = t;
      for (const baseUserId of oddUserIds) {
        for (const type of oddTypes) {
          // The random suffix keeps runs apart in a shared backend; the odd characters stay in front.
          const userId = `${baseUserId}${randomId()}`;
          const loaded = await t.insert(t.session({ userId, type }));
          assertSameData(await store.get(loaded.id, userId, type), loaded);
          assertSameData(await store.getAll(userId, type), [loaded]);
          await store.upsert(loaded);
          assert.equal((await store.get(loaded.id, userId, type))?.lockVersion, 2);
          await store.delete(loaded.id, userId, type);
          assert.equal(await store.get(loaded.id, userId, type), null);

          await store.upsert(t.session({ userId, type }));
          await store.deleteAll(userId, type);
          assertSameData(await store.getAll(userId, type), []);
        }
      }
    });

    it('separators in userId and type cannot make two (userId, type) pairs collide', async () => {
      const { store } = t;
      const suffix = randomId();
      const pairs: Array<[string, string]> = [
        [`a:b${suffix}`, 'c'],
        [`a${suffix}`, 'b:c'],
        [`a${suffix}:b`, 'c'],
        [`{a${suffix}}`, 'b'],
        [`{a${suffix}}:b`, 'c'],
      ];
      const byPair = new Map<string, Session>();
      for (const [userId, type] of pairs) {
        const s = t.session({ userId, type });
        await store.upsert(s);
        byPair.set(`${userId}\u0000${type}`, s);
      }
      for (const [userId, type] of pairs) {
        assertSameData(sortedIds(await store.getAll(userId, type)), [byPair.get(`${userId}\u0000${type}`)!.id]);
      }
      const [firstUser, firstType] = pairs[0];
      await store.deleteAll(firstUser, firstType);
      for (const [userId, type] of pairs.slice(1)) {
        assert.equal((await store.getAll(userId, type)).length, 1);
      }
    });
  });
}
