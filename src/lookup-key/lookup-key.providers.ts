import { Logger, type Provider, type Type } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Clock } from '../clock/clock';
import { CharonConfig } from '../config/charon-config';
import type { CharonModuleOptions } from '../config/charon-module-options';
import { CHARON_MODULE_OPTIONS } from '../module/charon.module-definition';
import { SessionStore } from '../session-store/session-store';
import { LookupKeyConfig, resolveLookupKeyOptions } from './lookup-key-config';
import { LookupKeyGuard } from './lookup-key.guard';
import { LookupKeyService } from './lookup-key.service';
import { LookupKeyStore } from './lookup-key-store';
import type { LookupKeyStoreFactory, LookupKeyStoreOption } from './lookup-key-store-factory';
import { memoryLookupKeyStore } from './memory/memory-lookup-key-store';
import { SessionOrLookupKeyGuard } from './session-or-lookup-key.guard';

function isStoreClass(option: LookupKeyStoreOption): option is Type<LookupKeyStore> {
  return typeof option === 'function' && typeof (option.prototype as Partial<LookupKeyStore> | undefined)?.find === 'function';
}

/**
 * What `CharonModule` provides and exports for lookup-key sessions (the memory store unless `lookupKeys.store` says otherwise).
 *
 * @internal
 */
export const LOOKUP_KEY_EXPORTS = [LookupKeyConfig, LookupKeyStore, LookupKeyService, LookupKeyGuard, SessionOrLookupKeyGuard];

/** @internal */
export const lookupKeyProviders: Provider[] = [
  {
    provide: LookupKeyConfig,
    inject: [CHARON_MODULE_OPTIONS, CharonConfig],
    useFactory: (options: CharonModuleOptions, config: CharonConfig) => resolveLookupKeyOptions(options.lookupKeys, config.deriveKey),
  },
  {
    provide: LookupKeyStore,
    inject: [CHARON_MODULE_OPTIONS, CharonConfig, Clock, ModuleRef, SessionStore],
    useFactory: async (options: CharonModuleOptions, config: CharonConfig, clock: Clock, moduleRef: ModuleRef, sessionStore: SessionStore) => {
      const option = options.lookupKeys?.store ?? memoryLookupKeyStore();
      if (isStoreClass(option)) return moduleRef.create(option);
      if (typeof option === 'function') {
        return (option as LookupKeyStoreFactory)({ deriveKey: config.deriveKey, clock, logger: new Logger('Charon'), sessionStore });
      }
      return option;
    },
  },
  LookupKeyService,
  LookupKeyGuard,
  SessionOrLookupKeyGuard,
];
