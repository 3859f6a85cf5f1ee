import assert from 'node:assert/strict';
import { randomLookupKey, type LookupKeyConformanceContext } from './lookup-key-store-conformance-support';

/** Rounds per race: each starts both operations in the same tick, so either may reach the store first. */
const ROUNDS = 25;

/**
 * Revocation is monotonic whatever races it: after `revoke`/`revokeAll` and a racing `rekey` or `insert` have both
 * settled, no lookup key of the record finds anything, and the revocation reported it.
 *
 * @internal
 */
export function lookupKeyRaceCases(t: LookupKeyConformanceContext): void {
  const { describe, it } = t.runner;
  describe('revocation races', () => {
    it('revoke racing rekey: the record is dead under both lookup keys', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const record = t.record({ key: randomLookupKey(1) });
        await t.insert(record);
        const to = randomLookupKey(2);
        const [revoked] = await Promise.all([t.store.revoke(record.id, record.userId, t.now), t.store.rekey(record.id, record.shard, record.key, to, t.now)]);
        assert.equal(revoked, true);
        assert.equal(await t.store.find(t.query(record, [to, record.key]), t.now), null);
        assert.equal(await t.store.rekey(record.id, record.shard, to, randomLookupKey(3), t.now), false);
      }
    });

    it('revoke racing an insert of the same id under a new lookup key: nothing comes back', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const record = t.record();
        await t.insert(record);
        const again = { ...record, key: randomLookupKey() };
        const [revoked, inserted] = await Promise.allSettled([t.store.revoke(record.id, record.userId, t.now), t.store.insert(again, t.now)]);
        assert.deepStrictEqual(revoked, { status: 'fulfilled', value: true });
        assert.equal(inserted.status, 'rejected');
        assert.equal(await t.store.find(t.query(record, [again.key, record.key]), t.now), null);
      }
    });

    it('revokeAll racing rekeys of every record: all of them are dead', async () => {
      const userId = `race-${t.now}-${Math.random()}`;
      const records = Array.from({ length: 8 }, () => t.record({ userId, key: randomLookupKey(1) }));
      await t.insert(...records);
      const targets = records.map(() => randomLookupKey(2));
      const [count] = await Promise.all([
        t.store.revokeAll(userId, t.now),
        ...records.map((record, i) => t.store.rekey(record.id, record.shard, record.key, targets[i], t.now)),
      ]);
      assert.equal(count, records.length);
      for (const [i, record] of records.entries()) assert.equal(await t.store.find(t.query(record, [targets[i], record.key]), t.now), null);
      assert.equal(await t.store.count(userId, t.now), 0);
    });
  });
}
