import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Clock } from '../clock/clock';
import { CharonConfig } from '../config/charon-config';
import type { CharonRequestState } from '../internal/http-request';
import type { Session } from '../session/session.model';
import { SessionService } from '../session/session.service';
import { TokenFactory } from '../tokens/token-factory';
import { CLOCK_DRIFT_TOLERANCE, TokenGuard } from './token-guard';

/**
 * Protects the refresh route with a refresh token: verifies it like {@link SessionGuard} does an access token,
 * loads its session (401 `session not found` if gone) and checks that the token belongs to the current or the
 * previous token generation (401 `token stale` otherwise). Then `SessionService.refresh()` can refresh it.
 */
@Injectable()
export class RefreshTokenGuard extends TokenGuard {
  protected readonly tokenType = 'refresh';

  constructor(tokenFactory: TokenFactory, config: CharonConfig, clock: Clock, sessions: SessionService, reflector: Reflector) {
    super(tokenFactory, config, clock, sessions, reflector);
  }

  protected cookieName(): string {
    return this.config.refreshCookieName;
  }

  protected async afterVerification(_request: unknown, state: CharonRequestState): Promise<boolean> {
    const session = await this.loadSession(state);
    this.checkFreshness(state, session);
    return this.accept(state);
  }

  /**
   * A refresh after `tokensFreshFrom + refreshCycle` starts a new generation, so the current generation becomes
   * the previous one and its tokens must stay fresh; otherwise the previous generation still counts.
   */
  protected checkFreshness(state: CharonRequestState, session: Session): void {
    const startsNewGeneration = state.now > session.tokensFreshFrom + this.config.refreshCycle;
    const freshFrom = startsNewGeneration ? session.tokensFreshFrom : session.prevTokensFreshFrom;
    const iat = state.payload!.iat;
    if (typeof iat !== 'number' || iat < freshFrom - CLOCK_DRIFT_TOLERANCE) this.reject(state, 'token stale');
    state.startsNewGeneration = startsNewGeneration;
  }
}
