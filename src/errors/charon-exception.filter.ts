import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CharonGraphQLError, CharonWsException, webSocketErrorPayload } from '../context/context-errors';
import { CharonError } from './charon.error';

/** The WsException API this filter reads (its class is in the optional @nestjs/websockets). */
interface WsExceptionLike {
  getError(): unknown;
}

/** socket.io sockets carry their handshake; anything else with `send` is a `ws` WebSocket. */
function sendToClient(client: unknown, payload: unknown): void {
  const socket = client as { handshake?: unknown; emit?: (event: string, data: unknown) => void; send?: (data: string) => void; readyState?: number };
  if (socket.handshake !== undefined && typeof socket.emit === 'function') socket.emit('exception', payload);
  // The frame shape Nest's WsAdapter uses for handler results; OPEN is 1.
  else if (typeof socket.send === 'function' && socket.readyState === 1) socket.send(JSON.stringify({ event: 'exception', data: payload }));
}

/**
 * Answers nestjs-charon's errors in the shape of each context, never with more than the HTTP body would say:
 * - `http`: Nest's `{ statusCode, message, error }` with the error's status (the same answer Nest's own handler
 *   gives a `CharonError`, which is an `HttpException`);
 * - `graphql`: a {@link CharonGraphQLError} (`extensions.code` `UNAUTHENTICATED`, `FORBIDDEN`, `CONFLICT`, ...);
 * - `ws`: an `exception` event `{ status: 'error', message, code }`: emitted on socket.io, sent as the frame
 *   `{ "event": "exception", "data": ... }` on a `ws` WebSocket, where Nest sends no exceptions at all.
 *
 * `CharonModule` does not register it: guards already fail with each context's native error, and an app's own
 * catch-all filter must see every error. Apply it where handlers call `SessionService` outside HTTP (a store
 * failure in a resolver must not show its message), and to `ws` gateways so that guard failures reach the client:
 * ```ts
 * @UseFilters(CharonExceptionFilter)
 * @Resolver() export class AuthResolver { ... }
 * ```
 */
@Catch(CharonError, CharonWsException)
export class CharonExceptionFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: CharonError | WsExceptionLike, host: ArgumentsHost): void {
    const type = host.getType<string>();
    if (type === 'ws') {
      const payload = error instanceof CharonError ? webSocketErrorPayload(error) : error.getError();
      sendToClient(host.switchToWs().getClient<unknown>(), payload);
      return;
    }
    if (!(error instanceof CharonError)) throw error;
    if (type === 'graphql') throw new CharonGraphQLError(error);
    if (type !== 'http') throw error;
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), error.getResponse(), error.getStatus());
  }
}
