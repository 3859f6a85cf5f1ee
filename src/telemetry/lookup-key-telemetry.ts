import { channel } from 'node:diagnostics_channel';
import type { TokenTransport, UserId } from '../model/session.model';

/**
 * diagnostics_channel names of lookup-key sessions, in the style of `CHARON_CHANNELS`. Messages never contain
 * credentials or lookup keys.
 *
 * | channel | when | message |
 * |---|---|---|
 * | `charon:lookup_key:create` | a credential was created | {@link LookupKeyEventMessage} |
 * | `charon:lookup_key:revoke` | a record was revoked by id | {@link LookupKeyEventMessage} |
 * | `charon:lookup_key:revoke_all` | every record of a user was revoked | {@link LookupKeyEventMessage} without recordId, with `count` |
 * | `charon:lookup_key:rekey` | a record found through an older key version moved to the current one | {@link LookupKeyEventMessage} with `fromVersion` and `keyVersion` |
 * | `charon:lookup_key:valid` | a guard accepted a credential | {@link LookupKeyCheckMessage} |
 * | `charon:lookup_key:invalid` | a guard refused a request | {@link LookupKeyCheckMessage} with `error` |
 */
export const LOOKUP_KEY_CHANNELS = Object.freeze({
  create: 'charon:lookup_key:create',
  revoke: 'charon:lookup_key:revoke',
  revokeAll: 'charon:lookup_key:revoke_all',
  rekey: 'charon:lookup_key:rekey',
  valid: 'charon:lookup_key:valid',
  invalid: 'charon:lookup_key:invalid',
});

/** Message of the record channels. */
export interface LookupKeyEventMessage {
  recordId?: string;
  userId: UserId;
  /** Keyset version of the record's lookup key (rekey: the new one). */
  keyVersion?: number;
  /** rekey only: the version the record was found through. */
  fromVersion?: number;
  /** revoke_all only: how many records were revoked. */
  count?: number;
}

/** Message of the guard channels; fields not learned before a failure are absent. */
export interface LookupKeyCheckMessage {
  /** How the credential arrived: `bearer` (Authorization header) or `cookie_only` (the lookup-key cookie). */
  tokenTransport?: TokenTransport;
  recordId?: string;
  userId?: UserId;
  keyVersion?: number;
  /** The 401/403 reason, on `charon:lookup_key:invalid` only. */
  error?: string;
}

/** @internal */
export const lookupKeyCreateChannel = channel(LOOKUP_KEY_CHANNELS.create);
/** @internal */
export const lookupKeyRevokeChannel = channel(LOOKUP_KEY_CHANNELS.revoke);
/** @internal */
export const lookupKeyRevokeAllChannel = channel(LOOKUP_KEY_CHANNELS.revokeAll);
/** @internal */
export const lookupKeyRekeyChannel = channel(LOOKUP_KEY_CHANNELS.rekey);
/** @internal */
export const lookupKeyValidChannel = channel(LOOKUP_KEY_CHANNELS.valid);
/** @internal */
export const lookupKeyInvalidChannel = channel(LOOKUP_KEY_CHANNELS.invalid);
