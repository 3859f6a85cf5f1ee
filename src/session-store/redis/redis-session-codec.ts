import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Session, UserId } from '../../session/session.model';

/** Length of the base64url HMAC-SHA256 at the start of every stored value. */
export const MAC_LENGTH = 43;

/**
 * Stored value layout: `<mac><lockVersion>:<json>`.
 *
 * - `mac`: 43 characters, base64url HMAC-SHA256 over everything after it. Fixed length and first, so neither side
 *   has to search for a separator.
 * - `lockVersion`: decimal digits, so the Redis function can compare it with the expected version without decoding
 *   JSON (Lua's cjson would turn numbers into floats and `{}` into `[]`, which is why Lua never decodes sessions).
 * - `json`: the whole session as `JSON.stringify` writes it, lockVersion included, so every field (and any field a
 *   later model version adds) round-trips exactly.
 */
export function encodeSession(session: Session, lockVersion: number, key: Uint8Array): string {
  const body = `${lockVersion}:${JSON.stringify(lockVersion === session.lockVersion ? session : { ...session, lockVersion })}`;
  return createHmac('sha256', key).update(body).digest('base64url') + body;
}

/** Why a stored value was not accepted. */
export type DecodeFailure = 'bad signature' | 'malformed' | 'wrong owner';

export type DecodeResult = { ok: true; session: Session } | { ok: false; reason: DecodeFailure };

/**
 * Verifies and decodes a stored value, and checks that it really belongs where it was found (`sessionId` when
 * known, `userId`, `type`): a value copied into another user's hash by someone with write access to Redis is
 * refused like a forged one.
 */
export function decodeSession(
  value: string,
  key: Uint8Array,
  userId: UserId,
  type: string,
  sessionId?: string,
): DecodeResult {
  if (value.length <= MAC_LENGTH) return { ok: false, reason: 'malformed' };
  const body = value.slice(MAC_LENGTH);
  const expected = createHmac('sha256', key).update(body).digest();
  const given = Buffer.from(value.slice(0, MAC_LENGTH), 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad signature' };

  const colon = body.indexOf(':');
  let session: Session;
  try {
    session = JSON.parse(body.slice(colon + 1)) as Session;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (
    typeof session !== 'object' ||
    session === null ||
    typeof session.refreshExpiresAt !== 'number' ||
    String(session.lockVersion) !== body.slice(0, colon)
  ) {
    return { ok: false, reason: 'malformed' };
  }
  if (session.userId !== userId || session.type !== type || (sessionId !== undefined && session.id !== sessionId)) {
    return { ok: false, reason: 'wrong owner' };
  }
  return { ok: true, session };
}
