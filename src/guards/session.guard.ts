import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Clock } from '../clock/clock';
import { CharonConfig } from '../config/charon-config';
import type { CharonRequestState } from '../internal/http-request';
import { SessionService } from '../session/session.service';
import { TokenFactory } from '../tokens/token-factory';
import { TokenGuard, type RouteAuthSettings } from './token-guard';

/**
 * Protects routes with an access token. Verifies the token (signature, `nbf`/`exp` with 5 s drift, `type`,
 * identity claims, `@RequireClaims`) without touching the store, unless the session is to be loaded
 * (`@LoadSession()` or `loadSessionByDefault`), in which case a deleted session is refused at once.
 *
 * ```ts
 * @UseGuards(SessionGuard)
 * @Get('me') me(@CurrentUserId() userId: number) { ... }
 * ```
 * Failures answer 401 with the reason (e.g. `bearer token expired`).
 */
@Injectable()
export class SessionGuard extends TokenGuard {
  protected readonly tokenType = 'access';

  constructor(tokenFactory: TokenFactory, config: CharonConfig, clock: Clock, sessions: SessionService, reflector: Reflector) {
    super(tokenFactory, config, clock, sessions, reflector);
  }

  protected cookieName(): string {
    return this.config.accessCookieName;
  }

  protected afterVerification(_request: unknown, state: CharonRequestState, route: RouteAuthSettings): boolean | Promise<boolean> {
    if (!(route.loadSession ?? this.config.loadSessionByDefault)) return this.accept(state);
    return this.loadSession(state).then(() => this.accept(state));
  }
}
