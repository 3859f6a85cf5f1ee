import { randomBytes } from 'node:crypto';
import { JwtTokenFactory } from '../../../src/tokens/jwt/jwt-token-factory';
import { joinSignature, splitSignature } from '../../../src/tokens/token-transport';

describe('token transport', () => {
  const factory = new JwtTokenFactory({ keyset: { k: { alg: 'HS256', key: randomBytes(32) } }, signingKey: 'k' });
  const token = factory.sign({ sub: 1 });
  const [h, p, s] = token.split('.');

  describe('splitSignature', () => {
    it('splits into header.payload and .signature', () => {
      expect(splitSignature(token)).toEqual({ headerPayload: `${h}.${p}`, signature: `.${s}` });
    });

    it('round-trips through joinSignature into a token that verifies', () => {
      const { headerPayload, signature } = splitSignature(token);
      const joined = joinSignature(headerPayload, signature);
      expect(joined).toBe(token);
      expect(factory.verify(joined!)).toEqual({ valid: true, payload: { sub: 1 } });
    });

    it('throws on values that are not tokens', () => {
      for (const bad of ['', 'nodot', '.leading', 'trailing.']) {
        expect(() => splitSignature(bad)).toThrow(expect.objectContaining({ code: 'ERR_CHARON_USAGE' }));
      }
    });
  });

  describe('joinSignature', () => {
    it('returns null unless the cookie is a lone .signature', () => {
      expect(joinSignature(`${h}.${p}`, s)).toBeNull(); // no leading dot
      expect(joinSignature(`${h}.${p}`, '.')).toBeNull();
      expect(joinSignature(`${h}.${p}`, '')).toBeNull();
      expect(joinSignature(`${h}.${p}`, `.${s}.x`)).toBeNull();
      expect(joinSignature(`${h}.${p}`, token)).toBeNull(); // cookie_only cookie next to a header
    });

    it('returns null unless the header part is exactly header.payload', () => {
      expect(joinSignature(token, `.${s}`)).toBeNull(); // already complete
      expect(joinSignature(h, `.${s}`)).toBeNull();
      expect(joinSignature(`${h}.`, `.${s}`)).toBeNull();
      expect(joinSignature(`.${p}`, `.${s}`)).toBeNull();
      expect(joinSignature('', `.${s}`)).toBeNull();
      expect(joinSignature(`${h}..${p}`, `.${s}`)).toBeNull();
    });

    it('does not verify: a wrong signature joins, and verify rejects it', () => {
      const joined = joinSignature(`${h}.${p}`, '.AAAA');
      expect(joined).toBe(`${h}.${p}.AAAA`);
      expect(factory.verify(joined!)).toEqual({ valid: false, error: 'signature invalid' });
    });
  });
});
