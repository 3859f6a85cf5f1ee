'use strict';
/**
 * What apps that want opaque, instantly revocable sessions run today: express-session with connect-redis, set up
 * as connect-redis documents it (node-redis client, `resave: false`, `saveUninitialized: false`), in a Nest app with
 * a guard that requires a logged-in session on GET /whoami. Each request with a session cookie costs a GET, and
 * (unless BENCH_SESSION_NO_TOUCH=1 sets `disableTouch`) an EXPIRE: express-session "touches" unchanged sessions.
 *
 * Env: REDIS_URL, BENCH_SECRET (cookie signing secret), BENCH_SESSION_NO_TOUCH=1.
 */
const { Body, Controller, Get, Injectable, Module, Post, Req, UnauthorizedException, UseGuards } = require('@nestjs/common');
const session = require('express-session');
const { RedisStore } = require('connect-redis');
const { createClient } = require('redis');
const { decorateClass, decorateMethod, serve } = require('./nest-js');

class SessionRequiredGuard {
  canActivate(context) {
    if (context.switchToHttp().getRequest().session.userId === undefined) throw new UnauthorizedException();
    return true;
  }
}
decorateClass(SessionRequiredGuard, [Injectable()]);

class SessionController {
  /** Starts a session for `user<n>` (no password: the benchmark measures the session, not a hash). */
  login(body, request) {
    const match = /^user(\d{1,4})$/.exec(body && body.username);
    if (!match) throw new UnauthorizedException();
    request.session.userId = Number(match[1]);
    return { ok: true };
  }

  whoami(request) {
    return { userId: request.session.userId, sessionId: request.sessionID };
  }
}
decorateMethod(SessionController, 'login', [Post('login')], [[Body()], [Req()]]);
decorateMethod(SessionController, 'whoami', [Get('whoami'), UseGuards(SessionRequiredGuard)], [[Req()]]);
decorateClass(SessionController, [Controller()]);

class AppModule {}
decorateClass(AppModule, [Module({ controllers: [SessionController], providers: [SessionRequiredGuard] })]);

const client = createClient({ url: process.env.REDIS_URL });
client
  .connect()
  .then(() =>
    serve(AppModule, {
      configure(app) {
        app.use(
          session({
            store: new RedisStore({ client, disableTouch: process.env.BENCH_SESSION_NO_TOUCH === '1' }),
            resave: false,
            saveUninitialized: false,
            secret: process.env.BENCH_SECRET,
            cookie: { httpOnly: true, sameSite: 'strict', maxAge: 30 * 24 * 3600 * 1000 },
          }),
        );
      },
    }),
  )
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
