import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsPositive,
  IsString,
  Matches,
  Min,
  ValidateIf,
  validateSync,
  type ValidationError,
} from 'class-validator';
import type { CharonModuleOptions } from './charon-module-options';
import type { CookieAttributes } from './cookie-attributes';

/** RFC 6265 cookie-name: an HTTP token. */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Attribute values end at ';' and must not smuggle control characters or commas into the header. */
const COOKIE_ATTRIBUTE_VALUE = /^[\x21-\x2b\x2d-\x3a\x3c-\x7e]+$/;

class CookieAttributesSchema implements CookieAttributes {
  @IsOptional() @IsBoolean() httpOnly?: boolean;
  @IsOptional() @IsBoolean() secure?: boolean;
  @IsOptional() @IsIn(['Strict', 'Lax', 'None']) sameSite?: 'Strict' | 'Lax' | 'None';
  @IsOptional() @Matches(/^\//, { message: 'path must start with "/"' }) @Matches(COOKIE_ATTRIBUTE_VALUE) path?: string;
  @IsOptional() @Matches(COOKIE_ATTRIBUTE_VALUE, { message: 'domain must be a plain domain name' }) domain?: string;
}

/** The class-validator view of the plain options; secrets and functions are checked by hand in resolve. */
class CharonOptionsSchema {
  @IsString() @IsNotEmpty() tokenIssuer!: string;
  @IsOptional() @IsInt() @IsPositive() accessTokenTtl?: number;
  @IsOptional() @IsInt() @IsPositive() refreshTokenTtl?: number;
  @IsOptional()
  @ValidateIf((o: CharonOptionsSchema) => o.sessionTtl !== 'infinite')
  @IsInt({ message: 'sessionTtl must be a positive integer or "infinite"' })
  @IsPositive({ message: 'sessionTtl must be a positive integer or "infinite"' })
  sessionTtl?: number | 'infinite';
  @IsOptional() @IsInt() @Min(0) refreshCycle?: number;
  @IsOptional() @IsString() @IsNotEmpty() tokenAudience?: string;
  @IsOptional() @IsIn(['revoke', 'reject']) staleRefreshTokens?: 'revoke' | 'reject';
  @IsOptional() @IsIn(['generations', 'strict']) refreshTokenRotation?: 'generations' | 'strict';
  @IsOptional() @IsInt() @Min(0) refreshTokenReuseInterval?: number;
  @IsOptional() @IsInt() @IsPositive() maxSessionsPerUser?: number;
  @IsOptional() @IsBoolean() csrfProtection?: boolean;
  @IsOptional() @Matches(COOKIE_NAME, { message: 'accessCookieName must be a valid cookie name' }) accessCookieName?: string;
  @IsOptional() @Matches(COOKIE_NAME, { message: 'refreshCookieName must be a valid cookie name' }) refreshCookieName?: string;
  @IsOptional() @IsBoolean() enforceBrowserCookies?: boolean;
  @IsOptional() @IsBoolean() loadSessionByDefault?: boolean;
}

function messages(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) =>
    Object.values(error.constraints ?? {}).map((message) => (prefix ? `${prefix}.${message}` : message)),
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates the declarative parts of the options; returns one message per problem.
 *
 * @internal
 */
export function validateOptionsSchema(options: CharonModuleOptions): string[] {
  if (!isPlainObject(options)) return ['options must be an object'];
  const { tokenIssuer, tokenAudience, accessTokenTtl, refreshTokenTtl, sessionTtl, refreshCycle } = options;
  const { staleRefreshTokens, refreshTokenRotation, refreshTokenReuseInterval, maxSessionsPerUser, csrfProtection } = options;
  const { accessCookieName, refreshCookieName, enforceBrowserCookies, loadSessionByDefault } = options;
  const schema = Object.assign(new CharonOptionsSchema(), {
    tokenIssuer,
    tokenAudience,
    staleRefreshTokens,
    refreshTokenRotation,
    refreshTokenReuseInterval,
    maxSessionsPerUser,
    csrfProtection,
    accessTokenTtl,
    refreshTokenTtl,
    sessionTtl,
    refreshCycle,
    accessCookieName,
    refreshCookieName,
    enforceBrowserCookies,
    loadSessionByDefault,
  });
  const problems = messages(validateSync(schema));
  for (const key of ['accessCookieOptions', 'refreshCookieOptions'] as const) {
    const cookie = options[key];
    if (cookie === undefined) continue;
    if (!isPlainObject(cookie)) {
      problems.push(`${key} must be an object`);
      continue;
    }
    problems.push(...messages(validateSync(Object.assign(new CookieAttributesSchema(), cookie)), key));
  }
  return problems;
}
