import { extractToken } from '../../../src/guards/token-extraction';
import type { HttpRequestLike } from '../../../src/model/http-request.model';

const COOKIE = '_access_token_signature';
// Shaped like a real JWT; extraction never verifies, so the segments only need the right dots.
const HEADER_PAYLOAD = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjF9';
const SIGNATURE = '.c2lnbmF0dXJl';
const FULL = HEADER_PAYLOAD + SIGNATURE;

function request(headers: Record<string, string | string[] | undefined>): HttpRequestLike {
  return { headers };
}

describe('extractToken', () => {
  describe('Authorization header alone', () => {
    it.each([
      ['Bearer x', 'x'],
      ['Bearer: x', 'x'],
      ['Bearer:x', 'x'],
      ['bearer x', 'x'],
      ['BEARER x', 'x'],
      ['bEaReR: x', 'x'],
      [`Bearer ${FULL}`, FULL],
      [`Bearer    ${FULL}   `, FULL],
      [`Bearer:   ${FULL}`, FULL],
    ])('reads %j as a bearer token', (authorization, token) => {
      expect(extractToken(request({ authorization }), COOKIE)).toEqual({ token, transport: 'bearer' });
    });

    it.each([
      ['Basic dXNlcjpwYXNz'],
      ['Token x'],
      [`Bearertoken`],
      [`BearerX ${FULL}`],
      ['Bearer'],
      ['Bearer '],
      ['Bearer:'],
      ['Bearer:    '],
      ['Bearer       '],
      [''],
      [FULL],
    ])('finds no token in %j', (authorization) => {
      expect(extractToken(request({ authorization }), COOKIE)).toBeUndefined();
    });

    it('finds no token without any headers', () => {
      expect(extractToken(request({}), COOKIE)).toBeUndefined();
      expect(extractToken(request({ authorization: undefined, cookie: undefined }), COOKIE)).toBeUndefined();
    });

    it('ignores a repeated Authorization header given as an array', () => {
      // Which of two credentials would be the real one is unknowable; neither is trusted.
      expect(extractToken(request({ authorization: [`Bearer ${FULL}`, 'Bearer other'] }), COOKIE)).toBeUndefined();
      expect(extractToken(request({ authorization: [`Bearer ${FULL}`] }), COOKIE)).toBeUndefined();
    });
  });

  describe('header and signature cookie (cookie transport)', () => {
    it('joins header.payload from the header with .signature from the cookie', () => {
      const req = request({ authorization: `Bearer ${HEADER_PAYLOAD}`, cookie: `${COOKIE}=${SIGNATURE}` });
      expect(extractToken(req, COOKIE)).toEqual({ token: FULL, transport: 'cookie' });
    });

    it('joins with the Bearer: form as well', () => {
      const req = request({ authorization: `Bearer: ${HEADER_PAYLOAD}`, cookie: `${COOKIE}=${SIGNATURE}` });
      expect(extractToken(req, COOKIE)).toEqual({ token: FULL, transport: 'cookie' });
    });

    it('finds its cookie among many, with odd spacing', () => {
      const cookie = `theme=dark;  _refresh_token_signature=.other ;${COOKIE}=${SIGNATURE}  ; lang=en`;
      const req = request({ authorization: `Bearer ${HEADER_PAYLOAD}`, cookie });
      expect(extractToken(req, COOKIE)).toEqual({ token: FULL, transport: 'cookie' });
    });

    it('strips the quotes of a quoted cookie value', () => {
      const req = request({ authorization: `Bearer ${HEADER_PAYLOAD}`, cookie: `${COOKIE}="${SIGNATURE}"` });
      expect(extractToken(req, COOKIE)).toEqual({ token: FULL, transport: 'cookie' });
    });

    it('keeps a complete header token as bearer when a stale .signature cookie is still around', () => {
      // A client that switched to bearer may still carry the old cookie; appending it would spoil a good token.
      const req = request({ authorization: `Bearer ${FULL}`, cookie: `${COOKIE}=.c3RhbGU` });
      expect(extractToken(req, COOKIE)).toEqual({ token: FULL, transport: 'bearer' });
    });

    it('keeps the header token as bearer when the cookie holds a whole token rather than a signature', () => {
      const req = request({ authorization: `Bearer ${HEADER_PAYLOAD}`, cookie: `${COOKIE}=${FULL}` });
      expect(extractToken(req, COOKIE)).toEqual({ token: HEADER_PAYLOAD, transport: 'bearer' });
    });

    it('keeps the header token as bearer when the cookie is empty', () => {
      const req = request({ authorization: `Bearer ${HEADER_PAYLOAD}`, cookie: `${COOKIE}=` });
      expect(extractToken(req, COOKIE)).toEqual({ token: HEADER_PAYLOAD, transport: 'bearer' });
    });

    it('reads only the cookie it is asked for', () => {
      const req = request({ authorization: `Bearer ${HEADER_PAYLOAD}`, cookie: `_refresh_token_signature=${SIGNATURE}` });
      expect(extractToken(req, COOKIE)).toEqual({ token: HEADER_PAYLOAD, transport: 'bearer' });
      expect(extractToken(req, '_refresh_token_signature')).toEqual({ token: FULL, transport: 'cookie' });
    });

    it('does not take a cookie whose name merely contains the wanted name', () => {
      const req = request({ authorization: `Bearer ${HEADER_PAYLOAD}`, cookie: `x${COOKIE}=${SIGNATURE}; ${COOKIE}x=${SIGNATURE}` });
      expect(extractToken(req, COOKIE)).toEqual({ token: HEADER_PAYLOAD, transport: 'bearer' });
    });
  });

  describe('cookie alone (cookie_only transport)', () => {
    it('takes a whole token from the cookie', () => {
      expect(extractToken(request({ cookie: `${COOKIE}=${FULL}` }), COOKIE)).toEqual({ token: FULL, transport: 'cookie_only' });
    });

    it('takes it from among many cookies', () => {
      const req = request({ cookie: `a=1; b=2; ${COOKIE}=${FULL}; c=3` });
      expect(extractToken(req, COOKIE)).toEqual({ token: FULL, transport: 'cookie_only' });
    });

    it('falls back to the cookie when the Authorization header uses another scheme', () => {
      const req = request({ authorization: 'Basic dXNlcjpwYXNz', cookie: `${COOKIE}=${FULL}` });
      expect(extractToken(req, COOKIE)).toEqual({ token: FULL, transport: 'cookie_only' });
    });

    it('finds nothing in an empty cookie', () => {
      expect(extractToken(request({ cookie: `${COOKIE}=` }), COOKIE)).toBeUndefined();
      expect(extractToken(request({ cookie: `${COOKIE}=""` }), COOKIE)).toBeUndefined();
      expect(extractToken(request({ cookie: '' }), COOKIE)).toBeUndefined();
    });

    it('ignores a Cookie header given as an array', () => {
      expect(extractToken(request({ cookie: [`${COOKIE}=${FULL}`] }), COOKIE)).toBeUndefined();
    });

    it('does not join a header token with a cookie given as an array', () => {
      const req = request({ authorization: `Bearer ${HEADER_PAYLOAD}`, cookie: [`${COOKIE}=${SIGNATURE}`] });
      expect(extractToken(req, COOKIE)).toEqual({ token: HEADER_PAYLOAD, transport: 'bearer' });
    });
  });

  describe('malformed Cookie headers never throw', () => {
    it.each([';;;', '=x', 'novalue', '=', ';', ' ', `${COOKIE}`, `${COOKIE};`, '==;==', `=;${COOKIE}`, '"', 'a=";b', '\u0000\uffff'])(
      '%j yields no token',
      (cookie) => {
        expect(extractToken(request({ cookie }), COOKIE)).toBeUndefined();
        expect(extractToken(request({ authorization: `Bearer ${HEADER_PAYLOAD}`, cookie }), COOKIE)).toEqual({
          token: HEADER_PAYLOAD,
          transport: 'bearer',
        });
      },
    );

    it('still finds the cookie after malformed pieces', () => {
      const req = request({ cookie: `;;; =x; novalue; ${COOKIE}=${FULL}` });
      expect(extractToken(req, COOKIE)).toEqual({ token: FULL, transport: 'cookie_only' });
    });
  });
});

describe('extractToken: a lone signature cookie', () => {
  it('is taken as the whole token, as Charon does, so it fails verification rather than counting as absent', () => {
    expect(extractToken(request({ cookie: `${COOKIE}=${SIGNATURE}` }), COOKIE)).toEqual({ token: SIGNATURE, transport: 'cookie_only' });
    expect(extractToken(request({ authorization: 'Basic YTpi', cookie: `${COOKIE}=${SIGNATURE}` }), COOKIE)).toEqual({
      token: SIGNATURE,
      transport: 'cookie_only',
    });
  });
});

describe('extractToken: cookie tossing', () => {
  it('takes no token from a cookie name that appears twice, neither the first nor the last', () => {
    expect(extractToken(request({ cookie: `${COOKIE}=${FULL}; ${COOKIE}=${FULL}x` }), COOKIE)).toBeUndefined();
    // The header part alone is then all there is: it cannot verify.
    expect(extractToken(request({ authorization: `Bearer ${HEADER_PAYLOAD}`, cookie: `${COOKIE}=${SIGNATURE}; ${COOKIE}=${SIGNATURE}` }), COOKIE)).toEqual({
      token: HEADER_PAYLOAD,
      transport: 'bearer',
    });
  });
});
