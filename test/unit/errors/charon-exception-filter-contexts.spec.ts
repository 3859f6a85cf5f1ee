import type { HttpAdapterHost } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { WsException } from '@nestjs/websockets';
import { CharonGraphQLError, toContextError } from '../../../src/context/context-errors';
import { AuthenticationError } from '../../../src/errors/authentication.error';
import { CharonExceptionFilter } from '../../../src/errors/charon-exception.filter';
import { SessionStorageError } from '../../../src/errors/session-storage.error';

const filter = new CharonExceptionFilter({ httpAdapter: { reply: jest.fn() } } as unknown as HttpAdapterHost);

function host(type: string, args: unknown[]): ExecutionContextHost {
  const result = new ExecutionContextHost(args);
  result.setType(type);
  return result;
}

describe('CharonExceptionFilter outside HTTP', () => {
  it('throws a GraphQL error with the public message and code', () => {
    const thrown = (() => {
      try {
        filter.catch(new SessionStorageError('redis timed out at 10.0.0.1'), host('graphql', [{}, {}, {}, {}]));
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(CharonGraphQLError);
    expect(thrown).toMatchObject({ message: 'Internal Server Error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('emits an exception event to a socket.io client', () => {
    const socket = { handshake: { headers: {} }, emit: jest.fn() };
    filter.catch(new AuthenticationError('bearer token expired'), host('ws', [socket, {}]));
    expect(socket.emit).toHaveBeenCalledWith('exception', { status: 'error', message: 'bearer token expired', code: 'UNAUTHENTICATED' });
  });

  it("sends a `ws` client an exception frame, the guards' WsExceptions included; nothing to a closed one", async () => {
    const open = { readyState: 1, send: jest.fn(), emit: jest.fn() };
    filter.catch((await toContextError(new AuthenticationError('bearer token not found'), 'ws')) as WsException, host('ws', [open, {}]));
    expect(open.send).toHaveBeenCalledWith(
      JSON.stringify({ event: 'exception', data: { status: 'error', message: 'bearer token not found', code: 'UNAUTHENTICATED' } }),
    );
    expect(open.emit).not.toHaveBeenCalled();
    const closed = { readyState: 3, send: jest.fn() };
    filter.catch(new AuthenticationError('bearer token not found'), host('ws', [closed, {}]));
    expect(closed.send).not.toHaveBeenCalled();
  });
});
