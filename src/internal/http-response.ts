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
 * Marks a response that carries tokens `Cache-Control: no-store` (RFC 6749 section 5.1) and `Pragma: no-cache`, at
 * once. Unlike cookies, these headers do no harm on a response that ends in an error, so they need not wait for the
 * handler to succeed. Returns whether they were written: false when `response` is not a response or was already sent.
 * @internal
 */
export function writeNoStoreHeaders(response: unknown): boolean {
  if (!isResponseLike(response) || headersSent(response)) return false;
  if (typeof response.header === 'function') {
    response.header('Cache-Control', 'no-store');
    response.header('Pragma', 'no-cache');
  } else {
    response.setHeader!('Cache-Control', 'no-store');
    response.setHeader!('Pragma', 'no-cache');
  }
  return true;
}
