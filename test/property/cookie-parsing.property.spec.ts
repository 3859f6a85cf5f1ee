/**
 * Properties of Cookie header parsing (src/internal/cookies.ts): never throws, finds every cookie of a well-formed
 * header whatever the spacing and order, and finds nothing for a name that appears twice (cookie tossing).
 */
import fc from 'fast-check';
import { readCookie, serializeCookie } from '../../src/internal/cookies';

const RUNS = { numRuns: 300 };

/** RFC 6265 cookie names (HTTP tokens) and values (cookie-octets: no space, quote, comma, semicolon or backslash). */
const nameArb = fc.string({ unit: fc.constantFrom(...'!#$%&\'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'), minLength: 1, maxLength: 24 });
const valueArb = fc.string({ unit: fc.constantFrom(...'!#$%&\'()*+-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~'), minLength: 1, maxLength: 40 });
/** Separators browsers and hand-written clients put between cookies. */
const separatorArb = fc.constantFrom('; ', ';', ';  ', ' ; ');

/** Cookies with distinct names, in a random order, joined by random separators. */
const headerArb = fc
  .uniqueArray(fc.tuple(nameArb, valueArb), { minLength: 1, maxLength: 8, selector: ([name]) => name })
  .chain((cookies) => fc.tuple(fc.constant(cookies), fc.array(separatorArb, { minLength: cookies.length, maxLength: cookies.length })))
  .map(([cookies, separators]) => ({ cookies, header: cookies.map(([name, value], i) => `${i ? separators[i] : ''}${name}=${value}`).join('') }));

describe('cookie parsing (readCookie): properties', () => {
  it('never throws, whatever the header and name', () => {
    fc.assert(
      fc.property(fc.option(fc.string({ unit: 'binary', maxLength: 200 })), fc.string({ unit: 'binary', maxLength: 20 }), (header, name) => {
        const value = readCookie(header ?? undefined, name);
        expect(value === undefined || typeof value === 'string').toBe(true);
      }),
      RUNS,
    );
  });

  it('finds every cookie of a well-formed header, and nothing under an absent name', () => {
    fc.assert(
      fc.property(headerArb, nameArb, ({ cookies, header }, other) => {
        for (const [name, value] of cookies) expect(readCookie(header, name)).toBe(value);
        if (!cookies.some(([name]) => name === other)) expect(readCookie(header, other)).toBeUndefined();
      }),
      RUNS,
    );
  });

  it('unquotes a quoted value', () => {
    fc.assert(
      fc.property(nameArb, valueArb, (name, value) => {
        expect(readCookie(`${name}="${value}"`, name)).toBe(value);
      }),
      RUNS,
    );
  });

  it('finds nothing for a name that appears twice, wherever the copies are and whatever they hold', () => {
    fc.assert(
      fc.property(headerArb, fc.nat(), fc.nat(), valueArb, ({ cookies, header }, pick, position, planted) => {
        const [name] = cookies[pick % cookies.length];
        const parts = header.split('; ');
        parts.splice(position % (parts.length + 1), 0, `${name}=${planted}`);
        expect(readCookie(parts.join('; '), name)).toBeUndefined();
      }),
      RUNS,
    );
  });

  it('serializes a cookie whose name=value pair reads back, with every attribute after it', () => {
    const attributes = fc.record({
      httpOnly: fc.boolean(),
      secure: fc.boolean(),
      sameSite: fc.constantFrom('Strict' as const, 'Lax' as const, 'None' as const),
      path: fc.constantFrom('/', '/auth', '/auth/refresh'),
      domain: fc.option(fc.constantFrom('example.com', 'app.example.com'), { nil: undefined }),
    });
    fc.assert(
      fc.property(nameArb, valueArb, fc.integer({ min: -1, max: 10 ** 8 }), attributes, (name, value, maxAge, attrs) => {
        const cookie = serializeCookie(name, value, maxAge, attrs);
        expect(cookie.startsWith(`${name}=${value}; `)).toBe(true);
        expect(readCookie(cookie.split('; ')[0], name)).toBe(value);
        expect(cookie).toContain(`; Path=${attrs.path}`);
        expect(cookie).toContain(`; SameSite=${attrs.sameSite}`);
        expect(cookie.includes('; HttpOnly')).toBe(attrs.httpOnly);
        expect(cookie.includes('; Secure')).toBe(attrs.secure);
        expect(/[\r\n]/.test(cookie)).toBe(false);
      }),
      RUNS,
    );
  });
});
