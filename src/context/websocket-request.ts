import type { IncomingMessage } from 'node:http';
import { CharonUsageError } from '../errors/charon-usage.error';
import type { HttpRequestLike } from '../model/http-request.model';

/** The fields of a socket.io handshake read here. */
interface SocketIoHandshake {
  headers?: unknown;
  auth?: unknown;
  secure?: unknown;
}

/** What every message of one connection shares: the handshake's headers (with the auth payload's token) and scheme. */
interface ConnectionRequest {
  headers: HttpRequestLike['headers'];
  protocol: 'http' | 'https';
}

const upgradeRequests = new WeakMap<object, ConnectionRequest>();
const socketIoRequests = new WeakMap<object, ConnectionRequest>();
/** Per connection, the request of the last message a guard let through: what decorators and `getAuthState` read. */
const currentRequests = new WeakMap<object, HttpRequestLike>();

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Remembers the HTTP upgrade request of a `ws` connection (`@nestjs/platform-ws`), whose socket does not keep it, so
 * that guards can read its Authorization header and cookies. Call it first thing in the gateway's `handleConnection`,
 * which Nest calls with that request:
 *
 * ```ts
 * handleConnection(client: WebSocket, request: IncomingMessage) {
 *   attachUpgradeRequest(client, request);
 * }
 * ```
 * socket.io connections need nothing: their handshake is on the socket.
 */
export function attachUpgradeRequest(client: object, request: IncomingMessage): void {
  const encrypted = (request.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  upgradeRequests.set(client, { headers: request.headers, protocol: encrypted ? 'https' : 'http' });
}

/**
 * A socket.io handshake as a request: its headers (Authorization, Cookie, Origin), where the auth payload's token
 * (`io(url, { auth: { token } })`) takes the Authorization header's place, since browsers cannot set headers on a
 * WebSocket. Computed once per connection.
 */
function socketIoRequest(socket: object, handshake: SocketIoHandshake): ConnectionRequest {
  let request = socketIoRequests.get(socket);
  if (request === undefined) {
    const headers = (isObject(handshake.headers) ? handshake.headers : {}) as HttpRequestLike['headers'];
    const token = isObject(handshake.auth) ? handshake.auth.token : undefined;
    request = {
      headers: typeof token === 'string' && token !== '' ? { ...headers, authorization: /^bearer[ :]/i.test(token) ? token : `Bearer ${token}` } : headers,
      protocol: handshake.secure === true ? 'https' : 'http',
    };
    socketIoRequests.set(socket, request);
  }
  return request;
}

function connectionRequest(client: unknown): ConnectionRequest {
  if (isObject(client)) {
    if (isObject(client.handshake)) return socketIoRequest(client, client.handshake);
    const upgrade = upgradeRequests.get(client);
    if (upgrade !== undefined) return upgrade;
  }
  throw new CharonUsageError(
    'nestjs-charon: this WebSocket connection has no handshake to read tokens from; with @nestjs/platform-ws, call attachUpgradeRequest(client, request) in the gateway\'s handleConnection(client, request)',
  );
}

/**
 * A new request for one message: the connection's headers, and no method, so that a cookie-authenticated message
 * counts as state-changing for the cross-site check (a page on another site can open a WebSocket to this one and
 * the browser attaches the cookies; the handshake's `Origin` and `Sec-Fetch-Site` tell).
 * @internal
 */
export function webSocketMessageRequest(client: unknown): HttpRequestLike {
  const { headers, protocol } = connectionRequest(client);
  return { headers, protocol };
}

/** Records the request of a message a guard let through as the connection's current one. */
export function setCurrentWebSocketRequest(client: object, request: HttpRequestLike): void {
  currentRequests.set(client, request);
}

/**
 * The connection's current request: the last message a guard let through, else a new one. A connection's token is
 * fixed at its handshake, so every message of it carries the same user.
 * @internal
 */
export function currentWebSocketRequest(client: unknown): HttpRequestLike {
  return (isObject(client) ? currentRequests.get(client) : undefined) ?? webSocketMessageRequest(client);
}
