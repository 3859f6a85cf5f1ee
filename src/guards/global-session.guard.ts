import { Injectable } from '@nestjs/common';
import { SessionGuard } from './session.guard';
import type { RouteAuthSettings } from './token-guard';

/**
 * {@link SessionGuard} for every route of the app: what `CharonModule.forRoot({ globalGuard: true })` registers as
 * `APP_GUARD`. Every route needs a valid access token unless it is `@Public()` (login, health checks) or
 * `@OptionalAuth()`, or names its own authenticating guard with `@UseGuards` (`RefreshTokenGuard` on the refresh
 * route, `LogoutGuard` on logout, a `SessionGuard` with other settings, an app guard marked with
 * `AUTHENTICATES_ROUTE`): that guard decides alone, so refresh and logout work with an expired access token.
 *
 * It guards GraphQL resolvers too. Nest applies no global guard to WebSocket gateways: give them
 * `@UseGuards(SessionGuard)`. Where it reaches a microservice handler (`rpc`, a hybrid app that shares its global
 * enhancers), it refuses it unless `@Public()`: nestjs-charon reads no tokens there.
 */
@Injectable()
export class GlobalSessionGuard extends SessionGuard {
  protected override skipsRoute(route: RouteAuthSettings): boolean {
    return route.guardedByRoute || super.skipsRoute(route);
  }
}
