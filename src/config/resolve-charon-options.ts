import type { LoggerService } from '@nestjs/common';
import { CharonConfigError } from '../errors/charon-config.error';
import { randomId } from '../internal/random-id';
import { deriveKey } from '../tokens/key-derivation';
import { JwtTokenFactory } from '../tokens/jwt/jwt-token-factory';
import { defaultJwtTokenFactoryOptions } from '../tokens/jwt/jwt-keyset';
import { CHARON_DEFAULTS, CharonConfig, type ResolvedCookieAttributes } from './charon-config';
import type { CharonModuleOptions, SecretValue } from './charon-module-options';
import { DEFAULT_COOKIE_ATTRIBUTES, type CookieAttributes } from './cookie-attributes';
import { validateOptionsSchema } from './charon-options.schema';

/** Minimum base secret length: HKDF output is only as strong as its input. */
const MIN_BASE_SECRET_BYTES = 32;
/**
 * Minimum estimated entropy of the base secret, bits. The estimate (bytes x Shannon entropy of their distribution)
 * is generous to real secrets (`openssl rand -hex 16`: ~115; 32 random bytes: ~150; `openssl rand -base64 48`:
 * ~330) and refuses the ones people type: 32 times one character scores 0, `abab...` 32, `abcdabcd...` 64.
 */
const MIN_BASE_SECRET_ENTROPY_BITS = 80;
/** Beyond these, the warning in {@link warnAboutLongLifetimes} fires (OWASP session management guidance). */
const ADVISED_MAX_ACCESS_TOKEN_TTL = 60 * 60;
const ADVISED_MAX_REFRESH_TOKEN_TTL = 180 * 24 * 60 * 60;

/**
 * What the module builds from its options at startup: the config and the token factory.
 *
 * @internal
 */
export interface ResolvedCharon {
  config: CharonConfig;
  tokenFactory: JwtTokenFactory;
}

function readBaseSecret(baseSecret: CharonModuleOptions['baseSecret'], problems: string[]): Buffer | undefined {
  let value: SecretValue;
  try {
    value = typeof baseSecret === 'function' ? baseSecret() : baseSecret;
  } catch (error) {
    problems.push(`baseSecret getter threw: ${error instanceof Error ? error.constructor.name : 'error'}`);
    return undefined;
  }
  if (typeof value !== 'string' && !(value instanceof Uint8Array)) {
    problems.push('baseSecret must be a string, a Uint8Array or a function returning one');
    return undefined;
  }
  const bytes = Buffer.from(value);
  if (bytes.length < MIN_BASE_SECRET_BYTES) {
    problems.push(`baseSecret must be at least ${MIN_BASE_SECRET_BYTES} bytes (got ${bytes.length}); generate one with: openssl rand -base64 48`);
    return undefined;
  }
  if (estimatedEntropyBits(bytes) < MIN_BASE_SECRET_ENTROPY_BITS) {
    problems.push('baseSecret has too little entropy (repeated or patterned characters); generate one with: openssl rand -base64 48');
    return undefined;
  }
  return bytes;
}

/** Length times the Shannon entropy of the byte distribution: an upper bound that catches typed secrets. */
function estimatedEntropyBits(bytes: Uint8Array): number {
  const counts = new Map<number, number>();
  for (const byte of bytes) counts.set(byte, (counts.get(byte) ?? 0) + 1);
  let perByte = 0;
  for (const count of counts.values()) {
    const p = count / bytes.length;
    perByte -= p * Math.log2(p);
  }
  return perByte * bytes.length;
}

/** Checks the `allowedOrigins` option; returns the normalized origins. */
function allowedOrigins(value: unknown, problems: string[]): ReadonlySet<string> {
  if (value === undefined) return new Set();
  if (!Array.isArray(value)) {
    problems.push('allowedOrigins must be an array of origins like "https://app.example.com"');
    return new Set();
  }
  const origins = new Set<string>();
  for (const origin of value) {
    const url = typeof origin === 'string' ? URL.parse(origin) : null;
    // An origin is scheme://host[:port] exactly: a path, a trailing slash or a wildcard means a misunderstanding.
    const isOrigin =
      url !== null &&
      (url.protocol === 'https:' || url.protocol === 'http:') &&
      /^([a-z0-9-]+\.)*[a-z0-9-]+$|^\[[0-9a-f:.]+\]$/.test(url.hostname) &&
      !origin.endsWith('/') &&
      url.href === `${url.origin}/`;
    if (isOrigin) origins.add(url.origin);
    else problems.push(`allowedOrigins: ${JSON.stringify(origin)} is not an origin (http(s)://host[:port], no path)`);
  }
  return origins;
}

function cookieAttributes(
  overrides: CookieAttributes | undefined,
  option: string,
  cookieName: string,
  problems: string[],
  warnings: string[],
): ResolvedCookieAttributes {
  // An option present but undefined (e.g. from an unset env var) must not switch a secure default off.
  const given = Object.fromEntries(Object.entries(overrides ?? {}).filter(([, value]) => value !== undefined));
  const merged: ResolvedCookieAttributes = { ...DEFAULT_COOKIE_ATTRIBUTES, ...given };
  if (merged.sameSite === 'None' && !merged.secure) problems.push(`${option}: sameSite "None" requires secure: true`);
  // Browsers silently drop prefixed cookies that break the prefix's rules: fail at boot instead of at login.
  if (cookieName.startsWith('__Host-') && (merged.path !== '/' || !merged.secure || merged.domain !== undefined)) {
    problems.push(`${option}: a "__Host-" cookie (${cookieName}) needs path "/", secure: true and no domain`);
  } else if (cookieName.startsWith('__Secure-') && !merged.secure) {
    problems.push(`${option}: a "__Secure-" cookie (${cookieName}) needs secure: true`);
  }
  if (!merged.httpOnly) {
    warnings.push(`${option}: httpOnly is off, so page scripts can read the token cookie ${cookieName} (XSS can steal tokens)`);
  }
  if (!merged.secure) {
    warnings.push(`${option}: secure is off, so the token cookie ${cookieName} travels over plain HTTP; browsers accept Secure cookies from http://localhost`);
  }
  return Object.freeze(merged);
}

function warnAboutLongLifetimes(config: CharonConfig, warnings: string[]): void {
  if (config.accessTokenTtl > ADVISED_MAX_ACCESS_TOKEN_TTL) {
    warnings.push(
      `accessTokenTtl is ${config.accessTokenTtl}s: access tokens cannot be revoked before they expire; keep them short (<= ${ADVISED_MAX_ACCESS_TOKEN_TTL}s, default 900s) or load the session on every request.`,
    );
  }
  if (config.refreshTokenTtl > ADVISED_MAX_REFRESH_TOKEN_TTL) {
    warnings.push(
      `refreshTokenTtl is ${config.refreshTokenTtl}s: idle sessions stay usable that long; OWASP advises short idle timeouts, and more than 6 months is rarely right.`,
    );
  }
  if (config.sessionTtl === 'infinite') {
    warnings.push('sessionTtl is "infinite": a session refreshed regularly never ends; prefer an absolute lifetime (default 365 days).');
  }
}

/**
 * Validates the options and builds the config and token factory, once, at startup.
 * Throws {@link CharonConfigError} listing every problem found.
 *
 * @internal
 */
export function resolveCharonOptions(options: CharonModuleOptions, logger: LoggerService): ResolvedCharon {
  const problems = validateOptionsSchema(options);
  if (problems.length > 0 && (typeof options !== 'object' || options === null)) throw new CharonConfigError(problems);

  const secret = readBaseSecret(options.baseSecret, problems);
  const derive = (purpose: string, length?: number): Buffer => {
    if (!secret) throw new CharonConfigError(['baseSecret is invalid']);
    return deriveKey(secret, purpose, length);
  };
  if (options.genId !== undefined && typeof options.genId !== 'function') problems.push('genId must be a function');

  const warnings: string[] = [];
  const accessCookieName = options.accessCookieName ?? CHARON_DEFAULTS.accessCookieName;
  const refreshCookieName = options.refreshCookieName ?? CHARON_DEFAULTS.refreshCookieName;
  const config = new CharonConfig({
    tokenIssuer: options.tokenIssuer,
    tokenAudience: options.tokenAudience,
    accessTokenTtl: options.accessTokenTtl ?? CHARON_DEFAULTS.accessTokenTtl,
    refreshTokenTtl: options.refreshTokenTtl ?? CHARON_DEFAULTS.refreshTokenTtl,
    sessionTtl: options.sessionTtl ?? CHARON_DEFAULTS.sessionTtl,
    refreshCycle: options.refreshCycle ?? CHARON_DEFAULTS.refreshCycle,
    staleRefreshTokens: options.staleRefreshTokens ?? CHARON_DEFAULTS.staleRefreshTokens,
    refreshTokenRotation: options.refreshTokenRotation ?? CHARON_DEFAULTS.refreshTokenRotation,
    refreshTokenReuseInterval: options.refreshTokenReuseInterval ?? CHARON_DEFAULTS.refreshTokenReuseInterval,
    maxSessionsPerUser: options.maxSessionsPerUser ?? CHARON_DEFAULTS.maxSessionsPerUser,
    csrfProtection: options.csrfProtection ?? CHARON_DEFAULTS.csrfProtection,
    allowedOrigins: allowedOrigins(options.allowedOrigins, problems),
    accessCookieName,
    refreshCookieName,
    accessCookie: cookieAttributes(options.accessCookieOptions, 'accessCookieOptions', accessCookieName, problems, warnings),
    refreshCookie: cookieAttributes(options.refreshCookieOptions, 'refreshCookieOptions', refreshCookieName, problems, warnings),
    enforceBrowserCookies: options.enforceBrowserCookies ?? CHARON_DEFAULTS.enforceBrowserCookies,
    loadSessionByDefault: options.loadSessionByDefault ?? CHARON_DEFAULTS.loadSessionByDefault,
    genId: options.genId ?? randomId,
    deriveKey: derive,
  });
  if (config.accessCookieName === config.refreshCookieName) problems.push('accessCookieName and refreshCookieName must differ');

  let tokenFactory: JwtTokenFactory | undefined;
  if (secret) {
    try {
      const keyset = options.jwt?.keyset;
      tokenFactory = new JwtTokenFactory({
        keyset: keyset === undefined ? defaultJwtTokenFactoryOptions(derive).keyset : typeof keyset === 'function' ? keyset(derive) : keyset,
        signingKey: options.jwt?.signingKey ?? CHARON_DEFAULTS.jwtSigningKey,
      });
    } catch (error) {
      if (error instanceof CharonConfigError) problems.push(...error.problems);
      else problems.push(`jwt: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  if (problems.length > 0 || !tokenFactory) throw new CharonConfigError([...new Set(problems)]);
  warnAboutLongLifetimes(config, warnings);
  for (const warning of warnings) logger.warn?.(warning);
  return { config, tokenFactory };
}
