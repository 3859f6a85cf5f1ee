import { createHmac, randomBytes } from 'node:crypto';
import { CharonConfigError } from '../../../src/errors/charon-config.error';
import { LookupKeyKeyset } from '../../../src/lookup-key/lookup-key-keyset';

const key1 = randomBytes(32);
const key2 = randomBytes(32);
const shardKey = randomBytes(32);

function keyset(versions: [number, Uint8Array][] = [[1, key1], [2, key2]], current = 2, shard: Uint8Array = shardKey): LookupKeyKeyset {
  return new LookupKeyKeyset({ versions: new Map(versions), current, shardKey: shard });
}

function problemsOf(build: () => unknown): string[] {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(CharonConfigError);
    return (error as CharonConfigError).problems;
  }
  throw new Error('expected a CharonConfigError');
}

describe('LookupKeyKeyset', () => {
  const secret = randomBytes(32);

  it('computes HMAC-SHA256(key_v, domain || secret), base64url, per version', () => {
    const expected = (key: Buffer) => createHmac('sha256', key).update('nestjs-charon lookup-key\0').update(secret).digest('base64url');
    expect(keyset().lookupKey(1, secret)).toBe(expected(key1));
    expect(keyset().lookupKey(2, secret)).toBe(expected(key2));
    expect(keyset().lookupKey(1, secret)).toHaveLength(43);
    expect(() => keyset().lookupKey(3, secret)).toThrow(RangeError);
  });

  it('queries one candidate per active version, current first then newest to oldest, in one shard', () => {
    const set = keyset([[1, key1], [3, randomBytes(32)], [2, key2]], 2);
    const query = set.query(secret);
    expect(query.candidates.map((c) => c.version)).toEqual([2, 3, 1]);
    for (const candidate of query.candidates) expect(candidate.lookupKey).toBe(set.lookupKey(candidate.version, secret));
    expect(set.currentKey(secret)).toEqual(query.candidates[0]);
    expect(query.shard).toMatch(/^[0-9a-f]{4}$/);
    expect(query.shard).toBe(set.shard(secret));
  });

  it('keeps the shard of a secret across rotations (same shard key) and spreads secrets over shards', () => {
    expect(keyset([[1, key1]], 1).shard(secret)).toBe(keyset([[1, key1], [2, key2]], 2).shard(secret));
    const otherShardKey = keyset(undefined, 2, randomBytes(32));
    const secrets = Array.from({ length: 50 }, () => randomBytes(32));
    expect(secrets.filter((s) => otherShardKey.shard(s) !== keyset().shard(s)).length).toBeGreaterThan(45);
    const shards = new Set(Array.from({ length: 2000 }, () => keyset().shard(randomBytes(32))));
    // 2000 secrets over 65 536 shards: nearly all distinct; a constant or low-entropy tag would collapse.
    expect(shards.size).toBeGreaterThan(1900);
  });

  it('is not the shard key or another version that makes a lookup key: all differ', () => {
    const set = keyset();
    const values = [set.lookupKey(1, secret), set.lookupKey(2, secret), createHmac('sha256', shardKey).update(secret).digest('base64url')];
    expect(new Set(values).size).toBe(3);
  });

  it('refuses bad keysets, naming every problem', () => {
    expect(problemsOf(() => keyset([[1, randomBytes(16)]], 1))).toEqual(['lookup-key keyset: the key of version 1 must be at least 32 bytes']);
    expect(problemsOf(() => keyset([[1, key1], [2, key1]], 2))).toEqual(['lookup-key keyset: version 2 reuses the key of another version']);
    expect(problemsOf(() => keyset([[1, key1]], 2))).toEqual(['lookup-key keyset: current version 2 is not one of the versions']);
    expect(problemsOf(() => keyset([[0, key1], [1.5, key2]], 0, randomBytes(8)))).toEqual([
      'lookup-key keyset: version 0 must be a positive integer',
      'lookup-key keyset: version 1.5 must be a positive integer',
      'lookup-key keyset: shardKey must be at least 32 bytes',
    ]);
    expect(problemsOf(() => keyset([], 1))).toEqual(['lookup-key keyset: at least one version is needed']);
  });
});
