import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../internal/constant-time';
import { isValidUserId, type UserId } from '../../model/session.model';
import { userTag } from '../../session-store/redis/redis-session-keys';
import type { LookupKeyCandidate, LookupKeyRecord } from '../lookup-key.model';
import { publicRecord } from '../lookup-key-validation';

/** Length of the base64url HMAC-SHA256 that signs a stored record. */
const MAC_LENGTH = 43;

/** Verified values remembered (about 300 bytes each) before the memo starts over. */
const VERIFIED_MEMO_SIZE = 10_000;

/** `<revokedAt>:<expiresAt>:<version>:<lookupKey>:` then the MAC and the JSON (see the functions' layout). */
const RECORD_HEADER = /^(\d+):(\d+):(\d+):([\w-]+):/;

/**
 * A shard tag the store accepts in a key name: no `{`, `}` or `:`.
 *
 * @internal
 */
export const VALID_SHARD = /^[\w.-]{1,64}$/;

/**
 * Name of the shard hash: `<prefix>{lk.<shard>}:lookup-key-shard`; the braces make `lk.<shard>` the Cluster hash tag.
 *
 * @internal
 */
export function shardKey(prefix: string, shard: string): string {
  return `${prefix}{lk.${shard}}:lookup-key-shard`;
}

/**
 * Name of a user's index hash: `<prefix>{<tag>}:lookup-keys`, with the session store's reversible user tag (a user
 * tag is base64url of JSON and starts with `W`, so it never equals a shard's `lk.` tag).
 *
 * @internal
 */
export function indexKey(prefix: string, userId: UserId): string {
  return `${prefix}{${userTag(userId, 'lookup-key')}}:lookup-keys`;
}

/**
 * A stored record read back and verified.
 *
 * @internal
 */
export interface DecodedRecord {
  record: LookupKeyRecord;
  key: LookupKeyCandidate;
}

/**
 * Signs and verifies shard record values. The MAC covers the version, the lookup key and the record, so someone
 * who can write to Redis but does not hold the signing key cannot point their own credential at another user's
 * record, nor change a record's user or expiry; such values are refused like absent ones.
 *
 * Values verified with the current key are remembered by their exact bytes, so a credential used again costs a map
 * lookup instead of an HMAC and a JSON parse. Only a value Redis has just returned is ever looked up, so the memo
 * cannot serve anything stale; a different key empties it.
 *
 * @internal
 */
export class LookupKeyRecordCodec {
  private readonly verified = new Map<string, DecodedRecord>();
  private verifiedWith: Uint8Array | undefined;

  constructor(private readonly getKey: () => Uint8Array) {}

  /** The value of a live record: `0:<expiresAt>:<version>:<lookupKey>:<mac><json>`. */
  encode(record: LookupKeyRecord, key: LookupKeyCandidate): string {
    const json = JSON.stringify(publicRecord(record));
    return `0:${record.expiresAt}:${key.version}:${key.lookupKey}:${this.mac(key, json)}${json}`;
  }

  /** The record of a stored value if its signature and fields check out, else undefined. A copy the caller may keep. */
  decode(value: string): DecodedRecord | undefined {
    const key = this.getKey();
    if (key !== this.verifiedWith) {
      this.verified.clear();
      this.verifiedWith = key;
    }
    let decoded = this.verified.get(value);
    if (decoded === undefined) {
      decoded = this.verify(value);
      if (decoded === undefined) return undefined;
      if (this.verified.size >= VERIFIED_MEMO_SIZE) this.verified.clear();
      this.verified.set(value, decoded);
    }
    return { record: publicRecord(decoded.record), key: { ...decoded.key } };
  }

  private verify(value: string): DecodedRecord | undefined {
    const header = RECORD_HEADER.exec(value);
    if (header === null) return undefined;
    const key = { version: Number(header[3]), lookupKey: header[4] };
    const mac = value.slice(header[0].length, header[0].length + MAC_LENGTH);
    const json = value.slice(header[0].length + MAC_LENGTH);
    if (!constantTimeEqual(mac, this.mac(key, json))) return undefined;
    let record: LookupKeyRecord;
    try {
      record = JSON.parse(json) as LookupKeyRecord;
    } catch {
      return undefined;
    }
    if (typeof record?.id !== 'string' || !isValidUserId(record.userId) || record.expiresAt !== Number(header[2])) return undefined;
    return { record: publicRecord(record), key };
  }

  private mac(key: LookupKeyCandidate, json: string): string {
    return createHmac('sha256', this.getKey()).update(`${key.version}:${key.lookupKey}:${json}`).digest('base64url');
  }
}

/**
 * A user index entry: `<expiresAt>:<shard>:<public record JSON>`.
 *
 * @internal
 */
export function encodeIndexEntry(record: LookupKeyRecord, shard: string): string {
  return `${record.expiresAt}:${shard}:${JSON.stringify(publicRecord(record))}`;
}

const INDEX_ENTRY = /^(\d+):([\w.-]+):/;

/**
 * A user index entry read back, or undefined for anything malformed.
 *
 * @internal
 */
export function decodeIndexEntry(value: unknown): { record: LookupKeyRecord; shard: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const header = INDEX_ENTRY.exec(value);
  if (header === null) return undefined;
  try {
    const record = JSON.parse(value.slice(header[0].length)) as LookupKeyRecord;
    if (typeof record?.id !== 'string' || !isValidUserId(record.userId) || record.expiresAt !== Number(header[1])) return undefined;
    return { record: publicRecord(record), shard: header[2] };
  } catch {
    return undefined;
  }
}
