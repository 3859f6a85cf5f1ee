import type { LoggerService } from '@nestjs/common';
import type { Cluster, ClusterNode, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import type { Clock } from '../../clock/clock';
import { CharonConfigError } from '../../errors/charon-config.error';

/** Default {@link RedisSessionStoreOptions.keyPrefix}. */
export const DEFAULT_REDIS_KEY_PREFIX = 'charon:';

/** Default {@link RedisSessionStoreOptions.operationTimeoutMs}: 1 second. */
export const DEFAULT_REDIS_OPERATION_TIMEOUT_MS = 1000;

/** Default {@link RedisSessionStoreOptions.startupTimeoutMs}: 10 seconds. */
export const DEFAULT_REDIS_STARTUP_TIMEOUT_MS = 10_000;

/** Default {@link RedisSessionStoreOptions.verificationMemoSize}. */
export const DEFAULT_REDIS_VERIFICATION_MEMO_SIZE = 10_000;

/** Default {@link RedisSessionStoreOptions.reconnectMaxDelayMs}: 2 seconds. */
export const DEFAULT_REDIS_RECONNECT_MAX_DELAY_MS = 2000;

/**
 * Options of {@link RedisSessionStore} and {@link redisSessionStore}.
 *
 * Where to connect, one of:
 * - `url` (optionally with `redisOptions`), or `redisOptions` alone: a standalone Redis (or one behind Sentinel)
 *   through a connection the store creates, owns and closes on application shutdown;
 * - `cluster`: a Redis Cluster through a `Cluster` connection the store creates and owns;
 * - `client`: an existing ioredis `Redis` or `Cluster` that the store uses but never closes.
 *
 * Nothing given: a connection to ioredis' default, `127.0.0.1:6379`.
 *
 * On connections it creates, the store sets fault-handling defaults that keep every operation within
 * `operationTimeoutMs` and let the connection heal by itself (see {@link RedisSessionStoreOptions.redisOptions});
 * a given `client` keeps its own settings, but the store's own deadline still bounds every operation.
 */
export interface RedisSessionStoreOptions {
  /** A `redis://` or `rediss://` URL, e.g. `redis://:password@redis.internal:6379/0`. Not with `client`/`cluster`. */
  url?: string;

  /**
   * ioredis options for the connection the store creates (merged over `url`). They override the store's defaults,
   * which are: `enableOfflineQueue: false` (a command sent while disconnected fails at once instead of waiting in a
   * queue and running later, after its caller has given up), `maxRetriesPerRequest: 0`,
   * `autoResendUnfulfilledCommands: false` (a write whose caller got an error is never replayed on reconnect), and a
   * `retryStrategy` that reconnects forever with a backoff capped at `reconnectMaxDelayMs`, so the store recovers by
   * itself when Redis returns. No `commandTimeout`: the store's own `operationTimeoutMs` deadline bounds every call.
   * With `cluster`, use `cluster.options.redisOptions` for per-node options instead.
   */
  redisOptions?: RedisOptions;

  /**
   * An existing ioredis `Redis` or `Cluster` connection. The store does not own it: it never closes it and does
   * not change its options (so its offline queue, retries and error listeners are the owner's business).
   * Functions are still loaded through it at startup.
   */
  client?: Redis | Cluster;

  /**
   * Connect to a Redis Cluster: the seed `nodes` and ioredis `ClusterOptions`. The store sets a
   * `clusterRetryStrategy` with capped backoff and, per node, `maxRetriesPerRequest: 0` and
   * `autoResendUnfulfilledCommands: false`, each overridable in `options`. The cluster-level offline queue stays on
   * (ioredis needs it during slot refreshes and failovers); `operationTimeoutMs` still bounds every call.
   */
  cluster?: {
    nodes: ClusterNode[];
    options?: ClusterOptions;
  };

  /**
   * Prefix of every key the store writes. Default {@link DEFAULT_REDIS_KEY_PREFIX} (`'charon:'`).
   * Use different prefixes for apps that share one Redis but must not share sessions. Must not contain `{` or `}`,
   * which would break the Cluster hash tag.
   */
  keyPrefix?: string;

  /**
   * Returns the key (at least 32 bytes) that signs and verifies stored sessions. Called per operation, so it can
   * read from a secret holder; it must be cheap. Default (through {@link redisSessionStore}): a key derived from the
   * module's base secret for this purpose only. Set it when rotating the base secret without logging everyone out:
   * sessions signed with another key are invisible (treated as absent and logged as a warning).
   * Required when constructing {@link RedisSessionStore} directly.
   */
  getSigningKey?: () => Uint8Array;

  /**
   * Upper bound, in milliseconds, of one store operation, including a reload of the functions and the retry after
   * Redis lost them. When it passes the operation rejects with `SessionStorageError`. Default
   * {@link DEFAULT_REDIS_OPERATION_TIMEOUT_MS} (1000 ms).
   */
  operationTimeoutMs?: number;

  /**
   * Upper bound, in milliseconds, of startup (connecting and loading the functions); after it the store's
   * `init()` (and so application startup) fails with `SessionStorageError`. Default
   * {@link DEFAULT_REDIS_STARTUP_TIMEOUT_MS} (10 000 ms).
   */
  startupTimeoutMs?: number;

  /**
   * Longest wait, in milliseconds, between two reconnection attempts of a connection the store owns; attempts
   * start fast and back off up to this. Default {@link DEFAULT_REDIS_RECONNECT_MAX_DELAY_MS} (2000 ms).
   * Ignored when `redisOptions.retryStrategy` (or `cluster.options.clusterRetryStrategy`) is set.
   */
  reconnectMaxDelayMs?: number;

  /**
   * How many verified stored values the store remembers (by their exact bytes), so that reading a session that has
   * not changed since the last read skips the HMAC check and the JSON parse. About 1 KB of memory per entry; 0 turns
   * it off. It never serves data Redis did not just return. Default {@link DEFAULT_REDIS_VERIFICATION_MEMO_SIZE}.
   */
  verificationMemoSize?: number;

  /** Source of "now". Default: the module's clock when built by {@link redisSessionStore}, else the wall clock. */
  clock?: Clock;

  /**
   * Receives warnings: ignored entries with a bad signature, lost functions, connection loss and recovery.
   * Warnings never contain session contents or secrets. Default: the module's logger when built by
   * {@link redisSessionStore}, else a Nest `Logger`.
   */
  logger?: LoggerService;
}

/** Shortest signing key accepted: HMAC-SHA256 gains nothing from more, and loses strength with less. */
const MIN_SIGNING_KEY_BYTES = 32;

function validatePositive(problems: string[], name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
    problems.push(`redis session store: ${name} must be a positive number of milliseconds, got ${value}`);
  }
}

/**
 * Checks `options` of {@link RedisSessionStore} at construction.
 * @throws CharonConfigError listing every problem.
 *
 * @internal
 */
export function validateRedisSessionStoreOptions(options: RedisSessionStoreOptions): void {
  const problems: string[] = [];
  if (options.client && (options.url !== undefined || options.redisOptions || options.cluster)) {
    problems.push('redis session store: `client` cannot be combined with `url`, `redisOptions` or `cluster`');
  }
  if (options.cluster && (options.url !== undefined || options.redisOptions)) {
    problems.push(
      'redis session store: `cluster` cannot be combined with `url` or `redisOptions`; put node options in `cluster.options.redisOptions`',
    );
  }
  if (options.cluster && !(Array.isArray(options.cluster.nodes) && options.cluster.nodes.length > 0)) {
    problems.push('redis session store: `cluster.nodes` must list at least one node');
  }
  const keyPrefix = options.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX;
  if (typeof keyPrefix !== 'string' || /[{}]/.test(keyPrefix)) {
    problems.push(`redis session store: keyPrefix must be a string without "{" or "}" (they would break the Cluster hash tag)`);
  }
  validatePositive(problems, 'operationTimeoutMs', options.operationTimeoutMs);
  validatePositive(problems, 'startupTimeoutMs', options.startupTimeoutMs);
  validatePositive(problems, 'reconnectMaxDelayMs', options.reconnectMaxDelayMs);
  const memoSize = options.verificationMemoSize ?? DEFAULT_REDIS_VERIFICATION_MEMO_SIZE;
  if (!(Number.isSafeInteger(memoSize) && memoSize >= 0)) {
    problems.push(`redis session store: verificationMemoSize must be a non-negative integer, got ${memoSize}`);
  }
  if (!options.getSigningKey) {
    problems.push(
      'redis session store: getSigningKey is required when constructing RedisSessionStore directly; use redisSessionStore(), which derives one from the base secret',
    );
  } else {
    let length = -1;
    try {
      length = options.getSigningKey()?.length ?? -1;
    } catch {
      // reported below
    }
    if (!(length >= MIN_SIGNING_KEY_BYTES)) {
      problems.push(`redis session store: getSigningKey must return a key of at least ${MIN_SIGNING_KEY_BYTES} bytes`);
    }
  }
  if (problems.length > 0) throw new CharonConfigError(problems);
}
