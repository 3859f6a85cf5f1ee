import { CharonUsageError } from '../../../src/errors/charon-usage.error';
import { InvalidSessionError } from '../../../src/errors/invalid-session.error';
import type { Session } from '../../../src/model/session.model';
import { MAX_LIST_USERS_LIMIT } from '../../../src/session-store/session-store';
import { assertStorableSession, isValidSessionOwner, listUsersLimit } from '../../../src/session-store/session-validation';
import { buildSession } from '../../../src/testing/session-store-conformance-support';

describe('assertStorableSession', () => {
  it('accepts a complete session, with or without the optional fields and options', () => {
    expect(() => assertStorableSession(buildSession())).not.toThrow();
    expect(() =>
      assertStorableSession(buildSession({ expiresAt: 'infinite', fingerprint: 'f', rotatedRefreshTokenIds: ['p'], userId: 0 }), {
        maxSessions: 1,
      }),
    ).not.toThrow();
  });

  it('names every problem in one InvalidSessionError, without the values', () => {
    const session = buildSession({
      userId: null as unknown as string,
      createdAt: 1.5,
      lockVersion: -1,
      refreshTokenId: 7 as unknown as string,
      fingerprint: { secret: 'do-not-log' } as unknown as string,
    });
    let error: unknown;
    try {
      assertStorableSession(session, { maxSessions: 0 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidSessionError);
    const { message, code } = error as InvalidSessionError;
    expect(code).toBe('ERR_CHARON_INVALID_SESSION');
    for (const field of ['userId', 'createdAt', 'lockVersion', 'refreshTokenId', 'fingerprint', 'options.maxSessions']) {
      expect(message).toContain(field);
    }
    expect(message).not.toContain('do-not-log');
    expect(message).not.toContain(session.id);
  });

  it('rejects something that is not an object', () => {
    expect(() => assertStorableSession(null as unknown as Session)).toThrow(InvalidSessionError);
  });
});

describe('isValidSessionOwner', () => {
  it.each([
    ['a', 'full', true],
    [0, 'full', true],
    ['a', '', true],
    [null, 'full', false],
    [Number.NaN, 'full', false],
    ['a', undefined, false],
  ])('(%p, %p) -> %p', (userId, type, valid) => {
    expect(isValidSessionOwner(userId, type)).toBe(valid);
  });
});

describe('listUsersLimit', () => {
  it('defaults to the default limit and passes valid ones through', () => {
    expect(listUsersLimit(undefined)).toBe(100);
    expect(listUsersLimit(1)).toBe(1);
    expect(listUsersLimit(MAX_LIST_USERS_LIMIT)).toBe(MAX_LIST_USERS_LIMIT);
  });

  it.each([0, -1, 2.5, Number.NaN, MAX_LIST_USERS_LIMIT + 1, '10' as unknown as number])('refuses %p', (limit) => {
    expect(() => listUsersLimit(limit)).toThrow(CharonUsageError);
  });
});
