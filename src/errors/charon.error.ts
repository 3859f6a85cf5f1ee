import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';

/** Stable codes of every error nestjs-charon throws; assert on these, not on messages. */
export type CharonErrorCode =
  | 'ERR_CHARON_AUTHENTICATION'
  | 'ERR_CHARON_AUTHORIZATION'
  | 'ERR_CHARON_INVALID_SESSION'
  | 'ERR_CHARON_UNSUPPORTED_OPERATION'
  | 'ERR_CHARON_USAGE'
  | 'ERR_CHARON_SESSION_CONFLICT'
  | 'ERR_CHARON_SESSION_STORAGE'
  | 'ERR_CHARON_INSECURE_TOKEN_TRANSPORT'
  | 'ERR_CHARON_UNSUPPORTED_TOKEN_TRANSPORT'
  | 'ERR_CHARON_CONFIG';

/** Options of {@link CharonError}. */
export interface CharonErrorOptions {
  /** The underlying error; logged by whoever logs, never sent to clients. */
  cause?: unknown;
  /** Whether `message` may be sent to the client; otherwise the body says only the status phrase. Default true. */
  exposeMessage?: boolean;
}

/**
 * Base class of nestjs-charon's errors. Each carries a stable `code` and the HTTP status to answer with.
 *
 * It is an `HttpException` whose response is already Nest's error body `{ statusCode, message, error }`, so
 * {@link CharonExceptionFilter}, Nest's default handler and any filter built on `BaseExceptionFilter` all answer
 * it the same way. Errors that must not reach clients (storage failures) keep their details in `message` and
 * `cause` and put only the status phrase in the body.
 */
export abstract class CharonError extends HttpException {
  abstract readonly code: CharonErrorCode;

  constructor(message: string, status: number, options: CharonErrorOptions = {}) {
    const phrase = STATUS_CODES[status] ?? 'Error';
    super({ statusCode: status, message: options.exposeMessage === false ? phrase : message, error: phrase }, status, {
      cause: options.cause,
    });
    this.message = message;
    this.name = new.target.name;
  }

  /** The HTTP status this error answers with. */
  get httpStatus(): number {
    return this.getStatus();
  }
}
