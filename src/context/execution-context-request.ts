import type { ArgumentsHost } from '@nestjs/common';
import { CharonUsageError } from '../errors/charon-usage.error';
import type { HttpRequestLike } from '../model/http-request.model';
import { peekRequestState, type CharonRequestState } from '../internal/http-request';
import { currentWebSocketRequest, setCurrentWebSocketRequest, webSocketMessageRequest } from './websocket-request';

/**
 * The fields of a GraphQL context read here: `req` (Apollo on Express and Fastify, where Nest's driver puts the
 * request), `request`, or Mercurius' `reply.request`; `res` or `reply` for the response.
 */
interface GraphQLContextLike {
  req?: unknown;
  res?: unknown;
  request?: unknown;
  reply?: { request?: unknown };
}

function isRequestLike(value: unknown): value is HttpRequestLike {
  return typeof value === 'object' && value !== null && typeof (value as { headers?: unknown }).headers === 'object' && (value as { headers?: unknown }).headers !== null;
}

function graphQLContext(context: ArgumentsHost): GraphQLContextLike | undefined {
  // What GqlExecutionContext reads: resolvers get (root, args, context, info).
  const value: unknown = context.getArgByIndex(2);
  return typeof value === 'object' && value !== null ? value : undefined;
}

function graphQLRequest(context: ArgumentsHost): HttpRequestLike {
  const gql = graphQLContext(context);
  const request = gql?.req ?? gql?.request ?? gql?.reply?.request;
  if (isRequestLike(request)) return request;
  throw new CharonUsageError(
    'nestjs-charon: the GraphQL context holds no HTTP request (looked for context.req, context.request and context.reply.request); if your context factory replaces the context, keep `req` in it',
  );
}

function unsupported(type: string): CharonUsageError {
  return new CharonUsageError(
    `nestjs-charon guards, decorators and filters work in http, graphql and ws contexts; this is "${type}" (e.g. a microservice handler): authenticate its transport another way, and mark it @Public() under the global guard`,
  );
}

/**
 * The request nestjs-charon reads in any context: the HTTP request (Express or Fastify) for `http`; for `graphql` the
 * HTTP request the GraphQL context carries; for `ws` the connection's current request (see
 * {@link currentWebSocketRequest}). Throws for other contexts (`rpc`).
 * @internal
 */
export function requestOf(context: ArgumentsHost): HttpRequestLike {
  const type = context.getType<string>();
  // An HTTP context's arguments are (request, response, next); switchToHttp() would assign three new closures to the
  // context on every call, and this runs in every guard and parameter decorator.
  if (type === 'http') return context.getArgByIndex<HttpRequestLike>(0);
  if (type === 'graphql') return graphQLRequest(context);
  if (type === 'ws') return currentWebSocketRequest(context.switchToWs().getClient<unknown>());
  throw unsupported(type);
}

/**
 * The response cookies and headers go to: the HTTP response for `http`; for `graphql` the context's `res` or
 * `reply`, else the Express request's `res`; undefined when there is none (WebSockets, Apollo on Fastify without
 * the reply in its context).
 */
export function responseOf(context: ArgumentsHost): unknown {
  const type = context.getType<string>();
  if (type === 'http') return context.getArgByIndex<unknown>(1);
  if (type !== 'graphql') return undefined;
  const gql = graphQLContext(context);
  return gql?.res ?? gql?.reply ?? (gql?.req as { res?: unknown } | undefined)?.res;
}

/**
 * The request a guard verifies outside HTTP: the GraphQL context's HTTP request, or a new one for each WebSocket
 * message (then {@link acceptedRequest} makes it the connection's current one).
 * @internal
 */
export function guardedRequest(context: ArgumentsHost): HttpRequestLike {
  return context.getType<string>() === 'ws' ? webSocketMessageRequest(context.switchToWs().getClient<unknown>()) : requestOf(context);
}

/** Tells the context that a guard let `request` through. */
export function acceptedRequest(context: ArgumentsHost, request: HttpRequestLike): void {
  if (context.getType<string>() === 'ws') setCurrentWebSocketRequest(context.switchToWs().getClient<object>(), request);
}

function isArgumentsHost(value: ArgumentsHost | HttpRequestLike): value is ArgumentsHost {
  return typeof (value as Partial<ArgumentsHost>).getType === 'function' && typeof (value as Partial<ArgumentsHost>).getArgByIndex === 'function';
}

/**
 * The authentication state nestjs-charon's guards left for a request, from an `ExecutionContext` or `ArgumentsHost`
 * of any supported context (`http`, `graphql`, `ws`) or from the request itself; undefined when no guard ran.
 *
 * ```ts
 * const state = getAuthState(context);
 * if (state?.payload) console.log(`user ${state.payload.sub}, session ${state.payload.sid}`);
 * ```
 * `payload` is the verified token's payload, absent when an `@OptionalAuth()` route was called without a token;
 * `session` is set when a guard loaded it. On a WebSocket it is the state of the connection's last message a guard
 * let through.
 */
export function getAuthState(contextOrRequest: ArgumentsHost | HttpRequestLike): Readonly<CharonRequestState> | undefined {
  return peekRequestState(isArgumentsHost(contextOrRequest) ? requestOf(contextOrRequest) : contextOrRequest);
}
