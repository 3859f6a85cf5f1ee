import type { LookupKeyOptions } from 'nestjs-charon';
import { redisLookupKeyStore } from 'nestjs-charon/redis';

/**
 * The API key settings from the environment: API_KEY_TTL (seconds, default 30 days) and, with REDIS_URL, the Redis
 * store (otherwise the in-memory default). It gets its own connection rather than sharing the session store's
 * (`redisLookupKeyStore()` without options), so it works whatever wraps the session store (the tests' race barrier).
 */
export function apiKeyOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): LookupKeyOptions {
  const ttl = env.API_KEY_TTL;
  if (ttl !== undefined && ttl !== '' && !/^\d{1,15}$/.test(ttl)) {
    throw new Error(`Invalid sample environment:\n  - API_KEY_TTL must be a whole number, got ${JSON.stringify(ttl)}`);
  }
  return {
    ttl: ttl ? Number(ttl) : undefined,
    store: env.REDIS_URL ? redisLookupKeyStore({ url: env.REDIS_URL }) : undefined,
  };
}
