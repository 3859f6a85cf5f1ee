import { randomBytes } from 'node:crypto';
import { CharonConfigError } from '../../../src/errors/charon-config.error';
import { resolveLookupKeyOptions } from '../../../src/lookup-key/lookup-key-config';
import type { LookupKeyOptions } from '../../../src/lookup-key/lookup-key.options';
import { deriveKey } from '../../../src/tokens/key-derivation';

const baseSecret = randomBytes(48);
const derive = (purpose: string) => deriveKey(baseSecret, purpose);

function problemsOf(options: LookupKeyOptions): string[] {
  try {
    resolveLookupKeyOptions(options, derive);
  } catch (error) {
    expect(error).toBeInstanceOf(CharonConfigError);
    return (error as CharonConfigError).problems;
  }
  throw new Error('expected a CharonConfigError');
}

describe('resolveLookupKeyOptions', () => {
  const secret = randomBytes(32);

  it('defaults: 30 days, 100 per user, cookie _lookup_key, prefix chk_, rekey on, one version derived from the base secret', () => {
    const config = resolveLookupKeyOptions(undefined, derive);
    expect(config).toMatchObject({ ttl: 2592000, maxPerUser: 100, cookieName: '_lookup_key', rekey: true });
    expect(config.credentials.prefix).toBe('chk_');
    expect(config.keyset.versions).toEqual([1]);
    const explicit = resolveLookupKeyOptions({ keyset: { versions: { 1: derive('lookup-key hmac v1') }, shardKey: derive('lookup-key shard') } }, derive);
    expect(config.keyset.query(secret)).toEqual(explicit.keyset.query(secret));
  });

  it('options given as undefined (unset env vars) mean the defaults', () => {
    const config = resolveLookupKeyOptions({ ttl: undefined, cookieName: undefined, prefix: undefined }, derive);
    expect(config.ttl).toBe(2592000);
    expect(config.cookieName).toBe('_lookup_key');
  });

  it('derives one key per listed version; the highest is current unless another is named', () => {
    const rotated = resolveLookupKeyOptions({ keyset: { versions: [1, 2] } }, derive);
    expect(rotated.keyset.versions).toEqual([2, 1]);
    const before = resolveLookupKeyOptions({}, derive);
    // Version 1 is the same key before and after the rotation, so old credentials keep their lookup key.
    expect(rotated.keyset.lookupKey(1, secret)).toBe(before.keyset.lookupKey(1, secret));
    expect(rotated.keyset.lookupKey(2, secret)).not.toBe(before.keyset.lookupKey(1, secret));
    expect(resolveLookupKeyOptions({ keyset: { versions: [1, 2], current: 1 } }, derive).keyset.current).toBe(1);
  });

  it('names every problem at once', () => {
    expect(
      problemsOf({ ttl: 0, maxPerUser: 20_000, cookieName: 'bad name', prefix: 'chk', rekey: 'yes' as unknown as boolean, keyset: { versions: [1], current: 3 } }),
    ).toEqual([
      'lookupKeys.ttl must be a positive integer (seconds)',
      'lookupKeys.maxPerUser must be an integer from 1 to 10000',
      'lookupKeys.cookieName must be a valid cookie name',
      'lookupKeys.prefix must be 1 to 16 letters or digits followed by "_"',
      'lookupKeys.rekey must be a boolean',
      'lookup-key keyset: current version 3 is not one of the versions',
    ]);
    expect(problemsOf({ keyset: { versions: { 1: randomBytes(8) } } })).toEqual(['lookup-key keyset: the key of version 1 must be at least 32 bytes']);
    expect(problemsOf({ keyset: { versions: [0] } })).toContain('lookup-key keyset: version 0 must be a positive integer');
  });
});
