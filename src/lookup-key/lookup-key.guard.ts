import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Clock } from '../clock/clock';
import { CharonConfig } from '../config/charon-config';
import { AuthenticationError, type AuthenticationFailureReason } from '../errors/authentication.error';
import { AuthorizationError, type AuthorizationFailureReason } from '../errors/authorization.error';
import { acceptedRequest, guardedRequest, requestOf } from '../context/execution-context-request';
import { toContextError } from '../context/context-errors';
import { AUTHENTICATES_ROUTE } from '../guards/token-guard';
import { extractToken } from '../guards/token-extraction';
import { isCrossSiteRequest, isUnsafeMethod } from '../internal/cross-site-request';
import type { HttpRequestLike } from '../model/http-request.model';
import { requestState, type CharonRequestState } from '../internal/http-request';
import { lookupKeyInvalidChannel, lookupKeyValidChannel, type LookupKeyCheckMessage } from '../telemetry/lookup-key-telemetry';
import { LookupKeyConfig } from './lookup-key-config';
import { LookupKeyService } from './lookup-key.service';

/**
 * Protects routes with a lookup-key credential, from `Authorization: Bearer <credential>` or, without that header,
 * from the lookup-key cookie (`lookupKeys.cookieName`). Every request is checked against the store, so a revoked
 * credential is refused at once.
 *
 * ```ts
 * @UseGuards(LookupKeyGuard)
 * @Get('whoami') whoami(@CurrentUserId() userId: number, @CurrentLookupKey() key: AuthenticatedLookupKey) { ... }
 * ```
 * Failures answer 401: `bearer token not found` (no credential), `bearer token signature invalid` (not a
 * well-formed credential, e.g. a JWT), `session not found` (unknown, revoked or expired). An unsafe request
 * authenticated by the cookie alone from another site answers 403 `cross-site request refused`, as for token cookies.
 * Like the token guards it works in `http`, `graphql` and `ws` contexts, failing with the context's own error, and
 * the global guard (`globalGuard: true`) leaves the routes it is on to it.
 */
@Injectable()
export class LookupKeyGuard implements CanActivate {
  static readonly [AUTHENTICATES_ROUTE] = true;

  constructor(
    protected readonly lookupKeys: LookupKeyService,
    protected readonly config: LookupKeyConfig,
    protected readonly charonConfig: CharonConfig,
    protected readonly clock: Clock,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() === 'http') return this.authenticate(requestOf(context));
    try {
      const request = guardedRequest(context);
      await this.authenticate(request);
      acceptedRequest(context, request);
      return true;
    } catch (error) {
      throw await toContextError(error, context.getType());
    }
  }

  /** Finds and verifies the credential of `request`, leaving the record on its state; throws 401 or 403 otherwise. */
  protected async authenticate(request: HttpRequestLike): Promise<true> {
    const state = requestState(request, this.clock);
    const found = extractToken(request, this.config.cookieName);
    if (found === undefined) this.reject(state, 'bearer token not found');
    state.tokenTransport = found.transport;
    // A cookie alone is what a browser attaches by itself to a forged cross-site request: same rule as token cookies.
    if (found.transport === 'cookie_only' && this.charonConfig.csrfProtection && isUnsafeMethod(request)) {
      if (isCrossSiteRequest(request, this.charonConfig.allowedOrigins)) this.forbid(state, 'cross-site request refused');
    }
    const result = await this.lookupKeys.verify(found.token, state.now);
    if (!result.valid) this.reject(state, result.reason === 'malformed' ? 'bearer token signature invalid' : 'session not found');
    state.lookupKey = { recordId: result.record.id, userId: result.record.userId };
    if (lookupKeyValidChannel.hasSubscribers) lookupKeyValidChannel.publish({ ...this.eventMessage(state), keyVersion: result.keyVersion });
    return true;
  }

  /** Publishes `charon:lookup_key:invalid` and answers 401 with `reason`. */
  protected reject(state: CharonRequestState, reason: AuthenticationFailureReason): never {
    this.fail(state, reason, new AuthenticationError(reason));
  }

  /** Publishes `charon:lookup_key:invalid` and answers 403 with `reason`. */
  protected forbid(state: CharonRequestState, reason: AuthorizationFailureReason): never {
    this.fail(state, reason, new AuthorizationError(reason));
  }

  private fail(state: CharonRequestState, reason: string, error: Error): never {
    if (lookupKeyInvalidChannel.hasSubscribers) lookupKeyInvalidChannel.publish({ ...this.eventMessage(state), error: reason });
    throw error;
  }

  private eventMessage(state: CharonRequestState): LookupKeyCheckMessage {
    return { tokenTransport: state.tokenTransport, recordId: state.lookupKey?.recordId, userId: state.lookupKey?.userId };
  }
}
