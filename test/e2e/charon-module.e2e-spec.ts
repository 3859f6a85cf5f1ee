import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Controller, Delete, Get, HttpCode, Injectable, Module, Post, Req, UseGuards, UseInterceptors, type INestApplication } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test, type TestingModule, type TestingModuleBuilder } from '@nestjs/testing';
import request from 'supertest';
import {
  CharonCookieInterceptor,
  CHARON_CHANNELS,
  CharonConfigError,
  CharonModule,
  Clock,
  CurrentSession,
  CurrentTokenPayload,
  CurrentUserId,
  LoadSession,
  MemorySessionStore,
  RefreshTokenGuard,
  RequireClaims,
  SESSION_STORE,
  SessionGuard,
  SessionService,
  SessionStore,
  type CharonModuleOptions,
  type HttpRequestLike,
  type Session,
  type UserId,
} from 'nestjs-charon';
import { createTestSession, FixedClock } from 'nestjs-charon/testing';

const SECRET = 'a-test-secret-that-is-long-enough-for-hkdf!';
const BASE: CharonModuleOptions = { tokenIssuer: 'test', baseSecret: SECRET };

@Controller()
@UseInterceptors(CharonCookieInterceptor)
class ProtectedController {
  constructor(private readonly sessions: SessionService) {}

  @Get('plain')
  @UseGuards(SessionGuard)
  plain(@CurrentUserId() userId: UserId, @CurrentSession() session: Session | undefined) {
    return { userId, sessionLoaded: session !== undefined };
  }

  @Get('loaded')
  @UseGuards(SessionGuard)
  @LoadSession()
  loaded(@CurrentSession() session: Session, @CurrentTokenPayload('sid') sid: string) {
    return { sessionId: session.id, sid, extraPayload: session.extraPayload };
  }

  @Get('admin')
  @UseGuards(SessionGuard)
  @RequireClaims({ role: 'admin', scopes: { contains: ['users:write'] }, tier: { in: ['gold', 'silver'] } })
  admin() {
    return { ok: true };
  }

  @Post('refresh')
  @HttpCode(200)
  @UseGuards(RefreshTokenGuard)
  async refresh(@Req() request: HttpRequestLike) {
    const { session } = await this.sessions.refresh(request, { extraPayload: { refreshed: true } });
    return { lockVersion: session.lockVersion };
  }

  @Post('login/:transport')
  async login(@Req() request: HttpRequestLike & { params: { transport: 'bearer' | 'cookie' | 'cookie_only' } }) {
    const { tokens } = await this.sessions.create(request, { userId: 1, tokenTransport: request.params.transport });
    return tokens;
  }

  @Delete('logout')
  @HttpCode(204)
  @UseGuards(SessionGuard)
  async logout(@Req() request: HttpRequestLike) {
    await this.sessions.deleteCurrent(request);
  }

  @Delete('others')
  @HttpCode(204)
  @UseGuards(SessionGuard)
  async others(@Req() request: HttpRequestLike) {
    await this.sessions.deleteAllExceptCurrent(request);
  }
}

/** Routes without CharonCookieInterceptor: fine for bearer clients, a loud error where cookies are needed. */
@Controller('no-interceptor')
class NoInterceptorController {
  constructor(private readonly sessions: SessionService) {}

  @Post('login/:transport')
  async login(@Req() request: HttpRequestLike & { params: { transport: 'bearer' | 'cookie' } }) {
    return (await this.sessions.create(request, { userId: 1, tokenTransport: request.params.transport })).tokens;
  }

  @Delete('logout')
  @HttpCode(204)
  @UseGuards(SessionGuard)
  async logout(@Req() request: HttpRequestLike) {
    await this.sessions.deleteCurrent(request);
  }
}

@Module({ controllers: [ProtectedController, NoInterceptorController] })
class FeatureModule {}

type Platform = 'express' | 'fastify';
let platform: Platform = 'express';

/** An initialised app on the platform under test, ready for supertest. */
async function createApp(moduleRef: TestingModule): Promise<INestApplication> {
  const app =
    platform === 'fastify'
      ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false })
      : moduleRef.createNestApplication({ logger: false });
  await app.init();
  if (platform === 'fastify') await app.getHttpAdapter().getInstance().ready();
  return app;
}

async function start(options: CharonModuleOptions, customize: (builder: TestingModuleBuilder) => TestingModuleBuilder = (b) => b) {
  const clock = new FixedClock();
  const moduleRef = await customize(
    Test.createTestingModule({ imports: [CharonModule.forRoot({ ...options, isGlobal: true }), FeatureModule] }).overrideProvider(Clock).useValue(clock),
  ).compile();
  return { app: await createApp(moduleRef), clock };
}

describe.each<Platform>(['express', 'fastify'])('CharonModule on %s', (platformUnderTest) => {
  let app: INestApplication | undefined;
  beforeAll(() => {
    platform = platformUnderTest;
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  describe('configuration', () => {
    it('stops the app with one error listing every problem', async () => {
      const bad = {
        tokenIssuer: '',
        baseSecret: 'short',
        accessTokenTtl: -1,
        sessionTtl: 'forever',
        refreshCycle: 1.5,
        accessCookieName: 'bad name;',
        refreshCookieOptions: { sameSite: 'None', secure: false },
        enforceBrowserCookies: 'yes',
      } as unknown as CharonModuleOptions;
      const error = await Test.createTestingModule({ imports: [CharonModule.forRoot(bad)] })
        .compile()
        .then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(CharonConfigError);
      const { problems, message, code } = error as CharonConfigError;
      expect(code).toBe('ERR_CHARON_CONFIG');
      const expected = ['tokenIssuer', 'baseSecret must be at least 32 bytes', 'accessTokenTtl', 'sessionTtl', 'refreshCycle', 'accessCookieName', 'sameSite "None" requires secure', 'enforceBrowserCookies'];
      for (const fragment of expected) expect(problems.some((p) => p.includes(fragment))).toBe(true);
      expect(message).not.toContain('short'); // the secret itself never appears
    });

    it('rejects an invalid JWT keyset at startup', async () => {
      const options = { ...BASE, jwt: { keyset: { k1: { alg: 'HS256' as const, key: Buffer.alloc(8) } }, signingKey: 'k1' } };
      await expect(Test.createTestingModule({ imports: [CharonModule.forRoot(options)] }).compile()).rejects.toThrow(/jwt keyset kid "k1": HS256 key is 8 bytes/);
    });

    it('accepts a base secret getter and reads it once', async () => {
      const getter = jest.fn(() => SECRET);
      ({ app } = await start({ ...BASE, baseSecret: getter }));
      const alice = await createTestSession(app, { userId: 1 });
      await alice.authorize(request(app.getHttpServer()).get('/plain')).expect(200);
      expect(getter).toHaveBeenCalledTimes(1);
    });

    it('works with forRootAsync (imports, inject, useFactory)', async () => {
      @Injectable()
      class Settings {
        readonly issuer = 'async-issuer';
      }
      @Module({ providers: [Settings], exports: [Settings] })
      class SettingsModule {}
      const moduleRef = await Test.createTestingModule({
        imports: [
          CharonModule.forRootAsync({
            isGlobal: true,
            imports: [SettingsModule],
            inject: [Settings],
            useFactory: async (settings: Settings) => ({ tokenIssuer: settings.issuer, baseSecret: SECRET }),
          }),
          FeatureModule,
        ],
      }).compile();
      app = await createApp(moduleRef);
      const alice = await createTestSession(app, { userId: 'alice' });
      expect(alice.accessTokenPayload.iss).toBe('async-issuer');
      const res = await alice.authorize(request(app.getHttpServer()).get('/plain')).expect(200);
      expect(res.body).toEqual({ userId: 'alice', sessionLoaded: false });
    });
  });

  describe('stores', () => {
    it('overrideProvider(SESSION_STORE) replaces the store', async () => {
      const store = new MemorySessionStore();
      const upsert = jest.spyOn(store, 'upsert');
      ({ app } = await start(BASE, (b) => b.overrideProvider(SESSION_STORE).useValue(store)));
      expect(app.get(SessionStore)).toBe(store);
      await createTestSession(app, { userId: 1 });
      expect(upsert).toHaveBeenCalledTimes(1);
    });

    it('accepts a store class (built by Nest), an instance and a factory', async () => {
      @Injectable()
      class CustomStore extends MemorySessionStore {
        constructor(clock: Clock) {
          super({ clock });
        }
      }
      ({ app } = await start({ ...BASE, store: CustomStore }));
      expect(app.get(SessionStore)).toBeInstanceOf(CustomStore);
      await app.close();
      const instance = new MemorySessionStore();
      ({ app } = await start({ ...BASE, store: instance }));
      expect(app.get(SessionStore)).toBe(instance);
      await app.close();
      const factory = jest.fn(() => new MemorySessionStore());
      ({ app } = await start({ ...BASE, store: factory }));
      expect(factory).toHaveBeenCalledWith(expect.objectContaining({ clock: expect.any(FixedClock), deriveKey: expect.any(Function) }));
    });

    it('answers store failures with 500 without leaking details, while access-token routes keep working', async () => {
      const store = new MemorySessionStore();
      ({ app } = await start(BASE, (b) => b.overrideProvider(SESSION_STORE).useValue(store)));
      const alice = await createTestSession(app, { userId: 1 });
      jest.spyOn(store, 'get').mockRejectedValue(new Error('ECONNREFUSED 10.0.0.1:6379 password=hunter2'));
      const res = await alice.authorize(request(app.getHttpServer()).get('/loaded')).expect(500);
      expect(res.body).toEqual({ statusCode: 500, message: 'Internal Server Error', error: 'Internal Server Error' });
      expect(JSON.stringify(res.body)).not.toContain('hunter2');
      await alice.authorize(request(app.getHttpServer()).get('/plain')).expect(200);
    });
  });

  describe('guards and decorators', () => {
    it('SessionGuard does not load the session unless asked; @LoadSession gives instant revocation', async () => {
      ({ app } = await start(BASE));
      const alice = await createTestSession(app, { userId: 1, extraPayload: { theme: 'dark' } });
      const http = request(app.getHttpServer());
      expect((await alice.authorize(http.get('/plain')).expect(200)).body).toEqual({ userId: 1, sessionLoaded: false });
      expect((await alice.authorize(http.get('/loaded')).expect(200)).body).toEqual({
        sessionId: alice.session.id,
        sid: alice.session.id,
        extraPayload: { theme: 'dark' },
      });
      await app.get(SessionService).delete(alice.session.id, 1);
      await alice.authorize(http.get('/plain')).expect(200);
      const revoked = await alice.authorize(http.get('/loaded')).expect(401);
      expect(revoked.body.message).toBe('session not found');
    });

    it('loadSessionByDefault loads on every SessionGuard route', async () => {
      ({ app } = await start({ ...BASE, loadSessionByDefault: true }));
      const alice = await createTestSession(app, { userId: 1 });
      expect((await alice.authorize(request(app.getHttpServer()).get('/plain')).expect(200)).body.sessionLoaded).toBe(true);
    });

    it('checks required claims: equals, contains, in; not found vs invalid', async () => {
      ({ app } = await start(BASE));
      const http = request(app.getHttpServer());
      const claims = async (accessClaimOverrides: Record<string, unknown>) => {
        const session = await createTestSession(app!, { userId: 1, accessClaimOverrides });
        const res = await session.authorize(http.get('/admin'));
        return res.status === 200 ? 'ok' : `${res.status} ${res.body.message}`;
      };
      expect(await claims({ role: 'admin', scopes: ['users:read', 'users:write'], tier: 'gold' })).toBe('ok');
      // A valid token the route does not allow: authorization (403), with the same reason text.
      expect(await claims({ scopes: ['users:write'], tier: 'gold' })).toBe('403 bearer token claim role not found');
      expect(await claims({ role: 'user', scopes: ['users:write'], tier: 'gold' })).toBe('403 bearer token claim role invalid');
      expect(await claims({ role: 'admin', scopes: ['users:read'], tier: 'gold' })).toBe('403 bearer token claim scopes invalid');
      expect(await claims({ role: 'admin', scopes: 'users:write', tier: 'gold' })).toBe('403 bearer token claim scopes invalid');
      expect(await claims({ role: 'admin', scopes: ['users:write'], tier: 'bronze' })).toBe('403 bearer token claim tier invalid');
    });

    it('refuses tokens without sub, sid or styp, or issued in the future', async () => {
      ({ app } = await start(BASE));
      const http = request(app.getHttpServer());
      for (const missing of ['sub', 'sid', 'styp']) {
        const session = await createTestSession(app, { userId: 1, accessClaimOverrides: { [missing]: undefined } });
        expect((await session.authorize(http.get('/plain')).expect(401)).body.message).toBe('bearer token claim sub, sid or styp not found');
      }
      const clock = app.get(Clock) as FixedClock;
      const future = await createTestSession(app, { userId: 1, accessClaimOverrides: { nbf: clock.now() + 6 } });
      expect((await future.authorize(http.get('/plain')).expect(401)).body.message).toBe('bearer token not yet valid');
      const drift = await createTestSession(app, { userId: 1, accessClaimOverrides: { nbf: clock.now() + 5 } });
      await drift.authorize(http.get('/plain')).expect(200);
    });

    it('refresh keeps identity fields, replaces extraPayload and bumps lockVersion', async () => {
      let clock: FixedClock;
      ({ app, clock } = await start(BASE));
      const alice = await createTestSession(app, { userId: 1, extraPayload: { a: 1 } });
      clock.advance(30);
      const res = await alice.authorize(request(app.getHttpServer()).post('/refresh'), 'refresh', 'cookie').expect(200);
      expect(res.body).toEqual({ lockVersion: 2 });
      const stored = (await app.get(SessionService).get(alice.session.id, 1))!;
      expect(stored).toMatchObject({
        id: alice.session.id,
        userId: 1,
        type: 'full',
        createdAt: alice.session.createdAt,
        expiresAt: alice.session.expiresAt,
        refreshedAt: clock.now(),
        extraPayload: { refreshed: true },
        tokensFreshFrom: clock.now(),
        prevTokensFreshFrom: alice.session.createdAt,
        lockVersion: 2,
      });
      expect(stored.refreshTokenId).not.toBe(alice.session.refreshTokenId);
    });

    it('deleteAllExceptCurrent keeps only the current session', async () => {
      ({ app } = await start(BASE));
      const current = await createTestSession(app, { userId: 7 });
      await createTestSession(app, { userId: 7 });
      await createTestSession(app, { userId: 7 });
      const other = await createTestSession(app, { userId: 8 });
      await current.authorize(request(app.getHttpServer()).delete('/others')).expect(204);
      const sessions = app.get(SessionService);
      expect((await sessions.getAll(7)).map((s) => s.id)).toEqual([current.session.id]);
      expect(await sessions.getAll(8)).toHaveLength(1);
      expect(other.session.userId).toBe(8);
    });
  });

  describe('malformed input', () => {
    it('answers random garbage in Authorization and Cookie headers with 401, never 500', async () => {
      ({ app } = await start(BASE));
      const alice = await createTestSession(app, { userId: 1 });
      const http = request(app.getHttpServer());
      const pieces = ['Bearer ', 'Bearer:', '.', '..', '=', ';', ' ', '"', alice.accessToken, alice.accessToken.slice(0, 40), 'eyJ', '_access_token_signature=', '\u00e9', '%00', 'a'.repeat(300)];
      let seed = 42;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const garbage = () => Array.from({ length: 1 + Math.floor(random() * 6) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
      for (let i = 0; i < 150; i++) {
        const res = await http.get(i % 2 ? '/loaded' : '/plain').set('Authorization', garbage()).set('Cookie', garbage());
        expect([200, 401]).toContain(res.status);
        if (res.status === 401) expect(res.body).toEqual({ statusCode: 401, message: expect.stringMatching(/^(bearer token|session not found)/), error: 'Unauthorized' });
      }
    });
  });

  describe('cookies through the platform adapter', () => {
    it('sets both token cookies for cookie transports, reads them back, and clears them on logout', async () => {
      ({ app } = await start(BASE));
      const http = request(app.getHttpServer());
      const login = await http.post('/login/cookie').expect(201);
      const setCookie = login.headers['set-cookie'] as unknown as string[];
      expect(setCookie).toHaveLength(2);
      expect(setCookie[0]).toMatch(/^_access_token_signature=\.[\w-]+; Max-Age=900; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
      expect(setCookie[1]).toMatch(/^_refresh_token_signature=\.[\w-]+; Max-Age=5184000; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
      const cookie = setCookie.map((c) => c.split(';')[0]).join('; ');
      await http.get('/plain').set('Authorization', `Bearer ${login.body.accessToken}`).set('Cookie', cookie).expect(200);
      const logout = await http.delete('/logout').set('Authorization', `Bearer ${login.body.accessToken}`).set('Cookie', cookie).expect(204);
      expect(logout.headers['set-cookie']).toEqual([
        '_access_token_signature=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Strict',
        '_refresh_token_signature=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Strict',
      ]);
      const bearer = await http.post('/login/bearer').expect(201);
      expect(bearer.headers['set-cookie']).toBeUndefined();
      const only = await http.post('/login/cookie_only').expect(201);
      expect(only.body.accessToken).toBeNull();
      const onlyCookie = (only.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
      await http.get('/plain').set('Cookie', onlyCookie).expect(200);
    });

    it('without the interceptor: bearer works, cookie transports fail loudly instead of silently losing cookies', async () => {
      ({ app } = await start(BASE));
      const http = request(app.getHttpServer());
      const bearer = await http.post('/no-interceptor/login/bearer').expect(201);
      await http.delete('/no-interceptor/logout').set('Authorization', `Bearer ${bearer.body.accessToken}`).expect(204);
      const cookie = await http.post('/no-interceptor/login/cookie').expect(500);
      expect(cookie.headers['set-cookie']).toBeUndefined();
    });

    it('answers an unknown transport with 400', async () => {
      ({ app } = await start(BASE));
      const res = await request(app.getHttpServer()).post('/login/pigeon').expect(400);
      expect(res.body).toEqual({ statusCode: 400, message: 'tokenTransport must be one of: bearer, cookie, cookie_only', error: 'Bad Request' });
    });
  });

  describe('telemetry', () => {
    it('publishes session and token events on diagnostics channels', async () => {
      const events: [string, unknown][] = [];
      const listeners = Object.values(CHARON_CHANNELS).map((name) => {
        const listener = (message: unknown) => events.push([name, message]);
        subscribe(name, listener);
        return [name, listener] as const;
      });
      try {
        ({ app } = await start(BASE, (b) => b));
        const http = request(app.getHttpServer());
        const alice = await createTestSession(app, { userId: 1 });
        await alice.authorize(http.get('/plain')).expect(200);
        await http.get('/plain').expect(401);
        await app.get(SessionService).deleteAll(1);
        const sid = alice.session.id;
        expect(events).toEqual([
          [CHARON_CHANNELS.sessionCreate, { sessionId: sid, userId: 1, sessionType: 'full' }],
          [CHARON_CHANNELS.tokenValid, { tokenType: 'access', sessionLoaded: false, tokenTransport: 'bearer', userId: 1, sessionId: sid, sessionType: 'full' }],
          [CHARON_CHANNELS.tokenInvalid, expect.objectContaining({ tokenType: 'access', sessionLoaded: false, error: 'bearer token not found' })],
          [CHARON_CHANNELS.sessionDeleteAll, { userId: 1, sessionType: 'full' }],
        ]);
      } finally {
        for (const [name, listener] of listeners) unsubscribe(name, listener);
      }
    });

    it('publishes lock_conflict when an update loses the race', async () => {
      const conflicts: unknown[] = [];
      const listener = (message: unknown) => conflicts.push(message);
      subscribe(CHARON_CHANNELS.sessionLockConflict, listener);
      try {
        ({ app } = await start(BASE));
        const alice = await createTestSession(app, { userId: 1 });
        const store = app.get(SessionStore);
        const loadedBeforeTheOtherWrite = (await store.get(alice.session.id, 1, 'full'))!;
        await store.upsert(loadedBeforeTheOtherWrite); // another instance refreshed the session meanwhile
        jest.spyOn(store, 'get').mockResolvedValueOnce(loadedBeforeTheOtherWrite);
        const res = await alice.authorize(request(app.getHttpServer()).post('/refresh'), 'refresh').expect(409);
        expect(res.body).toEqual({ statusCode: 409, message: expect.any(String), error: 'Conflict' });
        expect(conflicts).toEqual([{ sessionId: alice.session.id, userId: 1, sessionType: 'full' }]);
      } finally {
        unsubscribe(CHARON_CHANNELS.sessionLockConflict, listener);
      }
    });
  });
});
