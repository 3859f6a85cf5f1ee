import { CharonUsageError } from '../errors/charon-usage.error';
import { InvalidSessionError } from '../errors/invalid-session.error';
import { isValidUserId, type Session } from '../model/session.model';
import { DEFAULT_LIST_USERS_LIMIT, MAX_LIST_USERS_LIMIT, type SessionUpsertOptions } from './session-store';

const TIME_FIELDS = ['createdAt', 'refreshedAt', 'refreshExpiresAt', 'tokensFreshFrom', 'prevTokensFreshFrom'] as const;

function isPositiveInteger(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

/** What is wrong with `session` and `options`, one phrase per field; never their values (they may be secret). */
function storageProblems(session: Session, options: SessionUpsertOptions | undefined): string[] {
  if (typeof session !== 'object' || session === null) return ['session must be an object'];
  const problems: string[] = [];
  if (typeof session.id !== 'string') problems.push('id must be a string');
  if (!isValidUserId(session.userId)) problems.push('userId must be a string or a finite number');
  if (typeof session.type !== 'string') problems.push('type must be a string');
  for (const field of TIME_FIELDS) {
    if (!Number.isSafeInteger(session[field])) problems.push(`${field} must be an integer (unix seconds)`);
  }
  if (session.expiresAt !== 'infinite' && !Number.isSafeInteger(session.expiresAt)) {
    problems.push("expiresAt must be an integer (unix seconds) or 'infinite'");
  }
  if (!Number.isSafeInteger(session.lockVersion) || session.lockVersion < 0) {
    problems.push('lockVersion must be a non-negative integer');
  }
  if (typeof session.refreshTokenId !== 'string') problems.push('refreshTokenId must be a string');
  if (session.fingerprint !== undefined && typeof session.fingerprint !== 'string') problems.push('fingerprint must be a string when set');
  const rotated = session.rotatedRefreshTokenIds;
  if (rotated !== undefined && !(Array.isArray(rotated) && rotated.every((id) => typeof id === 'string'))) {
    problems.push('rotatedRefreshTokenIds must be an array of strings when set');
  }
  if (options?.maxSessions !== undefined && !isPositiveInteger(options.maxSessions)) {
    problems.push('options.maxSessions must be a positive integer when set');
  }
  return problems;
}

/**
 * Throws {@link InvalidSessionError} unless every store can keep `session` faithfully: `id`, `type` and
 * `refreshTokenId` strings, `userId` a string or a finite number, times integer unix seconds (`expiresAt` may be
 * `'infinite'`), `lockVersion` a non-negative integer, `fingerprint` a string and `rotatedRefreshTokenIds` an array of strings when set, and
 * `options.maxSessions` a positive integer when set. Stores call it before touching their backend, so that every
 * store refuses the same sessions the same way. The message names the fields, never their values.
 */
export function assertStorableSession(session: Session, options?: SessionUpsertOptions): void {
  const problems = storageProblems(session, options);
  if (problems.length > 0) throw new InvalidSessionError(`session cannot be stored: ${problems.join('; ')}`);
}

/**
 * Whether sessions can be stored under this (user id, type) pair at all. `get`, `delete`, `getAll` and `count`
 * find nothing for one that cannot (e.g. a `null` user id), instead of, say, matching the user `'null'`.
 *
 * @internal
 */
export function isValidSessionOwner(userId: unknown, type: unknown): boolean {
  return isValidUserId(userId) && typeof type === 'string';
}

/**
 * The page size of a `listUsers` call: {@link DEFAULT_LIST_USERS_LIMIT} when `limit` is undefined.
 * @throws CharonUsageError when `limit` is not an integer from 1 to {@link MAX_LIST_USERS_LIMIT} (no listing is unbounded).
 *
 * @internal
 */
export function listUsersLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIST_USERS_LIMIT;
  if (!isPositiveInteger(limit) || limit > MAX_LIST_USERS_LIMIT) {
    throw new CharonUsageError(`listUsers: limit must be an integer from 1 to ${MAX_LIST_USERS_LIMIT}, got ${String(limit)}`);
  }
  return limit;
}
