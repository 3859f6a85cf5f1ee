import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { SessionStore } from 'nestjs-charon';
import { RedisSessionStore } from 'nestjs-charon/redis';
import { FixedClock } from 'nestjs-charon/testing';
import { RedisTestServer } from '../support/redis-server';
import {
  ACCESS_COOKIE,
  REFRESH_COOKIE,
  asLoginResult,
  clearedCookies,
  login,
  present,
  startSampleApp,
  type LoginResult,
  type SampleApp,
} from '../support/sample-app';

const LOGIN = { username: 'alice', password: 'wonderland' };
/** Instances that share sessions share the secret. */
const CHARON_SECRET = randomBytes(48).toString('base64');

describe('sample app on Redis (REDIS_URL)', () => {
  let redis: RedisTestServer;
  const apps: SampleApp[] = [];
  const start = async (clock?: FixedClock, env: Record<string, string> = {}) => {
    const sample = await startSampleApp({ REDIS_URL: redis.url, CHARON_SECRET, ...env }, { realStore: true, clock });
    apps.push(sample);
    return sample;
  };

  beforeAll(async () => {
    redis = await RedisTestServer.start();
  });
  afterEach(async () => {
    for (const sample of apps.splice(0)) await sample.app.close();
    if (redis.running) await redis.reset();
    else await redis.restart();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('uses the Redis store, and sessions are shared by every instance and survive a restart of the app', async () => {
    const clock = new FixedClock();
    const a = await start(clock);
    expect(a.app.get(SessionStore)).toBeInstanceOf(RedisSessionStore);
    const b = await start(clock);
    const login = await request(a.server).post('/auth/login').send(LOGIN).expect(201);
    clock.advance(10);
    const refreshed = await request(b.server).post('/auth/refresh').set('Authorization', `Bearer ${login.body.tokens.refreshToken}`).expect(200);
    expect(refreshed.body.session.id).toBe(login.body.session.id);
    await a.app.close();
    apps.splice(apps.indexOf(a), 1);
    const c = await start(clock);
    const list = await request(c.server).get('/auth/sessions').set('Authorization', `Bearer ${refreshed.body.tokens.accessToken}`).expect(200);
    expect(list.body.map((s: { id: string }) => s.id)).toEqual([login.body.session.id]);
    await request(c.server).delete('/auth/session').set('Authorization', `Bearer ${refreshed.body.tokens.accessToken}`).expect(204);
    const afterLogout = await request(b.server).post('/auth/refresh').set('Authorization', `Bearer ${refreshed.body.tokens.refreshToken}`).expect(401);
    expect(afterLogout.body.message).toBe('session not found');
  });

  it('keeps serving access-token routes while Redis is down, fails store routes fast with 500, and recovers by itself', async () => {
    const sample = await start();
    const login = await request(sample.server).post('/auth/login').send(LOGIN).expect(201);
    const bearer = (token: string) => `Bearer ${token}`;

    await redis.kill();
    await request(sample.server).get('/me').set('Authorization', bearer(login.body.tokens.accessToken)).expect(200);
    const started = Date.now();
    const refresh = await request(sample.server).post('/auth/refresh').set('Authorization', bearer(login.body.tokens.refreshToken));
    expect(refresh.status).toBe(500);
    expect(refresh.body).toEqual({ statusCode: 500, message: 'Internal Server Error', error: 'Internal Server Error' });
    const failedLogin = await request(sample.server).post('/auth/login').send(LOGIN);
    expect(failedLogin.status).toBe(500);
    // Bounded by the store's operation timeout (1 s default), not by TCP or reconnect timeouts.
    expect(Date.now() - started).toBeLessThan(5000);

    await redis.restart(); // empty: sessions and functions are gone
    let relogin: request.Response | undefined;
    for (let attempt = 0; attempt < 40 && relogin?.status !== 201; attempt++) {
      relogin = await request(sample.server).post('/auth/login').send(LOGIN);
      if (relogin.status !== 201) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(relogin?.status).toBe(201);
    await request(sample.server).post('/auth/refresh').set('Authorization', bearer(relogin!.body.tokens.refreshToken)).expect(200);
    // The old session died with the server's data: refused, never a crash.
    const old = await request(sample.server).post('/auth/refresh').set('Authorization', bearer(login.body.tokens.refreshToken)).expect(401);
    expect(old.body.message).toBe('session not found');
  });

  describe('failing closed (contract version 2) on Redis', () => {
    const refresh = (sample: SampleApp, token: LoginResult) => present(request(sample.server).post('/auth/refresh'), token, 'bearer', 'refresh');

    it('a stale refresh token deletes its session (STALE_REFRESH default: revoke)', async () => {
      const sample = await start();
      const t0 = sample.clock.now();
      const a = await login(sample.server);
      sample.clock.set(t0 + 10);
      const b = asLoginResult(await refresh(sample, a).expect(200));
      sample.clock.set(t0 + 20);
      const d = asLoginResult(await refresh(sample, b).expect(200));
      expect((await refresh(sample, a).expect(401)).body.message).toBe('token stale');
      expect((await refresh(sample, d).expect(401)).body.message).toBe('session not found');
    });

    it('MAX_SESSIONS_PER_USER: a login beyond it deletes the least recently refreshed session; listings stay within it', async () => {
      const sample = await start(undefined, { MAX_SESSIONS_PER_USER: '2' });
      const bob = await login(sample.server, { user: 'bob' });
      const a1 = await login(sample.server);
      sample.clock.advance(1);
      const a2 = await login(sample.server);
      sample.clock.advance(10);
      const a1b = asLoginResult(await refresh(sample, a1).expect(200));
      sample.clock.advance(1);
      const a3 = await login(sample.server);
      expect((await refresh(sample, a2).expect(401)).body.message).toBe('session not found');
      const listed = await present(request(sample.server).get('/auth/sessions'), a3, 'bearer').expect(200);
      expect(listed.body.map((s: { id: string }) => s.id).sort()).toEqual([a1.body.session.id, a3.body.session.id].sort());
      for (const live of [a1b, a3, bob]) await refresh(sample, live).expect(200);
    });

    it('a login with a deviceId replaces the same device\'s session, and only that', async () => {
      const sample = await start();
      const phone = await login(sample.server, { deviceId: 'phone' });
      const laptop = await login(sample.server, { deviceId: 'laptop' });
      const bobPhone = await login(sample.server, { user: 'bob', deviceId: 'phone' });
      await login(sample.server, { deviceId: 'phone' });
      expect((await refresh(sample, phone).expect(401)).body.message).toBe('session not found');
      await refresh(sample, laptop).expect(200);
      await refresh(sample, bobPhone).expect(200);
    });

    it('logout with only the refresh cookie deletes the session and clears both cookies', async () => {
      const sample = await start();
      const session = await login(sample.server, { transport: 'cookie_only' });
      const res = await request(sample.server).delete('/auth/session').set('Cookie', `${REFRESH_COOKIE}=${session.cookies[REFRESH_COOKIE]}`).expect(204);
      expect(clearedCookies(res)).toEqual([ACCESS_COOKIE, REFRESH_COOKIE]);
      expect((await present(request(sample.server).post('/auth/refresh'), session, 'cookie_only', 'refresh').expect(401)).body.message).toBe('session not found');
    });

    it('a cross-site cookie_only refresh is refused with 403 and rotates nothing', async () => {
      const sample = await start();
      const session = await login(sample.server, { transport: 'cookie_only' });
      sample.clock.advance(10);
      const res = await present(request(sample.server).post('/auth/refresh'), session, 'cookie_only', 'refresh').set('Sec-Fetch-Site', 'cross-site').expect(403);
      expect(res.body).toEqual({ statusCode: 403, message: expect.any(String), error: 'Forbidden' });
      const listed = await present(request(sample.server).get('/auth/sessions'), session, 'cookie_only').expect(200);
      expect(listed.body[0].refreshedAt).toBe(session.body.session.refreshedAt);
    });

    it("a logged-out access token can't list or delete the user's sessions", async () => {
      const sample = await start();
      const stolen = await login(sample.server);
      const other = await login(sample.server);
      await present(request(sample.server).delete('/auth/session'), stolen, 'bearer').expect(204);
      expect((await present(request(sample.server).get('/auth/sessions'), stolen, 'bearer').expect(401)).body.message).toBe('session not found');
      await present(request(sample.server).delete('/auth/sessions'), stolen, 'bearer').expect(401);
      await refresh(sample, other).expect(200);
    });
  });
});
