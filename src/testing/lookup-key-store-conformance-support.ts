import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { CharonErrorCode } from '../errors/charon.error';
import type { LookupKeyCandidate, LookupKeyQuery, LookupKeyRecord, NewLookupKeyRecord } from '../lookup-key/lookup-key.model';
import type { LookupKeyStore } from '../lookup-key/lookup-key-store';
import type { SessionStoreConformanceRunner } from './session-store-conformance-support';

/** The test functions the suite declares its cases with (Jest's and Vitest's fit as they are). */
export type LookupKeyStoreConformanceRunner = SessionStoreConformanceRunner;

/**
 * What the cases work with; `store` and `now` belong to the running case, so read them inside cases.
 * @internal Shared by the suite's files; not part of the public API.
 */
export interface LookupKeyConformanceContext {
  readonly runner: LookupKeyStoreConformanceRunner;
  readonly store: LookupKeyStore;
  /** The case's start time (unix seconds); records built by {@link record} live for an hour from it. */
  readonly now: number;
  /** A new record of a fresh random user (unless given), in a random shard, under a random version-2 lookup key. */
  record(overrides?: Partial<NewLookupKeyRecord>): NewLookupKeyRecord;
  /** Inserts records, asserting each was stored. */
  insert(...records: NewLookupKeyRecord[]): Promise<void>;
  /** A query in one record's shard with these candidates (default: the record's own key). */
  query(record: NewLookupKeyRecord, candidates?: LookupKeyCandidate[]): LookupKeyQuery;
}

export const HOUR = 3600;

/** A random lookup key: base64url of 32 bytes, like an HMAC-SHA256. */
export function randomLookupKey(version = 2): LookupKeyCandidate {
  return { version, lookupKey: randomBytes(32).toString('base64url') };
}

/** Resolves with the error code `promise` rejected with; fails if it resolved. */
export async function rejectionCode(promise: Promise<unknown>): Promise<CharonErrorCode | undefined> {
  const error = await promise.then(
    () => assert.fail('expected a rejection, but the promise resolved'),
    (e: unknown) => e,
  );
  return (error as { code?: CharonErrorCode }).code;
}

/** The record as `find`/`list` return it. */
export function visible({ id, userId, name, createdAt, expiresAt }: NewLookupKeyRecord): LookupKeyRecord {
  return name === undefined ? { id, userId, createdAt, expiresAt } : { id, userId, name, createdAt, expiresAt };
}
