import {
  Catch,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpException,
  Inject,
  Injectable,
  Module,
  Post,
  Req,
  UseGuards,
  UseInterceptors,
  type ArgumentsHost,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { APP_FILTER, HttpAdapterHost } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import {
  AUTHENTICATES_ROUTE,
  CHARON_MODULE_OPTIONS,
  CharonCookieInterceptor,
  CharonError,
  CharonModule,
  Clock,
  CurrentUserId,
  LogoutGuard,
  OptionalAuth,
  Public,
  RefreshTokenGuard,
  SESSION_STORE,
  SessionService,
  getAuthState,
  type CharonModuleOptions,
  type HttpRequestLike,
  type SessionStore,
  type TokenPayload,
  type UserId,
} from 'nestjs-charon';
import { createTestSession, FixedClock } from 'nestjs-charon/testing';

const OPTIONS: CharonModuleOptions = { tokenIssuer: 'test', baseSecret: 'a-test-secret-that-is-long-enough-for-hkdf!' };

@Controller()
class AppController {
  constructor(private readonly sessions: SessionService) {}

  @Get('private')
  private(@CurrentUserId() userId: UserId, @Req() req: HttpRequestLike & { user?: TokenPayload }) {
    const state = getAuthState(req);
    return { userId, reqUserSub: req.user?.sub, stateSid: state?.payload?.sid, transport: state?.tokenTransport };
  }

  @Get('loaded-list')
  async list(@CurrentUserId() userId: UserId) {
    return (await this.sessions.getAll(userId)).length;
  }

  @Public()
  @Get('health')
  health() {
    return { ok: true };
  }

  @OptionalAuth()
  @Get('feed')
  feed(@CurrentUserId() userId: UserId | undefined, @Req() req: HttpRequestLike) {
    return { userId: userId ?? null, anonymous: getAuthState(req)?.payload === undefined };
  }
}

@Controller('auth')
@UseInterceptors(CharonCookieInterceptor)
class AuthController {
  constructor(private readonly sessions: SessionService) {}

  @Public()
  @Post('login')
  async login(@Req() req: HttpRequestLike) {
    return (await this.sessions.create(req, { userId: 1, tokenTransport: 'bearer' })).tokens;
  }

  @Post('refresh')
  @HttpCode(200)
  @UseGuards(RefreshTokenGuard)
  async refresh(@Req() req: HttpRequestLike) {
    return (await this.sessions.refresh(req)).tokens;
  }

  @Delete('session')
  @HttpCode(204)
  @UseGuards(LogoutGuard)
  logout(@Req() req: HttpRequestLike) {
    return this.sessions.deleteCurrent(req);
  }
}

/** A controller open to all, with one handler that wants a user when there is one. */
@Controller('open')
@Public()
class OpenController {
  @Get()
  open() {
    return { open: true };
  }

  @OptionalAuth()
  @Get('maybe')
  maybe(@CurrentUserId() userId: UserId | undefined) {
    return { userId: userId ?? null };
  }
}

/** An app's own authenticating guard: marked, so the global guard leaves its routes to it. */
@Injectable()
class ApiKeyGuard implements CanActivate {
  static readonly [AUTHENTICATES_ROUTE] = true;

  canActivate(context: ExecutionContext): boolean {
    return context.switchToHttp().getRequest<HttpRequestLike>().headers['x-api-key'] === 'let-me-in';
  }
}

@Controller('api')
class ApiController {
  @Get()
  @UseGuards(ApiKeyGuard)
  api() {
    return { api: true };
  }
}

@Module({ controllers: [AppController, AuthController, OpenController, ApiController] })
class FeatureModule {}

/** An app's catch-all filter: it must see nestjs-charon's errors, not be bypassed by a filter of the library's. */
@Catch()
class AppFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const status = error instanceof HttpException ? error.getStatus() : 500;
    const body = { handledBy: 'app', code: error instanceof CharonError ? error.code : null };
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), body, status);
  }
}

type Platform = 'express' | 'fastify';

async function startApp(platform: Platform, { appFilter }: { appFilter?: 'APP_FILTER' | 'useGlobalFilters' } = {}) {
  const clock = new FixedClock();
  const moduleRef = await Test.createTestingModule({
    imports: [CharonModule.forRoot({ ...OPTIONS, isGlobal: true, globalGuard: true }), FeatureModule],
    providers: appFilter === 'APP_FILTER' ? [{ provide: APP_FILTER, useClass: AppFilter }] : [],
  })
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  const app: INestApplication =
    platform === 'fastify' ? moduleRef.createNestApplication(new FastifyAdapter(), { logger: false }) : moduleRef.createNestApplication({ logger: false });
  if (appFilter === 'useGlobalFilters') app.useGlobalFilters(new AppFilter(app.get(HttpAdapterHost)));
  await app.init();
  if (platform === 'fastify') await app.getHttpAdapter().getInstance().ready();
  return { app, clock };
}

describe.each<Platform>(['express', 'fastify'])('global guard on %s', (platform) => {
  let app: INestApplication;
  let clock: FixedClock;
  beforeAll(async () => {
    ({ app, clock } = await startApp(platform));
  });
  afterAll(() => app.close());
  const http = () => request(app.getHttpServer());

  it('protects every route; req.user is the token payload and getAuthState reads the state', async () => {
    expect((await http().get('/private').expect(401)).body).toEqual({ statusCode: 401, message: 'bearer token not found', error: 'Unauthorized' });
    const alice = await createTestSession(app, { userId: 1 });
    expect((await alice.authorize(http().get('/private'), 'access', 'cookie').expect(200)).body).toEqual({
      userId: 1,
      reqUserSub: 1,
      stateSid: alice.session.id,
      transport: 'cookie',
    });
  });

  it('lets @Public() routes through without a look at tokens', async () => {
    await http().get('/health').expect(200, { ok: true });
    await http().get('/health').set('Authorization', 'Bearer garbage').expect(200);
    await http().get('/open').expect(200, { open: true });
  });

  it('@OptionalAuth(): anonymous without a token, the user with one, 401 with an invalid or expired one', async () => {
    await http().get('/feed').expect(200, { userId: null, anonymous: true });
    const alice = await createTestSession(app, { userId: 1 });
    await alice.authorize(http().get('/feed')).expect(200, { userId: 1, anonymous: false });
    expect((await http().get('/feed').set('Authorization', 'Bearer x.y.z').expect(401)).body.message).toBe('bearer token signature invalid');
    // A handler's @OptionalAuth() overrides its controller's @Public(): tokens are looked at again.
    await alice.authorize(http().get('/open/maybe')).expect(200, { userId: 1 });
    await http().get('/open/maybe').expect(200, { userId: null });
    await http().get('/open/maybe').set('Cookie', '_access_token_signature=nonsense').expect(401);
    clock.advance(905);
    expect((await alice.authorize(http().get('/feed')).expect(401)).body.message).toBe('bearer token expired');
  });

  it('logs in on a @Public() route, refreshes and logs out with the refresh token alone: their own guards decide', async () => {
    const login = await http().post('/auth/login').expect(201);
    const refreshToken = login.body.refreshToken as string;
    const refreshed = await http().post('/auth/refresh').set('Authorization', `Bearer ${refreshToken}`).expect(200);
    await http().get('/private').set('Authorization', `Bearer ${refreshed.body.accessToken}`).expect(200);
    await http().delete('/auth/session').set('Authorization', `Bearer ${refreshed.body.refreshToken}`).expect(204);
    // An access token is no refresh token: the route's own guard still says so.
    expect((await http().post('/auth/refresh').set('Authorization', `Bearer ${refreshed.body.accessToken}`).expect(401)).body.message).toBe(
      'bearer token claim type invalid',
    );
  });

  it('leaves routes to an app guard marked AUTHENTICATES_ROUTE', async () => {
    await http().get('/api').set('x-api-key', 'let-me-in').expect(200, { api: true });
    await http().get('/api').expect(403);
  });

  it('without a filter of the app, Nest answers nestjs-charon errors with their status and body', async () => {
    const alice = await createTestSession(app, { userId: 1 });
    jest.spyOn(app.get<SessionStore>(SESSION_STORE), 'getAll').mockRejectedValueOnce(new Error('ECONNREFUSED password=hunter2'));
    const failure = await alice.authorize(http().get('/loaded-list')).expect(500);
    expect(failure.body).toEqual({ statusCode: 500, message: 'Internal Server Error', error: 'Internal Server Error' });
  });
});

describe.each<Platform>(['express', 'fastify'])('an app filter on %s', (platform) => {
  it.each(['APP_FILTER', 'useGlobalFilters'] as const)('registered with %s handles nestjs-charon errors', async (appFilter) => {
    const { app } = await startApp(platform, { appFilter });
    try {
      const res = await request(app.getHttpServer()).get('/private').expect(401);
      expect(res.body).toEqual({ handledBy: 'app', code: 'ERR_CHARON_AUTHENTICATION' });
    } finally {
      await app.close();
    }
  });
});

describe('CHARON_MODULE_OPTIONS', () => {
  it('is injectable in the importing module, as given (without isGlobal or globalGuard)', async () => {
    @Injectable()
    class OptionsReader {
      constructor(@Inject(CHARON_MODULE_OPTIONS) readonly options: CharonModuleOptions) {}
    }
    const moduleRef = await Test.createTestingModule({
      imports: [CharonModule.forRoot({ ...OPTIONS, globalGuard: false })],
      providers: [OptionsReader],
    }).compile();
    expect(moduleRef.get(OptionsReader).options).toEqual(OPTIONS);
    await moduleRef.close();
  });
});
