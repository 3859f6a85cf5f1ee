import { LookupKeyCredentials } from '../../../src/lookup-key/lookup-key-credential';

describe('LookupKeyCredentials', () => {
  const credentials = new LookupKeyCredentials('chk_');

  it('generates prefix + base64url of 256 random bits, and parses it back to those bits', () => {
    const { credential, secret } = credentials.generate();
    expect(credential).toMatch(/^chk_[A-Za-z0-9_-]{43}$/);
    expect(secret).toHaveLength(32);
    expect(credentials.parse(credential)).toEqual(secret);
    expect(credentials.generate().credential).not.toBe(credential);
  });

  it('parses only the one canonical spelling of a secret', () => {
    const { credential } = credentials.generate();
    const body = credential.slice(4);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // 32 bytes take 42 characters and 4 bits of the 43rd; its 2 low bits are unused and must be zero.
    const lastWithUnusedBit = alphabet[alphabet.indexOf(body.at(-1)!) | 1];
    const refused = [
      '',
      'chk_',
      body,
      `CHK_${body}`,
      `chk_${body}A`,
      `chk_${body.slice(1)}`,
      `chk_${body.slice(0, 42)}${lastWithUnusedBit}`,
      `chk_${body.slice(0, 42)}+`,
      `chk_${body.slice(0, 42)}.`,
      `chk_${body.slice(0, 42)}=`,
      `chk_${body.slice(0, 42)}é`,
      ` chk_${body.slice(1)}`,
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjF9.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2ln',
    ];
    for (const value of refused) expect(credentials.parse(value)).toBeUndefined();
    expect(Buffer.from(`${body.slice(0, 42)}${lastWithUnusedBit}`, 'base64url')).toEqual(credentials.parse(credential));
  });

  it('routes by prefix only', () => {
    expect(credentials.hasPrefix('chk_anything')).toBe(true);
    expect(credentials.hasPrefix('eyJhbGciOi')).toBe(false);
    expect(new LookupKeyCredentials('acme_').parse(credentials.generate().credential)).toBeUndefined();
  });
});
