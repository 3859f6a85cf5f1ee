import type { KeyObject } from 'node:crypto';
import type { JwtHmacAlgorithm } from './jwt-algorithms';

/**
 * A shared HMAC secret. It must be at least as long as the hash output (32 bytes for HS256, 48 for HS384,
 * 64 for HS512), as RFC 7518 §3.2 requires; derive it with `deriveKey` rather than typing a password.
 */
export interface JwtHmacKey {
  readonly alg: JwtHmacAlgorithm;
  /** Raw secret bytes (copied at construction, so later changes to the buffer do not matter), or a secret `KeyObject`. */
  readonly key: Uint8Array | KeyObject;
}

/**
 * An Ed25519 or Ed448 key. A private key signs and verifies; a public key only verifies, which is how a
 * service that merely checks tokens (or a key being rotated out) should hold it.
 */
export interface JwtEdDsaKey {
  readonly alg: 'EdDSA';
  /** An `ed25519` or `ed448` `KeyObject` (`generateKeyPairSync('ed25519')`, `createPrivateKey(pem)`, ...). */
  readonly key: KeyObject;
}

/** A signing/verification key and the one algorithm it may be used with. */
export type JwtKey = JwtHmacKey | JwtEdDsaKey;

/**
 * Keys by kid (key id, the JWT header's `kid`). Every key verifies; only the `signingKey` signs. To rotate,
 * add the new key, make it the signing key, and remove the old one once the longest-lived token signed
 * with it (the refresh token TTL) has expired.
 *
 * A kid of the form `kid_not_set.<alg>` (e.g. `kid_not_set.HS256`) is special: it signs tokens without a
 * `kid` header, and tokens without a `kid` verify only against it. That keeps tokens from issuers that do
 * not set a kid usable, without ever guessing a key.
 */
export type JwtKeyset = Readonly<Record<string, JwtKey>>;

/** Construction options of {@link JwtTokenFactory}. */
export interface JwtTokenFactoryOptions {
  /** All keys that verify tokens, by kid. */
  readonly keyset: JwtKeyset;
  /** Kid of the key that signs new tokens. Must name a key in `keyset` that can sign (not a public key). */
  readonly signingKey: string;
  /**
   * Longest token `verify` will look at, in characters; longer input is rejected before any decoding, so
   * garbage costs nothing. Default: 16384 (Node's default limit for all HTTP headers together).
   */
  readonly maxTokenLength?: number;
}

/** Prefix of the kid that marks a key used for tokens without a `kid` header; the JWS `alg` follows it. */
export const KID_NOT_SET_PREFIX = 'kid_not_set.';

/** Default of {@link JwtTokenFactoryOptions.maxTokenLength}, in characters. */
export const DEFAULT_MAX_TOKEN_LENGTH = 16384;

/** Purpose string of the default HS256 key, as passed to the key-derivation function. */
export const DEFAULT_JWT_KEY_PURPOSE = 'jwt default HS256';

/**
 * Options of the default {@link JwtTokenFactory}: one HS256 key derived from the base secret, named `default`,
 * which also signs. Derivation happens here, once, so call this at boot, not per request.
 *
 * @param deriveKey derives `length` bytes for `purpose` from the base secret; typically
 *   `(purpose, length) => deriveKey(baseSecret, purpose, length)` with `deriveKey` from `key-derivation.ts`.
 * @example
 * const factory = new JwtTokenFactory(defaultJwtTokenFactoryOptions((p, n) => deriveKey(secret, p, n)));
 */
export function defaultJwtTokenFactoryOptions(deriveKey: (purpose: string, length: number) => Uint8Array): JwtTokenFactoryOptions {
  return {
    keyset: { default: { alg: 'HS256', key: deriveKey(DEFAULT_JWT_KEY_PURPOSE, 32) } },
    signingKey: 'default',
  };
}

/**
 * The 0.1 name of {@link defaultJwtTokenFactoryOptions}: it returns factory options, not a keyset.
 *
 * @deprecated Use `defaultJwtTokenFactoryOptions`; this alias will be removed in a major release.
 */
export const defaultJwtKeyset = defaultJwtTokenFactoryOptions;
