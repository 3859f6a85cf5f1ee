import { Logger, type Provider, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Clock } from '../clock/clock';
import { CharonConfig } from '../config/charon-config';
import { CharonConfigError } from '../errors/charon-config.error';
import type { CharonModuleOptions } from '../config/charon-module-options';
import { memorySessionStore } from '../session-store/memory/memory-session-store';
import { SessionStore } from '../session-store/session-store';
import type { SessionStoreFactory, SessionStoreOption } from '../session-store/session-store-factory';
import { CHARON_MODULE_OPTIONS } from './charon.module-definition';

const STORE_METHODS = ['get', 'upsert', 'delete', 'getAll', 'deleteAll', 'count', 'listUsers'] as const;

/** A store must be usable on the first request: refuse at boot what would fail every request. */
function assertIsStore(store: unknown, option: unknown): SessionStore {
  if (store instanceof SessionStore) return store;
  const missing = STORE_METHODS.filter((method) => typeof (store as Record<string, unknown> | null)?.[method] !== 'function');
  if (missing.length === 0) return store as SessionStore;
  const given = typeof option === 'function' ? 'a factory returning something else' : option === null ? 'null' : typeof option;
  throw new CharonConfigError([
    `store must be a SessionStore instance (extend SessionStore), a store class, or a factory such as memorySessionStore() or redisSessionStore(); got ${given} (missing: ${missing.join(', ')})`,
  ]);
}

function isStoreClass(option: SessionStoreOption): option is Type<SessionStore> {
  return typeof option === 'function' && typeof (option.prototype as Partial<SessionStore> | undefined)?.get === 'function';
}

/**
 * Binds `SessionStore` to the configured store: an instance as is, a class through Nest's injector, or a factory.
 *
 * @internal
 */
export const sessionStoreProvider: Provider = {
  provide: SessionStore,
  inject: [CHARON_MODULE_OPTIONS, CharonConfig, Clock, ModuleRef],
  useFactory: async (options: CharonModuleOptions, config: CharonConfig, clock: Clock, moduleRef: ModuleRef) => {
    const option = options.store ?? memorySessionStore();
    if (isStoreClass(option)) return assertIsStore(await moduleRef.create(option), option);
    if (typeof option === 'function') {
      return assertIsStore(await (option as SessionStoreFactory)({ deriveKey: config.deriveKey, clock, logger: new Logger('Charon') }), option);
    }
    return assertIsStore(option, option);
  },
};
