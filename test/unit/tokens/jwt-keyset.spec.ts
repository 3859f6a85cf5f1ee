import { createSecretKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { CharonConfigError } from '../../../src/errors/charon-config.error';
import { deriveKey } from '../../../src/tokens/key-derivation';
import { JwtTokenFactory } from '../../../src/tokens/jwt/jwt-token-factory';
import { DEFAULT_JWT_KEY_PURPOSE, defaultJwtTokenFactoryOptions, type JwtTokenFactoryOptions } from '../../../src/tokens/jwt/jwt-keyset';
import { decodeHeader } from './jwt-test-helpers';

/** Constructs and returns the CharonConfigError's problems; fails the test if construction succeeds. */
function problemsOf(options: unknown): string[] {
  try {
    new JwtTokenFactory(options as JwtTokenFactoryOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(CharonConfigError);
    expect((error as CharonConfigError).code).toBe('ERR_CHARON_CONFIG');
    return (error as CharonConfigError).problems;
  }
  throw new Error('expected the constructor to throw');
}

const ed25519 = generateKeyPairSync('ed25519');

describe('JwtTokenFactory construction', () => {
  it.each([
    ['HS256', 31, 32],
    ['HS384', 47, 48],
    ['HS512', 63, 64],
  ] as const)('rejects an %s key shorter than the hash output (%d bytes)', (alg, short, min) => {
    const problems = problemsOf({ keyset: { weak: { alg, key: randomBytes(short) } }, signingKey: 'weak' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('"weak"');
    expect(problems[0]).toContain(`${short} bytes`);
    expect(problems[0]).toContain(`at least ${min} bytes`);
    // Exactly the minimum is fine.
    expect(() => new JwtTokenFactory({ keyset: { ok: { alg, key: randomBytes(min) } }, signingKey: 'ok' })).not.toThrow();
  });

  it('checks secret KeyObjects the same way and refuses asymmetric keys for HMAC', () => {
    expect(problemsOf({ keyset: { k: { alg: 'HS256', key: createSecretKey(randomBytes(16)) } }, signingKey: 'k' })[0]).toContain(
      '16 bytes',
    );
    expect(problemsOf({ keyset: { k: { alg: 'HS256', key: ed25519.privateKey } }, signingKey: 'k' })[0]).toMatch(
      /"k".*secret key.*private ed25519/,
    );
    expect(problemsOf({ keyset: { k: { alg: 'HS256', key: 'a string secret of more than 32 chars!!' } }, signingKey: 'k' })[0]).toMatch(
      /"k".*Uint8Array/,
    );
  });

  it('rejects EdDSA keys that are not ed25519/ed448 KeyObjects', () => {
    const x25519 = generateKeyPairSync('x25519').privateKey;
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    for (const key of [x25519, rsa, ec]) {
      const [problem] = problemsOf({ keyset: { ed: { alg: 'EdDSA', key } }, signingKey: 'ed' });
      expect(problem).toMatch(/"ed".*ed25519 or ed448.*got a (x25519|rsa|ec) key/);
    }
    expect(problemsOf({ keyset: { ed: { alg: 'EdDSA', key: createSecretKey(randomBytes(32)) } }, signingKey: 'ed' })[0]).toMatch(
      /got a secret key/,
    );
    expect(problemsOf({ keyset: { ed: { alg: 'EdDSA', key: randomBytes(32) } }, signingKey: 'ed' })[0]).toMatch(/"ed".*KeyObject/);
  });

  it('rejects a signingKey that is not in the keyset, naming the known kids', () => {
    const problems = problemsOf({ keyset: { a: { alg: 'HS256', key: randomBytes(32) } }, signingKey: 'b' });
    expect(problems).toEqual(['jwt signingKey "b" is not in the keyset (kids: "a")']);
    // An inherited name is not in the keyset either.
    expect(problemsOf({ keyset: { a: { alg: 'HS256', key: randomBytes(32) } }, signingKey: 'toString' })[0]).toContain(
      '"toString" is not in the keyset',
    );
    expect(problemsOf({ keyset: { a: { alg: 'HS256', key: randomBytes(32) } }, signingKey: undefined })[0]).toContain('signingKey');
  });

  it('rejects a public key as the signing key, but accepts it for verification', () => {
    const problems = problemsOf({ keyset: { pub: { alg: 'EdDSA', key: ed25519.publicKey } }, signingKey: 'pub' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/"pub".*public.*only verify/);
    expect(
      () =>
        new JwtTokenFactory({
          keyset: { pub: { alg: 'EdDSA', key: ed25519.publicKey }, priv: { alg: 'EdDSA', key: ed25519.privateKey } },
          signingKey: 'priv',
        }),
    ).not.toThrow();
  });

  it('rejects unsupported algorithms, naming the supported ones', () => {
    for (const alg of ['none', 'RS256', 'hs256', undefined]) {
      const [problem] = problemsOf({ keyset: { k: { alg, key: randomBytes(64) } }, signingKey: 'k' });
      expect(problem).toContain('"k"');
      expect(problem).toContain('HS256, HS384, HS512, EdDSA');
    }
  });

  it('rejects a kid_not_set key whose alg differs from its name', () => {
    const [problem] = problemsOf({ keyset: { 'kid_not_set.HS256': { alg: 'HS512', key: randomBytes(64) } }, signingKey: 'kid_not_set.HS256' });
    expect(problem).toMatch(/"kid_not_set\.HS256".*\(HS256\).*HS512/);
  });

  it('rejects empty or non-object keysets and bad entries', () => {
    expect(problemsOf({ keyset: {}, signingKey: 'a' })).toEqual([
      'jwt keyset is empty; it needs at least the signing key',
      'jwt signingKey "a" is not in the keyset (kids: none)',
    ]);
    expect(problemsOf({ keyset: null, signingKey: 'a' })[0]).toContain('must be an object');
    expect(problemsOf({ keyset: [{ alg: 'HS256', key: randomBytes(32) }], signingKey: '0' })[0]).toContain('must be an object');
    expect(problemsOf(undefined)[0]).toContain('must be an object');
    expect(problemsOf({ keyset: { k: null }, signingKey: 'k' })[0]).toContain('"k": expected { alg, key }');
    expect(problemsOf({ keyset: { '': { alg: 'HS256', key: randomBytes(32) } }, signingKey: '' })[0]).toContain('empty kid');
  });

  it('rejects a nonsensical maxTokenLength', () => {
    for (const maxTokenLength of [0, 10, -1, 1.5, NaN, Infinity]) {
      const problems = problemsOf({ keyset: { k: { alg: 'HS256', key: randomBytes(32) } }, signingKey: 'k', maxTokenLength });
      expect(problems[0]).toContain('maxTokenLength');
    }
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({
      keyset: {
        short: { alg: 'HS256', key: randomBytes(8) },
        rsa: { alg: 'RS256', key: randomBytes(32) },
        pub: { alg: 'EdDSA', key: ed25519.publicKey },
      },
      signingKey: 'pub',
    });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/"short"[\s\S]*"rsa"[\s\S]*"pub"/);
  });

  it('never puts key material into error messages', () => {
    const key = Buffer.from('0123456789abcdef0123456789abcde'); // 31 bytes
    const error = (() => {
      try {
        new JwtTokenFactory({ keyset: { k: { alg: 'HS256', key } }, signingKey: 'k' });
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a throw');
    })();
    expect(error.message).not.toContain(key.toString());
    expect(error.message).not.toContain(key.toString('base64'));
    expect(error.message).not.toContain(key.toString('hex'));
  });
});

describe('defaultJwtTokenFactoryOptions', () => {
  it('derives one 32-byte HS256 key named default', () => {
    const calls: Array<[string, number]> = [];
    const options = defaultJwtTokenFactoryOptions((purpose, length) => {
      calls.push([purpose, length]);
      return Buffer.alloc(length, 7);
    });
    expect(calls).toEqual([[DEFAULT_JWT_KEY_PURPOSE, 32]]);
    expect(DEFAULT_JWT_KEY_PURPOSE).toBe('jwt default HS256');
    expect(options).toEqual({ keyset: { default: { alg: 'HS256', key: Buffer.alloc(32, 7) } }, signingKey: 'default' });
  });

  it('works with deriveKey from key-derivation and signs with kid default', () => {
    const secret = randomBytes(32);
    const f = new JwtTokenFactory(defaultJwtTokenFactoryOptions((purpose, length) => deriveKey(secret, purpose, length)));
    const token = f.sign({ a: 1 });
    expect(decodeHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT', kid: 'default' });
    expect(f.verify(token)).toEqual({ valid: true, payload: { a: 1 } });
    // Same secret, same key: a second instance (another process) verifies; another secret does not.
    const same = new JwtTokenFactory(defaultJwtTokenFactoryOptions((p, n) => deriveKey(secret, p, n)));
    expect(same.verify(token).valid).toBe(true);
    const other = new JwtTokenFactory(defaultJwtTokenFactoryOptions((p, n) => deriveKey(randomBytes(32), p, n)));
    expect(other.verify(token)).toEqual({ valid: false, error: 'signature invalid' });
  });
});
