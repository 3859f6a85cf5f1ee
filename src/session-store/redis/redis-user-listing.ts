import type { Redis } from 'ioredis';
import { CharonUsageError } from '../../errors/charon-usage.error';
import { isValidUserId, type UserId } from '../../model/session.model';
import { isCluster, type RedisClient } from './redis-client';
import { parseSessionsKey } from './redis-session-keys';

/**
 * Where a `listUsers` listing stands; the cursor handed to the caller is its base64url JSON `[slot, scan, pending]`.
 *
 * A listing SCANs each primary in turn (a standalone Redis is one primary), in the order of the first hash slot each
 * one serves; a primary is named by that slot rather than by its address, which a failover may change.
 *
 * @internal
 */
export interface ListPosition {
  /** First hash slot of the primary to scan next (0 on a standalone Redis); `null` once every primary is done. */
  slot: number | null;
  /** SCAN cursor on that primary; `'0'` to start it. */
  scan: string;
  /**
   * User ids found beyond the limit of an earlier page: one SCAN step cannot be split, so a step may find a few
   * more than the page can hold. The next page starts with them.
   */
  pending: UserId[];
}

/**
 * One primary to SCAN for a listing, and where the listing goes after it.
 *
 * @internal
 */
export interface ScanTarget {
  node: Redis;
  /** The slot that names this primary in cursors. */
  slot: number;
  /** The first slot of the primary after this one, or `null` after the last. */
  next: number | null;
}

const SLOT_COUNT = 16384;

/**
 * The cursor string of `position`, or `null` when the listing is complete.
 *
 * @internal
 */
export function encodeListCursor(position: ListPosition): string | null {
  if (position.slot === null && position.pending.length === 0) return null;
  return Buffer.from(JSON.stringify([position.slot, position.scan, position.pending]), 'utf8').toString('base64url');
}

/**
 * The position a cursor from {@link encodeListCursor} stands for.
 * @throws CharonUsageError for anything that is not such a cursor.
 *
 * @internal
 */
export function decodeListCursor(cursor: unknown): ListPosition {
  let decoded: unknown;
  try {
    decoded = typeof cursor === 'string' ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : undefined;
  } catch {
    // reported below
  }
  if (Array.isArray(decoded) && decoded.length === 3) {
    const [slot, scan, pending] = decoded as unknown[];
    if (
      (slot === null || (Number.isSafeInteger(slot) && (slot as number) >= 0 && (slot as number) < SLOT_COUNT)) &&
      typeof scan === 'string' &&
      /^\d+$/.test(scan) &&
      Array.isArray(pending) &&
      pending.every(isValidUserId)
    ) {
      return { slot: slot as number | null, scan, pending };
    }
  }
  throw new CharonUsageError(
    'listUsers: the cursor is not one this store handed out; pass the `cursor` of the previous page unchanged',
  );
}

/**
 * The primary that serves `slot` (`undefined`: the first primary), and the first slot of the one after it. On a
 * Cluster, from the client's slot map: primaries ordered by the first slot they serve.
 * @throws Error when no known primary serves the slot (the Cluster is down or still connecting).
 *
 * @internal
 */
export function scanTarget(client: RedisClient, slot: number | undefined): ScanTarget {
  if (!isCluster(client)) return { node: client, slot: 0, next: null };
  const owners = client.slots;
  const firstSlots: number[] = [];
  const seen = new Set<string>();
  for (let s = 0; s < owners.length; s++) {
    const primary = owners[s]?.[0];
    if (primary !== undefined && !seen.has(primary)) {
      seen.add(primary);
      firstSlots.push(s);
    }
  }
  const at = slot ?? firstSlots[0] ?? 0;
  const owner = owners[at]?.[0];
  const node = client.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === owner);
  if (!node) throw new Error(`no known primary serves hash slot ${at}`);
  return { node, slot: at, next: firstSlots.find((s) => s > at) ?? null };
}

/**
 * Adds the users of `keys` (a `live_keys` reply) whose sessions are of `type` to `page`, up to `limit`, and the rest
 * to `pending`; skips keys of other types, keys not written by this store, and users the page already holds.
 *
 * @internal
 */
export function collectUsers(
  keys: readonly string[],
  prefix: string,
  type: string,
  limit: number,
  page: UserId[],
  pending: UserId[],
): void {
  const seen = new Set<UserId>([...page, ...pending]);
  for (const key of keys) {
    const owner = parseSessionsKey(prefix, key);
    if (owner === null || owner.type !== type || seen.has(owner.userId)) continue;
    seen.add(owner.userId);
    (page.length < limit ? page : pending).push(owner.userId);
  }
}
