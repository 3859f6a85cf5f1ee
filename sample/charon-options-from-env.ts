import { randomBytes } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { memorySessionStore, type CharonModuleOptions } from 'nestjs-charon';
import { redisSessionStore } from 'nestjs-charon/redis';

/** Reads the environment, collecting every problem so that one failed start names them all. */
class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  /** The variable's value; unset and empty are the same (so `FOO= npm start` means "use the default"). */
  string(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value === '' ? undefined : value;
  }

  /** A whole number (seconds, counts); range checks are the library's, which names the option. */
  integer(name: string): number | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    if (/^\d{1,15}$/.test(value)) return Number(value);
    this.problems.push(`${name} must be a whole number, got ${JSON.stringify(value)}`);
    return undefined;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.string(name);
    if (value === undefined || (allowed as readonly string[]).includes(value)) return value as T | undefined;
    this.problems.push(`${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
    return undefined;
  }

  /**
   * Strict base64url: `Buffer.from(x, 'base64url')` silently skips characters outside the alphabet, so a
   * passphrase pasted here would become a shorter, weaker key without a word.
   */
  base64url(name: string): Buffer | undefined {
    const value = this.string(name);
    if (value === undefined) return undefined;
    const bytes = Buffer.from(value, 'base64url');
    if (bytes.toString('base64url') === value) return bytes;
    this.problems.push(`${name} must be base64url (e.g. from \`openssl rand -base64 32 | tr '+/' '-_' | tr -d '='\`)`);
    return undefined;
  }

  /** Comma-separated values, blanks dropped. */
  list(name: string): string[] | undefined {
    return this.string(name)
      ?.split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }
}

/**
 * The base secret: CHARON_SECRET, or else a random one made now. Never a secret written in the source: anyone
 * can read the source, and with its secret mint tokens for any user of every deployment that forgot the variable.
 */
function baseSecret(reader: EnvReader, logger: Logger): string | Buffer {
  const secret = reader.string('CHARON_SECRET');
  if (secret !== undefined) return secret;
  logger.warn(
    'CHARON_SECRET is not set: using a random secret made at start, so tokens (and sessions stored in Redis) ' +
      "won't survive a restart or work across instances. Set CHARON_SECRET, e.g. to `openssl rand -base64 48`.",
  );
  return randomBytes(48);
}

/** The sample's configuration from the environment (see sample/README.md). */
export function charonOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): CharonModuleOptions {
  const reader = new EnvReader(env);
  const sessionTtl = reader.string('SESSION_TTL') === 'infinite' ? 'infinite' : reader.integer('SESSION_TTL');
  const jwtKey = reader.base64url('JWT_KEY');
  const redisUrl = reader.string('REDIS_URL');
  const options: CharonModuleOptions = {
    tokenIssuer: 'nestjs-charon-sample',
    baseSecret: baseSecret(reader, new Logger('Sample')),
    accessTokenTtl: reader.integer('ACCESS_TOKEN_TTL'),
    refreshTokenTtl: reader.integer('REFRESH_TOKEN_TTL'),
    sessionTtl,
    refreshCycle: reader.integer('REFRESH_CYCLE') ?? 5,
    staleRefreshTokens: reader.oneOf('STALE_REFRESH', ['revoke', 'reject'] as const),
    maxSessionsPerUser: reader.integer('MAX_SESSIONS_PER_USER'),
    allowedOrigins: reader.list('ALLOWED_ORIGINS'),
    store: redisUrl ? redisSessionStore({ url: redisUrl }) : memorySessionStore(),
    jwt: jwtKey ? { keyset: { default: { alg: 'HS256', key: jwtKey } }, signingKey: 'default' } : undefined,
  };
  if (reader.problems.length > 0) {
    throw new Error(`Invalid sample environment:\n${reader.problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
  return options;
}
