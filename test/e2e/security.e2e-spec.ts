/**
 * Failing closed (SPEC section 7, issue 7): each case is an attack or a misuse that today's guards must refuse,
 * over real HTTP on Express and Fastify.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Controller, Delete, Get, HttpCode, Module, Post, Req, Res, UseGuards, UseInterceptors, type INestApplication, type LoggerService } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  CHARON_CHANNELS,
  CharonConfigError,
  CharonCookieInterceptor,
  CharonModule,
  Clock,
  LogoutGuard,
  MemorySessionStore,
  Public,
  RefreshTokenGuard,
  RequireClaims,
  SessionGuard,
  SessionService,
  SessionStorageError,
  SessionStore,
  type CharonModuleOptions,
  type HttpRequestLike,
  type Session,
  type SessionEventMessage,
  type TokenTransport,
  type UserId,
} from 'nestjs-charon';
import { createTestSession, FixedClock, type TestSession } from 'nestjs-charon/testing';

const SECRET = 'k3p8Qw0sN4bV7xZ2mL9rT6yU1iO5aD3fG8hJ0cE4';
const BASE: CharonModuleOptions = { tokenIssuer: 'https://issuer.test', baseSecret: SECRET };
const ACCESS = '_access_token_signature';
const REFRESH = '_refresh_token_signature';

@Controller('admin')
@UseGuards(SessionGuard)
@RequireClaims({ role: 'admin' })
class AdminController {
  /** Tries to loosen the controller's rule: both must hold. */
  @Get('loose')
  @RequireClaims({ role: { in: ['admin', 'user'] } })
  loose() {
    return { ok: true };
  }

  /** Adds a requirement of its own. */
  @Get('strict')
  @RequireClaims({ tier: 'gold' })
  strict() {
    return { ok: true };
  }
}

/** One handler function inherited by two controllers: the route cache must tell them apart. */
class BaseController {
  @Get('x')
  @UseGuards(SessionGuard)
  x() {
    return { ok: true };
  }
}

@Controller('open')
class OpenController extends BaseController {}

@Controller('restricted')
@RequireClaims({ role: 'admin' })
class RestrictedController extends BaseController {}

@Controller('auth')
@UseInterceptors(CharonCookieInterceptor)
class AuthController {
  constructor(private readonly sessions: SessionService) {}

  @Post('login/:transport')
  async login(@Req() req: HttpRequestLike & { params: { transport: TokenTransport } }) {
    return (await this.sessions.create(req, { userId: 7, tokenTransport: req.params.transport })).tokens;
  }

  @Post('refresh')
  @HttpCode(200)
  @UseGuards(RefreshTokenGuard)
  async refresh(@Req() req: HttpRequestLike) {
    return (await this.sessions.refresh(req)).tokens;
  }

  @Get('me')
  @UseGuards(SessionGuard)
  me() {
    return { ok: true };
  }

  @Post('action')
  @HttpCode(200)
  @UseGuards(SessionGuard)
  action() {
    return { changed: true };
  }

  @Delete('session')
  @HttpCode(204)
  @UseGuards(LogoutGuard)
  async logout(@Req() req: HttpRequestLike) {
    await this.sessions.deleteCurrent(req);
  }
}

@Controller('bare')
class NoInterceptorController {
  constructor(private readonly sessions: SessionService) {}

  @Post('login')
  async login(@Req() req: HttpRequestLike) {
    return (await this.sessions.create(req, { userId: 8, tokenTransport: 'cookie' })).tokens;
  }

  /** Bearer tokens need no interceptor: SessionService marks the response no-store itself where it can reach it. */
  @Post('login-bearer')
  @Public()
  async loginBearer(@Req() req: HttpRequestLike) {
    return (await this.sessions.create(req, { userId: 8, tokenTransport: 'bearer' })).tokens;
  }

  /** Where nothing else reaches the response (Fastify, no guard), the handler can hand it over. */
  @Post('login-bearer-response')
  async loginBearerResponse(@Req() req: HttpRequestLike, @Res({ passthrough: true }) response: unknown) {
    return (await this.sessions.create(req, { userId: 8, tokenTransport: 'bearer', response })).tokens;
  }

  @Post('refresh')
  @HttpCode(200)
  @UseGuards(RefreshTokenGuard)
  async refresh(@Req() req: HttpRequestLike) {
    return (await this.sessions.refresh(req)).tokens;
  }
}

@Module({ controllers: [AdminController, OpenController, RestrictedController, AuthController, NoInterceptorController] })
class FeatureModule {}

type Platform = 'express' | 'fastify';

interface Started {
  app: INestApplication;
  clock: FixedClock;
  http: () => ReturnType<typeof request>;
  sessions: SessionService;
}

async function start(platform: Platform, options: Partial<CharonModuleOptions> & { globalGuard?: boolean } = {}, logger: LoggerService | false = false, store?: SessionStore): Promise<Started> {
  const clock = new FixedClock();
  let builder = Test.createTestingModule({ imports: [CharonModule.forRoot({ ...BASE, ...options, isGlobal: true }), FeatureModule] })
    .overrideProvider(Clock)
    .useValue(clock);
  if (store) builder = builder.overrideProvider(SessionStore).useValue(store);
  if (logger) builder.setLogger(logger);
  const moduleRef = await builder.compile();
  const app =
    platform === 'fastify' ? moduleRef.createNestApplication(new FastifyAdapter(), { logger }) : moduleRef.createNestApplication({ logger });
  await app.init();
  if (platform === 'fastify') await app.getHttpAdapter().getInstance().ready();
  const server = app.getHttpServer();
  return { app, clock, http: () => request(server), sessions: app.get(SessionService) };
}

function setCookies(res: request.Response): string[] {
  const header = res.headers['set-cookie'] as unknown;
  return Array.isArray(header) ? header : typeof header === 'string' ? [header] : [];
}

/** The value of a token cookie set by a response. */
function cookieValue(res: request.Response, name: string): string {
  const cookie = setCookies(res).find((c) => c.startsWith(`${name}=`));
  if (!cookie) throw new Error(`no ${name} cookie in ${JSON.stringify(setCookies(res))}`);
  return cookie.slice(name.length + 1, cookie.indexOf(';'));
}

describe.each<Platform>(['express', 'fastify'])('failing closed on %s', (platform) => {
  let started: Started | undefined;
  afterEach(async () => {
    await started?.app.close();
    started = undefined;
  });

  describe('claims', () => {
    it('applies the controller and the handler requirements both: a handler cannot loosen its controller', async () => {
      started = await start(platform);
      const { app, http } = started;
      const user = await createTestSession(app, { userId: 1, accessClaimOverrides: { role: 'user', tier: 'gold' } });
      const admin = await createTestSession(app, { userId: 2, accessClaimOverrides: { role: 'admin', tier: 'gold' } });
      const bronze = await createTestSession(app, { userId: 3, accessClaimOverrides: { role: 'admin', tier: 'bronze' } });
      const res = await user.authorize(http().get('/admin/loose')).expect(403);
      expect(res.body).toEqual({ statusCode: 403, message: 'bearer token claim role invalid', error: 'Forbidden' });
      await admin.authorize(http().get('/admin/loose')).expect(200);
      await admin.authorize(http().get('/admin/strict')).expect(200);
      expect((await bronze.authorize(http().get('/admin/strict')).expect(403)).body.message).toBe('bearer token claim tier invalid');
      expect((await user.authorize(http().get('/admin/strict')).expect(403)).body.message).toBe('bearer token claim role invalid');
    });

    it('keys route settings by controller and handler: an inherited handler keeps each controller’s rules, in any order', async () => {
      started = await start(platform);
      const { app, http } = started;
      const user = await createTestSession(app, { userId: 1, accessClaimOverrides: { role: 'user' } });
      const admin = await createTestSession(app, { userId: 2, accessClaimOverrides: { role: 'admin' } });
      await user.authorize(http().get('/open/x')).expect(200);
      await user.authorize(http().get('/restricted/x')).expect(403);
      await admin.authorize(http().get('/restricted/x')).expect(200);
      await admin.authorize(http().get('/open/x')).expect(200);
      await user.authorize(http().get('/open/x')).expect(200);
    });

    it('answers token validity failures 401, never 403', async () => {
      started = await start(platform);
      const { http } = started;
      expect((await http().get('/admin/loose').expect(401)).body.message).toBe('bearer token not found');
    });
  });

  describe('issuer and audience', () => {
    it('requires iss to be the configured issuer', async () => {
      started = await start(platform);
      const { app, http } = started;
      const other = await createTestSession(app, { userId: 1, accessClaimOverrides: { iss: 'https://other.test' } });
      const none = await createTestSession(app, { userId: 1, accessClaimOverrides: { iss: undefined } });
      expect((await other.authorize(http().get('/auth/me')).expect(401)).body.message).toBe('bearer token claim iss invalid');
      expect((await none.authorize(http().get('/auth/me')).expect(401)).body.message).toBe('bearer token claim iss not found');
      const refreshOther = await createTestSession(app, { userId: 1, refreshClaimOverrides: { iss: 'https://other.test' } });
      expect((await refreshOther.authorize(http().post('/auth/refresh'), 'refresh').expect(401)).body.message).toBe('bearer token claim iss invalid');
    });

    it('sets the configured audience on issue and requires it on verify', async () => {
      started = await start(platform, { tokenAudience: 'https://api.test' });
      const { app, http } = started;
      const good = await createTestSession(app, { userId: 1 });
      expect(good.accessTokenPayload.aud).toBe('https://api.test');
      expect(good.refreshTokenPayload.aud).toBe('https://api.test');
      await good.authorize(http().get('/auth/me')).expect(200);
      const many = await createTestSession(app, { userId: 1, accessClaimOverrides: { aud: ['https://x.test', 'https://api.test'] } });
      await many.authorize(http().get('/auth/me')).expect(200);
      const other = await createTestSession(app, { userId: 1, accessClaimOverrides: { aud: 'https://x.test' } });
      const none = await createTestSession(app, { userId: 1, accessClaimOverrides: { aud: undefined } });
      expect((await other.authorize(http().get('/auth/me')).expect(401)).body.message).toBe('bearer token claim aud invalid');
      expect((await none.authorize(http().get('/auth/me')).expect(401)).body.message).toBe('bearer token claim aud not found');
    });
  });

  describe('refresh token reuse', () => {
    /** Refreshes with a bearer refresh token; returns the new refresh token or the failure. */
    async function refresh(s: Started, token: string): Promise<{ status: number; token?: string; message?: string }> {
      const res = await s.http().post('/auth/refresh').set('Authorization', `Bearer ${token}`);
      return res.status === 200 ? { status: 200, token: res.body.refreshToken } : { status: res.status, message: res.body.message };
    }

    function watchReuse(): { events: SessionEventMessage[]; stop: () => void } {
      const events: SessionEventMessage[] = [];
      const listener = (message: unknown) => events.push(message as SessionEventMessage);
      subscribe(CHARON_CHANNELS.sessionReuse, listener);
      return { events, stop: () => unsubscribe(CHARON_CHANNELS.sessionReuse, listener) };
    }

    it('generations (default): a stale token gets 401 "token stale" and revokes the session, with a telemetry event', async () => {
      started = await start(platform);
      const s = started;
      const login = await createTestSession(s.app, { userId: 1 });
      s.clock.advance(10);
      const second = await refresh(s, login.refreshToken);
      s.clock.advance(10);
      const third = await refresh(s, second.token!);
      expect(third.status).toBe(200);
      const reuse = watchReuse();
      try {
        // The thief replays the login token two generations later.
        expect(await refresh(s, login.refreshToken)).toEqual({ status: 401, message: 'token stale' });
        expect(reuse.events).toEqual([{ sessionId: login.session.id, userId: 1, sessionType: 'full' }]);
      } finally {
        reuse.stop();
      }
      // The victim's current token dies with it: the session is gone.
      expect(await refresh(s, third.token!)).toEqual({ status: 401, message: 'session not found' });
    });

    it('generations with staleRefreshTokens "reject": Charon’s behaviour, the session lives on', async () => {
      started = await start(platform, { staleRefreshTokens: 'reject' });
      const s = started;
      const login = await createTestSession(s.app, { userId: 1 });
      s.clock.advance(10);
      const second = await refresh(s, login.refreshToken);
      s.clock.advance(10);
      const third = await refresh(s, second.token!);
      expect(await refresh(s, login.refreshToken)).toEqual({ status: 401, message: 'token stale' });
      expect((await refresh(s, third.token!)).status).toBe(200);
    });

    it('generations tolerate racing tabs and a retried lost response within the cycle', async () => {
      started = await start(platform);
      const s = started;
      const login = await createTestSession(s.app, { userId: 1 });
      s.clock.advance(2);
      const tabA = await refresh(s, login.refreshToken);
      const tabB = await refresh(s, login.refreshToken);
      expect([tabA.status, tabB.status]).toEqual([200, 200]);
      s.clock.advance(30);
      expect((await refresh(s, tabB.token!)).status).toBe(200);
    });

    it('strict: a rotated-out token is accepted only within the reuse interval; after it, reuse revokes the session', async () => {
      started = await start(platform, { refreshTokenRotation: 'strict', refreshTokenReuseInterval: 10 });
      const s = started;
      const login = await createTestSession(s.app, { userId: 1 });
      s.clock.advance(60);
      const first = await refresh(s, login.refreshToken);
      expect(first.status).toBe(200);
      // A lost response retried (or a racing tab) within the interval: tolerated.
      s.clock.advance(3);
      const retried = await refresh(s, login.refreshToken);
      expect(retried.status).toBe(200);
      // The thief's copy, presented after the interval: the session is revoked.
      s.clock.advance(60);
      const reuse = watchReuse();
      try {
        expect(await refresh(s, first.token!)).toEqual({ status: 401, message: 'token stale' });
        expect(reuse.events).toHaveLength(1);
      } finally {
        reuse.stop();
      }
      expect(await refresh(s, retried.token!)).toEqual({ status: 401, message: 'session not found' });
    });

    it('strict tolerates any number of racing tabs with one token within the interval, then only the newest token', async () => {
      started = await start(platform, { refreshTokenRotation: 'strict', refreshTokenReuseInterval: 10 });
      const s = started;
      const login = await createTestSession(s.app, { userId: 1 });
      s.clock.advance(60);
      const tabs = [];
      for (let i = 0; i < 5; i++) {
        tabs.push(await refresh(s, login.refreshToken));
        s.clock.advance(1);
      }
      expect(tabs.map((tab) => tab.status)).toEqual([200, 200, 200, 200, 200]);
      // Every token of the burst still refreshes inside the interval.
      const again = await refresh(s, tabs[0].token!);
      expect(again.status).toBe(200);
      s.clock.advance(30);
      const newest = await refresh(s, again.token!);
      expect(newest.status).toBe(200);
      // A new burst began: the old burst's tokens are rotated-out tokens now.
      s.clock.advance(30);
      expect(await refresh(s, tabs[4].token!)).toEqual({ status: 401, message: 'token stale' });
    });

    it('strict catches two parties refreshing one chain in turn, which generations tolerate within the cycle', async () => {
      for (const rotation of ['strict', 'generations'] as const) {
        const s = await start(platform, { refreshTokenRotation: rotation, refreshTokenReuseInterval: 1 });
        try {
          const login = await createTestSession(s.app, { userId: 1 });
          s.clock.advance(2);
          const victim = await refresh(s, login.refreshToken);
          s.clock.advance(2);
          // The thief refreshes the same login token a moment later.
          const thief = await refresh(s, login.refreshToken);
          expect(thief.status).toBe(rotation === 'strict' ? 401 : 200);
          if (rotation === 'strict') expect(await refresh(s, victim.token!)).toEqual({ status: 401, message: 'session not found' });
        } finally {
          await s.app.close();
        }
      }
    });

    it('one winner per lock version when many refresh one token at once', async () => {
      started = await start(platform);
      const s = started;
      const login = await createTestSession(s.app, { userId: 1 });
      s.clock.advance(10);
      const results = await Promise.all(Array.from({ length: 20 }, () => refresh(s, login.refreshToken)));
      const statuses = results.map((r) => r.status);
      expect(statuses.every((status) => status === 200 || status === 409)).toBe(true);
      const stored = await s.sessions.get(login.session.id, 1);
      // Each success wrote exactly one lock version on top of the login's.
      expect(stored!.lockVersion).toBe(1 + statuses.filter((status) => status === 200).length);
    });
  });

  describe('CSRF', () => {
    async function cookieOnlyLogin(s: Started): Promise<{ access: string; refresh: string }> {
      const res = await s.http().post('/auth/login/cookie_only').expect(201);
      return { access: cookieValue(res, ACCESS), refresh: cookieValue(res, REFRESH) };
    }

    const crossSite: [string, Record<string, string>][] = [
      ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.test' }],
      ['Sec-Fetch-Site: same-site', { 'Sec-Fetch-Site': 'same-site', Origin: 'https://sub.issuer.test' }],
      ['a foreign Origin without Fetch Metadata', { Origin: 'https://evil.test' }],
      ['Origin: null', { Origin: 'null' }],
    ];

    it.each(crossSite)('refuses a cookie-only refresh, action and logout with %s (403, nothing changed)', async (_name, headers) => {
      started = await start(platform);
      const s = started;
      const { access, refresh } = await cookieOnlyLogin(s);
      const [session] = await s.sessions.getAll(7);
      for (const [method, path, cookie] of [
        ['post', '/auth/refresh', `${REFRESH}=${refresh}`],
        ['post', '/auth/action', `${ACCESS}=${access}`],
        ['delete', '/auth/session', `${ACCESS}=${access}; ${REFRESH}=${refresh}`],
      ] as const) {
        const res = await s.http()[method](path).set('Cookie', cookie).set(headers).set('Content-Type', 'text/plain').send('x=1');
        expect([path, res.status, res.body.error, res.body.message]).toEqual([path, 403, 'Forbidden', 'cross-site request refused']);
        expect(setCookies(res)).toEqual([]);
      }
      expect((await s.sessions.get(session.id, 7))?.lockVersion).toBe(1);
    });

    it.each<[string, Record<string, string>]>([
      ['Sec-Fetch-Site: same-origin', { 'Sec-Fetch-Site': 'same-origin', Origin: 'https://evil.test' }],
      ['Sec-Fetch-Site: none', { 'Sec-Fetch-Site': 'none' }],
      ['no Fetch Metadata and no Origin', {}],
    ])('lets a cookie-only unsafe request through with %s', async (_name, headers) => {
      started = await start(platform);
      const s = started;
      const { access, refresh } = await cookieOnlyLogin(s);
      await s.http().post('/auth/action').set('Cookie', `${ACCESS}=${access}`).set(headers).expect(200);
      await s.http().post('/auth/refresh').set('Cookie', `${REFRESH}=${refresh}`).set(headers).expect(200);
    });

    it('accepts the app’s own origin and the allowed origins, and safe methods from anywhere', async () => {
      started = await start(platform, { allowedOrigins: ['https://app.test'] });
      const s = started;
      const { access } = await cookieOnlyLogin(s);
      const cookie = `${ACCESS}=${access}`;
      await s.http().post('/auth/action').set('Cookie', cookie).set('Host', 'api.test:8443').set('Origin', 'http://api.test:8443').expect(200);
      await s.http().post('/auth/action').set('Cookie', cookie).set('Origin', 'https://app.test').expect(200);
      await s.http().post('/auth/action').set('Cookie', cookie).set({ 'Sec-Fetch-Site': 'same-site', Origin: 'https://app.test' }).expect(200);
      await s.http().post('/auth/action').set('Cookie', cookie).set('Origin', 'https://app.test.evil.test').expect(403);
      // Allowed origins lift the same-site and Origin checks, never cross-site.
      await s.http().post('/auth/action').set('Cookie', cookie).set({ 'Sec-Fetch-Site': 'cross-site', Origin: 'https://app.test' }).expect(403);
      await s.http().get('/auth/me').set('Cookie', cookie).set({ 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.test' }).expect(200);
    });

    it('never applies to bearer and cookie transports, which need the Authorization header', async () => {
      started = await start(platform);
      const s = started;
      const session = await createTestSession(s.app, { userId: 1 });
      const headers = { 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.test' };
      await session.authorize(s.http().post('/auth/action').set(headers), 'access', 'bearer').expect(200);
      await session.authorize(s.http().post('/auth/action').set(headers), 'access', 'cookie').expect(200);
    });

    it('refuses a cross-site login asking for cookies: 403, no cookie, no session', async () => {
      started = await start(platform);
      const s = started;
      for (const transport of ['cookie', 'cookie_only']) {
        const res = await s.http().post(`/auth/login/${transport}`).set({ 'Sec-Fetch-Site': 'cross-site', Origin: 'https://evil.test' }).expect(403);
        expect(setCookies(res)).toEqual([]);
      }
      expect(await s.sessions.count(7)).toBe(0);
    });

    it('can be switched off', async () => {
      started = await start(platform, { csrfProtection: false });
      const s = started;
      const { access } = await cookieOnlyLogin(s);
      await s.http().post('/auth/action').set('Cookie', `${ACCESS}=${access}`).set('Origin', 'https://evil.test').expect(200);
    });
  });

  describe('cookies', () => {
    it('takes no token from a cookie name sent twice (cookie tossing), whichever copy is valid', async () => {
      started = await start(platform);
      const s = started;
      const login = await s.http().post('/auth/login/cookie_only').expect(201);
      const access = cookieValue(login, ACCESS);
      for (const cookie of [`${ACCESS}=${access}; ${ACCESS}=planted`, `${ACCESS}=planted; ${ACCESS}=${access}`]) {
        expect((await s.http().get('/auth/me').set('Cookie', cookie).expect(401)).body.message).toBe('bearer token not found');
      }
    });

    it('verifies a lone .signature cookie as the whole token: 401 "bearer token signature invalid"', async () => {
      started = await start(platform);
      const s = started;
      const login = await s.http().post('/auth/login/cookie').expect(201);
      const res = await s.http().get('/auth/me').set('Cookie', `${ACCESS}=${cookieValue(login, ACCESS)}`).expect(401);
      expect(res.body.message).toBe('bearer token signature invalid');
    });

    it('supports __Host- names and a scoped refresh cookie Path, cleared with the same attributes', async () => {
      started = await start(platform, {
        accessCookieName: '__Host-access',
        refreshCookieName: '__Secure-refresh',
        refreshCookieOptions: { path: '/auth/refresh' },
      });
      const s = started;
      const login = await s.http().post('/auth/login/cookie_only').expect(201);
      const [access, refresh] = setCookies(login);
      expect(access).toMatch(/^__Host-access=.+; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
      expect(refresh).toMatch(/^__Secure-refresh=.+; Path=\/auth\/refresh; HttpOnly; Secure; SameSite=Strict$/);
      const logout = await s.http().delete('/auth/session').set('Cookie', `__Host-access=${cookieValue(login, '__Host-access')}`).expect(204);
      expect(setCookies(logout)).toEqual([
        expect.stringMatching(/^__Host-access=; Max-Age=0; Path=\/;/),
        expect.stringMatching(/^__Secure-refresh=; Max-Age=0; Path=\/auth\/refresh;/),
      ]);
    });

    it('marks login, refresh and logout responses Cache-Control: no-store', async () => {
      started = await start(platform);
      const s = started;
      const login = await s.http().post('/auth/login/bearer').expect(201);
      expect(login.headers['cache-control']).toBe('no-store');
      const refreshed = await s.http().post('/auth/refresh').set('Authorization', `Bearer ${login.body.refreshToken}`).expect(200);
      expect(refreshed.headers['cache-control']).toBe('no-store');
      const cookieLogin = await s.http().post('/auth/login/cookie_only').expect(201);
      expect(cookieLogin.headers['cache-control']).toBe('no-store');
      const logout = await s.http().delete('/auth/session').set('Cookie', `${ACCESS}=${cookieValue(cookieLogin, ACCESS)}`).expect(204);
      expect(logout.headers['cache-control']).toBe('no-store');
    });
  });

  describe('token responses without CharonCookieInterceptor', () => {
    const noStore = (res: request.Response) => [res.headers['cache-control'], res.headers['pragma']];

    it('marks a bearer refresh no-store through the response RefreshTokenGuard saw', async () => {
      started = await start(platform);
      const login = await started.http().post('/auth/login/bearer').expect(201);
      const refreshed = await started.http().post('/bare/refresh').set('Authorization', `Bearer ${login.body.refreshToken}`).expect(200);
      expect(noStore(refreshed)).toEqual(['no-store', 'no-cache']);
      expect(setCookies(refreshed)).toEqual([]);
    });

    it('marks a bearer login under the global guard no-store (the guard saw the response of the @Public() route)', async () => {
      started = await start(platform, { globalGuard: true });
      const login = await started.http().post('/bare/login-bearer').expect(201);
      expect(noStore(login)).toEqual(['no-store', 'no-cache']);
      expect(typeof login.body.accessToken).toBe('string');
    });

    it('marks a bearer login with no guard no-store on Express (request.res), and warns once where it cannot (Fastify)', async () => {
      const warnings: string[] = [];
      const logger: LoggerService = { log() {}, error() {}, warn: (message: unknown) => void warnings.push(String(message)) };
      started = await start(platform, {}, logger);
      const first = await started.http().post('/bare/login-bearer').expect(201);
      await started.http().post('/bare/login-bearer').expect(201);
      const warned = warnings.filter((w) => w.includes('without Cache-Control: no-store'));
      if (platform === 'express') {
        expect(noStore(first)).toEqual(['no-store', 'no-cache']);
        expect(warned).toEqual([]);
      } else {
        expect(noStore(first)).toEqual([undefined, undefined]);
        expect(warned).toHaveLength(1);
        expect(warned[0]).toContain('CharonCookieInterceptor');
      }
    });

    it('marks a bearer login no-store through the response the handler passes (the way on Fastify without a guard)', async () => {
      const warnings: string[] = [];
      const logger: LoggerService = { log() {}, error() {}, warn: (message: unknown) => void warnings.push(String(message)) };
      started = await start(platform, {}, logger);
      const login = await started.http().post('/bare/login-bearer-response').expect(201);
      expect(noStore(login)).toEqual(['no-store', 'no-cache']);
      expect(typeof login.body.accessToken).toBe('string');
      expect(warnings.filter((w) => w.includes('without Cache-Control: no-store'))).toEqual([]);
    });

    it('still refuses to issue cookies without the interceptor (they wait for the handler to succeed)', async () => {
      started = await start(platform);
      const res = await started.http().post('/bare/login').expect(500);
      expect(setCookies(res)).toEqual([]);
      expect(JSON.stringify(res.body)).not.toMatch(/eyJ/);
    });
  });

  describe('logout', () => {
    it('accepts the refresh token alone (expired access cookie) and clears both cookies', async () => {
      started = await start(platform);
      const s = started;
      const login = await s.http().post('/auth/login/cookie_only').expect(201);
      const refresh = cookieValue(login, REFRESH);
      s.clock.advance(3600);
      const res = await s.http().delete('/auth/session').set('Cookie', `${REFRESH}=${refresh}`).expect(204);
      expect(setCookies(res).map((c) => c.split('=')[0])).toEqual([ACCESS, REFRESH]);
      expect(await s.sessions.count(7)).toBe(0);
      expect((await s.http().post('/auth/refresh').set('Cookie', `${REFRESH}=${refresh}`).expect(401)).body.message).toBe('session not found');
    });

    it('answers 401 with no valid token and still clears both cookies', async () => {
      started = await start(platform);
      const s = started;
      const res = await s.http().delete('/auth/session').set('Cookie', `${ACCESS}=garbage`).expect(401);
      expect(res.body.message).toBe('bearer token signature invalid');
      expect(setCookies(res).map((c) => c.split(';')[0])).toEqual([`${ACCESS}=`, `${REFRESH}=`]);
      const none = await s.http().delete('/auth/session').expect(401);
      expect(none.body.message).toBe('bearer token not found');
      expect(setCookies(none)).toHaveLength(2);
    });
  });

  describe('store failures and misuse', () => {
    class FailingStore extends MemorySessionStore {
      failing = false;
      override get(sessionId: string, userId: UserId, type: string): Promise<Session | null> {
        if (this.failing) return Promise.reject(new SessionStorageError('session store get timed out', { cause: new Error('ETIMEDOUT after 1000 ms') }));
        return super.get(sessionId, userId, type);
      }
    }

    it('logs each store failure with its cause, rate-limited, and never the token or the session', async () => {
      const lines: string[] = [];
      const logger: LoggerService = { log: () => undefined, warn: () => undefined, error: (message: unknown) => lines.push(String(message)) };
      const store = new FailingStore();
      started = await start(platform, {}, logger, store);
      const s = started;
      const login = await createTestSession(s.app, { userId: 1, extraPayload: { secretNote: 'do-not-log' } });
      store.failing = true;
      for (let i = 0; i < 12; i++) {
        const res = await login.authorize(s.http().post('/auth/refresh'), 'refresh').expect(500);
        expect(res.body).toEqual({ statusCode: 500, message: 'Internal Server Error', error: 'Internal Server Error' });
      }
      const storeLines = lines.filter((line) => line.includes('session store get'));
      expect(storeLines.length).toBeGreaterThanOrEqual(1);
      expect(storeLines.length).toBeLessThan(12);
      expect(storeLines[0]).toContain('ETIMEDOUT after 1000 ms');
      const all = lines.join('\n');
      expect(all).not.toContain(login.refreshToken.split('.')[2]);
      expect(all).not.toContain('do-not-log');
    });

    it('writes no session when a cookie login fails for want of the cookie interceptor', async () => {
      started = await start(platform);
      const s = started;
      await s.http().post('/bare/login').expect(500);
      expect(await s.sessions.count(8)).toBe(0);
    });

    it.each<[string, unknown]>([
      ['a string', 'redis://localhost'],
      ['a plain object', { get: () => null }],
      ['a factory returning a number', () => 42],
    ])('refuses a store option that is not a store (%s) at boot', async (_name, store) => {
      await expect(start(platform, { store: store as CharonModuleOptions['store'] })).rejects.toThrow(CharonConfigError);
    });
  });
});

describe('dangerous configuration', () => {
  async function boot(options: Partial<CharonModuleOptions>): Promise<{ error?: CharonConfigError; warnings: string[] }> {
    const warnings: string[] = [];
    const logger: LoggerService = { log: () => undefined, error: () => undefined, warn: (message: unknown) => warnings.push(String(message)) };
    try {
      const s = await start('express', options, logger);
      await s.app.close();
      return { warnings };
    } catch (error) {
      return { error: error as CharonConfigError, warnings };
    }
  }

  it('refuses a low-entropy base secret', async () => {
    for (const baseSecret of ['x'.repeat(32), 'ab'.repeat(20), 'abcd'.repeat(8)]) {
      const { error } = await boot({ baseSecret });
      expect(error?.problems).toEqual([expect.stringContaining('baseSecret has too little entropy')]);
    }
  });

  it('refuses __Host- cookies that break the prefix rules, and __Secure- ones that are not Secure', async () => {
    expect((await boot({ accessCookieName: '__Host-a', accessCookieOptions: { path: '/api' } })).error?.problems).toEqual([
      expect.stringContaining('"__Host-" cookie (__Host-a) needs path "/", secure: true and no domain'),
    ]);
    expect((await boot({ accessCookieName: '__Host-a', accessCookieOptions: { domain: 'example.com' } })).error).toBeDefined();
    expect((await boot({ refreshCookieName: '__Secure-r', refreshCookieOptions: { secure: false } })).error?.problems).toEqual([
      expect.stringContaining('"__Secure-" cookie (__Secure-r) needs secure: true'),
    ]);
  });

  it('warns about token cookies without HttpOnly or Secure, and about infinite sessions', async () => {
    const { error, warnings } = await boot({ accessCookieOptions: { httpOnly: false }, refreshCookieOptions: { secure: false }, sessionTtl: 'infinite' });
    expect(error).toBeUndefined();
    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining('accessCookieOptions: httpOnly is off'),
        expect.stringContaining('refreshCookieOptions: secure is off'),
        expect.stringContaining('sessionTtl is "infinite"'),
      ]),
    );
  });

  it('refuses malformed allowed origins and unknown modes', async () => {
    const { error } = await boot({
      allowedOrigins: ['https://ok.test', 'https://bad.test/', 'https://*.test', 'ftp://x.test'],
      staleRefreshTokens: 'ignore' as 'reject',
      refreshTokenRotation: 'never' as 'strict',
      maxSessionsPerUser: 0,
    });
    expect(error?.problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('"https://bad.test/" is not an origin'),
        expect.stringContaining('"https://*.test" is not an origin'),
        expect.stringContaining('"ftp://x.test" is not an origin'),
        expect.stringContaining('staleRefreshTokens'),
        expect.stringContaining('refreshTokenRotation'),
        expect.stringContaining('maxSessionsPerUser'),
      ]),
    );
    expect(error?.problems.join('\n')).not.toContain('ok.test');
  });
});

describe('sessions per user', () => {
  it('a login beyond maxSessionsPerUser revokes the least recently refreshed session', async () => {
    const s = await start('express', { maxSessionsPerUser: 2 });
    try {
      const a: TestSession = await createTestSession(s.app, { userId: 1 });
      const b = await createTestSession(s.app, { userId: 1 });
      s.clock.advance(10);
      await a.authorize(s.http().post('/auth/refresh'), 'refresh').expect(200);
      await createTestSession(s.app, { userId: 1 });
      expect(await s.sessions.get(b.session.id, 1)).toBeNull();
      expect(await s.sessions.get(a.session.id, 1)).not.toBeNull();
      expect(await s.sessions.count(1)).toBe(2);
    } finally {
      await s.app.close();
    }
  });
});
