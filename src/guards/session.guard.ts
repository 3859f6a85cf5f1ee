import { Injectable } from '@nestjs/common';
import type { CharonRequestState } from '../internal/http-request';
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
 * (`@RequireClaims`, or a cross-site unsafe request authenticated by a cookie alone) answers 403.
 */
@Injectable()
export class SessionGuard extends TokenGuard {
  protected readonly tokenType = 'access';

  protected afterVerification(_request: unknown, state: CharonRequestState, route: RouteAuthSettings): boolean | Promise<boolean> {
    if (!(route.loadSession ?? this.config.loadSessionByDefault)) return this.accept(state);
    return this.loadSession(state).then(() => this.accept(state));
  }
}
