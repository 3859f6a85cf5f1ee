import { randomBytes } from 'node:crypto';
import { base64UrlLength, hasCanonicalEnd, NOT_BASE64URL_OR_DOT } from '../../../src/tokens/jwt/base64url';

/** Canonical base64url as the verifier checks it: alphabet (no dots here), then the end. */
const canonical = (s: string) => !s.includes('.') && !NOT_BASE64URL_OR_DOT.test(s) && hasCanonicalEnd(s, 0, s.length);

describe('base64url checks', () => {
  it('accept what Buffer encodes, for every length', () => {
    for (let n = 0; n < 100; n++) {
      const encoded = randomBytes(n).toString('base64url');
      expect(encoded).toHaveLength(base64UrlLength(n));
      expect(canonical(encoded)).toBe(true);
    }
    expect(canonical('AZaz09-_')).toBe(true);
  });

  it('reject characters outside the base64url alphabet', () => {
    const bad = ['AA+A', 'AA/A', 'AA=A', 'AA==', 'AA A', 'AA\nA', 'AAAA\n', '\nAAAA', 'AA\u00e9A', 'AA\u0141A', 'AA\u{1F600}', 'AA\u0000A'];
    // U+017F and U+212A match \w only under the i+u flags; they must not here.
    bad.push('AA\u017fA', 'AA\u212aA');
    for (const s of bad) expect(canonical(s)).toBe(false);
  });

  it('let dots through NOT_BASE64URL_OR_DOT (structure is checked separately)', () => {
    expect(NOT_BASE64URL_OR_DOT.test('aZ09-_.b.c..')).toBe(false);
    expect(NOT_BASE64URL_OR_DOT.test('')).toBe(false);
    expect(NOT_BASE64URL_OR_DOT.test('a.b.c=')).toBe(true);
  });

  it('reject impossible lengths', () => {
    expect(hasCanonicalEnd('A', 0, 1)).toBe(false);
    expect(hasCanonicalEnd('AAAAA', 0, 5)).toBe(false);
  });

  it('reject set unused bits in the last character', () => {
    const end = (s: string) => hasCanonicalEnd(s, 0, s.length);
    expect(end('AA')).toBe(true);
    expect(end('AB')).toBe(false); // 2 chars: low 4 bits unused
    expect(end('AQ')).toBe(true); // Q = 16
    expect(end('AAA')).toBe(true);
    expect(end('AAB')).toBe(false); // 3 chars: low 2 bits unused
    expect(end('AAE')).toBe(true); // E = 4
    expect(end('AA_')).toBe(false); // _ = 63
    expect(end('AA\u0141')).toBe(false); // not base64url at all
  });

  it('hasCanonicalEnd checks only the given range', () => {
    expect(hasCanonicalEnd('xAQx', 1, 3)).toBe(true);
    expect(hasCanonicalEnd('xABx', 1, 3)).toBe(false);
    expect(hasCanonicalEnd('xAx', 1, 2)).toBe(false);
    expect(hasCanonicalEnd('x', 1, 1)).toBe(true);
  });
});
