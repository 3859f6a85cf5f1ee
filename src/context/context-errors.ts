import { STATUS_CODES } from 'node:http';
import { IntrinsicException } from '@nestjs/common';
import { CharonError } from '../errors/charon.error';

/** What a client of any context learns of a {@link CharonError}. */
export interface PublicCharonError {
  /**
   * The message of the HTTP body: the reason for authentication and authorization failures (`bearer token expired`),
   * the status phrase for errors whose details are for the logs only (`Internal Server Error` for a store failure).
   */
  message: string;
  /**
   * `UNAUTHENTICATED` (401) or `FORBIDDEN` (403), the codes Apollo and Mercurius use; for other statuses the
   * status phrase in capitals: `BAD_REQUEST`, `CONFLICT`, `INTERNAL_SERVER_ERROR`, `NOT_IMPLEMENTED`.
   */
  code: string;
}

/**
 * The message and code a client may see; derived from the HTTP body, so nothing the body hides leaks here.
 * @internal
 */
export function publicError(error: CharonError): PublicCharonError {
  const status = error.getStatus();
  const code = status === 401 ? 'UNAUTHENTICATED' : (STATUS_CODES[status] ?? 'Error').toUpperCase().replace(/\W+/g, '_');
  return { message: (error.getResponse() as { message: string }).message, code };
}

/**
 * A {@link CharonError} as a GraphQL error: the public message and `extensions.code` (`UNAUTHENTICATED`,
 * `FORBIDDEN`, ...). graphql-js copies both into the response's `errors` entry for any error a resolver throws, so
 * this needs no import of `graphql` (an optional package here) and works the same under Apollo and Mercurius. It is
 * a Nest `IntrinsicException`, so Nest does not log every refused request as an error; the original error is its
 * `cause`, for the app's own logging or `formatError`.
 */
export class CharonGraphQLError extends IntrinsicException {
  readonly extensions: { code: string };

  constructor(error: CharonError) {
    const { message, code } = publicError(error);
    super(message, { cause: error });
    this.name = 'CharonGraphQLError';
    this.extensions = { code };
  }
}

/**
 * The payload of the WebSocket exception for `error`: Nest's `{ status: 'error', message }` plus the code.
 * @internal
 */
export function webSocketErrorPayload(error: CharonError): { status: 'error' } & PublicCharonError {
  return { status: 'error', ...publicError(error) };
}

/** WsExceptions made from CharonErrors; {@link CharonExceptionFilter} recognises them (their class is loaded late). */
const charonWsExceptions = new WeakSet<object>();

/**
 * Matches, in `@Catch()`, the `WsException`s nestjs-charon's guards throw. `@nestjs/websockets` is optional here, so
 * its class cannot be named where the filter is declared; `instanceof` asks this instead.
 */
export abstract class CharonWsException {
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && charonWsExceptions.has(value);
  }
}

/**
 * `error` as the context's native error: a {@link CharonGraphQLError} for `graphql`, a `WsException` with
 * {@link webSocketErrorPayload} for `ws`. Other errors, and every error in `http`, are returned as they are.
 * @internal
 */
export async function toContextError(error: unknown, contextType: string): Promise<unknown> {
  if (!(error instanceof CharonError)) return error;
  if (contextType === 'graphql') return new CharonGraphQLError(error);
  if (contextType !== 'ws') return error;
  // Loaded only here: a `ws` context means the app runs a gateway, so the package is installed.
  const { WsException } = await import('@nestjs/websockets');
  const exception = new WsException(webSocketErrorPayload(error));
  exception.cause = error;
  charonWsExceptions.add(exception);
  return exception;
}
