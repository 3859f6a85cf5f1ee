import type { LoggerService } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { SessionStorageError } from '../../errors/session-storage.error';
import { OperationDeadlines } from '../../session-store/redis/operation-deadlines';
import { describeError, isCluster, isMissingFunction, type RedisClient } from '../../session-store/redis/redis-connection';
import { REDIS_LOOKUP_KEY_FUNCTIONS_LIBRARY, REDIS_LOOKUP_KEY_FUNCTIONS_SOURCE } from './redis-lookup-key-functions';

/**
 * How the Redis lookup-key store talks to Redis: waits for the connection and loads its function library (on every
 * primary of a Cluster) at start, runs each call under the operation deadline, and loads the library again, within
 * the same deadline, when Redis lost it. The session store's `RedisConnection` does the same for its own library.
 *
 * @internal
 */
export class LookupKeyRedisCalls {
  private readonly deadlines: OperationDeadlines;
  private initialization: Promise<void> | undefined;
  private functionLoad: Promise<void> | undefined;

  constructor(
    readonly client: RedisClient,
    private readonly logger: LoggerService,
    private readonly operationTimeoutMs: number,
    private readonly startupTimeoutMs: number,
  ) {
    this.deadlines = new OperationDeadlines(operationTimeoutMs);
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
        .catch((error: unknown) => (isMissingFunction(error) ? this.loadFunctions('reload').then(work) : Promise.reject(error)))
        .then((reply) => {
          if (!this.deadlines.settle(deadline)) return;
          // Later steps of the operation run under their own deadlines; their errors pass through as they are.
          Promise.resolve()
            .then(() => interpret(reply))
            .then(resolve, reject);
        }, fail);
    });
  }

  private async start(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        (async () => {
          await this.whenReady();
          await this.loadFunctions('start');
        })(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no success within startupTimeoutMs (${this.startupTimeoutMs} ms)`)), this.startupTimeoutMs);
        }),
      ]);
    } catch (error) {
      throw new SessionStorageError(`Redis lookup-key store: could not start: ${describeError(error)}. Check that Redis is 7.0 or newer and that its user may run FUNCTION LOAD`, {
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves once the connection is ready (connecting a lazy one); the caller's timeout bounds the wait. */
  private async whenReady(): Promise<void> {
    const client = this.client;
    if (client.status === 'ready') return;
    if (client.status === 'end') throw new Error('the Redis connection is closed');
    if (client.status === 'wait') client.connect().catch(() => undefined);
    await new Promise<void>((resolve) => client.once('ready', () => resolve()));
  }

  /** Loads the library on Redis, or on every primary of a Cluster. Concurrent callers share one load. */
  private loadFunctions(reason: 'start' | 'reload'): Promise<void> {
    if (this.functionLoad) return this.functionLoad;
    if (reason === 'reload') this.logger.warn('Redis lookup-key store: Redis lost the lookup-key functions; loading them again');
    const client = this.client;
    const targets: Redis[] = isCluster(client) ? client.nodes('master') : [client];
    this.functionLoad = (async () => {
      if (targets.length === 0) throw new Error('the cluster has no known primary nodes');
      const results = await Promise.allSettled(
        targets.map(async (node) => {
          const reply = await node.call('FUNCTION', 'LOAD', 'REPLACE', REDIS_LOOKUP_KEY_FUNCTIONS_SOURCE);
          if (reply !== REDIS_LOOKUP_KEY_FUNCTIONS_LIBRARY) throw new Error(`unexpected reply to FUNCTION LOAD: ${String(reply)}`);
        }),
      );
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      // As in the session store: every primary at start; on a reload, one unreachable primary fails only its calls.
      if (failure && (reason === 'start' || results.every((r) => r.status === 'rejected'))) throw failure.reason;
    })().finally(() => {
      this.functionLoad = undefined;
    });
    return this.functionLoad;
  }

}
