import { Logger, type Provider, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Clock } from '../clock/clock';
import { CharonConfig } from '../config/charon-config';
import type { CharonModuleOptions } from '../config/charon-module-options';
import { memorySessionStore } from '../session-store/memory/memory-session-store';
import { SessionStore } from '../session-store/session-store';
import type { SessionStoreFactory, SessionStoreOption } from '../session-store/session-store-factory';
import { CHARON_MODULE_OPTIONS } from './charon.module-definition';

function isStoreClass(option: SessionStoreOption): option is Type<SessionStore> {
  return typeof option === 'function' && typeof (option.prototype as Partial<SessionStore> | undefined)?.get === 'function';
}

/** Binds `SessionStore` to the configured store: an instance as is, a class through Nest's injector, or a factory. */
export const sessionStoreProvider: Provider = {
  provide: SessionStore,
  inject: [CHARON_MODULE_OPTIONS, CharonConfig, Clock, ModuleRef],
  useFactory: async (options: CharonModuleOptions, config: CharonConfig, clock: Clock, moduleRef: ModuleRef) => {
    const option = options.store ?? memorySessionStore();
    if (isStoreClass(option)) return moduleRef.create(option);
    if (typeof option === 'function') {
      return (option as SessionStoreFactory)({ deriveKey: config.deriveKey, clock, logger: new Logger('Charon') });
    }
    return option;
  },
};
