import request from 'supertest';
import { SessionStore } from 'nestjs-charon';
import { RedisSessionStore } from 'nestjs-charon/redis';
import { FixedClock } from 'nestjs-charon/testing';
import { RedisTestServer } from '../support/redis-server';
import { startSampleApp, type SampleApp } from '../support/sample-app';

const LOGIN = { username: 'alice', password: 'wonderland' };

describe('sample app on Redis (REDIS_URL)', () => {
  let redis: RedisTestServer;
  const apps: SampleApp[] = [];
  const start = async (clock?: FixedClock) => {
    const sample = await startSampleApp({ REDIS_URL: redis.url, REFRESH_CYCLE: undefined, SESSION_TTL: undefined }, { realStore: true, clock });
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
});
