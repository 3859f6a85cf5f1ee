import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { CharonModuleOptions } from '../config/charon-module-options';

/**
 * The forRoot/forRootAsync boilerplate, written once by Nest's builder. Exports:
 * - `CHARON_MODULE_OPTIONS`: injection token of the raw options as given (prefer the resolved `CharonConfig`);
 * - `CHARON_OPTIONS_TYPE` / `CHARON_ASYNC_OPTIONS_TYPE`: types of `forRoot()` / `forRootAsync()` arguments
 *   (use as `typeof CHARON_OPTIONS_TYPE`), which add `isGlobal` (default `false`) to {@link CharonModuleOptions}.
 */
export const {
  ConfigurableModuleClass: CharonConfigurableModule,
  MODULE_OPTIONS_TOKEN: CHARON_MODULE_OPTIONS,
  OPTIONS_TYPE: CHARON_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: CHARON_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<CharonModuleOptions>({ moduleName: 'Charon' })
  .setClassMethodName('forRoot')
  .setExtras<{ isGlobal?: boolean }>({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
