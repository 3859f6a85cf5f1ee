import { Logger, type LoggerService } from '@nestjs/common';
import { type Clock, SystemClock } from '../../clock/clock';
import { CharonConfigError } from '../../errors/charon-config.error';
import { CharonUsageError } from '../../errors/charon-usage.error';
import { SessionConflictError } from '../../errors/session-conflict.error';
import type { Session, UserId } from '../../model/session.model';
import { leastRecentlyRefreshed, sessionsToReplace } from '../session-replacement';
import { SessionStore, type ListUsersOptions, type SessionUpsertOptions, type UserListPage } from '../session-store';
import type { SessionStoreFactory } from '../session-store-factory';
import { assertStorableSession, isValidSessionOwner, listUsersLimit } from '../session-validation';
import { ExpiryHeap } from './expiry-heap';
import { copySession } from './session-copy';
import { DEFAULT_MEMORY_STORE_MAX_SESSIONS, type MemorySessionStoreOptions } from './memory-session-store.options';
import { SessionIndex, type MemoryEntry, type SessionGroup } from './session-index';

/**
 * Most expired entries one write removes. Memory only grows on writes and each write adds at most one entry, so
 * removing several per write keeps up with expiry while bounding the latency any single call can pay after a
 * long idle period (the rest goes on the following writes, and `maxSessions` bounds memory meanwhile).
 */
const SWEEP_BUDGET = 8;

/** Eviction warnings are coalesced to at most one per this many seconds, so a full store cannot flood the log. */
const EVICTION_WARNING_INTERVAL = 60;

/** `listUsers` cursors: this prefix, then the seq of the last group visited in base 36. */
const CURSOR_PATTERN = /^m([0-9a-z]{1,11})$/;

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
 * Sessions in the process's memory: the embedded default, for single-process apps, development and tests.
 * Sessions are lost on restart and not shared between processes; use a shared store such as Redis for more
 * than one instance.
 *
 * Behaviour beyond the {@link SessionStore} contract:
 * - A session is alive while `now < refreshExpiresAt` (`now` from the configured {@link Clock}); from that second
 *   on it is never returned and cannot be updated.
 * - Every operation runs synchronously to its end, so an insert's fingerprint replacement, per-user cap and
 *   eviction happen atomically with it.
 * - Expired sessions are cleaned without any timer: lazily when an operation touches them, plus an incremental
 *   sweep on every write that removes up to a few of the earliest-expiring entries. Nothing keeps the process
 *   alive and no call does unbounded cleanup work.
 * - At most `maxSessions` sessions are held. An insert into a full store, once its own replacements are done, first
 *   drops an expired session. If none has expired, it evicts the inserting user's own least recently refreshed
 *   live session of the same type when the user holds any, and only otherwise the live session closest to expiry
 *   (it has the least time left to lose), and logs a coalesced warning without ids or payloads. So one user logging
 *   in over and over into a full store evicts at most one other user's session, however often.
 * - Costs: `get` O(1); `upsert`/`delete` O(log n) (expiry heap) plus the user's sessions of that type on inserts;
 *   `getAll`/`deleteAll` O(that user's sessions of that type); `count` O(1) unless one of them has expired; a
 *   `listUsers` page O(log n + limit). Sessions are deep-copied (`structuredClone`) on write and on read, so
 *   callers never share state with the store.
 *
 * Prefer the {@link memorySessionStore} factory, which wires in the module's clock and logger.
 */
export class MemorySessionStore extends SessionStore {
  private readonly index = new SessionIndex();
  private readonly expiry = new ExpiryHeap<MemoryEntry>();
  private readonly maxSessions: number;
  private readonly clock: Clock;
  private readonly logger: LoggerService;
  private sessionCount = 0;
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
    return this.sessionCount;
  }

  /** A snapshot of the store's counters. */
  get stats(): MemorySessionStoreStats {
    return { sessions: this.sessionCount, indexKeys: this.index.size, evictions: this.evictions };
  }

  async get(sessionId: string, userId: UserId, type: string): Promise<Session | null> {
    const entry = this.liveEntry(sessionId, userId, type, this.clock.now());
    return entry ? copySession(entry.session) : null;
  }

  /** @throws InvalidSessionError for a session it cannot store faithfully, before changing anything. */
  async upsert(session: Session, options: SessionUpsertOptions = {}): Promise<void> {
    assertStorableSession(session, options);
    const now = this.clock.now();
    const existing = this.liveEntry(session.id, session.userId, session.type, now);
    const conflict =
      session.lockVersion === 0 ? existing !== undefined : existing?.session.lockVersion !== session.lockVersion;
    if (conflict) throw new SessionConflictError();

    const stored = copySession(session);
    stored.lockVersion = session.lockVersion + 1;
    if (stored.refreshExpiresAt <= now) {
      // Already dead: storing it would only create garbage (and could evict a live session to make room).
      if (existing) this.remove(existing);
    } else if (existing) {
      const { group } = existing;
      existing.session = stored;
      existing.expiresAt = stored.refreshExpiresAt;
      this.expiry.update(existing);
      group.minExpiresAt = Math.min(group.minExpiresAt, existing.expiresAt);
      // Re-adding moves it to the end of the write order.
      group.sessions.delete(stored.id);
      group.sessions.set(stored.id, existing);
    } else {
      this.insert(stored, options.maxSessions, now);
    }
    this.sweep(now);
  }

  async delete(sessionId: string, userId: UserId, type: string): Promise<void> {
    const now = this.clock.now();
    const entry = isValidSessionOwner(userId, type) ? this.index.find(userId, type)?.sessions.get(sessionId) : undefined;
    if (entry) this.remove(entry);
    this.sweep(now);
  }

  async getAll(userId: UserId, type: string): Promise<Session[]> {
    const group = this.liveGroup(userId, type, this.clock.now());
    return group ? Array.from(group.sessions.values(), (entry) => copySession(entry.session)) : [];
  }

  async deleteAll(userId: UserId, type: string): Promise<void> {
    const group = isValidSessionOwner(userId, type) ? this.index.find(userId, type) : undefined;
    if (group) {
      for (const entry of group.sessions.values()) this.remove(entry);
    }
    this.sweep(this.clock.now());
  }

  override async count(userId: UserId, type: string): Promise<number> {
    return this.liveGroup(userId, type, this.clock.now())?.sessions.size ?? 0;
  }

  /**
   * Users are listed in the order they got their first live session of the type. The cursor is opaque; a page may
   * hold fewer than `limit` users (even none) before the listing ends, when it meets many whose sessions have all
   * expired.
   *
   * @throws CharonUsageError for a `limit` out of bounds or a `cursor` this store did not hand out.
   */
  override async listUsers(type: string, options: ListUsersOptions = {}): Promise<UserListPage> {
    const limit = listUsersLimit(options.limit);
    const after = parseCursor(options.cursor);
    if (typeof type !== 'string') return { userIds: [], cursor: null };
    const now = this.clock.now();
    const page = this.index.page(type, after, limit, (group) => hasLiveSession(group, now));
    return {
      userIds: page.groups.map((group) => group.userId),
      cursor: page.resumeAfter === null ? null : `m${page.resumeAfter.toString(36)}`,
    };
  }

  /** The live entry with this id, user and type; an expired one is removed on the spot. */
  private liveEntry(sessionId: string, userId: UserId, type: string, now: number): MemoryEntry | undefined {
    if (!isValidSessionOwner(userId, type)) return undefined;
    const entry = this.index.find(userId, type)?.sessions.get(sessionId);
    if (entry && entry.expiresAt <= now) {
      this.remove(entry);
      return undefined;
    }
    return entry;
  }

  /** The user's group of that type after removing its expired sessions, or undefined if none is left. */
  private liveGroup(userId: UserId, type: string, now: number): SessionGroup | undefined {
    const group = isValidSessionOwner(userId, type) ? this.index.find(userId, type) : undefined;
    if (!group || group.minExpiresAt > now) return group;
    let minExpiresAt = Infinity;
    // Deleting visited entries of a Map during iteration is well-defined in JavaScript.
    for (const entry of group.sessions.values()) {
      if (entry.expiresAt <= now) this.remove(entry);
      else minExpiresAt = Math.min(minExpiresAt, entry.expiresAt);
    }
    group.minExpiresAt = minExpiresAt;
    return group.removed ? undefined : group;
  }

  /** Stores a new live session after the replacements its insert makes (fingerprint, per-user cap, full store). */
  private insert(session: Session, maxSessions: number | undefined, now: number): void {
    const group = this.liveGroup(session.userId, session.type, now);
    if (group) {
      const live = Array.from(group.sessions.values(), (entry) => entry.session);
      for (const replaced of sessionsToReplace(live, session, maxSessions)) this.remove(group.sessions.get(replaced.id)!);
    }
    this.makeRoom(session, now);

    const entry: MemoryEntry = {
      session,
      group: this.index.findOrCreate(session.userId, session.type),
      expiresAt: session.refreshExpiresAt,
      heapIndex: -1,
    };
    entry.group.sessions.set(session.id, entry);
    entry.group.minExpiresAt = Math.min(entry.group.minExpiresAt, entry.expiresAt);
    this.expiry.push(entry);
    this.sessionCount++;
  }

  /**
   * Frees slots while full: an expired session if any (the heap's top expires first, so if any entry has expired
   * the top is one of them), else the incoming user's least recently refreshed session of the type, else the live
   * session closest to expiry. Preferring the user's own session keeps any one user from evicting the others'.
   */
  private makeRoom(incoming: Session, now: number): void {
    while (this.sessionCount >= this.maxSessions) {
      const first = this.expiry.peek()!;
      if (first.expiresAt <= now) {
        this.remove(first);
        continue;
      }
      // No entry has expired, so the group holds live sessions only.
      const own = this.index.find(incoming.userId, incoming.type);
      const victim = own ? own.sessions.get(oldestSession(own).id)! : first;
      this.remove(victim);
      this.recordEviction(now);
    }
  }

  private remove(entry: MemoryEntry): void {
    this.expiry.remove(entry);
    this.sessionCount--;
    const { group } = entry;
    group.sessions.delete(entry.session.id);
    if (group.sessions.size === 0) this.index.drop(group);
  }

  private sweep(now: number): void {
    for (let i = 0; i < SWEEP_BUDGET; i++) {
      const first = this.expiry.peek();
      if (!first || first.expiresAt > now) return;
      this.remove(first);
    }
  }

  private recordEviction(now: number): void {
    this.evictions++;
    this.evictionsSinceWarning++;
    if (now - this.lastEvictionWarningAt < EVICTION_WARNING_INTERVAL) return;
    this.logger.warn(
      `memory session store is full (maxSessions ${this.maxSessions}): evicted ${this.evictionsSinceWarning} ` +
        'live session(s) (the inserting user\'s own least recently refreshed one, else the one closest to expiry), ' +
        'whose users must log in again. Raise maxSessions or use a shared store such as Redis.',
      MemorySessionStore.name,
    );
    this.evictionsSinceWarning = 0;
    this.lastEvictionWarningAt = now;
  }
}

function oldestSession(group: SessionGroup): Session {
  return leastRecentlyRefreshed(Array.from(group.sessions.values(), (entry) => entry.session), 1)[0];
}

function hasLiveSession(group: SessionGroup, now: number): boolean {
  if (group.minExpiresAt > now) return true;
  for (const entry of group.sessions.values()) {
    if (entry.expiresAt > now) return true;
  }
  return false;
}

/** The seq a `listUsers` cursor resumes after; `null` for the first page. */
function parseCursor(cursor: string | undefined): number | null {
  if (cursor === undefined) return null;
  const match = typeof cursor === 'string' ? CURSOR_PATTERN.exec(cursor) : null;
  if (!match) throw new CharonUsageError('listUsers: the cursor is not one this store handed out');
  return parseInt(match[1], 36);
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
