import type { LoggerService } from '@nestjs/common';
import { SessionStorageError } from '../../errors/session-storage.error';
import { OperationDeadlines } from '../../session-store/redis/operation-deadlines';
import { describeError, isMissingFunction, type RedisClient } from '../../session-store/redis/redis-client';
import { RedisFunctionLoader, startRedisStore } from '../../session-store/redis/redis-function-loading';
import { REDIS_LOOKUP_KEY_FUNCTIONS_LIBRARY, REDIS_LOOKUP_KEY_FUNCTIONS_SOURCE } from './redis-lookup-key-functions';

/**
 * How the Redis lookup-key store talks to Redis: waits for the connection and loads its function library (on every
 * primary of a Cluster) at start, runs each call under the operation deadline, and loads the library again, within
 * the same deadline, when Redis lost it, with the loader and the start the session store's `RedisConnection` uses.
 *
 * @internal
 */
export class LookupKeyRedisCalls {
  private readonly deadlines: OperationDeadlines;
  private readonly functions: RedisFunctionLoader;
  private initialization: Promise<void> | undefined;

  constructor(
    readonly client: RedisClient,
    logger: LoggerService,
    private readonly operationTimeoutMs: number,
    private readonly startupTimeoutMs: number,
  ) {
    this.deadlines = new OperationDeadlines(operationTimeoutMs);
    this.functions = new RedisFunctionLoader(
      client,
      {
        name: REDIS_LOOKUP_KEY_FUNCTIONS_LIBRARY,
        source: REDIS_LOOKUP_KEY_FUNCTIONS_SOURCE,
        lostWarning: 'Redis lookup-key store: Redis lost the lookup-key functions; loading them again',
      },
      logger,
    );
  }

  /** Waits for the connection and loads the functions; idempotent. @throws SessionStorageError after `startupTimeoutMs`. */
  init(): Promise<void> {
    this.initialization ??= this.start().catch((error: unknown) => {
      this.initialization = undefined;
      throw error;
    });
    return this.initialization;
  }

  /**
   * Settles with `interpret(reply)` of `work()` (one round trip) under the operation deadline, retrying once after
   * reloading the functions if Redis lost them; failures become {@link SessionStorageError}.
   */
  run<T, R = T>(operation: string, work: () => Promise<T>, interpret: (reply: T) => R | Promise<R> = (reply) => reply as unknown as R): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const deadline = this.deadlines.start(() =>
        reject(new SessionStorageError(`Redis lookup-key store: ${operation} timed out after ${this.operationTimeoutMs} ms`)),
      );
      const fail = (error: unknown): void => {
        if (!this.deadlines.settle(deadline)) return;
        reject(new SessionStorageError(`Redis lookup-key store: ${operation} failed: ${describeError(error)}`, { cause: error }));
      };
      work()
        .catch((error: unknown) => (isMissingFunction(error) ? this.functions.load('reload').then(work) : Promise.reject(error)))
        .then((reply) => {
          if (!this.deadlines.settle(deadline)) return;
          // Later steps of the operation run under their own deadlines; their errors pass through as they are.
          Promise.resolve()
            .then(() => interpret(reply))
            .then(resolve, reject);
        }, fail);
    });
  }

  private start(): Promise<void> {
    return startRedisStore(
      'Redis lookup-key store',
      'Check that Redis is 7.0 or newer and that its user may run FUNCTION LOAD',
      this.startupTimeoutMs,
      async () => {
        await this.whenReady();
        await this.functions.load('start');
      },
    );
  }

  /** Resolves once the connection is ready (connecting a lazy one); the caller's timeout bounds the wait. */
  private async whenReady(): Promise<void> {
    const client = this.client;
    if (client.status === 'ready') return;
    if (client.status === 'end') throw new Error('the Redis connection is closed');
    if (client.status === 'wait') client.connect().catch(() => undefined);
    await new Promise<void>((resolve) => client.once('ready', () => resolve()));
  }
}
