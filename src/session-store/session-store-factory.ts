import type { LoggerService, Type } from '@nestjs/common';
import type { Clock } from '../clock/clock';
import type { SessionStore } from './session-store';

/** What a store factory gets from the module when the application starts. */
export interface SessionStoreFactoryContext {
  /**
   * Derives a key for `purpose` from the configured base secret (HKDF-SHA256). Use one purpose string per use;
   * the result is stable across restarts as long as the base secret is.
   */
  deriveKey(purpose: string, length?: number): Buffer;
  /** The module's clock; stores take "now" from it so tests can move time. */
  clock: Clock;
  /** A logger for warnings (never log session contents or secrets). */
  logger: LoggerService;
}

/** Builds a store at startup; may be async (connect, load scripts). */
export type SessionStoreFactory = (context: SessionStoreFactoryContext) => SessionStore | Promise<SessionStore>;

/**
 * The `store` option: a store instance, a store class (instantiated by Nest's injector, so it can inject
 * providers), or a factory such as `memorySessionStore(...)` / `redisSessionStore(...)`.
 */
export type SessionStoreOption = SessionStore | Type<SessionStore> | SessionStoreFactory;
