import type { Session } from '../model/session.model';

/**
 * What a client may see of a session: identity and times. The refresh token ids, token generations, lock version,
 * fingerprint and `extraPayload` stay server-side.
 */
export type PublicSession = Pick<Session, 'id' | 'userId' | 'type' | 'createdAt' | 'expiresAt' | 'refreshedAt' | 'refreshExpiresAt'>;

/** A session in a user's own listing: the public fields but `userId` (it is the caller's), and whether it is the caller's session. */
export type ListedSession = Omit<PublicSession, 'userId'> & { current: boolean };

/** The public view of a session, e.g. for a login response. */
export function publicSession({ id, userId, type, createdAt, expiresAt, refreshedAt, refreshExpiresAt }: Session): PublicSession {
  return { id, userId, type, createdAt, expiresAt, refreshedAt, refreshExpiresAt };
}

/**
 * A user's sessions as their own listing shows them ("where you are logged in"), marking the one with id
 * `currentSessionId` (the `sid` of the request's token) as `current`.
 */
export function listedSessions(sessions: readonly Session[], currentSessionId: string | undefined): ListedSession[] {
  return sessions.map(({ id, type, createdAt, expiresAt, refreshedAt, refreshExpiresAt }) => ({
    id,
    type,
    createdAt,
    expiresAt,
    refreshedAt,
    refreshExpiresAt,
    current: id === currentSessionId,
  }));
}
