'use strict';
/**
 * The baseline: the same GET /me route and response shape in a plain Nest app with no authentication at all
 * (no CharonModule, no guard). Clients still send the same Authorization header.
 *
 * GET /me-noop-guard is the floor of any Nest guard: a guard that only reads the Authorization header and returns
 * true, and the same two custom parameter decorators the nestjs-charon route uses. What it costs over GET /me is
 * Nest's guard and parameter pipeline, which every guard-based library pays.
 *
 * POST /noop-post is the baseline of POST /auth/login and /auth/refresh: it takes the same requests (the login's
 * JSON body through `@Body()`, or the refresh's bearer header and no body) and answers a fixed JSON of the same
 * shape and size as the login response (973 bytes against 974), with no session work at all.
 */
const { Body, Controller, Get, Module, Post } = require('@nestjs/common');
const { NoopGuard, OPEN_BODY, noopGuardAnswer, noopGuarded } = require('./baseline-routes');
const { decorateClass, decorateMethod, serve } = require('./nest-js');

class MeController {
  me() {
    return OPEN_BODY;
  }
}
decorateMethod(MeController, 'me', [Get()]);
decorateClass(MeController, [Controller('me')]);

class NoopGuardController {
  me(state, transport) {
    return noopGuardAnswer(state, transport);
  }
}
decorateMethod(NoopGuardController, 'me', ...noopGuarded(Get()));
decorateClass(NoopGuardController, [Controller('me-noop-guard')]);

// The login response's shape with tokens of the same length (350 characters each: HS256 with a kid header).
const TOKEN = `${'A'.repeat(58)}.${'B'.repeat(247)}.${'C'.repeat(43)}`;
const LOGIN_BODY = {
  tokens: { accessToken: TOKEN, accessTokenExp: 1795901749, refreshToken: TOKEN, refreshTokenExp: 1801084849 },
  session: {
    id: 'AAAAAAAAAAAAAAAAAAAAAA',
    userId: 42,
    type: 'full',
    createdAt: 1795900849,
    expiresAt: 1827436849,
    refreshedAt: 1795900849,
    refreshExpiresAt: 1801084849,
  },
};

class NoopPostController {
  // `@Body()` is taken so that Nest runs the same parameter extraction as the login route; the answer is fixed.
  post(_body) {
    return LOGIN_BODY;
  }
}
decorateMethod(NoopPostController, 'post', [Post()], [[Body()]]);
decorateClass(NoopPostController, [Controller('noop-post')]);

class AppModule {}
decorateClass(AppModule, [Module({ controllers: [MeController, NoopGuardController, NoopPostController], providers: [NoopGuard] })]);

serve(AppModule).catch((error) => {
  console.error(error);
  process.exit(1);
});
