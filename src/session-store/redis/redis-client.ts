import type { Cluster, Redis } from 'ioredis';

/** A standalone (or Sentinel) connection, or a Cluster connection: the stores work on both. */
export type RedisClient = Redis | Cluster;

/**
 * Whether `client` is a Cluster connection (a type guard; ioredis' own `isCluster` flag is not one).
 *
 * @internal
 */
export function isCluster(client: RedisClient): client is Cluster {
  return client.isCluster;
}

/**
 * Redis lost the functions (restart without persistence, FUNCTION FLUSH, failover to a node without them).
 *
 * @internal
 */
export function isMissingFunction(error: unknown): boolean {
  const message = error instanceof Error ? error.message : '';
  return message.includes('Function not found') || message.startsWith('NOSCRIPT');
}

/**
 * The error's own words, short. Redis and ioredis messages carry no credentials.
 *
 * @internal
 */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const short = message.length > 200 ? `${message.slice(0, 200)}...` : message;
  // ioredis' words for "there is no connection right now" say how it noticed, not what happened.
  return /enableOfflineQueue|Connection is closed|isn't ready/.test(message) ? `not connected to Redis (${short})` : short;
}
