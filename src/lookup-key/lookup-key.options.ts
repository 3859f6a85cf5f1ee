import type { LookupKeyStoreOption } from './lookup-key-store-factory';

/**
 * The HMAC keys of lookup-key sessions. Rotate by adding a version (it becomes current as the highest) and keep
 * the old one until every credential it keyed has expired or been re-keyed on use.
 */
export interface LookupKeyKeysetOptions {
  /**
   * The active versions (positive integers): a list derives each version's key from the base secret (purpose
   * `lookup-key hmac v<n>`); an object gives the keys (>= 32 bytes, e.g. from a secret manager) by version.
   * Default: `[1]`.
   */
  versions?: readonly number[] | Readonly<Record<number, Uint8Array>>;
  /** The version that keys new credentials and that older ones are re-keyed to. Default: the highest version. */
  current?: number;
  /**
   * Key of the shard tag that decides where a credential's records live (>= 32 bytes). It must stay the same for
   * as long as records exist; it protects nothing by itself. Default: derived from the base secret
   * (purpose `lookup-key shard`).
   */
  shardKey?: Uint8Array;
}

/** Options of lookup-key sessions: `CharonModule.forRoot({ ..., lookupKeys: { ... } })`. Durations in seconds. */
export interface LookupKeyOptions {
  /** Where records live. Default: `memoryLookupKeyStore()` (single process only). */
  store?: LookupKeyStoreOption;
  /** HMAC keys. Default: `{ versions: [1] }`, derived from the base secret. */
  keyset?: LookupKeyKeysetOptions;
  /** Lifetime of new credentials, seconds (a positive integer); `LookupKeyService.create` may set another. Default: `2592000` (30 days). */
  ttl?: number;
  /**
   * Live credentials one user may hold. Creating one more is refused (409) rather than silently revoking one
   * that something relies on. Bounds what one account can store and list. Default: `100`.
   */
  maxPerUser?: number;
  /** Cookie `LookupKeyGuard` reads a credential from when no Authorization header carries one. Default: `'_lookup_key'`. */
  cookieName?: string;
  /** Prefix of every credential (letters and digits, then `_`); it routes credentials and helps secret scanners. Default: `'chk_'`. */
  prefix?: string;
  /** Move records found through an older keyset version to the current one when they are used. Default: `true`. */
  rekey?: boolean;
}

/** Defaults of {@link LookupKeyOptions}. */
export const LOOKUP_KEY_DEFAULTS = Object.freeze({
  ttl: 30 * 24 * 60 * 60,
  maxPerUser: 100,
  cookieName: '_lookup_key',
  prefix: 'chk_',
  rekey: true,
});
