import type { Session, UserId } from '../session/session.model';

/**
 * Where sessions live. This abstract class is both the contract and the injection token: inject it with
 * `constructor(private readonly store: SessionStore)` and replace it in tests with
 * `Test.createTestingModule(...).overrideProvider(SessionStore)` (or its alias {@link SESSION_STORE}).
 *
 * Applications should call {@link SessionService} rather than a store: the service adds telemetry,
 * model upgrades and error mapping, so that stores stay small.
 *
 * ## Implementation guidelines
 * - Store sessions by id, user id and type; `getAll`/`deleteAll` work on (user id, type).
 * - Return sessions exactly as they went in: every field, `userId` type (string vs number), `'infinite'`,
 *   `extraPayload`. Model upgrades are the service's job.
 * - Never return a session whose `refreshExpiresAt` has passed, and remove expired entries without a job the
 *   user has to run.
 * - Optimistic locking: `upsert` of a session with `lockVersion` 0 inserts it (conflict if the id exists).
 *   `upsert` of a session with `lockVersion` n > 0 succeeds only while the stored session has lockVersion n.
 *   On success the stored copy has lockVersion n + 1. Otherwise throw {@link SessionConflictError}.
 * - Revocation is monotonic: an update never re-creates a deleted or expired session (that is a conflict).
 * - Failures of the backing storage reject with any error; the service wraps it in `SessionStorageError`.
 */
export abstract class SessionStore {
  /** The live session with this id for this user and type, or `null`. */
  abstract get(sessionId: string, userId: UserId, type: string): Promise<Session | null>;

  /**
   * Insert (lockVersion 0) or update (lockVersion n > 0) a session, optimistically locked.
   * Resolves when stored with lockVersion n + 1; rejects with `SessionConflictError` otherwise.
   */
  abstract upsert(session: Session): Promise<void>;

  /** Delete one session. Deleting a missing session is not an error. */
  abstract delete(sessionId: string, userId: UserId, type: string): Promise<void>;

  /** Every live session of a user of one type, in no particular order. */
  abstract getAll(userId: UserId, type: string): Promise<Session[]>;

  /** Delete every session of a user of one type. */
  abstract deleteAll(userId: UserId, type: string): Promise<void>;
}

/**
 * Injection token of the session store: an alias of the {@link SessionStore} class, so
 * `@Inject(SESSION_STORE)`, `constructor(store: SessionStore)` and `overrideProvider(SESSION_STORE)` all
 * name the same provider.
 */
export const SESSION_STORE = SessionStore;
