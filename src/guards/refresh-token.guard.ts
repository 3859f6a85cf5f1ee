import { Injectable } from '@nestjs/common';
import type { CharonRequestState } from '../internal/http-request';
import type { Session } from '../model/session.model';
import { refreshGeneration } from '../session/token-generation';
import { CLOCK_DRIFT_TOLERANCE, TokenGuard } from './token-guard';

/**
 * Protects the refresh route with a refresh token: verifies it like {@link SessionGuard} does an access token,
 * loads its session (401 `session not found` if gone) and checks that the token may still refresh (401
 * `token stale` otherwise). Then `SessionService.refresh()` can refresh it.
 *
 * Which tokens may refresh depends on `refreshTokenRotation`: with `'generations'` those of the current and
 * previous token generation; with `'strict'` only the current token, or those the last refreshes replaced
 * while `refreshTokenReuseInterval` after the last refresh lasts. A token refused as stale means two parties hold one session (RFC 9700
 * section 4.14): the session is revoked (strict mode always; generations mode unless `staleRefreshTokens` is
 * `'reject'`), so the thief's copy dies with the victim's.
 */
@Injectable()
export class RefreshTokenGuard extends TokenGuard {
  protected readonly tokenType = 'refresh';

  protected async afterVerification(_request: unknown, state: CharonRequestState): Promise<boolean> {
    const session = await this.loadSession(state);
    if (this.config.refreshTokenRotation === 'strict') await this.checkRotation(state, session);
    else await this.checkFreshness(state, session);
    return this.accept(state);
  }

  /** Generations mode: the token's `iat` must fall in the current or the previous token generation. */
  protected async checkFreshness(state: CharonRequestState, session: Session): Promise<void> {
    const { freshFrom } = refreshGeneration(session, state.now, this.config.refreshCycle);
    const iat = state.payload!.iat;
    if (typeof iat === 'number' && iat >= freshFrom - CLOCK_DRIFT_TOLERANCE) return;
    if (this.config.staleRefreshTokens === 'revoke') await this.sessions.revokeForReuse(session);
    this.reject(state, 'token stale');
  }

  /**
   * Strict mode: the token must be the session's current refresh token, or one the refreshes of the current burst
   * rotated out while the reuse interval after the last refresh lasts (any number of racing tabs, a lost response
   * retried). `jti` values are not secrets (they travel inside signed tokens whose signature was checked already),
   * so a plain comparison is fine.
   */
  protected async checkRotation(state: CharonRequestState, session: Session): Promise<void> {
    const jti = state.payload!.jti;
    if (jti === session.refreshTokenId) return;
    const withinReuseInterval = state.now <= session.refreshedAt + this.config.refreshTokenReuseInterval;
    if (withinReuseInterval && typeof jti === 'string' && session.rotatedRefreshTokenIds?.includes(jti)) return;
    await this.sessions.revokeForReuse(session);
    this.reject(state, 'token stale');
  }
}
