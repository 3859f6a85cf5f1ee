import type { CanActivate, ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { Clock } from '../clock/clock';
import type { CharonConfig } from '../config/charon-config';
import { LOAD_SESSION_METADATA, REQUIRED_CLAIMS_METADATA, type ClaimRequirement } from '../decorators/route-auth-options';
import { AuthenticationError, type AuthenticationFailureReason } from '../errors/authentication.error';
import { requestState, type CharonRequestState, type HttpRequestLike } from '../internal/http-request';
import type { Session } from '../session/session.model';
import type { SessionService } from '../session/session.service';
import { tokenInvalidChannel, tokenValidChannel, type TokenEventMessage } from '../telemetry/charon-telemetry';
import type { TokenFactory, TokenPayload } from '../tokens/token-factory';
import { checkClaims } from './claim-checks';
import { extractToken } from './token-extraction';

/** Clock drift tolerated between the token's issuer and this server, seconds (nbf - 5, exp + 5, iat - 5). */
export const CLOCK_DRIFT_TOLERANCE = 5;

/** Per-route settings from decorators, read once per handler. */
interface RouteAuthSettings {
  claims: Readonly<Record<string, ClaimRequirement>> | undefined;
  loadSession: boolean | undefined;
}

function isUserId(value: unknown): value is string | number {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

/**
 * The verification both guards share: find the token, verify its signature, check `nbf`, `exp`, `type`, the
 * identity claims and the route's required claims. Subclasses decide the token type and what happens after.
 * The steps are protected so applications can subclass a guard to customise one of them.
 */
export abstract class TokenGuard implements CanActivate {
  /** Which token this guard accepts. */
  protected abstract readonly tokenType: 'access' | 'refresh';
  private readonly routeSettingsCache = new WeakMap<object, RouteAuthSettings>();

  protected constructor(
    protected readonly tokenFactory: TokenFactory,
    protected readonly config: CharonConfig,
    protected readonly clock: Clock,
    protected readonly sessions: SessionService,
    protected readonly reflector: Reflector,
  ) {}

  /** The cookie holding this guard's token (or its signature). */
  protected abstract cookieName(): string;

  /** Runs after the token is verified; loads the session when the guard needs it. */
  protected abstract afterVerification(
    request: HttpRequestLike,
    state: CharonRequestState,
    route: RouteAuthSettings,
  ): boolean | Promise<boolean>;

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<HttpRequestLike>();
    const state = requestState(request, this.clock);
    const route = this.routeSettings(context);
    this.verifyToken(request, state, route);
    return this.afterVerification(request, state, route);
  }

  /** Finds and verifies the token, leaving its payload and transport on `state`; throws a 401 otherwise. */
  protected verifyToken(request: HttpRequestLike, state: CharonRequestState, route: RouteAuthSettings): void {
    const found = extractToken(request, this.cookieName());
    if (found === undefined) this.reject(state, 'bearer token not found');
    state.tokenTransport = found.transport;
    const verified = this.tokenFactory.verify(found.token);
    if (!verified.valid) this.reject(state, 'bearer token signature invalid');
    const claims = verified.payload;
    const { nbf, exp, sub, sid, styp } = claims;
    if (typeof nbf !== 'number') this.reject(state, nbf === undefined ? 'bearer token claim nbf not found' : 'bearer token claim nbf invalid');
    if (state.now < nbf - CLOCK_DRIFT_TOLERANCE) this.reject(state, 'bearer token not yet valid');
    if (typeof exp !== 'number') this.reject(state, exp === undefined ? 'bearer token claim exp not found' : 'bearer token claim exp invalid');
    if (state.now >= exp + CLOCK_DRIFT_TOLERANCE) this.reject(state, 'bearer token expired');
    if (claims.type !== this.tokenType) this.reject(state, claims.type === undefined ? 'bearer token claim type not found' : 'bearer token claim type invalid');
    if (!isUserId(sub) || typeof sid !== 'string' || typeof styp !== 'string') {
      this.reject(state, 'bearer token claim sub, sid or styp not found');
    }
    state.payload = claims as TokenPayload;
    if (route.claims !== undefined) {
      const failure = checkClaims(claims, route.claims);
      if (failure !== undefined) this.reject(state, failure);
    }
  }

  /** Loads the token's session; 401 `session not found` when it is gone. */
  protected async loadSession(state: CharonRequestState): Promise<Session> {
    const { sub, sid, styp } = state.payload!;
    const session = await this.sessions.get(sid, sub, styp);
    if (session === null) this.reject(state, 'session not found');
    state.session = session;
    return session;
  }

  /** Publishes `charon:token:valid` and lets the request through. */
  protected accept(state: CharonRequestState): true {
    if (tokenValidChannel.hasSubscribers) tokenValidChannel.publish(this.eventMessage(state));
    return true;
  }

  /** Publishes `charon:token:invalid` and answers 401 with `reason`. */
  protected reject(state: CharonRequestState, reason: AuthenticationFailureReason): never {
    if (tokenInvalidChannel.hasSubscribers) tokenInvalidChannel.publish({ ...this.eventMessage(state), error: reason });
    throw new AuthenticationError(reason);
  }

  private eventMessage(state: CharonRequestState): TokenEventMessage {
    return {
      tokenType: this.tokenType,
      sessionLoaded: state.session !== undefined,
      tokenTransport: state.tokenTransport,
      userId: state.payload?.sub,
      sessionId: state.payload?.sid,
      sessionType: state.payload?.styp,
    };
  }

  private routeSettings(context: ExecutionContext): RouteAuthSettings {
    const handler = context.getHandler();
    let settings = this.routeSettingsCache.get(handler);
    if (settings === undefined) {
      const targets = [handler, context.getClass()];
      const claims = this.reflector
        .getAll<(Record<string, ClaimRequirement> | undefined)[]>(REQUIRED_CLAIMS_METADATA, targets)
        .reduceRight<Record<string, ClaimRequirement> | undefined>((merged, level) => (level ? { ...merged, ...level } : merged), undefined);
      settings = {
        claims,
        loadSession: this.reflector.getAllAndOverride<boolean | undefined>(LOAD_SESSION_METADATA, targets),
      };
      this.routeSettingsCache.set(handler, settings);
    }
    return settings;
  }
}

export type { RouteAuthSettings };
