import { constantTimeEqual } from '../../internal/constant-time';
import { PrecomputedHmac } from '../../internal/precomputed-hmac';
import type { Session, UserId } from '../../model/session.model';

/** Length of the base64url HMAC-SHA256 at the start of every stored value. */
export const MAC_LENGTH = 43;

/** Why a stored value was not accepted. */
export type DecodeFailure = 'bad signature' | 'malformed' | 'wrong owner';

export type DecodeResult = { ok: true; session: Session } | { ok: false; reason: DecodeFailure };

/** A verified value, its session, and the names of the session's object-valued fields (usually `extraPayload`). */
interface Verified {
  value: string;
  session: Session;
  nested: string[];
}

/** A copy the caller may modify: top level by spread (which also keeps an own `__proto__` field), nested fields deep. */
function copyOf({ session, nested }: Verified): Session {
  const copy = { ...session } as Record<string, unknown>;
  for (const field of nested) setOwn(copy, field, cloneJson(copy[field]));
  return copy as unknown as Session;
}

/** Sets an own data property; plain assignment of `__proto__` would set the prototype instead. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

/** A deep copy of JSON data (what `JSON.parse` returns), several times faster than parsing it again. */
function cloneJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  const copy: Record<string, unknown> = {};
  for (const key in value) setOwn(copy, key, cloneJson((value as Record<string, unknown>)[key]));
  return copy as T;
}

/**
 * Start of the JSON this version writes: an internal field first, `{"_charon":[<lockVersion>,<refreshedAt>,<stamp>]`,
 * where the Redis function finds what eviction needs without decoding JSON. It is not part of the session: decoding
 * drops it.
 */
export const INTERNAL_FIELD_START = '{"_charon":[';

let lastWriteStamp = 0;

/**
 * A stamp that orders this process's writes: microseconds of wall-clock time, and always more than the previous
 * stamp (two writes in one microsecond, or a clock stepped back). Across processes it orders writes as far as their
 * clocks agree. Eviction uses it to break ties between equal `refreshedAt`: the earlier write goes first.
 */
function nextWriteStamp(): number {
  const now = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  lastWriteStamp = now > lastWriteStamp ? now : lastWriteStamp + 1;
  return lastWriteStamp;
}

/** HMAC-SHA256 of stored values under `key`. */
function valueHmac(key: Uint8Array): PrecomputedHmac {
  return new PrecomputedHmac('sha256', 64, 32, key);
}

/** The stored value of `session` written with `lockVersion` (see {@link SessionCodec} for the layout). */
export function encodeSession(session: Session, lockVersion: number, key: Uint8Array): string {
  return signedValue(session, lockVersion, valueHmac(key));
}

function signedValue(session: Session, lockVersion: number, hmac: PrecomputedHmac): string {
  // A spread copy keeps the field order and the fast path of JSON.stringify (an object rest would not); the
  // fingerprint goes right after the internal field instead, where the Redis function compares it anchored, and
  // JSON.stringify leaves out a field set to undefined.
  const fields = { ...session };
  fields.lockVersion = lockVersion;
  const { fingerprint } = session;
  if (fingerprint !== undefined) fields.fingerprint = undefined;
  const internal = `${INTERNAL_FIELD_START}${lockVersion},${session.refreshedAt},${nextWriteStamp()}]`;
  const device = fingerprint === undefined ? '' : `,"fingerprint":${JSON.stringify(fingerprint)}`;
  const json = `${internal}${device},${JSON.stringify(fields).slice(1)}`;
  const body = `${lockVersion}:${session.refreshExpiresAt}:${json}`;
  return hmac.digestBase64Url(body, 'utf8') + body;
}

/**
 * Signs, verifies and (de)serializes stored sessions.
 *
 * Stored value layout: `<mac><lockVersion>:<refreshExpiresAt>:<json>`.
 * - `mac`: 43 characters, base64url HMAC-SHA256 over everything after it. Fixed length and first, so neither side
 *   has to search for a separator.
 * - `lockVersion` and `refreshExpiresAt`: decimal digits, so the Redis function can check the lock version and
 *   whether the stored session is alive without decoding JSON (Lua's cjson would turn numbers into floats and `{}`
 *   into `[]`, which is why Lua never re-encodes sessions).
 * - `json`: the whole session as `JSON.stringify` writes it (lockVersion included), so every field, and any field a
 *   later model version adds, round-trips exactly; preceded by the internal field `"_charon":[<lockVersion>,
 *   <refreshedAt>,<write stamp>]` and, when the session has one, its `fingerprint`, both at fixed places so that the
 *   function reads the eviction order and compares fingerprints with anchored matches. Decoding drops `_charon`.
 *
 * Compatibility with 0.1, which wrote the same layout without the internal field (and had no fingerprints): its
 * values decode here as before. 0.1 reads the values written here too (it sees `_charon` as one more session field)
 * and writes them back with the field unchanged; the lock version inside then no longer matches the header, which
 * is how the function knows that the field is stale and reads `refreshedAt` from the JSON instead.
 *
 * Verified values are remembered (up to `memoSize`, found by their MAC, accepted only if every byte is equal): reading
 * a value already verified costs a map lookup, a string comparison and a copy instead of an HMAC and a JSON parse. This is not a cache of sessions: a memo entry is
 * only used after Redis returned those exact bytes again, so it can never serve stale or deleted data, and a value is
 * only ever accepted after its signature was checked with the current key (the memo is dropped when the key changes).
 */
export class SessionCodec {
  private key: Uint8Array | undefined;
  /** A copy of `key`, so that a key changed in place by its owner is noticed. */
  private keyBuffer: Buffer = Buffer.alloc(0);
  /** The HMAC of {@link keyBuffer}, its padded key blocks computed once per key. */
  private hmac: PrecomputedHmac | undefined;
  /** By MAC: hashing 43 characters instead of the whole value; the full value is compared on a hit. */
  private readonly memo = new Map<string, Verified>();

  constructor(
    private readonly getKey: () => Uint8Array,
    private readonly memoSize: number,
  ) {}

  /** The HMAC of the current signing key; a different key (by content, also when changed in place) empties the memo. */
  private currentHmac(): PrecomputedHmac {
    const key = this.getKey();
    if (this.hmac === undefined || key !== this.key || !this.keyBuffer.equals(key)) {
      const buffer = Buffer.from(key);
      if (this.hmac === undefined || !buffer.equals(this.keyBuffer)) {
        this.memo.clear();
        this.hmac = valueHmac(buffer);
      }
      this.key = key;
      this.keyBuffer = buffer;
    }
    return this.hmac;
  }

  /** The stored value of `session` written with `lockVersion`, signed with the current key. */
  encode(session: Session, lockVersion: number): string {
    return signedValue(session, lockVersion, this.currentHmac());
  }

  /**
   * Verifies and decodes a stored value, and checks that it belongs where it was found (`sessionId` when known,
   * `userId`, `type`): a value copied into another user's hash by someone with write access to Redis is refused like
   * a forged one. Returns a copy the caller may modify.
   */
  decode(value: string, userId: UserId, type: string, sessionId?: string): DecodeResult {
    const hmac = this.currentHmac();
    const mac = value.slice(0, MAC_LENGTH);
    let verified = this.memo.get(mac);
    if (verified === undefined || verified.value !== value) {
      const result = this.verify(value, hmac);
      if (!result.ok) return result;
      const session = result.session as unknown as Record<string, unknown>;
      verified = {
        value,
        session: result.session,
        nested: Object.keys(session).filter((f) => typeof session[f] === 'object' && session[f] !== null),
      };
      if (this.memoSize > 0) {
        this.memo.delete(mac);
        if (this.memo.size >= this.memoSize) this.memo.delete(this.memo.keys().next().value as string);
        this.memo.set(mac, verified);
      }
    }
    const { session } = verified;
    if (session.userId !== userId || session.type !== type || (sessionId !== undefined && session.id !== sessionId)) {
      return { ok: false, reason: 'wrong owner' };
    }
    return { ok: true, session: copyOf(verified) };
  }

  private verify(value: string, hmac: PrecomputedHmac): DecodeResult {
    if (value.length <= MAC_LENGTH) return { ok: false, reason: 'malformed' };
    const body = value.slice(MAC_LENGTH);
    // 0.1 wrote the MAC with digest('base64url') too: one spelling, so equal text means equal bytes.
    if (!constantTimeEqual(hmac.digestBase64Url(body, 'utf8'), value.slice(0, MAC_LENGTH))) return { ok: false, reason: 'bad signature' };

    // Signed by us, so well-formed unless the format itself changed; checked anyway rather than trusted.
    const first = body.indexOf(':');
    const second = body.indexOf(':', first + 1);
    let json = body.slice(second + 1);
    if (json.startsWith(INTERNAL_FIELD_START)) {
      // Holds only numbers, so its first "]," ends it. Values written by 0.1 have no such field.
      const end = json.indexOf('],', INTERNAL_FIELD_START.length);
      json = end < 0 ? '' : `{${json.slice(end + 2)}`;
    }
    let session: Session;
    try {
      session = JSON.parse(json) as Session;
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (
      first < 0 ||
      typeof session !== 'object' ||
      session === null ||
      String(session.lockVersion) !== body.slice(0, first) ||
      String(session.refreshExpiresAt) !== body.slice(first + 1, second)
    ) {
      return { ok: false, reason: 'malformed' };
    }
    return { ok: true, session };
  }
}
