import { STATUS_CODES } from 'node:http';
import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { HttpError } from 'http-errors';

/**
 * Body-parser rejects oversized or malformed bodies with http-errors, which Nest would answer without the
 * `error` field (and log as a server error). This answers client errors in Nest's full
 * `{statusCode, message, error}` shape.
 */
@Catch(HttpError)
export class BodyParserErrorFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: HttpError, host: ArgumentsHost): void {
    const status = error.status >= 400 && error.status < 500 ? error.status : 500;
    const message = status < 500 && error.expose ? error.message : 'Internal Server Error';
    const body = { statusCode: status, message, error: STATUS_CODES[status] ?? 'Error' };
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), body, status);
  }
}
