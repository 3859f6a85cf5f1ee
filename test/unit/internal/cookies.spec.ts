import type { ResolvedCookieAttributes } from '../../../src/config/charon-config';
import { DEFAULT_COOKIE_ATTRIBUTES } from '../../../src/config/cookie-attributes';
import { readCookie, serializeCookie } from '../../../src/internal/cookies';

const EPOCH = 'Expires=Thu, 01 Jan 1970 00:00:00 GMT';

function attributes(overrides: Partial<ResolvedCookieAttributes> = {}): ResolvedCookieAttributes {
  return { ...DEFAULT_COOKIE_ATTRIBUTES, ...overrides };
}

describe('serializeCookie', () => {
  it('writes the secure defaults in a fixed order', () => {
    expect(serializeCookie('_access_token_signature', '.sig', 900, attributes())).toBe(
      '_access_token_signature=.sig; Max-Age=900; Path=/; HttpOnly; Secure; SameSite=Strict',
    );
  });

  it('places Domain after Path when one is set', () => {
    expect(serializeCookie('a', 'v', 60, attributes({ domain: 'example.com' }))).toBe(
      'a=v; Max-Age=60; Path=/; Domain=example.com; HttpOnly; Secure; SameSite=Strict',
    );
  });

  it('leaves Domain out when it is unset or empty (host-only cookie)', () => {
    expect(serializeCookie('a', 'v', 60, attributes({ domain: undefined }))).not.toContain('Domain');
    expect(serializeCookie('a', 'v', 60, attributes({ domain: '' }))).not.toContain('Domain');
  });

  it('writes a custom path', () => {
    expect(serializeCookie('a', 'v', 60, attributes({ path: '/auth/refresh' }))).toBe(
      'a=v; Max-Age=60; Path=/auth/refresh; HttpOnly; Secure; SameSite=Strict',
    );
  });

  it.each([
    [true, true, 'a=v; Max-Age=60; Path=/; HttpOnly; Secure; SameSite=Strict'],
    [false, true, 'a=v; Max-Age=60; Path=/; Secure; SameSite=Strict'],
    [true, false, 'a=v; Max-Age=60; Path=/; HttpOnly; SameSite=Strict'],
    [false, false, 'a=v; Max-Age=60; Path=/; SameSite=Strict'],
  ])('httpOnly %p, secure %p', (httpOnly, secure, expected) => {
    expect(serializeCookie('a', 'v', 60, attributes({ httpOnly, secure }))).toBe(expected);
  });

  it.each(['Strict', 'Lax', 'None'] as const)('writes SameSite=%s last', (sameSite) => {
    expect(serializeCookie('a', 'v', 60, attributes({ sameSite }))).toBe(
      `a=v; Max-Age=60; Path=/; HttpOnly; Secure; SameSite=${sameSite}`,
    );
  });

  it('adds an Expires in the past to Max-Age=0, for clients that ignore Max-Age', () => {
    expect(serializeCookie('_refresh_token_signature', '', 0, attributes())).toBe(
      `_refresh_token_signature=; Max-Age=0; Path=/; ${EPOCH}; HttpOnly; Secure; SameSite=Strict`,
    );
  });

  it('clears a cookie with the same Path and Domain it was set with (browsers match on both)', () => {
    expect(serializeCookie('a', '', 0, attributes({ path: '/p', domain: 'example.com' }))).toBe(
      `a=; Max-Age=0; Path=/p; Domain=example.com; ${EPOCH}; HttpOnly; Secure; SameSite=Strict`,
    );
  });

  it('treats a negative Max-Age as a deletion too', () => {
    expect(serializeCookie('a', '', -5, attributes())).toContain(`; ${EPOCH};`);
  });

  it('adds no Expires to a cookie that lives', () => {
    expect(serializeCookie('a', 'v', 1, attributes())).not.toContain('Expires');
  });

  it('round-trips through readCookie', () => {
    const setCookie = serializeCookie('_access_token_signature', '.c2ln-_', 900, attributes());
    // A browser sends back only name=value.
    const sent = setCookie.slice(0, setCookie.indexOf(';'));
    expect(readCookie(`x=1; ${sent}`, '_access_token_signature')).toBe('.c2ln-_');
  });
});

describe('readCookie', () => {
  it('returns undefined without a header', () => {
    expect(readCookie(undefined, 'a')).toBeUndefined();
    expect(readCookie('', 'a')).toBeUndefined();
  });

  it.each([
    ['a=1', '1'],
    ['a=1; b=2', '1'],
    ['b=2; a=1', '1'],
    ['b=2;a=1;c=3', '1'],
    ['  a  =  1  ; b=2', '1'],
    ['a=', ''],
    ['a=""', ''],
    ['a="1"', '1'],
    ['a="1', '"1'],
    ['a="', '"'],
    ['a=x=y==', 'x=y=='],
    ['b; a=1', '1'],
    ['a=1; a=2', undefined],
    ['a=1; b=2; a=1', undefined],
    [';;;a=1', '1'],
    ['=x; a=1', '1'],
  ])('reads a from %j as %j', (header, value) => {
    expect(readCookie(header, 'a')).toBe(value);
  });

  it.each([';;;', '=x', '=', 'a', 'a;', 'b=1', 'ab=1', 'ba=1', 'A=1', 'b=a=1', ' ; ; '])('finds no a in %j', (header) => {
    expect(readCookie(header, 'a')).toBeUndefined();
  });

  it('does not URI-decode values', () => {
    expect(readCookie('a=%2E1', 'a')).toBe('%2E1');
  });
});
