import type { Session } from '../model/session.model';

/** What a refresh at `now` does to a session's token generations. */
export interface RefreshGeneration {
  /** Whether this refresh starts a new token generation (the current one becomes the previous one). */
  startsNewGeneration: boolean;
  /** Refresh tokens issued at or after this time (minus clock drift) are fresh. */
  freshFrom: number;
}

/**
 * The token-generation rule (SPEC section 4), in one place for the guard that checks freshness and the service
 * that writes the refreshed session. A refresh after `tokensFreshFrom + refreshCycle` starts a new generation, so
 * the current generation becomes the previous one and its tokens must stay fresh; otherwise the previous
 * generation still counts.
 */
export function refreshGeneration(session: Session, now: number, refreshCycle: number): RefreshGeneration {
  const startsNewGeneration = now > session.tokensFreshFrom + refreshCycle;
  return { startsNewGeneration, freshFrom: startsNewGeneration ? session.tokensFreshFrom : session.prevTokensFreshFrom };
}
