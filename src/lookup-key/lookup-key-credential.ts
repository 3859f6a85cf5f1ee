import { randomBytes } from 'node:crypto';
import { hasCanonicalEnd } from '../tokens/jwt/base64url';

/** Random bytes in a credential's secret: 256 bits. */
export const LOOKUP_KEY_SECRET_BYTES = 32;

/** base64url length of the secret: 43 characters, no padding. */
const SECRET_LENGTH = Math.ceil((LOOKUP_KEY_SECRET_BYTES * 4) / 3);

/** A character outside the base64url alphabet (`\w` without flags is `[A-Za-z0-9_]`). */
const NOT_BASE64URL = /[^\w-]/;

/**
 * The credential format: `<prefix><43 base64url characters>`, the characters encoding 32 random bytes.
 *
 * The prefix (default `chk_`) lets a server route a credential without trying it (a JWT always starts with `eyJ`)
 * and lets secret scanners recognise a leaked key. Parsing is strict (exact length, alphabet and canonical
 * encoding), so one secret has exactly one spelling and garbage never costs a store round trip.
 */
export class LookupKeyCredentials {
  constructor(readonly prefix: string) {}

  /** A new credential and its secret bytes (what the lookup keys are computed from). */
  generate(): { credential: string; secret: Buffer } {
    const secret = randomBytes(LOOKUP_KEY_SECRET_BYTES);
    return { credential: this.prefix + secret.toString('base64url'), secret };
  }

  /** Whether `value` claims to be a lookup-key credential (it has the prefix); it may still be malformed. */
  hasPrefix(value: string): boolean {
    return value.startsWith(this.prefix);
  }

  /** The secret bytes of a well-formed credential, else undefined. */
  parse(value: string): Buffer | undefined {
    const { prefix } = this;
    if (value.length !== prefix.length + SECRET_LENGTH || !value.startsWith(prefix)) return undefined;
    const body = value.slice(prefix.length);
    if (NOT_BASE64URL.test(body) || !hasCanonicalEnd(body, 0, body.length)) return undefined;
    return Buffer.from(body, 'base64url');
  }
}
