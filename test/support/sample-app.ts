import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Clock, MemorySessionStore, SessionStore } from 'nestjs-charon';
import { FixedClock } from 'nestjs-charon/testing';
import { AppModule } from '../../sample/app.module';
import { configureApp } from '../../sample/configure-app';
import { BarrierSessionStore } from './barrier-session-store';

export interface SampleApp {
  app: INestApplication;
  clock: FixedClock;
  /** The app's store (memory), wrapped so tests can force races with `store.arm(n)`. */
  store: BarrierSessionStore;
  server: ReturnType<INestApplication['getHttpServer']>;
}

/** The sample app over real HTTP, with env overrides applied while it boots and a clock the test moves. */
export async function startSampleApp(env: Record<string, string | undefined> = {}): Promise<SampleApp> {
  const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete process.env[key];
  try {
    const clock = new FixedClock();
    const store = new BarrierSessionStore(new MemorySessionStore({ clock }));
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(Clock)
      .useValue(clock)
      .overrideProvider(SessionStore)
      .useValue(store)
      .compile();
    const app = moduleRef.createNestApplication({ bodyParser: false, logger: ['error'] });
    configureApp(app);
    await app.init();
    return { app, clock, store, server: app.getHttpServer() };
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
