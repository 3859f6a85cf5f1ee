import { CharonUsageError } from '../errors/charon-usage.error';

/**
 * Splitting and joining tokens for the `cookie` transport: the response body carries `header.payload`,
 * the HttpOnly cookie carries `.signature`, so a script on the page never holds a complete token. The
 * client sends `Authorization: Bearer header.payload` plus the cookie, and the server joins them.
 */

/** A token split for the `cookie` transport. */
export interface SplitToken {
  /** `header.payload`: what the response body (and later the Authorization header) carries. */
  readonly headerPayload: string;
  /** `.signature`, leading dot included: what the cookie carries. The dot marks it as a signature. */
  readonly signature: string;
}

/**
 * Splits `header.payload.signature` at its last dot into `header.payload` and `.signature`.
 *
 * Meant for tokens this library just signed, so a value without a separator is a programming error.
 * @throws {TypeError} if `token` has no dot, or nothing before or after its last dot.
 * @internal
 */
export function splitSignature(token: string): SplitToken {
  const dot = token.lastIndexOf('.');
  if (dot < 1 || dot === token.length - 1) {
    throw new CharonUsageError('splitSignature: expected a token of the form header.payload.signature');
  }
  return { headerPayload: token.slice(0, dot), signature: token.slice(dot) };
}

/**
 * Rebuilds a token from the Authorization header's `header.payload` and the cookie's `.signature`.
 *
 * Joins only when the cookie holds a signature (starts with `.`, has no other dot, has something after
 * the dot) and the header part is exactly `header.payload` (one dot, with text on both sides).
 * Anything else returns null, and the caller decides: e.g. a complete token in the header is used as is,
 * a complete token in the cookie alone means `cookie_only`. The joined token is not verified here.
 *
 * @returns the complete token, or null when the two parts are not a `cookie` transport pair.
 * @internal
 */
export function joinSignature(headerPayload: string, cookieValue: string): string | null {
  const cookieLength = cookieValue.length;
  if (cookieLength < 2 || cookieValue.charCodeAt(0) !== 0x2e /* . */ || cookieValue.indexOf('.', 1) !== -1) {
    return null;
  }
  const dot = headerPayload.indexOf('.');
  if (dot < 1 || dot === headerPayload.length - 1 || headerPayload.indexOf('.', dot + 1) !== -1) return null;
  return headerPayload + cookieValue;
}
