import { HttpException } from '@nestjs/common';
import { AuthenticationError } from '../../../src/errors/authentication.error';
import { CharonConfigError } from '../../../src/errors/charon-config.error';
import { CharonError } from '../../../src/errors/charon.error';
import { InsecureTokenTransportError } from '../../../src/errors/insecure-token-transport.error';
import { SessionConflictError } from '../../../src/errors/session-conflict.error';
import { SessionStorageError } from '../../../src/errors/session-storage.error';
import { UnsupportedTokenTransportError } from '../../../src/errors/unsupported-token-transport.error';

interface Expectation {
  error: CharonError;
  name: string;
  code: string;
  status: number;
  message: string;
  body: { statusCode: number; message: string; error: string };
}

const storageCause = new Error('connect ECONNREFUSED 10.0.0.7:6379');

const cases: Expectation[] = [
  {
    error: new AuthenticationError('bearer token expired'),
    name: 'AuthenticationError',
    code: 'ERR_CHARON_AUTHENTICATION',
    status: 401,
    message: 'bearer token expired',
    body: { statusCode: 401, message: 'bearer token expired', error: 'Unauthorized' },
  },
  {
    error: new SessionConflictError(),
    name: 'SessionConflictError',
    code: 'ERR_CHARON_SESSION_CONFLICT',
    status: 409,
    message: 'session was changed concurrently; retry with the newest tokens',
    body: { statusCode: 409, message: 'session was changed concurrently; retry with the newest tokens', error: 'Conflict' },
  },
  {
    error: new SessionStorageError('redis upsert failed: connect ECONNREFUSED 10.0.0.7:6379', { cause: storageCause }),
    name: 'SessionStorageError',
    code: 'ERR_CHARON_SESSION_STORAGE',
    status: 500,
    message: 'redis upsert failed: connect ECONNREFUSED 10.0.0.7:6379',
    body: { statusCode: 500, message: 'Internal Server Error', error: 'Internal Server Error' },
  },
  {
    error: new InsecureTokenTransportError(),
    name: 'InsecureTokenTransportError',
    code: 'ERR_CHARON_INSECURE_TOKEN_TRANSPORT',
    status: 400,
    message: 'bearer tokens are not allowed for browser clients; use tokenTransport cookie or cookie_only',
    body: {
      statusCode: 400,
      message: 'bearer tokens are not allowed for browser clients; use tokenTransport cookie or cookie_only',
      error: 'Bad Request',
    },
  },
  {
    error: new UnsupportedTokenTransportError(),
    name: 'UnsupportedTokenTransportError',
    code: 'ERR_CHARON_UNSUPPORTED_TOKEN_TRANSPORT',
    status: 400,
    message: 'tokenTransport must be one of: bearer, cookie, cookie_only',
    body: { statusCode: 400, message: 'tokenTransport must be one of: bearer, cookie, cookie_only', error: 'Bad Request' },
  },
  {
    error: new CharonConfigError(['tokenIssuer should not be empty', 'genId must be a function']),
    name: 'CharonConfigError',
    code: 'ERR_CHARON_CONFIG',
    status: 500,
    message: 'Invalid nestjs-charon configuration:\n  - tokenIssuer should not be empty\n  - genId must be a function',
    body: { statusCode: 500, message: 'Internal Server Error', error: 'Internal Server Error' },
  },
];

describe('nestjs-charon errors', () => {
  describe.each(cases.map((c) => [c.name, c] as const))('%s', (_name, expected) => {
    const { error } = expected;

    it('is a CharonError, an HttpException and an Error', () => {
      expect(error).toBeInstanceOf(CharonError);
      expect(error).toBeInstanceOf(HttpException);
      expect(error).toBeInstanceOf(Error);
    });

    it('carries its stable code and class name', () => {
      expect(error.code).toBe(expected.code);
      expect(error.name).toBe(expected.name);
    });

    it('answers with its status through getStatus() and httpStatus', () => {
      expect(error.getStatus()).toBe(expected.status);
      expect(error.httpStatus).toBe(expected.status);
    });

    it("keeps the full message for logs and answers with Nest's error body", () => {
      expect(error.message).toBe(expected.message);
      expect(error.getResponse()).toEqual(expected.body);
    });
  });

  it('gives every error a distinct code', () => {
    expect(new Set(cases.map((c) => c.code)).size).toBe(cases.length);
  });

  describe('AuthenticationError', () => {
    it('keeps its reason as a field and as the 401 message', () => {
      const error = new AuthenticationError('bearer token claim role invalid');
      expect(error.reason).toBe('bearer token claim role invalid');
      expect(error.getResponse()).toEqual({ statusCode: 401, message: 'bearer token claim role invalid', error: 'Unauthorized' });
    });
  });

  describe('SessionConflictError', () => {
    it('sends a custom message to the client', () => {
      const error = new SessionConflictError('session was deleted');
      expect(error.message).toBe('session was deleted');
      expect(error.getResponse()).toEqual({ statusCode: 409, message: 'session was deleted', error: 'Conflict' });
    });
  });

  describe('SessionStorageError', () => {
    it('keeps the cause for logs and out of the body', () => {
      const error = cases.find((c) => c.name === 'SessionStorageError')!.error;
      expect(error.cause).toBe(storageCause);
      const body = JSON.stringify(error.getResponse());
      expect(body).not.toContain('ECONNREFUSED');
      expect(body).not.toContain('redis');
    });

    it('has no cause when none is given', () => {
      expect(new SessionStorageError('timeout').cause).toBeUndefined();
    });
  });

  describe('CharonConfigError', () => {
    it('lists its problems as given', () => {
      const problems = ['a', 'b'];
      expect(new CharonConfigError(problems).problems).toEqual(['a', 'b']);
    });

    it('never puts its problems in the response body', () => {
      const error = new CharonConfigError(['baseSecret must be at least 32 bytes (got 5)']);
      expect(JSON.stringify(error.getResponse())).not.toContain('baseSecret');
    });
  });
});
