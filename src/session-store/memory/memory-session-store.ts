import { Logger, type LoggerService } from '@nestjs/common';
import { type Clock, SystemClock } from '../../clock/clock';
import { CharonConfigError } from '../../errors/charon-config.error';
import { SessionConflictError } from '../../errors/session-conflict.error';
import type { Session, UserId } from '../../session/session.model';
import { SessionStore } from '../session-store';
import type { SessionStoreFactory } from '../session-store-factory';
import { ExpiryHeap } from './expiry-heap';
import { DEFAULT_MEMORY_STORE_MAX_SESSIONS, type MemorySessionStoreOptions } from './memory-session-store.options';

/**
 * Most expired entries one write removes. Memory only grows on writes and each write adds at most one entry, so
 * removing several per write keeps up with expiry while bounding the latency any single call can pay after a
 * long idle period (the rest goes on the following writes, and `maxSessions` bounds memory meanwhile).
 */
const SWEEP_BUDGET = 8;

/** Eviction warnings are coalesced to at most one per this many seconds, so a full store cannot flood the log. */
const EVICTION_WARNING_INTERVAL = 60;

interface Entry {
  /** The store's private copy; only clones of it leave the store. */
  session: Session;
  /** Key of the (userId, type) index set holding this entry's id. */
  indexKey: string;
  /** `session.refreshExpiresAt`, the heap's ordering key. */
  expiresAt: number;
  heapIndex: number;
}

/** Read-only counters of a {@link MemorySessionStore}, for monitoring and leak tests. */
export interface MemorySessionStoreStats {
  /** Sessions held, including expired ones not yet swept (those are never returned). */
  sessions: number;
  /** (userId, type) pairs in the per-user index; an index entry exists only while it has sessions. */
  indexKeys: number;
  /** Live sessions evicted because the store was full, since it was created. */
  evictions: number;
}

/**
 * Index key of a (userId, type) pair, built so that no two pairs share one: the type tag keeps user `1` apart from user `'1'`,
 * and the length prefix makes the boundary between user id and session type unambiguous whatever characters
 * either contains.
 */
function indexKeyOf(userId: UserId, type: string): string {
  const id = String(userId);
  return `${typeof userId === 'number' ? 'n' : 's'}${id.length}:${id}:${type}`;
}

function belongsTo(session: Session, userId: UserId, type: string): boolean {
  return session.userId === userId && session.type === type;
}

/**
 * Sessions in the process's memory: the embedded default, for single-process apps, development and tests.
 * Sessions are lost on restart and not shared between processes; use a shared store such as Redis for more
 * than one instance.
 *
 * Behaviour beyond the {@link SessionStore} contract:
 * - A session is alive while `now < refreshExpiresAt` (`now` from the configured {@link Clock}); from that second
 *   on it is never returned and cannot be updated.
 * - Expired sessions are cleaned without any timer: lazily when an operation touches them, plus an incremental
 *   sweep on every write that removes up to a few of the earliest-expiring entries. Nothing keeps the process
 *   alive and no call does unbounded cleanup work.
 * - At most `maxSessions` sessions are held. Inserting into a full store first drops an expired session; if none
 *   has expired, it evicts the live session closest to expiry (it has the least time left to lose) and logs a
 *   coalesced warning without ids or payloads.
 * - Costs: `get` O(1); `upsert`/`delete` O(log n) (expiry heap); `getAll`/`deleteAll` O(sessions of that user and
 *   type). Sessions are deep-copied (`structuredClone`) on write and on read, so callers never share state with
 *   the store.
 *
 * Prefer the {@link memorySessionStore} factory, which wires in the module's clock and logger.
 */
export class MemorySessionStore extends SessionStore {
  private readonly sessions = new Map<string, Entry>();
  private readonly index = new Map<string, Set<string>>();
  private readonly expiry = new ExpiryHeap<Entry>();
  private readonly maxSessions: number;
  private readonly clock: Clock;
  private readonly logger: LoggerService;
  private evictions = 0;
  private evictionsSinceWarning = 0;
  private lastEvictionWarningAt = -Infinity;

  /** @throws CharonConfigError when `maxSessions` is not a positive integer. */
  constructor(options: MemorySessionStoreOptions = {}) {
    super();
    const maxSessions = options.maxSessions ?? DEFAULT_MEMORY_STORE_MAX_SESSIONS;
    if (!Number.isSafeInteger(maxSessions) || maxSessions < 1) {
      throw new CharonConfigError([`memory session store: maxSessions must be a positive integer, got ${maxSessions}`]);
    }
    this.maxSessions = maxSessions;
    this.clock = options.clock ?? new SystemClock();
    this.logger = options.logger ?? new Logger(MemorySessionStore.name);
  }

  /** Sessions held, including expired ones not yet swept. Same as `stats.sessions`. */
  get size(): number {
    return this.sessions.size;
  }

  /** A snapshot of the store's counters. */
  get stats(): MemorySessionStoreStats {
    return { sessions: this.sessions.size, indexKeys: this.index.size, evictions: this.evictions };
  }

  async get(sessionId: string, userId: UserId, type: string): Promise<Session | null> {
    const entry = this.liveEntry(sessionId, this.clock.now());
    return entry && belongsTo(entry.session, userId, type) ? structuredClone(entry.session) : null;
  }

  async upsert(session: Session): Promise<void> {
    const now = this.clock.now();
    if (typeof session.refreshExpiresAt !== 'number' || !Number.isFinite(session.refreshExpiresAt)) {
      // A NaN or string here would silently corrupt the expiry heap's order.
      throw new TypeError('session.refreshExpiresAt must be a finite number');
    }
    const existing = this.liveEntry(session.id, now);
    if (session.lockVersion === 0) {
      if (existing) throw new SessionConflictError();
    } else if (
      !existing ||
      !belongsTo(existing.session, session.userId, session.type) ||
      existing.session.lockVersion !== session.lockVersion
    ) {
      throw new SessionConflictError();
    }

    const stored = structuredClone(session);
    stored.lockVersion = session.lockVersion + 1;
    if (stored.refreshExpiresAt <= now) {
      // Already dead: storing it would only create garbage (and could evict a live session to make room).
      if (existing) this.remove(existing);
    } else if (existing) {
      existing.session = stored;
      existing.expiresAt = stored.refreshExpiresAt;
      this.expiry.update(existing);
    } else {
      this.makeRoom(now);
      this.add(stored);
    }
    this.sweep(now);
  }

  async delete(sessionId: string, userId: UserId, type: string): Promise<void> {
    const now = this.clock.now();
    const entry = this.liveEntry(sessionId, now);
    if (entry && belongsTo(entry.session, userId, type)) this.remove(entry);
    this.sweep(now);
  }

  async getAll(userId: UserId, type: string): Promise<Session[]> {
    const ids = this.index.get(indexKeyOf(userId, type));
    if (!ids) return [];
    const now = this.clock.now();
    const sessions: Session[] = [];
    // Deleting visited elements of a Set during for..of is well-defined in JavaScript.
    for (const id of ids) {
      const entry = this.sessions.get(id)!;
      if (entry.expiresAt <= now) this.remove(entry);
      else sessions.push(structuredClone(entry.session));
    }
    return sessions;
  }

  async deleteAll(userId: UserId, type: string): Promise<void> {
    const ids = this.index.get(indexKeyOf(userId, type));
    if (ids) {
      for (const id of ids) this.remove(this.sessions.get(id)!);
    }
    this.sweep(this.clock.now());
  }

  /** The entry with this id if it is alive; an expired one is removed on the spot. */
  private liveEntry(sessionId: string, now: number): Entry | undefined {
    const entry = this.sessions.get(sessionId);
    if (entry && entry.expiresAt <= now) {
      this.remove(entry);
      return undefined;
    }
    return entry;
  }

  private add(session: Session): void {
    const entry: Entry = {
      session,
      indexKey: indexKeyOf(session.userId, session.type),
      expiresAt: session.refreshExpiresAt,
      heapIndex: -1,
    };
    this.sessions.set(session.id, entry);
    this.expiry.push(entry);
    const ids = this.index.get(entry.indexKey);
    if (ids) ids.add(session.id);
    else this.index.set(entry.indexKey, new Set([session.id]));
  }

  private remove(entry: Entry): void {
    this.sessions.delete(entry.session.id);
    this.expiry.remove(entry);
    const ids = this.index.get(entry.indexKey)!;
    ids.delete(entry.session.id);
    if (ids.size === 0) this.index.delete(entry.indexKey);
  }

  private sweep(now: number): void {
    for (let i = 0; i < SWEEP_BUDGET; i++) {
      const first = this.expiry.peek();
      if (!first || first.expiresAt > now) return;
      this.remove(first);
    }
  }

  /**
   * Frees one slot when full. The heap's top expires first, so if any entry has expired the top is one of them
   * and "purge expired before evicting live" needs no separate scan.
   */
  private makeRoom(now: number): void {
    while (this.sessions.size >= this.maxSessions) {
      const victim = this.expiry.peek()!;
      if (victim.expiresAt > now) this.recordEviction(now);
      this.remove(victim);
    }
  }

  private recordEviction(now: number): void {
    this.evictions++;
    this.evictionsSinceWarning++;
    if (now - this.lastEvictionWarningAt < EVICTION_WARNING_INTERVAL) return;
    this.logger.warn(
      `memory session store is full (maxSessions ${this.maxSessions}): evicted ${this.evictionsSinceWarning} ` +
        'live session(s) closest to expiry, whose users must log in again. ' +
        'Raise maxSessions or use a shared store such as Redis.',
      MemorySessionStore.name,
    );
    this.evictionsSinceWarning = 0;
    this.lastEvictionWarningAt = now;
  }
}

/**
 * The `store` option for an in-memory store: `CharonModule.forRoot({ store: memorySessionStore({ maxSessions }) })`.
 * The store uses the module's clock and logger unless `options` names others.
 */
export function memorySessionStore(options: MemorySessionStoreOptions = {}): SessionStoreFactory {
  return (context) =>
    new MemorySessionStore({
      ...options,
      clock: options.clock ?? context.clock,
      logger: options.logger ?? context.logger,
    });
}
