import type { CookieAttributes } from './cookie-attributes';

/** Cookie attributes after merging the application's over the defaults. */
export type ResolvedCookieAttributes = Required<Omit<CookieAttributes, 'domain'>> & { domain?: string };

/** The settings of a {@link CharonConfig}, by name. */
export interface CharonSettings {
  readonly tokenIssuer: string;
  /** `aud` of issued tokens and required of verified ones; undefined: none. */
  readonly tokenAudience: string | undefined;
  readonly accessTokenTtl: number;
  readonly refreshTokenTtl: number;
  readonly sessionTtl: number | 'infinite';
  readonly refreshCycle: number;
  readonly staleRefreshTokens: 'revoke' | 'reject';
  readonly refreshTokenRotation: 'generations' | 'strict';
  readonly refreshTokenReuseInterval: number;
  readonly maxSessionsPerUser: number;
  readonly csrfProtection: boolean;
  /** Normalized origins (`new URL(o).origin`) trusted besides the request's own. */
  readonly allowedOrigins: ReadonlySet<string>;
  readonly accessCookieName: string;
  readonly refreshCookieName: string;
  readonly accessCookie: Readonly<ResolvedCookieAttributes>;
  readonly refreshCookie: Readonly<ResolvedCookieAttributes>;
  readonly enforceBrowserCookies: boolean;
  readonly loadSessionByDefault: boolean;
  /** Generates a new session id. */
  readonly genId: () => string;
  /** Derives a key for one purpose from the base secret (HKDF-SHA256); see `deriveKey` in key-derivation. */
  readonly deriveKey: (purpose: string, length?: number) => Buffer;
}

/**
 * The validated configuration with every default applied. Inject it to read settings (cookie names, TTLs);
 * it holds no secret, only `deriveKey`, which keeps the base secret in a closure.
 */
export class CharonConfig implements CharonSettings {
  readonly tokenIssuer!: string;
  readonly tokenAudience!: string | undefined;
  readonly accessTokenTtl!: number;
  readonly refreshTokenTtl!: number;
  readonly sessionTtl!: number | 'infinite';
  readonly refreshCycle!: number;
  readonly staleRefreshTokens!: 'revoke' | 'reject';
  readonly refreshTokenRotation!: 'generations' | 'strict';
  readonly refreshTokenReuseInterval!: number;
  readonly maxSessionsPerUser!: number;
  readonly csrfProtection!: boolean;
  readonly allowedOrigins!: ReadonlySet<string>;
  readonly accessCookieName!: string;
  readonly refreshCookieName!: string;
  readonly accessCookie!: Readonly<ResolvedCookieAttributes>;
  readonly refreshCookie!: Readonly<ResolvedCookieAttributes>;
  readonly enforceBrowserCookies!: boolean;
  readonly loadSessionByDefault!: boolean;
  readonly genId!: () => string;
  readonly deriveKey!: (purpose: string, length?: number) => Buffer;

  constructor(settings: CharonSettings) {
    Object.assign(this, settings);
  }
}

/** Defaults of {@link CharonModuleOptions}, in seconds. */
export const CHARON_DEFAULTS = Object.freeze({
  accessTokenTtl: 15 * 60,
  refreshTokenTtl: 60 * 24 * 60 * 60,
  sessionTtl: 365 * 24 * 60 * 60,
  refreshCycle: 5,
  staleRefreshTokens: 'revoke',
  refreshTokenRotation: 'generations',
  refreshTokenReuseInterval: 10,
  maxSessionsPerUser: 50,
  csrfProtection: true,
  accessCookieName: '_access_token_signature',
  refreshCookieName: '_refresh_token_signature',
  enforceBrowserCookies: true,
  loadSessionByDefault: false,
  jwtSigningKey: 'default',
} as const);
