import { Logger, type LoggerService, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { CharonConfigError } from '../../errors/charon-config.error';
import { InvalidSessionError } from '../../errors/invalid-session.error';
import { SessionConflictError } from '../../errors/session-conflict.error';
import { SessionStorageError } from '../../errors/session-storage.error';
import { isValidUserId, type UserId } from '../../model/session.model';
import type { RedisClient } from '../../session-store/redis/redis-client';
import { RedisConnection } from '../../session-store/redis/redis-connection';
import { RedisSessionStore } from '../../session-store/redis/redis-session-store';
import {
  DEFAULT_REDIS_KEY_PREFIX,
  DEFAULT_REDIS_OPERATION_TIMEOUT_MS,
  DEFAULT_REDIS_STARTUP_TIMEOUT_MS,
} from '../../session-store/redis/redis-session-store.options';
import type { LookupKeyCandidate, LookupKeyMatch, LookupKeyQuery, LookupKeyRecord, NewLookupKeyRecord } from '../lookup-key.model';
import { LookupKeyStore, type LookupKeyInsertOptions } from '../lookup-key-store';
import type { LookupKeyStoreFactory } from '../lookup-key-store-factory';
import { newRecordProblem } from '../lookup-key-validation';
import { decodeIndexEntry, encodeIndexEntry, indexKey, LookupKeyRecordCodec, shardKey, VALID_SHARD } from './redis-lookup-key-codec';
import { LookupKeyRedisCalls } from './redis-lookup-key-calls';
import { LookupKeyInsertResult, REDIS_LOOKUP_KEY_FUNCTION_NAMES as FN } from './redis-lookup-key-functions';
import { REDIS_LOOKUP_KEY_SIGNING_PURPOSE, validateRedisLookupKeyStoreOptions, type RedisLookupKeyStoreOptions } from './redis-lookup-key-store.options';

/** Warnings about refused records are coalesced to one per this many milliseconds, so they cannot flood the log. */
const WARNING_INTERVAL_MS = 60_000;

/**
 * Lookup-key records in Redis (>= 7.0), standalone or Cluster.
 *
 * Layout (see the function library for the value formats): records live in shard hashes
 * `<prefix>{lk.<shard>}:lookup-key-shard`, one per shard tag (65 536 of them, spread over every Cluster slot), each
 * holding the records whose secrets have that tag, by id and by lookup key; every user has an index hash
 * `<prefix>{<user tag>}:lookup-keys` of their live records for listing and bulk revocation. Every key expires with
 * the latest record written into it.
 *
 * Round trips: `find` is one FCALL_RO on the secret's shard (every candidate version is in it); `insert` is two
 * (shard, then the user's index, which also enforces `maxPerUser`); `rekey` one; `revoke` three (read the index
 * entry, revoke in the shard, drop the index entry); `revokeAll` and `list` read the index once.
 *
 * Shard and index are in different slots, so nothing spans both atomically; the order of the steps keeps every
 * intermediate state safe: a record is inserted in its shard before its index entry (a crash in between leaves a
 * record whose credential was never handed out), and revoked in its shard before its index entry goes.
 */
export class RedisLookupKeyStore extends LookupKeyStore implements OnModuleInit, OnApplicationShutdown {
  /** The ioredis connection: given as `client`, or created from `url`/`redisOptions`/`cluster` (then owned). */
  readonly client: RedisClient;
  readonly keyPrefix: string;
  private readonly codec: LookupKeyRecordCodec;
  private readonly calls: LookupKeyRedisCalls;
  private readonly logger: LoggerService;
  /** Set when the store created its connection, which it then closes on shutdown. */
  private readonly ownConnection: RedisConnection | undefined;
  private refusedSinceWarning = 0;
  private lastWarningAt = -Infinity;

  /** @throws CharonConfigError listing every problem with `options`. */
  constructor(options: RedisLookupKeyStoreOptions) {
    super();
    validateRedisLookupKeyStoreOptions(options);
    this.keyPrefix = options.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX;
    this.codec = new LookupKeyRecordCodec(options.getSigningKey!);
    this.logger = options.logger ?? new Logger(RedisLookupKeyStore.name);
    const startupTimeoutMs = options.startupTimeoutMs ?? DEFAULT_REDIS_STARTUP_TIMEOUT_MS;
    if (options.client) {
      this.client = options.client;
    } else {
      const { url, redisOptions, cluster, reconnectMaxDelayMs } = options;
      this.ownConnection = new RedisConnection({ url, redisOptions, cluster, reconnectMaxDelayMs }, this.logger, startupTimeoutMs);
      this.client = this.ownConnection.client;
    }
    this.calls = new LookupKeyRedisCalls(this.client, this.logger, options.operationTimeoutMs ?? DEFAULT_REDIS_OPERATION_TIMEOUT_MS, startupTimeoutMs);
  }

  /**
   * Waits for the connection and loads the function library on every primary. Idempotent; the factory and
   * `onModuleInit` call it. @throws SessionStorageError when that fails within `startupTimeoutMs`.
   */
  init(): Promise<void> {
    return this.calls.init();
  }

  async onModuleInit(): Promise<void> {
    await this.init();
  }

  /** Closes the connection if the store created it; a given or shared one is left to its owner. */
  async onApplicationShutdown(): Promise<void> {
    await this.ownConnection?.close();
  }

  insert(record: NewLookupKeyRecord, now: number, options: LookupKeyInsertOptions = {}): Promise<boolean> {
    const problem = newRecordProblem(record) ?? (VALID_SHARD.test(record.shard) ? undefined : 'record.shard must be a short tag of [A-Za-z0-9_.-]');
    if (problem !== undefined) return Promise.reject(new InvalidSessionError(problem));
    const shard = shardKey(this.keyPrefix, record.shard);
    const args = [record.id, record.key.lookupKey, this.codec.encode(record, record.key), record.expiresAt, now];
    return this.calls.run('insert', () => this.client.fcall(FN.shardInsert, 1, shard, ...args), async (reply) => {
      if (reply === LookupKeyInsertResult.Exists) throw new SessionConflictError('a lookup-key record with this id or lookup key exists');
      if (reply !== LookupKeyInsertResult.Ok) throw this.unexpectedReply('insert');
      if (record.expiresAt <= now) return true;
      let added: unknown;
      try {
        added = await this.calls.run('insert', () =>
          this.client.fcall(FN.indexAdd, 1, indexKey(this.keyPrefix, record.userId), record.id, encodeIndexEntry(record, record.shard), record.expiresAt, now, options.maxPerUser ?? ''),
        );
      } catch (error) {
        // The index may or may not have taken the entry: revoke, so that whatever it lists is dead.
        await this.revokeInShard(record.shard, record.id, now).catch(() => undefined);
        throw error;
      }
      if (added === LookupKeyInsertResult.Ok) return true;
      // Over the cap: take the record out again. Its id and credential were never handed out, so no tombstone.
      await this.calls.run('insert', () => this.client.fcall(FN.shardRemove, 1, shard, record.id));
      if (added === LookupKeyInsertResult.Limit) return false;
      throw this.unexpectedReply('insert');
    });
  }

  find(query: LookupKeyQuery, now: number): Promise<LookupKeyMatch | null> {
    const candidates = Array.isArray(query?.candidates) ? query.candidates.filter((c) => typeof c?.lookupKey === 'string') : [];
    if (candidates.length === 0 || typeof query.shard !== 'string' || !VALID_SHARD.test(query.shard)) return Promise.resolve(null);
    const key = shardKey(this.keyPrefix, query.shard);
    return this.calls.run('find', () => this.client.fcall_ro(FN.shardFind, 1, key, now, ...candidates.map((c) => c.lookupKey)), (reply) => {
      if (reply === null) return null;
      if (typeof reply !== 'string') throw this.unexpectedReply('find');
      const decoded = this.codec.decode(reply);
      if (decoded === undefined) {
        this.warnRefused();
        return null;
      }
      return decoded.record.expiresAt > now ? decoded : null;
    });
  }

  rekey(id: string, shard: string, from: LookupKeyCandidate, to: LookupKeyCandidate, now: number): Promise<boolean> {
    if (typeof id !== 'string' || typeof shard !== 'string' || !VALID_SHARD.test(shard)) return Promise.resolve(false);
    const key = shardKey(this.keyPrefix, shard);
    // The new value is signed for the new lookup key; the function writes it only if the record is still live
    // under `from`, so it can never replace a revoked one.
    return this.find({ shard, candidates: [from] }, now).then((match) => {
      if (match === null || match.record.id !== id) return false;
      const value = this.codec.encode(match.record, to);
      return this.calls.run('rekey', () => this.client.fcall(FN.shardRekey, 1, key, id, from.lookupKey, to.lookupKey, value, now), (reply) => reply === 1);
    });
  }

  revoke(id: string, userId: UserId, now: number): Promise<boolean> {
    if (typeof id !== 'string' || !isValidUserId(userId)) return Promise.resolve(false);
    const index = indexKey(this.keyPrefix, userId);
    return this.calls.run('revoke', () => this.client.hget(index, id), async (value) => {
      const entry = decodeIndexEntry(value);
      if (entry === undefined || entry.record.id !== id) return false;
      const revoked = await this.revokeInShard(entry.shard, id, now);
      await this.calls.run('revoke', () => this.client.hdel(index, id));
      return revoked;
    });
  }

  revokeAll(userId: UserId, now: number): Promise<number> {
    if (!isValidUserId(userId)) return Promise.resolve(0);
    const index = indexKey(this.keyPrefix, userId);
    return this.calls.run('revokeAll', () => this.client.hgetall(index), async (entries) => {
      const found = Object.entries(entries ?? {}).flatMap(([id, value]) => {
        const entry = decodeIndexEntry(value);
        return entry && entry.record.id === id ? [entry] : [];
      });
      if (found.length === 0) return 0;
      const revoked = await Promise.all(found.map(({ shard, record }) => this.revokeInShard(shard, record.id, now)));
      // Only the entries revoked here: a record inserted meanwhile keeps its entry (and so stays revocable).
      await this.calls.run('revokeAll', () => this.client.hdel(index, ...found.map(({ record }) => record.id)));
      return revoked.filter(Boolean).length;
    });
  }

  list(userId: UserId, now: number): Promise<LookupKeyRecord[]> {
    if (!isValidUserId(userId)) return Promise.resolve([]);
    return this.calls.run('list', () => this.client.hvals(indexKey(this.keyPrefix, userId)), (values) => {
      if (!Array.isArray(values)) throw this.unexpectedReply('list');
      const records: LookupKeyRecord[] = [];
      for (const value of values) {
        const entry = decodeIndexEntry(value);
        if (entry && entry.record.expiresAt > now) records.push(entry.record);
      }
      return records;
    });
  }

  private revokeInShard(shard: string, id: string, now: number): Promise<boolean> {
    if (!VALID_SHARD.test(shard)) return Promise.resolve(false);
    return this.calls.run('revoke', () => this.client.fcall(FN.shardRevoke, 1, shardKey(this.keyPrefix, shard), id, now), (reply) => reply === 1);
  }

  private warnRefused(): void {
    this.refusedSinceWarning++;
    if (performance.now() - this.lastWarningAt < WARNING_INTERVAL_MS) return;
    this.logger.warn(
      `Redis lookup-key store: ignored ${this.refusedSinceWarning} record(s) whose signature or fields do not check out; treated as absent. ` +
        'They were written without the current signing key (key changed, or someone else wrote to Redis).',
    );
    this.refusedSinceWarning = 0;
    this.lastWarningAt = performance.now();
  }

  private unexpectedReply(operation: string): SessionStorageError {
    return new SessionStorageError(`Redis lookup-key store: ${operation} got an unexpected reply from Redis`);
  }
}

/**
 * The `lookupKeys.store` option for Redis:
 *
 * ```ts
 * CharonModule.forRoot({ ..., store: redisSessionStore({ url }), lookupKeys: { store: redisLookupKeyStore() } })
 * ```
 * Without connection options it shares the Redis session store's connection and key prefix (the session store must
 * then be a `RedisSessionStore`); with `url`, `redisOptions` or `cluster` it makes its own. The record signing key is derived from the base secret unless `getSigningKey` is given.
 * Functions are loaded at startup, so a Redis that cannot run them fails the start, not the first request.
 */
export function redisLookupKeyStore(options: RedisLookupKeyStoreOptions = {}): LookupKeyStoreFactory {
  return async (context) => {
    let { client, keyPrefix } = options;
    if (!client && options.url === undefined && options.redisOptions === undefined && options.cluster === undefined) {
      const sessions = context.sessionStore;
      if (!(sessions instanceof RedisSessionStore)) {
        throw new CharonConfigError([
          'redisLookupKeyStore() without `client` shares the Redis session store\'s connection, but the session store is not a RedisSessionStore: pass `client` (an ioredis Redis or Cluster)',
        ]);
      }
      client = sessions.client;
      keyPrefix ??= sessions.keyPrefix;
    }
    let getSigningKey = options.getSigningKey;
    if (!getSigningKey) {
      const key = context.deriveKey(REDIS_LOOKUP_KEY_SIGNING_PURPOSE);
      getSigningKey = () => key;
    }
    const store = new RedisLookupKeyStore({ ...options, client, keyPrefix, getSigningKey, logger: options.logger ?? context.logger });
    try {
      await store.init();
    } catch (error) {
      await store.onApplicationShutdown();
      throw error;
    }
    return store;
  };
}
