// Module and configuration
export { CharonModule } from './module/charon.module';
export { CHARON_MODULE_OPTIONS, CHARON_OPTIONS_TYPE, CHARON_ASYNC_OPTIONS_TYPE, type CharonModuleExtras } from './module/charon.module-definition';
export type { CharonModuleOptions, JwtOptions, SecretValue } from './config/charon-module-options';
export { CharonConfig, CHARON_DEFAULTS, type CharonSettings, type ResolvedCookieAttributes } from './config/charon-config';
export { DEFAULT_COOKIE_ATTRIBUTES, type CookieAttributes } from './config/cookie-attributes';
export { Clock, SystemClock } from './clock/clock';

// Sessions
export {
  SessionService,
  DEFAULT_SESSION_TYPE,
  MAX_FINGERPRINT_LENGTH,
  type CreateSessionOptions,
  type SessionResult,
  type SessionTokens,
  type SessionWriteOptions,
} from './session/session.service';
export { SESSION_MODEL_VERSION, TOKEN_TRANSPORTS, isValidUserId, type Session, type TokenTransport, type UserId } from './model/session.model';

// Session stores
export {
  SessionStore,
  SESSION_STORE,
  DEFAULT_LIST_USERS_LIMIT,
  MAX_LIST_USERS_LIMIT,
  type ListUsersOptions,
  type SessionUpsertOptions,
  type UserListPage,
} from './session-store/session-store';
export type { SessionStoreFactory, SessionStoreFactoryContext, SessionStoreOption } from './session-store/session-store-factory';
export { sessionsToReplace } from './session-store/session-replacement';
export { assertStorableSession } from './session-store/session-validation';
export { MemorySessionStore, memorySessionStore, type MemorySessionStoreStats } from './session-store/memory/memory-session-store';
export { DEFAULT_MEMORY_STORE_MAX_SESSIONS, type MemorySessionStoreOptions } from './session-store/memory/memory-session-store.options';
export { NullSessionStore, nullSessionStore } from './session-store/null/null-session-store';
// The Redis store is in the `nestjs-charon/redis` entry point, so that apps without ioredis never load its types.

// Tokens
export { TokenFactory, TOKEN_FACTORY, type TokenPayload, type TokenVerifyResult } from './tokens/token-factory';
export { JwtTokenFactory } from './tokens/jwt/jwt-token-factory';
export {
  defaultJwtKeyset,
  defaultJwtTokenFactoryOptions,
  KID_NOT_SET_PREFIX,
  type JwtEdDsaKey,
  type JwtHmacKey,
  type JwtKey,
  type JwtKeyset,
  type JwtTokenFactoryOptions,
} from './tokens/jwt/jwt-keyset';
export { JWT_ALGORITHMS, type JwtAlgorithm, type JwtHmacAlgorithm } from './tokens/jwt/jwt-algorithms';
export { deriveKey } from './tokens/key-derivation';

// Guards, decorators, interceptors
export { upgradeSession } from './session/session-upgrade';
export { publicSession, listedSessions, type PublicSession, type ListedSession } from './session/public-session';
export { refreshGeneration, type RefreshGeneration } from './session/token-generation';
export { SessionGuard } from './guards/session.guard';
export { GlobalSessionGuard } from './guards/global-session.guard';
export { RefreshTokenGuard } from './guards/refresh-token.guard';
export { LogoutGuard } from './guards/logout.guard';
export { TokenGuard, AUTHENTICATES_ROUTE, CLOCK_DRIFT_TOLERANCE, type RouteAuthSettings, type TokenKind } from './guards/token-guard';
export { RequireClaims, LoadSession, Public, OptionalAuth, type ClaimRequirement, type RouteAccess } from './decorators/route-auth.decorators';
export { CurrentSession, CurrentUserId, CurrentTokenPayload, CurrentTokenTransport } from './decorators/auth-params.decorators';
export { CharonCookieInterceptor } from './interceptors/charon-cookie.interceptor';
export type { HttpRequestLike } from './model/http-request.model';
export type { CharonRequestState } from './internal/http-request';

// Execution contexts (HTTP, GraphQL, WebSockets)
export { getAuthState } from './context/execution-context-request';
export { attachUpgradeRequest } from './context/websocket-request';
export { CharonGraphQLError, type PublicCharonError } from './context/context-errors';

// Lookup-key sessions (opaque credentials such as API keys); the Redis store is in `nestjs-charon/redis`
export { LookupKeyService, type CreateLookupKeyOptions, type CreatedLookupKey, type LookupKeyVerification } from './lookup-key/lookup-key.service';
export { LookupKeyGuard } from './lookup-key/lookup-key.guard';
export { SessionOrLookupKeyGuard } from './lookup-key/session-or-lookup-key.guard';
export { CurrentLookupKey, type AuthenticatedLookupKey } from './lookup-key/lookup-key.decorators';
export { LookupKeyStore, type LookupKeyInsertOptions } from './lookup-key/lookup-key-store';
export type { LookupKeyStoreFactory, LookupKeyStoreFactoryContext, LookupKeyStoreOption } from './lookup-key/lookup-key-store-factory';
export {
  MemoryLookupKeyStore,
  memoryLookupKeyStore,
  DEFAULT_MEMORY_LOOKUP_KEY_STORE_MAX_RECORDS,
  type MemoryLookupKeyStoreOptions,
} from './lookup-key/memory/memory-lookup-key-store';
export { LookupKeyConfig } from './lookup-key/lookup-key-config';
export { LOOKUP_KEY_DEFAULTS, type LookupKeyKeysetOptions, type LookupKeyOptions } from './lookup-key/lookup-key.options';
export {
  LookupKeyKeyset,
  lookupKeyHmacPurpose,
  LOOKUP_KEY_SHARD_PURPOSE,
  MIN_LOOKUP_KEY_HMAC_KEY_BYTES,
  type LookupKeyKeysetKeys,
} from './lookup-key/lookup-key-keyset';
export { LookupKeyCredentials, LOOKUP_KEY_SECRET_BYTES } from './lookup-key/lookup-key-credential';
export type { LookupKeyCandidate, LookupKeyMatch, LookupKeyQuery, LookupKeyRecord, NewLookupKeyRecord } from './lookup-key/lookup-key.model';

// Errors
export { CharonError, type CharonErrorCode } from './errors/charon.error';
export { AuthenticationError, type AuthenticationFailureReason } from './errors/authentication.error';
export { AuthorizationError, type AuthorizationFailureReason } from './errors/authorization.error';
export { InvalidSessionError } from './errors/invalid-session.error';
export { CharonUsageError } from './errors/charon-usage.error';
export { UnsupportedOperationError } from './errors/unsupported-operation.error';
export { SessionConflictError } from './errors/session-conflict.error';
export { SessionStorageError } from './errors/session-storage.error';
export { InsecureTokenTransportError } from './errors/insecure-token-transport.error';
export { UnsupportedTokenTransportError } from './errors/unsupported-token-transport.error';
export { CharonConfigError } from './errors/charon-config.error';
export { CharonExceptionFilter } from './errors/charon-exception.filter';

// Telemetry
export { CHARON_CHANNELS, type SessionEventMessage, type TokenEventMessage } from './telemetry/charon-telemetry';
export { LOOKUP_KEY_CHANNELS, type LookupKeyCheckMessage, type LookupKeyEventMessage } from './telemetry/lookup-key-telemetry';
