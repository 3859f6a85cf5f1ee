import { CharonConfigError } from '../errors/charon-config.error';
import { LookupKeyCredentials } from './lookup-key-credential';
import { LookupKeyKeyset, lookupKeyHmacPurpose, LOOKUP_KEY_SHARD_PURPOSE } from './lookup-key-keyset';
import { LOOKUP_KEY_DEFAULTS, type LookupKeyOptions } from './lookup-key.options';

/** RFC 6265 cookie-name: an HTTP token. */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const PREFIX = /^[A-Za-z0-9]{1,16}_$/;
/** Above this, one user's listing and the per-insert index check stop being cheap. */
const MAX_PER_USER_LIMIT = 10_000;

/** The resolved lookup-key settings (inject it to read them); holds the keyset, never a credential. */
export class LookupKeyConfig {
  constructor(
    readonly keyset: LookupKeyKeyset,
    readonly credentials: LookupKeyCredentials,
    /** Lifetime of new credentials, seconds. */
    readonly ttl: number,
    readonly maxPerUser: number,
    readonly cookieName: string,
    readonly rekey: boolean,
  ) {}
}

function isPositiveInteger(value: unknown, max = Number.MAX_SAFE_INTEGER): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0 && (value as number) <= max;
}

function keysetOf(options: LookupKeyOptions, deriveKey: (purpose: string) => Buffer, problems: string[]): LookupKeyKeyset | undefined {
  const { versions = [1], current, shardKey } = options.keyset ?? {};
  const keys = new Map<number, Uint8Array>(
    Array.isArray(versions)
      ? versions.map((version: number) => [version, isPositiveInteger(version) ? deriveKey(lookupKeyHmacPurpose(version)) : new Uint8Array()])
      : Object.entries(versions).map(([version, key]) => [Number(version), key]),
  );
  try {
    return new LookupKeyKeyset({
      versions: keys,
      current: current ?? Math.max(...keys.keys()),
      shardKey: shardKey ?? deriveKey(LOOKUP_KEY_SHARD_PURPOSE),
    });
  } catch (error) {
    if (!(error instanceof CharonConfigError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

/**
 * Validates `lookupKeys` options and builds the keyset, once, at startup.
 * @throws CharonConfigError listing every problem.
 *
 * @internal
 */
export function resolveLookupKeyOptions(options: LookupKeyOptions = {}, deriveKey: (purpose: string) => Buffer): LookupKeyConfig {
  const problems: string[] = [];
  const { ttl, maxPerUser, cookieName, prefix, rekey } = { ...LOOKUP_KEY_DEFAULTS, ...definedOnly(options) };
  if (!isPositiveInteger(ttl)) problems.push('lookupKeys.ttl must be a positive integer (seconds)');
  if (!isPositiveInteger(maxPerUser, MAX_PER_USER_LIMIT)) problems.push(`lookupKeys.maxPerUser must be an integer from 1 to ${MAX_PER_USER_LIMIT}`);
  if (typeof cookieName !== 'string' || !COOKIE_NAME.test(cookieName)) problems.push('lookupKeys.cookieName must be a valid cookie name');
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) problems.push('lookupKeys.prefix must be 1 to 16 letters or digits followed by "_"');
  if (typeof rekey !== 'boolean') problems.push('lookupKeys.rekey must be a boolean');
  const keyset = keysetOf(options, deriveKey, problems);
  if (problems.length > 0 || keyset === undefined) throw new CharonConfigError(problems);
  return new LookupKeyConfig(keyset, new LookupKeyCredentials(prefix), ttl, maxPerUser, cookieName, rekey);
}

/** An option present but undefined (from an unset env var, say) means "the default". */
function definedOnly(options: LookupKeyOptions): Partial<LookupKeyOptions> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
