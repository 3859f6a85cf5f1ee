import { Injectable, type ExecutionContext } from '@nestjs/common';
import type { HttpRequestLike } from '../model/http-request.model';
import type { CharonRequestState } from '../internal/http-request';
import { extractToken } from './token-extraction';
import { TokenGuard, type RouteAuthSettings } from './token-guard';

/**
 * Protects routes with an access token. Verifies the token (signature, `nbf`/`exp` with 5 s drift, `type`, `iss`,
 * `aud`, identity claims) without touching the store, unless the session is to be loaded (`@LoadSession()` or
 * `loadSessionByDefault`), in which case a deleted session is refused at once.
 *
 * ```ts
 * @UseGuards(SessionGuard)
 * @Get('me') me(@CurrentUserId() userId: number) { ... }
 * ```
 * Token failures answer 401 with the reason (e.g. `bearer token expired`); a valid token the route refuses
 * (`@RequireClaims`, or a cross-site unsafe request authenticated by a cookie alone) answers 403. `@Public()` routes
 * are let through without a look at tokens; `@OptionalAuth()` routes without any token are let through anonymously.
 *
 * On success `request.user` is the verified token's payload (`sub` is the user id), as passport's JWT strategy
 * leaves it, for libraries that read `req.user`.
 */
@Injectable()
export class SessionGuard extends TokenGuard {
  protected readonly tokenType = 'access';

  protected override skipsRoute(route: RouteAuthSettings): boolean {
    return route.access === 'public';
  }

  protected override authenticate(
    context: ExecutionContext,
    request: HttpRequestLike,
    state: CharonRequestState,
    route: RouteAuthSettings,
  ): boolean | Promise<boolean> {
    if (route.access === 'optional' && extractToken(request, this.cookieName()) === undefined) return true;
    return super.authenticate(context, request, state, route);
  }

  protected afterVerification(request: HttpRequestLike, state: CharonRequestState, route: RouteAuthSettings): boolean | Promise<boolean> {
    if (!(route.loadSession ?? this.config.loadSessionByDefault)) return this.admit(request, state);
    return this.loadSession(state).then(() => this.admit(request, state));
  }

  private admit(request: HttpRequestLike, state: CharonRequestState): true {
    (request as { user?: unknown }).user = state.payload;
    return this.accept(state);
  }
}
