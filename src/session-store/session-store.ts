import { UnsupportedOperationError } from '../errors/unsupported-operation.error';
import type { Session, UserId } from '../model/session.model';

/** Options of {@link SessionStore.upsert}. They apply to inserts (lockVersion 0) only. */
export interface SessionUpsertOptions {
  /**
   * The most live sessions the (userId, type) pair may hold once the new session is in. Beyond it the least
   * recently refreshed sessions (smallest `refreshedAt`, ties broken by write order: the earlier write goes
   * first) are deleted in the same atomic step as the insert. Undefined: no cap.
   */
  maxSessions?: number;
}

/** Options of {@link SessionStore.listUsers}. */
export interface ListUsersOptions {
  /** Where to continue: the `cursor` of the previous page. Omit it for the first page. */
  cursor?: string;
  /** Most user ids the page may hold (1 to {@link MAX_LIST_USERS_LIMIT}). Default {@link DEFAULT_LIST_USERS_LIMIT}. */
  limit?: number;
}

/** One page of {@link SessionStore.listUsers}. */
export interface UserListPage {
  /** User ids with at least one live session of the type; their type (string or number) preserved. */
  userIds: UserId[];
  /** Pass it back as `cursor` for the next page; `null` when the listing is complete. */
  cursor: string | null;
}

/** Page size of {@link SessionStore.listUsers} when none is given. */
export const DEFAULT_LIST_USERS_LIMIT = 100;
/** Largest page size {@link SessionStore.listUsers} accepts: no listing is unbounded. */
export const MAX_LIST_USERS_LIMIT = 1000;

/**
 * Where sessions live. This abstract class is both the contract and the injection token: inject it with
 * `constructor(private readonly store: SessionStore)` and replace it in tests with
 * `Test.createTestingModule(...).overrideProvider(SessionStore)`.
 *
 * Applications should call {@link SessionService} rather than a store: the service adds telemetry,
 * model upgrades and error mapping, so that stores stay small.
 *
 * ## Implementation guidelines
 * Prove a store with the conformance suite in `nestjs-charon/testing` (`sessionStoreConformanceSuite`).
 * - Store sessions by id, user id and type; `getAll`/`deleteAll`/`count` work on (user id, type). The same id
 *   under another user or type is another session.
 * - Return sessions exactly as they went in: every field, `userId` type (string vs number), `'infinite'`,
 *   `extraPayload`. Model upgrades are the service's job.
 * - Never return a session whose `refreshExpiresAt` has passed, and remove expired entries without a job the
 *   user has to run.
 * - Optimistic locking: `upsert` of a session with `lockVersion` 0 inserts it (conflict if the id exists).
 *   `upsert` of a session with `lockVersion` n > 0 succeeds only while the stored session has lockVersion n.
 *   On success the stored copy has lockVersion n + 1. Otherwise throw {@link SessionConflictError}.
 * - Inserts replace, in the same atomic step: the live sessions of the same (user id, type) whose `fingerprint`
 *   equals the new session's (when it has one), then the least recently refreshed beyond
 *   `options.maxSessions` (see {@link SessionUpsertOptions}). `sessionsToReplace()` picks them for stores that
 *   can read and write in one transaction.
 * - Revocation is monotonic: an update never re-creates a deleted or expired session (that is a conflict).
 * - A session that cannot be stored faithfully (user id not a string or a finite number, and so on) is rejected
 *   with `InvalidSessionError` before the backend is touched; `get`/`delete`/`getAll`/`count` with such a user id
 *   find nothing.
 * - Failures of the backing storage reject with any error; the service wraps it in `SessionStorageError`.
 */
export abstract class SessionStore {
  /** The live session with this id for this user and type, or `null`. */
  abstract get(sessionId: string, userId: UserId, type: string): Promise<Session | null>;

  /**
   * Insert (lockVersion 0) or update (lockVersion n > 0) a session, optimistically locked.
   * Resolves when stored with lockVersion n + 1; rejects with `SessionConflictError` otherwise.
   * An insert also replaces sessions by fingerprint and beyond `options.maxSessions`, atomically.
   */
  abstract upsert(session: Session, options?: SessionUpsertOptions): Promise<void>;

  /** Delete one session. Deleting a missing session is not an error. */
  abstract delete(sessionId: string, userId: UserId, type: string): Promise<void>;

  /** Every live session of a user of one type, in no particular order. */
  abstract getAll(userId: UserId, type: string): Promise<Session[]>;

  /** Delete every session of a user of one type. */
  abstract deleteAll(userId: UserId, type: string): Promise<void>;

  /**
   * How many live sessions a user holds of one type. The default loads them with `getAll`; stores override it to
   * count without loading.
   */
  async count(userId: UserId, type: string): Promise<number> {
    return (await this.getAll(userId, type)).length;
  }

  /**
   * One page of the user ids that hold live sessions of `type`, in no particular order. A user present for the
   * whole listing appears at least once (stores that scan may repeat one across pages); users who log in or out
   * meanwhile may or may not appear. Optional: the default throws {@link UnsupportedOperationError}.
   */
  listUsers(_type: string, _options?: ListUsersOptions): Promise<UserListPage> {
    return Promise.reject(new UnsupportedOperationError(`${this.constructor.name} does not implement listUsers`));
  }
}

/**
 * Second name of the {@link SessionStore} injection token, kept so code written against 0.1 still compiles:
 * `@Inject(SESSION_STORE)`, `constructor(store: SessionStore)` and `overrideProvider(SESSION_STORE)` all
 * name the same provider.
 *
 * @deprecated Inject the `SessionStore` class itself; this alias will be removed in a major release.
 */
export const SESSION_STORE = SessionStore;
