import type { HttpRequestLike } from '../model/http-request.model';
import { headerValue } from './http-request';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether the method may change state (RFC 9110 safe methods are GET, HEAD, OPTIONS, TRACE; TRACE is never served).
 * @internal
 */
export function isUnsafeMethod(request: HttpRequestLike): boolean {
  return request.method === undefined || !SAFE_METHODS.has(request.method.toUpperCase());
}

/** The request's own origin, from its Host header and the scheme the platform saw; undefined without a Host. */
function ownOrigin(request: HttpRequestLike): string | undefined {
  const host = headerValue(request, 'host');
  if (host === undefined) return undefined;
  const scheme = request.protocol === 'https' ? 'https' : 'http';
  return URL.parse(`${scheme}://${host}`)?.origin;
}

/**
 * Whether a browser sent this request from another site, the way SPEC section 7 reads it:
 * - `Sec-Fetch-Site` (all current browsers): `same-origin` and `none` (typed URL, bookmark) pass; `same-site` (a
 *   sibling subdomain) passes only from an allowed origin; `cross-site` and any other value are refused: a site
 *   that needs cookie-authenticated writes from another site should use the `cookie` transport instead.
 * - Without it (older browsers, non-browser clients): an `Origin` header must be the request's own or allowed
 *   (`Origin: null`, from sandboxed frames and privacy redirects, never is); no `Origin` passes, since browsers send
 *   one on every cross-origin unsafe request.
 * @internal
 */
export function isCrossSiteRequest(request: HttpRequestLike, allowedOrigins: ReadonlySet<string>): boolean {
  const site = headerValue(request, 'sec-fetch-site');
  const origin = request.headers.origin;
  if (site === 'same-origin' || site === 'none') return false;
  if (site !== undefined && site !== 'same-site') return true;
  if (origin === undefined) return site !== undefined;
  // A repeated Origin header is no origin a browser sends.
  if (typeof origin !== 'string') return true;
  const normalized = URL.parse(origin)?.origin;
  if (normalized === undefined || normalized === 'null') return true;
  if (allowedOrigins.has(normalized)) return false;
  return site !== undefined || normalized !== ownOrigin(request);
}
