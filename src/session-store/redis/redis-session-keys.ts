import { isValidUserId, type UserId } from '../../model/session.model';

/** What follows the tag in every sessions key. */
const SESSIONS_SUFFIX = '}:sessions';

/** Most (user id, type) key names remembered before the memo starts over; about 100 bytes each. */
const KEY_MEMO_SIZE = 10_000;

/**
 * The hash-tag body of a (user id, session type) pair: base64url of the JSON array `[userId, type]`.
 *
 * JSON keeps the user id's type (`[1,"full"]` vs `["1","full"]`) and quotes/escapes both parts, so no two pairs
 * share an encoding whatever characters they contain; base64url then removes every character that means something
 * to Redis key naming (`{`, `}`, `:`), so the hash tag cannot be cut short by a `}` in a user id. It is reversible
 * on purpose: an operator can decode a key to see whose sessions it holds.
 *
 * @internal
 */
export function userTag(userId: UserId, type: string): string {
  return Buffer.from(JSON.stringify([userId, type]), 'utf8').toString('base64url');
}

/**
 * Name of the hash holding the sessions of a (user id, session type) pair: `<prefix>{<tag>}:sessions`.
 * Redis Cluster hashes only the `{<tag>}` part, so anything stored for the pair lives in one slot and one function
 * call can work on it atomically.
 *
 * @internal
 */
export function sessionsKey(prefix: string, userId: UserId, type: string): string {
  return `${prefix}{${userTag(userId, type)}${SESSIONS_SUFFIX}`;
}

/**
 * SCAN MATCH pattern of every sessions hash under `prefix` (glob characters in the prefix escaped).
 *
 * @internal
 */
export function sessionsKeyPattern(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, '\\$&')}{*${SESSIONS_SUFFIX}`;
}

/**
 * The (user id, type) whose sessions `key` holds, or `null` for a key this store would not have written under
 * `prefix` (another layout, a tag that is not the canonical encoding of a valid pair).
 *
 * @internal
 */
export function parseSessionsKey(prefix: string, key: string): { userId: UserId; type: string } | null {
  if (!key.startsWith(`${prefix}{`) || !key.endsWith(SESSIONS_SUFFIX)) return null;
  const tag = key.slice(prefix.length + 1, -SESSIONS_SUFFIX.length);
  let pair: unknown;
  try {
    pair = JSON.parse(Buffer.from(tag, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(pair) || pair.length !== 2) return null;
  const [userId, type] = pair as unknown[];
  if (!isValidUserId(userId) || typeof type !== 'string' || userTag(userId, type) !== tag) return null;
  return { userId, type };
}

/**
 * Computes key names once per (user id, type): a warm lookup is two map reads instead of JSON + base64.
 *
 * @internal
 */
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
