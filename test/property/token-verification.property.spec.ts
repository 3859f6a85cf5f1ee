/**
 * Properties of token signing and verification (src/tokens): verify never throws, accepts what sign made, and
 * accepts no mutation of it: no changed, inserted or deleted character anywhere, no segments swapped within or
 * between tokens, no token of another key.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { JwtTokenFactory, type JwtKeyset } from 'nestjs-charon';
import { hasCanonicalEnd } from '../../src/tokens/jwt/base64url';
import { joinSignature, splitSignature } from '../../src/tokens/token-transport';
import { mutate, mutationArb } from './token-mutations';

const RUNS = { numRuns: 100 };

const ed25519 = generateKeyPairSync('ed25519').privateKey;
const KEYSET: JwtKeyset = {
  hs256: { alg: 'HS256', key: randomBytes(32) },
  hs512: { alg: 'HS512', key: randomBytes(64) },
  ed: { alg: 'EdDSA', key: ed25519 },
  'kid_not_set.HS256': { alg: 'HS256', key: randomBytes(32) },
};
/** One factory per signing key, all verifying with the whole keyset. */
const FACTORIES = Object.keys(KEYSET).map((signingKey) => new JwtTokenFactory({ keyset: KEYSET, signingKey }));
/** The same kids and algorithms with other keys: nothing it signs may verify with KEYSET. */
const IMPOSTOR = new JwtTokenFactory({
  keyset: { ...KEYSET, hs256: { alg: 'HS256', key: randomBytes(32) } },
  signingKey: 'hs256',
});

/** JSON-object payloads like the guards' plus arbitrary claims (no `__proto__`: JSON.parse keeps it as a plain key). */
const payloadArb = fc
  .record({
    iss: fc.string(),
    sub: fc.oneof(fc.integer(), fc.string()),
    sid: fc.string(),
    type: fc.constantFrom('access', 'refresh'),
    iat: fc.integer({ min: 0, max: 2 ** 32 }),
    extra: fc.dictionary(fc.string().filter((key) => key !== '__proto__'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  })
  .map(({ extra, ...claims }) => ({ ...extra, ...claims }));

const factoryArb = fc.constantFrom(...FACTORIES);
const tokenArb = fc.tuple(factoryArb, payloadArb).map(([factory, payload]) => ({ payload, token: factory.sign(payload) }));

describe('token verification (JwtTokenFactory): properties', () => {
  it('accepts what it signed, with the payload unchanged, for every key of the keyset', () => {
    fc.assert(
      fc.property(tokenArb, ({ payload, token }) => {
        for (const factory of FACTORIES) {
          const result = factory.verify(token);
          expect(result).toEqual({ valid: true, payload: JSON.parse(JSON.stringify(payload)) });
        }
      }),
      RUNS,
    );
  });

  it('accepts no mutation of a valid token', () => {
    fc.assert(
      fc.property(tokenArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), ({ token }, mutations) => {
        const mutated = mutations.reduce(mutate, token);
        fc.pre(mutated !== token);
        expect(FACTORIES[0].verify(mutated).valid).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('accepts no token assembled from the segments of two tokens', () => {
    fc.assert(
      fc.property(tokenArb, tokenArb, fc.array(fc.tuple(fc.nat(1), fc.nat(2)), { minLength: 3, maxLength: 3 }), (a, b, picks) => {
        const segments = [a.token.split('.'), b.token.split('.')];
        const assembled = picks.map(([source, index]) => segments[source][index]).join('.');
        fc.pre(assembled !== a.token && assembled !== b.token);
        expect(FACTORIES[0].verify(assembled).valid).toBe(false);
      }),
      RUNS,
    );
  });

  it('accepts no token signed with another key under a known kid', () => {
    fc.assert(
      fc.property(payloadArb, (payload) => {
        expect(FACTORIES[0].verify(IMPOSTOR.sign(payload)).valid).toBe(false);
      }),
      RUNS,
    );
  });

  it('never throws, whatever it is given, and accepts nothing that was not signed', () => {
    const segmentArb = fc.string({ unit: fc.constantFrom(...'ABCDEFabcdef0123456789-_=+/.'), maxLength: 60 });
    const anyInput = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.array(segmentArb, { minLength: 1, maxLength: 5 }).map((segments) => segments.join('.')),
      fc.tuple(fc.jsonValue(), fc.jsonValue(), segmentArb).map(([h, p, s]) => `${Buffer.from(JSON.stringify(h) ?? '').toString('base64url')}.${Buffer.from(JSON.stringify(p) ?? '').toString('base64url')}.${s}`),
      fc.anything(),
    );
    fc.assert(
      fc.property(anyInput, (input) => {
        const result = FACTORIES[0].verify(input as string);
        expect(result.valid).toBe(false);
      }),
      RUNS,
    );
  });

  it('treats a base64url segment as canonical exactly when Node would encode its bytes that way', () => {
    const base64url = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), maxLength: 12 });
    fc.assert(
      fc.property(base64url, (text) => {
        expect(hasCanonicalEnd(text, 0, text.length)).toBe(Buffer.from(text, 'base64url').toString('base64url') === text);
      }),
      { numRuns: 1000 },
    );
  });

  it('cookie transport: split then join gives the token back; join never throws and only ever concatenates', () => {
    fc.assert(
      fc.property(tokenArb, ({ token }) => {
        const { headerPayload, signature } = splitSignature(token);
        expect(joinSignature(headerPayload, signature)).toBe(token);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (header, cookie) => {
        const joined = joinSignature(header, cookie);
        expect(joined === null || joined === header + cookie).toBe(true);
      }),
      RUNS,
    );
  });
});
