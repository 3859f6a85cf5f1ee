import type { UserId } from '../model/session.model';

/**
 * A lookup-key session as applications see it: an API key, a "remember me" login, a server-rendered session.
 * Holds nothing that authenticates: the credential's secret lives only with the client, and stores keep only its
 * keyed HMAC (the lookup key). All times are unix seconds.
 */
export interface LookupKeyRecord {
  /** Random, url-safe, 128 bits. Public: it names the record (in listings, in `DELETE /api-keys/:id`), it is no credential. */
  id: string;
  /** The user the credential authenticates, exactly as given at creation (a number stays a number). */
  userId: UserId;
  /** A label chosen by the user or the app ("CI deploy key"); absent when none was given. */
  name?: string;
  /** When the record was created. */
  createdAt: number;
  /** When the credential stops working; records always expire. */
  expiresAt: number;
}

/**
 * One lookup key a credential may be stored under: the HMAC of its secret with the key of one keyset version.
 * A lookup computes one candidate per active version.
 */
export interface LookupKeyCandidate {
  /** The keyset version whose HMAC key made `lookupKey`. */
  version: number;
  /** base64url HMAC-SHA256 (43 characters) of the domain-separated secret. */
  lookupKey: string;
}

/** What a store needs to find the record of one credential. */
export interface LookupKeyQuery {
  /**
   * A short tag derived from the secret by a separate keyed hash, the same for every candidate of one secret
   * (so all of them live together, e.g. in one Redis Cluster hash slot) and spread evenly over all secrets
   * (so there is no global hot spot). Stores that do not partition data may ignore it.
   */
  shard: string;
  /** Candidates in order of preference: the current keyset version first. */
  candidates: readonly LookupKeyCandidate[];
}

/** A record to insert, with where it is found. */
export interface NewLookupKeyRecord extends LookupKeyRecord {
  /** See {@link LookupKeyQuery.shard}. */
  shard: string;
  /** The lookup key of the credential under the current keyset version, and that version. */
  key: LookupKeyCandidate;
}

/** A live record found by {@link LookupKeyQuery}, and the candidate it was found through. */
export interface LookupKeyMatch {
  record: LookupKeyRecord;
  /** The candidate (version and lookup key) the record is stored under, exactly as stored. */
  key: LookupKeyCandidate;
}
