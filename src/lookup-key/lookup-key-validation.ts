import { isValidUserId } from '../model/session.model';
import type { LookupKeyRecord, NewLookupKeyRecord } from './lookup-key.model';

/**
 * Why `record` cannot be stored faithfully, or undefined when it can. Every store checks this before touching its
 * backend, so a bad record is refused the same way everywhere (with `InvalidSessionError`: a programming error).
 *
 * @internal
 */
export function newRecordProblem(record: NewLookupKeyRecord): string | undefined {
  const { id, userId, name, createdAt, expiresAt, shard, key } = record;
  if (typeof id !== 'string' || id === '') return 'record.id must be a non-empty string';
  if (!isValidUserId(userId)) return 'record.userId must be a string or a finite number';
  if (name !== undefined && typeof name !== 'string') return 'record.name must be a string when given';
  if (!Number.isSafeInteger(createdAt) || !Number.isSafeInteger(expiresAt)) return 'record.createdAt and record.expiresAt must be integers (unix seconds)';
  if (typeof shard !== 'string' || shard === '') return 'record.shard must be a non-empty string';
  if (typeof key?.lookupKey !== 'string' || key.lookupKey === '' || !Number.isSafeInteger(key.version)) {
    return 'record.key must hold a lookupKey string and an integer version';
  }
  return undefined;
}

/**
 * The record fields applications see, copied (an absent name stays absent).
 *
 * @internal
 */
export function publicRecord({ id, userId, name, createdAt, expiresAt }: LookupKeyRecord): LookupKeyRecord {
  return name === undefined ? { id, userId, createdAt, expiresAt } : { id, userId, name, createdAt, expiresAt };
}
