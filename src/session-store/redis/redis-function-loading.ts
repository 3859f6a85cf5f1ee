import type { LoggerService } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { SessionStorageError } from '../../errors/session-storage.error';
import { describeError, isCluster, type RedisClient } from './redis-client';

/**
 * A Redis store's function library and how the store speaks of itself, for {@link RedisFunctionLoader} and
 * {@link startRedisStore}.
 *
 * @internal
 */
export interface RedisFunctionLibrary {
  /** The library name `FUNCTION LOAD` answers with. */
  readonly name: string;
  /** The library's Lua source, with its `#!lua name=...` line. */
  readonly source: string;
  /** The warning logged when Redis lost the library and it is loaded again. */
  readonly lostWarning: string;
}

/**
 * Loads a store's function library on Redis, or on every primary of a Cluster. Shared by the session store's
 * `RedisConnection` and the lookup-key store's calls, which load different libraries the same way.
 *
 * @internal
 */
export class RedisFunctionLoader {
  private loading: Promise<void> | undefined;

  constructor(
    private readonly client: RedisClient,
    private readonly library: RedisFunctionLibrary,
    private readonly logger: LoggerService,
  ) {}

  /** Loads the library; concurrent callers share one load. */
  load(reason: 'start' | 'reload'): Promise<void> {
    if (this.loading) return this.loading;
    if (reason === 'reload') this.logger.warn(this.library.lostWarning);
    const client = this.client;
    const targets: Redis[] = isCluster(client) ? client.nodes('master') : [client];
    this.loading = (async () => {
      if (targets.length === 0) throw new Error('the cluster has no known primary nodes');
      const results = await Promise.allSettled(
        targets.map(async (node) => {
          const reply = await node.call('FUNCTION', 'LOAD', 'REPLACE', this.library.source);
          if (reply !== this.library.name) throw new Error(`unexpected reply to FUNCTION LOAD: ${String(reply)}`);
        }),
      );
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      // At start every primary must take the library (a missing permission should stop the app, not a later
      // request). On a reload one unreachable primary must not fail calls whose keys live elsewhere: a call that
      // needs it fails by itself.
      if (failure && (reason === 'start' || results.every((r) => r.status === 'rejected'))) throw failure.reason;
    })().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }
}

/**
 * Runs a store's start (wait for the connection, load the functions) within `startupTimeoutMs`.
 *
 * @throws SessionStorageError `<store>: could not start: <reason>. <hint>` when `steps` fail or take too long.
 * @internal
 */
export async function startRedisStore(store: string, hint: string, startupTimeoutMs: number, steps: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      steps(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no success within startupTimeoutMs (${startupTimeoutMs} ms)`)), startupTimeoutMs);
      }),
    ]);
  } catch (error) {
    throw new SessionStorageError(`${store}: could not start: ${describeError(error)}. ${hint}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
