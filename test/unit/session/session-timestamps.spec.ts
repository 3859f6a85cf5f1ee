import type { CharonConfig } from '../../../src/config/charon-config';
import type { CharonModuleOptions } from '../../../src/config/charon-module-options';
import { resolveCharonOptions } from '../../../src/config/resolve-charon-options';
import { computeTimestamps } from '../../../src/session/session-timestamps';
import type { Session } from '../../../src/model/session.model';

const NOW = 1_700_000_000;
const DAY = 24 * 60 * 60;

/** Resolved the way the module resolves it, so the test also pins the defaults computeTimestamps sees. */
function config(overrides: Partial<CharonModuleOptions> = {}): CharonConfig {
  const logger = { log: jest.fn(), warn: jest.fn(), error: jest.fn() };
  return resolveCharonOptions({ tokenIssuer: 'https://issuer.test', baseSecret: 'k3p8Qw0sN4bV7xZ2mL9rT6yU1iO5aD3fG8hJ0cE4', ...overrides }, logger).config;
}

function session(overrides: Partial<Session> = {}): Session {
  return {
    id: 'sid',
    userId: 1,
    type: 'full',
    createdAt: NOW - 1000,
    expiresAt: NOW + 365 * DAY,
    refreshedAt: NOW - 1000,
    refreshExpiresAt: NOW + 10,
    refreshTokenId: 'rtid',
    tokensFreshFrom: NOW - 1000,
    prevTokensFreshFrom: NOW - 1000,
    lockVersion: 3,
    extraPayload: {},
    version: 1,
    ...overrides,
  };
}

describe('computeTimestamps', () => {
  describe('new session', () => {
    it('uses the configured TTLs when the session outlives them (defaults 900 / 60 days / 365 days)', () => {
      expect(computeTimestamps(NOW, undefined, config())).toEqual({
        now: NOW,
        sessionExpiresAt: NOW + 365 * DAY,
        refreshExpiresAt: NOW + 60 * DAY,
        accessExpiresAt: NOW + 900,
        refreshTtl: 60 * DAY,
        accessTtl: 900,
      });
    });

    it('keeps an infinite session infinite and the tokens at their own TTLs', () => {
      expect(computeTimestamps(NOW, undefined, config({ sessionTtl: 'infinite' }))).toEqual({
        now: NOW,
        sessionExpiresAt: 'infinite',
        refreshExpiresAt: NOW + 60 * DAY,
        accessExpiresAt: NOW + 900,
        refreshTtl: 60 * DAY,
        accessTtl: 900,
      });
    });

    it('clips both tokens to a session shorter than the refresh and access TTLs', () => {
      expect(computeTimestamps(NOW, undefined, config({ sessionTtl: 600, refreshTokenTtl: 3600, accessTokenTtl: 900 }))).toEqual({
        now: NOW,
        sessionExpiresAt: NOW + 600,
        refreshExpiresAt: NOW + 600,
        accessExpiresAt: NOW + 600,
        refreshTtl: 600,
        accessTtl: 600,
      });
    });

    it('clips the access token to a refresh TTL shorter than the access TTL', () => {
      const t = computeTimestamps(NOW, undefined, config({ accessTokenTtl: 900, refreshTokenTtl: 300 }));
      expect([t.refreshTtl, t.accessTtl, t.accessExpiresAt]).toEqual([300, 300, NOW + 300]);
    });
  });

  describe('refresh of an existing session', () => {
    it('keeps expiresAt and derives the session TTL from it (expiresAt - now)', () => {
      // 100 days left: refresh TTL is the configured 60 days, access 15 minutes.
      const existing = session({ expiresAt: NOW + 100 * DAY });
      expect(computeTimestamps(NOW, existing, config())).toEqual({
        now: NOW,
        sessionExpiresAt: NOW + 100 * DAY,
        refreshExpiresAt: NOW + 60 * DAY,
        accessExpiresAt: NOW + 900,
        refreshTtl: 60 * DAY,
        accessTtl: 900,
      });
    });

    it('ignores the configured sessionTtl for an existing session', () => {
      // sessionTtl only applies to new sessions; a refresh must never extend or shorten expiresAt.
      const existing = session({ expiresAt: NOW + 100 * DAY });
      const t = computeTimestamps(NOW, existing, config({ sessionTtl: 60 }));
      expect(t.sessionExpiresAt).toBe(NOW + 100 * DAY);
      expect(t.refreshTtl).toBe(60 * DAY);
    });

    it('clips the refresh token to what is left of the session, and the access token to the refresh token', () => {
      const existing = session({ expiresAt: NOW + 2000 });
      expect(computeTimestamps(NOW, existing, config({ accessTokenTtl: 900, refreshTokenTtl: 3600 }))).toEqual({
        now: NOW,
        sessionExpiresAt: NOW + 2000,
        refreshExpiresAt: NOW + 2000,
        accessExpiresAt: NOW + 900,
        refreshTtl: 2000,
        accessTtl: 900,
      });
    });

    it('keeps an infinite session infinite even when the config now has a finite sessionTtl', () => {
      // Ported from Charon: an old session with expires_at :infinite, refreshed_at 0, refresh_expires_at 0.
      const existing = session({ expiresAt: 'infinite', refreshExpiresAt: 0, refreshedAt: 0 });
      expect(computeTimestamps(NOW, existing, config({ sessionTtl: 3600 }))).toEqual({
        now: NOW,
        sessionExpiresAt: 'infinite',
        refreshExpiresAt: NOW + 60 * DAY,
        accessExpiresAt: NOW + 900,
        refreshTtl: 60 * DAY,
        accessTtl: 900,
      });
    });

    it('ends both tokens with a session that is about to end', () => {
      const existing = session({ expiresAt: NOW + 7 });
      expect(computeTimestamps(NOW, existing, config())).toEqual({
        now: NOW,
        sessionExpiresAt: NOW + 7,
        refreshExpiresAt: NOW + 7,
        accessExpiresAt: NOW + 7,
        refreshTtl: 7,
        accessTtl: 7,
      });
    });

    it.each([
      ['ends right now', 0],
      ['ended a second ago', -1],
      ['ended long ago', -10 * DAY],
    ])('never yields a negative TTL or an expiry before now for a session that %s', (_label, offset) => {
      // A negative TTL would become a negative Max-Age and an exp in the past; 0 is the honest answer.
      const existing = session({ expiresAt: NOW + offset });
      expect(computeTimestamps(NOW, existing, config())).toEqual({
        now: NOW,
        sessionExpiresAt: NOW + offset,
        refreshExpiresAt: NOW,
        accessExpiresAt: NOW,
        refreshTtl: 0,
        accessTtl: 0,
      });
    });
  });

  it('never lets a token outlive its refresh window or its session, whatever the TTLs', () => {
    for (const accessTokenTtl of [1, 60, 900, 7200]) {
      for (const refreshTokenTtl of [1, 600, 3600, 60 * DAY]) {
        const resolved = config({ accessTokenTtl, refreshTokenTtl, sessionTtl: 1000 });
        // undefined = a new session (sessionTtl 1000); otherwise the seconds an existing session has left.
        for (const left of [undefined, 'infinite', -5, 0, 1, 500, 5000, 400 * DAY] as const) {
          const existing = left === undefined ? undefined : session({ expiresAt: left === 'infinite' ? 'infinite' : NOW + left });
          const t = computeTimestamps(NOW, existing, resolved);
          expect(t.accessTtl).toBeGreaterThanOrEqual(0);
          expect(t.accessTtl).toBeLessThanOrEqual(t.refreshTtl);
          expect(t.refreshTtl).toBeLessThanOrEqual(refreshTokenTtl);
          expect(t.accessTtl).toBeLessThanOrEqual(accessTokenTtl);
          expect(t.refreshExpiresAt).toBe(NOW + t.refreshTtl);
          expect(t.accessExpiresAt).toBe(NOW + t.accessTtl);
          if (t.sessionExpiresAt !== 'infinite') expect(t.refreshExpiresAt).toBeLessThanOrEqual(Math.max(NOW, t.sessionExpiresAt));
        }
      }
    }
  });
});
