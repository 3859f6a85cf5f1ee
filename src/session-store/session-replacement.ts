import type { Session } from '../model/session.model';

/**
 * The sessions an insert of `incoming` deletes, in the same atomic step (see `SessionUpsertOptions`):
 * 1. the ones whose `fingerprint` equals the incoming session's, when it has one (one device holds one session);
 * 2. then, of the rest, the least recently refreshed beyond `maxSessions`, so that the incoming session and the
 *    survivors number at most `maxSessions`: smallest `refreshedAt` first, ties in the order of `existing`.
 *
 * Pure, for stores that read a user's sessions and write in one transaction.
 *
 * @param existing The live sessions of the incoming session's user and type, in write order (the session written
 *   least recently first: a refresh counts as a write), which breaks ties between equal `refreshedAt` values.
 * @param incoming The session being inserted.
 * @param maxSessions A positive integer; undefined: no cap.
 * @returns The sessions to delete: fingerprint matches first (in the order of `existing`), then cap evictions
 *   (least recently refreshed first).
 */
export function sessionsToReplace(existing: readonly Session[], incoming: Session, maxSessions?: number): Session[] {
  const { fingerprint } = incoming;
  const sameDevice = fingerprint === undefined ? [] : existing.filter((s) => s.fingerprint === fingerprint);
  const rest = sameDevice.length === 0 ? existing : existing.filter((s) => s.fingerprint !== fingerprint);
  const excess = maxSessions === undefined ? 0 : rest.length + 1 - maxSessions;
  return excess > 0 ? [...sameDevice, ...leastRecentlyRefreshed(rest, excess)] : sameDevice;
}

/**
 * The `count` sessions with the smallest `refreshedAt`, smallest first; ties keep the order of `sessions`
 * (Array.prototype.sort is stable).
 *
 * @internal Shared with the memory store's eviction; not part of the public API.
 */
export function leastRecentlyRefreshed(sessions: readonly Session[], count: number): Session[] {
  return [...sessions].sort((a, b) => a.refreshedAt - b.refreshedAt).slice(0, count);
}
