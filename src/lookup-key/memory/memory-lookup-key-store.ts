import { CharonConfigError } from '../../errors/charon-config.error';
import { InvalidSessionError } from '../../errors/invalid-session.error';
import { SessionConflictError } from '../../errors/session-conflict.error';
import { isValidUserId, type UserId } from '../../model/session.model';
import { ExpiryHeap } from '../../session-store/memory/expiry-heap';
import type { LookupKeyCandidate, LookupKeyMatch, LookupKeyQuery, LookupKeyRecord, NewLookupKeyRecord } from '../lookup-key.model';
import { LookupKeyStore, type LookupKeyInsertOptions } from '../lookup-key-store';
import type { LookupKeyStoreFactory } from '../lookup-key-store-factory';
import { newRecordProblem, publicRecord } from '../lookup-key-validation';

/** Default {@link MemoryLookupKeyStoreOptions.maxRecords}: a few tens of MB at most (about 300 bytes per record). */
export const DEFAULT_MEMORY_LOOKUP_KEY_STORE_MAX_RECORDS = 100_000;

/** Most expired records one write removes (the memory session store's reasoning: bounded work per call). */
const SWEEP_BUDGET = 8;

/** Options of {@link MemoryLookupKeyStore} and {@link memoryLookupKeyStore}. */
export interface MemoryLookupKeyStoreOptions {
  /**
   * Most records held at once, revoked ones included until they expire (a positive integer); default
   * {@link DEFAULT_MEMORY_LOOKUP_KEY_STORE_MAX_RECORDS}. A full store refuses new records (the create fails with
   * a 500 and a logged error) rather than evicting credentials someone relies on.
   */
  maxRecords?: number;
}

interface Entry {
  /** The store's private copy; only copies leave the store. */
  record: LookupKeyRecord;
  /** Where the record is found; undefined once revoked (a tombstone is found by nothing). */
  key: LookupKeyCandidate | undefined;
  userKey: string;
  expiresAt: number;
  heapIndex: number;
}

/** Keeps user `1` and user `'1'` apart. */
function userKeyOf(userId: UserId): string {
  return `${typeof userId === 'number' ? 'n' : 's'}:${userId}`;
}

/**
 * Lookup-key records in the process's memory: the default, for single-process apps, development and tests. Lost on
 * restart and not shared between processes; use `redisLookupKeyStore()` for more than one instance.
 *
 * Records are indexed by lookup key, by id and by user. A revoked record loses its lookup key at once and stays, by
 * id, as a tombstone until it would have expired, so its id can never be inserted again. Expired records are
 * removed lazily when touched and a few at a time on every write (no timer). Costs: `find` O(candidates),
 * `insert`/`rekey`/`revoke` O(log n), `list`/`revokeAll` O(records of the user).
 */
export class MemoryLookupKeyStore extends LookupKeyStore {
  private readonly byId = new Map<string, Entry>();
  private readonly byLookupKey = new Map<string, Entry>();
  private readonly byUser = new Map<string, Set<Entry>>();
  private readonly expiry = new ExpiryHeap<Entry>();
  private readonly maxRecords: number;

  /** @throws CharonConfigError when `maxRecords` is not a positive integer. */
  constructor(options: MemoryLookupKeyStoreOptions = {}) {
    super();
    const maxRecords = options.maxRecords ?? DEFAULT_MEMORY_LOOKUP_KEY_STORE_MAX_RECORDS;
    if (!Number.isSafeInteger(maxRecords) || maxRecords < 1) {
      throw new CharonConfigError([`memory lookup-key store: maxRecords must be a positive integer, got ${maxRecords}`]);
    }
    this.maxRecords = maxRecords;
  }

  /** Records held, tombstones and not yet swept expired ones included. */
  get size(): number {
    return this.byId.size;
  }

  async insert(record: NewLookupKeyRecord, now: number, options: LookupKeyInsertOptions = {}): Promise<boolean> {
    const problem = newRecordProblem(record);
    if (problem !== undefined) throw new InvalidSessionError(problem);
    this.sweep(now);
    // An id stays taken while its record is live and while it is a tombstone: liveEntry drops it once expired.
    const idTaken = this.liveEntry(this.byId.get(record.id), now) !== undefined || this.byId.has(record.id);
    if (idTaken || this.liveEntry(this.byLookupKey.get(record.key.lookupKey), now)) {
      throw new SessionConflictError('a lookup-key record with this id or lookup key exists');
    }
    if (record.expiresAt <= now) return true; // dead on arrival: accepted, and not kept
    const userKey = userKeyOf(record.userId);
    if (options.maxPerUser !== undefined && this.liveOfUser(userKey, now).length >= options.maxPerUser) return false;
    if (this.byId.size >= this.maxRecords) throw new Error(`memory lookup-key store is full (maxRecords ${this.maxRecords})`);
    const entry: Entry = { record: publicRecord(record), key: { ...record.key }, userKey, expiresAt: record.expiresAt, heapIndex: -1 };
    this.byId.set(record.id, entry);
    this.byLookupKey.set(record.key.lookupKey, entry);
    const ofUser = this.byUser.get(userKey);
    if (ofUser) ofUser.add(entry);
    else this.byUser.set(userKey, new Set([entry]));
    this.expiry.push(entry);
    return true;
  }

  async find(query: LookupKeyQuery, now: number): Promise<LookupKeyMatch | null> {
    for (const candidate of query.candidates ?? []) {
      const entry = this.liveEntry(this.byLookupKey.get(candidate?.lookupKey), now);
      if (entry) return { record: publicRecord(entry.record), key: { ...entry.key! } };
    }
    return null;
  }

  async rekey(id: string, _shard: string, from: LookupKeyCandidate, to: LookupKeyCandidate, now: number): Promise<boolean> {
    const entry = this.liveEntry(this.byId.get(id), now);
    if (!entry || entry.key?.lookupKey !== from.lookupKey || this.byLookupKey.has(to.lookupKey)) return false;
    this.byLookupKey.delete(from.lookupKey);
    this.byLookupKey.set(to.lookupKey, entry);
    entry.key = { version: to.version, lookupKey: to.lookupKey };
    this.sweep(now);
    return true;
  }

  async revoke(id: string, userId: UserId, now: number): Promise<boolean> {
    const entry = this.liveEntry(this.byId.get(id), now);
    const revoked = entry !== undefined && entry.record.userId === userId && isValidUserId(userId);
    if (revoked) this.tombstone(entry);
    this.sweep(now);
    return revoked;
  }

  async revokeAll(userId: UserId, now: number): Promise<number> {
    const live = this.liveOfUser(userKeyOf(userId), now);
    for (const entry of live) this.tombstone(entry);
    this.sweep(now);
    return live.length;
  }

  async list(userId: UserId, now: number): Promise<LookupKeyRecord[]> {
    return this.liveOfUser(userKeyOf(userId), now).map((entry) => publicRecord(entry.record));
  }

  /** The entry if it is live (not revoked, not expired); an expired one is removed on the spot. */
  private liveEntry(entry: Entry | undefined, now: number): Entry | undefined {
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.remove(entry);
      return undefined;
    }
    return entry.key === undefined ? undefined : entry;
  }

  private liveOfUser(userKey: string, now: number): Entry[] {
    const live: Entry[] = [];
    // Removing visited elements of a Set during for..of is well-defined.
    for (const entry of this.byUser.get(userKey) ?? []) if (this.liveEntry(entry, now)) live.push(entry);
    return live;
  }

  /** Revokes: found by nothing any more, kept by id until it expires. */
  private tombstone(entry: Entry): void {
    this.byLookupKey.delete(entry.key!.lookupKey);
    entry.key = undefined;
    this.leaveUser(entry);
  }

  private remove(entry: Entry): void {
    this.byId.delete(entry.record.id);
    if (entry.key) this.byLookupKey.delete(entry.key.lookupKey);
    this.leaveUser(entry);
    this.expiry.remove(entry);
  }

  private leaveUser(entry: Entry): void {
    const ofUser = this.byUser.get(entry.userKey);
    if (!ofUser?.delete(entry)) return;
    if (ofUser.size === 0) this.byUser.delete(entry.userKey);
  }

  private sweep(now: number): void {
    for (let i = 0; i < SWEEP_BUDGET; i++) {
      const first = this.expiry.peek();
      if (!first || first.expiresAt > now) return;
      this.remove(first);
    }
  }
}

/** The `lookupKeys.store` option for the in-memory store (the default). */
export function memoryLookupKeyStore(options: MemoryLookupKeyStoreOptions = {}): LookupKeyStoreFactory {
  return () => new MemoryLookupKeyStore(options);
}
