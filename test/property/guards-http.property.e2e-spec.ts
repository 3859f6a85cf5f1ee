/**
 * Over real HTTP, on Express and Fastify: whatever a client puts in Authorization and Cookie headers (noise,
 * token-shaped pieces, mutations of real tokens, tokens correctly signed around arbitrary claims), the guards answer
 * 4xx in Nest's error shape or let a genuine token through; never a 5xx, and never a mutated token.
 */
import { Agent, request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Controller, Delete, Get, HttpCode, Module, Param, Post, Req, UseGuards, UseInterceptors, type INestApplication } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import fc from 'fast-check';
import {
  CharonCookieInterceptor,
  CharonModule,
  JwtTokenFactory,
  LoadSession,
  LogoutGuard,
  RefreshTokenGuard,
  SessionGuard,
  SessionService,
  type HttpRequestLike,
  type JwtKeyset,
  type TokenTransport,
} from 'nestjs-charon';
import { mutate, mutationArb } from './token-mutations';

const RUNS = { numRuns: 40 };
const ACCESS_COOKIE = '_access_token_signature';
const REFRESH_COOKIE = '_refresh_token_signature';
const ISSUER = 'https://property.test';
/** The app's only key: the test holds it too, to sign tokens around arbitrary claims. */
const KEYSET: JwtKeyset = { k: { alg: 'HS256', key: randomBytes(32) } };
const signer = new JwtTokenFactory({ keyset: KEYSET, signingKey: 'k' });

@Controller()
@UseInterceptors(CharonCookieInterceptor)
class GuardedController {
  constructor(private readonly sessions: SessionService) {}

  @Post('login/:transport')
  async login(@Req() request: HttpRequestLike, @Param('transport') transport: TokenTransport) {
    return (await this.sessions.create(request, { userId: 1, tokenTransport: transport })).tokens;
  }

  @Get('plain')
  @UseGuards(SessionGuard)
  plain() {
    return { ok: true };
  }

  @Get('loaded')
  @UseGuards(SessionGuard)
  @LoadSession()
  loaded() {
    return { ok: true };
  }

  @Post('refresh')
  @HttpCode(200)
  @UseGuards(RefreshTokenGuard)
  async refresh(@Req() request: HttpRequestLike) {
    return (await this.sessions.refresh(request)).tokens;
  }

  @Delete('logout')
  @HttpCode(204)
  @UseGuards(LogoutGuard)
  async logout(@Req() request: HttpRequestLike) {
    await this.sessions.deleteCurrent(request);
  }
}

@Module({ controllers: [GuardedController] })
class GuardedModule {}

const ROUTES = [
  ['GET', '/plain'],
  ['GET', '/loaded'],
  ['POST', '/refresh'],
  ['DELETE', '/logout'],
] as const;

/** Request headers; a repeated header is an array. */
type Headers = Record<string, string | string[] | undefined>;

interface Reply {
  status: number;
  body: unknown;
}

/** Header values a Node client can send: printable latin1 and tabs. */
const HEADER_SAFE = /^[\t\x20-\x7e\x80-\xff]*$/;
const headerTextArb = fc.string({
  unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(9)).map((c) => String.fromCharCode(c)),
  maxLength: 150,
});

describe.each(['express', 'fastify'] as const)('guards over HTTP on %s: properties', (platform) => {
  let app: INestApplication;
  let port: number;
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  /** Real tokens by transport, as login handed them out (cookie values included). */
  const real: Record<TokenTransport, { body: Record<string, string | null>; cookies: Record<string, string> }> = {} as never;

  function send(method: string, path: string, headers: Headers): Promise<Reply> {
    const present = Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined)) as OutgoingHttpHeaders;
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: present, agent }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  /** Sends the headers to every guarded route; asserts none answers 5xx and every error is in Nest's shape. */
  async function everyRoute(headers: Headers): Promise<Reply[]> {
    const replies = await Promise.all(ROUTES.map(([method, path]) => send(method, path, headers)));
    for (const reply of replies) {
      expect(reply.status).toBeLessThan(500);
      if (reply.status >= 400) expect(reply.body).toEqual({ statusCode: reply.status, message: expect.any(String), error: expect.any(String) });
    }
    return replies;
  }

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        CharonModule.forRoot({ tokenIssuer: ISSUER, baseSecret: randomBytes(48), jwt: { keyset: KEYSET, signingKey: 'k' }, isGlobal: true }),
        GuardedModule,
      ],
    }).compile();
    app = platform === 'fastify' ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false }) : moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
    for (const transport of ['bearer', 'cookie', 'cookie_only'] as const) {
      const reply = await new Promise<{ body: Record<string, string | null>; cookies: Record<string, string> }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: `/login/${transport}`, agent }, (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => {
            const cookies = Object.fromEntries((res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0].split('=') as [string, string]));
            resolve({ body: JSON.parse(text), cookies });
          });
        });
        req.on('error', reject);
        req.end();
      });
      real[transport] = reply;
    }
  });

  afterAll(async () => {
    agent.destroy();
    await app.close();
  });

  it('a genuine token of each transport passes (the harness presents tokens right)', async () => {
    expect((await send('GET', '/plain', { authorization: `Bearer ${real.bearer.body.accessToken}` })).status).toBe(200);
    expect((await send('GET', '/plain', { authorization: `Bearer ${real.cookie.body.accessToken}`, cookie: `${ACCESS_COOKIE}=${real.cookie.cookies[ACCESS_COOKIE]}` })).status).toBe(200);
    expect((await send('GET', '/loaded', { cookie: `${ACCESS_COOKIE}=${real.cookie_only.cookies[ACCESS_COOKIE]}` })).status).toBe(200);
  });

  it('noise in Authorization and Cookie (single or repeated headers): never a 5xx', async () => {
    const valueArb = fc.oneof({ weight: 4, arbitrary: headerTextArb }, { weight: 1, arbitrary: fc.array(headerTextArb, { minLength: 2, maxLength: 3 }) });
    await fc.assert(
      fc.asyncProperty(fc.option(valueArb, { nil: undefined }), fc.option(valueArb, { nil: undefined }), async (authorization, cookie) => {
        const replies = await everyRoute({ authorization, cookie });
        for (const reply of replies) expect(reply.status).toBeGreaterThanOrEqual(400);
      }),
      RUNS,
    );
  });

  it('token-shaped pieces (real segments, cookie names, separators) in any arrangement: never a 5xx', async () => {
    const pieces = [
      ...Object.values(real).flatMap(({ body, cookies }) => [...Object.values(body), ...Object.values(cookies)]),
      ...[real.bearer.body.accessToken, real.bearer.body.refreshToken].flatMap((token) => token!.split('.')),
      'Bearer ',
      'Bearer: ',
      'bearer',
      `${ACCESS_COOKIE}=`,
      `${REFRESH_COOKIE}=`,
      '=',
      '; ',
      ';',
      '.',
      '"',
      ' ',
      '%',
      'null',
    ].filter((piece): piece is string => typeof piece === 'string' && HEADER_SAFE.test(piece));
    const arranged = fc.array(fc.constantFrom(...pieces), { maxLength: 8 }).map((chosen) => chosen.join(''));
    await fc.assert(
      fc.asyncProperty(arranged, arranged, async (authorization, cookie) => {
        await everyRoute({ authorization, cookie });
      }),
      RUNS,
    );
  });

  it('a mutated real token, however presented, is never accepted', async () => {
    const presented = fc.constantFrom(
      (t: string) => ({ authorization: `Bearer ${t}` }),
      (t: string) => ({ cookie: `${ACCESS_COOKIE}=${t}; ${REFRESH_COOKIE}=${t}` }),
      (t: string) => {
        const dot = t.lastIndexOf('.');
        return { authorization: `Bearer ${t.slice(0, dot)}`, cookie: `${ACCESS_COOKIE}=${t.slice(dot)}; ${REFRESH_COOKIE}=${t.slice(dot)}` };
      },
    );
    const token = fc.constantFrom(real.bearer.body.accessToken!, real.bearer.body.refreshToken!, real.cookie_only.cookies[ACCESS_COOKIE], real.cookie_only.cookies[REFRESH_COOKIE]);
    await fc.assert(
      fc.asyncProperty(token, mutationArb, presented, async (original, mutation, present) => {
        const mutated = mutate(original, mutation).trim();
        fc.pre(mutated !== original && HEADER_SAFE.test(mutated) && mutated.lastIndexOf('.') > 0);
        for (const reply of await everyRoute(present(mutated))) expect(reply.status).toBeGreaterThanOrEqual(400);
      }),
      RUNS,
    );
  });

  it('correctly signed tokens around arbitrary claims: never a 5xx', async () => {
    const claim = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined));
    const claims = fc.record({
      iss: fc.oneof(fc.constant(ISSUER), claim),
      sub: fc.oneof(fc.constant(1), fc.string(), claim),
      sid: fc.oneof(fc.string(), claim),
      styp: fc.oneof(fc.constant('full'), claim),
      type: fc.oneof(fc.constantFrom('access', 'refresh'), claim),
      jti: claim,
      iat: fc.oneof(fc.integer(), claim),
      nbf: fc.oneof(fc.integer(), fc.double(), claim),
      exp: fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.double(), claim),
    });
    const presented = fc.constantFrom(
      (t: string) => ({ authorization: `Bearer ${t}` }),
      (t: string) => ({ cookie: `${ACCESS_COOKIE}=${t}; ${REFRESH_COOKIE}=${t}` }),
    );
    await fc.assert(
      fc.asyncProperty(claims, presented, async (payload, present) => {
        await everyRoute(present(signer.sign(JSON.parse(JSON.stringify(payload)))));
      }),
      RUNS,
    );
  });
});
