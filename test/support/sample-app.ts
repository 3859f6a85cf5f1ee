import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { Logger, type INestApplication, type LoggerService, type LogLevel } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { CharonConfig, Clock, MemorySessionStore, SessionStore } from 'nestjs-charon';
import { redisSessionStore } from 'nestjs-charon/redis';
import { FixedClock } from 'nestjs-charon/testing';
import { AppModule } from '../../sample/app.module';
import { configureApp } from '../../sample/configure-app';
import { BarrierSessionStore } from './barrier-session-store';
import { freePort } from './redis-process';

export interface SampleApp {
  app: INestApplication;
  clock: FixedClock;
  /** The app's store wrapped so tests can force races with `store.arm(n)`; undefined with `realStore`. */
  store: BarrierSessionStore | undefined;
  server: ReturnType<INestApplication['getHttpServer']>;
}

export interface SampleAppOptions {
  /** Keep the store the sample configures from its env (no race barrier), e.g. to test its REDIS_URL wiring. */
  realStore?: boolean;
  /** The clock to use; a new FixedClock at the current time by default. */
  clock?: FixedClock;
  /** Where the app logs. Default: errors only, to the console. */
  logger?: LoggerService | LogLevel[];
  /** Runs after the sample's own setup and before `init()`: routes added here come before Nest's 404 handler. */
  configure?: (app: INestApplication) => void;
}

/** Every variable the sample reads: unset while it boots unless a test sets it, whatever the shell has. */
const SAMPLE_ENV = [
  'REDIS_URL',
  'CHARON_SECRET',
  'JWT_KEY',
  'ACCESS_TOKEN_TTL',
  'REFRESH_TOKEN_TTL',
  'SESSION_TTL',
  'REFRESH_CYCLE',
  'STALE_REFRESH',
  'MAX_SESSIONS_PER_USER',
  'ALLOWED_ORIGINS',
  'API_KEY_TTL',
];

/**
 * The sample app over real HTTP, booted with `overrides` over an otherwise unset sample environment, and a clock
 * the test moves. Unless `realStore`, its store (memory, or Redis when `REDIS_URL` is given) is wrapped in a
 * {@link BarrierSessionStore}.
 */
export async function startSampleApp(overrides: Record<string, string | undefined> = {}, options: SampleAppOptions = {}): Promise<SampleApp> {
  const env = { ...Object.fromEntries(SAMPLE_ENV.map((name) => [name, undefined])), ...overrides };
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  try {
    const clock = options.clock ?? new FixedClock();
    let builder = Test.createTestingModule({ imports: [AppModule] }).overrideProvider(Clock).useValue(clock);
    if (!options.realStore) {
      const redisUrl = env.REDIS_URL;
      builder = builder.overrideProvider(SessionStore).useFactory({
        inject: [CharonConfig],
        factory: async (config: CharonConfig) =>
          new BarrierSessionStore(
            redisUrl
              ? await redisSessionStore({ url: redisUrl })({ deriveKey: config.deriveKey, clock, logger: new Logger('Charon') })
              : new MemorySessionStore({ clock }),
          ),
      });
    }
    const app = (await builder.compile()).createNestApplication({ bodyParser: false, logger: options.logger ?? ['error'] });
    configureApp(app);
    options.configure?.(app);
    await app.init();
    const store = app.get(SessionStore);
    return { app, clock, store: store instanceof BarrierSessionStore ? store : undefined, server: app.getHttpServer() };
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** How a client holds its tokens (the sample's `tokenTransport`). */
export type Transport = 'bearer' | 'cookie' | 'cookie_only';

export const ACCESS_COOKIE = '_access_token_signature';
export const REFRESH_COOKIE = '_refresh_token_signature';

/** A login or refresh response as a client keeps it. */
export interface LoginResult {
  body: {
    tokens: { accessToken: string | null; accessTokenExp: number; refreshToken: string | null; refreshTokenExp: number };
    session: Record<string, unknown> & { id: string };
  };
  /** Cookie values by name, from Set-Cookie. */
  cookies: Record<string, string>;
  setCookie: string[];
}

/** The response's Set-Cookie headers. */
export function setCookies(res: request.Response): string[] {
  const header = res.headers['set-cookie'] as unknown;
  return Array.isArray(header) ? (header as string[]) : [];
}

/** Cookie values by name, from the response's Set-Cookie headers. */
export function cookieValues(res: request.Response): Record<string, string> {
  return Object.fromEntries(setCookies(res).map((cookie) => cookie.split(';')[0].split('=') as [string, string]));
}

/** A login or refresh response as a {@link LoginResult}. */
export function asLoginResult(res: request.Response): LoginResult {
  return { body: res.body, cookies: cookieValues(res), setCookie: setCookies(res) };
}

/** Names of the token cookies this response clears (`Max-Age=0`). */
export function clearedCookies(res: request.Response): string[] {
  return setCookies(res)
    .filter((cookie) => /; Max-Age=0(;|$)/.test(cookie))
    .map((cookie) => cookie.split('=')[0])
    .sort();
}

/** Presents a login result's token the way a client of its transport would. */
export function present(req: request.Test, result: LoginResult, transport: Transport, kind: 'access' | 'refresh' = 'access'): request.Test {
  const cookieName = kind === 'access' ? ACCESS_COOKIE : REFRESH_COOKIE;
  const bodyToken = kind === 'access' ? result.body.tokens.accessToken : result.body.tokens.refreshToken;
  if (transport === 'bearer') return req.set('Authorization', `Bearer ${bodyToken}`);
  if (transport === 'cookie') return req.set('Authorization', `Bearer ${bodyToken}`).set('Cookie', `${cookieName}=${result.cookies[cookieName]}`);
  return req.set('Cookie', `${cookieName}=${result.cookies[cookieName]}`);
}

export const DEMO_USERS = { alice: 'wonderland', bob: 'builder' } as const;

/** Logs a demo user in over HTTP, expecting 201. */
export async function login(
  server: SampleApp['server'],
  options: { transport?: Transport; user?: keyof typeof DEMO_USERS; deviceId?: string } = {},
): Promise<LoginResult> {
  const { transport, user = 'alice', deviceId } = options;
  const res = await request(server)
    .post('/auth/login')
    .send({ username: user, password: DEMO_USERS[user], ...(transport ? { tokenTransport: transport } : {}), ...(deviceId ? { deviceId } : {}) })
    .expect(201);
  return asLoginResult(res);
}

/** The sample run as `npm start` runs it (sample/main.ts in its own Node process), for what only a real process shows. */
export interface SampleProcess {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then waits for the process to exit. */
  stop(): Promise<void>;
}

const ROOT = resolve(__dirname, '../..');

/**
 * Loads TypeScript through SWC (the config Jest uses) and maps the package's entry points to src/, so the sample's
 * main.ts runs without a build. Jest's module sandbox is no stand-in for this: in it, errors from Node's own
 * modules (zlib, ...) fail `instanceof Error`, which changes how libraries such as http-errors wrap them.
 */
const TYPESCRIPT_LOADER = `
const fs = require('node:fs');
const Module = require('node:module');
const { transformSync } = require('@swc/core');
const root = ${JSON.stringify(ROOT)};
const swcrc = JSON.parse(fs.readFileSync(root + '/.swcrc', 'utf8'));
const entryPoints = { 'nestjs-charon': root + '/src/index.ts', 'nestjs-charon/redis': root + '/src/redis.ts', 'nestjs-charon/testing': root + '/src/testing/index.ts' };
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) { return resolveFilename.call(this, entryPoints[request] ?? request, ...rest); };
require.extensions['.ts'] = (module, filename) =>
  module._compile(transformSync(fs.readFileSync(filename, 'utf8'), { ...swcrc, swcrc: false, filename }).code, filename);
require(root + '/sample/main.ts');
`;

/** Starts sample/main.ts in a child process with `overrides` over an otherwise unset sample environment. */
export async function startSampleProcess(overrides: Record<string, string> = {}): Promise<SampleProcess> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', NO_COLOR: '1', PORT: String(port), ...overrides };
  for (const name of SAMPLE_ENV) if (!(name in overrides)) delete env[name];
  const child = spawn(process.execPath, ['-e', TYPESCRIPT_LOADER], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit');
  const listening = new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`the sample did not listen within 20 s:\n${output}`));
    }, 20_000);
    child.stdout.on('data', () => {
      if (output.includes('sample listening on')) {
        clearTimeout(timer);
        ready();
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      fail(new Error(`the sample exited before listening:\n${output}`));
    });
  });
  await listening;
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
