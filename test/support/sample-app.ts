import { Logger, type INestApplication, type LoggerService, type LogLevel } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CharonConfig, Clock, MemorySessionStore, SessionStore } from 'nestjs-charon';
import { redisSessionStore } from 'nestjs-charon/redis';
import { FixedClock } from 'nestjs-charon/testing';
import { AppModule } from '../../sample/app.module';
import { configureApp } from '../../sample/configure-app';
import { BarrierSessionStore } from './barrier-session-store';

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

/**
 * The sample app over real HTTP, with env overrides applied while it boots and a clock the test moves.
 * Unless `realStore`, its store (memory, or Redis when `REDIS_URL` is given) is wrapped in a
 * {@link BarrierSessionStore}.
 */
export async function startSampleApp(env: Record<string, string | undefined> = {}, options: SampleAppOptions = {}): Promise<SampleApp> {
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
