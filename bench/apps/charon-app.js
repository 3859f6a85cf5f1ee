'use strict';
/**
 * The nestjs-charon app: `CharonModule.forRoot` + `@UseGuards(SessionGuard)` on GET /me, exactly as a user writes
 * it (see sample/), plus POST /auth/login and POST /auth/refresh (`RefreshTokenGuard` + `SessionService.refresh`),
 * and GET /me-open: the same app's route without a guard. Its clients use the bearer transport, so the auth
 * controller has no CharonCookieInterceptor (cookie transports need it, as in sample/; see below). GET /api/whoami
 * takes a lookup-key credential (`LookupKeyGuard`), minted by POST /api-keys (`{ username }`, no authentication: a
 * benchmark shortcut); with BENCH_STORE=redis the lookup-key store shares the Redis session store's connection
 * (`redisLookupKeyStore()`).
 *
 * Env: BENCH_DIST (compiled library), BENCH_SECRET (base secret), BENCH_STORE=memory|redis, REDIS_URL,
 * BENCH_COOKIE_INTERCEPTOR=1 (the interceptor on the auth controller anyway).
 * Login checks no password: a real app's password hash (scrypt/argon2, tens of ms by design) would dominate the
 * figure and measure the hash, not the session library.
 */
const path = require('node:path');
const { Body, Controller, Get, HttpCode, Injectable, Module, Post, Req, Res, UnauthorizedException, UseGuards, UseInterceptors } = require('@nestjs/common');
const { decorateClass, decorateMethod, serve } = require('./nest-js');

const charon = require(path.join(process.env.BENCH_DIST, 'index.js'));
const { CharonModule, CurrentLookupKey, CurrentTokenPayload, CurrentTokenTransport, CurrentUserId, LookupKeyGuard, LookupKeyService } = charon;
const { RefreshTokenGuard, SessionGuard, SessionService } = charon;

/** Users `user0` .. `user9999`, ids 0..9999 (numbers, like most apps' primary keys). */
function findUser(username) {
  const match = typeof username === 'string' && /^user(\d{1,4})$/.exec(username);
  return match ? { id: Number(match[1]), username } : undefined;
}

function publicSession({ id, userId, type, createdAt, expiresAt, refreshedAt, refreshExpiresAt }) {
  return { id, userId, type, createdAt, expiresAt, refreshedAt, refreshExpiresAt };
}

const loginResponse = ({ tokens, session }) => ({ tokens, session: publicSession(session) });

class MeController {
  me(token, tokenTransport) {
    return { userId: token.sub, sessionId: token.sid, sessionType: token.styp, tokenTransport };
  }
}
decorateMethod(MeController, 'me', [Get(), UseGuards(SessionGuard)], [[CurrentTokenPayload()], [CurrentTokenTransport()]]);
decorateClass(MeController, [Controller('me')]);

/** The same handler shape without a guard, in the same app: isolates the guard's cost from the module's. */
class OpenController {
  me() {
    return { userId: 123456, sessionId: 'AAAAAAAAAAAAAAAAAAAAAA', sessionType: 'full', tokenTransport: 'bearer' };
  }
}
decorateMethod(OpenController, 'me', [Get()]);
decorateClass(OpenController, [Controller('me-open')]);

class AuthController {
  constructor(sessions) {
    this.sessions = sessions;
  }

  async login(body, request, response) {
    const user = findUser(body && body.username);
    if (!user) throw new UnauthorizedException('invalid username or password');
    return loginResponse(await this.sessions.create(request, { userId: user.id, tokenTransport: 'bearer', response }));
  }

  async refresh(request) {
    return loginResponse(await this.sessions.refresh(request));
  }
}
// The response is handed over so that the login is marked no-store on Fastify too, where no guard runs (README).
decorateMethod(AuthController, 'login', [Post('login')], [[Body()], [Req()], [Res({ passthrough: true })]]);
decorateMethod(AuthController, 'refresh', [Post('refresh'), HttpCode(200), UseGuards(RefreshTokenGuard)], [[Req()]]);
// Bearer tokens need no CharonCookieInterceptor: SessionService marks the response no-store itself (cookie
// transports need it). BENCH_COOKIE_INTERCEPTOR=1 puts it on anyway: what Nest's interceptor pipeline costs a login.
const withInterceptor = process.env.BENCH_COOKIE_INTERCEPTOR === '1';
const authDecorators = [Controller('auth'), ...(withInterceptor ? [UseInterceptors(charon.CharonCookieInterceptor)] : [])];
decorateClass(AuthController, authDecorators, [SessionService]);

class ApiKeysController {
  constructor(lookupKeys) {
    this.lookupKeys = lookupKeys;
  }

  async create(body) {
    const user = findUser(body && body.username);
    if (!user) throw new UnauthorizedException('invalid username');
    const { record, credential } = await this.lookupKeys.create(user.id);
    return { id: record.id, key: credential };
  }

  whoami(userId, key) {
    return { userId, keyId: key.recordId };
  }
}
decorateMethod(ApiKeysController, 'create', [Post('api-keys')], [[Body()]]);
decorateMethod(ApiKeysController, 'whoami', [Get('api/whoami'), UseGuards(LookupKeyGuard)], [[CurrentUserId()], [CurrentLookupKey()]]);
decorateClass(ApiKeysController, [Controller()], [LookupKeyService]);

/** `nestjs-charon/redis` (dist/redis.js); builds from before that entry point exported the store from the index. */
function redisEntryPoint() {
  const file = path.join(process.env.BENCH_DIST, 'redis.js');
  return require('node:fs').existsSync(file) ? require(file) : charon;
}

const onRedis = process.env.BENCH_STORE === 'redis';
const store = onRedis ? redisEntryPoint().redisSessionStore({ url: process.env.REDIS_URL }) : charon.memorySessionStore();
// Builds from before lookup keys have neither the option nor the routes' guard.
const lookupKeys = onRedis && redisEntryPoint().redisLookupKeyStore ? { store: redisEntryPoint().redisLookupKeyStore() } : undefined;

class AppModule {}
decorateClass(AppModule, [
  Module({
    imports: [
      CharonModule.forRoot({
        tokenIssuer: 'https://api.example.com',
        baseSecret: () => process.env.BENCH_SECRET,
        store,
        lookupKeys,
      }),
    ],
    controllers: [MeController, OpenController, AuthController, ...(LookupKeyGuard ? [ApiKeysController] : [])],
  }),
]);
void Injectable;

serve(AppModule).catch((error) => {
  console.error(error);
  process.exit(1);
});
