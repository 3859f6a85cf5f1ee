import { Injectable, type ExecutionContext } from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { Clock } from '../clock/clock';
import { CharonConfig } from '../config/charon-config';
import { responseOf } from '../context/execution-context-request';
import { AuthenticationError } from '../errors/authentication.error';
import type { HttpRequestLike } from '../model/http-request.model';
import type { CharonRequestState } from '../internal/http-request';
import { SessionService } from '../session/session.service';
import { TokenFactory } from '../tokens/token-factory';
import { TokenGuard, type RouteAuthSettings } from './token-guard';

/** Logout verifies identity only: claim requirements and session loading are for the routes that use a session. */
const LOGOUT_ROUTE: RouteAuthSettings = { claims: [], loadSession: false, access: 'required', guardedByRoute: false };

/**
 * Protects logout routes. Accepts the access token, or else the refresh token: an expired access cookie must
 * not keep a user from logging out while a 60-day refresh cookie still works. When neither is valid it answers
 * 401 and still tells the browser to drop both token cookies, so a failed logout never leaves tokens behind.
 * A cross-site request authenticated by a cookie alone gets 403 and clears nothing (no logout CSRF).
 *
 * ```ts
 * @Delete('session') @HttpCode(204) @UseGuards(LogoutGuard)
 * logout(@Req() request: HttpRequestLike) { return this.sessions.deleteCurrent(request); }
 * ```
 */
@Injectable()
export class LogoutGuard extends TokenGuard {
  protected readonly tokenType = 'access';

  constructor(
    tokenFactory: TokenFactory,
    config: CharonConfig,
    clock: Clock,
    sessions: SessionService,
    reflector: Reflector,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    super(tokenFactory, config, clock, sessions, reflector);
  }

  protected override authenticate(context: ExecutionContext, request: HttpRequestLike, state: CharonRequestState): boolean {
    try {
      this.verifyToken(request, state, LOGOUT_ROUTE);
      return this.accept(state);
    } catch (accessFailure) {
      if (!(accessFailure instanceof AuthenticationError)) throw accessFailure;
      state.payload = undefined;
      state.tokenTransport = undefined;
      try {
        this.verifyToken(request, state, LOGOUT_ROUTE, { type: 'refresh', cookieName: this.config.refreshCookieName });
        return this.accept(state, 'refresh');
      } catch (refreshFailure) {
        if (!(refreshFailure instanceof AuthenticationError)) throw refreshFailure;
        // A WebSocket has no response to clear cookies on.
        const response = responseOf(context);
        if (response !== undefined) {
          for (const cookie of this.sessions.clearingCookies()) this.adapterHost.httpAdapter.appendHeader(response, 'Set-Cookie', cookie);
        }
        // The access token's reason, unless there was none at all and the refresh token says more.
        throw accessFailure.reason === 'bearer token not found' ? refreshFailure : accessFailure;
      }
    }
  }

  protected afterVerification(_request: unknown, state: CharonRequestState): boolean {
    return this.accept(state);
  }
}
