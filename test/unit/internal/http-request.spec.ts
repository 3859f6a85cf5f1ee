import { headerValue, isBrowserRequest, peekRequestState, requestState } from '../../../src/internal/http-request';
import { FixedClock } from '../../../src/testing/fixed-clock';

describe('http-request helpers', () => {
  describe('headerValue', () => {
    it('returns a single string header as is', () => {
      expect(headerValue({ headers: { authorization: 'Bearer x' } }, 'authorization')).toBe('Bearer x');
      expect(headerValue({ headers: { authorization: '' } }, 'authorization')).toBe('');
    });

    it('treats a missing or repeated header as absent', () => {
      expect(headerValue({ headers: {} }, 'authorization')).toBeUndefined();
      expect(headerValue({ headers: { authorization: ['Bearer x', 'Bearer y'] } }, 'authorization')).toBeUndefined();
      expect(headerValue({ headers: { authorization: ['Bearer x'] } }, 'authorization')).toBeUndefined();
    });
  });

  describe('isBrowserRequest', () => {
    it('recognises a browser by Sec-Fetch-Site or Sec-Fetch-Dest', () => {
      expect(isBrowserRequest({ headers: { 'sec-fetch-site': 'same-origin' } })).toBe(true);
      expect(isBrowserRequest({ headers: { 'sec-fetch-dest': 'empty' } })).toBe(true);
    });

    it('does not take Sec-Fetch-Mode alone for a browser, because Node fetch sends it on every request', () => {
      expect(isBrowserRequest({ headers: { 'sec-fetch-mode': 'cors' } })).toBe(false);
      expect(isBrowserRequest({ headers: {} })).toBe(false);
    });
  });

  describe('requestState', () => {
    it('reads the clock once per request and reuses that now', () => {
      const clock = new FixedClock(100);
      const request = { headers: {} };
      expect(peekRequestState(request)).toBeUndefined();
      const state = requestState(request, clock);
      expect(state).toEqual({ now: 100 });
      clock.advance(50);
      expect(requestState(request, clock)).toBe(state);
      expect(requestState(request, clock).now).toBe(100);
      expect(peekRequestState(request)).toBe(state);
    });

    it('keeps the state off the request’s own string keys, so it cannot clash with app fields', () => {
      const request = { headers: {} };
      requestState(request, new FixedClock(1));
      expect(Object.keys(request)).toEqual(['headers']);
      expect(JSON.stringify(request)).toBe('{"headers":{}}');
    });
  });
});
