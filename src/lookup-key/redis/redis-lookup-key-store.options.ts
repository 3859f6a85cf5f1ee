import type { LoggerService } from '@nestjs/common';
import type { Cluster, Redis } from 'ioredis';

/** Purpose string of the default record signing key, passed to the module's `deriveKey`. */
export const REDIS_LOOKUP_KEY_SIGNING_PURPOSE = 'lookup-key redis record signing';

/** Options of {@link RedisLookupKeyStore} and {@link redisLookupKeyStore}. */
export interface RedisLookupKeyStoreOptions {
  /**
   * The ioredis `Redis` or `Cluster` connection to use; the store never closes it. Through
   * `redisLookupKeyStore()` it defaults to the Redis session store's connection (one connection for both, closed
   * by the session store on shutdown). Required when constructing {@link RedisLookupKeyStore} directly.
   */
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
