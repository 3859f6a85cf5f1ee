import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../clock/clock';
import { CharonConfig } from '../config/charon-config';
import { CharonUsageError } from '../errors/charon-usage.error';
import { CharonError } from '../errors/charon.error';
import { randomId } from '../internal/random-id';
import { InvalidSessionError } from '../errors/invalid-session.error';
import { SessionConflictError } from '../errors/session-conflict.error';
import { SessionStorageError } from '../errors/session-storage.error';
import { constantTimeEqual } from '../internal/constant-time';
import { serializeCookie } from '../internal/cookies';
import type { HttpRequestLike } from '../model/http-request.model';
import { requestState } from '../internal/http-request';
import { isValidUserId, type UserId } from '../model/session.model';
import {
  lookupKeyCreateChannel,
  lookupKeyRekeyChannel,
  lookupKeyRevokeAllChannel,
  lookupKeyRevokeChannel,
} from '../telemetry/lookup-key-telemetry';
import { LookupKeyConfig } from './lookup-key-config';
import type { LookupKeyMatch, LookupKeyQuery, LookupKeyRecord, NewLookupKeyRecord } from './lookup-key.model';
import { LookupKeyStore } from './lookup-key-store';
import { publicRecord } from './lookup-key-validation';

/** Longest `name` accepted: a label, not a document. */
const MAX_NAME_LENGTH = 256;

/** Options of {@link LookupKeyService.create}. */
export interface CreateLookupKeyOptions {
  /** A label shown in listings ("CI deploy key"); at most 256 characters. Default: none. */
  name?: string;
  /** Lifetime in seconds (a positive integer). Default: the `lookupKeys.ttl` option (30 days). */
  ttl?: number;
}

/** A new credential and its record. Show `credential` to the client once: it is stored nowhere. */
export interface CreatedLookupKey {
  record: LookupKeyRecord;
  /** The secret credential, e.g. `chk_...`; only its keyed HMAC is stored. */
  credential: string;
}

/** What {@link LookupKeyService.verify} concludes about a credential. */
export type LookupKeyVerification =
  | { valid: true; record: LookupKeyRecord; /** The keyset version it was stored under when found. */ keyVersion: number }
  | { valid: false; /** `malformed`: not a credential at all; `not found`: unknown, revoked or expired. */ reason: 'malformed' | 'not found' };

const MALFORMED: LookupKeyVerification = Object.freeze({ valid: false, reason: 'malformed' });
const NOT_FOUND: LookupKeyVerification = Object.freeze({ valid: false, reason: 'not found' });

/**
 * Lookup-key sessions: opaque credentials (API keys, "remember me" logins) that the server can revoke at once.
 * A credential is a random 256-bit secret with a prefix (`chk_...`); the store keeps only its lookup key,
 * `HMAC(key_v, domain || secret)`, and v. The facade over {@link LookupKeyStore}: it computes lookup keys, re-keys
 * records found through an older keyset version, publishes telemetry and maps store failures to
 * {@link SessionStorageError} (500).
 *
 * ```ts
 * const { credential, record } = await lookupKeys.create(userId, { name: 'CI' }); // show credential once
 * const result = await lookupKeys.verify(credential); // { valid: true, record, keyVersion }
 * await lookupKeys.revoke(record.id, userId);
 * ```
 * Protect routes with `LookupKeyGuard` (or `SessionOrLookupKeyGuard` to accept access tokens too).
 */
@Injectable()
export class LookupKeyService {
  private readonly logger = new Logger('Charon');

  constructor(
    private readonly store: LookupKeyStore,
    private readonly config: LookupKeyConfig,
    private readonly charonConfig: CharonConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * Creates a credential for `userId`. Rejects with {@link SessionConflictError} (409) when the user already holds
   * `maxPerUser` live credentials, and with `InvalidSessionError` for a user id, name or ttl that cannot be stored.
   */
  async create(userId: UserId, options: CreateLookupKeyOptions = {}, now: number = this.clock.now()): Promise<CreatedLookupKey> {
    const { name, ttl = this.config.ttl } = options;
    if (!isValidUserId(userId)) throw new InvalidSessionError('lookup key: userId must be a string or a finite number');
    if (name !== undefined && (typeof name !== 'string' || name.length > MAX_NAME_LENGTH)) {
      throw new InvalidSessionError(`lookup key: name must be a string of at most ${MAX_NAME_LENGTH} characters`);
    }
    if (!Number.isSafeInteger(ttl) || ttl <= 0) throw new InvalidSessionError('lookup key: ttl must be a positive integer (seconds)');
    const { keyset } = this.config;
    const { credential, secret } = this.config.credentials.generate();
    const record: NewLookupKeyRecord = {
      id: randomId(),
      userId,
      ...(name === undefined ? {} : { name }),
      createdAt: now,
      expiresAt: now + ttl,
      shard: keyset.shard(secret),
      key: keyset.currentKey(secret),
    };
    const stored = await this.guardStore('insert', () => this.store.insert(record, now, { maxPerUser: this.config.maxPerUser }));
    if (!stored) throw new SessionConflictError(`the user already holds ${this.config.maxPerUser} credentials, the most allowed; revoke one first`);
    if (lookupKeyCreateChannel.hasSubscribers) lookupKeyCreateChannel.publish({ recordId: record.id, userId, keyVersion: record.key.version });
    return { record: publicRecord(record), credential };
  }

  /**
   * The live record `credential` authenticates, or why there is none. One store round trip (one candidate per
   * active keyset version); a record found through an older version is re-keyed to the current one (failures of
   * that are logged, never fatal).
   */
  async verify(credential: unknown, now: number = this.clock.now()): Promise<LookupKeyVerification> {
    const secret = typeof credential === 'string' ? this.config.credentials.parse(credential) : undefined;
    if (secret === undefined) return MALFORMED;
    const query = this.config.keyset.query(secret);
    const match = await this.guardStore('find', () => this.store.find(query, now));
    if (match === null) return NOT_FOUND;
    // The store looked the key up; check, byte for byte and in constant time, that it returned what was asked
    // for (a store on a database with case-insensitive collation would otherwise accept other credentials).
    const asked = query.candidates.find((candidate) => candidate.version === match.key.version);
    if (asked === undefined || !constantTimeEqual(asked.lookupKey, match.key.lookupKey) || !(match.record.expiresAt > now)) {
      this.logger.warn('lookup-key store returned a record that does not match the credential; refused');
      return NOT_FOUND;
    }
    if (this.config.rekey && match.key.version !== this.config.keyset.current) await this.rekey(match, query, now);
    return { valid: true, record: match.record, keyVersion: match.key.version };
  }

  /** Revokes the live credential `id` of `userId`; true if it was live. Another user's id revokes nothing. */
  async revoke(id: string, userId: UserId, now: number = this.clock.now()): Promise<boolean> {
    const revoked = await this.guardStore('revoke', () => this.store.revoke(id, userId, now));
    if (revoked && lookupKeyRevokeChannel.hasSubscribers) lookupKeyRevokeChannel.publish({ recordId: id, userId });
    return revoked;
  }

  /** Revokes every live credential of `userId`; resolves with how many. */
  async revokeAll(userId: UserId, now: number = this.clock.now()): Promise<number> {
    const count = await this.guardStore('revokeAll', () => this.store.revokeAll(userId, now));
    if (lookupKeyRevokeAllChannel.hasSubscribers) lookupKeyRevokeAllChannel.publish({ userId, count });
    return count;
  }

  /** The live records of `userId` (never their credentials). */
  list(userId: UserId, now: number = this.clock.now()): Promise<LookupKeyRecord[]> {
    return this.guardStore('list', () => this.store.list(userId, now));
  }

  /** How many live credentials `userId` holds. */
  count(userId: UserId, now: number = this.clock.now()): Promise<number> {
    return this.guardStore('count', () => this.store.count(userId, now));
  }

  /**
   * Hands `created.credential` to a browser as an HttpOnly cookie (the `lookupKeys.cookieName` cookie, with the
   * access cookie's attributes, Max-Age until the record expires), which `LookupKeyGuard` reads. Needs
   * `CharonCookieInterceptor` on the route.
   */
  setCookie(request: HttpRequestLike, created: CreatedLookupKey): void {
    const state = requestState(request, this.clock);
    this.addCookie(request, serializeCookie(this.config.cookieName, created.credential, created.record.expiresAt - state.now, this.charonConfig.accessCookie));
  }

  /** Tells the browser to drop the lookup-key cookie. Needs `CharonCookieInterceptor` on the route. */
  clearCookie(request: HttpRequestLike): void {
    this.addCookie(request, serializeCookie(this.config.cookieName, '', 0, this.charonConfig.accessCookie));
  }

  private addCookie(request: HttpRequestLike, cookie: string): void {
    const state = requestState(request, this.clock);
    if (!state.cookieInterceptorAttached) {
      throw new CharonUsageError('LookupKeyService: the lookup-key cookie needs CharonCookieInterceptor on this route; add @UseInterceptors(CharonCookieInterceptor)');
    }
    state.responseCookies = [...(state.responseCookies ?? []), cookie];
    // Also makes the interceptor send Cache-Control: no-store, as for token cookies.
    state.carriesTokens = true;
  }

  private async rekey(match: LookupKeyMatch, query: LookupKeyQuery, now: number): Promise<void> {
    const to = query.candidates[0];
    try {
      const moved = await this.store.rekey(match.record.id, query.shard, match.key, to, now);
      if (moved && lookupKeyRekeyChannel.hasSubscribers) {
        lookupKeyRekeyChannel.publish({ recordId: match.record.id, userId: match.record.userId, fromVersion: match.key.version, keyVersion: to.version });
      }
    } catch (error) {
      this.logger.warn(`lookup-key store rekey failed (the credential still works through its old key version): ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async guardStore<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      // Conflicts and programming errors pass as they are; storage failures are logged, then 500.
      if (error instanceof CharonError && !(error instanceof SessionStorageError)) throw error;
      const failure = error instanceof SessionStorageError ? error : new SessionStorageError(`lookup-key store ${operation} failed`, { cause: error });
      this.logger.error(`lookup-key store ${operation} failed: ${error instanceof Error ? error.message : String(error)}`);
      throw failure;
    }
  }
}
