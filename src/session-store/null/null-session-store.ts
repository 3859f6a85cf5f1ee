import type { Session, UserId } from '../../model/session.model';
import { SessionStore, type ListUsersOptions, type SessionUpsertOptions, type UserListPage } from '../session-store';
import type { SessionStoreFactory } from '../session-store-factory';
import { assertStorableSession, listUsersLimit } from '../session-validation';

/**
 * A store that stores nothing: fully stateless mode. Every write succeeds and is forgotten; `get` finds nothing.
 *
 * What stateless mode means:
 * - Access tokens are verified by signature and claims alone; that is all there is to check.
 * - Refresh is impossible: `RefreshTokenGuard` loads the token's session, finds none and answers 401
 *   `session not found`, so a client logs in again when its access token expires.
 * - Revocation is impossible: logout and "log out everywhere" only clear the client's tokens or cookies;
 *   tokens already issued stay valid until their `exp`. Keep token lifetimes short.
 * - Pair it with a `SessionGuard` that does not load sessions: any guard that requires a session would reject
 *   every request with "session not found".
 */
export class NullSessionStore extends SessionStore {
  /** Always `null`: nothing is stored. */
  async get(_sessionId: string, _userId: UserId, _type: string): Promise<Session | null> {
    return null;
  }

  /**
   * Succeeds without storing anything, whatever the lockVersion (there is nothing to conflict with).
   * Like every store, rejects with `InvalidSessionError` a session no store could keep, so such a bug shows in
   * stateless mode too.
   */
  async upsert(session: Session, options?: SessionUpsertOptions): Promise<void> {
    assertStorableSession(session, options);
  }

  /** Succeeds; there is nothing to delete. */
  async delete(_sessionId: string, _userId: UserId, _type: string): Promise<void> {}

  /** Always empty. */
  async getAll(_userId: UserId, _type: string): Promise<Session[]> {
    return [];
  }

  /** Succeeds; there is nothing to delete. */
  async deleteAll(_userId: UserId, _type: string): Promise<void> {}

  /** Always 0. */
  override async count(_userId: UserId, _type: string): Promise<number> {
    return 0;
  }

  /** Always an empty, final page. @throws CharonUsageError for a `limit` out of bounds, like every store. */
  override async listUsers(_type: string, options: ListUsersOptions = {}): Promise<UserListPage> {
    listUsersLimit(options.limit);
    return { userIds: [], cursor: null };
  }
}

/** The `store` option for stateless mode: `CharonModule.forRoot({ store: nullSessionStore() })`. See {@link NullSessionStore}. */
export function nullSessionStore(): SessionStoreFactory {
  return () => new NullSessionStore();
}
