import { randomBytes } from 'node:crypto';
import { LookupKeyKeyset } from '../../../src/lookup-key/lookup-key-keyset';
import type { NewLookupKeyRecord } from '../../../src/lookup-key/lookup-key.model';
import type { UserId } from '../../../src/model/session.model';

/** A keyset with versions 1 and 2 (current), as after one rotation. */
export function rotatedKeyset(): LookupKeyKeyset {
  return new LookupKeyKeyset({ versions: new Map([[1, randomBytes(32)], [2, randomBytes(32)]]), current: 2, shardKey: randomBytes(32) });
}

/** A new record for `secret` under `version`, as `LookupKeyService.create` builds it. */
export function recordFor(keyset: LookupKeyKeyset, secret: Buffer, userId: UserId, now: number, version = keyset.current): NewLookupKeyRecord {
  return {
    id: randomBytes(16).toString('base64url'),
    userId,
    createdAt: now,
    expiresAt: now + 3600,
    shard: keyset.shard(secret),
    key: { version, lookupKey: keyset.lookupKey(version, secret) },
  };
}
