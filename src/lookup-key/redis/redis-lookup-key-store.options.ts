import type { LoggerService } from '@nestjs/common';
import type { Cluster, Redis } from 'ioredis';
import { CharonConfigError } from '../../errors/charon-config.error';
import type { RedisSessionStoreOptions } from '../../session-store/redis/redis-session-store.options';

/** Purpose string of the default record signing key, passed to the module's `deriveKey`. */
export const REDIS_LOOKUP_KEY_SIGNING_PURPOSE = 'lookup-key redis record signing';

/**
 * Options of {@link RedisLookupKeyStore} and {@link redisLookupKeyStore}.
 *
 * Where to connect, one of:
 * - nothing (through `redisLookupKeyStore()` only): the Redis session store's connection, shared;
 * - `client`: an existing ioredis `Redis` or `Cluster`, used but never closed;
 * - `url` (optionally with `redisOptions`), `redisOptions` alone, or `cluster`: a connection the store creates with
 *   the Redis session store's fault-handling defaults, owns, and closes on application shutdown.
 */
export interface RedisLookupKeyStoreOptions extends Pick<RedisSessionStoreOptions, 'url' | 'redisOptions' | 'cluster' | 'reconnectMaxDelayMs'> {
  /** An existing ioredis `Redis` or `Cluster` connection; the store never closes it. Not with `url`/`cluster`. */
  client?: Redis | Cluster;
  /**
   * Prefix of every key the store writes; must not contain `{` or `}`. Default: the Redis session store's prefix
   * when sharing its connection, else `'charon:'`.
   */
  keyPrefix?: string;
  /**
   * Returns the key (>= 32 bytes) that signs stored records. Default (through `redisLookupKeyStore()`): derived from
   * the base secret for this purpose only. Records signed with another key are treated as absent.
   */
  getSigningKey?: () => Uint8Array;
  /** Upper bound of one operation in milliseconds (including a reload of the functions and the retry). Default 1000. */
  operationTimeoutMs?: number;
  /** Upper bound of startup (waiting for the connection, loading the functions) in milliseconds. Default 10 000. */
  startupTimeoutMs?: number;
  /** Receives warnings (ignored records, reloaded functions); never lookup keys or records. Default: the module's. */
  logger?: LoggerService;
}

const MIN_SIGNING_KEY_BYTES = 32;

/**
 * Checks `options` of {@link RedisLookupKeyStore} at construction.
 * @throws CharonConfigError listing every problem.
 *
 * @internal
 */
export function validateRedisLookupKeyStoreOptions(options: RedisLookupKeyStoreOptions): void {
  const problems: string[] = [];
  const connects = options.url !== undefined || options.redisOptions !== undefined || options.cluster !== undefined;
  if (options.client && connects) problems.push('redis lookup-key store: `client` cannot be combined with `url`, `redisOptions` or `cluster`');
  if (!options.client && !connects) {
    problems.push("redis lookup-key store: give `client`, `url`, `redisOptions` or `cluster` (redisLookupKeyStore() without any shares the session store's connection)");
  }
  const { keyPrefix } = options;
  if (keyPrefix !== undefined && (typeof keyPrefix !== 'string' || /[{}]/.test(keyPrefix))) {
    problems.push('redis lookup-key store: keyPrefix must be a string without "{" or "}"');
  }
  for (const name of ['operationTimeoutMs', 'startupTimeoutMs'] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) problems.push(`redis lookup-key store: ${name} must be a positive number of milliseconds`);
  }
  let keyLength = -1;
  try {
    keyLength = options.getSigningKey?.()?.length ?? -1;
  } catch {
    // reported below
  }
  if (!(keyLength >= MIN_SIGNING_KEY_BYTES)) problems.push(`redis lookup-key store: getSigningKey must return a key of at least ${MIN_SIGNING_KEY_BYTES} bytes`);
  if (problems.length > 0) throw new CharonConfigError(problems);
}
