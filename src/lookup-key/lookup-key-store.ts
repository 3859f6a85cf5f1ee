import type { UserId } from '../model/session.model';
import type { LookupKeyCandidate, LookupKeyMatch, LookupKeyQuery, LookupKeyRecord, NewLookupKeyRecord } from './lookup-key.model';

/** Options of {@link LookupKeyStore.insert}. */
export interface LookupKeyInsertOptions {
  /** Most live records the user may hold once the new one is in; beyond it nothing is stored. Undefined: no cap. */
  maxPerUser?: number;
}

/**
 * Where lookup-key records live. This abstract class is both the contract and the injection token:
 * `constructor(store: LookupKeyStore)`, `overrideProvider(LookupKeyStore)`. Applications call
 * {@link LookupKeyService}, which computes lookup keys, adds telemetry and maps failures.
 *
 * ## Implementation guidelines
 * Prove a store with `lookupKeyStoreConformanceSuite` from `nestjs-charon/testing`.
 * - Keep only what {@link NewLookupKeyRecord} holds; a store never sees a credential or a secret, and nothing it
 *   keeps can be presented as one.
 * - A record is live while `now < expiresAt` and it is not revoked. `find`, `list` and `count` see live records
 *   only; expired ones are removed without a job the user has to run.
 * - `find` returns the first live record matching a candidate, in candidate order, with the candidate it is
 *   stored under, in one round trip to the backend. Lookup keys are case-sensitive: compare them byte for byte
 *   (beware case-insensitive database collations).
 * - Revocation is monotonic: a revoked record stays dead until it expires. Keep a tombstone under its id, so that
 *   neither `insert` of the same id nor a racing `rekey` can bring it back; `revoke` racing anything leaves the
 *   record revoked.
 * - `rekey` moves a live record from one lookup key to another atomically (both keys of one secret share a shard).
 * - `insert` refuses a record whose id exists in its shard (live or tombstoned; ids are random, so a store need not
 *   look beyond the shard) or whose lookup key exists, with
 *   `SessionConflictError`; it stores nothing and resolves false when the user is at `options.maxPerUser`. A
 *   record already expired at `now` is accepted and not kept.
 * - Failures of the backing storage reject with any error; the service wraps it in `SessionStorageError`.
 */
export abstract class LookupKeyStore {
  /** Stores a new record; true when stored, false when the user already holds `options.maxPerUser` live records. */
  abstract insert(record: NewLookupKeyRecord, now: number, options?: LookupKeyInsertOptions): Promise<boolean>;

  /** The first live record stored under one of the query's candidates (in their order), or null. */
  abstract find(query: LookupKeyQuery, now: number): Promise<LookupKeyMatch | null>;

  /**
   * Moves the live record `id` from lookup key `from` to `to` (same shard), atomically. False, changing nothing,
   * when the record is not live (revoked, expired, gone), is not stored under `from`, or `to` is taken.
   */
  abstract rekey(id: string, shard: string, from: LookupKeyCandidate, to: LookupKeyCandidate, now: number): Promise<boolean>;

  /** Revokes the live record `id` of `userId`; true if it was live. Another user's id revokes nothing. */
  abstract revoke(id: string, userId: UserId, now: number): Promise<boolean>;

  /** Revokes every live record of `userId`; resolves with how many. */
  abstract revokeAll(userId: UserId, now: number): Promise<number>;

  /** The live records of `userId`, in no particular order. */
  abstract list(userId: UserId, now: number): Promise<LookupKeyRecord[]>;

  /** How many live records `userId` holds. The default lists them; stores may count without loading. */
  async count(userId: UserId, now: number): Promise<number> {
    return (await this.list(userId, now)).length;
  }
}
