import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { CharonConfigError } from '../errors/charon-config.error';
import type { LookupKeyCandidate, LookupKeyQuery } from './lookup-key.model';

/** Shortest HMAC key accepted for a version or the shard key: HMAC-SHA256 gains nothing from more. */
export const MIN_LOOKUP_KEY_HMAC_KEY_BYTES = 32;

/**
 * Domain separation: the HMAC input is this prefix followed by the secret, so a lookup key can never equal an HMAC
 * the same key computes for another purpose, and the shard tag never equals a lookup key.
 */
const LOOKUP_DOMAIN = Buffer.from('nestjs-charon lookup-key\0');
const SHARD_DOMAIN = Buffer.from('nestjs-charon lookup-key shard\0');

/** Bytes of the shard tag: 65 536 shards, enough to spread over the 16 384 slots of a Redis Cluster. */
const SHARD_BYTES = 2;

/** `deriveKey` purpose of a version's HMAC key when the keyset derives it from the base secret. */
export function lookupKeyHmacPurpose(version: number): string {
  return `lookup-key hmac v${version}`;
}

/** `deriveKey` purpose of the default shard key. */
export const LOOKUP_KEY_SHARD_PURPOSE = 'lookup-key shard';

/** A keyset as the module resolves it: every key present. */
export interface LookupKeyKeysetKeys {
  /** HMAC key (>= 32 bytes) by version (a positive integer). */
  versions: ReadonlyMap<number, Uint8Array>;
  /** The version that keys new credentials and that older ones are re-keyed to. */
  current: number;
  /** Key of the shard tag (>= 32 bytes). Must never change while records exist: it decides where they are. */
  shardKey: Uint8Array;
}

/**
 * The versioned HMAC keys of lookup-key sessions. A credential's lookup key under version v is
 * `HMAC-SHA256(key_v, "nestjs-charon lookup-key\0" || secret)`; stores keep only that and v.
 *
 * Rotation: add a version and make it current. New credentials get the new version; a credential stored under an
 * older one still validates (one candidate per active version, all looked up in one round trip) and is re-keyed to
 * the current version when it is used. Drop an old version once every credential it keyed has expired or been
 * re-keyed.
 */
export class LookupKeyKeyset {
  readonly current: number;
  /** Active versions, current first, then newest to oldest. */
  readonly versions: readonly number[];
  private readonly keys: ReadonlyMap<number, KeyObject>;
  private readonly shardKey: KeyObject;

  /** @throws CharonConfigError naming everything wrong with `keys`. */
  constructor(keys: LookupKeyKeysetKeys) {
    const problems = keysetProblems(keys);
    if (problems.length > 0) throw new CharonConfigError(problems.map((problem) => `lookup-key keyset: ${problem}`));
    this.current = keys.current;
    this.versions = [keys.current, ...[...keys.versions.keys()].filter((v) => v !== keys.current).sort((a, b) => b - a)];
    this.keys = new Map([...keys.versions].map(([version, key]) => [version, createSecretKey(Buffer.from(key))]));
    this.shardKey = createSecretKey(Buffer.from(keys.shardKey));
  }

  /** The lookup key of `secret` under `version` (which must be active). */
  lookupKey(version: number, secret: Uint8Array): string {
    const key = this.keys.get(version);
    if (key === undefined) throw new RangeError(`lookup-key keyset has no version ${version}`);
    return createHmac('sha256', key).update(LOOKUP_DOMAIN).update(secret).digest('base64url');
  }

  /** The lookup key of `secret` under the current version. */
  currentKey(secret: Uint8Array): LookupKeyCandidate {
    return { version: this.current, lookupKey: this.lookupKey(this.current, secret) };
  }

  /** Where the records of `secret` live; see {@link LookupKeyQuery.shard}. Four hex digits. */
  shard(secret: Uint8Array): string {
    return createHmac('sha256', this.shardKey).update(SHARD_DOMAIN).update(secret).digest().subarray(0, SHARD_BYTES).toString('hex');
  }

  /** One candidate per active version (current first) and the shard: everything a store needs to find `secret`. */
  query(secret: Uint8Array): LookupKeyQuery {
    return { shard: this.shard(secret), candidates: this.versions.map((version) => ({ version, lookupKey: this.lookupKey(version, secret) })) };
  }
}

function keysetProblems({ versions, current, shardKey }: LookupKeyKeysetKeys): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [version, key] of versions) {
    if (!Number.isSafeInteger(version) || version < 1) {
      problems.push(`version ${version} must be a positive integer`);
      continue;
    }
    if (!(key instanceof Uint8Array) || key.length < MIN_LOOKUP_KEY_HMAC_KEY_BYTES) {
      problems.push(`the key of version ${version} must be at least ${MIN_LOOKUP_KEY_HMAC_KEY_BYTES} bytes`);
      continue;
    }
    // Two versions with one key would make rotation a no-op that looks like a rotation.
    const hex = Buffer.from(key).toString('hex');
    if (seen.has(hex)) problems.push(`version ${version} reuses the key of another version`);
    seen.add(hex);
  }
  if (versions.size === 0) problems.push('at least one version is needed');
  else if (!versions.has(current)) problems.push(`current version ${current} is not one of the versions`);
  if (!(shardKey instanceof Uint8Array) || shardKey.length < MIN_LOOKUP_KEY_HMAC_KEY_BYTES) {
    problems.push(`shardKey must be at least ${MIN_LOOKUP_KEY_HMAC_KEY_BYTES} bytes`);
  }
  return problems;
}
