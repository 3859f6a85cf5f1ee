import type { ResolvedCookieAttributes } from '../config/charon-config';

/**
 * Value of cookie `name` in a Cookie header, or undefined. Reads only the one cookie and never throws, so a
 * malformed header costs nothing and breaks nothing. Values are not URI-decoded: tokens are base64url.
 *
 * A name that appears twice gives undefined: a sibling subdomain or a plain-HTTP page can plant a cookie with
 * the same name (cookie tossing), and browsers order duplicates by path length, not by trust, so neither the
 * first nor the last can be believed.
 * @internal
 */
export function readCookie(cookieHeader: string | undefined, name: string): string | undefined {
  if (!cookieHeader) return undefined;
  let found: string | undefined;
  let start = 0;
  while (start < cookieHeader.length) {
    let end = cookieHeader.indexOf(';', start);
    if (end === -1) end = cookieHeader.length;
    const eq = cookieHeader.indexOf('=', start);
    if (eq !== -1 && eq < end && cookieHeader.slice(start, eq).trim() === name) {
      if (found !== undefined) return undefined;
      let value = cookieHeader.slice(eq + 1, end).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      found = value;
    }
    start = end + 1;
  }
  return found;
}

/**
 * A Set-Cookie header value. `value` must be cookie-safe (tokens are base64url and dots).
 * @internal
 */
export function serializeCookie(name: string, value: string, maxAge: number, attributes: ResolvedCookieAttributes): string {
  let cookie = `${name}=${value}; Max-Age=${maxAge}; Path=${attributes.path}`;
  if (attributes.domain) cookie += `; Domain=${attributes.domain}`;
  if (maxAge <= 0) cookie += '; Expires=Thu, 01 Jan 1970 00:00:00 GMT';
  if (attributes.httpOnly) cookie += '; HttpOnly';
  if (attributes.secure) cookie += '; Secure';
  return `${cookie}; SameSite=${attributes.sameSite}`;
}
