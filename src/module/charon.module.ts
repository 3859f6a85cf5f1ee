import { Logger, Module } from '@nestjs/common';
import { Clock, SystemClock } from '../clock/clock';
import { CharonConfig } from '../config/charon-config';
import type { CharonModuleOptions } from '../config/charon-module-options';
import { resolveCharonOptions, type ResolvedCharon } from '../config/resolve-charon-options';
import { GlobalSessionGuard } from '../guards/global-session.guard';
import { LogoutGuard } from '../guards/logout.guard';
import { RefreshTokenGuard } from '../guards/refresh-token.guard';
import { SessionGuard } from '../guards/session.guard';
import { CharonCookieInterceptor } from '../interceptors/charon-cookie.interceptor';
import { LOOKUP_KEY_EXPORTS, lookupKeyProviders } from '../lookup-key/lookup-key.providers';
import { SessionService } from '../session/session.service';
import { SessionStore } from '../session-store/session-store';
import { TokenFactory } from '../tokens/token-factory';
import { CHARON_MODULE_OPTIONS, CharonConfigurableModule } from './charon.module-definition';
import { sessionStoreProvider } from './session-store.provider';

const RESOLVED_CHARON = Symbol('nestjs-charon:resolved');

/**
 * Authentication sessions for Nest.
 *
 * ```ts
 * @Module({
 *   imports: [CharonModule.forRoot({ tokenIssuer: 'https://example.com', baseSecret: () => process.env.CHARON_SECRET!, isGlobal: true })],
 * })
 * export class AppModule {}
 * ```
 * or `CharonModule.forRootAsync({ imports, inject, useFactory })`. Provides and exports {@link SessionService},
 * {@link SessionGuard}, {@link GlobalSessionGuard} (registered app-wide with `globalGuard: true`),
 * {@link RefreshTokenGuard}, {@link LogoutGuard}, {@link CharonCookieInterceptor} (apply it to the auth controller),
 * {@link SessionStore}, {@link TokenFactory}, {@link CharonConfig}, {@link Clock}, the raw options
 * (`CHARON_MODULE_OPTIONS`) and the lookup-key session providers (`LookupKeyService`, `LookupKeyGuard`,
 * `SessionOrLookupKeyGuard`, `LookupKeyStore`, `LookupKeyConfig`). Each provider can be replaced in tests with
 * `overrideProvider`.
 *
 * It registers no exception filter: its errors are `HttpException`s that Nest's own handler, or the app's global
 * filter, answers; `CharonExceptionFilter` is there to apply where GraphQL resolvers and gateways need it.
 */
@Module({
  providers: [
    {
      provide: RESOLVED_CHARON,
      inject: [CHARON_MODULE_OPTIONS],
      useFactory: (options: CharonModuleOptions) => resolveCharonOptions(options, new Logger('Charon')),
    },
    { provide: CharonConfig, inject: [RESOLVED_CHARON], useFactory: (resolved: ResolvedCharon) => resolved.config },
    { provide: TokenFactory, inject: [RESOLVED_CHARON], useFactory: (resolved: ResolvedCharon) => resolved.tokenFactory },
    { provide: Clock, useClass: SystemClock },
    sessionStoreProvider,
    SessionService,
    SessionGuard,
    GlobalSessionGuard,
    RefreshTokenGuard,
    LogoutGuard,
    CharonCookieInterceptor,
    ...lookupKeyProviders,
  ],
  exports: [
    CHARON_MODULE_OPTIONS,
    CharonConfig,
    TokenFactory,
    Clock,
    SessionStore,
    SessionService,
    SessionGuard,
    GlobalSessionGuard,
    RefreshTokenGuard,
    LogoutGuard,
    CharonCookieInterceptor,
    ...LOOKUP_KEY_EXPORTS,
  ],
})
export class CharonModule extends CharonConfigurableModule {}
