import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { extractToken } from '../guards/token-extraction';
import { SessionGuard } from '../guards/session.guard';
import type { HttpRequestLike } from '../internal/http-request';
import { LookupKeyConfig } from './lookup-key-config';
import { LookupKeyGuard } from './lookup-key.guard';

/**
 * Accepts an access token (JWT) or a lookup-key credential on one route. The credential a request presents (the
 * Authorization bearer value, else the lookup-key cookie) decides: one with the lookup-key prefix (`chk_`) goes
 * to {@link LookupKeyGuard}, anything else to {@link SessionGuard} (with its `@LoadSession()` and
 * `@RequireClaims()` settings). `@CurrentUserId()` gives the user either way.
 *
 * ```ts
 * @UseGuards(SessionOrLookupKeyGuard)
 * @Get('reports') reports(@CurrentUserId() userId: number) { ... }
 * ```
 */
@Injectable()
export class SessionOrLookupKeyGuard implements CanActivate {
  constructor(
    private readonly sessionGuard: SessionGuard,
    private readonly lookupKeyGuard: LookupKeyGuard,
    private readonly config: LookupKeyConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const found = extractToken(context.switchToHttp().getRequest<HttpRequestLike>(), this.config.cookieName);
    return found !== undefined && this.config.credentials.hasPrefix(found.token)
      ? this.lookupKeyGuard.canActivate(context)
      : this.sessionGuard.canActivate(context);
  }
}
