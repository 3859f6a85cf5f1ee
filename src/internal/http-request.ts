import type { Clock } from '../clock/clock';
import type { HttpRequestLike } from '../model/http-request.model';
import type { Session, TokenTransport, UserId } from '../model/session.model';
import type { TokenPayload } from '../tokens/token-factory';

/** Per-request authentication state, kept on the request under a symbol so it can't clash with app fields. */
export interface CharonRequestState {
  /** 'now' for this request, read once from the clock. */
  now: number;
  /** Payload of the verified token. */
  payload?: TokenPayload;
  /** How the verified token arrived. */
  tokenTransport?: TokenTransport;
  /** The session, when a guard loaded it. */
  session?: Session;
  /** The lookup-key record a `LookupKeyGuard` accepted: its id and user (lookup-key requests carry no token payload). */
  lookupKey?: { recordId: string; userId: UserId };
  /** Set by CharonCookieInterceptor when it wraps the route: cookies left here will reach the response. */
  cookieInterceptorAttached?: true;
  /**
   * The HTTP response (Express `res`, Fastify `reply`) of the request, recorded by the nestjs-charon guard that
   * ran: token responses of routes without CharonCookieInterceptor are marked `Cache-Control: no-store` through it.
   */
  response?: unknown;
  /** Set-Cookie values for the response, written by CharonCookieInterceptor. */
  responseCookies?: string[];
  /** Set when the response carries tokens (body or cookies): CharonCookieInterceptor adds `Cache-Control: no-store`. */
  carriesTokens?: true;
}

const STATE = Symbol.for('nestjs-charon.request-state');

type WithState = HttpRequestLike & { [STATE]?: CharonRequestState };

/**
 * The request's state, if a guard or the session service already created it.
 * @internal
 */
export function peekRequestState(request: HttpRequestLike): CharonRequestState | undefined {
  return (request as WithState)[STATE];
}

/** The request's state, created with `now` from `clock` on first use. */
export function requestState(request: HttpRequestLike, clock: Clock): CharonRequestState {
  const holder = request as WithState;
  return (holder[STATE] ??= { now: clock.now() });
}

/**
 * The response to write a token response's headers to: the one a guard recorded, else Express's `request.res`
 * (Fastify's request has no link to its reply). Undefined when neither is there.
 * @internal
 */
export function responseOfRequest(request: HttpRequestLike, state: CharonRequestState): unknown {
  return state.response ?? (request as { res?: unknown }).res;
}

/** A single header value; repeated headers (an attack or a broken client) count as absent. */
export function headerValue(request: HttpRequestLike, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Browsers send `Sec-Fetch-Site`/`Sec-Fetch-Dest` on every request; Node's fetch sends only `Sec-Fetch-Mode`,
 * so `Sec-Fetch-Mode` alone does not mark a browser.
 * @internal
 */
export function isBrowserRequest(request: HttpRequestLike): boolean {
  return request.headers['sec-fetch-site'] !== undefined || request.headers['sec-fetch-dest'] !== undefined;
}
