import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { tap, type Observable } from 'rxjs';
import { peekRequestState, type HttpRequestLike } from '../internal/http-request';

/**
 * Writes the token cookies that `SessionService` left on the request to the response, through the platform's
 * HTTP adapter (Express or Fastify), once the handler has succeeded. Registered app-wide by `CharonModule`.
 * Handlers that write the response themselves (`@Res()` without `passthrough`) bypass it.
 */
@Injectable()
export class CharonCookieInterceptor implements NestInterceptor {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    return next.handle().pipe(
      tap(() => {
        const cookies = peekRequestState(http.getRequest<HttpRequestLike>())?.responseCookies;
        if (cookies === undefined) return;
        const response = http.getResponse<unknown>();
        for (const cookie of cookies) this.adapterHost.httpAdapter.appendHeader(response, 'Set-Cookie', cookie);
      }),
    );
  }
}
