'use strict';
/**
 * Where GET /me's time goes, in one process (so that every route shares its heap, its JIT state and its noise):
 *
 * - GET /open: no guard; the answer GET /me gives.
 * - GET /noop-guard: a guard that reads the Authorization header and returns true, plus two custom parameter
 *   decorators: the floor of any Nest guard (the plain app's GET /me-noop-guard).
 * - GET /me: `@UseGuards(SessionGuard)` with `@CurrentTokenPayload()` and `@CurrentTokenTransport()`, as the
 *   charon app's GET /me.
 * - GET /me-verify-memo: the same guard, with its token factory's `verify` memoised per token text. A diagnostic
 *   only (the library keeps no such cache, see BENCHMARKS.md): /me minus this is what the signature check and
 *   payload decoding cost in place; this minus /noop-guard is everything else the guard and its decorators do.
 *
 * Env: BENCH_DIST, BENCH_SECRET, BENCH_PLATFORM. POST /auth/login (`{ username }`) hands out the bearer token.
 */
const path = require('node:path');
const { Body, Controller, Get, Injectable, Module, Post, Req, Res, UseGuards } = require('@nestjs/common');
const { NoopGuard, OPEN_BODY, noopGuardAnswer, noopGuarded } = require('./baseline-routes');
const { decorateClass, decorateMethod, serve } = require('./nest-js');

const charon = require(path.join(process.env.BENCH_DIST, 'index.js'));
const { CharonModule, CurrentTokenPayload, CurrentTokenTransport, SessionGuard, SessionService } = charon;

/** SessionGuard whose token verification is looked up by token text after the first time (diagnostic only). */
class VerifyMemoGuard extends SessionGuard {
  verifyToken(request, state, route, kind) {
    if (!this.memo) {
      const factory = this.tokenFactory;
      const results = new Map();
      this.memo = {
        verify(token) {
          let result = results.get(token);
          if (result === undefined) results.set(token, (result = factory.verify(token)));
          return result;
        },
      };
      this.tokenFactory = this.memo;
    }
    return super.verifyToken(request, state, route, kind);
  }
}
// No decorateClass: it would replace the constructor parameter types VerifyMemoGuard inherits from SessionGuard.
Reflect.decorate([Injectable()], VerifyMemoGuard);

const meBody = (token, tokenTransport) => ({ userId: token.sub, sessionId: token.sid, sessionType: token.styp, tokenTransport });

class BreakdownController {
  open() {
    return OPEN_BODY;
  }

  noopGuard(state, transport) {
    return noopGuardAnswer(state, transport);
  }

  me(token, tokenTransport) {
    return meBody(token, tokenTransport);
  }

  meVerifyMemo(token, tokenTransport) {
    return meBody(token, tokenTransport);
  }
}
decorateMethod(BreakdownController, 'open', [Get('open')]);
decorateMethod(BreakdownController, 'noopGuard', ...noopGuarded(Get('noop-guard')));
decorateMethod(BreakdownController, 'me', [Get('me'), UseGuards(SessionGuard)], [[CurrentTokenPayload()], [CurrentTokenTransport()]]);
decorateMethod(BreakdownController, 'meVerifyMemo', [Get('me-verify-memo'), UseGuards(VerifyMemoGuard)], [[CurrentTokenPayload()], [CurrentTokenTransport()]]);
decorateClass(BreakdownController, [Controller()]);

class AuthController {
  constructor(sessions) {
    this.sessions = sessions;
  }

  async login(body, request, response) {
    const userId = Number(/^user(\d{1,4})$/.exec(body?.username ?? '')?.[1] ?? NaN);
    return { tokens: (await this.sessions.create(request, { userId, tokenTransport: 'bearer', response })).tokens };
  }
}
decorateMethod(AuthController, 'login', [Post('auth/login')], [[Body()], [Req()], [Res({ passthrough: true })]]);
decorateClass(AuthController, [Controller()], [SessionService]);

class AppModule {}
decorateClass(AppModule, [
  Module({
    imports: [CharonModule.forRoot({ tokenIssuer: 'https://api.example.com', baseSecret: () => process.env.BENCH_SECRET })],
    controllers: [BreakdownController, AuthController],
    providers: [NoopGuard, VerifyMemoGuard],
  }),
]);

serve(AppModule).catch((error) => {
  console.error(error);
  process.exit(1);
});
