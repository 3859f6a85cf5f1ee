import type { LookupKeyOptions } from '../lookup-key/lookup-key.options';
import type { JwtKeyset } from '../tokens/jwt/jwt-keyset';
import type { SessionStoreOption } from '../session-store/session-store-factory';
import type { CookieAttributes } from './cookie-attributes';

/** A secret as bytes or a UTF-8 string. */
export type SecretValue = string | Uint8Array;

/** JWT signing and verification keys. */
export interface JwtOptions {
  /**
   * Keys by kid. Every kid verifies; `signingKey` signs. A function receives `deriveKey(purpose, length)`
   * (HKDF from the base secret) so keys can be derived rather than stored.
   * Default: `{ default: { alg: 'HS256', key: deriveKey('jwt default HS256') } }`.
   */
  keyset: JwtKeyset | ((deriveKey: (purpose: string, length?: number) => Buffer) => JwtKeyset);
  /** The kid of the key that signs new tokens. Default: `'default'`. */
  signingKey: string;
}

/**
 * Options of `CharonModule.forRoot()` / `forRootAsync()`. Validated once at startup: an invalid configuration
 * stops the application with a {@link CharonConfigError} that lists every problem. All durations are seconds.
 */
export interface CharonModuleOptions {
  /** `iss` claim of every token, usually the app's URL. Required. */
  tokenIssuer: string;
  /**
   * High-entropy secret (at least 32 bytes) from which all keys are derived, or a getter for it. Read once at
   * startup and never logged. Generate one with `openssl rand -base64 48`. Required.
   */
  baseSecret: SecretValue | (() => SecretValue);
  /**
   * `aud` claim set on every token and required on every verified token (a token without it, or for another
   * audience, is refused with 401 `bearer token claim aud invalid` / `not found`). Use it when several services
   * share a signing key. Default: unset (no `aud` claim, none required).
   */
  tokenAudience?: string;
  /** Lifetime of access tokens, seconds. Default: `900` (15 minutes). */
  accessTokenTtl?: number;
  /** Lifetime of refresh tokens, seconds; also how long an unused session stays alive. Default: `5184000` (60 days). */
  refreshTokenTtl?: number;
  /** Absolute lifetime of a session, seconds, or `'infinite'`. Default: `31536000` (365 days). */
  sessionTtl?: number | 'infinite';
  /**
   * Token generation cycle, seconds: tokens issued within this window after a generation's first token belong to
   * that generation; tokens of the current and previous generation may refresh. Default: `5`.
   */
  refreshCycle?: number;
  /**
   * What a stale refresh token (older than the previous token generation) does besides being refused with 401
   * `token stale`. Two parties are refreshing one session (RFC 9700 section 4.14), so by default the session is
   * revoked (`'revoke'`, telemetry event `charon:session:reuse`). `'reject'` keeps Charon's behaviour: refuse the
   * token, keep the session. Default: `'revoke'`.
   */
  staleRefreshTokens?: 'revoke' | 'reject';
  /**
   * How refresh tokens are checked against their session:
   * - `'generations'` (Charon's): tokens of the current and the previous token generation may refresh
   *   (see `refreshCycle`); older ones are stale.
   * - `'strict'`: single use. The token's `jti` must be the session's current refresh token id; the tokens a burst
   *   of refreshes (each within `refreshTokenReuseInterval` of the one before) replaced are still accepted until
   *   that interval after the burst's last refresh (racing tabs, a lost response retried). Any other token of the session is a reuse: 401 `token stale` and the session is revoked
   *   (whatever `staleRefreshTokens` says), so two parties refreshing one chain in turn are caught at once.
   * Default: `'generations'`.
   */
  refreshTokenRotation?: 'generations' | 'strict';
  /** Strict rotation only: seconds during which the previous refresh token may still refresh. Default: `10`. */
  refreshTokenReuseInterval?: number;
  /**
   * Live sessions one user may hold per session type. A login beyond it deletes that user's least recently
   * refreshed session of the type, in the same atomic step as the insert. Bounds what one account can store and
   * list. Default: `50`.
   */
  maxSessionsPerUser?: number;
  /**
   * Refuse cross-site requests that a browser authenticates with token cookies alone (CSRF): unsafe methods
   * (anything but GET, HEAD, OPTIONS) authenticated by a `cookie_only` token, and logins or refreshes that would
   * set token cookies, get 403 when `Sec-Fetch-Site` is `cross-site` (or `same-site` from an origin not in
   * `allowedOrigins`), or, without Fetch Metadata, when `Origin` is neither the request's own nor allowed.
   * Default: `true`.
   */
  csrfProtection?: boolean;
  /**
   * Origins (`scheme://host[:port]`) trusted for cookie-authenticated unsafe requests besides the app's own
   * origin (the request's `Host` with its scheme): they pass with `Sec-Fetch-Site: same-site` or without Fetch
   * Metadata, never as `cross-site`. Default: `[]`.
   */
  allowedOrigins?: string[];
  /** Name of the access token cookie. Default: `'_access_token_signature'`. */
  accessCookieName?: string;
  /** Name of the refresh token cookie. Default: `'_refresh_token_signature'`. */
  refreshCookieName?: string;
  /** Attributes of the access token cookie, merged over the secure defaults. */
  accessCookieOptions?: CookieAttributes;
  /** Attributes of the refresh token cookie, merged over the secure defaults. */
  refreshCookieOptions?: CookieAttributes;
  /**
   * Refuse (400) to hand bearer tokens to browsers (requests with `Sec-Fetch-Site` or `Sec-Fetch-Dest`), so that
   * page scripts never hold a complete token. Default: `true`.
   */
  enforceBrowserCookies?: boolean;
  /** Generates session ids (must be unique and unguessable, >= 128 bits). Default: 16 random bytes, base64url. */
  genId?: () => string;
  /** Where sessions live. Default: `memorySessionStore()` (single process only). */
  store?: SessionStoreOption;
  /** JWT keys. Default: one HS256 key derived from the base secret, kid `default`. */
  jwt?: Partial<JwtOptions>;
  /**
   * Whether `SessionGuard` loads the session on every request (instant revocation, one store read per request).
   * Routes can override it with `@LoadSession()`. Default: `false`.
   */
  loadSessionByDefault?: boolean;
  /**
   * Lookup-key sessions (opaque credentials such as API keys, see `LookupKeyService`): store, HMAC keyset, lifetime,
   * cookie name. Default: the memory store, one keyset version derived from the base secret, 30-day credentials.
   */
  lookupKeys?: LookupKeyOptions;
}
