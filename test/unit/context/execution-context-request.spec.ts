import type { IncomingMessage } from 'node:http';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { WsException } from '@nestjs/websockets';
import { CharonGraphQLError, CharonWsException, publicError, toContextError } from '../../../src/context/context-errors';
import { getAuthState, requestOf, responseOf } from '../../../src/context/execution-context-request';
import { attachUpgradeRequest } from '../../../src/context/websocket-request';
import { AuthenticationError } from '../../../src/errors/authentication.error';
import { AuthorizationError } from '../../../src/errors/authorization.error';
import { SessionConflictError } from '../../../src/errors/session-conflict.error';
import { SessionStorageError } from '../../../src/errors/session-storage.error';
import { UnsupportedOperationError } from '../../../src/errors/unsupported-operation.error';

function context(type: string, args: unknown[]): ExecutionContextHost {
  const host = new ExecutionContextHost(args);
  host.setType(type);
  return host;
}

const request = { headers: { authorization: 'Bearer x' }, method: 'POST' };

describe('requestOf / responseOf', () => {
  it('reads the HTTP request of every GraphQL server: Apollo (req), request, Mercurius (reply.request)', () => {
    const res = {};
    expect(requestOf(context('graphql', [{}, {}, { req: request, res }, {}]))).toBe(request);
    expect(responseOf(context('graphql', [{}, {}, { req: request, res }, {}]))).toBe(res);
    expect(requestOf(context('graphql', [{}, {}, { request }, {}]))).toBe(request);
    const reply = { request };
    expect(requestOf(context('graphql', [{}, {}, { reply }, {}]))).toBe(request);
    expect(responseOf(context('graphql', [{}, {}, { reply }, {}]))).toBe(reply);
    // Express requests carry their response.
    const expressRequest = { ...request, res };
    expect(responseOf(context('graphql', [{}, {}, { req: expressRequest }, {}]))).toBe(res);
  });

  it('refuses a GraphQL context without a request, and rpc contexts, with a message saying what to do', () => {
    for (const gqlContext of [undefined, {}, { req: 'nope' }, { req: { headers: null } }]) {
      expect(() => requestOf(context('graphql', [{}, {}, gqlContext, {}]))).toThrow(/GraphQL context holds no HTTP request.*keep `req`/);
    }
    expect(() => requestOf(context('rpc', [{}, {}]))).toThrow(/this is "rpc".*@Public\(\)/);
    expect(responseOf(context('rpc', [{}, {}]))).toBeUndefined();
  });

  it('reads a ws connection from its attached upgrade request, and says what to do without one', () => {
    const client = {};
    expect(() => requestOf(context('ws', [client, {}]))).toThrow(/call attachUpgradeRequest\(client, request\) in the gateway's handleConnection/);
    attachUpgradeRequest(client, { headers: { cookie: 'a=b' }, socket: { encrypted: true } } as unknown as IncomingMessage);
    expect(requestOf(context('ws', [client, {}]))).toEqual({ headers: { cookie: 'a=b' }, protocol: 'https' });
    expect(responseOf(context('ws', [client, {}]))).toBeUndefined();
  });

  it('reads a socket.io handshake: the auth token replaces the Authorization header, other values are ignored', () => {
    const handshake = (auth: unknown) => ({ handshake: { headers: { authorization: 'Bearer header', origin: 'https://a.example' }, auth, secure: false } });
    expect(requestOf(context('ws', [handshake({ token: 'abc' }), {}])).headers).toEqual({ authorization: 'Bearer abc', origin: 'https://a.example' });
    expect(requestOf(context('ws', [handshake({ token: 'Bearer: abc' }), {}])).headers.authorization).toBe('Bearer: abc');
    for (const auth of [undefined, null, 'abc', { token: 42 }, { token: '' }]) {
      expect(requestOf(context('ws', [handshake(auth), {}])).headers.authorization).toBe('Bearer header');
    }
    expect(requestOf(context('ws', [{ handshake: { headers: 'garbage' } }, {}]))).toEqual({ headers: {}, protocol: 'http' });
  });

  it('getAuthState is undefined before any guard ran, in any context', () => {
    expect(getAuthState(context('http', [request, {}]))).toBeUndefined();
    expect(getAuthState(request)).toBeUndefined();
    expect(getAuthState(context('ws', [{ handshake: { headers: {} } }, {}]))).toBeUndefined();
  });
});

describe('context errors', () => {
  it('exposes the HTTP body message and a code, never a storage failure detail', () => {
    expect(publicError(new AuthenticationError('bearer token expired'))).toEqual({ message: 'bearer token expired', code: 'UNAUTHENTICATED' });
    expect(publicError(new AuthorizationError('cross-site request refused'))).toEqual({ message: 'cross-site request refused', code: 'FORBIDDEN' });
    expect(publicError(new SessionConflictError()).code).toBe('CONFLICT');
    expect(publicError(new UnsupportedOperationError('listUsers')).code).toBe('NOT_IMPLEMENTED');
    expect(publicError(new SessionStorageError('redis at 10.0.0.1 timed out'))).toEqual({ message: 'Internal Server Error', code: 'INTERNAL_SERVER_ERROR' });
  });

  it('converts CharonErrors to GraphQL errors and WsExceptions; leaves other errors and HTTP alone', async () => {
    const error = new AuthenticationError('bearer token not found');
    const graphql = (await toContextError(error, 'graphql')) as CharonGraphQLError;
    expect(graphql).toBeInstanceOf(CharonGraphQLError);
    expect({ message: graphql.message, extensions: graphql.extensions, cause: graphql.cause }).toEqual({
      message: 'bearer token not found',
      extensions: { code: 'UNAUTHENTICATED' },
      cause: error,
    });
    const ws = await toContextError(error, 'ws');
    expect(ws).toBeInstanceOf(WsException);
    expect(ws).toBeInstanceOf(CharonWsException);
    expect((ws as WsException).getError()).toEqual({ status: 'error', message: 'bearer token not found', code: 'UNAUTHENTICATED' });
    expect(new WsException('another')).not.toBeInstanceOf(CharonWsException);
    expect(await toContextError(error, 'http')).toBe(error);
    const other = new TypeError('not ours');
    expect(await toContextError(other, 'graphql')).toBe(other);
  });
});
