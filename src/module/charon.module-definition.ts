import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { CharonModuleOptions } from '../config/charon-module-options';

export const {
  ConfigurableModuleClass: CharonConfigurableModule,
  MODULE_OPTIONS_TOKEN: CHARON_MODULE_OPTIONS,
  OPTIONS_TYPE: CHARON_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: CHARON_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<CharonModuleOptions>({ moduleName: 'Charon' })
  .setClassMethodName('forRoot')
  .setExtras<{ isGlobal?: boolean }>({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
