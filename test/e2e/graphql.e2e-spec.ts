import { Module, UseFilters, UseGuards, UseInterceptors, type INestApplication } from '@nestjs/common';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { MercuriusDriver, type MercuriusDriverConfig } from '@nestjs/mercurius';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Args, Context, GraphQLModule, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  CharonCookieInterceptor,
  CharonExceptionFilter,
  CharonModule,
  Clock,
  CurrentSession,
  CurrentTokenTransport,
  CurrentUserId,
  LoadSession,
  LogoutGuard,
  OptionalAuth,
  Public,
  RefreshTokenGuard,
  RequireClaims,
  SESSION_STORE,
  SessionGuard,
  SessionService,
  SessionStore,
  getAuthState,
  type HttpRequestLike,
  type Session,
  type TokenPayload,
  type TokenTransport,
  type UserId,
} from 'nestjs-charon';
import { createTestSession, FixedClock, type TestSession } from 'nestjs-charon/testing';

/** GraphQL over HTTP: Apollo Server on Express (@as-integrations/express5) and Mercurius on Fastify, real servers. */

@Resolver()
class AccountResolver {
  /** No guard of its own: the global guard protects it. */
  @Query(() => String)
  hello(@CurrentUserId() userId: UserId) {
    return `hello ${userId}`;
  }

  @Query(() => String)
  @UseGuards(SessionGuard)
  me(@CurrentUserId() userId: UserId, @CurrentTokenTransport() transport: TokenTransport, @Context('req') req: { user?: TokenPayload }) {
    return `${userId} ${transport} user.sub=${req.user?.sub}`;
  }

  @Query(() => String)
  @UseGuards(SessionGuard)
  @OptionalAuth()
  maybeMe(@CurrentUserId() userId: UserId | undefined) {
    return userId === undefined ? 'anonymous' : `user ${userId}`;
  }

  @Query(() => String)
  @UseGuards(SessionGuard)
  @RequireClaims({ role: 'admin' })
  admin() {
    return 'ok';
  }

  @Query(() => String)
  @UseGuards(SessionGuard)
  @LoadSession()
  loaded(@CurrentSession() session: Session, @Context('req') req: HttpRequestLike) {
    return `${session.id} ${getAuthState(req)?.session === session}`;
  }

  @Mutation(() => String)
  @UseGuards(SessionGuard)
  touch(@CurrentUserId() userId: UserId) {
    return `touched by ${userId}`;
  }
}

@Resolver()
@UseInterceptors(CharonCookieInterceptor)
@UseFilters(CharonExceptionFilter)
class AuthResolver {
  constructor(private readonly sessions: SessionService) {}

  @Mutation(() => String, { nullable: true })
  @Public()
  async login(@Args('transport', { type: () => String }) transport: TokenTransport, @Context('req') req: HttpRequestLike) {
    return (await this.sessions.create(req, { userId: 1, tokenTransport: transport })).tokens.accessToken;
  }

  @Mutation(() => String)
  @UseGuards(RefreshTokenGuard)
  async refresh(@Context('req') req: HttpRequestLike) {
    return `lockVersion ${(await this.sessions.refresh(req)).session.lockVersion}`;
  }

  @Mutation(() => Boolean)
  @UseGuards(LogoutGuard)
  async logout(@Context('req') req: HttpRequestLike) {
    await this.sessions.deleteCurrent(req);
    return true;
  }
}

@Module({ providers: [AccountResolver, AuthResolver] })
class ResolversModule {}

interface GraphQLResponse {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions: { code: string } }[] };
  headers: Record<string, unknown>;
}

type Driver = 'Apollo Server on Express' | 'Mercurius on Fastify';

/** The GraphQL module and the app for a driver; Mercurius' context must carry the request as `req` for `@Context('req')`. */
async function createGraphQLApp(driver: Driver, clock: FixedClock): Promise<INestApplication> {
  const graphQL =
    driver === 'Apollo Server on Express'
      ? GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true })
      : GraphQLModule.forRoot<MercuriusDriverConfig>({
          driver: MercuriusDriver,
          autoSchemaFile: true,
          // Mercurius' query cache is an ES module it imports dynamically, which Jest's CommonJS runtime cannot do.
          cache: false,
          context: (req: unknown, reply: unknown) => ({ req, reply }),
        });
  const moduleRef = await Test.createTestingModule({
    imports: [
      CharonModule.forRoot({ tokenIssuer: 'test', baseSecret: 'a-test-secret-that-is-long-enough-for-hkdf!', isGlobal: true, globalGuard: true }),
      graphQL,
      ResolversModule,
    ],
  })
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  const app =
    driver === 'Apollo Server on Express'
      ? moduleRef.createNestApplication({ logger: false })
      : moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
  await app.init();
  if (driver === 'Mercurius on Fastify') await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe.each<Driver>(['Apollo Server on Express', 'Mercurius on Fastify'])('GraphQL (%s)', (driver) => {
  let app: INestApplication;
  let clock: FixedClock;
  let store: SessionStore;
  let alice: TestSession;

  beforeAll(async () => {
    clock = new FixedClock();
    app = await createGraphQLApp(driver, clock);
    store = app.get(SESSION_STORE);
  });
  afterAll(() => app.close());
  beforeEach(async () => {
    jest.restoreAllMocks();
    alice = await createTestSession(app, { userId: 1, accessClaimOverrides: { role: 'user' } });
  });

  async function gql(query: string, authorize: (test: request.Test) => request.Test = (test) => test): Promise<GraphQLResponse> {
    return authorize(request(app.getHttpServer()).post('/graphql').send({ query }));
  }

  /** The single error of a response, its code and message; the error must say nothing else (Apollo adds a stack trace outside production). */
  function failure(response: GraphQLResponse): string {
    expect(response.body.errors).toHaveLength(1);
    const [error] = response.body.errors!;
    expect(Object.keys(error.extensions).filter((key) => key !== 'stacktrace')).toEqual(['code']);
    return `${error.extensions.code} ${error.message}`;
  }

  it('authenticates with each transport: bearer, cookie (header.payload + signature cookie) and cookie_only', async () => {
    for (const transport of ['bearer', 'cookie', 'cookie_only'] as const) {
      const response = await gql('{ me }', (test) => alice.authorize(test, 'access', transport));
      expect(response.body).toEqual({ data: { me: `1 ${transport} user.sub=1` } });
    }
  });

  it('answers a missing, invalid or expired token with UNAUTHENTICATED and the reason, never a TypeError', async () => {
    expect(failure(await gql('{ me }'))).toBe('UNAUTHENTICATED bearer token not found');
    expect(failure(await gql('{ me }', (test) => test.set('Authorization', 'Bearer nonsense')))).toBe('UNAUTHENTICATED bearer token signature invalid');
    clock.advance(905);
    expect(failure(await gql('{ me }', (test) => alice.authorize(test)))).toBe('UNAUTHENTICATED bearer token expired');
  });

  it('the global guard protects resolvers without a guard of their own; @Public() opens one', async () => {
    expect(failure(await gql('{ hello }'))).toBe('UNAUTHENTICATED bearer token not found');
    expect((await gql('{ hello }', (test) => alice.authorize(test))).body).toEqual({ data: { hello: 'hello 1' } });
    expect((await gql('mutation { login(transport: "bearer") }')).body.data?.login).toEqual(expect.any(String));
  });

  it('answers a refused claim with FORBIDDEN and the reason', async () => {
    expect(failure(await gql('{ admin }', (test) => alice.authorize(test)))).toBe('FORBIDDEN bearer token claim role invalid');
    const admin = await createTestSession(app, { userId: 2, accessClaimOverrides: { role: 'admin' } });
    expect((await gql('{ admin }', (test) => admin.authorize(test))).body).toEqual({ data: { admin: 'ok' } });
  });

  it('@OptionalAuth(): anonymous without a token, the user with one, UNAUTHENTICATED with a bad one', async () => {
    expect((await gql('{ maybeMe }')).body).toEqual({ data: { maybeMe: 'anonymous' } });
    expect((await gql('{ maybeMe }', (test) => alice.authorize(test))).body).toEqual({ data: { maybeMe: 'user 1' } });
    expect(failure(await gql('{ maybeMe }', (test) => test.set('Authorization', 'Bearer x.y.z')))).toBe('UNAUTHENTICATED bearer token signature invalid');
  });

  it('refuses a cross-site request authenticated by a cookie alone (GraphQL over HTTP is a POST)', async () => {
    const crossSite = (test: request.Test) => alice.authorize(test, 'access', 'cookie_only').set('Sec-Fetch-Site', 'cross-site');
    expect(failure(await gql('mutation { touch }', crossSite))).toBe('FORBIDDEN cross-site request refused');
    const sameOrigin = (test: request.Test) => alice.authorize(test, 'access', 'cookie_only').set('Sec-Fetch-Site', 'same-origin');
    expect((await gql('mutation { touch }', sameOrigin)).body).toEqual({ data: { touch: 'touched by 1' } });
  });

  it('loads the session, and a store failure is INTERNAL_SERVER_ERROR without its details', async () => {
    expect((await gql('{ loaded }', (test) => alice.authorize(test))).body).toEqual({ data: { loaded: `${alice.session.id} true` } });
    jest.spyOn(store, 'get').mockRejectedValue(new Error('ECONNREFUSED 10.0.0.1:6379 password=hunter2'));
    const response = await gql('{ loaded }', (test) => alice.authorize(test));
    expect(failure(response)).toBe('INTERNAL_SERVER_ERROR Internal Server Error');
    expect(JSON.stringify(response.body)).not.toMatch(/hunter2|ECONNREFUSED|session store/);
  });

  it('logs in, refreshes and logs out through mutations, with the cookies on the HTTP response', async () => {
    const login = await gql('mutation { login(transport: "cookie") }');
    const cookies = login.headers['set-cookie'] as string[];
    expect(cookies.map((cookie) => cookie.split('=')[0])).toEqual(['_access_token_signature', '_refresh_token_signature']);
    const headerPayload = login.body.data!.login as string;
    const cookie = cookies.map((c) => c.split(';')[0]).join('; ');
    const me = await gql('{ me }', (test) => test.set('Authorization', `Bearer ${headerPayload}`).set('Cookie', cookie));
    expect(me.body).toEqual({ data: { me: '1 cookie user.sub=1' } });

    const refresh = await gql('mutation { refresh }', (test) => alice.authorize(test, 'refresh', 'cookie'));
    expect(refresh.body).toEqual({ data: { refresh: 'lockVersion 2' } });
    expect(refresh.headers['set-cookie']).toHaveLength(2);
    expect(refresh.headers['cache-control']).toBe('no-store');

    const logout = await gql('mutation { logout }', (test) => alice.authorize(test, 'access', 'cookie'));
    expect(logout.body).toEqual({ data: { logout: true } });
    expect((logout.headers['set-cookie'] as string[]).every((c) => c.includes('Max-Age=0'))).toBe(true);
    expect(await app.get(SessionService).get(alice.session.id, 1)).toBeNull();
  });

  it('a failed logout still clears both cookies', async () => {
    const response = await gql('mutation { logout }', (test) => test.set('Cookie', '_refresh_token_signature=garbage'));
    expect(failure(response)).toBe('UNAUTHENTICATED bearer token signature invalid');
    expect((response.headers['set-cookie'] as string[]).map((c) => c.split(';')[0])).toEqual(['_access_token_signature=', '_refresh_token_signature=']);
  });

  it('CharonExceptionFilter maps errors SessionService throws in a resolver: CONFLICT, BAD_REQUEST', async () => {
    const loadedBeforeTheOtherWrite = (await store.get(alice.session.id, 1, 'full'))!;
    await store.upsert(loadedBeforeTheOtherWrite); // another instance refreshed meanwhile
    jest.spyOn(store, 'get').mockResolvedValueOnce(loadedBeforeTheOtherWrite);
    expect(failure(await gql('mutation { refresh }', (test) => alice.authorize(test, 'refresh')))).toMatch(/^CONFLICT session was changed concurrently/);
    expect(failure(await gql('mutation { login(transport: "pigeon") }'))).toBe('BAD_REQUEST tokenTransport must be one of: bearer, cookie, cookie_only');
  });
});
