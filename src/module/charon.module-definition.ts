import { ConfigurableModuleBuilder } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { CharonModuleOptions } from '../config/charon-module-options';
import { GlobalSessionGuard } from '../guards/global-session.guard';

/** Options of `forRoot()` / `forRootAsync()` that shape the module itself rather than configure sessions. */
export interface CharonModuleExtras {
  /** Register the module globally, so feature modules can use the guards and `SessionService` without importing it. Default `false`. */
  isGlobal?: boolean;
  /**
   * Protect every route of the app with {@link GlobalSessionGuard} (registered as `APP_GUARD`): a valid access token
   * is required unless the route is `@Public()` or `@OptionalAuth()`, or names its own authenticating guard
   * (`RefreshTokenGuard`, `LogoutGuard`, ...). Default `false`.
   */
  globalGuard?: boolean;
}

/**
 * The forRoot/forRootAsync boilerplate, written once by Nest's builder. Exports:
 * - `CHARON_MODULE_OPTIONS`: injection token of the raw options as given (prefer the resolved `CharonConfig`),
 *   exported by `CharonModule`, so importing modules can inject it;
 * - `CHARON_OPTIONS_TYPE` / `CHARON_ASYNC_OPTIONS_TYPE`: types of `forRoot()` / `forRootAsync()` arguments
 *   (use as `typeof CHARON_OPTIONS_TYPE`), which add {@link CharonModuleExtras} to {@link CharonModuleOptions}.
 */
export const {
  ConfigurableModuleClass: CharonConfigurableModule,
  MODULE_OPTIONS_TOKEN: CHARON_MODULE_OPTIONS,
  OPTIONS_TYPE: CHARON_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: CHARON_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<CharonModuleOptions>({ moduleName: 'Charon' })
  .setClassMethodName('forRoot')
  .setExtras<CharonModuleExtras>({ isGlobal: false, globalGuard: false }, (definition, extras) => ({
    ...definition,
    global: extras.isGlobal,
    providers: extras.globalGuard ? [...(definition.providers ?? []), { provide: APP_GUARD, useExisting: GlobalSessionGuard }] : definition.providers,
  }))
  .build();
