/**
 * The Redis session store: `import { redisSessionStore } from 'nestjs-charon/redis'`. A separate entry point so
 * that ioredis (an optional peer dependency) is needed, at runtime and for type checking, only by apps using it.
 */
export { RedisSessionStore, redisSessionStore, REDIS_SIGNING_KEY_PURPOSE } from './session-store/redis/redis-session-store';
export {
  DEFAULT_REDIS_KEY_PREFIX,
  DEFAULT_REDIS_OPERATION_TIMEOUT_MS,
  DEFAULT_REDIS_RECONNECT_MAX_DELAY_MS,
  DEFAULT_REDIS_STARTUP_TIMEOUT_MS,
  DEFAULT_REDIS_VERIFICATION_MEMO_SIZE,
  type RedisSessionStoreOptions,
} from './session-store/redis/redis-session-store.options';
export { REDIS_FUNCTIONS_LIBRARY, REDIS_FUNCTIONS_VERSION } from './session-store/redis/redis-session-functions';
export { RedisLookupKeyStore, redisLookupKeyStore } from './lookup-key/redis/redis-lookup-key-store';
export { REDIS_LOOKUP_KEY_SIGNING_PURPOSE, type RedisLookupKeyStoreOptions } from './lookup-key/redis/redis-lookup-key-store.options';
export { REDIS_LOOKUP_KEY_FUNCTIONS_LIBRARY, REDIS_LOOKUP_KEY_FUNCTIONS_VERSION } from './lookup-key/redis/redis-lookup-key-functions';
