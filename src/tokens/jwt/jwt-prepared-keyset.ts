import { createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import { CharonConfigError } from '../../errors/charon-config.error';
import { base64UrlLength } from './base64url';
import { eddsaSignatureBytes, hmacAlgorithm, JWT_ALGORITHMS, type JwtAlgorithm, type JwtHmacAlgorithm } from './jwt-algorithms';
import { DEFAULT_MAX_TOKEN_LENGTH, KID_NOT_SET_PREFIX, type JwtTokenFactoryOptions } from './jwt-keyset';
import { PrecomputedHmac } from '../../internal/precomputed-hmac';

/**
 * A validated key, with everything the hot path needs precomputed. Internal: the factory's view of a
 * `JwtKey`. HMAC and EdDSA keys carry the same fields in the same order, so the verifier's property
 * reads see one object shape.
 */
export type PreparedJwtKey = PreparedHmacKey | PreparedEdDsaKey;

interface PreparedKeyBase {
  /** Name in the keyset. */
  readonly kid: string;
  /** The `kid` header this key signs with; undefined for `kid_not_set.<alg>` keys. */
  readonly headerKid: string | undefined;
  readonly alg: JwtAlgorithm;
  /** Signature size in bytes. */
  readonly signatureBytes: number;
  /** Signature size in base64url characters: a cheap first check before any crypto. */
  readonly signatureChars: number;
  /** Encoded protected header this key signs with: it never changes, so it is built once. */
  readonly headerSegment: string;
}

/** Internal: a prepared HMAC key. */
export interface PreparedHmacKey extends PreparedKeyBase {
  /** Computes this key's MACs. */
  readonly hmac: PrecomputedHmac;
  readonly privateKey: undefined;
  readonly publicKey: undefined;
}

/** Internal: a prepared EdDSA key. */
export interface PreparedEdDsaKey extends PreparedKeyBase {
  readonly hmac: undefined;
  /** Present when the key can sign. */
  readonly privateKey: KeyObject | undefined;
  readonly publicKey: KeyObject;
}

/** The whole keyset, validated. Internal. */
export interface PreparedJwtKeyset {
  /** Keys by kid. A Map so that attacker-chosen kids never reach Object.prototype. */
  readonly keys: ReadonlyMap<string, PreparedJwtKey>;
  readonly signingKey: PreparedJwtKey;
  readonly maxTokenLength: number;
}

/**
 * Validates the options and builds the runtime keys. Throws {@link CharonConfigError} listing every
 * problem, each naming the kid, so a misconfigured app fails at boot rather than on its first token.
 * @internal
 */
export function prepareJwtKeyset(options: JwtTokenFactoryOptions): PreparedJwtKeyset {
  const problems: string[] = [];
  const keys = new Map<string, PreparedJwtKey>();
  const input: unknown = options?.keyset;

  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new CharonConfigError(['jwt keyset must be an object mapping kid to { alg, key }']);
  }
  const entries = Object.entries(input as Record<string, unknown>);
  if (entries.length === 0) problems.push('jwt keyset is empty; it needs at least the signing key');

  for (const [kid, entry] of entries) {
    const prepared = prepareKey(kid, entry, problems);
    if (prepared !== undefined) keys.set(kid, prepared);
  }

  const signingKid: unknown = options.signingKey;
  let signingKey: PreparedJwtKey | undefined;
  if (typeof signingKid !== 'string') {
    problems.push('jwt signingKey must be a string naming a kid in the keyset');
  } else if (!Object.hasOwn(input, signingKid)) {
    const known = entries.map(([kid]) => JSON.stringify(kid)).join(', ');
    problems.push(`jwt signingKey ${JSON.stringify(signingKid)} is not in the keyset (kids: ${known || 'none'})`);
  } else {
    signingKey = keys.get(signingKid);
    if (signingKey !== undefined && signingKey.alg === 'EdDSA' && signingKey.privateKey === undefined) {
      problems.push(
        `jwt signingKey ${JSON.stringify(signingKid)} is a public EdDSA key, which can only verify; give the private key`,
      );
    }
  }

  const maxTokenLength = options.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH;
  if (!Number.isSafeInteger(maxTokenLength) || maxTokenLength < 64) {
    problems.push(`jwt maxTokenLength must be an integer of at least 64 characters, got ${String(maxTokenLength)}`);
  }

  if (problems.length > 0 || signingKey === undefined) throw new CharonConfigError(problems);
  return { keys, signingKey, maxTokenLength };
}

function prepareKey(kid: string, entry: unknown, problems: string[]): PreparedJwtKey | undefined {
  const where = `jwt keyset kid ${JSON.stringify(kid)}`;
  if (kid === '') {
    problems.push('jwt keyset has an empty kid; name every key');
    return undefined;
  }
  if (typeof entry !== 'object' || entry === null) {
    problems.push(`${where}: expected { alg, key }`);
    return undefined;
  }
  const { alg, key } = entry as { alg?: unknown; key?: unknown };

  let headerKid: string | undefined = kid;
  if (kid.startsWith(KID_NOT_SET_PREFIX)) {
    // Such a key is looked up by the alg of a kid-less header, so a different alg could never be reached.
    const kidAlg = kid.slice(KID_NOT_SET_PREFIX.length);
    if (kidAlg !== alg) {
      problems.push(`${where}: a kid_not_set key must use the algorithm its name says (${kidAlg}), not ${String(alg)}`);
      return undefined;
    }
    headerKid = undefined;
  }

  const hmac = typeof alg === 'string' ? hmacAlgorithm(alg) : undefined;
  if (hmac !== undefined) {
    let secretKey: KeyObject;
    if (key instanceof KeyObject) {
      if (key.type !== 'secret') {
        problems.push(`${where}: ${String(alg)} needs a secret key, got a ${key.type} ${key.asymmetricKeyType} key`);
        return undefined;
      }
      secretKey = key;
    } else if (key instanceof Uint8Array) {
      // createSecretKey copies, so later changes to the caller's buffer cannot change our key.
      secretKey = createSecretKey(key);
    } else {
      problems.push(`${where}: ${String(alg)} key must be a Uint8Array/Buffer or a secret KeyObject`);
      return undefined;
    }
    const size = secretKey.symmetricKeySize ?? 0;
    if (size < hmac.bytes) {
      problems.push(
        `${where}: ${String(alg)} key is ${size} bytes; it must be at least ${hmac.bytes} bytes (the ${hmac.hash} output size)`,
      );
      return undefined;
    }
    return {
      kid,
      headerKid,
      alg: alg as JwtHmacAlgorithm,
      signatureBytes: hmac.bytes,
      signatureChars: base64UrlLength(hmac.bytes),
      headerSegment: encodeHeader(alg as JwtAlgorithm, headerKid),
      hmac: new PrecomputedHmac(hmac.hash, hmac.blockBytes, hmac.bytes, secretKey),
      privateKey: undefined,
      publicKey: undefined,
    };
  }

  if (alg === 'EdDSA') {
    if (!(key instanceof KeyObject)) {
      problems.push(`${where}: EdDSA key must be a node:crypto KeyObject (ed25519 or ed448)`);
      return undefined;
    }
    const signatureBytes = eddsaSignatureBytes(key.asymmetricKeyType);
    if (key.type === 'secret' || signatureBytes === undefined) {
      const got = key.type === 'secret' ? 'a secret key' : `a ${String(key.asymmetricKeyType)} key`;
      problems.push(`${where}: EdDSA needs an ed25519 or ed448 key, got ${got}`);
      return undefined;
    }
    const isPrivate = key.type === 'private';
    return {
      kid,
      headerKid,
      alg: 'EdDSA',
      signatureBytes,
      signatureChars: base64UrlLength(signatureBytes),
      headerSegment: encodeHeader('EdDSA', headerKid),
      hmac: undefined,
      privateKey: isPrivate ? key : undefined,
      publicKey: isPrivate ? createPublicKey(key) : key,
    };
  }

  problems.push(`${where}: unsupported alg ${JSON.stringify(alg)}; use one of ${JWT_ALGORITHMS.join(', ')}`);
  return undefined;
}

function encodeHeader(alg: JwtAlgorithm, kid: string | undefined): string {
  const header = kid === undefined ? { alg, typ: 'JWT' } : { alg, typ: 'JWT', kid };
  return Buffer.from(JSON.stringify(header), 'utf8').toString('base64url');
}
