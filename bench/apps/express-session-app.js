'use strict';
/**
 * What apps that want opaque, instantly revocable sessions run today: express-session with connect-redis, set up
 * as connect-redis documents it (node-redis client, `resave: false`, `saveUninitialized: false`), in a Nest app with
 * a guard that requires a logged-in session on GET /whoami and GET /me (the latter answers the shape of
 * nestjs-charon's GET /me). Each request with a session cookie costs a GET, and (unless BENCH_SESSION_NO_TOUCH=1
 * sets `disableTouch`) an EXPIRE: express-session "touches" unchanged sessions. POST /login without a cookie
 * creates a new session (a SET).
 *
 * With BENCH_PLATFORM=fastify the same app runs on Fastify with Fastify's own session plugin instead:
 * @fastify/session + @fastify/cookie, with the same connect-redis store (it accepts express-session stores) and
 * `saveUninitialized: false`. Its default `rolling: true` re-saves the session (a SET) on every authenticated
 * request, its counterpart of express-session's touch.
 *
 * Env: REDIS_URL, BENCH_SECRET (cookie signing secret), BENCH_SESSION_NO_TOUCH=1 (Express only), BENCH_PLATFORM.
 */
const { Body, Controller, Get, Injectable, Module, Post, Req, UnauthorizedException, UseGuards } = require('@nestjs/common');
const { RedisStore } = require('connect-redis');
const { createClient } = require('redis');
const { decorateClass, decorateMethod, platform, serve } = require('./nest-js');

class SessionRequiredGuard {
  canActivate(context) {
    if (context.switchToHttp().getRequest().session.userId === undefined) throw new UnauthorizedException();
    return true;
  }
}
decorateClass(SessionRequiredGuard, [Injectable()]);

/** express-session's id, or @fastify/session's. */
const sessionId = (request) => request.sessionID ?? request.session.sessionId;

class SessionController {
  /** Starts a session for `user<n>` (no password: the benchmark measures the session, not a hash). */
  login(body, request) {
    const match = /^user(\d{1,4})$/.exec(body && body.username);
    if (!match) throw new UnauthorizedException();
    request.session.userId = Number(match[1]);
    return { ok: true };
  }

  whoami(request) {
    return { userId: request.session.userId, sessionId: sessionId(request) };
  }

  me(request) {
    return { userId: request.session.userId, sessionId: sessionId(request), sessionType: 'full', tokenTransport: 'cookie' };
  }
}
decorateMethod(SessionController, 'login', [Post('login')], [[Body()], [Req()]]);
decorateMethod(SessionController, 'whoami', [Get('whoami'), UseGuards(SessionRequiredGuard)], [[Req()]]);
decorateMethod(SessionController, 'me', [Get('me'), UseGuards(SessionRequiredGuard)], [[Req()]]);
decorateClass(SessionController, [Controller()]);

class AppModule {}
decorateClass(AppModule, [Module({ controllers: [SessionController], providers: [SessionRequiredGuard] })]);

const client = createClient({ url: process.env.REDIS_URL });
const maxAge = 30 * 24 * 3600 * 1000;

async function configure(app) {
  if (platform === 'fastify') {
    await app.register(require('@fastify/cookie'));
    await app.register(require('@fastify/session'), {
      store: new RedisStore({ client }),
      saveUninitialized: false,
      secret: process.env.BENCH_SECRET,
      cookie: { httpOnly: true, sameSite: 'strict', secure: false, maxAge },
    });
    return;
  }
  app.use(
    require('express-session')({
      store: new RedisStore({ client, disableTouch: process.env.BENCH_SESSION_NO_TOUCH === '1' }),
      resave: false,
      saveUninitialized: false,
      secret: process.env.BENCH_SECRET,
      cookie: { httpOnly: true, sameSite: 'strict', maxAge },
    }),
  );
}

client
  .connect()
  .then(() => serve(AppModule, { configure }))
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
