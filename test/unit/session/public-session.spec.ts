import { listedSessions, publicSession, type Session } from 'nestjs-charon';

const session: Session = {
  id: 's1',
  userId: 7,
  type: 'full',
  createdAt: 100,
  expiresAt: 'infinite',
  refreshedAt: 150,
  refreshExpiresAt: 900,
  refreshTokenId: 'secret-jti',
  rotatedRefreshTokenIds: ['old-jti'],
  tokensFreshFrom: 150,
  prevTokensFreshFrom: 100,
  lockVersion: 3,
  extraPayload: { note: 'server side' },
  fingerprint: 'device-1',
  version: 2,
};

describe('public session views', () => {
  it('publicSession shows identity and times only', () => {
    expect(publicSession(session)).toEqual({
      id: 's1',
      userId: 7,
      type: 'full',
      createdAt: 100,
      expiresAt: 'infinite',
      refreshedAt: 150,
      refreshExpiresAt: 900,
    });
  });

  it('listedSessions drops the caller’s own user id and marks the current session', () => {
    const other = { ...session, id: 's2' };
    expect(listedSessions([session, other], 's2')).toEqual([
      { id: 's1', type: 'full', createdAt: 100, expiresAt: 'infinite', refreshedAt: 150, refreshExpiresAt: 900, current: false },
      { id: 's2', type: 'full', createdAt: 100, expiresAt: 'infinite', refreshedAt: 150, refreshExpiresAt: 900, current: true },
    ]);
    expect(JSON.stringify(listedSessions([session], undefined))).not.toMatch(/jti|server side|device-1|lockVersion/);
  });
});
