import type { CharonConfig } from '../config/charon-config';
import type { Session } from '../model/session.model';

/**
 * Expiries of a session and its tokens for one create or refresh; all unix seconds, TTLs in seconds.
 *
 * @internal
 */
export interface SessionTimestamps {
  now: number;
  sessionExpiresAt: number | 'infinite';
  refreshExpiresAt: number;
  accessExpiresAt: number;
  refreshTtl: number;
  accessTtl: number;
}

/**
 * A new session lives `sessionTtl`; an existing one what is left of it. The refresh token never outlives the
 * session and the access token never outlives the refresh token, so no token or cookie outlives its session.
 *
 * @internal
 */
export function computeTimestamps(now: number, existing: Session | undefined, config: CharonConfig): SessionTimestamps {
  const sessionExpiresAt: number | 'infinite' =
    existing !== undefined ? existing.expiresAt : config.sessionTtl === 'infinite' ? 'infinite' : now + config.sessionTtl;
  const sessionTtl = sessionExpiresAt === 'infinite' ? Infinity : sessionExpiresAt - now;
  const refreshTtl = Math.max(0, Math.min(config.refreshTokenTtl, sessionTtl));
  const accessTtl = Math.min(config.accessTokenTtl, refreshTtl);
  return {
    now,
    sessionExpiresAt,
    refreshExpiresAt: now + refreshTtl,
    accessExpiresAt: now + accessTtl,
    refreshTtl,
    accessTtl,
  };
}
