import type { ArgumentsHost } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { AuthenticationError } from '../../../src/errors/authentication.error';
import { CharonExceptionFilter } from '../../../src/errors/charon-exception.filter';
import { SessionStorageError } from '../../../src/errors/session-storage.error';

function setup(type: 'http' | 'rpc' | 'ws') {
  const response = { marker: 'response' };
  const reply = jest.fn();
  const adapterHost = { httpAdapter: { reply } } as unknown as HttpAdapterHost;
  const host = {
    getType: () => type,
    switchToHttp: () => ({ getResponse: () => response, getRequest: () => ({}), getNext: () => undefined }),
  } as unknown as ArgumentsHost;
  return { filter: new CharonExceptionFilter(adapterHost), host, reply, response };
}

describe('CharonExceptionFilter', () => {
  it("replies on HTTP with the error's body and status", () => {
    const { filter, host, reply, response } = setup('http');
    filter.catch(new AuthenticationError('token stale'), host);
    expect(reply).toHaveBeenCalledTimes(1);
    expect(reply).toHaveBeenCalledWith(response, { statusCode: 401, message: 'token stale', error: 'Unauthorized' }, 401);
  });

  it('replies to a storage failure with a bare 500, not its details', () => {
    const { filter, host, reply, response } = setup('http');
    filter.catch(new SessionStorageError('redis get failed: READONLY'), host);
    expect(reply).toHaveBeenCalledWith(response, { statusCode: 500, message: 'Internal Server Error', error: 'Internal Server Error' }, 500);
  });

  // ws and graphql: test/unit/errors/charon-exception-filter-contexts.spec.ts
  it.each(['rpc'] as const)('rethrows outside HTTP (%s), where it has no response to write', (type) => {
    const { filter, host, reply } = setup(type);
    const error = new AuthenticationError('session not found');
    expect(() => filter.catch(error, host)).toThrow(error);
    expect(reply).not.toHaveBeenCalled();
  });
});
