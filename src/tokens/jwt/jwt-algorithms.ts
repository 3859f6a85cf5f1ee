/**
 * The JWS algorithms nestjs-charon signs and verifies (RFC 7518 §3.2, RFC 8037 §3.1). Anything else,
 * `none` included, is rejected by the verifier before a key is even looked up.
 */

/** HMAC algorithms: a shared secret signs and verifies. */
export type JwtHmacAlgorithm = 'HS256' | 'HS384' | 'HS512';

/**
 * Every supported JWS `alg`. `EdDSA` covers both Ed25519 and Ed448; which one is decided by the key, as
 * RFC 8037 specifies.
 */
export type JwtAlgorithm = JwtHmacAlgorithm | 'EdDSA';

/** The supported algorithms, in the order they are documented. */
export const JWT_ALGORITHMS: readonly JwtAlgorithm[] = Object.freeze(['HS256', 'HS384', 'HS512', 'EdDSA'] as const);

/** How an HMAC algorithm maps onto node:crypto. */
export interface HmacAlgorithmSpec {
  /** node:crypto digest name. */
  readonly hash: 'sha256' | 'sha384' | 'sha512';
  /**
   * Digest size in bytes: the length of a signature, and the minimum key length (RFC 7518 §3.2 requires
   * a key at least as long as the hash output).
   */
  readonly bytes: number;
  /** Block size of the hash in bytes (RFC 2104's B): the HMAC key is padded to it. */
  readonly blockBytes: number;
}

/** Returns the node:crypto parameters of an HMAC algorithm, or undefined for anything else. */
export function hmacAlgorithm(alg: string): HmacAlgorithmSpec | undefined {
  // A switch rather than an object lookup: header values come from attackers, and `alg: "constructor"`
  // must not find Object.prototype members.
  switch (alg) {
    case 'HS256':
      return HS256;
    case 'HS384':
      return HS384;
    case 'HS512':
      return HS512;
    default:
      return undefined;
  }
}

const HS256: HmacAlgorithmSpec = Object.freeze({ hash: 'sha256', bytes: 32, blockBytes: 64 });
const HS384: HmacAlgorithmSpec = Object.freeze({ hash: 'sha384', bytes: 48, blockBytes: 128 });
const HS512: HmacAlgorithmSpec = Object.freeze({ hash: 'sha512', bytes: 64, blockBytes: 128 });

/** Whether `alg` is one of {@link JWT_ALGORITHMS}. Case-sensitive, as JWS algorithm names are. */
export function isJwtAlgorithm(alg: unknown): alg is JwtAlgorithm {
  return alg === 'HS256' || alg === 'HS384' || alg === 'HS512' || alg === 'EdDSA';
}

/** The curves `EdDSA` keys may use, as node:crypto names them in `KeyObject.asymmetricKeyType`. */
export type EdDsaCurve = 'ed25519' | 'ed448';

/** Signature size in bytes of an EdDSA curve (RFC 8032 §5.1.6 and §5.2.6), or undefined for other key types. */
export function eddsaSignatureBytes(curve: string | undefined): number | undefined {
  switch (curve) {
    case 'ed25519':
      return 64;
    case 'ed448':
      return 114;
    default:
      return undefined;
  }
}
