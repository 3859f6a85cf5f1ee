import { copySession } from '../../../src/session-store/memory/session-copy';
import type { Session } from '../../../src/model/session.model';

function session(fields: Record<string, unknown> = {}): Session {
  const now = 1_764_000_000;
  return {
    id: 'sid',
    userId: 42,
    type: 'full',
    createdAt: now,
    expiresAt: now + 3600,
    refreshedAt: now,
    refreshExpiresAt: now + 60,
    refreshTokenId: 'rt',
    tokensFreshFrom: now,
    prevTokensFreshFrom: now,
    lockVersion: 1,
    extraPayload: {},
    version: 2,
    ...fields,
  } as Session;
}

describe('copySession', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['primitives only', {}],
    ['a flat extraPayload and a string array', { extraPayload: { plan: 'pro', n: 1, off: false, none: null, gone: undefined }, rotatedRefreshTokenIds: ['a', 'b'] }],
    ['odd numbers', { extraPayload: { negativeZero: -0, nan: Number.NaN, big: 10n } }],
    ['nested objects', { extraPayload: { deep: { list: [1, { two: 2 }] } } }],
    ['a date and a map', { extraPayload: { at: new Date(0), map: new Map([['k', 'v']]) } }],
    ['a sparse array', { rotatedRefreshTokenIds: Object.assign(new Array(3), { 1: 'x' }) }],
    ['an array with an extra property', { rotatedRefreshTokenIds: Object.assign(['a'], { extra: 'kept' }) }],
    ['a class instance', { extraPayload: new (class Plan { tier = 'pro'; })() }],
    ['an own __proto__ field', { extraPayload: JSON.parse('{"__proto__": {"polluted": true}}') }],
    ['a null-prototype object', { extraPayload: Object.assign(Object.create(null), { a: 1 }) }],
  ];

  it.each(cases)('equals structuredClone: %s', (_name, fields) => {
    const original = session(fields);
    const copy = copySession(original);
    expect(copy).toStrictEqual(structuredClone(original));
  });

  it('shares nothing mutable with the original', () => {
    const original = session({ extraPayload: { plan: 'pro', deep: { n: 1 } }, rotatedRefreshTokenIds: ['a'] });
    const copy = copySession(original);
    (copy.extraPayload as Record<string, unknown>).plan = 'free';
    ((copy.extraPayload as Record<string, Record<string, number>>).deep).n = 2;
    copy.rotatedRefreshTokenIds!.push('b');
    expect(original.extraPayload).toEqual({ plan: 'pro', deep: { n: 1 } });
    expect(original.rotatedRefreshTokenIds).toEqual(['a']);
  });

  it('copies cycles and shared references as structuredClone does, and refuses functions like it', () => {
    const shared = { n: 1 };
    const cyclic: Record<string, unknown> = { shared, again: shared };
    cyclic.self = cyclic;
    const copy = copySession(session({ extraPayload: cyclic }));
    const payload = copy.extraPayload as Record<string, unknown>;
    expect(payload.self).toBe(payload);
    expect(payload.shared).toBe(payload.again);
    expect(() => copySession(session({ extraPayload: { f: () => 1 } }))).toThrow();
  });

  it('leaves out symbol keys, as structuredClone does', () => {
    const key = Symbol('k');
    const withSymbol = Object.assign(session(), { [key]: 'top' });
    expect(Object.getOwnPropertySymbols(copySession(withSymbol))).toEqual([]);
    const payloadWithSymbol = session({ extraPayload: { [key]: 'nested', a: 1 } });
    expect(copySession(payloadWithSymbol).extraPayload).toStrictEqual({ a: 1 });
  });
});
