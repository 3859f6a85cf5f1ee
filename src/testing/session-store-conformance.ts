import assert from 'node:assert/strict';
import { CharonUsageError } from '../errors/charon-usage.error';
import type { Session } from '../model/session.model';
import type { SessionStore } from '../session-store/session-store';
import { FixedClock } from './fixed-clock';
import { basicCases } from './session-store-conformance-basics';
import { bulkCases } from './session-store-conformance-bulk';
import { INVALID_LIST_LIMITS, listingCases } from './session-store-conformance-listing';
import { replacementCases } from './session-store-conformance-replacement';
import {
  assertSameData,
  buildSession,
  stored,
  type ConformanceContext,
  type SessionStoreConformanceCapabilities,
  type SessionStoreConformanceRunner,
} from './session-store-conformance-support';
import { validationCases } from './session-store-conformance-validation';

export type { SessionStoreConformanceCapabilities, SessionStoreConformanceRunner } from './session-store-conformance-support';

/** A store under test. */
export interface SessionStoreConformanceTarget {
  /** Shown in the `describe` title. */
  name: string;
  /**
   * Called before each case; must return a store with no sessions, whose "now" is `clock.now()`. Stores that also
   * set real expiries (such as Redis keys) derive them from `refreshExpiresAt`; the clock starts at the real time.
   */
  makeStore(clock: FixedClock): Promise<SessionStore> | SessionStore;
  /** Called after each case, e.g. to close a connection. */
  destroyStore?(store: SessionStore): Promise<void> | void;
  /** What the store can do. Default: `{ persistent: true, listUsers: true }`. */
  capabilities?: Partial<SessionStoreConformanceCapabilities>;
}

/** The test runner's globals, for runners that install them (Jest; Vitest with `globals: true`; Mocha). */
function globalRunner(): SessionStoreConformanceRunner {
  const { describe, it, beforeEach, afterEach } = globalThis as unknown as Partial<SessionStoreConformanceRunner>;
  if (!describe || !it || !beforeEach || !afterEach) {
    throw new CharonUsageError(
      'sessionStoreConformanceSuite: no global describe/it/beforeEach/afterEach; pass them as the second argument, ' +
        "e.g. import { describe, it, beforeEach, afterEach } from 'vitest'",
    );
  }
  return { describe, it, beforeEach, afterEach };
}

/**
 * Declares the behaviour every {@link SessionStore} must have as test cases (keyv-style: written once, run against
 * each store). Call it at the top level of a test file. The cases assert with `node:assert`, so they run under any
 * runner with `describe`/`it`/`beforeEach`/`afterEach`: by default the globals (Jest), or the ones you pass:
 *
 * ```ts
 * import { describe, it, beforeEach, afterEach } from 'vitest';
 * import { sessionStoreConformanceSuite } from 'nestjs-charon/testing';
 *
 * sessionStoreConformanceSuite(
 *   { name: 'MyStore', makeStore: (clock) => new MyStore({ clock }), capabilities: { listUsers: false } },
 *   { describe, it, beforeEach, afterEach },
 * );
 * ```
 *
 * Each case gets a fresh store from `target.makeStore` and a {@link FixedClock} starting at the current time, which
 * the cases move forward to make sessions expire. A few cases write some hundred sessions, so give slow backends a
 * generous per-test timeout.
 */
export function sessionStoreConformanceSuite(
  target: SessionStoreConformanceTarget,
  runner: SessionStoreConformanceRunner = globalRunner(),
): void {
  const capabilities: SessionStoreConformanceCapabilities = { persistent: true, listUsers: true, ...target.capabilities };
  let current: { store: SessionStore; clock: FixedClock } | undefined;
  const running = (): { store: SessionStore; clock: FixedClock } => {
    if (!current) throw new CharonUsageError('sessionStoreConformanceSuite: the store is only available while a case runs');
    return current;
  };
  const context: ConformanceContext = {
    runner,
    capabilities,
    get store() {
      return running().store;
    },
    get clock() {
      return running().clock;
    },
    session: (overrides: Partial<Session> = {}) => buildSession(overrides, running().clock.now()),
    insert: async (session, options) => {
      await running().store.upsert(session, options);
      return stored(session);
    },
  };

  runner.describe(`SessionStore conformance: ${target.name}`, () => {
    runner.beforeEach(async () => {
      const clock = new FixedClock();
      current = { store: await target.makeStore(clock), clock };
    });

    runner.afterEach(async () => {
      // Nothing to destroy when makeStore failed: its error already fails the case.
      if (!current) return;
      const { store } = current;
      current = undefined;
      await target.destroyStore?.(store);
    });

    if (capabilities.persistent) {
      basicCases(context);
      bulkCases(context);
      replacementCases(context);
      listingCases(context);
    } else {
      statelessCases(context);
    }
    validationCases(context);
  });
}

/** Cases of a store that keeps nothing (`capabilities.persistent` false). */
function statelessCases(t: ConformanceContext): void {
  const { describe, it } = t.runner;

  describe('stateless store', () => {
    it('get returns null, even right after an upsert', async () => {
      const s = t.session();
      await t.store.upsert(s);
      assert.equal(await t.store.get(s.id, s.userId, s.type), null);
    });

    it('getAll returns an empty array and count 0', async () => {
      const s = t.session();
      await t.store.upsert(s);
      assertSameData(await t.store.getAll(s.userId, s.type), []);
      assert.equal(await t.store.count(s.userId, s.type), 0);
    });

    it('upsert succeeds for inserts and updates of any lockVersion', async () => {
      assert.equal(await t.store.upsert(t.session()), undefined);
      assert.equal(await t.store.upsert(t.session({ lockVersion: 7 }), { maxSessions: 1 }), undefined);
    });

    it('delete and deleteAll succeed', async () => {
      const s = t.session();
      assert.equal(await t.store.delete(s.id, s.userId, s.type), undefined);
      assert.equal(await t.store.deleteAll(s.userId, s.type), undefined);
    });

    if (!t.capabilities.listUsers) return;

    it('listUsers returns an empty, final page, and refuses a limit out of bounds', async () => {
      const s = t.session();
      await t.store.upsert(s);
      assertSameData(await t.store.listUsers(s.type, { limit: 1 }), { userIds: [], cursor: null });
      for (const limit of INVALID_LIST_LIMITS) {
        await assert.rejects(t.store.listUsers('full', { limit }), `limit ${limit} was accepted`);
      }
    });
  });
}
