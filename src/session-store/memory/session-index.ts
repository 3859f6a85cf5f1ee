import type { Session, UserId } from '../../model/session.model';
import type { ExpiryHeapNode } from './expiry-heap';

/**
 * One stored session of the {@link MemorySessionStore}.
 *
 * @internal
 */
export interface MemoryEntry extends ExpiryHeapNode {
  /** The store's private copy; only clones of it leave the store. */
  session: Session;
  /** The (user id, type) group holding it. */
  readonly group: SessionGroup;
}

/**
 * The sessions of one (user id, type) pair.
 *
 * @internal
 */
export interface SessionGroup {
  readonly userId: UserId;
  readonly type: string;
  /** Key of `userId` within its type, see {@link userKeyOf}. */
  readonly userKey: string;
  /**
   * The sessions by id, in write order: least recently written first (an update moves a session to the end), the
   * tie-break of the per-user cap.
   */
  readonly sessions: Map<string, MemoryEntry>;
  /** At most the smallest `expiresAt` of `sessions`: while it lies in the future, none of them has expired. */
  minExpiresAt: number;
  /** Increases with every group created; `listUsers` cursors point into the order it defines. */
  readonly seq: number;
  /** Set when the group lost its last session; it then waits in its type's `order` until compacted away. */
  removed: boolean;
}

/** The groups of one session type. */
interface TypeGroups {
  readonly byUser: Map<string, SessionGroup>;
  /** Every group by increasing `seq`, removed ones included until compaction, so cursors resume by binary search. */
  order: SessionGroup[];
  removed: number;
}

/**
 * One page of {@link SessionIndex.page}.
 *
 * @internal
 */
export interface GroupPage {
  groups: SessionGroup[];
  /** `seq` to resume after, or `null` when the whole order has been visited. */
  resumeAfter: number | null;
}

/** Removed groups tolerated in a type's `order` before it is compacted (also at most half of it). */
const MIN_COMPACTION = 32;

/**
 * Groups examined per requested user id in one page at most: groups whose sessions have all expired (not yet swept)
 * are examined but not listed, and this keeps one page's work bounded when many are.
 */
const PAGE_SCAN_FACTOR = 4;

/**
 * Key of a user id within one type, built so that no two user ids share one: the type tag keeps user `1` apart from
 * user `'1'`. (Types have a map each, so no separator between user id and type can be forged.)
 */
function userKeyOf(userId: UserId): string {
  return `${typeof userId === 'number' ? 'n' : 's'}${String(userId)}`;
}

/**
 * The memory store's index: type -> user -> sessions, so that sessions are told apart by (id, user id, type), and
 * per type an append-only order of the groups that makes `listUsers` pages resumable in O(log n) from an opaque
 * cursor, stable under concurrent logins and logouts.
 *
 * @internal Used by {@link MemorySessionStore}; not part of the public API.
 */
export class SessionIndex {
  private readonly types = new Map<string, TypeGroups>();
  private nextSeq = 0;
  private groupCount = 0;

  /** Number of (user id, type) groups holding sessions. */
  get size(): number {
    return this.groupCount;
  }

  find(userId: UserId, type: string): SessionGroup | undefined {
    return this.types.get(type)?.byUser.get(userKeyOf(userId));
  }

  findOrCreate(userId: UserId, type: string): SessionGroup {
    let groups = this.types.get(type);
    if (!groups) this.types.set(type, (groups = { byUser: new Map(), order: [], removed: 0 }));
    const userKey = userKeyOf(userId);
    let group = groups.byUser.get(userKey);
    if (!group) {
      group = { userId, type, userKey, sessions: new Map(), minExpiresAt: Infinity, seq: this.nextSeq++, removed: false };
      groups.byUser.set(userKey, group);
      groups.order.push(group);
      this.groupCount++;
    }
    return group;
  }

  /** Forgets a group that has no sessions left. */
  drop(group: SessionGroup): void {
    const groups = this.types.get(group.type)!;
    group.removed = true;
    groups.byUser.delete(group.userKey);
    this.groupCount--;
    if (groups.byUser.size === 0) {
      this.types.delete(group.type);
      return;
    }
    groups.removed++;
    if (groups.removed > MIN_COMPACTION && groups.removed * 2 > groups.order.length) {
      groups.order = groups.order.filter((g) => !g.removed);
      groups.removed = 0;
    }
  }

  /**
   * Up to `limit` groups of `type` for which `isLive` holds, after the group with seq `after` (from the start when
   * `null`), examining at most `limit * PAGE_SCAN_FACTOR` groups. `isLive` must not change the index.
   */
  page(type: string, after: number | null, limit: number, isLive: (group: SessionGroup) => boolean): GroupPage {
    const order = this.types.get(type)?.order ?? [];
    let i = after === null ? 0 : firstAfter(order, after);
    let budget = limit * PAGE_SCAN_FACTOR;
    const groups: SessionGroup[] = [];
    for (; i < order.length && groups.length < limit && budget > 0; i++) {
      const group = order[i];
      if (group.removed) continue;
      budget--;
      if (isLive(group)) groups.push(group);
    }
    while (i < order.length && order[i].removed) i++;
    return { groups, resumeAfter: i < order.length ? order[i - 1].seq : null };
  }
}

/** Index of the first group with a seq greater than `seq` (binary search: `order` is sorted by seq). */
function firstAfter(order: readonly SessionGroup[], seq: number): number {
  let low = 0;
  let high = order.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (order[mid].seq <= seq) low = mid + 1;
    else high = mid;
  }
  return low;
}
