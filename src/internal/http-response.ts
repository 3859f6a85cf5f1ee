/**
 * Headers written straight to a response, for the token responses of routes without `CharonCookieInterceptor`.
 * Express's `res` and Fastify's `reply` both have `header(name, value)`; a bare Node `ServerResponse` has `setHeader`.
 */
interface ResponseLike {
  header?: (name: string, value: string) => unknown;
  setHeader?: (name: string, value: string) => unknown;
  headersSent?: boolean;
  sent?: boolean;
  raw?: { headersSent?: boolean };
}

function isResponseLike(value: unknown): value is ResponseLike {
  if (typeof value !== 'object' || value === null) return false;
  const response = value as ResponseLike;
  return typeof response.header === 'function' || typeof response.setHeader === 'function';
}

function headersSent(response: ResponseLike): boolean {
  return response.headersSent === true || response.sent === true || response.raw?.headersSent === true;
}

/**
 * What marks a response that carries tokens: tokens must never sit in a browser or proxy cache (RFC 6749 section
 * 5.1). Written by CharonCookieInterceptor, or by {@link writeNoStoreHeaders} on routes without it.
 * @internal
 */
export const NO_STORE_HEADERS: readonly (readonly [name: string, value: string])[] = [
  ['Cache-Control', 'no-store'],
  ['Pragma', 'no-cache'],
];

/**
 * Writes {@link NO_STORE_HEADERS} to `response` at once. Unlike cookies, these headers do no harm on a response that ends in an error, so they need not wait for the
 * handler to succeed. Returns whether they were written: false when `response` is not a response or was already sent.
 * @internal
 */
export function writeNoStoreHeaders(response: unknown): boolean {
  if (!isResponseLike(response) || headersSent(response)) return false;
  for (const [name, value] of NO_STORE_HEADERS) {
    if (typeof response.header === 'function') response.header(name, value);
    else response.setHeader!(name, value);
  }
  return true;
}
