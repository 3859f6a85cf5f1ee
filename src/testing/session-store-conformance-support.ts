import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { CharonErrorCode } from '../errors/charon.error';
import { SESSION_MODEL_VERSION, type Session, type UserId } from '../model/session.model';
import type { SessionStore, SessionUpsertOptions } from '../session-store/session-store';
import type { FixedClock } from './fixed-clock';

/**
 * The test functions the suite declares its cases with. Jest's and Vitest's (and Mocha's, with `beforeEach` and
 * `afterEach`) fit as they are.
 */
export interface SessionStoreConformanceRunner {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>): void;
  beforeEach(body: () => Promise<void>): void;
  afterEach(body: () => Promise<void>): void;
}

/** What a store can do; the suite leaves out or inverts the cases a store cannot support. */
export interface SessionStoreConformanceCapabilities {
  /** Whether the store keeps sessions at all. `false` for the null (stateless) store. Default `true`. */
  persistent: boolean;
  /**
   * Whether the store implements `listUsers`. A store that does not must leave the default, which rejects with
   * `UnsupportedOperationError`. Default `true`.
   */
  listUsers: boolean;
}

/**
 * What every group of cases works with. `store` and `clock` are those of the running case (each case gets a fresh
 * pair), so read them inside cases, never while declaring them.
 *
 * @internal Shared by the suite's files; not part of the public API.
 */
export interface ConformanceContext {
  readonly runner: SessionStoreConformanceRunner;
  readonly capabilities: SessionStoreConformanceCapabilities;
  readonly store: SessionStore;
  readonly clock: FixedClock;
  /** A session built at the clock's current time, see {@link buildSession}. */
  session(overrides?: Partial<Session>): Session;
  /** Inserts `session` and returns it as a caller that loaded it would hold it (lockVersion + 1). */
  insert(session: Session, options?: SessionUpsertOptions): Promise<Session>;
}

export const HOUR = 3600;
export const DAY = 24 * HOUR;

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

/** A random user id that is unique to the calling case. */
export function randomUserId(): string {
  return `user-${randomId()}`;
}

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

/**
 * Asserts that `promise` rejects with a nestjs-charon error of this `code`. By code rather than by class, so a store
 * that loads its own copy of the package still passes.
 */
export async function expectRejection(promise: Promise<unknown>, code: CharonErrorCode): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.equal(codeOf(error), code, `expected a rejection with code ${code}, got ${String(error)}`);
    return true;
  });
}

/** Asserts that `promise` rejects with a `SessionConflictError` (by its stable code). */
export function expectConflict(promise: Promise<unknown>): Promise<void> {
  return expectRejection(promise, 'ERR_CHARON_SESSION_CONFLICT');
}

/** Whether a settled write lost with a `SessionConflictError`. */
export function isConflict(result: PromiseSettledResult<unknown>): boolean {
  return result.status === 'rejected' && codeOf(result.reason) === 'ERR_CHARON_SESSION_CONFLICT';
}

/**
 * `assert.deepStrictEqual` on the data only: values, their types and keys, not the realm of their prototypes. Stores
 * that copy with `structuredClone` return objects of Node's main realm, while Jest runs test files in a `vm`
 * context whose `Object.prototype` is another; cloning both sides makes them comparable.
 */
export function assertSameData(actual: unknown, expected: unknown, message?: string): void {
  assert.deepStrictEqual(structuredClone(actual), structuredClone(expected), message);
}

/** Resolves when `promise` resolves or rejects with a `SessionConflictError`; other rejections pass through. */
export async function ignoreConflict(promise: Promise<unknown>): Promise<void> {
  await promise.catch((error: unknown) => {
    if (codeOf(error) !== 'ERR_CHARON_SESSION_CONFLICT') throw error;
  });
}

export function sortedIds(sessions: readonly Session[]): string[] {
  return sessions.map((s) => s.id).sort();
}

/** `session` as the store returns it after writing it: with the lockVersion it was written with, plus one. */
export function stored(session: Session): Session {
  return { ...session, lockVersion: session.lockVersion + 1 };
}

/** Asserts that the live sessions of (`userId`, `type`) are exactly `expected` (compared whole), in any order. */
export async function expectSessions(
  store: SessionStore,
  userId: UserId,
  type: string,
  expected: readonly Session[],
): Promise<void> {
  const byId = (a: Session, b: Session): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const actual = await store.getAll(userId, type);
  assertSameData([...actual].sort(byId), [...expected].sort(byId));
}
