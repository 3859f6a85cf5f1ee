import assert from 'node:assert/strict';
import { isValidUserId, type Session, type UserId } from '../model/session.model';
import { assertSameData, expectRejection, randomUserId, type ConformanceContext } from './session-store-conformance-support';

const INVALID = 'ERR_CHARON_INVALID_SESSION';

/** User ids no session can have, each with the string a careless store would turn it into. */
const INVALID_USER_IDS: ReadonlyArray<[unknown, string]> = [
  [null, 'null'],
  [undefined, 'undefined'],
  [Number.NaN, 'NaN'],
  [Number.POSITIVE_INFINITY, 'Infinity'],
  [{}, '[object Object]'],
  [true, 'true'],
];

const TIME_FIELDS = ['createdAt', 'refreshedAt', 'refreshExpiresAt', 'tokensFreshFrom', 'prevTokensFreshFrom'] as const;

/** Changes that make a session impossible to store faithfully, each with what it breaks. */
const INVALID_SESSIONS: ReadonlyArray<[string, Record<string, unknown>]> = [
  ...INVALID_USER_IDS.map(([userId, text]): [string, Record<string, unknown>] => [`userId ${text}`, { userId }]),
  ['userId []', { userId: [] }],
  ['id 123', { id: 123 }],
  ['id undefined', { id: undefined }],
  ['type undefined', { type: undefined }],
  ['type 7', { type: 7 }],
  ...TIME_FIELDS.flatMap((field) =>
    [Number.NaN, Number.POSITIVE_INFINITY, '100', 1.5].map((value): [string, Record<string, unknown>] => [
      `${field} ${String(value)}`,
      { [field]: value },
    ]),
  ),
  ["expiresAt 'forever'", { expiresAt: 'forever' }],
  ['expiresAt NaN', { expiresAt: Number.NaN }],
  ['lockVersion -1', { lockVersion: -1 }],
  ['lockVersion 1.5', { lockVersion: 1.5 }],
  ['lockVersion NaN', { lockVersion: Number.NaN }],
  ["lockVersion '0'", { lockVersion: '0' }],
  ['fingerprint 42', { fingerprint: 42 }],
  ['fingerprint null', { fingerprint: null }],
];

const INVALID_MAX_SESSIONS: unknown[] = [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '2'];

/**
 * Cases of every store: sessions no store can keep are refused alike; impossible user ids find nothing.
 *
 * @internal
 */
export function validationCases(t: ConformanceContext): void {
  const { describe, it } = t.runner;
  const { persistent } = t.capabilities;

  describe('sessions no store can keep', () => {
    it('upsert rejects them with InvalidSessionError (ERR_CHARON_INVALID_SESSION) and stores nothing', async () => {
      for (const [what, change] of INVALID_SESSIONS) {
        const s = t.session(change as Partial<Session>);
        await expectRejection(t.store.upsert(s), INVALID).catch((error: Error) => {
          throw new Error(`${what}: ${error.message}`);
        });
        if (persistent && isValidUserId(s.userId) && typeof s.type === 'string') {
          assertSameData(await t.store.getAll(s.userId, s.type), [], `${what} was stored`);
        }
      }
    });

    it('upsert rejects an invalid options.maxSessions with InvalidSessionError and changes nothing', async () => {
      const userId = randomUserId();
      const first = await t.insert(t.session({ userId }));
      for (const maxSessions of INVALID_MAX_SESSIONS) {
        await expectRejection(t.store.upsert(t.session({ userId }), { maxSessions: maxSessions as number }), INVALID);
      }
      if (persistent) assertSameData(await t.store.getAll(userId, 'full'), [first]);
    });

    if (!persistent) return;

    it('an invalid update is rejected the same way and leaves the stored session as it was', async () => {
      const loaded = await t.insert(t.session());
      await expectRejection(t.store.upsert({ ...loaded, refreshExpiresAt: Number.NaN }), INVALID);
      await expectRejection(t.store.upsert({ ...loaded, lockVersion: -1 }), INVALID);
      assertSameData(await t.store.get(loaded.id, loaded.userId, loaded.type), loaded);
    });

    it("get, getAll, count, delete and deleteAll with such a user id or type find nothing, not the user 'null'", async () => {
      const { store } = t;
      const lookalikes = new Map<string, Session>();
      for (const [, text] of INVALID_USER_IDS) lookalikes.set(text, await t.insert(t.session({ userId: text })));

      for (const [userId, text] of INVALID_USER_IDS) {
        const lookalike = lookalikes.get(text)!;
        const bad = userId as UserId;
        assert.equal(await store.get(lookalike.id, bad, 'full'), null, `get with userId ${text}`);
        assertSameData(await store.getAll(bad, 'full'), [], `getAll with userId ${text}`);
        assert.equal(await store.count(bad, 'full'), 0, `count with userId ${text}`);
        await store.delete(lookalike.id, bad, 'full');
        await store.deleteAll(bad, 'full');
      }
      const noType = undefined as unknown as string;
      const nullUser = lookalikes.get('null')!;
      assert.equal(await store.get(nullUser.id, 'null', noType), null);
      assertSameData(await store.getAll('null', noType), []);
      assert.equal(await store.count('null', noType), 0);

      for (const lookalike of lookalikes.values()) {
        assertSameData(await store.get(lookalike.id, lookalike.userId, 'full'), lookalike);
      }
    });
  });
}
