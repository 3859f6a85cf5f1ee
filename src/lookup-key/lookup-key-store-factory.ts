import type { LoggerService, Type } from '@nestjs/common';
import type { Clock } from '../clock/clock';
import type { SessionStore } from '../session-store/session-store';
import type { LookupKeyStore } from './lookup-key-store';

/** What a lookup-key store factory gets from the module when the application starts. */
export interface LookupKeyStoreFactoryContext {
  /** Derives a key for `purpose` from the base secret (HKDF-SHA256); one purpose string per use. */
  deriveKey(purpose: string, length?: number): Buffer;
  /** The module's clock. */
  clock: Clock;
  /** A logger for warnings (never log records' lookup keys or credentials). */
  logger: LoggerService;
  /** The module's session store, already started: a store may share its connection (see `redisLookupKeyStore`). */
  sessionStore: SessionStore;
}

/** Builds a lookup-key store at startup; may be async (connect, load functions). */
export type LookupKeyStoreFactory = (context: LookupKeyStoreFactoryContext) => LookupKeyStore | Promise<LookupKeyStore>;

/** The `lookupKeys.store` option: an instance, a class (built by Nest's injector), or a factory. */
export type LookupKeyStoreOption = LookupKeyStore | Type<LookupKeyStore> | LookupKeyStoreFactory;
