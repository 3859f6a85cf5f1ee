import type { UserId } from '../../session/session.model';

/** The two keys that hold one (user, session type)'s sessions; both share one Cluster hash slot. */
export interface RedisSessionKeys {
  /** Hash: session id -> signed serialized session. */
  readonly sessions: string;
  /** Sorted set: session id scored by `refreshExpiresAt`, so writes can find expired entries without scanning. */
  readonly expiry: string;
}

/**
 * The hash-tag body of a (user id, session type) pair: base64url of the JSON array `[userId, type]`.
 *
 * JSON keeps the user id's type (`[1,"full"]` vs `["1","full"]`) and quotes/escapes both parts, so no two pairs
 * share an encoding whatever characters they contain; base64url then removes every character that means something
 * to Redis key naming (`{`, `}`, `:`), so the hash tag cannot be cut short by a `}` in a user id. It is reversible
 * on purpose: an operator can decode a key to see whose sessions it holds.
 */
export function userTag(userId: UserId, type: string): string {
  return Buffer.from(JSON.stringify([userId, type]), 'utf8').toString('base64url');
}

/**
 * Keys of a (user id, session type) pair: `<prefix>{<tag>}:sessions` and `<prefix>{<tag>}:expiry`.
 * Only the `{<tag>}` part is hashed by Redis Cluster, so both keys live in the same slot and one function call can
 * update them atomically.
 */
export function sessionKeys(prefix: string, userId: UserId, type: string): RedisSessionKeys {
  const base = `${prefix}{${userTag(userId, type)}}`;
  return { sessions: `${base}:sessions`, expiry: `${base}:expiry` };
}

/** Whether `userId` is a value sessions can be stored under (a string, or a finite number). */
export function isValidUserId(userId: unknown): userId is UserId {
  return typeof userId === 'string' || (typeof userId === 'number' && Number.isFinite(userId));
}
