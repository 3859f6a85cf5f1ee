import { randomBytes } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import { CharonConfigError } from '../errors/charon-config.error';
import { deriveKey } from '../tokens/key-derivation';
import { JwtTokenFactory } from '../tokens/jwt/jwt-token-factory';
import { defaultJwtKeyset } from '../tokens/jwt/jwt-keyset';
import { CHARON_DEFAULTS, CharonConfig, type ResolvedCookieAttributes } from './charon-config';
import type { CharonModuleOptions, SecretValue } from './charon-module-options';
import { DEFAULT_COOKIE_ATTRIBUTES, type CookieAttributes } from './cookie-attributes';
import { validateOptionsSchema } from './charon-options.schema';

/** Minimum base secret length: HKDF output is only as strong as its input. */
const MIN_BASE_SECRET_BYTES = 32;
/** Beyond these, the warning in {@link warnAboutLongLifetimes} fires (OWASP session management guidance). */
const ADVISED_MAX_ACCESS_TOKEN_TTL = 60 * 60;
const ADVISED_MAX_REFRESH_TOKEN_TTL = 180 * 24 * 60 * 60;

/** What the module builds from its options at startup: the config and the token factory. */
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
  return bytes;
}

function cookieAttributes(overrides: CookieAttributes | undefined, name: string, problems: string[]): ResolvedCookieAttributes {
  // An option present but undefined (e.g. from an unset env var) must not switch a secure default off.
  const given = Object.fromEntries(Object.entries(overrides ?? {}).filter(([, value]) => value !== undefined));
  const merged: ResolvedCookieAttributes = { ...DEFAULT_COOKIE_ATTRIBUTES, ...given };
  if (merged.sameSite === 'None' && !merged.secure) problems.push(`${name}: sameSite "None" requires secure: true`);
  return Object.freeze(merged);
}

function defaultGenId(): string {
  return randomBytes(16).toString('base64url');
}

function warnAboutLongLifetimes(config: CharonConfig, logger: LoggerService): void {
  if (config.accessTokenTtl > ADVISED_MAX_ACCESS_TOKEN_TTL) {
    logger.warn?.(
      `accessTokenTtl is ${config.accessTokenTtl}s: access tokens cannot be revoked before they expire; keep them short (<= ${ADVISED_MAX_ACCESS_TOKEN_TTL}s, default 900s) or load the session on every request.`,
    );
  }
  if (config.refreshTokenTtl > ADVISED_MAX_REFRESH_TOKEN_TTL) {
    logger.warn?.(
      `refreshTokenTtl is ${config.refreshTokenTtl}s: idle sessions stay usable that long; OWASP advises short idle timeouts, and more than 6 months is rarely right.`,
    );
  }
}

/**
 * Validates the options and builds the config and token factory, once, at startup.
 * Throws {@link CharonConfigError} listing every problem found.
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

  const config = new CharonConfig(
    options.tokenIssuer,
    options.accessTokenTtl ?? CHARON_DEFAULTS.accessTokenTtl,
    options.refreshTokenTtl ?? CHARON_DEFAULTS.refreshTokenTtl,
    options.sessionTtl ?? CHARON_DEFAULTS.sessionTtl,
    options.refreshCycle ?? CHARON_DEFAULTS.refreshCycle,
    options.accessCookieName ?? CHARON_DEFAULTS.accessCookieName,
    options.refreshCookieName ?? CHARON_DEFAULTS.refreshCookieName,
    cookieAttributes(options.accessCookieOptions, 'accessCookieOptions', problems),
    cookieAttributes(options.refreshCookieOptions, 'refreshCookieOptions', problems),
    options.enforceBrowserCookies ?? CHARON_DEFAULTS.enforceBrowserCookies,
    options.loadSessionByDefault ?? CHARON_DEFAULTS.loadSessionByDefault,
    options.genId ?? defaultGenId,
    derive,
  );
  if (config.accessCookieName === config.refreshCookieName) problems.push('accessCookieName and refreshCookieName must differ');

  let tokenFactory: JwtTokenFactory | undefined;
  if (secret) {
    try {
      const keyset = options.jwt?.keyset;
      tokenFactory = new JwtTokenFactory({
        keyset: keyset === undefined ? defaultJwtKeyset(derive).keyset : typeof keyset === 'function' ? keyset(derive) : keyset,
        signingKey: options.jwt?.signingKey ?? CHARON_DEFAULTS.jwtSigningKey,
      });
    } catch (error) {
      if (error instanceof CharonConfigError) problems.push(...error.problems);
      else problems.push(`jwt: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  if (problems.length > 0 || !tokenFactory) throw new CharonConfigError([...new Set(problems)]);
  warnAboutLongLifetimes(config, logger);
  return { config, tokenFactory };
}
