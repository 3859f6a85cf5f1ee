import { createPublicKey, createSecretKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { createLocalJWKSet, exportJWK, importJWK, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { JwtTokenFactory } from '../../../src/tokens/jwt/jwt-token-factory';
import type { JwtKeyset } from '../../../src/tokens/jwt/jwt-keyset';
import { decodeHeader, forge, segment, signInput } from './jwt-test-helpers';

const payload = {
  iss: 'https://issuer.test',
  sub: 42,
  sid: 'session-1',
  styp: 'full',
  type: 'access',
  jti: 'jti-1',
  iat: 1_700_000_000,
  nbf: 1_700_000_000,
  exp: 4_000_000_000,
  nested: { unicode: 'héllo ☃ 🎉', list: [1, 2, 3] },
};

// jose types `sub` as a string; charon allows numeric user ids, and jose signs whatever JSON it is given.
const josePayload = payload as unknown as JWTPayload;

const hs256 = randomBytes(32);
const hs384 = randomBytes(48);
const hs512 = randomBytes(64);
const ed25519 = generateKeyPairSync('ed25519');
const ed448 = generateKeyPairSync('ed448');

function factory(keyset: JwtKeyset, signingKey: string, maxTokenLength?: number): JwtTokenFactory {
  return new JwtTokenFactory({ keyset, signingKey, maxTokenLength });
}

const cases = [
  { name: 'HS256', key: { alg: 'HS256', key: hs256 }, sigChars: 43, verifyKey: hs256 as Uint8Array | KeyObject },
  { name: 'HS384', key: { alg: 'HS384', key: hs384 }, sigChars: 64, verifyKey: hs384 },
  { name: 'HS512', key: { alg: 'HS512', key: hs512 }, sigChars: 86, verifyKey: hs512 },
  { name: 'Ed25519', key: { alg: 'EdDSA', key: ed25519.privateKey }, sigChars: 86, verifyKey: ed25519.publicKey },
  { name: 'Ed448', key: { alg: 'EdDSA', key: ed448.privateKey }, sigChars: 152, verifyKey: ed448.publicKey },
] as const;

describe('JwtTokenFactory', () => {
  describe.each(cases)('$name', ({ key, sigChars, verifyKey }) => {
    const f = factory({ k1: key }, 'k1');

    it('round-trips a payload', () => {
      const token = f.sign(payload);
      expect(token.split('.')).toHaveLength(3);
      expect(token.split('.')[2]).toHaveLength(sigChars);
      expect(decodeHeader(token)).toEqual({ alg: key.alg, typ: 'JWT', kid: 'k1' });
      expect(f.verify(token)).toEqual({ valid: true, payload });
    });

    it('verifies repeatedly (header cache) and still rejects a bad signature with a cached header', () => {
      const token = f.sign(payload);
      for (let i = 0; i < 3; i++) expect(f.verify(token).valid).toBe(true);
      const [h, p, s] = token.split('.');
      const otherSig = s[0] === 'A' ? `B${s.slice(1)}` : `A${s.slice(1)}`;
      expect(f.verify(`${h}.${p}.${otherSig}`)).toEqual({ valid: false, error: 'signature invalid' });
    });

    it('is verified by jose', async () => {
      const token = f.sign(payload);
      const { payload: verified, protectedHeader } = await jwtVerify(token, verifyKey, { algorithms: [key.alg] });
      expect(verified).toEqual(payload);
      expect(protectedHeader).toEqual({ alg: key.alg, typ: 'JWT', kid: 'k1' });
    });

    it('verifies tokens signed by jose with the same key and kid', async () => {
      const signKey = key.key;
      const token = await new SignJWT(josePayload).setProtectedHeader({ alg: key.alg, kid: 'k1' }).sign(signKey);
      expect(f.verify(token)).toEqual({ valid: true, payload });
      // jose's header (no typ) differs from ours, so this went through the slow path; again via the cache.
      expect(f.verify(token)).toEqual({ valid: true, payload });
    });

    it('rejects a tampered payload', () => {
      const [h, , s] = f.sign(payload).split('.');
      expect(f.verify(`${h}.${segment({ ...payload, sub: 43 })}.${s}`)).toEqual({
        valid: false,
        error: 'signature invalid',
      });
    });
  });

  describe('rotation', () => {
    const oldKey = { alg: 'HS256', key: hs256 } as const;
    const newKey = { alg: 'EdDSA', key: ed25519.privateKey } as const;

    it('keeps verifying tokens of the old kid and signs with the new one', () => {
      const before = factory({ old: oldKey }, 'old');
      const oldToken = before.sign(payload);
      const after = factory({ old: oldKey, new: newKey }, 'new');
      expect(after.signingKid).toBe('new');
      const newToken = after.sign(payload);
      expect(decodeHeader(newToken)).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: 'new' });
      expect(after.verify(oldToken)).toEqual({ valid: true, payload });
      expect(after.verify(newToken)).toEqual({ valid: true, payload });
      // The old factory never heard of the new kid.
      expect(before.verify(newToken)).toEqual({ valid: false, error: 'key not found' });
    });

    it('verifies with a public-only EdDSA key', () => {
      const signer = factory({ ed: newKey }, 'ed');
      const verifier = factory({ ed: { alg: 'EdDSA', key: ed25519.publicKey }, hmac: oldKey }, 'hmac');
      expect(verifier.verify(signer.sign(payload))).toEqual({ valid: true, payload });
    });

    it('rejects a token whose kid has been removed', () => {
      const token = factory({ old: oldKey }, 'old').sign(payload);
      expect(factory({ new: newKey }, 'new').verify(token)).toEqual({ valid: false, error: 'key not found' });
    });

    it('uses the key of the kid, not any key that would verify', () => {
      // Same secret under two kids: a token naming kid "a" must be checked with "a"'s key and alg only.
      const f = factory({ a: { alg: 'HS256', key: hs256 }, b: { alg: 'HS512', key: hs512 } }, 'a');
      const forgedWithB = forge(segment({ alg: 'HS256', kid: 'a' }), segment(payload), { hmac: 'sha256', key: hs512 });
      expect(f.verify(forgedWithB)).toEqual({ valid: false, error: 'signature invalid' });
    });
  });

  describe('kid_not_set.<alg>', () => {
    it('signs without a kid header, and verifies kid-less tokens of that alg', () => {
      const f = factory({ 'kid_not_set.HS384': { alg: 'HS384', key: hs384 } }, 'kid_not_set.HS384');
      const token = f.sign(payload);
      expect(decodeHeader(token)).toEqual({ alg: 'HS384', typ: 'JWT' });
      expect(f.verify(token)).toEqual({ valid: true, payload });
    });

    it('verifies kid-less tokens from other issuers (jose)', async () => {
      const f = factory({ 'kid_not_set.EdDSA': { alg: 'EdDSA', key: ed448.publicKey }, s: { alg: 'HS256', key: hs256 } }, 's');
      const token = await new SignJWT(josePayload).setProtectedHeader({ alg: 'EdDSA' }).sign(ed448.privateKey);
      expect(f.verify(token)).toEqual({ valid: true, payload });
    });

    it('rejects kid-less tokens when there is no kid_not_set key for their alg', () => {
      const f = factory({ default: { alg: 'HS256', key: hs256 }, 'kid_not_set.HS512': { alg: 'HS512', key: hs512 } }, 'default');
      const kidless256 = forge(segment({ alg: 'HS256', typ: 'JWT' }), segment(payload), { hmac: 'sha256', key: hs256 });
      expect(f.verify(kidless256)).toEqual({ valid: false, error: 'key not found' });
      const kidless512 = forge(segment({ alg: 'HS512' }), segment(payload), { hmac: 'sha512', key: hs512 });
      expect(f.verify(kidless512)).toEqual({ valid: true, payload });
    });

    it('does not let a kid-less token fall back to the signing key', () => {
      const f = factory({ default: { alg: 'HS256', key: hs256 } }, 'default');
      const kidless = forge(segment({ alg: 'HS256' }), segment(payload), { hmac: 'sha256', key: hs256 });
      expect(f.verify(kidless)).toEqual({ valid: false, error: 'key not found' });
    });

    it('rejects a token with a kid when only kid_not_set keys exist and the kid is unknown', () => {
      const f = factory({ 'kid_not_set.HS256': { alg: 'HS256', key: hs256 } }, 'kid_not_set.HS256');
      const withKid = forge(segment({ alg: 'HS256', kid: 'x' }), segment(payload), { hmac: 'sha256', key: hs256 });
      expect(f.verify(withKid)).toEqual({ valid: false, error: 'key not found' });
    });
  });

  describe('rejections', () => {
    const hmacSigner = { hmac: 'sha256', key: hs256 } as const;
    const f = factory(
      { default: { alg: 'HS256', key: hs256 }, ed: { alg: 'EdDSA', key: ed25519.privateKey } },
      'default',
    );
    const good = f.sign(payload);
    const [goodHeader, goodPayload, goodSig] = good.split('.');
    const reject = (token: unknown, error: string) => expect(f.verify(token as string)).toEqual({ valid: false, error });

    it('accepts the unmodified token (control)', () => {
      expect(f.verify(good)).toEqual({ valid: true, payload });
    });

    it('rejects alg none, with or without a signature', () => {
      const none = segment({ alg: 'none', typ: 'JWT', kid: 'default' });
      reject(`${none}.${goodPayload}.`, 'malformed token');
      reject(`${none}.${goodPayload}`, 'malformed token');
      reject(`${none}.${goodPayload}.${goodSig}`, 'unsupported algorithm');
      reject(forge(segment({ alg: 'none' }), goodPayload, hmacSigner), 'unsupported algorithm');
      reject(forge(segment({ alg: 'None', kid: 'default' }), goodPayload, hmacSigner), 'unsupported algorithm');
    });

    it('rejects algorithms outside the supported set', () => {
      for (const alg of ['RS256', 'ES256', 'hs256', 'HS256 ', 'PS512', 'Ed25519', 'constructor', '']) {
        reject(forge(segment({ alg, kid: 'default' }), goodPayload, hmacSigner), 'unsupported algorithm');
      }
    });

    it('rejects an alg that differs from the key alg', () => {
      // Correctly signed with the kid's secret, but under another algorithm.
      reject(forge(segment({ alg: 'HS512', kid: 'default' }), goodPayload, { hmac: 'sha512', key: hs256 }), 'algorithm mismatch');
      reject(forge(segment({ alg: 'EdDSA', kid: 'default' }), goodPayload, { eddsa: ed25519.privateKey }), 'algorithm mismatch');
      // The classic confusion: HMAC "signed" with the EdDSA public key's bytes.
      const publicBytes = createPublicKey(ed25519.privateKey).export({ format: 'der', type: 'spki' });
      reject(forge(segment({ alg: 'HS256', kid: 'ed' }), goodPayload, { hmac: 'sha256', key: publicBytes }), 'algorithm mismatch');
    });

    it('rejects unknown kids, including Object.prototype names', () => {
      for (const kid of ['nope', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'kid_not_set.HS256']) {
        reject(forge(segment({ alg: 'HS256', kid }), goodPayload, hmacSigner), 'key not found');
      }
    });

    it('rejects non-string kids and non-string algs as malformed', () => {
      for (const kid of [1, null, ['default'], { default: true }, true]) {
        reject(forge(segment({ alg: 'HS256', kid }), goodPayload, hmacSigner), 'malformed token');
      }
      for (const alg of [256, null, ['HS256'], { HS256: 1 }, undefined]) {
        reject(forge(segment({ alg, kid: 'default' }), goodPayload, hmacSigner), 'malformed token');
      }
    });

    it('rejects headers with crit (no extension is understood)', () => {
      const header = segment({ alg: 'HS256', kid: 'default', crit: ['b64'], b64: false });
      reject(forge(header, goodPayload, hmacSigner), 'malformed token');
    });

    it('accepts extra header members it does not need', () => {
      const header = segment({ typ: 'at+jwt', kid: 'default', cty: 'x', alg: 'HS256', x5u: 'ignored' });
      expect(f.verify(forge(header, goodPayload, hmacSigner))).toEqual({ valid: true, payload });
      // Any JSON spelling of an object is a header, whitespace included.
      const spaced = segment(' {\n  "alg" : "HS256", "kid": "default"\n} ');
      expect(f.verify(forge(spaced, goodPayload, hmacSigner))).toEqual({ valid: true, payload });
    });

    it('rejects tampered payloads and signatures', () => {
      reject(`${goodHeader}.${segment({ ...payload, sub: 1 })}.${goodSig}`, 'signature invalid');
      const flipped = goodSig.slice(0, 10) + (goodSig[10] === 'a' ? 'b' : 'a') + goodSig.slice(11);
      reject(`${goodHeader}.${goodPayload}.${flipped}`, 'signature invalid');
      reject(`${goodHeader}.${goodPayload}.${goodSig.slice(0, 40)}AA`, 'signature invalid'); // 42 chars
      reject(`${goodHeader}.${goodPayload}.${goodSig}AAAA`, 'signature invalid'); // 47 chars
      reject(`${goodHeader}.${goodPayload}.${signInput('other', hmacSigner)}`, 'signature invalid');
      const edFactory = factory({ ed: { alg: 'EdDSA', key: ed25519.privateKey } }, 'ed');
      const [eh, ep, es] = edFactory.sign(payload).split('.');
      expect(edFactory.verify(`${eh}.${ep}.${es}`).valid).toBe(true);
      const otherPayload = segment({ ...payload, sub: 1 });
      expect(edFactory.verify(`${eh}.${otherPayload}.${es}`)).toEqual({ valid: false, error: 'signature invalid' });
    });

    it('rejects every truncation of a valid token without throwing', () => {
      for (let i = 0; i < good.length; i++) {
        const result = f.verify(good.slice(0, i));
        expect(result.valid).toBe(false);
      }
      reject(good.slice(0, good.lastIndexOf('.')), 'malformed token');
      reject(good.slice(0, good.lastIndexOf('.') + 1), 'malformed token');
      reject(good.slice(1), 'malformed token');
    });

    it('rejects 1, 2, 4 and 5 segments and empty segments', () => {
      reject(goodHeader, 'malformed token');
      reject(`${goodHeader}.${goodPayload}`, 'malformed token');
      reject(`${good}.${goodSig}`, 'malformed token');
      reject(`${good}.`, 'malformed token');
      reject(`${good}.x.y`, 'malformed token');
      reject(`.${goodPayload}.${goodSig}`, 'malformed token');
      reject(`${goodHeader}..${goodSig}`, 'malformed token');
      reject('..', 'malformed token');
      reject('...', 'malformed token');
      reject('.', 'malformed token');
    });

    it('rejects non-base64url characters even when the signature covers them', () => {
      // Each of these decodes "successfully" with Buffer's lenient base64 decoder.
      const variants = [
        goodPayload.replace(/[-_]/, '+'),
        `${goodPayload.slice(0, 8)}+/${goodPayload.slice(10)}`,
        `${goodPayload}==`,
        `${goodPayload.slice(0, 8)} ${goodPayload.slice(8)}`,
        `${goodPayload.slice(0, 8)}\n${goodPayload.slice(8)}`,
        `${goodPayload.slice(0, 8)}!${goodPayload.slice(8)}`,
      ];
      for (const variant of variants) {
        expect(variant).not.toBe(goodPayload);
        reject(forge(goodHeader, variant, hmacSigner), 'malformed token');
      }
      reject(`${goodHeader}.${goodPayload}.${goodSig.slice(0, 42)}=`, 'malformed token');
      reject(`${goodHeader}=.${goodPayload}.${goodSig}`, 'malformed token');
      reject(`${goodHeader}.${goodPayload}.${goodSig.replace(/^./, '+')}`, 'malformed token');
    });

    it('rejects characters above U+00FF that Buffer would truncate to valid ones', () => {
      // Buffer.from('š', 'base64url') decodes like 'a' (0x61 is the low byte of U+0161). If the verifier
      // hashed such a string as latin1 the original signature would still match.
      const index = goodPayload.search(/[a-y]/);
      const char = goodPayload[index];
      const lookalike = String.fromCharCode(0x100 + char.charCodeAt(0));
      const spoofed = goodPayload.slice(0, index) + lookalike + goodPayload.slice(index + 1);
      expect(Buffer.from(spoofed, 'base64url').equals(Buffer.from(goodPayload, 'base64url'))).toBe(true);
      reject(`${goodHeader}.${spoofed}.${goodSig}`, 'malformed token');
      reject(`${goodHeader}.${goodPayload}.${goodSig.slice(0, 42)}\u0141`, 'malformed token');
      reject(`\u0100${goodHeader}.${goodPayload}.${goodSig}`, 'malformed token');
    });

    it('rejects non-canonical encodings (unused low bits set)', () => {
      // 43 chars encode 32 bytes plus 2 unused bits; setting them changes the text, not the bytes.
      const last = goodSig[42];
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const sloppy = goodSig.slice(0, 42) + alphabet[alphabet.indexOf(last) | 1];
      expect(sloppy).not.toBe(goodSig);
      expect(Buffer.from(sloppy, 'base64url').equals(Buffer.from(goodSig, 'base64url'))).toBe(true);
      reject(`${goodHeader}.${goodPayload}.${sloppy}`, 'malformed token');
    });

    it('rejects a header that is not a JSON object', () => {
      for (const header of ['not json', '[]', '["HS256"]', 'null', '"HS256"', '42', '{"alg":"HS256"', '', '\u00ff\u00fe']) {
        reject(forge(segment(header), goodPayload, hmacSigner), 'malformed token');
      }
      reject(forge('____', goodPayload, hmacSigner), 'malformed token');
      reject(forge(segment({ __proto__: { alg: 'HS256', kid: 'default' } }), goodPayload, hmacSigner), 'malformed token');
    });

    it('rejects a correctly signed payload that is not a JSON object', () => {
      for (const body of ['not json', '[]', '[1,2]', 'null', '42', '"a string"', 'true', '{"a":1', '\u00ff']) {
        reject(forge(goodHeader, segment(body), hmacSigner), 'malformed payload');
      }
    });

    it('rejects huge garbage without throwing', () => {
      reject('a'.repeat(1_000_000), 'malformed token');
      reject('.'.repeat(100_000), 'malformed token');
      reject(`${goodHeader}.${'A'.repeat(1_000_000)}.${goodSig}`, 'malformed token');
      reject(`${'A'.repeat(10_000)}.${goodPayload}.${goodSig}`, 'malformed token');
      reject(`${goodHeader}.${'\u{1F600}'.repeat(10_000)}.${goodSig}`, 'malformed token');
      reject(`${goodHeader}.${goodPayload}.${'A'.repeat(10_000)}`, 'signature invalid'); // under maxTokenLength
      reject(`${goodHeader}.${goodPayload}.${'A'.repeat(20_000)}`, 'malformed token');
    });

    it('honours maxTokenLength', () => {
      const small = factory({ default: { alg: 'HS256', key: hs256 } }, 'default', 300);
      const big = small.sign({ padding: 'x'.repeat(400) });
      expect(small.verify(big)).toEqual({ valid: false, error: 'malformed token' });
      expect(f.verify(big)).toEqual({ valid: true, payload: { padding: 'x'.repeat(400) } });
    });

    it('rejects the empty string and non-string input without throwing', () => {
      reject('', 'malformed token');
      for (const input of [undefined, null, 0, 42, {}, [], ['a.b.c'], Symbol('x'), () => good, new String(good)]) {
        reject(input, 'malformed token');
      }
    });

    it('never throws and never accepts random mutations of a valid token', () => {
      const chars = 'AZaz09-_.+/= \u0000\u00e9\u0161\u{1F600}';
      let seed = 12345;
      const random = (n: number) => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed % n;
      };
      for (let i = 0; i < 3000; i++) {
        let mutated = good;
        const edits = 1 + random(3);
        for (let e = 0; e < edits; e++) {
          const at = random(mutated.length + 1);
          const op = random(3);
          const c = chars[random(chars.length)];
          if (op === 0) mutated = mutated.slice(0, at) + c + mutated.slice(at + 1);
          else if (op === 1) mutated = mutated.slice(0, at) + c + mutated.slice(at);
          else mutated = mutated.slice(0, at) + mutated.slice(at + 1);
        }
        const result = f.verify(mutated);
        if (mutated !== good) expect(result.valid).toBe(false);
      }
    });
  });

  describe('header cache', () => {
    it('stays bounded under a flood of distinct valid headers and keeps working', () => {
      const f = factory({ default: { alg: 'HS256', key: hs256 } }, 'default');
      const cache = (f as unknown as { headerCache: Map<string, unknown> }).headerCache;
      const own = f.sign(payload);
      for (let i = 0; i < 500; i++) {
        const token = forge(segment({ alg: 'HS256', kid: 'default', n: i }), segment(payload), { hmac: 'sha256', key: hs256 });
        expect(f.verify(token)).toEqual({ valid: true, payload });
        expect(cache.size).toBeLessThanOrEqual(1 + 64);
      }
      expect(f.verify(own)).toEqual({ valid: true, payload });
    });

    it('does not cache failures or oversized headers', () => {
      const f = factory({ default: { alg: 'HS256', key: hs256 } }, 'default');
      const cache = (f as unknown as { headerCache: Map<string, unknown> }).headerCache;
      const before = cache.size;
      for (let i = 0; i < 50; i++) {
        f.verify(forge(segment({ alg: 'HS256', kid: `unknown-${i}` }), segment(payload), { hmac: 'sha256', key: hs256 }));
      }
      const big = forge(segment({ alg: 'HS256', kid: 'default', pad: 'x'.repeat(600) }), segment(payload), {
        hmac: 'sha256',
        key: hs256,
      });
      expect(f.verify(big)).toEqual({ valid: true, payload });
      expect(cache.size).toBe(before);
    });
  });

  describe('sign', () => {
    const f = factory({ default: { alg: 'HS256', key: hs256 } }, 'default');

    it('refuses payloads that are not JSON objects', () => {
      for (const bad of [[1, 2], null, 'string', 42, undefined, () => 1]) {
        expect(() => f.sign(bad as unknown as Record<string, unknown>)).toThrow(expect.objectContaining({ code: 'ERR_CHARON_USAGE' }));
      }
      expect(() => f.sign({ big: 1n })).toThrow(TypeError);
    });

    it('signs an empty object and unicode claims', () => {
      expect(f.verify(f.sign({}))).toEqual({ valid: true, payload: {} });
      const odd = { s: '\ud800 lone surrogate', e: '\u2028', k: { 'ключ': 'значение' } };
      expect(f.verify(f.sign(odd))).toEqual({ valid: true, payload: JSON.parse(JSON.stringify(odd)) });
    });

    it('does not depend on the caller keeping the key buffer unchanged', () => {
      const secret = Buffer.from(hs256);
      const g = factory({ default: { alg: 'HS256', key: secret } }, 'default');
      const token = g.sign(payload);
      secret.fill(0);
      expect(g.verify(token)).toEqual({ valid: true, payload });
      expect(g.sign(payload)).toBe(token);
    });

    it('accepts a secret KeyObject for HMAC', () => {
      const g = factory({ default: { alg: 'HS256', key: createSecretKey(hs256) } }, 'default');
      expect(g.sign(payload)).toBe(f.sign(payload));
    });
  });

  describe('jwks', () => {
    it('lists only public EdDSA keys, with kid, alg and use', async () => {
      const f = factory(
        {
          hmac: { alg: 'HS256', key: hs256 },
          ed: { alg: 'EdDSA', key: ed25519.privateKey },
          old448: { alg: 'EdDSA', key: ed448.publicKey },
          'kid_not_set.EdDSA': { alg: 'EdDSA', key: generateKeyPairSync('ed25519').privateKey },
          h512: { alg: 'HS512', key: hs512 },
        },
        'ed',
      );
      const jwks = await f.jwks();
      expect(jwks.keys).toHaveLength(3);
      const expected25519 = await exportJWK(ed25519.publicKey);
      const expected448 = await exportJWK(ed448.publicKey);
      expect(jwks.keys).toContainEqual({ ...expected25519, kid: 'ed', alg: 'EdDSA', use: 'sig' });
      expect(jwks.keys).toContainEqual({ ...expected448, kid: 'old448', alg: 'EdDSA', use: 'sig' });
      const kidless = jwks.keys.find((k) => k.kid === undefined);
      expect(kidless).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
      for (const jwk of jwks.keys) {
        expect(jwk).not.toHaveProperty('d');
        expect(jwk).not.toHaveProperty('k');
        expect(Object.keys(jwk).sort()).toEqual(['alg', 'crv', 'kty', 'use', 'x', ...(jwk.kid ? ['kid'] : [])].sort());
      }
      expect(JSON.stringify(jwks)).not.toContain(hs256.toString('base64url'));
    });

    it('is empty for an HMAC-only keyset', async () => {
      expect(await factory({ default: { alg: 'HS256', key: hs256 } }, 'default').jwks()).toEqual({ keys: [] });
    });

    it('lets jose verify our tokens from the published set', async () => {
      const f = factory({ ed: { alg: 'EdDSA', key: ed448.privateKey } }, 'ed');
      const jwks = await f.jwks();
      const { payload: verified } = await jwtVerify(f.sign(payload), createLocalJWKSet(jwks));
      expect(verified).toEqual(payload);
      const imported = await importJWK(jwks.keys[0], 'EdDSA');
      await expect(jwtVerify(f.sign(payload), imported)).resolves.toBeDefined();
    });
  });
});
