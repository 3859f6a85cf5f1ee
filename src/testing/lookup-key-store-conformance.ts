import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CharonUsageError } from '../errors/charon-usage.error';
import type { NewLookupKeyRecord } from '../lookup-key/lookup-key.model';
import type { LookupKeyStore } from '../lookup-key/lookup-key-store';
import type { UserId } from '../model/session.model';
import { lookupKeyRaceCases } from './lookup-key-store-conformance-races';
import {
  HOUR,
  randomLookupKey,
  rejectionCode,
  visible,
  type LookupKeyConformanceContext,
  type LookupKeyStoreConformanceRunner,
} from './lookup-key-store-conformance-support';

export type { LookupKeyStoreConformanceRunner } from './lookup-key-store-conformance-support';

/** A lookup-key store under test. */
export interface LookupKeyStoreConformanceTarget {
  /** Shown in the `describe` title. */
  name: string;
  /** Called before each case; must return an empty store. The cases pass "now" (starting at the real time). */
  makeStore(): Promise<LookupKeyStore> | LookupKeyStore;
  /** Called after each case, e.g. to close a connection. */
  destroyStore?(store: LookupKeyStore): Promise<void> | void;
}

function globalRunner(): LookupKeyStoreConformanceRunner {
  const { describe, it, beforeEach, afterEach } = globalThis as unknown as Partial<LookupKeyStoreConformanceRunner>;
  if (!describe || !it || !beforeEach || !afterEach) {
    throw new CharonUsageError("lookupKeyStoreConformanceSuite: no global describe/it/beforeEach/afterEach; pass them as the second argument, e.g. from 'vitest'");
  }
  return { describe, it, beforeEach, afterEach };
}

/**
 * Declares the behaviour every {@link LookupKeyStore} must have as test cases (asserting with `node:assert`, so any
 * runner works). Call it at the top level of a test file:
 *
 * ```ts
 * import { lookupKeyStoreConformanceSuite } from 'nestjs-charon/testing';
 * lookupKeyStoreConformanceSuite({ name: 'MyStore', makeStore: () => new MyLookupKeyStore() });
 * // Vitest without globals: pass { describe, it, beforeEach, afterEach } from 'vitest' as the second argument.
 * ```
 */
export function lookupKeyStoreConformanceSuite(target: LookupKeyStoreConformanceTarget, runner: LookupKeyStoreConformanceRunner = globalRunner()): void {
  let current: { store: LookupKeyStore; now: number } | undefined;
  const running = () => {
    if (!current) throw new CharonUsageError('lookupKeyStoreConformanceSuite: the store is only available while a case runs');
    return current;
  };
  const t: LookupKeyConformanceContext = {
    runner,
    get store() {
      return running().store;
    },
    get now() {
      return running().now;
    },
    record: (overrides = {}) => ({
      id: randomBytes(16).toString('base64url'),
      userId: `user-${randomBytes(8).toString('hex')}`,
      createdAt: running().now,
      expiresAt: running().now + HOUR,
      shard: randomBytes(2).toString('hex'),
      key: randomLookupKey(),
      ...overrides,
    }),
    insert: async (...records) => {
      for (const record of records) assert.equal(await running().store.insert(record, running().now), true);
    },
    query: (record, candidates = [record.key]) => ({ shard: record.shard, candidates }),
  };

  runner.describe(`LookupKeyStore conformance: ${target.name}`, () => {
    runner.beforeEach(async () => {
      current = { store: await target.makeStore(), now: Math.floor(Date.now() / 1000) };
    });
    runner.afterEach(async () => {
      const { store } = running();
      current = undefined;
      await target.destroyStore?.(store);
    });
    basicCases(t);
    revocationCases(t);
    lookupKeyRaceCases(t);
  });
}

function basicCases(t: LookupKeyConformanceContext): void {
  const { describe, it } = t.runner;
  describe('insert, find, list', () => {
    it('find returns a record exactly as inserted (user id type, absent name) with the key it is stored under', async () => {
      const numeric = t.record({ userId: 42 });
      const named = t.record({ name: 'CI deploy key ✓' });
      await t.insert(numeric, named);
      assert.deepStrictEqual(await t.store.find(t.query(numeric), t.now), { record: visible(numeric), key: numeric.key });
      assert.deepStrictEqual(await t.store.find(t.query(named), t.now), { record: visible(named), key: named.key });
    });

    it('find returns the first live record in candidate order, and null when no candidate matches', async () => {
      const newer = t.record();
      const older = t.record({ shard: newer.shard, key: randomLookupKey(1) });
      await t.insert(newer, older);
      assert.equal((await t.store.find(t.query(newer, [newer.key, older.key]), t.now))?.record.id, newer.id);
      assert.equal((await t.store.find(t.query(newer, [randomLookupKey(), older.key]), t.now))?.record.id, older.id);
      assert.deepStrictEqual((await t.store.find(t.query(newer, [randomLookupKey(), older.key]), t.now))?.key, older.key);
      assert.equal(await t.store.find(t.query(newer, [randomLookupKey(), randomLookupKey(1)]), t.now), null);
      assert.equal(await t.store.find(t.query(newer, []), t.now), null);
    });

    it('lookup keys are compared exactly: another case or a prefix finds nothing', async () => {
      const record = t.record({ key: { version: 2, lookupKey: `Ab${randomBytes(30).toString('base64url')}` } });
      await t.insert(record);
      const { lookupKey } = record.key;
      for (const variant of [lookupKey.toLowerCase(), lookupKey.toUpperCase(), lookupKey.slice(0, -1), `${lookupKey} `]) {
        assert.equal(await t.store.find(t.query(record, [{ version: 2, lookupKey: variant }]), t.now), null);
      }
    });

    it('a record is live until expiresAt: then find, list and count no longer see it', async () => {
      const record = t.record();
      await t.insert(record);
      const last = record.expiresAt - 1;
      assert.equal((await t.store.find(t.query(record), last))?.record.id, record.id);
      assert.equal(await t.store.count(record.userId, last), 1);
      assert.equal(await t.store.find(t.query(record), record.expiresAt), null);
      assert.deepStrictEqual(await t.store.list(record.userId, record.expiresAt), []);
      assert.equal(await t.store.count(record.userId, record.expiresAt), 0);
    });

    it('list and count give the live records of one user only; users 1 and "1" are different users', async () => {
      const a = t.record({ userId: 1 });
      const b = t.record({ userId: 1, name: 'second' });
      const other = t.record({ userId: '1' });
      await t.insert(a, b, other);
      const listed = await t.store.list(1, t.now);
      assert.deepStrictEqual([...listed].sort((x, y) => x.id.localeCompare(y.id)), [visible(a), visible(b)].sort((x, y) => x.id.localeCompare(y.id)));
      assert.equal(await t.store.count(1, t.now), 2);
      assert.deepStrictEqual(await t.store.list('1', t.now), [visible(other)]);
      assert.deepStrictEqual(await t.store.list(`nobody-${randomBytes(4).toString('hex')}`, t.now), []);
    });

    it('insert refuses a taken id or lookup key with SessionConflictError and changes nothing', async () => {
      const record = t.record();
      await t.insert(record);
      assert.equal(await rejectionCode(t.store.insert({ ...t.record({ shard: record.shard }), id: record.id }, t.now)), 'ERR_CHARON_SESSION_CONFLICT');
      const sameKey = { ...t.record({ shard: record.shard }), key: record.key };
      assert.equal(await rejectionCode(t.store.insert(sameKey, t.now)), 'ERR_CHARON_SESSION_CONFLICT');
      assert.equal((await t.store.find(t.query(record), t.now))?.record.userId, record.userId);
      assert.deepStrictEqual(await t.store.list(sameKey.userId, t.now), []);
    });

    it('insert stores nothing and resolves false when the user is at maxPerUser; revoked and expired records do not count', async () => {
      const userId = `capped-${randomBytes(4).toString('hex')}`;
      const [a, b, c] = [t.record({ userId }), t.record({ userId, expiresAt: t.now + 10 }), t.record({ userId })];
      assert.equal(await t.store.insert(a, t.now, { maxPerUser: 2 }), true);
      assert.equal(await t.store.insert(b, t.now, { maxPerUser: 2 }), true);
      assert.equal(await t.store.insert(c, t.now, { maxPerUser: 2 }), false);
      assert.equal(await t.store.find(t.query(c), t.now), null);
      assert.equal(await t.store.insert(c, t.now + 10, { maxPerUser: 2 }), true); // b has expired
      const d = t.record({ userId });
      assert.equal(await t.store.revoke(a.id, userId, t.now + 10), true);
      assert.equal(await t.store.insert(d, t.now + 10, { maxPerUser: 2 }), true);
      assert.equal(await t.store.count(userId, t.now + 10), 2);
    });

    it('refuses records it cannot store faithfully with InvalidSessionError, before storing anything', async () => {
      const bad: Partial<NewLookupKeyRecord>[] = [{ userId: null as unknown as UserId }, { userId: Number.NaN }, { expiresAt: 1.5 }, { id: '' }, { name: 7 as unknown as string }];
      for (const overrides of bad) {
        const record = t.record(overrides);
        assert.equal(await rejectionCode(t.store.insert(record, t.now)), 'ERR_CHARON_INVALID_SESSION');
      }
    });
  });
}

function revocationCases(t: LookupKeyConformanceContext): void {
  const { describe, it } = t.runner;
  describe('revocation and rekey', () => {
    it('revoke makes a record unfindable for good and frees its place; a second revoke is false', async () => {
      const record = t.record();
      await t.insert(record);
      assert.equal(await t.store.revoke(record.id, record.userId, t.now), true);
      assert.equal(await t.store.find(t.query(record), t.now), null);
      assert.deepStrictEqual(await t.store.list(record.userId, t.now), []);
      assert.equal(await t.store.revoke(record.id, record.userId, t.now + 1), false);
    });

    it("revoke of another user's record (or of user 1 as '1') revokes nothing", async () => {
      const record = t.record({ userId: 1 });
      await t.insert(record);
      assert.equal(await t.store.revoke(record.id, '1', t.now), false);
      assert.equal(await t.store.revoke(record.id, `someone-${randomBytes(4).toString('hex')}`, t.now), false);
      assert.equal((await t.store.find(t.query(record), t.now))?.record.id, record.id);
    });

    it('a revoked id is a tombstone: inserting it again is a conflict, whatever its lookup key', async () => {
      const record = t.record();
      await t.insert(record);
      await t.store.revoke(record.id, record.userId, t.now);
      const again = { ...record, key: randomLookupKey() };
      assert.equal(await rejectionCode(t.store.insert(again, t.now + 1)), 'ERR_CHARON_SESSION_CONFLICT');
      assert.equal(await t.store.find(t.query(again, [again.key, record.key]), t.now + 1), null);
    });

    it('revokeAll revokes every live record of the user and no one else, and says how many', async () => {
      const userId = `all-${randomBytes(4).toString('hex')}`;
      const mine = [t.record({ userId }), t.record({ userId }), t.record({ userId, expiresAt: t.now + 5 })];
      const theirs = t.record();
      await t.insert(...mine, theirs);
      assert.equal(await t.store.revokeAll(userId, t.now + 5), 2);
      for (const record of mine) assert.equal(await t.store.find(t.query(record), t.now + 5), null);
      assert.deepStrictEqual(await t.store.list(userId, t.now + 5), []);
      assert.equal((await t.store.find(t.query(theirs), t.now + 5))?.record.id, theirs.id);
      assert.equal(await t.store.revokeAll(userId, t.now + 5), 0);
    });

    it('rekey moves a live record to a new lookup key of the same shard, atomically', async () => {
      const record = t.record({ key: randomLookupKey(1) });
      await t.insert(record);
      const to = randomLookupKey(2);
      assert.equal(await t.store.rekey(record.id, record.shard, record.key, to, t.now), true);
      assert.equal(await t.store.find(t.query(record), t.now), null);
      assert.deepStrictEqual(await t.store.find(t.query(record, [to, record.key]), t.now), { record: visible(record), key: to });
      assert.equal(await t.store.count(record.userId, t.now), 1);
      assert.equal(await t.store.revoke(record.id, record.userId, t.now), true);
      assert.equal(await t.store.find(t.query(record, [to, record.key]), t.now), null);
    });

    it('rekey changes nothing for a revoked, expired or unknown record, a wrong from key, or a taken to key', async () => {
      const [revoked, expiring, live, other] = [t.record({ key: randomLookupKey(1) }), t.record({ expiresAt: t.now + 5 }), t.record(), t.record()];
      const sameShard = t.record({ shard: live.shard });
      await t.insert(revoked, expiring, live, other, sameShard);
      await t.store.revoke(revoked.id, revoked.userId, t.now);
      const to = randomLookupKey(3);
      assert.equal(await t.store.rekey(revoked.id, revoked.shard, revoked.key, to, t.now), false);
      assert.equal(await t.store.find(t.query(revoked, [to, revoked.key]), t.now), null);
      assert.equal(await t.store.rekey(expiring.id, expiring.shard, expiring.key, to, t.now + 5), false);
      assert.equal(await t.store.rekey('no-such-id', live.shard, live.key, to, t.now), false);
      assert.equal(await t.store.rekey(live.id, live.shard, other.key, to, t.now), false);
      assert.equal(await t.store.rekey(live.id, live.shard, live.key, sameShard.key, t.now), false);
      assert.equal((await t.store.find(t.query(sameShard), t.now))?.record.id, sameShard.id);
      assert.equal((await t.store.find(t.query(live), t.now))?.record.id, live.id);
    });
  });
}
