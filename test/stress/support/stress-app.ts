/**
 * The app the stress suites drive over real HTTP: bearer login, refresh, a route that loads the session, logout
 * (LogoutGuard) and log-out-everywhere, listening on a loopback port, with a FixedClock and a recording logger.
 */
import { Body, Controller, Delete, Get, HttpCode, Module, Post, Req, UseGuards, type INestApplication, type LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import {
  CharonModule,
  Clock,
  CurrentTokenPayload,
  LoadSession,
  LogoutGuard,
  RefreshTokenGuard,
  SessionGuard,
  SessionService,
  type CharonModuleOptions,
  type HttpRequestLike,
  type SessionResult,
  type SessionStoreFactory,
  type TokenPayload,
} from 'nestjs-charon';
import { FixedClock } from 'nestjs-charon/testing';
import { KeepAliveClient } from './keep-alive-client';

/** What login and refresh answer: the bearer tokens, and the session's id and lock version as stored. */
export interface StressTokens {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  lockVersion: number;
}

function tokensOf(result: SessionResult): StressTokens {
  return {
    accessToken: result.tokens.accessToken!,
    refreshToken: result.tokens.refreshToken!,
    sessionId: result.session.id,
    lockVersion: result.session.lockVersion,
  };
}

@Controller('auth')
class StressAuthController {
  constructor(private readonly sessions: SessionService) {}

  /** `note`, if given, is stored as the session's extraPayload: content that must never reach a log. */
  @Post('login')
  async login(@Req() req: HttpRequestLike, @Body('userId') userId: number, @Body('note') note?: string): Promise<StressTokens> {
    return tokensOf(await this.sessions.create(req, { userId, tokenTransport: 'bearer', extraPayload: note === undefined ? {} : { note } }));
  }

  @Post('refresh')
  @HttpCode(200)
  @UseGuards(RefreshTokenGuard)
  async refresh(@Req() req: HttpRequestLike): Promise<StressTokens> {
    return tokensOf(await this.sessions.refresh(req));
  }

  @Get('me')
  @UseGuards(SessionGuard)
  @LoadSession()
  me(): { ok: true } {
    return { ok: true };
  }

  @Delete('session')
  @HttpCode(204)
  @UseGuards(LogoutGuard)
  async logout(@Req() req: HttpRequestLike): Promise<void> {
    await this.sessions.deleteCurrent(req);
  }

  @Delete('sessions')
  @HttpCode(204)
  @UseGuards(SessionGuard)
  @LoadSession()
  async logoutEverywhere(@CurrentTokenPayload() payload: TokenPayload): Promise<void> {
    await this.sessions.deleteAll(payload.sub, payload.styp);
  }
}

@Module({ controllers: [StressAuthController] })
class StressModule {}

/** One log call, with when it was made (`performance.now()`). */
export interface LogEntry {
  level: 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
  message: string;
  context: string | undefined;
  at: number;
}

/** Keeps every line the app logs, for assertions on what was (and was not) logged. */
export class RecordingLogger implements LoggerService {
  readonly entries: LogEntry[] = [];

  log(message: unknown, ...rest: unknown[]): void {
    this.record('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.record('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.record('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.record('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.record('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.record('fatal', message, rest);
  }

  /** Every line as one text, to search for what must never be logged. */
  text(): string {
    return this.entries.map((entry) => `${entry.context ?? ''} ${entry.message}`).join('\n');
  }

  private record(level: LogEntry['level'], message: unknown, rest: unknown[]): void {
    // Nest's Logger passes its context last.
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    this.entries.push({ level, message: String(message), context, at: performance.now() });
  }
}

/** A started stress app and what tests drive it with. */
export interface StressApp {
  app: INestApplication;
  clock: FixedClock;
  sessions: SessionService;
  http: KeepAliveClient;
  logger: RecordingLogger;
  close(): Promise<void>;
}

const BASE: CharonModuleOptions = { tokenIssuer: 'https://stress.test', baseSecret: 'r7Yk2Qv9Xp4Lm8Nw3Bz6Tc1Hd5Jf0Gs2Ua7Ee9Ri' };

/**
 * Starts the app on a free loopback port with `store` and the given module options. Nest's `Logger` is one per
 * process (the last app started sets it), so apps running side by side must share one `logger`.
 */
export async function startStressApp(
  store: SessionStoreFactory,
  options: Partial<CharonModuleOptions> = {},
  logger = new RecordingLogger(),
): Promise<StressApp> {
  const clock = new FixedClock();
  const moduleRef = await Test.createTestingModule({ imports: [CharonModule.forRoot({ ...BASE, ...options, store, isGlobal: true }), StressModule] })
    .overrideProvider(Clock)
    .useValue(clock)
    .setLogger(logger)
    .compile();
  const app = moduleRef.createNestApplication({ logger });
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer();
  // Longer than any pause between phases, so the client never reuses a socket the server is closing.
  server.keepAliveTimeout = 60_000;
  const http = new KeepAliveClient((server.address() as AddressInfo).port);
  return {
    app,
    clock,
    sessions: app.get(SessionService),
    http,
    logger,
    async close() {
      http.close();
      await app.close();
    },
  };
}
