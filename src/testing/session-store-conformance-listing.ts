import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { UserId } from '../model/session.model';
import { DEFAULT_LIST_USERS_LIMIT, MAX_LIST_USERS_LIMIT, type SessionStore } from '../session-store/session-store';
import { assertSameData, expectRejection, randomId, randomUserId, type ConformanceContext } from './session-store-conformance-support';

/**
 * Page sizes `listUsers` must refuse.
 *
 * @internal
 */
export const INVALID_LIST_LIMITS = [0, -1, 1.5, Number.NaN, MAX_LIST_USERS_LIMIT + 1];

/** Every user id of a `listUsers` listing of `type`, page by page until the cursor is `null`. */
async function listAllUsers(store: SessionStore, type: string, limit: number): Promise<UserId[]> {
  const seen: UserId[] = [];
  let cursor: string | undefined;
  for (let pages = 1; ; pages++) {
    const page = await store.listUsers(type, { limit, cursor });
    assert.ok(page.userIds.length <= limit, `a page of limit ${limit} held ${page.userIds.length} user ids`);
    seen.push(...page.userIds);
    if (page.cursor === null) return seen;
    assert.ok(pages < 1000, 'listUsers did not reach the end (a null cursor) within 1000 pages');
    cursor = page.cursor;
  }
}

/**
 * Cases of a store that keeps sessions: `count` and, when the store has it, `listUsers`.
 *
 * @internal
 */
export function listingCases(t: ConformanceContext): void {
  const { describe, it } = t.runner;

  describe('count', () => {
    it('is the number of live sessions of the user and type', async () => {
      const { store, clock } = t;
      const userId = randomUserId();
      assert.equal(await store.count(userId, 'full'), 0);
      const short = await t.insert(t.session({ userId, refreshExpiresAt: clock.now() + 60 }));
      const deleted = await t.insert(t.session({ userId }));
      await t.insert(t.session({ userId }));
      await t.insert(t.session({ userId, type: 'api_key' }));
      await t.insert(t.session());
      assert.equal(await store.count(userId, 'full'), 3);
      assert.equal(await store.count(userId, 'api_key'), 1);

      await store.delete(deleted.id, userId, 'full');
      assert.equal(await store.count(userId, 'full'), 2);
      clock.advance(60);
      assert.equal(await store.count(userId, 'full'), 1);
      assert.equal(await store.get(short.id, userId, 'full'), null);
      await store.deleteAll(userId, 'full');
      assert.equal(await store.count(userId, 'full'), 0);
    });
  });

  if (!t.capabilities.listUsers) {
    describe('listUsers (not supported)', () => {
      it('rejects with UnsupportedOperationError', async () => {
        await expectRejection(t.store.listUsers('full'), 'ERR_CHARON_UNSUPPORTED_OPERATION');
      });
    });
    return;
  }

  describe('listUsers', () => {
    it('pages through a few hundred users: every user with a live session of the type, user id types kept', async () => {
      const { store, clock } = t;
      const numericBase = randomBytes(4).readUInt32BE() * 1000;
      const full: UserId[] = [
        ...Array.from({ length: 120 }, randomUserId),
        ...Array.from({ length: 120 }, (_, i) => numericBase + i),
        // The string twin of a numeric user is another user.
        String(numericBase),
      ];
      const apiKeyOnly = Array.from({ length: 30 }, randomUserId);
      const both = full.slice(0, 10);
      const expiredOnly = Array.from({ length: 20 }, randomUserId);
      const loggedOut = full.slice(-5);
      const sessions = [
        ...full.map((userId) => t.session({ userId })),
        ...full.slice(100, 140).map((userId) => t.session({ userId })),
        ...[...apiKeyOnly, ...both].map((userId) => t.session({ userId, type: 'api_key' })),
        ...expiredOnly.map((userId) => t.session({ userId, refreshExpiresAt: clock.now() + 60 })),
      ];
      for (let i = 0; i < sessions.length; i += 50) {
        await Promise.all(sessions.slice(i, i + 50).map((s) => store.upsert(s)));
      }
      for (const userId of loggedOut) await store.deleteAll(userId, 'full');
      clock.advance(60);

      const listed = full.slice(0, -5);
      assertSameData(new Set(await listAllUsers(store, 'full', 7)), new Set(listed));
      assertSameData(new Set(await listAllUsers(store, 'full', MAX_LIST_USERS_LIMIT)), new Set(listed));
      assertSameData(new Set(await listAllUsers(store, 'api_key', 4)), new Set([...apiKeyOnly, ...both]));
      assertSameData(await listAllUsers(store, `type-${randomId()}`, 10), []);

      // Without a limit a page holds at most the default, so this listing cannot end on its first page.
      const first = await store.listUsers('full');
      assert.ok(first.userIds.length <= DEFAULT_LIST_USERS_LIMIT);
      assert.notEqual(first.cursor, null);
    });

    it('refuses a limit out of bounds (no listing is unbounded)', async () => {
      for (const limit of INVALID_LIST_LIMITS) {
        await assert.rejects(t.store.listUsers('full', { limit }), `limit ${limit} was accepted`);
      }
    });
  });
}
