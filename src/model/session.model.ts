/**
 * How a client receives and presents its tokens.
 *
 * - `bearer`: complete tokens in the response body, no cookies. For non-browser clients.
 * - `cookie`: the body carries `header.payload`, an HttpOnly cookie carries `.signature`; the client sends
 *   `Authorization: Bearer header.payload` and the browser adds the cookie. A script never holds a whole token.
 * - `cookie_only`: complete tokens only in HttpOnly cookies; body tokens are `null`. Exposed to CSRF: see README.
 */
export type TokenTransport = 'bearer' | 'cookie' | 'cookie_only';

/** All token transports, in documentation order. */
export const TOKEN_TRANSPORTS: readonly TokenTransport[] = ['bearer', 'cookie', 'cookie_only'];

/** Most rotated-out refresh token ids a session remembers (see {@link Session.rotatedRefreshTokenIds}). */
export const MAX_ROTATED_REFRESH_TOKEN_IDS = 16;

/** A user id as the application gave it at login; the type (string or number) is preserved everywhere. */
export type UserId = string | number;

/**
 * Current version of the {@link Session} model; stored sessions of older versions are upgraded on read
 * (see `upgradeSession`). Version 2 added the optional `fingerprint` and `rotatedRefreshTokenIds`.
 */
export const SESSION_MODEL_VERSION = 2;

/**
 * A server-side session. All times are unix seconds.
 *
 * A session is alive while `refreshExpiresAt` lies in the future: a session whose refresh token has expired
 * can never be used again, so stores drop it even if `expiresAt` is later.
 */
export interface Session {
  /** Random, url-safe, at least 128 bits. */
  id: string;
  /** The user the session belongs to, exactly as given at login. */
  userId: UserId;
  /** Session type; bulk operations work per type. Default `full`. */
  type: string;
  /** When the session was created. */
  createdAt: number;
  /** Absolute end of the session, or `'infinite'`. Never changes on refresh. */
  expiresAt: number | 'infinite';
  /** Time of the last create or refresh. */
  refreshedAt: number;
  /** End of the current refresh token; decides whether the session is alive. */
  refreshExpiresAt: number;
  /** `jti` of the current refresh token. */
  refreshTokenId: string;
  /**
   * `jti`s of the refresh tokens rotated out by the refreshes of the current burst (refreshes less than the reuse
   * interval apart), oldest first, at most {@link MAX_ROTATED_REFRESH_TOKEN_IDS}: the strict rotation mode still
   * accepts them until the interval after the last refresh ends (racing tabs, a retried lost response). Absent on
   * new sessions and on sessions stored by 0.1.
   */
  rotatedRefreshTokenIds?: string[];
  /** Start of the current token generation. */
  tokensFreshFrom: number;
  /** Start of the previous token generation. */
  prevTokensFreshFrom: number;
  /** Optimistic lock counter: 0 for a session never stored, incremented by the store on every write. */
  lockVersion: number;
  /** Application data kept server-side with the session. Must be JSON-serializable. */
  extraPayload: Record<string, unknown>;
  /**
   * A device or client id chosen by the application at login (`CreateSessionOptions.fingerprint`): a new session
   * with a fingerprint replaces the user's live sessions of the same type with the same fingerprint, atomically.
   */
  fingerprint?: string;
  /** Model version, see {@link SESSION_MODEL_VERSION}. */
  version: number;
}

/** Whether `userId` can own sessions: a string, or a finite number. */
export function isValidUserId(userId: unknown): userId is UserId {
  return typeof userId === 'string' || (typeof userId === 'number' && Number.isFinite(userId));
}
