import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Clock } from '../clock/clock';
import { CharonConfig } from '../config/charon-config';
import { toContextError } from '../context/context-errors';
import { acceptedRequest, guardedRequest, requestOf, responseOf } from '../context/execution-context-request';
import {
  LOAD_SESSION_METADATA,
  REQUIRED_CLAIMS_METADATA,
  ROUTE_ACCESS_METADATA,
  type ClaimRequirement,
  type RouteAccess,
} from '../decorators/route-auth.decorators';
import { AuthenticationError, type AuthenticationFailureReason } from '../errors/authentication.error';
import { AuthorizationError, type AuthorizationFailureReason } from '../errors/authorization.error';
import { isCrossSiteRequest, isUnsafeMethod } from '../internal/cross-site-request';
import type { HttpRequestLike } from '../model/http-request.model';
import { requestState, type CharonRequestState } from '../internal/http-request';
import { isValidUserId, type Session } from '../model/session.model';
import { SessionService } from '../session/session.service';
import { tokenInvalidChannel, tokenValidChannel, type TokenEventMessage } from '../telemetry/charon-telemetry';
import { TokenFactory, type TokenPayload } from '../tokens/token-factory';
import { checkClaims } from './claim-checks';
import { extractToken } from './token-extraction';

/** Clock drift tolerated between the token's issuer and this server, seconds (nbf - 5, exp + 5, iat - 5). */
export const CLOCK_DRIFT_TOLERANCE = 5;

/**
 * Marks a guard class that authenticates the routes it is put on, as a static property set to `true`: the global
 * guard (`globalGuard: true`) leaves such routes to it. Every nestjs-charon guard has it; so can an app's own guard:
 * `static readonly [AUTHENTICATES_ROUTE] = true;`.
 */
export const AUTHENTICATES_ROUTE: unique symbol = Symbol.for('nestjs-charon.authenticates-route');

/** `@UseGuards` keeps its guards under this key (`GUARDS_METADATA` of @nestjs/common, not exported from its root). */
const GUARDS_METADATA = '__guards__';

function authenticatesRoute(guard: unknown): boolean {
  const type = typeof guard === 'function' ? guard : (guard as { constructor?: unknown } | null | undefined)?.constructor;
  return (type as { [AUTHENTICATES_ROUTE]?: unknown } | undefined)?.[AUTHENTICATES_ROUTE] === true;
}

/** Per-route settings from decorators, read once per (controller class, handler). */
export interface RouteAuthSettings {
  /** `@RequireClaims` of the controller and of the handler: every set must hold (a handler cannot loosen its controller). */
  claims: readonly Readonly<Record<string, ClaimRequirement>>[];
  /** `@LoadSession()` of the handler, else of the controller; undefined when neither says. */
  loadSession: boolean | undefined;
  /** `@Public()` or `@OptionalAuth()` of the handler, else of the controller; `required` when neither says. */
  access: RouteAccess;
  /** Whether the handler's or the controller's `@UseGuards` names a guard that authenticates (see {@link AUTHENTICATES_ROUTE}). */
  guardedByRoute: boolean;
}

/** Which token a verification looks for. */
export interface TokenKind {
  type: 'access' | 'refresh';
  /** The cookie holding this token (or its signature). */
  cookieName: string;
}

function audienceMatches(aud: unknown, expected: string): boolean {
  return aud === expected || (Array.isArray(aud) && aud.includes(expected));
}

/**
 * The verification both guards share: find the token, refuse cross-site cookie-only requests, verify its signature,
 * check `nbf`, `exp`, `type`, `iss`, `aud`, the identity claims and the route's required claims. Subclasses decide
 * the token type and what happens after. The steps are protected so applications can subclass a guard to customise
 * one of them; subclasses inherit the constructor's injection metadata and need no constructor of their own.
 *
 * Works in every Nest context: `http` (Express, Fastify), `graphql` (the HTTP request in the GraphQL context) and `ws`
 * (the connection's handshake). Outside HTTP, failures leave as the context's own error: a {@link CharonGraphQLError}
 * (`extensions.code` `UNAUTHENTICATED` or `FORBIDDEN`) or a `WsException` (`{ status: 'error', message, code }`).
 */
@Injectable()
export abstract class TokenGuard implements CanActivate {
  static readonly [AUTHENTICATES_ROUTE] = true;
  /** Which token this guard accepts. */
  protected abstract readonly tokenType: 'access' | 'refresh';
  /** By controller class, then handler: an inherited handler is one function shared by every subclass controller. */
  private readonly routeSettingsCache = new WeakMap<object, WeakMap<object, RouteAuthSettings>>();

  constructor(
    protected readonly tokenFactory: TokenFactory,
    protected readonly config: CharonConfig,
    protected readonly clock: Clock,
    protected readonly sessions: SessionService,
    protected readonly reflector: Reflector,
  ) {}

  /** The cookie holding this guard's token (or its signature). */
  protected cookieName(): string {
    return this.tokenType === 'access' ? this.config.accessCookieName : this.config.refreshCookieName;
  }

  /** Runs after the token is verified; loads the session when the guard needs it. */
  protected abstract afterVerification(
    request: HttpRequestLike,
    state: CharonRequestState,
    route: RouteAuthSettings,
  ): boolean | Promise<boolean>;

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const route = this.routeSettings(context);
    if (context.getType() !== 'http') return this.skipsRoute(route) || this.canActivateOutsideHttp(context, route);
    const request = requestOf(context);
    const state = requestState(request, this.clock);
    // Kept even where the guard skips the route: a login route (public under the global guard) marks its token
    // response no-store through it.
    state.response = responseOf(context);
    return this.skipsRoute(route) || this.authenticate(context, request, state, route);
  }

  /** Whether the guard lets every request to the route through without a look at it. No route, by default. */
  protected skipsRoute(_route: RouteAuthSettings): boolean {
    return false;
  }

  /** Authenticates one request in any context: {@link verifyToken}, then {@link afterVerification}. */
  protected authenticate(
    _context: ExecutionContext,
    request: HttpRequestLike,
    state: CharonRequestState,
    route: RouteAuthSettings,
  ): boolean | Promise<boolean> {
    this.verifyToken(request, state, route);
    return this.afterVerification(request, state, route);
  }

  private async canActivateOutsideHttp(context: ExecutionContext, route: RouteAuthSettings): Promise<boolean> {
    try {
      const request = guardedRequest(context);
      const state = requestState(request, this.clock);
      state.response ??= responseOf(context);
      const allowed = await this.authenticate(context, request, state, route);
      if (allowed) acceptedRequest(context, request);
      return allowed;
    } catch (error) {
      throw await toContextError(error, context.getType());
    }
  }

  /**
   * Finds and verifies the token, leaving its payload and transport on `state`; throws 401
   * ({@link AuthenticationError}) for an invalid token, 403 ({@link AuthorizationError}) for a valid one the route
   * refuses (claims) or a cross-site request authenticated by a cookie alone.
   */
  protected verifyToken(
    request: HttpRequestLike,
    state: CharonRequestState,
    route: RouteAuthSettings,
    kind: TokenKind = { type: this.tokenType, cookieName: this.cookieName() },
  ): void {
    const found = extractToken(request, kind.cookieName);
    if (found === undefined) this.reject(state, 'bearer token not found', kind.type);
    state.tokenTransport = found.transport;
    // Only a cookie alone is sent by the browser on its own; `bearer` and `cookie` need the Authorization header,
    // which another site cannot set. Checked before any crypto: a forged request costs nothing.
    if (found.transport === 'cookie_only' && this.config.csrfProtection && isUnsafeMethod(request)) {
      if (isCrossSiteRequest(request, this.config.allowedOrigins)) this.forbid(state, 'cross-site request refused', kind.type);
    }
    const verified = this.tokenFactory.verify(found.token);
    if (!verified.valid) this.reject(state, 'bearer token signature invalid', kind.type);
    const claims = verified.payload;
    const { nbf, exp, sub, sid, styp, iss } = claims;
    if (typeof nbf !== 'number') this.reject(state, nbf === undefined ? 'bearer token claim nbf not found' : 'bearer token claim nbf invalid', kind.type);
    if (state.now < nbf - CLOCK_DRIFT_TOLERANCE) this.reject(state, 'bearer token not yet valid', kind.type);
    if (typeof exp !== 'number') this.reject(state, exp === undefined ? 'bearer token claim exp not found' : 'bearer token claim exp invalid', kind.type);
    if (state.now >= exp + CLOCK_DRIFT_TOLERANCE) this.reject(state, 'bearer token expired', kind.type);
    if (claims.type !== kind.type) {
      this.reject(state, claims.type === undefined ? 'bearer token claim type not found' : 'bearer token claim type invalid', kind.type);
    }
    // A key shared between services must not let one service's tokens in at another.
    if (iss !== this.config.tokenIssuer) this.reject(state, iss === undefined ? 'bearer token claim iss not found' : 'bearer token claim iss invalid', kind.type);
    const audience = this.config.tokenAudience;
    if (audience !== undefined && !audienceMatches(claims.aud, audience)) {
      this.reject(state, claims.aud === undefined ? 'bearer token claim aud not found' : 'bearer token claim aud invalid', kind.type);
    }
    if (!isValidUserId(sub) || typeof sid !== 'string' || typeof styp !== 'string') {
      this.reject(state, 'bearer token claim sub, sid or styp not found', kind.type);
    }
    state.payload = claims as TokenPayload;
    for (const requirements of route.claims) {
      const failure = checkClaims(claims, requirements);
      if (failure !== undefined) this.forbid(state, failure, kind.type);
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
  protected accept(state: CharonRequestState, tokenType: 'access' | 'refresh' = this.tokenType): true {
    if (tokenValidChannel.hasSubscribers) tokenValidChannel.publish(this.eventMessage(state, tokenType));
    return true;
  }

  /** Publishes `charon:token:invalid` and answers 401 with `reason`. */
  protected reject(state: CharonRequestState, reason: AuthenticationFailureReason, tokenType: 'access' | 'refresh' = this.tokenType): never {
    if (tokenInvalidChannel.hasSubscribers) tokenInvalidChannel.publish({ ...this.eventMessage(state, tokenType), error: reason });
    throw new AuthenticationError(reason);
  }

  /** Publishes `charon:token:invalid` and answers 403 with `reason`: the token may be valid, the request is not allowed. */
  protected forbid(state: CharonRequestState, reason: AuthorizationFailureReason, tokenType: 'access' | 'refresh' = this.tokenType): never {
    if (tokenInvalidChannel.hasSubscribers) tokenInvalidChannel.publish({ ...this.eventMessage(state, tokenType), error: reason });
    throw new AuthorizationError(reason);
  }

  private eventMessage(state: CharonRequestState, tokenType: 'access' | 'refresh'): TokenEventMessage {
    return {
      tokenType,
      sessionLoaded: state.session !== undefined,
      tokenTransport: state.tokenTransport,
      userId: state.payload?.sub,
      sessionId: state.payload?.sid,
      sessionType: state.payload?.styp,
    };
  }

  private routeSettings(context: ExecutionContext): RouteAuthSettings {
    const controller = context.getClass();
    const handler = context.getHandler();
    let byHandler = this.routeSettingsCache.get(controller);
    let settings = byHandler?.get(handler);
    if (settings === undefined) {
      const targets = [handler, controller];
      settings = {
        claims: this.reflector
          .getAll<(Record<string, ClaimRequirement> | undefined)[]>(REQUIRED_CLAIMS_METADATA, targets)
          .filter((level): level is Record<string, ClaimRequirement> => level !== undefined),
        loadSession: this.reflector.getAllAndOverride<boolean | undefined>(LOAD_SESSION_METADATA, targets),
        access: this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS_METADATA, targets) ?? 'required',
        guardedByRoute: this.reflector.getAll<(unknown[] | undefined)[]>(GUARDS_METADATA, targets).some((guards) => guards?.some(authenticatesRoute) === true),
      };
      if (byHandler === undefined) this.routeSettingsCache.set(controller, (byHandler = new WeakMap()));
      byHandler.set(handler, settings);
    }
    return settings;
  }
}
