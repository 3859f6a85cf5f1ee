import type { UserId } from '../../session/session.model';

/** Most (user id, type) key names remembered before the memo starts over; about 100 bytes each. */
const KEY_MEMO_SIZE = 10_000;

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
 * Name of the hash holding the sessions of a (user id, session type) pair: `<prefix>{<tag>}:sessions`.
 * Redis Cluster hashes only the `{<tag>}` part, so anything stored for the pair lives in one slot and one function
 * call can work on it atomically.
 */
export function sessionsKey(prefix: string, userId: UserId, type: string): string {
  return `${prefix}{${userTag(userId, type)}}:sessions`;
}

/** Computes key names once per (user id, type): a warm lookup is two map reads instead of JSON + base64. */
export class SessionKeyNames {
  private readonly byType = new Map<string, Map<UserId, string>>();
  private size = 0;

  constructor(private readonly prefix: string) {}

  sessions(userId: UserId, type: string): string {
    let byUser = this.byType.get(type);
    const known = byUser?.get(userId);
    if (known !== undefined) return known;
    if (this.size >= KEY_MEMO_SIZE) {
      this.byType.clear();
      this.size = 0;
      byUser = undefined;
    }
    if (!byUser) this.byType.set(type, (byUser = new Map()));
    const key = sessionsKey(this.prefix, userId, type);
    byUser.set(userId, key);
    this.size++;
    return key;
  }
}

/** Whether `userId` is a value sessions can be stored under (a string, or a finite number). */
export function isValidUserId(userId: unknown): userId is UserId {
  return typeof userId === 'string' || (typeof userId === 'number' && Number.isFinite(userId));
}
