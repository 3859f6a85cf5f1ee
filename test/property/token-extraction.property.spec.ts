/**
 * Properties of finding a token on a request (src/guards/token-extraction.ts): never throws; returns only what the
 * request carried (the header token, the header joined with a `.signature` cookie, or the cookie alone), never
 * anything transformed; a full bearer token is never spoiled by a cookie; a duplicated cookie yields nothing.
 */
import fc from 'fast-check';
import { extractToken } from '../../src/guards/token-extraction';
import type { HttpRequestLike } from '../../src/model/http-request.model';

const RUNS = { numRuns: 300 };
const COOKIE = '_access_token_signature';

const b64 = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), minLength: 1, maxLength: 30 });
const headerPayloadArb = fc.tuple(b64, b64).map(([h, p]) => `${h}.${p}`);
const signatureArb = b64.map((s) => `.${s}`);
const fullTokenArb = fc.tuple(headerPayloadArb, signatureArb).map(([hp, s]) => hp + s);
/** `Bearer` in any letter case, then a space or a colon (with optional spaces), as the extractor accepts. */
const schemeArb = fc
  .tuple(fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), fc.constantFrom(' ', ': ', ':', '   '))
  .map(([upper, separator]) => [...'bearer'].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('') + separator);
/** Header values as Node hands them over: printable latin1 and tabs, occasionally repeated (an array). */
const headerTextArb = fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(9)).map((c) => String.fromCharCode(c)), maxLength: 120 });
const rawHeaderArb = fc.oneof(
  { weight: 5, arbitrary: headerTextArb },
  { weight: 1, arbitrary: fc.array(headerTextArb, { minLength: 2, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);

const request = (headers: HttpRequestLike['headers']): HttpRequestLike => ({ headers });

describe('token extraction (extractToken): properties', () => {
  it('never throws, and returns only a token the request carried', () => {
    const structuredAuthorization = fc.oneof(rawHeaderArb, fc.tuple(schemeArb, fc.oneof(headerTextArb, fullTokenArb, headerPayloadArb)).map(([s, t]) => s + t));
    const structuredCookie = fc.oneof(rawHeaderArb, fc.tuple(fc.oneof(fullTokenArb, signatureArb, headerTextArb), headerTextArb).map(([v, rest]) => `${COOKIE}=${v}; ${rest}`));
    fc.assert(
      fc.property(structuredAuthorization, structuredCookie, (authorization, cookie) => {
        const found = extractToken(request({ authorization, cookie }), COOKIE);
        if (found === undefined) return;
        expect(found.token.length).toBeGreaterThan(0);
        const carried = [authorization, cookie].flat().filter((h): h is string => typeof h === 'string').join('\n');
        if (found.transport === 'cookie') {
          // header.payload + .signature: both halves were on the request.
          const dot = found.token.lastIndexOf('.');
          expect(carried).toContain(found.token.slice(0, dot));
          expect(carried).toContain(found.token.slice(dot));
        } else {
          expect(carried).toContain(found.token);
        }
      }),
      RUNS,
    );
  });

  it('a full token in the Authorization header is the bearer token, whatever cookie comes with it', () => {
    fc.assert(
      fc.property(schemeArb, fullTokenArb, fc.option(fc.oneof(signatureArb, fullTokenArb, headerTextArb)), (scheme, token, cookieValue) => {
        const cookie = cookieValue === null ? undefined : `${COOKIE}=${cookieValue}`;
        expect(extractToken(request({ authorization: scheme + token, cookie }), COOKIE)).toEqual({ token, transport: 'bearer' });
      }),
      RUNS,
    );
  });

  it('header.payload plus one .signature cookie is the joined token (cookie transport)', () => {
    fc.assert(
      fc.property(schemeArb, headerPayloadArb, signatureArb, headerTextArb.filter((s) => !s.includes(COOKIE)), (scheme, headerPayload, signature, other) => {
        const cookie = `other=${encodeURIComponent(other)}; ${COOKIE}=${signature}`;
        expect(extractToken(request({ authorization: scheme + headerPayload, cookie }), COOKIE)).toEqual({ token: headerPayload + signature, transport: 'cookie' });
      }),
      RUNS,
    );
  });

  it('one cookie alone is the whole token (cookie_only), a lone .signature included', () => {
    fc.assert(
      fc.property(fc.oneof(fullTokenArb, signatureArb), (value) => {
        expect(extractToken(request({ cookie: `${COOKIE}=${value}` }), COOKIE)).toEqual({ token: value, transport: 'cookie_only' });
      }),
      RUNS,
    );
  });

  it('a cookie name that appears twice gives no token from cookies, in any order and with any values', () => {
    fc.assert(
      fc.property(fc.oneof(fullTokenArb, signatureArb), fc.oneof(fullTokenArb, signatureArb), fc.option(fc.tuple(schemeArb, headerPayloadArb)), (first, second, header) => {
        const cookie = `${COOKIE}=${first}; ${COOKIE}=${second}`;
        const authorization = header === null ? undefined : header[0] + header[1];
        const found = extractToken(request({ authorization, cookie }), COOKIE);
        if (header === null) expect(found).toBeUndefined();
        else expect(found).toEqual({ token: header[1], transport: 'bearer' });
      }),
      RUNS,
    );
  });

  it('a repeated Authorization header is no bearer token', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(schemeArb, fullTokenArb).map(([s, t]) => s + t), { minLength: 2, maxLength: 3 }), (authorization) => {
        expect(extractToken(request({ authorization }), COOKIE)).toBeUndefined();
      }),
      RUNS,
    );
  });
});
