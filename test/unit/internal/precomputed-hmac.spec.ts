import { createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { PrecomputedHmac } from '../../../src/internal/precomputed-hmac';

const HASHES = [
  { name: 'sha256', block: 64, bytes: 32 },
  { name: 'sha384', block: 128, bytes: 48 },
  { name: 'sha512', block: 128, bytes: 64 },
];

function latin1Text(length: number): string {
  return Array.from(randomBytes(length), (byte) => String.fromCharCode(byte)).join('');
}

describe('PrecomputedHmac', () => {
  it.each(HASHES)('equals createHmac for $name with keys shorter than, equal to and longer than the block', ({ name, block, bytes }) => {
    for (const keyLength of [bytes, block - 1, block, block + 1, 3 * block]) {
      const key = randomBytes(keyLength);
      const hmac = new PrecomputedHmac(name, block, bytes, createSecretKey(key));
      for (const messageLength of [0, 1, 55, 56, 64, 111, 112, 128, 355, 5000]) {
        const message = latin1Text(messageLength);
        expect(hmac.digest(message).equals(createHmac(name, key).update(message, 'latin1').digest())).toBe(true);
        expect(hmac.digestBase64Url(message)).toBe(createHmac(name, key).update(message, 'latin1').digest('base64url'));
      }
    }
  });

  it('equals createHmac on UTF-8 text: multibyte characters, surrogate pairs, lone surrogates, beyond the preallocated room', () => {
    const key = randomBytes(32);
    const hmac = new PrecomputedHmac('sha256', 64, 32, key);
    const texts = ['', 'plain ascii', 'é', '€uro', '😀 emoji', 'lone \ud800 surrogate', '€'.repeat(1365), '€'.repeat(1366), '😀'.repeat(3000), 'x'.repeat(4096)];
    for (const text of [...texts, ...texts.slice().reverse()]) {
      expect(hmac.digest(text, 'utf8').equals(createHmac('sha256', key).update(text, 'utf8').digest())).toBe(true);
      expect(hmac.digestBase64Url(text, 'utf8')).toBe(createHmac('sha256', key).update(text).digest('base64url'));
    }
  });

  it('takes the key as bytes too, and leaves those bytes as they were', () => {
    const key = randomBytes(40);
    const copy = Buffer.from(key);
    const hmac = new PrecomputedHmac('sha256', 64, 32, key);
    expect(key.equals(copy)).toBe(true);
    expect(hmac.digest('m').equals(new PrecomputedHmac('sha256', 64, 32, createSecretKey(copy)).digest('m'))).toBe(true);
  });

  it('keeps each MAC independent of the one before: a long message, then short ones again', () => {
    const key = randomBytes(32);
    const hmac = new PrecomputedHmac('sha256', 64, 32, createSecretKey(key));
    const first = hmac.digest('a.b');
    hmac.digest('x'.repeat(10_000));
    expect(hmac.digest('a.b').equals(first)).toBe(true);
    expect(first.equals(createHmac('sha256', key).update('a.b', 'latin1').digest())).toBe(true);
  });

  it('returns a fresh buffer each time, so a caller holding one MAC never sees it change', () => {
    const hmac = new PrecomputedHmac('sha256', 64, 32, createSecretKey(randomBytes(32)));
    const one = hmac.digest('one');
    const copy = Buffer.from(one);
    hmac.digest('two');
    expect(one.equals(copy)).toBe(true);
  });
});
