import type { LoggerService } from '@nestjs/common';
import type { ClusterOptions, RedisOptions } from 'ioredis';
import { CharonConfigError } from '../../errors/charon-config.error';
import { describeError, type RedisClient } from './redis-client';
import { RedisFunctionLoader, startRedisStore } from './redis-function-loading';
import { REDIS_FUNCTIONS_LIBRARY, REDIS_FUNCTIONS_SOURCE } from './redis-session-functions';
import { DEFAULT_REDIS_RECONNECT_MAX_DELAY_MS, type RedisSessionStoreOptions } from './redis-session-store.options';

/** Longest wait for a polite QUIT on shutdown before the connection is simply dropped. */
const QUIT_TIMEOUT_MS = 1000;

/** ioredis is an optional peer dependency: load it only when a connection has to be created. */
function loadIoredis(): typeof import('ioredis') {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('ioredis') as typeof import('ioredis');
  } catch (error) {
    throw new CharonConfigError([
      `redis session store: the optional dependency ioredis could not be loaded (${(error as Error).message}); install it with \`npm install ioredis\``,
    ]);
  }
}

/** `promise`, or a rejection after `ms` milliseconds; the timer never outlives the race. */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A connection with the store's fault-handling defaults (see {@link RedisSessionStoreOptions.redisOptions}). */
function createClient(options: RedisSessionStoreOptions): RedisClient {
  const ioredis = loadIoredis();
  const maxDelay = options.reconnectMaxDelayMs ?? DEFAULT_REDIS_RECONNECT_MAX_DELAY_MS;
  // Reconnect forever: the store must heal by itself when Redis returns. Start fast, back off to maxDelay.
  const reconnect = (attempt: number): number => Math.min(25 * 2 ** Math.min(attempt, 16), maxDelay);
  // No ioredis commandTimeout: the store's own deadline bounds every call, and a second timer per command costs.
  const perConnection: RedisOptions = { maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false };
  if (options.cluster) {
    const clusterOptions: ClusterOptions = {
      // The cluster-level offline queue stays on (ioredis' default): ioredis parks commands there during slot
      // refreshes and failovers, and the store's own deadline bounds how long any caller waits.
      clusterRetryStrategy: reconnect,
      ...options.cluster.options,
      redisOptions: { ...perConnection, ...options.cluster.options?.redisOptions },
    };
    return new ioredis.Cluster(options.cluster.nodes, clusterOptions);
  }
  const redisOptions: RedisOptions = {
    ...perConnection,
    // Fail fast while disconnected instead of queueing commands that would run after their caller gave up.
    enableOfflineQueue: false,
    retryStrategy: reconnect,
    ...options.redisOptions,
  };
  return options.url !== undefined ? new ioredis.Redis(options.url, redisOptions) : new ioredis.Redis(redisOptions);
}

/**
 * The connection of a `RedisSessionStore`: one it creates from the options (and owns), or the given `client`.
 * Waits for it and loads the function library at start, loads it again when Redis lost it, warns once when an owned
 * connection gets into trouble, and closes an owned connection on shutdown.
 *
 * @internal
 */
export class RedisConnection {
  /** The ioredis connection: created here ({@link owned}) or given as `client`. */
  readonly client: RedisClient;
  /** Whether {@link client} was created here, and so is closed by {@link close}. */
  readonly owned: boolean;
  private readonly functions: RedisFunctionLoader;
  private initialization: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private trouble = false;

  constructor(
    options: RedisSessionStoreOptions,
    private readonly logger: LoggerService,
    private readonly startupTimeoutMs: number,
  ) {
    if (options.client) {
      this.client = options.client;
      this.owned = false;
    } else {
      this.client = createClient(options);
      this.owned = true;
      this.watch();
    }
    this.functions = new RedisFunctionLoader(
      this.client,
      {
        name: REDIS_FUNCTIONS_LIBRARY,
        source: REDIS_FUNCTIONS_SOURCE,
        lostWarning:
          'Redis session store: Redis lost the session functions (restart without persistence, FUNCTION FLUSH or failover); loading them again',
      },
      logger,
    );
  }

  /** One warning when the owned connection gets into trouble and one line when it is back, not one per retry. */
  private watch(): void {
    const onTrouble = (error: unknown): void => {
      if (this.trouble || this.closing) return;
      this.trouble = true;
      this.logger.warn(
        `Redis session store: connection problem (${describeError(error)}); session operations fail until Redis is reachable again`,
      );
    };
    this.client.on('error', onTrouble);
    this.client.on('node error', onTrouble);
    this.client.on('ready', () => {
      if (!this.trouble) return;
      this.trouble = false;
      this.logger.log('Redis session store: connection to Redis restored');
    });
  }

  /**
   * Waits for the connection and loads the function library (on every primary of a Cluster). Idempotent; the
   * store's `init` calls it. Bounded by `startupTimeoutMs`.
   *
   * @throws SessionStorageError when Redis cannot be reached in time, is older than 7.0, or refuses FUNCTION LOAD.
   */
  init(): Promise<void> {
    this.initialization ??= this.start().catch((error: unknown) => {
      this.initialization = undefined;
      throw error;
    });
    return this.initialization;
  }

  /**
   * Closes the connection if it was created here (QUIT, then a hard disconnect if Redis does not answer within a
   * second); a given `client` is left to its owner. Idempotent.
   */
  close(): Promise<void> {
    if (!this.owned) return Promise.resolve();
    this.closing ??= (async () => {
      const client = this.client;
      if (client.status === 'end') return;
      const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
      try {
        await withTimeout(client.quit(), QUIT_TIMEOUT_MS);
      } catch {
        // Not connected: nothing to say goodbye to.
      }
      // Also cancels a pending reconnection attempt. Between attempts ioredis has no socket to close and never
      // emits 'end', so only wait for it while a socket may still be open.
      client.disconnect();
      if ((client.status as string) !== 'reconnecting') await withTimeout(ended, QUIT_TIMEOUT_MS).catch(() => undefined);
    })();
    return this.closing;
  }

  /** Loads the library on Redis, or on every primary of a Cluster. Concurrent callers share one load. */
  loadFunctions(reason: 'start' | 'reload'): Promise<void> {
    return this.functions.load(reason);
  }

  private async start(): Promise<void> {
    let stopWaiting: () => void = () => undefined;
    try {
      await startRedisStore(
        'Redis session store',
        'Check the connection settings, that Redis is 7.0 or newer, and that its user may run FUNCTION LOAD',
        this.startupTimeoutMs,
        async () => {
          await this.waitUntilReady((stop) => (stopWaiting = stop));
          await this.loadFunctions('start');
        },
      );
    } finally {
      stopWaiting();
    }
  }

  /** Resolves when the connection is ready; `register` receives a function that removes the listeners. */
  private waitUntilReady(register: (stop: () => void) => void): Promise<void> {
    const client = this.client;
    if (client.status === 'ready') return Promise.resolve();
    if (client.status === 'end') return Promise.reject(new Error('the Redis connection is closed'));
    if (client.status === 'wait') client.connect().catch(() => undefined);
    return new Promise<void>((resolve, reject) => {
      let lastError: unknown;
      const onReady = (): void => {
        stop();
        resolve();
      };
      const onError = (error: unknown): void => {
        lastError = error;
      };
      const onEnd = (): void => {
        stop();
        reject(new Error(`the Redis connection closed${lastError ? ` (${describeError(lastError)})` : ''}`));
      };
      const stop = (): void => {
        client.off('ready', onReady);
        client.off('error', onError);
        client.off('end', onEnd);
      };
      client.on('ready', onReady);
      client.on('error', onError);
      client.on('end', onEnd);
      register(() => {
        stop();
        if (lastError) reject(new Error(describeError(lastError)));
      });
    });
  }
}
