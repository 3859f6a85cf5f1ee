import request from 'supertest';
import { RedisTestServer } from '../support/redis-server';
import { startSampleApp, type SampleApp } from '../support/sample-app';

type Transport = 'bearer' | 'cookie' | 'cookie_only';

interface LoginResult {
  body: {
    tokens: { accessToken: string | null; accessTokenExp: number; refreshToken: string | null; refreshTokenExp: number };
    session: Record<string, unknown> & { id: string };
  };
  cookies: Record<string, string>;
  setCookie: string[];
}

function setCookies(res: request.Response): string[] {
  const header = res.headers['set-cookie'] as unknown;
  return Array.isArray(header) ? (header as string[]) : [];
}

function cookieValues(res: request.Response): Record<string, string> {
  return Object.fromEntries(setCookies(res).map((cookie) => cookie.split(';')[0].split('=') as [string, string]));
}

function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
}

describe.each(['memory', 'redis'] as const)('sample app HTTP contract (%s store)', (storeKind) => {
  let sample: SampleApp;
  let redis: RedisTestServer | undefined;
  const http = () => request(sample.server);
  /** The sample's environment for this store, plus `extra`. */
  const env = (extra: Record<string, string> = {}) => ({
    REDIS_URL: redis?.url,
    REFRESH_CYCLE: undefined,
    SESSION_TTL: undefined,
    ACCESS_TOKEN_TTL: undefined,
    REFRESH_TOKEN_TTL: undefined,
    ...extra,
  });

  beforeAll(async () => {
    if (storeKind === 'redis') redis = await RedisTestServer.start();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  beforeEach(async () => {
    await redis?.reset();
    sample = await startSampleApp(env());
  });
  afterEach(async () => {
    await sample.app.close();
  });

  async function login(tokenTransport?: Transport, username = 'alice', password = 'wonderland'): Promise<LoginResult> {
    const res = await http()
      .post('/auth/login')
      .send({ username, password, ...(tokenTransport ? { tokenTransport } : {}) })
      .expect(201);
    return { body: res.body, cookies: cookieValues(res), setCookie: setCookies(res) };
  }

  /** Presents a login result's token the way its transport's client would. */
  function present(req: request.Test, result: LoginResult, transport: Transport, kind: 'access' | 'refresh' = 'access'): request.Test {
    const cookieName = kind === 'access' ? '_access_token_signature' : '_refresh_token_signature';
    const bodyToken = kind === 'access' ? result.body.tokens.accessToken : result.body.tokens.refreshToken;
    if (transport === 'bearer') return req.set('Authorization', `Bearer ${bodyToken}`);
    if (transport === 'cookie') return req.set('Authorization', `Bearer ${bodyToken}`).set('Cookie', `${cookieName}=${result.cookies[cookieName]}`);
    return req.set('Cookie', `${cookieName}=${result.cookies[cookieName]}`);
  }

  describe('POST /auth/login', () => {
    it('logs in with bearer tokens by default: full JWTs, numeric sub, no cookies', async () => {
      const { body, setCookie } = await login();
      expect(setCookie).toEqual([]);
      expect(body.tokens.accessToken!.split('.')).toHaveLength(3);
      expect(body.tokens.refreshToken!.split('.')).toHaveLength(3);
      const now = sample.clock.now();
      expect(body.session).toEqual({
        id: expect.any(String),
        userId: 1,
        type: 'full',
        createdAt: now,
        expiresAt: now + 365 * 24 * 3600,
        refreshedAt: now,
        refreshExpiresAt: now + 60 * 24 * 3600,
      });
      expect(body.tokens.accessTokenExp).toBe(now + 900);
      expect(body.tokens.refreshTokenExp).toBe(now + 60 * 24 * 3600);
      const access = decodePayload(body.tokens.accessToken!);
      expect(access).toEqual({
        iss: 'nestjs-charon-sample',
        sub: 1,
        sid: body.session.id,
        styp: 'full',
        type: 'access',
        jti: expect.any(String),
        iat: now,
        nbf: now,
        exp: now + 900,
      });
      const header = JSON.parse(Buffer.from(body.tokens.accessToken!.split('.')[0], 'base64url').toString());
      expect(header).toEqual({ alg: 'HS256', typ: 'JWT', kid: 'default' });
      expect(decodePayload(body.tokens.refreshToken!)).toMatchObject({ type: 'refresh', sub: 1, sid: body.session.id, exp: now + 60 * 24 * 3600 });
    });

    it('cookie transport: body holds header.payload, cookies hold .signature with secure attributes', async () => {
      const { body, cookies, setCookie } = await login('cookie');
      expect(body.tokens.accessToken!.split('.')).toHaveLength(2);
      expect(body.tokens.refreshToken!.split('.')).toHaveLength(2);
      expect(cookies._access_token_signature).toMatch(/^\.[A-Za-z0-9_-]+$/);
      expect(cookies._refresh_token_signature).toMatch(/^\.[A-Za-z0-9_-]+$/);
      const access = setCookie.find((c) => c.startsWith('_access_token_signature='))!;
      const refresh = setCookie.find((c) => c.startsWith('_refresh_token_signature='))!;
      for (const cookie of [access, refresh]) {
        expect(cookie).toMatch(/; HttpOnly/);
        expect(cookie).toMatch(/; Secure/);
        expect(cookie).toMatch(/; SameSite=Strict/);
        expect(cookie).toMatch(/; Path=\//);
      }
      expect(access).toMatch(/; Max-Age=900(;|$)/);
      expect(refresh).toMatch(new RegExp(`; Max-Age=${60 * 24 * 3600}(;|$)`));
    });

    it('cookie_only transport: null body tokens, full tokens in cookies', async () => {
      const { body, cookies } = await login('cookie_only');
      expect(body.tokens.accessToken).toBeNull();
      expect(body.tokens.refreshToken).toBeNull();
      expect(cookies._access_token_signature.split('.')).toHaveLength(3);
      expect(cookies._refresh_token_signature.split('.')).toHaveLength(3);
    });

    it('refuses bad credentials with 401 and Nest error shape', async () => {
      const res = await http().post('/auth/login').send({ username: 'alice', password: 'nope' }).expect(401);
      expect(res.body).toEqual({ statusCode: 401, message: expect.any(String), error: 'Unauthorized' });
      await http().post('/auth/login').send({ username: 'mallory', password: 'wonderland' }).expect(401);
    });

    it.each([
      ['missing password', { username: 'alice' }],
      ['unknown field', { username: 'alice', password: 'wonderland', admin: true }],
      ['bad transport', { username: 'alice', password: 'wonderland', tokenTransport: 'carrier-pigeon' }],
      ['wrong types', { username: 1, password: ['x'] }],
      ['array body', [1, 2]],
    ])('rejects an invalid body (%s) with 400', async (_name, body) => {
      const res = await http().post('/auth/login').send(body as object).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(res.body.message).toBeDefined();
    });

    it('refuses non-JSON bodies, so an HTML form cannot log in', async () => {
      const form = await http().post('/auth/login').type('form').send('username=alice&password=wonderland');
      expect([400, 415]).toContain(form.status);
      expect(form.body).toMatchObject({ statusCode: form.status, message: expect.anything(), error: expect.any(String) });
      const text = await http().post('/auth/login').set('Content-Type', 'text/plain').send('{"username":"alice","password":"wonderland"}');
      expect([400, 415]).toContain(text.status);
    });

    it('answers malformed JSON and oversized bodies with 4xx in Nest shape', async () => {
      const bad = await http().post('/auth/login').set('Content-Type', 'application/json').send('{"username": ').expect(400);
      expect(bad.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      const big = await http().post('/auth/login').send({ username: 'alice', password: 'x'.repeat(100_000) });
      expect(big.status).toBe(413);
      expect(big.body).toMatchObject({ statusCode: 413, message: expect.anything(), error: expect.any(String) });
    });

    it('refuses bearer tokens to browsers (Sec-Fetch-Site / Sec-Fetch-Dest) but not to Node fetch (Sec-Fetch-Mode only)', async () => {
      for (const [header, value] of [['Sec-Fetch-Site', 'same-origin'], ['Sec-Fetch-Dest', 'empty']]) {
        const res = await http().post('/auth/login').set(header, value).send({ username: 'alice', password: 'wonderland' }).expect(400);
        expect(res.body).toEqual({ statusCode: 400, message: expect.stringContaining('bearer'), error: 'Bad Request' });
      }
      await http().post('/auth/login').set('Sec-Fetch-Mode', 'cors').send({ username: 'alice', password: 'wonderland' }).expect(201);
      await http()
        .post('/auth/login')
        .set('Sec-Fetch-Site', 'same-origin')
        .send({ username: 'alice', password: 'wonderland', tokenTransport: 'cookie' })
        .expect(201);
    });
  });

  describe('GET /me', () => {
    it.each<Transport>(['bearer', 'cookie', 'cookie_only'])('authenticates a %s client and reports its transport', async (transport) => {
      const result = await login(transport);
      const res = await present(http().get('/me'), result, transport).expect(200);
      expect(res.body).toEqual({ userId: 1, sessionId: result.body.session.id, sessionType: 'full', tokenTransport: transport });
    });

    it('accepts "Bearer: <token>" too', async () => {
      const result = await login();
      await http().get('/me').set('Authorization', `Bearer: ${result.body.tokens.accessToken}`).expect(200);
    });

    it('refuses a refresh token', async () => {
      const result = await login();
      const res = await http().get('/me').set('Authorization', `Bearer ${result.body.tokens.refreshToken}`).expect(401);
      expect(res.body).toEqual({ statusCode: 401, message: 'bearer token claim type invalid', error: 'Unauthorized' });
    });

    it('cookie transport: the header alone (no signature cookie) is refused', async () => {
      const result = await login('cookie');
      const res = await http().get('/me').set('Authorization', `Bearer ${result.body.tokens.accessToken}`).expect(401);
      expect(res.body.message).toBe('bearer token signature invalid');
    });

    it('honours the 5 s clock drift on exp and nbf', async () => {
      const result = await login();
      const exp = result.body.tokens.accessTokenExp;
      sample.clock.set(exp + 4);
      await present(http().get('/me'), result, 'bearer').expect(200);
      sample.clock.set(exp + 5);
      const expired = await present(http().get('/me'), result, 'bearer').expect(401);
      expect(expired.body.message).toBe('bearer token expired');
    });

    it.each([
      ['no token', {}, 'bearer token not found'],
      ['empty bearer', { Authorization: 'Bearer ' }, 'bearer token not found'],
      ['other scheme', { Authorization: 'Basic YWxpY2U6d29uZGVybGFuZA==' }, 'bearer token not found'],
      ['garbage', { Authorization: 'Bearer garbage' }, 'bearer token signature invalid'],
      ['four segments', { Authorization: 'Bearer a.b.c.d' }, 'bearer token signature invalid'],
      ['alg none', { Authorization: `Bearer ${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":1}').toString('base64url')}.` }, 'bearer token signature invalid'],
      ['unicode junk', { Authorization: 'Bearer \u00ff\u00fe.\u00fd.x' }, 'bearer token signature invalid'],
      ['huge token', { Authorization: `Bearer ${'a'.repeat(10_000)}.${'b'.repeat(5000)}.c` }, 'bearer token signature invalid'],
      ['garbage cookie', { Cookie: '_access_token_signature=%%%; other==;;=' }, 'bearer token signature invalid'],
      ['cookie without value', { Cookie: '_access_token_signature=' }, 'bearer token not found'],
      ['broken cookie header', { Cookie: ';;;====;;' }, 'bearer token not found'],
    ])('answers %s with 401 and its reason', async (_name, headers, reason) => {
      const res = await http().get('/me').set(headers as Record<string, string>).expect(401);
      expect(res.body).toEqual({ statusCode: 401, message: reason, error: 'Unauthorized' });
    });

    it('refuses a token whose signature was swapped between tokens', async () => {
      const a = await login();
      const b = await login('bearer', 'bob', 'builder');
      const [h, p] = a.body.tokens.accessToken!.split('.');
      const sig = b.body.tokens.accessToken!.split('.')[2];
      const res = await http().get('/me').set('Authorization', `Bearer ${h}.${p}.${sig}`).expect(401);
      expect(res.body.message).toBe('bearer token signature invalid');
    });
  });

  describe('POST /auth/refresh', () => {
    it.each<Transport>(['bearer', 'cookie', 'cookie_only'])('refreshes a %s session keeping its identity and transport', async (transport) => {
      const result = await login(transport);
      sample.clock.advance(60);
      const res = await present(http().post('/auth/refresh'), result, transport, 'refresh').expect(200);
      const { session, tokens } = res.body;
      expect(session.id).toBe(result.body.session.id);
      expect(session.userId).toBe(1);
      expect(session.createdAt).toBe(result.body.session.createdAt);
      expect(session.expiresAt).toBe(result.body.session.expiresAt);
      expect(session.refreshedAt).toBe(sample.clock.now());
      expect(session.refreshExpiresAt).toBe(sample.clock.now() + 60 * 24 * 3600);
      const refreshed: LoginResult = { body: res.body, cookies: cookieValues(res), setCookie: setCookies(res) };
      if (transport === 'bearer') expect(refreshed.setCookie).toEqual([]);
      if (transport === 'cookie_only') expect(tokens.accessToken).toBeNull();
      if (transport === 'cookie') expect(tokens.accessToken.split('.')).toHaveLength(2);
      const me = await present(http().get('/me'), refreshed, transport).expect(200);
      expect(me.body.tokenTransport).toBe(transport);
    });

    it('refuses an access token and requests without a token', async () => {
      const result = await login();
      const res = await http().post('/auth/refresh').set('Authorization', `Bearer ${result.body.tokens.accessToken}`).expect(401);
      expect(res.body.message).toBe('bearer token claim type invalid');
      expect((await http().post('/auth/refresh').expect(401)).body.message).toBe('bearer token not found');
    });

    it('refuses a bearer refresh from a browser with 400', async () => {
      const result = await login();
      await present(http().post('/auth/refresh'), result, 'bearer', 'refresh').set('Sec-Fetch-Dest', 'empty').expect(400);
    });

    it('follows the token generation table (refreshCycle 5)', async () => {
      const t0 = sample.clock.now();
      const a = await login();
      const refreshWith = (token: LoginResult, at: number) => {
        sample.clock.set(t0 + at);
        return present(http().post('/auth/refresh'), token, 'bearer', 'refresh');
      };
      const asLogin = (res: request.Response): LoginResult => ({ body: res.body, cookies: {}, setCookie: [] });
      const b = asLogin(await refreshWith(a, 10).expect(200)); // t=10: new gen g2 (B); A is previous gen
      const c = asLogin(await refreshWith(a, 12).expect(200)); // t=12: A still fresh (g1 = previous gen)
      const d = asLogin(await refreshWith(b, 20).expect(200)); // t=20: new gen g3 (D); g2 (B, C) previous
      expect((await refreshWith(a, 20)).status).toBe(401); // A (g1) is now stale
      const stale = await refreshWith(a, 20);
      expect(stale.body).toEqual({ statusCode: 401, message: 'token stale', error: 'Unauthorized' });
      await refreshWith(c, 20).expect(200); // C (g2) fresh at 20
      await refreshWith(d, 30).expect(200); // t=30: new gen g4; D (g3) fresh
      expect((await refreshWith(c, 30)).body.message).toBe('token stale'); // g2 stale at 30
    });

    it('answers 409 to concurrent refreshes of one session: exactly one wins', async () => {
      const result = await login();
      sample.clock.advance(10);
      sample.store!.arm(10);
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => present(http().post('/auth/refresh'), result, 'bearer', 'refresh')),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(9);
      const conflict = responses.find((r) => r.status === 409)!;
      expect(conflict.body).toEqual({ statusCode: 409, message: expect.any(String), error: 'Conflict' });
    });

    it('never lets a session outlive its sessionTtl', async () => {
      await sample.app.close();
      sample = await startSampleApp(env({ SESSION_TTL: '1000', REFRESH_TOKEN_TTL: '600', ACCESS_TOKEN_TTL: '300' }));
      const result = await login();
      const createdAt = result.body.session.createdAt as number;
      expect(result.body.session.expiresAt).toBe(createdAt + 1000);
      sample.clock.set(createdAt + 500);
      let res = await present(http().post('/auth/refresh'), result, 'bearer', 'refresh').expect(200);
      expect(res.body.tokens.refreshTokenExp).toBe(createdAt + 1000);
      expect(res.body.tokens.accessTokenExp).toBe(createdAt + 800);
      sample.clock.set(createdAt + 900);
      res = await present(http().post('/auth/refresh'), { body: res.body, cookies: {}, setCookie: [] }, 'bearer', 'refresh').expect(200);
      expect(res.body.tokens.refreshTokenExp).toBe(createdAt + 1000);
      expect(res.body.tokens.accessTokenExp).toBe(createdAt + 1000);
      expect(res.body.session.expiresAt).toBe(createdAt + 1000);
    });

    it('supports infinite sessions', async () => {
      await sample.app.close();
      sample = await startSampleApp(env({ SESSION_TTL: 'infinite' }));
      const result = await login('cookie');
      expect(result.body.session.expiresAt).toBe('infinite');
      sample.clock.advance(30 * 24 * 3600);
      const res = await present(http().post('/auth/refresh'), result, 'cookie', 'refresh').expect(200);
      expect(res.body.session.expiresAt).toBe('infinite');
      expect(res.body.tokens.refreshTokenExp).toBe(sample.clock.now() + 60 * 24 * 3600);
    });

    it('refuses a refresh token after the session expired', async () => {
      const result = await login();
      sample.clock.advance(60 * 24 * 3600 + 10);
      const res = await present(http().post('/auth/refresh'), result, 'bearer', 'refresh').expect(401);
      expect(res.body.message).toBe('bearer token expired');
    });
  });

  describe('sessions and logout', () => {
    it('lists the user sessions with the current one marked', async () => {
      const first = await login();
      const second = await login('cookie');
      await login('bearer', 'bob', 'builder');
      const res = await present(http().get('/auth/sessions'), second, 'cookie').expect(200);
      expect(res.body).toHaveLength(2);
      const byId = Object.fromEntries(res.body.map((s: { id: string }) => [s.id, s]));
      expect(byId[second.body.session.id]).toMatchObject({ current: true, type: 'full' });
      expect(byId[first.body.session.id]).toMatchObject({ current: false });
      expect(Object.keys(byId[first.body.session.id]).sort()).toEqual(
        ['createdAt', 'current', 'expiresAt', 'id', 'refreshExpiresAt', 'refreshedAt', 'type'].sort(),
      );
    });

    it.each<Transport>(['bearer', 'cookie', 'cookie_only'])('DELETE /auth/session (%s) logs out and clears both cookies', async (transport) => {
      const result = await login(transport);
      const res = await present(http().delete('/auth/session'), result, transport).expect(204);
      const cleared = setCookies(res);
      expect(cleared).toHaveLength(2);
      for (const name of ['_access_token_signature', '_refresh_token_signature']) {
        const cookie = cleared.find((c) => c.startsWith(`${name}=;`))!;
        expect(cookie).toMatch(/Max-Age=0/);
        expect(cookie).toMatch(/Path=\//);
      }
      const refresh = await present(http().post('/auth/refresh'), result, transport, 'refresh').expect(401);
      expect(refresh.body.message).toBe('session not found');
    });

    it('DELETE /auth/sessions logs the user out everywhere, not other users', async () => {
      const a1 = await login();
      const a2 = await login();
      const b = await login('bearer', 'bob', 'builder');
      await present(http().delete('/auth/sessions'), a1, 'bearer').expect(204);
      for (const token of [a1, a2]) {
        expect((await present(http().post('/auth/refresh'), token, 'bearer', 'refresh').expect(401)).body.message).toBe('session not found');
      }
      await present(http().post('/auth/refresh'), b, 'bearer', 'refresh').expect(200);
    });

    it('logout racing refreshes never resurrects the session', async () => {
      for (let round = 0; round < 5; round++) {
        const result = await login();
        sample.clock.advance(10);
        sample.store!.arm(5);
        const refreshes = Array.from({ length: 5 }, () => present(http().post('/auth/refresh'), result, 'bearer', 'refresh'));
        const logout = present(http().delete('/auth/session'), result, 'bearer');
        const responses = await Promise.all([...refreshes, logout]);
        for (const r of responses) expect([200, 204, 401, 409]).toContain(r.status);
        const list = await login();
        const sessions = await present(http().get('/auth/sessions'), list, 'bearer').expect(200);
        expect(sessions.body.map((s: { id: string }) => s.id)).not.toContain(result.body.session.id);
        await present(http().delete('/auth/sessions'), list, 'bearer').expect(204);
      }
    });

    it('unknown routes are 404 in Nest shape', async () => {
      const res = await http().get('/nope').expect(404);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    });
  });
});
