import type { CookieAttributes } from './cookie-attributes';

/** Cookie attributes after merging the application's over the defaults. */
export type ResolvedCookieAttributes = Required<Omit<CookieAttributes, 'domain'>> & { domain?: string };

/**
 * The validated configuration with every default applied. Inject it to read settings (cookie names, TTLs);
 * it holds no secret, only `deriveKey`, which keeps the base secret in a closure.
 */
export class CharonConfig {
  constructor(
    readonly tokenIssuer: string,
    readonly accessTokenTtl: number,
    readonly refreshTokenTtl: number,
    readonly sessionTtl: number | 'infinite',
    readonly refreshCycle: number,
    readonly accessCookieName: string,
    readonly refreshCookieName: string,
    readonly accessCookie: Readonly<ResolvedCookieAttributes>,
    readonly refreshCookie: Readonly<ResolvedCookieAttributes>,
    readonly enforceBrowserCookies: boolean,
    readonly loadSessionByDefault: boolean,
    /** Generates a new session id. */
    readonly genId: () => string,
    /** Derives a key for one purpose from the base secret (HKDF-SHA256); see `deriveKey` in key-derivation. */
    readonly deriveKey: (purpose: string, length?: number) => Buffer,
  ) {}
}

/** Defaults of {@link CharonModuleOptions}, in seconds. */
export const CHARON_DEFAULTS = Object.freeze({
  accessTokenTtl: 15 * 60,
  refreshTokenTtl: 60 * 24 * 60 * 60,
  sessionTtl: 365 * 24 * 60 * 60,
  refreshCycle: 5,
  accessCookieName: '_access_token_signature',
  refreshCookieName: '_refresh_token_signature',
  enforceBrowserCookies: true,
  loadSessionByDefault: false,
  jwtSigningKey: 'default',
});
