import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Logger, type LoggerService } from '@nestjs/common';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import request from 'supertest';
import { RedisTestServer } from '../support/redis-server';
import {
  ACCESS_COOKIE,
  REFRESH_COOKIE,
  asLoginResult,
  clearedCookies,
  cookieValues,
  login as loginUser,
  present,
  setCookies,
  startSampleApp,
  startSampleProcess,
  type LoginResult,
  type SampleApp,
  type SampleAppOptions,
  type SampleProcess,
  type Transport,
} from '../support/sample-app';

function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
}

describe.each(['memory', 'redis'] as const)('sample app HTTP contract (%s store)', (storeKind) => {
  let sample: SampleApp;
  let redis: RedisTestServer | undefined;
  const http = () => request(sample.server);
  /** The sample's environment for this store, plus `extra`. */
  const env = (extra: Record<string, string> = {}) => ({ REDIS_URL: redis?.url, ...extra });

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

  const login = (transport?: Transport, user: 'alice' | 'bob' = 'alice') => loginUser(sample.server, { transport, user });

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
      const b = await login('bearer', 'bob');
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
      const refreshed = asLoginResult(res);
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

    it('follows the token generation table (refreshCycle 5; STALE_REFRESH=reject keeps the session)', async () => {
      await sample.app.close();
      sample = await startSampleApp(env({ STALE_REFRESH: 'reject' }));
      const t0 = sample.clock.now();
      const a = await login();
      const refreshWith = (token: LoginResult, at: number) => {
        sample.clock.set(t0 + at);
        return present(http().post('/auth/refresh'), token, 'bearer', 'refresh');
      };
      const b = asLoginResult(await refreshWith(a, 10).expect(200)); // t=10: new gen g2 (B); A is previous gen
      const c = asLoginResult(await refreshWith(a, 12).expect(200)); // t=12: A still fresh (g1 = previous gen)
      const d = asLoginResult(await refreshWith(b, 20).expect(200)); // t=20: new gen g3 (D); g2 (B, C) previous
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
      res = await present(http().post('/auth/refresh'), asLoginResult(res), 'bearer', 'refresh').expect(200);
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
      await login('bearer', 'bob');
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
      const b = await login('bearer', 'bob');
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

describe('sample app HTTP contract, version 2: failing closed, devices (memory store)', () => {
  /** Boots the sample with `env` for each test of the enclosing describe (or once for all of them), and closes it. */
  function sampleWith(env: Record<string, string> = {}, options: { once?: boolean } & SampleAppOptions = {}): () => SampleApp {
    let sample: SampleApp | undefined;
    (options.once ? beforeAll : beforeEach)(async () => {
      sample = await startSampleApp(env, options);
    });
    (options.once ? afterAll : afterEach)(async () => {
      await sample?.app.close();
    });
    return () => sample!;
  }

  const unauthorized = (message: string) => ({ statusCode: 401, message, error: 'Unauthorized' });

  describe('issuer (tokens minted with JWT_KEY)', () => {
    const key = randomBytes(32);
    const app = sampleWith({ JWT_KEY: key.toString('base64url') });
    const http = () => request(app().server);
    const ISSUER = 'nestjs-charon-sample';

    /** A token like the sample's, signed with JWT_KEY: `claims` override (an undefined value removes the claim). */
    async function mint(type: 'access' | 'refresh', sid: string, claims: Record<string, unknown> = {}): Promise<string> {
      const now = app().clock.now();
      const payload: Record<string, unknown> = { iss: ISSUER, sub: 1, sid, styp: 'full', type, jti: randomBytes(16).toString('base64url'), iat: now, nbf: now, exp: now + 600, ...claims };
      for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
      return new SignJWT(payload).setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: 'default' }).sign(key);
    }

    it('accepts a minted token with the app issuer (the key and claims are right)', async () => {
      const { body } = await loginUser(app().server);
      await http().get('/me').set('Authorization', `Bearer ${await mint('access', body.session.id)}`).expect(200);
      await http().post('/auth/refresh').set('Authorization', `Bearer ${await mint('refresh', body.session.id)}`).expect(200);
    });

    it.each([
      ['another issuer', { iss: 'https://other.example' }, 'bearer token claim iss invalid'],
      ['the issuer in other case', { iss: ISSUER.toUpperCase() }, 'bearer token claim iss invalid'],
      ['the issuer with a trailing slash', { iss: `${ISSUER}/` }, 'bearer token claim iss invalid'],
      ['a non-string issuer', { iss: [ISSUER] }, 'bearer token claim iss invalid'],
      ['no issuer', { iss: undefined }, 'bearer token claim iss not found'],
    ])('refuses %s on access, refresh and logout routes, and the session lives on', async (_name, claims, reason) => {
      const { body } = await loginUser(app().server);
      const access = await mint('access', body.session.id, claims);
      const refresh = await mint('refresh', body.session.id, claims);
      expect((await http().get('/me').set('Authorization', `Bearer ${access}`).expect(401)).body).toEqual(unauthorized(reason));
      expect((await http().get('/auth/sessions').set('Authorization', `Bearer ${access}`).expect(401)).body).toEqual(unauthorized(reason));
      expect((await http().post('/auth/refresh').set('Authorization', `Bearer ${refresh}`).expect(401)).body).toEqual(unauthorized(reason));
      await http().delete('/auth/session').set('Authorization', `Bearer ${access}`).expect(401);
      await http().delete('/auth/session').set('Authorization', `Bearer ${refresh}`).expect(401);
      await http().delete('/auth/sessions').set('Authorization', `Bearer ${access}`).expect(401);
      await http().post('/auth/refresh').set('Authorization', `Bearer ${body.tokens.refreshToken}`).expect(200);
    });
  });

  describe('stale refresh tokens', () => {
    /** Login A at t0, B = refresh(A) at t0+10, D = refresh(B) at t0+20: A is then older than the previous generation. */
    async function staleSetup(sample: SampleApp) {
      const refresh = (token: LoginResult) => present(request(sample.server).post('/auth/refresh'), token, 'bearer', 'refresh');
      const t0 = sample.clock.now();
      const a = await loginUser(sample.server);
      sample.clock.set(t0 + 10);
      const b = asLoginResult(await refresh(a).expect(200));
      sample.clock.set(t0 + 20);
      const d = asLoginResult(await refresh(b).expect(200));
      return { a, d, refresh };
    }

    describe('STALE_REFRESH unset (revoke)', () => {
      const app = sampleWith();
      it('answers 401 "token stale" and deletes the session, so its current tokens die too', async () => {
        const { a, d, refresh } = await staleSetup(app());
        expect((await refresh(a).expect(401)).body).toEqual(unauthorized('token stale'));
        expect((await refresh(d).expect(401)).body).toEqual(unauthorized('session not found'));
        const list = await present(request(app().server).get('/auth/sessions'), d, 'bearer').expect(401);
        expect(list.body).toEqual(unauthorized('session not found'));
      });

      it('deletes only that session: the user and other users keep theirs', async () => {
        const other = await loginUser(app().server);
        const bob = await loginUser(app().server, { user: 'bob' });
        const { a, refresh } = await staleSetup(app());
        await refresh(a).expect(401);
        await refresh(other).expect(200);
        await refresh(bob).expect(200);
      });
    });

    describe('STALE_REFRESH=revoke', () => {
      const app = sampleWith({ STALE_REFRESH: 'revoke' });
      it('deletes the session', async () => {
        const { a, d, refresh } = await staleSetup(app());
        await refresh(a).expect(401);
        expect((await refresh(d).expect(401)).body.message).toBe('session not found');
      });
    });

    describe('STALE_REFRESH=reject', () => {
      const app = sampleWith({ STALE_REFRESH: 'reject' });
      it('answers 401 "token stale" and keeps the session (Charon)', async () => {
        const { a, d, refresh } = await staleSetup(app());
        expect((await refresh(a).expect(401)).body).toEqual(unauthorized('token stale'));
        expect((await refresh(a).expect(401)).body).toEqual(unauthorized('token stale'));
        await refresh(d).expect(200);
      });
    });
  });

  describe('CSRF: cookie-authenticated unsafe requests from other sites', () => {
    const TRUSTED = 'https://trusted.example';
    const app = sampleWith({ ALLOWED_ORIGINS: ` ${TRUSTED} , http://127.0.0.1:5173` }, { once: true });
    const http = () => request(app().server);
    /** Every request names this Host, so the app's own origin is http://sample.test. */
    const HOST = 'sample.test';
    const ORIGINS = { own: `http://${HOST}`, allowed: TRUSTED, foreign: 'https://evil.example', opaque: 'null' } as const;
    type OriginKind = keyof typeof ORIGINS | 'no';
    type Site = 'cross-site' | 'same-site' | 'same-origin' | 'none' | 'no';

    /**
     * The header combinations and whether the contract refuses them. Left out: combinations no browser sends
     * (`same-site` from the app's own origin, `same-origin` or `none` from another origin).
     */
    const MATRIX: [Site, OriginKind, boolean][] = [
      ['cross-site', 'no', true],
      ['cross-site', 'own', true],
      ['cross-site', 'allowed', true],
      ['cross-site', 'foreign', true],
      ['cross-site', 'opaque', true],
      ['same-site', 'no', true],
      ['same-site', 'foreign', true],
      ['same-site', 'opaque', true],
      ['same-site', 'allowed', false],
      ['same-origin', 'no', false],
      ['same-origin', 'own', false],
      ['none', 'no', false],
      ['no', 'no', false],
      ['no', 'own', false],
      ['no', 'allowed', false],
      ['no', 'foreign', true],
      ['no', 'opaque', true],
    ];
    const CASES = MATRIX.map(([site, origin, refused]) => ({ site, origin, refused, title: `Sec-Fetch-Site ${site}, Origin ${origin} -> ${refused ? '403' : 'passes'}` }));

    function fromContext(req: request.Test, site: Site, origin: OriginKind): request.Test {
      req.set('Host', HOST);
      if (site !== 'no') req.set('Sec-Fetch-Site', site);
      if (origin !== 'no') req.set('Origin', ORIGINS[origin]);
      return req;
    }

    const cookieHeader = (result: LoginResult) => `${ACCESS_COOKIE}=${result.cookies[ACCESS_COOKIE]}; ${REFRESH_COOKIE}=${result.cookies[REFRESH_COOKIE]}`;

    function expectForbidden(res: request.Response): void {
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ statusCode: 403, message: expect.any(String), error: 'Forbidden' });
      expect(setCookies(res)).toEqual([]);
    }

    /** The session's listing entry, read with its cookie_only access cookie by a plain same-origin GET. */
    async function listed(result: LoginResult) {
      const res = await http().get('/auth/sessions').set('Cookie', `${ACCESS_COOKIE}=${result.cookies[ACCESS_COOKIE]}`);
      return res.status === 200 ? (res.body as { id: string; refreshedAt: number }[]).find((s) => s.id === result.body.session.id) : undefined;
    }

    it.each(CASES)('POST /auth/refresh (cookie_only): $title', async ({ site, origin, refused }) => {
      const session = await loginUser(app().server, { transport: 'cookie_only' });
      app().clock.advance(10);
      const res = await fromContext(http().post('/auth/refresh'), site, origin).set('Cookie', cookieHeader(session));
      if (refused) {
        expectForbidden(res);
        expect((await listed(session))?.refreshedAt).toBe(session.body.session.refreshedAt);
      } else {
        expect(res.status).toBe(200);
        expect(Object.keys(cookieValues(res)).sort()).toEqual([ACCESS_COOKIE, REFRESH_COOKIE]);
      }
    });

    it.each(CASES)('DELETE /auth/session (cookie_only): $title', async ({ site, origin, refused }) => {
      const session = await loginUser(app().server, { transport: 'cookie_only' });
      const res = await fromContext(http().delete('/auth/session'), site, origin).set('Cookie', cookieHeader(session));
      if (refused) {
        expectForbidden(res);
        expect(await listed(session)).toBeDefined();
      } else {
        expect(res.status).toBe(204);
        expect(await listed(session)).toBeUndefined();
      }
    });

    it.each(CASES)('DELETE /auth/sessions (cookie_only): $title', async ({ site, origin, refused }) => {
      const session = await loginUser(app().server, { transport: 'cookie_only' });
      const res = await fromContext(http().delete('/auth/sessions'), site, origin).set('Cookie', cookieHeader(session));
      if (refused) {
        expectForbidden(res);
        expect(await listed(session)).toBeDefined();
      } else {
        expect(res.status).toBe(204);
        expect(await listed(session)).toBeUndefined();
      }
    });

    describe.each<Transport>(['cookie', 'cookie_only'])('POST /auth/login asking for %s', (transport) => {
      it.each(CASES)('$title; a refused login creates no session and sets no cookie', async ({ site, origin, refused }) => {
        const observer = await loginUser(app().server, { user: 'bob' });
        const ids = async () => (await present(http().get('/auth/sessions'), observer, 'bearer').expect(200)).body.map((s: { id: string }) => s.id).sort();
        const before = await ids();
        const res = await fromContext(http().post('/auth/login'), site, origin).send({ username: 'bob', password: 'builder', tokenTransport: transport });
        if (refused) {
          expectForbidden(res);
          expect(await ids()).toEqual(before);
        } else {
          expect(res.status).toBe(201);
          expect(Object.keys(cookieValues(res)).sort()).toEqual([ACCESS_COOKIE, REFRESH_COOKIE]);
        }
      });
    });

    it('lets safe methods through from anywhere (GET with cookie_only)', async () => {
      const session = await loginUser(app().server, { transport: 'cookie_only' });
      for (const path of ['/me', '/auth/sessions']) {
        await fromContext(http().get(path), 'cross-site', 'foreign').set('Cookie', cookieHeader(session)).expect(200);
      }
    });

    it('does not apply to transports that need the Authorization header (a cross-site page cannot send it)', async () => {
      const session = await loginUser(app().server, { transport: 'cookie' });
      await present(fromContext(http().get('/me'), 'cross-site', 'foreign'), session, 'cookie').expect(200);
      await present(fromContext(http().delete('/auth/session'), 'cross-site', 'foreign'), session, 'cookie').expect(204);
      const bearer = await fromContext(http().post('/auth/login'), 'no', 'foreign').send({ username: 'alice', password: 'wonderland' });
      expect(bearer.status).toBe(201);
    });

    it.each([
      ['an HTML form', 'application/x-www-form-urlencoded', 'tokenTransport=cookie_only'],
      ['a multipart form', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n'],
      ['a text/plain form or fetch', 'text/plain', '{"tokenTransport":"cookie_only"}'],
    ])('refuses %s POSTed to /auth/refresh from another site, with or without Fetch Metadata', async (_name, type, body) => {
      const session = await loginUser(app().server, { transport: 'cookie_only' });
      app().clock.advance(10);
      for (const [site, origin] of [['cross-site', 'foreign'], ['no', 'foreign'], ['same-site', 'foreign']] as const) {
        const res = await fromContext(http().post('/auth/refresh'), site, origin).set('Cookie', cookieHeader(session)).set('Content-Type', type).send(body);
        expectForbidden(res);
      }
      expect((await listed(session))?.refreshedAt).toBe(session.body.session.refreshedAt);
      const own = await fromContext(http().post('/auth/refresh'), 'same-origin', 'own').set('Cookie', cookieHeader(session)).set('Content-Type', type).send(body);
      expect(own.status).toBe(200);
    });

    it.each([
      ['an HTML form', 'application/x-www-form-urlencoded', 'username=alice&password=wonderland&tokenTransport=cookie_only'],
      ['a text/plain form', 'text/plain', '{"username":"alice","password":"wonderland","tokenTransport":"cookie_only"}'],
    ])('refuses a login by %s from another site, without cookies', async (_name, type, body) => {
      for (const [site, origin] of [['cross-site', 'foreign'], ['no', 'foreign']] as const) {
        const res = await fromContext(http().post('/auth/login'), site, origin).set('Content-Type', type).send(body);
        expect([400, 403, 415]).toContain(res.status);
        expect(setCookies(res)).toEqual([]);
      }
    });
  });

  describe('cookie tossing: two cookies with one token cookie name', () => {
    const app = sampleWith();
    const http = () => request(app().server);

    it('GET /me (cookie_only) takes no token from either, whichever order', async () => {
      const victim = await loginUser(app().server, { transport: 'cookie_only' });
      const attacker = await loginUser(app().server, { transport: 'cookie_only', user: 'bob' });
      const [v, a] = [victim.cookies[ACCESS_COOKIE], attacker.cookies[ACCESS_COOKIE]];
      for (const [first, second] of [[a, v], [v, a], [v, v]]) {
        const res = await http().get('/me').set('Cookie', `${ACCESS_COOKIE}=${first}; ${ACCESS_COOKIE}=${second}`).expect(401);
        expect(res.body).toEqual(unauthorized('bearer token not found'));
      }
    });

    it('POST /auth/refresh refreshes neither session', async () => {
      const victim = await loginUser(app().server, { transport: 'cookie_only' });
      const attacker = await loginUser(app().server, { transport: 'cookie_only', user: 'bob' });
      app().clock.advance(10);
      for (const [first, second] of [[attacker, victim], [victim, attacker]]) {
        const res = await http().post('/auth/refresh').set('Cookie', `${REFRESH_COOKIE}=${first.cookies[REFRESH_COOKIE]}; ${REFRESH_COOKIE}=${second.cookies[REFRESH_COOKIE]}`);
        expect(res.status).toBe(401);
        expect(cookieValues(res)[ACCESS_COOKIE] ?? '').toBe('');
      }
      for (const session of [victim, attacker]) {
        const list = await http().get('/auth/sessions').set('Cookie', `${ACCESS_COOKIE}=${session.cookies[ACCESS_COOKIE]}`).expect(200);
        expect(list.body.find((s: { id: string }) => s.id === session.body.session.id).refreshedAt).toBe(session.body.session.refreshedAt);
      }
    });

    it('cookie transport: two signature cookies do not complete the header token', async () => {
      const victim = await loginUser(app().server, { transport: 'cookie' });
      const signature = victim.cookies[ACCESS_COOKIE];
      await http().get('/me').set('Authorization', `Bearer ${victim.body.tokens.accessToken}`).set('Cookie', `${ACCESS_COOKIE}=${signature}; ${ACCESS_COOKIE}=${signature}`).expect(401);
    });

    it('DELETE /auth/session deletes no session', async () => {
      const victim = await loginUser(app().server, { transport: 'cookie_only' });
      const access = victim.cookies[ACCESS_COOKIE];
      await http().delete('/auth/session').set('Cookie', `${ACCESS_COOKIE}=${access}; ${ACCESS_COOKIE}=${access}`).expect(401);
      await present(http().post('/auth/refresh'), victim, 'cookie_only', 'refresh').expect(200);
    });
  });

  describe('token responses are not cached', () => {
    const app = sampleWith();
    it.each<Transport>(['bearer', 'cookie', 'cookie_only'])('login and refresh (%s): Cache-Control no-store, no ETag', async (transport) => {
      const res = await request(app().server).post('/auth/login').send({ username: 'alice', password: 'wonderland', tokenTransport: transport }).expect(201);
      expect(res.headers['cache-control']).toMatch(/\bno-store\b/);
      expect(res.headers.etag).toBeUndefined();
      const refreshed = await present(request(app().server).post('/auth/refresh'), asLoginResult(res), transport, 'refresh').expect(200);
      expect(refreshed.headers['cache-control']).toMatch(/\bno-store\b/);
      expect(refreshed.headers.etag).toBeUndefined();
    });
  });

  describe('MAX_SESSIONS_PER_USER=3', () => {
    const app = sampleWith({ MAX_SESSIONS_PER_USER: '3' });
    const http = () => request(app().server);
    const ids = async (result: LoginResult) => (await present(http().get('/auth/sessions'), result, 'bearer').expect(200)).body.map((s: { id: string }) => s.id).sort();

    it("a login beyond the cap deletes the user's least recently refreshed session, no one else's", async () => {
      const { clock } = app();
      const bob = [await loginUser(app().server, { user: 'bob' }), await loginUser(app().server, { user: 'bob' })];
      const a1 = await loginUser(app().server);
      clock.advance(1);
      const a2 = await loginUser(app().server);
      clock.advance(1);
      const a3 = await loginUser(app().server);
      clock.advance(10);
      const a1b = asLoginResult(await present(http().post('/auth/refresh'), a1, 'bearer', 'refresh').expect(200));
      clock.advance(1);
      const a4 = await loginUser(app().server);
      expect((await present(http().post('/auth/refresh'), a2, 'bearer', 'refresh').expect(401)).body).toEqual(unauthorized('session not found'));
      expect(await ids(a4)).toEqual([a1, a3, a4].map((s) => s.body.session.id).sort());
      for (const live of [a1b, a3, a4, ...bob]) await present(http().post('/auth/refresh'), live, 'bearer', 'refresh').expect(200);
    });

    it('never lists more sessions than the cap', async () => {
      const logins: LoginResult[] = [];
      for (let i = 0; i < 7; i++) logins.push(await loginUser(app().server, { transport: i % 2 ? 'cookie' : 'bearer' }));
      const last = logins[logins.length - 1];
      expect(await ids(last)).toEqual(logins.slice(-3).map((s) => s.body.session.id).sort());
    });
  });

  describe('same device (deviceId)', () => {
    const app = sampleWith();
    const http = () => request(app().server);
    const refresh = (result: LoginResult) => present(http().post('/auth/refresh'), result, 'bearer', 'refresh');

    it("a login with a deviceId replaces that user's sessions from the same device only", async () => {
      const phone = await loginUser(app().server, { deviceId: 'phone' });
      const laptop = await loginUser(app().server, { deviceId: 'laptop' });
      const plain = [await loginUser(app().server), await loginUser(app().server)];
      const bobPhone = await loginUser(app().server, { user: 'bob', deviceId: 'phone' });
      const phoneAgain = await loginUser(app().server, { deviceId: 'phone', transport: 'cookie' });
      expect((await refresh(phone).expect(401)).body).toEqual(unauthorized('session not found'));
      for (const live of [laptop, ...plain, bobPhone]) await refresh(live).expect(200);
      await present(http().post('/auth/refresh'), phoneAgain, 'cookie', 'refresh').expect(200);
    });

    it('logins without a deviceId replace nothing', async () => {
      const logins = [await loginUser(app().server), await loginUser(app().server), await loginUser(app().server)];
      for (const live of logins) await refresh(live).expect(200);
    });

    it.each([
      ['empty', ''],
      ['too long', 'd'.repeat(129)],
      ['a number', 42],
      ['an object', { id: 'phone' }],
      ['an array', ['phone']],
    ])('refuses a deviceId that is %s with 400', async (_name, deviceId) => {
      const res = await http().post('/auth/login').send({ username: 'alice', password: 'wonderland', deviceId }).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    });

    it('accepts a deviceId of 128 characters', async () => {
      await http().post('/auth/login').send({ username: 'alice', password: 'wonderland', deviceId: 'd'.repeat(128) }).expect(201);
    });
  });

  describe('malformed bodies of any shape: 4xx in Nest shape, never logged as errors', () => {
    const logged: string[] = [];
    const logger: LoggerService = {
      log: () => undefined,
      warn: () => undefined,
      error: (message: unknown) => void logged.push(String(message)),
      fatal: (message: unknown) => void logged.push(String(message)),
    };
    const app = sampleWith({}, { logger });
    const http = () => request(app().server);
    afterEach(() => {
      expect(logged).toEqual([]);
      logged.length = 0;
    });

    function expectClientError(res: request.Response): void {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body).toEqual({ statusCode: res.status, message: expect.anything(), error: expect.any(String) });
    }

    /** Sends raw bytes as they are (supertest would re-encode a Buffer body). */
    const sendRaw = (req: request.Test, body: Buffer | string) => req.serialize((raw: unknown) => raw as string).send(body as string);
    const json = (path = '/auth/login') => http().post(path).set('Content-Type', 'application/json');

    it.each([
      ['deeply nested arrays', '['.repeat(8000) + ']'.repeat(8000)],
      ['deeply nested objects', '{"a":'.repeat(2500) + '1' + '}'.repeat(2500)],
      ['deep nesting inside a field', `{"username":"alice","password":${'['.repeat(5000)}${']'.repeat(5000)}}`],
      ['unbalanced deep nesting', '['.repeat(10_000)],
      ['nesting hidden behind a string with escaped quotes', `{"username":"a\\"[","password":${'['.repeat(3000)}${']'.repeat(3000)}}`],
    ])('%s: 400 on every route', async (_name, body) => {
      for (const path of ['/auth/login', '/auth/refresh']) expectClientError(await json(path).send(body));
      expectClientError(await http().delete('/auth/session').set('Content-Type', 'application/json').send(body));
    });

    it('brackets inside strings are not nesting', async () => {
      const res = await json().send(JSON.stringify({ username: 'alice', password: '['.repeat(1000) }));
      expect(res.status).toBe(401);
    });

    it.each([
      ['gzip', 'not gzip at all'],
      ['gzip', gzipSync(Buffer.from('{"username":"alice"')).subarray(0, 12)],
      ['deflate', Buffer.from([1, 2, 3, 4, 5, 6, 7, 8])],
      ['br', 'not brotli'],
      ['bogus', '{}'],
      ['gzip, gzip', gzipSync(gzipSync('{}'))],
      ['gzip', gzipSync(Buffer.alloc(1_000_000, 0x20))],
    ])('a bad body for Content-Encoding %s', async (encoding, body) => {
      expectClientError(await sendRaw(json().set('Content-Encoding', encoding), body));
    });

    it('a good gzip body still logs in (compression is supported, not broken)', async () => {
      await sendRaw(json().set('Content-Encoding', 'gzip'), gzipSync('{"username":"alice","password":"wonderland"}')).expect(201);
    });

    it.each(['utf-16', 'utf-16le', 'latin1', 'bogus'])('a body in charset %s: 415', async (charset) => {
      const res = await http().post('/auth/login').set('Content-Type', `application/json; charset=${charset}`).send('{"username":"alice","password":"wonderland"}');
      expect(res.status).toBe(415);
      expectClientError(res);
    });

    it.each([
      ['null', 'null'],
      ['a string', '"alice"'],
      ['a number', '1e400'],
      ['true', 'true'],
      ['an empty array', '[]'],
      ['an empty body', ''],
      ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
      ['a NUL byte', '{"username":"alice\u0000","password":"wonderland"}'],
      ['a lone surrogate', '{"username":"\\ud800","password":"wonderland"}'],
      ['a duplicate key', '{"username":"alice","username":["x"],"password":"wonderland"}'],
      ['trailing garbage', '{"username":"alice","password":"wonderland"} x'],
    ])('%s', async (_name, body) => {
      expectClientError(await sendRaw(json(), body));
    });

    it.each(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'])('an unknown field named %s, even with good credentials', async (key) => {
      for (const value of ['1', '{"polluted":true}', 'null']) {
        const res = await sendRaw(json(), `{"username":"alice","password":"wonderland","${key}":${value}}`);
        expect(res.status).toBe(400);
        expectClientError(res);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('any JSON value, and any text, as a login body', async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value) ?? 'null'), fc.string({ unit: 'binary', maxLength: 200 })), async (body) => {
          expectClientError(await sendRaw(json(), body));
        }),
        { numRuns: 60 },
      );
    });
  });

  describe('the sample as a process (sample/main.ts, as npm start runs it)', () => {
    let sample: SampleProcess;
    beforeAll(async () => {
      sample = await startSampleProcess();
    });
    afterAll(async () => {
      await sample?.stop();
    });

    it('warns that CHARON_SECRET is unset, answers malformed bodies with 4xx in Nest shape, and logs no error', async () => {
      const post = (headers: Record<string, string>, body: string | Buffer) =>
        fetch(`${sample.url}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
      const malformed: [Record<string, string>, string | Buffer][] = [
        [{ 'Content-Encoding': 'gzip' }, 'not gzip at all'],
        [{ 'Content-Encoding': 'deflate' }, 'not deflate'],
        [{ 'Content-Encoding': 'br' }, 'not brotli'],
        [{ 'Content-Encoding': 'bogus' }, '{}'],
        [{}, '['.repeat(8000) + ']'.repeat(8000)],
        [{}, '{"username": '],
        [{}, JSON.stringify({ username: 'alice', password: 'x'.repeat(20_000) })],
        [{ 'Content-Type': 'application/json; charset=utf-16' }, '{}'],
      ];
      for (const [headers, body] of malformed) {
        const res = await post(headers, body);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(await res.json()).toEqual({ statusCode: res.status, message: expect.any(String), error: expect.any(String) });
      }
      expect((await post({ 'Content-Encoding': 'gzip' }, gzipSync('{"username":"alice","password":"wonderland"}'))).status).toBe(201);
      expect(sample.output()).toMatch(/CHARON_SECRET is not set/);
      expect(sample.output()).not.toMatch(/ERROR/);
    });
  });

  describe('logout (LogoutGuard)', () => {
    const app = sampleWith();
    const http = () => request(app().server);

    it('cookie_only with only the refresh cookie (the access cookie expired): 204, both cookies cleared, session gone', async () => {
      const session = await loginUser(app().server, { transport: 'cookie_only' });
      const res = await http().delete('/auth/session').set('Cookie', `${REFRESH_COOKIE}=${session.cookies[REFRESH_COOKIE]}`).expect(204);
      expect(clearedCookies(res)).toEqual([ACCESS_COOKIE, REFRESH_COOKIE]);
      expect((await present(http().post('/auth/refresh'), session, 'cookie_only', 'refresh').expect(401)).body).toEqual(unauthorized('session not found'));
    });

    it('cookie_only with both cookies, the access token expired: 204, session gone', async () => {
      const session = await loginUser(app().server, { transport: 'cookie_only' });
      app().clock.advance(3600);
      const cookies = `${ACCESS_COOKIE}=${session.cookies[ACCESS_COOKIE]}; ${REFRESH_COOKIE}=${session.cookies[REFRESH_COOKIE]}`;
      const res = await http().delete('/auth/session').set('Cookie', cookies).expect(204);
      expect(clearedCookies(res)).toEqual([ACCESS_COOKIE, REFRESH_COOKIE]);
      expect((await present(http().post('/auth/refresh'), session, 'cookie_only', 'refresh').expect(401)).body.message).toBe('session not found');
    });

    it.each([
      ['no token at all', {}],
      ['garbage cookies', { Cookie: `${ACCESS_COOKIE}=garbage; ${REFRESH_COOKIE}=.garbage` }],
      ['a garbage bearer token', { Authorization: 'Bearer a.b.c' }],
    ])('%s: 401, both cookies still cleared', async (_name, headers) => {
      const res = await http().delete('/auth/session').set(headers as Record<string, string>).expect(401);
      expect(res.body).toEqual({ statusCode: 401, message: expect.any(String), error: 'Unauthorized' });
      expect(clearedCookies(res)).toEqual([ACCESS_COOKIE, REFRESH_COOKIE]);
    });

    it('an expired refresh token alone: 401, cookies cleared', async () => {
      const session = await loginUser(app().server, { transport: 'cookie_only' });
      app().clock.advance(61 * 24 * 3600);
      const res = await http().delete('/auth/session').set('Cookie', `${REFRESH_COOKIE}=${session.cookies[REFRESH_COOKIE]}`).expect(401);
      expect(clearedCookies(res)).toEqual([ACCESS_COOKIE, REFRESH_COOKIE]);
    });
  });

  describe('lone signature cookies', () => {
    const app = sampleWith();
    it('a lone .signature access cookie is used as the whole token: 401 "bearer token signature invalid"', async () => {
      const session = await loginUser(app().server, { transport: 'cookie' });
      const res = await request(app().server).get('/me').set('Cookie', `${ACCESS_COOKIE}=${session.cookies[ACCESS_COOKIE]}`).expect(401);
      expect(res.body).toEqual(unauthorized('bearer token signature invalid'));
      const refresh = await request(app().server).post('/auth/refresh').set('Cookie', `${REFRESH_COOKIE}=${session.cookies[REFRESH_COOKIE]}`).expect(401);
      expect(refresh.body).toEqual(unauthorized('bearer token signature invalid'));
    });
  });

  describe('session management loads the session', () => {
    const app = sampleWith();
    it("a logged-out access token (a thief's) can neither list nor delete the user's sessions", async () => {
      const http = () => request(app().server);
      const stolen = await loginUser(app().server);
      const other = await loginUser(app().server);
      await present(http().delete('/auth/session'), stolen, 'bearer').expect(204);
      await present(http().get('/me'), stolen, 'bearer').expect(200); // stateless by design, until it expires
      expect((await present(http().get('/auth/sessions'), stolen, 'bearer').expect(401)).body).toEqual(unauthorized('session not found'));
      expect((await present(http().delete('/auth/sessions'), stolen, 'bearer').expect(401)).body).toEqual(unauthorized('session not found'));
      await present(http().post('/auth/refresh'), other, 'bearer', 'refresh').expect(200);
    });
  });

  describe('secret', () => {
    const apps: SampleApp[] = [];
    const boot = async (env: Record<string, string> = {}) => {
      const sample = await startSampleApp(env);
      apps.push(sample);
      return sample;
    };
    afterEach(async () => {
      for (const sample of apps.splice(0)) await sample.app.close();
      jest.restoreAllMocks();
    });

    it('CHARON_SECRET unset: a random secret per start, with a warning (tokens of one start are refused by the next)', async () => {
      const warn = jest.spyOn(Logger.prototype, 'warn');
      const first = await boot();
      expect(warn.mock.calls.some(([message]) => /CHARON_SECRET/.test(String(message)) && /restart/.test(String(message)))).toBe(true);
      const second = await boot();
      const { body } = await loginUser(first.server);
      await request(first.server).get('/me').set('Authorization', `Bearer ${body.tokens.accessToken}`).expect(200);
      const res = await request(second.server).get('/me').set('Authorization', `Bearer ${body.tokens.accessToken}`).expect(401);
      expect(res.body).toEqual(unauthorized('bearer token signature invalid'));
    });

    it('CHARON_SECRET set: tokens of one start verify on the next, no warning', async () => {
      const secret = randomBytes(48).toString('base64');
      const warn = jest.spyOn(Logger.prototype, 'warn');
      const first = await boot({ CHARON_SECRET: secret });
      const second = await boot({ CHARON_SECRET: secret });
      expect(warn.mock.calls.some(([message]) => /CHARON_SECRET/.test(String(message)))).toBe(false);
      const { body } = await loginUser(first.server);
      await request(second.server).get('/me').set('Authorization', `Bearer ${body.tokens.accessToken}`).expect(200);
    });

    it.each([
      ['JWT_KEY', 'correct horse battery staple, a passphrase'],
      ['MAX_SESSIONS_PER_USER', 'lots'],
      ['STALE_REFRESH', 'sometimes'],
      ['REFRESH_TOKEN_TTL', '1e3'],
    ])('refuses to start with a bad %s, naming it', async (name, value) => {
      await expect(boot({ [name]: value })).rejects.toThrow(name);
    });
  });
});
