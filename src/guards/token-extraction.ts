import { readCookie } from '../internal/cookies';
import type { HttpRequestLike } from '../model/http-request.model';
import { headerValue } from '../internal/http-request';
import type { TokenTransport } from '../model/session.model';
import { joinSignature } from '../tokens/token-transport';

/** A token found on a request, and how it arrived. */
export interface ExtractedToken {
  token: string;
  transport: TokenTransport;
}

/** `Bearer x` or `Bearer: x` (the scheme is case-insensitive, RFC 9110); anything else is no bearer token. */
function bearerToken(authorization: string): string | undefined {
  if (authorization.length < 8 || authorization.slice(0, 6).toLowerCase() !== 'bearer') return undefined;
  const separator = authorization[6];
  if (separator !== ' ' && separator !== ':') return undefined;
  const token = authorization.slice(7).trim();
  return token ? token : undefined;
}

/**
 * Finds the token per the transports: an Authorization bearer token (`bearer`); `header.payload` in the
 * header plus a cookie holding `.signature` (`cookie`); or the cookie alone holding the whole token
 * (`cookie_only`). The signature cookie is appended only to a two-segment header token, so a complete bearer
 * token is never spoiled by a stale cookie.
 * @internal
 */
export function extractToken(request: HttpRequestLike, cookieName: string): ExtractedToken | undefined {
  const authorization = headerValue(request, 'authorization');
  const fromHeader = authorization === undefined ? undefined : bearerToken(authorization);
  const cookie = readCookie(headerValue(request, 'cookie'), cookieName);
  if (fromHeader !== undefined) {
    const joined = cookie === undefined ? null : joinSignature(fromHeader, cookie);
    return joined === null ? { token: fromHeader, transport: 'bearer' } : { token: joined, transport: 'cookie' };
  }
  // A lone cookie is the whole token, even a `.signature` one whose header part is missing: like Charon, it then
  // fails verification ("signature invalid") rather than passing for an absent token.
  return cookie ? { token: cookie, transport: 'cookie_only' } : undefined;
}
