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

/** A user id as the application gave it at login; the type (string or number) is preserved everywhere. */
export type UserId = string | number;

/** Current version of the {@link Session} model; stored sessions of older versions are upgraded on read. */
export const SESSION_MODEL_VERSION = 1;

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
  /** Start of the current token generation. */
  tokensFreshFrom: number;
  /** Start of the previous token generation. */
  prevTokensFreshFrom: number;
  /** Optimistic lock counter: 0 for a session never stored, incremented by the store on every write. */
  lockVersion: number;
  /** Application data kept server-side with the session. Must be JSON-serializable. */
  extraPayload: Record<string, unknown>;
  /** Model version, see {@link SESSION_MODEL_VERSION}. */
  version: number;
}
