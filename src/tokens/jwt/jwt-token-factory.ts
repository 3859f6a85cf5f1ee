import { sign as signWithKey, verify as verifyWithKey } from 'node:crypto';
import { exportJWK, type JWK } from 'jose';
import { CharonUsageError } from '../../errors/charon-usage.error';
import { constantTimeEqual } from '../../internal/constant-time';
import { TokenFactory, type TokenVerifyResult } from '../token-factory';
import { hasCanonicalEnd, NOT_BASE64URL_OR_DOT } from './base64url';
import { isJwtAlgorithm } from './jwt-algorithms';
import { KID_NOT_SET_PREFIX, type JwtTokenFactoryOptions } from './jwt-keyset';
import { prepareJwtKeyset, type PreparedJwtKey } from './jwt-prepared-keyset';

/**
 * Why {@link JwtTokenFactory.verify} rejected a token. Short and free of secrets, so they can be logged and
 * reported in telemetry; clients should only ever see a generic 401 reason (`bearer token signature invalid`),
 * so that the verifier's internals are not an oracle.
 *
 * - `malformed token`: not three non-empty canonical base64url segments, a header that is not a JSON object
 *   with a string `alg` (and a string `kid` if any), a `crit` header (no extension is understood), or
 *   longer than `maxTokenLength`.
 * - `unsupported algorithm`: `alg` is `none` or anything but HS256, HS384, HS512, EdDSA.
 * - `key not found`: the `kid` is not in the keyset, or there is no `kid` and no `kid_not_set.<alg>` key.
 * - `algorithm mismatch`: the header's `alg` is not the algorithm of the key it selects.
 * - `signature invalid`: wrong length or wrong value.
 * - `malformed payload`: the signature is fine but the payload is not a JSON object.
 */
export type JwtVerifyError =
  | 'malformed token'
  | 'unsupported algorithm'
  | 'key not found'
  | 'algorithm mismatch'
  | 'signature invalid'
  | 'malformed payload';

/** A failed verification with its reason narrowed to {@link JwtVerifyError}. */
export type JwtVerifyFailure = { readonly valid: false; readonly error: JwtVerifyError };

/** A JSON Web Key Set (RFC 7517 §5), as served at a `jwks.json` endpoint. */
export interface JwtJsonWebKeySet {
  keys: JWK[];
}

// Shared, frozen results: rejecting a token allocates nothing.
const failure = (error: JwtVerifyError): JwtVerifyFailure => Object.freeze({ valid: false, error } as const);
const MALFORMED_TOKEN = failure('malformed token');
const UNSUPPORTED_ALGORITHM = failure('unsupported algorithm');
const KEY_NOT_FOUND = failure('key not found');
const ALGORITHM_MISMATCH = failure('algorithm mismatch');
const SIGNATURE_INVALID = failure('signature invalid');
const MALFORMED_PAYLOAD = failure('malformed payload');

/**
 * How many foreign header encodings (beyond the keyset's own) are remembered. Headers repeat across
 * tokens, so a handful of entries catches them all; the bound keeps attackers from growing the cache.
 */
const HEADER_CACHE_EXTRA_ENTRIES = 64;
/** Longer header segments are resolved every time instead of being cached: real headers are ~50-150 chars. */
const HEADER_CACHE_MAX_SEGMENT = 512;

const OPEN_BRACE = 0x7b;

/**
 * The default {@link TokenFactory}: compact JWS (JWT) with HS256/HS384/HS512 or EdDSA (Ed25519, Ed448),
 * keysets with key rotation, and nothing but node:crypto on the request path.
 *
 * Signing uses the `signingKey`; verification accepts every key in the keyset, selected by the header's
 * `kid` (or, for tokens without one, the key named `kid_not_set.<alg>`), and only with that key's own
 * algorithm. Claims (`exp`, `nbf`, `type`, ...) are not checked here; the guards do that.
 *
 * @example
 * const factory = new JwtTokenFactory(defaultJwtTokenFactoryOptions((purpose, n) => deriveKey(baseSecret, purpose, n)));
 * const token = factory.sign({ sub: 1, type: 'access' });
 * factory.verify(token); // { valid: true, payload: { sub: 1, type: 'access' } }
 */
export class JwtTokenFactory extends TokenFactory {
  private readonly keys: ReadonlyMap<string, PreparedJwtKey>;
  private readonly signingKey: PreparedJwtKey;
  private readonly maxTokenLength: number;
  /**
   * Header segment -> the key it resolves to. Resolution depends on nothing but the segment's text, so
   * a hit is as good as parsing it again. Holds the keyset's own headers permanently plus a bounded
   * number of foreign ones; failures are never cached.
   */
  private readonly headerCache = new Map<string, PreparedJwtKey>();
  private readonly headerCacheLimit: number;

  /** @throws {CharonConfigError} listing every problem of the keyset, each naming its kid. */
  constructor(options: JwtTokenFactoryOptions) {
    super();
    const prepared = prepareJwtKeyset(options);
    this.keys = prepared.keys;
    this.signingKey = prepared.signingKey;
    this.maxTokenLength = prepared.maxTokenLength;
    this.headerCacheLimit = this.keys.size + HEADER_CACHE_EXTRA_ENTRIES;
    this.seedHeaderCache();
  }

  /** Kid of the key that signs new tokens. */
  get signingKid(): string {
    return this.signingKey.kid;
  }

  /**
   * Signs `payload` with the signing key: `base64url(header).base64url(JSON payload).base64url(signature)`,
   * header `{"alg","typ":"JWT","kid"}` (no `kid` for a `kid_not_set.<alg>` key).
   *
   * @throws {TypeError} if the payload does not serialize to a JSON object (e.g. an array, a BigInt inside).
   */
  override sign(payload: Record<string, unknown>): string {
    const json = JSON.stringify(payload);
    if (typeof json !== 'string' || json.charCodeAt(0) !== OPEN_BRACE) {
      throw new CharonUsageError('JwtTokenFactory.sign: the payload must serialize to a JSON object');
    }
    const key = this.signingKey;
    // Header and payload are base64url, i.e. ASCII, so latin1 hashes exactly the bytes JWS signs.
    const signingInput = `${key.headerSegment}.${Buffer.from(json, 'utf8').toString('base64url')}`;
    const signature =
      key.hmac !== undefined
        ? key.hmac.digestBase64Url(signingInput)
        : signWithKey(null, Buffer.from(signingInput, 'latin1'), key.privateKey!).toString('base64url');
    return `${signingInput}.${signature}`;
  }

  /**
   * Checks a token's structure, algorithm, key and signature, and returns its payload. Synchronous, and
   * never throws: any input, of any type or size, yields `{ valid: false, error }` with a
   * {@link JwtVerifyError}. Does not check claims.
   */
  override verify(token: string): TokenVerifyResult {
    try {
      return this.verifyUnsafe(token);
    } catch {
      // Unreachable for strings as far as we know; the contract promises no throw whatever happens.
      return MALFORMED_TOKEN;
    }
  }

  /**
   * The public EdDSA keys as a JSON Web Key Set, for services that verify tokens without holding the
   * keys (serve it at e.g. `/.well-known/jwks.json`). Each key has `kid` (omitted for `kid_not_set.<alg>`
   * keys, whose tokens carry no kid), `alg: 'EdDSA'` and `use: 'sig'`. HMAC keys are secrets and never
   * appear; neither do private parts.
   */
  async jwks(): Promise<JwtJsonWebKeySet> {
    const keys: JWK[] = [];
    for (const key of this.keys.values()) {
      if (key.publicKey === undefined) continue;
      const { kty, crv, x } = await exportJWK(key.publicKey);
      // Copy named public members only: whatever the exporter returns, no private member can leak.
      const jwk: JWK = { kty, crv, x };
      if (key.headerKid !== undefined) jwk.kid = key.headerKid;
      jwk.alg = 'EdDSA';
      jwk.use = 'sig';
      keys.push(jwk);
    }
    return { keys };
  }

  private verifyUnsafe(token: string): TokenVerifyResult {
    if (typeof token !== 'string') return MALFORMED_TOKEN;
    const length = token.length;
    if (length > this.maxTokenLength) return MALFORMED_TOKEN;

    // Exactly three non-empty segments.
    const dot1 = token.indexOf('.');
    if (dot1 < 1) return MALFORMED_TOKEN;
    const dot2 = token.indexOf('.', dot1 + 1);
    if (dot2 < 0 || dot2 === dot1 + 1 || dot2 === length - 1 || token.indexOf('.', dot2 + 1) !== -1) {
      return MALFORMED_TOKEN;
    }
    // Every segment is base64url, checked in one native pass (cached headers included, it is cheaper than
    // skipping them). This also makes the signing input ASCII, which the latin1 hashing below relies on.
    if (NOT_BASE64URL_OR_DOT.test(token)) return MALFORMED_TOKEN;
    if (!hasCanonicalEnd(token, 0, dot1) || !hasCanonicalEnd(token, dot1 + 1, dot2) || !hasCanonicalEnd(token, dot2 + 1, length)) {
      return MALFORMED_TOKEN;
    }

    // Most tokens carry the current signing key's own header: compare it in place, skipping the slice
    // and the hashing of a Map lookup.
    const ownHeader = this.signingKey.headerSegment;
    let key: PreparedJwtKey | undefined =
      dot1 === ownHeader.length && token.startsWith(ownHeader) ? this.signingKey : undefined;
    if (key === undefined) {
      const headerSegment = token.slice(0, dot1);
      key = this.headerCache.get(headerSegment);
      if (key === undefined) {
        const resolved = this.resolveHeader(headerSegment);
        if ('valid' in resolved) return resolved;
        key = resolved;
        this.cacheHeader(headerSegment, key);
      }
    }

    if (length - dot2 - 1 !== key.signatureChars) return SIGNATURE_INVALID;
    const signingInput = token.slice(0, dot2);
    if (key.hmac !== undefined) {
      // Compared as text: the segment is canonical base64url (checked above), so equal text means equal bytes.
      if (!constantTimeEqual(key.hmac.digestBase64Url(signingInput), token.slice(dot2 + 1))) return SIGNATURE_INVALID;
    } else if (!verifyWithKey(null, Buffer.from(signingInput, 'latin1'), key.publicKey, Buffer.from(token.slice(dot2 + 1), 'base64url'))) {
      return SIGNATURE_INVALID;
    }

    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(token.slice(dot1 + 1, dot2), 'base64url').toString('utf8'));
    } catch {
      return MALFORMED_PAYLOAD;
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return MALFORMED_PAYLOAD;
    return { valid: true, payload: payload as Record<string, unknown> };
  }

  /**
   * Parses a header segment and finds its key: the slow path, taken once per distinct header. The
   * segment must already be known to be canonical base64url.
   */
  private resolveHeader(segment: string): PreparedJwtKey | JwtVerifyFailure {
    let header: unknown;
    try {
      header = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    } catch {
      return MALFORMED_TOKEN;
    }
    if (typeof header !== 'object' || header === null || Array.isArray(header)) return MALFORMED_TOKEN;
    const { alg, kid, crit } = header as { alg?: unknown; kid?: unknown; crit?: unknown };
    if (typeof alg !== 'string') return MALFORMED_TOKEN;
    if (!isJwtAlgorithm(alg)) return UNSUPPORTED_ALGORITHM;
    // RFC 7515 §4.1.11: critical extensions must be understood, and we understand none (e.g. b64: false).
    if (crit !== undefined) return MALFORMED_TOKEN;
    let keyName: string;
    if (typeof kid === 'string') keyName = kid;
    // Without a kid, fall back only to the key explicitly reserved for kid-less tokens of this alg:
    // trying every key would let the token pick its key.
    else if (kid === undefined) keyName = KID_NOT_SET_PREFIX + alg;
    else return MALFORMED_TOKEN;
    const key = this.keys.get(keyName);
    if (key === undefined) return KEY_NOT_FOUND;
    // The classic JWT confusion attacks (HS256 signed with a public key, alg downgrades) end here.
    if (key.alg !== alg) return ALGORITHM_MISMATCH;
    return key;
  }

  private cacheHeader(segment: string, key: PreparedJwtKey): void {
    if (segment.length > HEADER_CACHE_MAX_SEGMENT) return;
    // A full cache starts over rather than evicting carefully: after a flood, real headers return within
    // one request each, and the keyset's own headers are always put back.
    if (this.headerCache.size >= this.headerCacheLimit) {
      this.headerCache.clear();
      this.seedHeaderCache();
    }
    // The segment may be a slice that keeps the whole token alive; store a copy of just the header.
    this.headerCache.set(Buffer.from(segment, 'latin1').toString('latin1'), key);
  }

  /** The keyset's own headers resolve to their own keys, so they can be cached without parsing. */
  private seedHeaderCache(): void {
    for (const key of this.keys.values()) this.headerCache.set(key.headerSegment, key);
  }
}
