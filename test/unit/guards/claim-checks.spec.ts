import type { ClaimRequirement } from '../../../src/decorators/route-auth.decorators';
import { checkClaims } from '../../../src/guards/claim-checks';

const payload = {
  sub: 1,
  role: 'admin',
  level: 3,
  verified: true,
  banned: false,
  scope: ['users:read', 'users:write', 7],
  org: 'acme',
  nothing: null,
};

const check = (requirements: Record<string, ClaimRequirement>) => checkClaims(payload, requirements);

describe('checkClaims', () => {
  it('passes when there are no requirements', () => {
    expect(check({})).toBeUndefined();
  });

  describe('equality', () => {
    it('passes on an equal string, number or boolean', () => {
      expect(check({ role: 'admin', level: 3, verified: true, banned: false })).toBeUndefined();
    });

    it.each<[string, ClaimRequirement]>([
      ['role', 'user'],
      ['role', 'Admin'],
      ['level', 4],
      ['verified', false],
      ['banned', true],
    ])('rejects %s !== %p', (name, requirement) => {
      expect(check({ [name]: requirement })).toBe(`bearer token claim ${name} invalid`);
    });

    it('compares strictly: no coercion between numbers, strings and booleans', () => {
      expect(check({ level: '3' })).toBe('bearer token claim level invalid');
      expect(check({ sub: '1' })).toBe('bearer token claim sub invalid');
      expect(check({ verified: 1 })).toBe('bearer token claim verified invalid');
      expect(check({ banned: 0 })).toBe('bearer token claim banned invalid');
      expect(check({ banned: '' })).toBe('bearer token claim banned invalid');
    });

    it('treats a null claim as present but not equal', () => {
      // null is a value the issuer wrote; only an absent claim is "not found".
      expect(check({ nothing: 'x' })).toBe('bearer token claim nothing invalid');
    });

    it('does not match an array claim against a single value', () => {
      expect(check({ scope: 'users:read' })).toBe('bearer token claim scope invalid');
    });
  });

  describe('{ in }', () => {
    it('passes when the claim is one of the values', () => {
      expect(check({ role: { in: ['user', 'admin'] }, level: { in: [1, 2, 3] } })).toBeUndefined();
    });

    it('rejects a claim that is none of them, strictly', () => {
      expect(check({ role: { in: ['user', 'guest'] } })).toBe('bearer token claim role invalid');
      expect(check({ level: { in: ['3'] } })).toBe('bearer token claim level invalid');
      expect(check({ role: { in: [] } })).toBe('bearer token claim role invalid');
    });
  });

  describe('{ contains }', () => {
    it('passes when an array claim holds the single value', () => {
      expect(check({ scope: { contains: 'users:write' } })).toBeUndefined();
      expect(check({ scope: { contains: 7 } })).toBeUndefined();
    });

    it('passes when an array claim holds every value of an array', () => {
      expect(check({ scope: { contains: ['users:write', 'users:read'] } })).toBeUndefined();
    });

    it('rejects when one value of the array is missing', () => {
      expect(check({ scope: { contains: ['users:read', 'users:delete'] } })).toBe('bearer token claim scope invalid');
      expect(check({ scope: { contains: 'users:delete' } })).toBe('bearer token claim scope invalid');
      expect(check({ scope: { contains: '7' } })).toBe('bearer token claim scope invalid');
    });

    it('rejects a claim that is not an array, even one that would contain the value as a string', () => {
      // A space-separated scope string must not pass by substring matching.
      expect(checkClaims({ scope: 'users:read users:write' }, { scope: { contains: 'users:read' } })).toBe(
        'bearer token claim scope invalid',
      );
      expect(check({ role: { contains: 'admin' } })).toBe('bearer token claim role invalid');
      expect(check({ nothing: { contains: 'x' } })).toBe('bearer token claim nothing invalid');
      expect(checkClaims({ scope: { 0: 'users:read', length: 1 } }, { scope: { contains: 'users:read' } })).toBe(
        'bearer token claim scope invalid',
      );
    });
  });

  describe('predicate', () => {
    it('receives the claim value and passes only on true', () => {
      const predicate = jest.fn((value: unknown) => value === 'acme');
      expect(check({ org: predicate })).toBeUndefined();
      expect(predicate).toHaveBeenCalledTimes(1);
      expect(predicate).toHaveBeenCalledWith('acme');
    });

    it.each([false, 1, 'true', {}, [], undefined, null])('rejects a predicate returning %p (only true passes)', (result) => {
      expect(check({ org: () => result as boolean })).toBe('bearer token claim org invalid');
    });

    it('is not called for a missing claim', () => {
      const predicate = jest.fn(() => true);
      expect(check({ tenant: predicate })).toBe('bearer token claim tenant not found');
      expect(predicate).not.toHaveBeenCalled();
    });
  });

  describe('missing claims', () => {
    it.each<ClaimRequirement>(['admin', 1, true, { in: ['a'] }, { contains: 'a' }, () => true])(
      'reports a missing claim as not found whatever the requirement (%p)',
      (requirement) => {
        expect(check({ tenant: requirement })).toBe('bearer token claim tenant not found');
      },
    );
  });

  describe('order', () => {
    it('reports the first failing requirement in declaration order', () => {
      expect(check({ role: 'admin', tenant: 'x', level: 99 })).toBe('bearer token claim tenant not found');
      expect(check({ role: 'admin', level: 99, tenant: 'x' })).toBe('bearer token claim level invalid');
    });

    it('stops at the first failure without evaluating later requirements', () => {
      const later = jest.fn(() => true);
      expect(check({ role: 'user', org: later })).toBe('bearer token claim role invalid');
      expect(later).not.toHaveBeenCalled();
    });
  });
});

describe('checkClaims: regressions', () => {
  it('does not treat inherited properties as claims', () => {
    expect(checkClaims({}, { constructor: () => true })).toBe('bearer token claim constructor not found');
    expect(checkClaims({}, { toString: 'x' })).toBe('bearer token claim toString not found');
  });

  it('compares a null requirement by equality instead of crashing', () => {
    expect(checkClaims({ a: 1 }, { a: null } as unknown as Record<string, ClaimRequirement>)).toBe('bearer token claim a invalid');
  });
});
