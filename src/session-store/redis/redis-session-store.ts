import { Logger, type LoggerService, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type Clock, SystemClock } from '../../clock/clock';
import { InvalidSessionError } from '../../errors/invalid-session.error';
import { SessionConflictError } from '../../errors/session-conflict.error';
import { SessionStorageError } from '../../errors/session-storage.error';
import type { Session, UserId } from '../../model/session.model';
import { type ListUsersOptions, SessionStore, type SessionUpsertOptions, type UserListPage } from '../session-store';
import type { SessionStoreFactory } from '../session-store-factory';
import { assertStorableSession, isValidSessionOwner, listUsersLimit } from '../session-validation';
import { OperationDeadlines } from './operation-deadlines';
import { type DecodeFailure, SessionCodec } from './redis-session-codec';
import { describeError, isMissingFunction, type RedisClient } from './redis-client';
import { RedisConnection } from './redis-connection';
import { REDIS_FUNCTION_NAMES, UpsertResult } from './redis-session-functions';
import { SessionKeyNames, sessionsKeyPattern } from './redis-session-keys';
import {
  DEFAULT_REDIS_KEY_PREFIX,
  DEFAULT_REDIS_OPERATION_TIMEOUT_MS,
  DEFAULT_REDIS_STARTUP_TIMEOUT_MS,
  DEFAULT_REDIS_VERIFICATION_MEMO_SIZE,
  type RedisSessionStoreOptions,
  validateRedisSessionStoreOptions,
} from './redis-session-store.options';
import { collectUsers, decodeListCursor, encodeListCursor, type ScanTarget, scanTarget } from './redis-user-listing';

/** Purpose string of the default signing key, passed to the module's `deriveKey`. */
export const REDIS_SIGNING_KEY_PURPOSE = 'redis session signing';

/**
 * Sessions in Redis (>= 7.0), standalone or Cluster, shared by every instance of the app and kept across restarts.
 *
 * Data layout: one hash per (user id, session type), `<prefix>{<tag>}:sessions`, mapping session id -> signed
 * serialized session, where `<tag>` is base64url(JSON `[userId, type]`) (a Cluster hash tag). The hash expires
 * (EXPIREAT) at the latest `refreshExpiresAt` written into it. Value layout and what it shares with 0.1: see
 * `SessionCodec`.
 *
 * Each operation on a user's sessions is one round trip: `get` is one HGET, `getAll` one HVALS, `delete` one HDEL,
 * `deleteAll` one DEL, `count` one FCALL_RO, and `upsert` one FCALL of a function that checks the lock version and
 * liveness, writes, raises the key expiry and prunes expired sessions, atomically; for an insert it also deletes
 * the sessions that the new one replaces (same fingerprint, beyond `maxSessions`). Signatures, expiry ("now" from
 * the clock) and ownership are checked in Node; entries that fail are ignored and logged as warnings. `listUsers`
 * SCANs: one FCALL_RO per page and primary it reaches.
 *
 * Rolling deploys with 0.1: values written by either version are read and updated by both, and take part in this
 * version's eviction (0.1 itself knows nothing of fingerprints and caps); each version loads its own function
 * library.
 *
 * Failures (Redis unreachable, slower than `operationTimeoutMs`, an unexpected reply) reject with
 * {@link SessionStorageError}; lock conflicts with {@link SessionConflictError}. If Redis lost the functions, the
 * store loads them again and retries once.
 *
 * Prefer the {@link redisSessionStore} factory, which wires in the module's clock, logger and a signing key derived
 * from the base secret, and loads the functions before the app starts.
 */
export class RedisSessionStore extends SessionStore implements OnModuleInit, OnApplicationShutdown {
  /** The ioredis connection the store uses: created by it ({@link ownsClient}) or given as `client`. */
  readonly client: RedisClient;
  /** Whether the store created {@link client}, and so closes it on shutdown. */
  readonly ownsClient: boolean;
  /** Prefix of every key, see {@link RedisSessionStoreOptions.keyPrefix}. */
  readonly keyPrefix: string;
  private readonly codec: SessionCodec;
  private readonly keys: SessionKeyNames;
  private readonly deadlines: OperationDeadlines;
  private readonly operationTimeoutMs: number;
  private readonly clock: Clock;
  private readonly logger: LoggerService;
  private readonly connection: RedisConnection;

  /**
   * Creates the store and, unless `client` is given, its connection (which starts connecting at once).
   * Call {@link init} (or let Nest call `onModuleInit`) before use.
   *
   * @throws CharonConfigError listing every problem with `options`.
   */
  constructor(options: RedisSessionStoreOptions) {
    super();
    validateRedisSessionStoreOptions(options);
    this.keyPrefix = options.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX;
    this.keys = new SessionKeyNames(this.keyPrefix);
    this.codec = new SessionCodec(options.getSigningKey!, options.verificationMemoSize ?? DEFAULT_REDIS_VERIFICATION_MEMO_SIZE);
    this.operationTimeoutMs = options.operationTimeoutMs ?? DEFAULT_REDIS_OPERATION_TIMEOUT_MS;
    this.deadlines = new OperationDeadlines(this.operationTimeoutMs);
    this.clock = options.clock ?? new SystemClock();
    this.logger = options.logger ?? new Logger(RedisSessionStore.name);
    this.connection = new RedisConnection(options, this.logger, options.startupTimeoutMs ?? DEFAULT_REDIS_STARTUP_TIMEOUT_MS);
    this.client = this.connection.client;
    this.ownsClient = this.connection.owned;
  }

  /**
   * Waits for the connection and loads the function library (on every primary of a Cluster). Idempotent; the
   * {@link redisSessionStore} factory and `onModuleInit` both call it. Bounded by `startupTimeoutMs`.
   *
   * @throws SessionStorageError when Redis cannot be reached in time, is older than 7.0, or refuses FUNCTION LOAD.
   */
  init(): Promise<void> {
    return this.connection.init();
  }

  /** Nest lifecycle hook: {@link init}. */
  async onModuleInit(): Promise<void> {
    await this.init();
  }

  /** Nest lifecycle hook: {@link close}. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /**
   * Closes the connection if the store created it (QUIT, then a hard disconnect if Redis does not answer within a
   * second); a connection given as `client` is left to its owner. Idempotent.
   */
  close(): Promise<void> {
    return this.connection.close();
  }

  /** One HGET; the value's signature, owner and expiry are checked here, and a value that fails is logged and ignored. */
  get(sessionId: string, userId: UserId, type: string): Promise<Session | null> {
    if (typeof sessionId !== 'string' || !isValidSessionOwner(userId, type)) return Promise.resolve(null);
    const key = this.keys.sessions(userId, type);
    return this.run('get', this.client.hget(key, sessionId), (value) => {
      if (value === null) return null;
      if (typeof value !== 'string') throw this.unexpectedReply('get');
      const decoded = this.codec.decode(value, userId, type, sessionId);
      if (!decoded.ok) {
        this.warnIgnored(key, decoded.reason, 1);
        return null;
      }
      return decoded.session.refreshExpiresAt > this.clock.now() ? decoded.session : null;
    });
  }

  /**
   * One FCALL that checks the lock atomically in Redis. An insert (lockVersion 0) also deletes, in the same call,
   * the user's live sessions of the type with the same `fingerprint`, then the least recently refreshed ones (ties:
   * earlier write first) beyond `options.maxSessions`, and expired ones it meets. Inserts without a fingerprint
   * look at the other sessions only when the hash holds `maxSessions` or more entries; otherwise the function works
   * on a fixed-size sample, whatever the user holds.
   *
   * Rejects with `InvalidSessionError`, before touching Redis, for a session it could not store faithfully (see
   * `assertStorableSession`; also an `extraPayload` JSON cannot represent) or an invalid `maxSessions`.
   */
  upsert(session: Session, options?: SessionUpsertOptions): Promise<void> {
    let value: string;
    try {
      assertStorableSession(session, options);
      value = this.codec.encode(session, session.lockVersion + 1);
    } catch (error) {
      // JSON.stringify throws for a BigInt or a cycle in extraPayload; its message may quote property names, so it
      // is not repeated.
      return Promise.reject(
        error instanceof InvalidSessionError
          ? error
          : new InvalidSessionError('session cannot be stored: extraPayload must be JSON-serializable (no BigInt, no cycles)'),
      );
    }
    const { id, userId, type, lockVersion, refreshExpiresAt, fingerprint } = session;
    const key = this.keys.sessions(userId, type);
    const args: Array<string | number> = [id, lockVersion, value, refreshExpiresAt, this.clock.now()];
    if (lockVersion === 0) {
      const maxSessions = options?.maxSessions;
      if (fingerprint !== undefined) args.push(maxSessions ?? '', JSON.stringify(fingerprint));
      else if (maxSessions !== undefined) args.push(maxSessions);
    }
    const call = (): Promise<unknown> => this.client.fcall(REDIS_FUNCTION_NAMES.upsert, 1, key, ...args);
    return this.run(
      'upsert',
      call(),
      (reply) => {
        if (reply === UpsertResult.Ok) return;
        if (reply === UpsertResult.Exists || reply === UpsertResult.Missing || reply === UpsertResult.LockVersionMismatch) {
          throw new SessionConflictError();
        }
        throw this.unexpectedReply('upsert');
      },
      this.reloadingFunctions(call),
    );
  }

  /** One HDEL (the hash disappears with its last session). */
  delete(sessionId: string, userId: UserId, type: string): Promise<void> {
    if (typeof sessionId !== 'string' || !isValidSessionOwner(userId, type)) return Promise.resolve();
    return this.run('delete', this.client.hdel(this.keys.sessions(userId, type), sessionId), (reply) => {
      if (typeof reply !== 'number') throw this.unexpectedReply('delete');
    });
  }

  /** One HVALS; each value is checked as in {@link get}, so the cost is flat per stored session. */
  getAll(userId: UserId, type: string): Promise<Session[]> {
    if (!isValidSessionOwner(userId, type)) return Promise.resolve([]);
    const key = this.keys.sessions(userId, type);
    return this.run('getAll', this.client.hvals(key), (values) => {
      if (!Array.isArray(values)) throw this.unexpectedReply('getAll');
      const now = this.clock.now();
      const sessions: Session[] = [];
      // A value copied under a second field of the same hash would verify twice; ids keep it from appearing twice.
      const seen = new Set<string>();
      let ignored = 0;
      let reason: DecodeFailure | 'duplicate' = 'malformed';
      for (const value of values) {
        const decoded = typeof value === 'string' ? this.codec.decode(value, userId, type) : undefined;
        if (!decoded?.ok || seen.has(decoded.session.id)) {
          ignored++;
          reason = decoded ? (decoded.ok ? 'duplicate' : decoded.reason) : 'malformed';
          continue;
        }
        seen.add(decoded.session.id);
        if (decoded.session.refreshExpiresAt > now) sessions.push(decoded.session);
      }
      if (ignored > 0) this.warnIgnored(key, reason, ignored);
      return sessions;
    });
  }

  /** One DEL of the user's hash for that type. */
  deleteAll(userId: UserId, type: string): Promise<void> {
    if (!isValidSessionOwner(userId, type)) return Promise.resolve();
    return this.run('deleteAll', this.client.del(this.keys.sessions(userId, type)), (reply) => {
      if (typeof reply !== 'number') throw this.unexpectedReply('deleteAll');
    });
  }

  /**
   * One FCALL_RO of a read-only function that counts the live values of the user's hash by their headers (their
   * `refreshExpiresAt` against the store's clock), so no session travels to Node. Signatures are not checked here:
   * an entry someone wrote into Redis without the signing key counts until `get` or `getAll` would ignore it.
   */
  override count(userId: UserId, type: string): Promise<number> {
    if (!isValidSessionOwner(userId, type)) return Promise.resolve(0);
    const key = this.keys.sessions(userId, type);
    const now = this.clock.now();
    const call = (): Promise<unknown> => this.client.fcall_ro(REDIS_FUNCTION_NAMES.count, 1, key, now);
    return this.run(
      'count',
      call(),
      (reply) => {
        if (typeof reply !== 'number') throw this.unexpectedReply('count');
        return reply;
      },
      this.reloadingFunctions(call),
    );
  }

  /**
   * One page of the user ids holding a live session of `type` (by the store's clock), in SCAN order. Each call
   * scans on from where the cursor left off with one FCALL_RO of a read-only function that runs SCAN with MATCH on
   * the key prefix (never KEYS) and keeps the hashes of the type that hold a live session; when a primary's scan
   * ends before the page is full it goes on with the next primary of a Cluster in the same call. A call scans a
   * bounded number of keys per primary, so a page may hold fewer users than `limit`, even none, before the listing
   * is complete (`cursor: null`). User ids come from the key names, their type (string or number) preserved. A user
   * may appear on two pages; one present for the whole listing appears at least once (on a Cluster: unless its
   * slot moves to another primary meanwhile).
   *
   * @throws CharonUsageError for a `limit` outside 1 to `MAX_LIST_USERS_LIMIT` or a cursor this store did not hand out.
   */
  override async listUsers(type: string, options: ListUsersOptions = {}): Promise<UserListPage> {
    const limit = listUsersLimit(options.limit);
    const position = options.cursor === undefined ? undefined : decodeListCursor(options.cursor);
    if (typeof type !== 'string') return { userIds: [], cursor: null };
    const page = position ? position.pending.slice(0, limit) : [];
    const pending = position ? position.pending.slice(limit) : [];
    if (position && (page.length === limit || position.slot === null)) {
      return { userIds: page, cursor: encodeListCursor({ ...position, pending }) };
    }
    const pattern = sessionsKeyPattern(this.keyPrefix);
    const now = this.clock.now();
    let slot = position?.slot ?? undefined;
    let scan = position?.scan ?? '0';
    for (;;) {
      let target: ScanTarget;
      try {
        target = scanTarget(this.client, slot);
      } catch (error) {
        throw new SessionStorageError(`Redis session store: listUsers failed: ${describeError(error)}`, { cause: error });
      }
      const args = [scan, pattern, JSON.stringify(type), limit - page.length, now];
      const call = (): Promise<unknown> => target.node.fcall_ro(REDIS_FUNCTION_NAMES.liveKeys, 0, ...args);
      const next = await this.run(
        'listUsers',
        call(),
        (reply) => {
          if (!Array.isArray(reply) || typeof reply[0] !== 'string' || !Array.isArray(reply[1])) {
            throw this.unexpectedReply('listUsers');
          }
          collectUsers(reply[1] as string[], this.keyPrefix, type, limit, page, pending);
          return reply[0];
        },
        this.reloadingFunctions(call),
      );
      if (next !== '0') return { userIds: page, cursor: encodeListCursor({ slot: target.slot, scan: next, pending }) };
      if (target.next === null || page.length === limit) {
        return { userIds: page, cursor: encodeListCursor({ slot: target.next, scan: '0', pending }) };
      }
      slot = target.next;
      scan = '0';
    }
  }

  /** A `recover` for {@link run}: when Redis lost the library (restart, flush, failover), load it again and retry once. */
  private reloadingFunctions(call: () => Promise<unknown>): (error: unknown) => Promise<unknown> | undefined {
    return (error) => (isMissingFunction(error) ? this.connection.loadFunctions('reload').then(call) : undefined);
  }

  /**
   * Settles with `interpret(reply)` of `work` (one Redis round trip) under the operation deadline; maps every other
   * failure to {@link SessionStorageError}. `recover` may turn a failure into a second attempt (a promise of a
   * reply), which runs under the same deadline. One promise per call: this wrapper is on every request's path.
   *
   * The deadline is the store's own rather than ioredis' `commandTimeout`, so it also holds for a given `client`
   * whatever its settings, and covers a function reload plus the retry.
   */
  private run<T, R>(
    operation: string,
    work: Promise<T>,
    interpret: (reply: T) => R,
    recover?: (error: unknown) => Promise<T> | undefined,
  ): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const deadline = this.deadlines.start(() =>
        reject(new SessionStorageError(`Redis session store: ${operation} timed out after ${this.operationTimeoutMs} ms`)),
      );
      const onReply = (reply: T): void => {
        if (!this.deadlines.settle(deadline)) return;
        try {
          resolve(interpret(reply));
        } catch (error) {
          reject(error);
        }
      };
      const fail = (error: unknown): void => {
        if (!this.deadlines.settle(deadline)) return;
        reject(
          error instanceof SessionStorageError
            ? error
            : new SessionStorageError(`Redis session store: ${operation} failed: ${describeError(error)}`, { cause: error }),
        );
      };
      work.then(onReply, (error: unknown) => {
        const retry = recover?.(error);
        if (retry) retry.then(onReply, fail);
        else fail(error);
      });
    });
  }

  private unexpectedReply(operation: string): SessionStorageError {
    return new SessionStorageError(`Redis session store: ${operation} got an unexpected reply from Redis`);
  }

  private warnIgnored(key: string, reason: DecodeFailure | 'duplicate', count: number): void {
    this.logger.warn(
      `Redis session store: ignored ${count} stored session(s) in ${key} (${reason}); treated as absent. ` +
        'They were written without the current signing key (key changed, or someone else wrote to Redis).',
    );
  }
}

/**
 * The `store` option for a Redis session store:
 *
 * ```ts
 * CharonModule.forRoot({ ..., store: redisSessionStore({ url: process.env.REDIS_URL }) })
 * ```
 *
 * At application start it creates the store with the module's clock and logger and, unless `getSigningKey` is
 * given, a signing key derived from the base secret; then it connects and loads the functions, so a wrong URL or a
 * Redis without function support fails the start instead of the first login.
 */
export function redisSessionStore(options: RedisSessionStoreOptions = {}): SessionStoreFactory {
  return async (context) => {
    let getSigningKey = options.getSigningKey;
    if (!getSigningKey) {
      const key = context.deriveKey(REDIS_SIGNING_KEY_PURPOSE);
      getSigningKey = () => key;
    }
    const store = new RedisSessionStore({
      ...options,
      clock: options.clock ?? context.clock,
      logger: options.logger ?? context.logger,
      getSigningKey,
    });
    try {
      await store.init();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  };
}
