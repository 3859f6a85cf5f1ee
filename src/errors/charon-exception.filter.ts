import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CharonError } from './charon.error';

/**
 * Answers every {@link CharonError} in Nest's error shape `{ statusCode, message, error }`: 401 with the
 * authentication reason, 409 for lock conflicts, 400 for refused transports, 500 `Internal Server Error` for
 * store failures (whose details `SessionService` has logged). Registered app-wide by `CharonModule`; since
 * each `CharonError` is an `HttpException` with that body, apps with their own catch-all filter get the same answer.
 */
@Catch(CharonError)
export class CharonExceptionFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: CharonError, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), error.getResponse(), error.getStatus());
  }
}
