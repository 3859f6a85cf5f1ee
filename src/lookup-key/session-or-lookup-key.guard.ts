import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { requestOf } from '../context/execution-context-request';
import { SessionGuard } from '../guards/session.guard';
import { AUTHENTICATES_ROUTE } from '../guards/token-guard';
import { extractToken } from '../guards/token-extraction';
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
  static readonly [AUTHENTICATES_ROUTE] = true;

  constructor(
    private readonly sessionGuard: SessionGuard,
    private readonly lookupKeyGuard: LookupKeyGuard,
    private readonly config: LookupKeyConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    return this.presentsLookupKey(context) ? this.lookupKeyGuard.canActivate(context) : this.sessionGuard.canActivate(context);
  }

  private presentsLookupKey(context: ExecutionContext): boolean {
    let found: ReturnType<typeof extractToken>;
    try {
      found = extractToken(requestOf(context), this.config.cookieName);
    } catch {
      // A context without a request (rpc): SessionGuard refuses it the way it refuses every such context.
      return false;
    }
    return found !== undefined && this.config.credentials.hasPrefix(found.token);
  }
}
