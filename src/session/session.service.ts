import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../clock/clock';
import { CharonConfig } from '../config/charon-config';
import { AuthorizationError } from '../errors/authorization.error';
import { CharonError } from '../errors/charon.error';
import { CharonUsageError } from '../errors/charon-usage.error';
import { InsecureTokenTransportError } from '../errors/insecure-token-transport.error';
import { InvalidSessionError } from '../errors/invalid-session.error';
import { SessionConflictError } from '../errors/session-conflict.error';
import { SessionStorageError } from '../errors/session-storage.error';
import { UnsupportedTokenTransportError } from '../errors/unsupported-token-transport.error';
import { serializeCookie } from '../internal/cookies';
import { randomId } from '../internal/random-id';
import { isCrossSiteRequest } from '../internal/cross-site-request';
import type { HttpRequestLike } from '../model/http-request.model';
import { isBrowserRequest, peekRequestState, requestState, responseOfRequest, type CharonRequestState } from '../internal/http-request';
import { writeNoStoreHeaders } from '../internal/http-response';
import { RateLimitedLog } from '../internal/rate-limited-log';
import { SessionStore, type ListUsersOptions, type UserListPage } from '../session-store/session-store';
import {
  sessionCreateChannel,
  sessionDeleteAllChannel,
  sessionDeleteChannel,
  sessionLockConflictChannel,
  sessionRefreshChannel,
  sessionReuseChannel,
} from '../telemetry/charon-telemetry';
import { TokenFactory, type TokenPayload } from '../tokens/token-factory';
import { splitSignature } from '../tokens/token-transport';
import { computeTimestamps, type SessionTimestamps } from './session-timestamps';
import { upgradeSession } from './session-upgrade';
import { isValidUserId, MAX_ROTATED_REFRESH_TOKEN_IDS, SESSION_MODEL_VERSION, TOKEN_TRANSPORTS, type Session, type TokenTransport, type UserId } from '../model/session.model';
import { refreshGeneration } from './token-generation';

/** Longest `fingerprint` accepted, characters. */
export const MAX_FINGERPRINT_LENGTH = 128;

/** Default session type. */
export const DEFAULT_SESSION_TYPE = 'full';

/** Tokens as the client may see them (see {@link TokenTransport}); expiries in unix seconds. */
export interface SessionTokens {
  /** Whole token (`bearer`), `header.payload` (`cookie`) or `null` (`cookie_only`). */
  accessToken: string | null;
  accessTokenExp: number;
  /** Whole token (`bearer`), `header.payload` (`cookie`) or `null` (`cookie_only`). */
  refreshToken: string | null;
  refreshTokenExp: number;
}

/** What creating or refreshing a session produces. */
export interface SessionResult {
  session: Session;
  tokens: SessionTokens;
  tokenTransport: TokenTransport;
  accessTokenPayload: TokenPayload;
  refreshTokenPayload: TokenPayload;
}

/** Options shared by create and refresh. */
export interface SessionWriteOptions {
  /**
   * App data stored with the session. Must be JSON-serializable. On create, default `{}`; on refresh, the session
   * keeps what it held unless a new value is passed (which replaces it whole).
   */
  extraPayload?: Record<string, unknown>;
  /** Claims added to (or overriding) the access token's. */
  accessClaimOverrides?: Record<string, unknown>;
  /** Claims added to (or overriding) the refresh token's. */
  refreshClaimOverrides?: Record<string, unknown>;
  /**
   * The HTTP response (`@Res({ passthrough: true })`: Express `res`, Fastify `reply`) to mark `Cache-Control:
   * no-store` on a route without `CharonCookieInterceptor`. Only needed where nestjs-charon cannot find it itself: a
   * Fastify login route without a nestjs-charon guard (Express requests link to their response; guards record it).
   */
  response?: unknown;
}

/** Options of {@link SessionService.create}. */
export interface CreateSessionOptions extends SessionWriteOptions {
  /** The authenticated user; a number stays a number in `sub`. */
  userId: UserId;
  /** How the client gets its tokens. Browsers may not get `bearer` while `enforceBrowserCookies` is on. */
  tokenTransport: TokenTransport;
  /** Session type. Default `'full'`. */
  sessionType?: string;
  /**
   * A device or client id chosen by the app (1 to 128 characters): the new session replaces the user's live
   * sessions of the same type created with the same fingerprint, in the same atomic step as the insert, so one
   * device holds one session. Default: none (nothing is replaced).
   */
  fingerprint?: string;
}

/** `: <cause>` for a log line; only the message (and code) of an error, never what a store was given. */
function describeCause(cause: unknown): string {
  if (cause === undefined) return '';
  if (!(cause instanceof Error)) return `: ${String(cause)}`;
  const code = (cause as { code?: unknown }).code;
  return `: ${cause.name}${typeof code === 'string' ? ` ${code}` : ''}: ${cause.message}`;
}

/**
 * The refresh token ids a refresh at `now` rotates out: the current one joins those of the burst when the last
 * refresh was within the reuse interval, else it starts a new burst alone (older tokens are dead from then on).
 */
function rotatedRefreshTokenIds(current: Session, now: number, reuseInterval: number): string[] {
  const burst = now <= current.refreshedAt + reuseInterval ? (current.rotatedRefreshTokenIds ?? []) : [];
  return [...burst, current.refreshTokenId].slice(-MAX_ROTATED_REFRESH_TOKEN_IDS);
}

/**
 * Creates, refreshes, lists and deletes sessions, and issues their tokens. The facade over the
 * {@link SessionStore}: it adds telemetry, upgrades sessions stored by older releases, caps sessions per user,
 * logs store failures (rate-limited) and maps them to {@link SessionStorageError} (500), and lock conflicts to
 * {@link SessionConflictError} (409).
 *
 * Methods that take the request read the guard's state from it and leave cookies on it; `CharonCookieInterceptor`,
 * applied to the controller that logs in, refreshes and logs out, writes them to the response, so controllers stay
 * platform-agnostic.
 */
@Injectable()
export class SessionService {
  private readonly logger = new Logger('Charon');
  private readonly storeFailures = new RateLimitedLog(this.logger);
  private warnedNoStoreMissing = false;

  constructor(
    private readonly store: SessionStore,
    private readonly tokenFactory: TokenFactory,
    private readonly config: CharonConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * Logs a user in: a new session and its tokens. The insert also deletes, atomically, the user's sessions of the
   * type with the same `fingerprint` and the least recently refreshed beyond `maxSessionsPerUser`.
   */
  async create(request: HttpRequestLike, options: CreateSessionOptions): Promise<SessionResult> {
    const { userId, tokenTransport, sessionType = DEFAULT_SESSION_TYPE, fingerprint } = options;
    if (!isValidUserId(userId)) throw new InvalidSessionError('SessionService.create(): userId must be a string or a finite number');
    if (fingerprint !== undefined && (typeof fingerprint !== 'string' || fingerprint.length === 0 || fingerprint.length > MAX_FINGERPRINT_LENGTH)) {
      throw new InvalidSessionError(`SessionService.create(): fingerprint must be a string of 1 to ${MAX_FINGERPRINT_LENGTH} characters`);
    }
    const state = requestState(request, this.clock);
    this.assertTransportAllowed(request, state, tokenTransport);
    const time = computeTimestamps(state.now, undefined, this.config);
    const session: Session = {
      id: this.config.genId(),
      userId,
      type: sessionType,
      createdAt: time.now,
      expiresAt: time.sessionExpiresAt,
      refreshedAt: time.now,
      refreshExpiresAt: time.refreshExpiresAt,
      refreshTokenId: randomId(),
      tokensFreshFrom: time.now,
      prevTokensFreshFrom: time.now,
      lockVersion: 0,
      extraPayload: options.extraPayload ?? {},
      version: SESSION_MODEL_VERSION,
    };
    if (fingerprint !== undefined) session.fingerprint = fingerprint;
    const stored = await this.write(session);
    if (sessionCreateChannel.hasSubscribers) sessionCreateChannel.publish(this.eventOf(stored));
    return this.issueTokens(request, state, stored, time, tokenTransport, options);
  }

  /**
   * Refreshes the session `RefreshTokenGuard` loaded for this request: new tokens with the same transport as
   * the refresh token came with, a new refresh token id, maybe a new token generation. Identity fields
   * (id, user, type, createdAt, expiresAt) never change. Rejects with 409 if another refresh won the race.
   */
  async refresh(request: HttpRequestLike, options: SessionWriteOptions = {}): Promise<SessionResult> {
    const state = peekRequestState(request);
    const current = state?.session;
    if (state === undefined || current === undefined || state.tokenTransport === undefined) {
      throw new CharonUsageError('SessionService.refresh() needs the session loaded by RefreshTokenGuard: add @UseGuards(RefreshTokenGuard) to the route');
    }
    this.assertTransportAllowed(request, state, state.tokenTransport);
    const time = computeTimestamps(state.now, current, this.config);
    const generation = refreshGeneration(current, state.now, this.config.refreshCycle);
    // A one-source spread, then assignments: V8 copies that in one step, where a spread with more sources does not.
    const session: Session = { ...current };
    session.refreshedAt = time.now;
    session.refreshExpiresAt = time.refreshExpiresAt;
    session.refreshTokenId = randomId();
    session.rotatedRefreshTokenIds = rotatedRefreshTokenIds(current, state.now, this.config.refreshTokenReuseInterval);
    session.extraPayload = options.extraPayload ?? current.extraPayload;
    if (generation.startsNewGeneration) {
      session.tokensFreshFrom = time.now;
      session.prevTokensFreshFrom = current.tokensFreshFrom;
    }
    const stored = await this.write(session);
    state.session = stored;
    if (sessionRefreshChannel.hasSubscribers) sessionRefreshChannel.publish(this.eventOf(stored));
    return this.issueTokens(request, state, stored, time, state.tokenTransport, options);
  }

  /**
   * Logs out: deletes the session of the request's verified token (access or refresh, see `LogoutGuard`) and
   * clears both token cookies, whatever the transport. The access token stays valid until it expires unless routes
   * load the session.
   */
  async deleteCurrent(request: HttpRequestLike): Promise<void> {
    const state = requestState(request, this.clock);
    if (state.payload !== undefined) {
      const { sid, sub, styp } = state.payload;
      await this.delete(sid, sub, styp);
    }
    // A bearer client has no cookies to clear, so a route without the cookie interceptor is fine for it.
    if (state.cookieInterceptorAttached || (state.tokenTransport !== undefined && state.tokenTransport !== 'bearer')) {
      this.clearTokenCookies(request);
    }
  }

  /**
   * Tells the client to drop both token cookies (same Path and Domain they were set with). Needs
   * `CharonCookieInterceptor` on the route.
   */
  clearTokenCookies(request: HttpRequestLike): void {
    this.setResponseCookies(requestState(request, this.clock), this.clearingCookies());
  }

  /** The Set-Cookie values that drop both token cookies, for code that writes the response itself. */
  clearingCookies(): string[] {
    return [
      serializeCookie(this.config.accessCookieName, '', 0, this.config.accessCookie),
      serializeCookie(this.config.refreshCookieName, '', 0, this.config.refreshCookie),
    ];
  }

  /**
   * Revokes a session whose refresh token was used when it should no longer be (RFC 9700 section 4.14: two
   * parties hold one session): deletes it and publishes `charon:session:reuse`. Called by `RefreshTokenGuard`.
   */
  async revokeForReuse(session: Session): Promise<void> {
    await this.delete(session.id, session.userId, session.type);
    if (sessionReuseChannel.hasSubscribers) sessionReuseChannel.publish(this.eventOf(session));
  }

  /** The live session, or null. */
  async get(sessionId: string, userId: UserId, type: string = DEFAULT_SESSION_TYPE): Promise<Session | null> {
    const session = await this.guardStore('get', () => this.store.get(sessionId, userId, type));
    return session === null ? null : upgradeSession(session);
  }

  /** Every live session of a user, of one type. */
  async getAll(userId: UserId, type: string = DEFAULT_SESSION_TYPE): Promise<Session[]> {
    return (await this.guardStore('getAll', () => this.store.getAll(userId, type))).map(upgradeSession);
  }

  /** How many live sessions a user holds of one type, without loading them where the store can. */
  count(userId: UserId, type: string = DEFAULT_SESSION_TYPE): Promise<number> {
    return this.guardStore('count', () => this.store.count(userId, type));
  }

  /**
   * One page of the user ids holding live sessions of `type` (an admin view). Pass the returned `cursor` back for
   * the next page; it is `null` after the last one. Stores that scan may repeat a user across pages.
   */
  listUsers(type: string = DEFAULT_SESSION_TYPE, options: ListUsersOptions = {}): Promise<UserListPage> {
    return this.guardStore('listUsers', () => this.store.listUsers(type, options));
  }

  /** Deletes one session; deleting a missing one is fine. */
  async delete(sessionId: string, userId: UserId, type: string = DEFAULT_SESSION_TYPE): Promise<void> {
    await this.guardStore('delete', () => this.store.delete(sessionId, userId, type));
    if (sessionDeleteChannel.hasSubscribers) sessionDeleteChannel.publish({ sessionId, userId, sessionType: type });
  }

  /** Logs a user out everywhere: deletes all their sessions of one type. */
  async deleteAll(userId: UserId, type: string = DEFAULT_SESSION_TYPE): Promise<void> {
    await this.guardStore('deleteAll', () => this.store.deleteAll(userId, type));
    if (sessionDeleteAllChannel.hasSubscribers) sessionDeleteAllChannel.publish({ userId, sessionType: type });
  }

  /** Logs out other devices: deletes every session of the request's user and session type but the current one. */
  async deleteAllExceptCurrent(request: HttpRequestLike): Promise<void> {
    const payload = peekRequestState(request)?.payload;
    if (payload === undefined) throw new CharonUsageError('SessionService.deleteAllExceptCurrent() needs a verified token: add a guard to the route');
    const others = (await this.getAll(payload.sub, payload.styp)).filter((session) => session.id !== payload.sid);
    await Promise.all(others.map((session) => this.delete(session.id, session.userId, session.type)));
  }

  /**
   * Checks a transport before anything is written: a refused login or refresh must leave no session behind.
   * Cookie transports set cookies, so they need the interceptor and must not be set from another site.
   */
  private assertTransportAllowed(request: HttpRequestLike, state: CharonRequestState, transport: TokenTransport): void {
    if (!TOKEN_TRANSPORTS.includes(transport)) throw new UnsupportedTokenTransportError();
    if (transport === 'bearer') {
      if (this.config.enforceBrowserCookies && isBrowserRequest(request)) throw new InsecureTokenTransportError();
      return;
    }
    this.assertCookieInterceptor(state);
    if (this.config.csrfProtection && isCrossSiteRequest(request, this.config.allowedOrigins)) {
      throw new AuthorizationError('cross-site request refused');
    }
  }

  /** Upserts and returns the session as stored (lockVersion + 1); inserts are capped per user. */
  private async write(session: Session): Promise<Session> {
    const options = session.lockVersion === 0 ? { maxSessions: this.config.maxSessionsPerUser } : undefined;
    try {
      await this.guardStore('upsert', () => this.store.upsert(session, options));
    } catch (error) {
      if (error instanceof SessionConflictError && sessionLockConflictChannel.hasSubscribers) {
        sessionLockConflictChannel.publish(this.eventOf(session));
      }
      throw error;
    }
    const stored = { ...session };
    stored.lockVersion = session.lockVersion + 1;
    return stored;
  }

  /**
   * Runs a store call; failures of the store are logged (rate-limited, with the cause, never with session
   * contents) and answered 500 without details. Conflicts and invalid sessions pass through as they are.
   */
  private async guardStore<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof CharonError && !(error instanceof SessionStorageError)) throw error;
      const failure = error instanceof SessionStorageError ? error : new SessionStorageError(`session store ${operation} failed`, { cause: error });
      this.storeFailures.error(operation, `${failure.message}${describeCause(failure.cause)}`);
      throw failure;
    }
  }

  private issueTokens(
    request: HttpRequestLike,
    state: CharonRequestState,
    session: Session,
    time: SessionTimestamps,
    transport: TokenTransport,
    options: SessionWriteOptions,
  ): SessionResult {
    const accessTokenPayload = this.tokenClaims(session, time.now, randomId(), time.accessExpiresAt, 'access', options.accessClaimOverrides);
    const refreshTokenPayload = this.tokenClaims(
      session,
      time.now,
      session.refreshTokenId,
      time.refreshExpiresAt,
      'refresh',
      options.refreshClaimOverrides,
    );
    const accessToken = this.tokenFactory.sign(accessTokenPayload);
    const refreshToken = this.tokenFactory.sign(refreshTokenPayload);
    const tokens: SessionTokens = {
      accessToken,
      accessTokenExp: time.accessExpiresAt,
      refreshToken,
      refreshTokenExp: time.refreshExpiresAt,
    };
    const { config } = this;
    if (transport === 'cookie') {
      const access = splitSignature(accessToken);
      const refresh = splitSignature(refreshToken);
      tokens.accessToken = access.headerPayload;
      tokens.refreshToken = refresh.headerPayload;
      this.setResponseCookies(state, [
        serializeCookie(config.accessCookieName, access.signature, time.accessTtl, config.accessCookie),
        serializeCookie(config.refreshCookieName, refresh.signature, time.refreshTtl, config.refreshCookie),
      ]);
    } else if (transport === 'cookie_only') {
      tokens.accessToken = null;
      tokens.refreshToken = null;
      this.setResponseCookies(state, [
        serializeCookie(config.accessCookieName, accessToken, time.accessTtl, config.accessCookie),
        serializeCookie(config.refreshCookieName, refreshToken, time.refreshTtl, config.refreshCookie),
      ]);
    }
    state.carriesTokens = true;
    // Cookies wait for CharonCookieInterceptor (they are sent only once the handler succeeded); a bearer response
    // needs no interceptor, only Cache-Control: no-store, which is harmless on an error response: written now.
    if (!state.cookieInterceptorAttached && !writeNoStoreHeaders(options.response ?? responseOfRequest(request, state))) {
      this.warnNoStoreMissing(request);
    }
    return { session, tokens, tokenTransport: transport, accessTokenPayload, refreshTokenPayload };
  }

  /**
   * The claims of one token, in a fixed order (`aud` after `iss` when configured), then the caller's overrides.
   * Built as one literal per shape rather than by spreading shared parts: this runs twice per login and refresh.
   */
  private tokenClaims(
    session: Session,
    now: number,
    jti: string,
    exp: number,
    type: 'access' | 'refresh',
    overrides: Record<string, unknown> | undefined,
  ): TokenPayload {
    const { tokenIssuer: iss, tokenAudience: aud } = this.config;
    const { id: sid, userId: sub, type: styp } = session;
    const claims: TokenPayload =
      aud === undefined
        ? { iat: now, iss, nbf: now, sid, sub, styp, jti, exp, type }
        : { iat: now, iss, aud, nbf: now, sid, sub, styp, jti, exp, type };
    return overrides === undefined ? claims : ({ ...claims, ...overrides } as TokenPayload);
  }

  /**
   * An HTTP token response whose response object nothing could reach (a Fastify login route with neither the
   * interceptor nor a nestjs-charon guard): said once, since it repeats on every login. WebSocket requests have no
   * method and no response to mark.
   */
  private warnNoStoreMissing(request: HttpRequestLike): void {
    if (this.warnedNoStoreMissing || request.method === undefined) return;
    this.warnedNoStoreMissing = true;
    this.logger.warn(
      'nestjs-charon: a token response went out without Cache-Control: no-store: the route has neither CharonCookieInterceptor nor a nestjs-charon guard through which SessionService could reach the response (a Fastify login route, typically); add @UseInterceptors(CharonCookieInterceptor) to it, or pass the response (@Res({ passthrough: true })) as the response option',
    );
  }

  private assertCookieInterceptor(state: CharonRequestState): void {
    if (!state.cookieInterceptorAttached) {
      throw new CharonUsageError(
        'nestjs-charon: token cookies need CharonCookieInterceptor on this route; add @UseInterceptors(CharonCookieInterceptor) to the controller that logs in, refreshes and logs out',
      );
    }
  }

  private setResponseCookies(state: CharonRequestState, cookies: string[]): void {
    this.assertCookieInterceptor(state);
    state.responseCookies = cookies;
    state.carriesTokens = true;
  }

  private eventOf(session: Session) {
    return { sessionId: session.id, userId: session.userId, sessionType: session.type };
  }
}
