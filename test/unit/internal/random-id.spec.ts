import { randomId } from '../../../src/internal/random-id';

describe('randomId', () => {
  it('gives 22 base64url characters (128 bits), never the same twice, across many refills of its pool', () => {
    const ids = Array.from({ length: 10_000 }, randomId);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('spreads its bits: every base64url digit shows up at every position but the last', () => {
    // 10,000 ids: a position that missed a digit (p = 1/64 each) would do so with probability ~1e-68.
    const ids = Array.from({ length: 10_000 }, randomId);
    for (let position = 0; position < 21; position++) {
      expect(new Set(ids.map((id) => id[position])).size).toBe(64);
    }
  });
});
