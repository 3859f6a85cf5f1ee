import { constantTimeEqual } from '../../../src/internal/constant-time';

describe('constantTimeEqual', () => {
  it('is true for equal strings only', () => {
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'bbc')).toBe(false);
    expect(constantTimeEqual('abc', 'ab')).toBe(false);
    expect(constantTimeEqual('ab', 'abc')).toBe(false);
    expect(constantTimeEqual('é', 'e')).toBe(false);
    expect(constantTimeEqual('é', 'e\u0301')).toBe(false);
    expect(constantTimeEqual('abc', 'ABC')).toBe(false);
  });

  it('tells apart strings whose UTF-8 would be the same: two different lone surrogates', () => {
    expect(Buffer.from('\ud800').equals(Buffer.from('\udfff'))).toBe(true);
    expect(constantTimeEqual('\ud800', '\udfff')).toBe(false);
  });

  it('finds a difference in any one UTF-16 unit, high bits included', () => {
    const base = 'x'.repeat(43);
    for (let i = 0; i < base.length; i++) {
      for (const char of ['y', '\u0178', '\uff58']) {
        expect(constantTimeEqual(base, base.slice(0, i) + char + base.slice(i + 1))).toBe(false);
      }
    }
  });
});
