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
        expect(hmac.digestBase64Url(message)).toBe(createHmac(name, key).update(message, 'latin1').digest('base64url'));
      }
    }
  });

  it('equals createHmac on UTF-8 text: multibyte characters, surrogate pairs, lone surrogates, beyond the preallocated room', () => {
    const key = randomBytes(32);
    const hmac = new PrecomputedHmac('sha256', 64, 32, key);
    const texts = ['', 'plain ascii', 'é', '€uro', '😀 emoji', 'lone \ud800 surrogate', '€'.repeat(1365), '€'.repeat(1366), '😀'.repeat(3000), 'x'.repeat(4096)];
    for (const text of [...texts, ...texts.slice().reverse()]) {
      expect(hmac.digestBase64Url(text, 'utf8')).toBe(createHmac('sha256', key).update(text).digest('base64url'));
    }
  });

  it('takes the key as bytes too, and leaves those bytes as they were', () => {
    const key = randomBytes(40);
    const copy = Buffer.from(key);
    const hmac = new PrecomputedHmac('sha256', 64, 32, key);
    expect(key.equals(copy)).toBe(true);
    expect(hmac.digestBase64Url('m')).toBe(new PrecomputedHmac('sha256', 64, 32, createSecretKey(copy)).digestBase64Url('m'));
  });

  it('keeps each MAC independent of the one before: a long message, then short ones again', () => {
    const key = randomBytes(32);
    const hmac = new PrecomputedHmac('sha256', 64, 32, createSecretKey(key));
    const first = hmac.digestBase64Url('a.b');
    hmac.digestBase64Url('x'.repeat(10_000));
    expect(hmac.digestBase64Url('a.b')).toBe(first);
    expect(first).toBe(createHmac('sha256', key).update('a.b', 'latin1').digest('base64url'));
    hmac.digestBase64Url('a.bc');
    expect(hmac.digestBase64Url('a.b')).toBe(first);
  });
});
