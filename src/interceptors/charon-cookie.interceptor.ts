import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { tap, type Observable } from 'rxjs';
import { Clock } from '../clock/clock';
import { requestOf, responseOf } from '../context/execution-context-request';
import { requestState } from '../internal/http-request';
import { NO_STORE_HEADERS } from '../internal/http-response';

/**
 * Writes the token cookies that `SessionService` leaves on the request (login and refresh with the `cookie` and
 * `cookie_only` transports, and the clearing cookies of a logout) to the response, through the platform's HTTP
 * adapter (Express or Fastify), once the handler has succeeded, and marks every response that carries tokens
 * `Cache-Control: no-store`. Controllers never touch the response.
 *
 * Apply it to the controller (or routes) that create, refresh or delete sessions:
 * ```ts
 * @Controller('auth')
 * @UseInterceptors(CharonCookieInterceptor)
 * export class AuthController { ... }
 * ```
 * It is opt-in, like Nest's `CacheInterceptor`, because a global interceptor would put Nest's interceptor
 * pipeline on every route of the app. Forgetting it where cookies are needed fails loudly: `SessionService`
 * throws an error naming this interceptor. Handlers that write the response themselves (`@Res()` without
 * `passthrough`) bypass it.
 *
 * It works on GraphQL resolvers too (login or refresh mutations), writing to the HTTP response of the GraphQL
 * context (`res`, or `reply` under Mercurius; Express requests carry theirs). Where there is no response (a
 * WebSocket, Apollo on Fastify without the reply in its context) it does nothing, so a cookie login fails loudly
 * there too.
 */
@Injectable()
export class CharonCookieInterceptor implements NestInterceptor {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly clock: Clock,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const response = responseOf(context);
    if (response === undefined) return next.handle();
    const state = requestState(requestOf(context), this.clock);
    state.cookieInterceptorAttached = true;
    return next.handle().pipe(
      tap(() => {
        if (!state.carriesTokens) return;
        const adapter = this.adapterHost.httpAdapter;
        for (const [name, value] of NO_STORE_HEADERS) adapter.setHeader(response, name, value);
        for (const cookie of state.responseCookies ?? []) adapter.appendHeader(response, 'Set-Cookie', cookie);
      }),
    );
  }
}
