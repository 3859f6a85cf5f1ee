/** Attributes of the token cookies. Merged over the secure defaults; see {@link DEFAULT_COOKIE_ATTRIBUTES}. */
export interface CookieAttributes {
  /** Hide the cookie from page scripts. Default: `true`. Turning it off defeats the point of the cookie transports. */
  httpOnly?: boolean;
  /** Send only over HTTPS. Default: `true`. Browsers accept Secure cookies from `http://localhost`. */
  secure?: boolean;
  /** Default: `'Strict'`. `'None'` requires `secure: true`. */
  sameSite?: 'Strict' | 'Lax' | 'None';
  /** Default: `'/'`. */
  path?: string;
  /** Default: unset (host-only cookie). */
  domain?: string;
}

/** Secure cookie defaults: HttpOnly, Secure, SameSite=Strict, Path=/ (Max-Age is always the token's TTL). */
export const DEFAULT_COOKIE_ATTRIBUTES: Readonly<Required<Omit<CookieAttributes, 'domain'>>> & { domain?: string } =
  Object.freeze({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
