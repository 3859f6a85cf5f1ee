import { channel } from 'node:diagnostics_channel';
import type { TokenTransport, UserId } from '../model/session.model';

/**
 * diagnostics_channel names nestjs-charon publishes on. Subscribe with
 * `diagnostics_channel.subscribe(CHARON_CHANNELS.sessionCreate, (message) => ...)`.
 * Publishing costs nothing when nobody subscribes.
 *
 * | channel | when | message |
 * |---|---|---|
 * | `charon:session:create` | a session was created | {@link SessionEventMessage} |
 * | `charon:session:refresh` | a session was refreshed | {@link SessionEventMessage} |
 * | `charon:session:delete` | a session was deleted | {@link SessionEventMessage} |
 * | `charon:session:delete_all` | all sessions of a user (of one type) were deleted | {@link SessionEventMessage} without sessionId |
 * | `charon:session:lock_conflict` | an update lost an optimistic-lock race (409) | {@link SessionEventMessage} |
 * | `charon:session:reuse` | a refresh token was reused when it should not be; the session was revoked | {@link SessionEventMessage} |
 * | `charon:token:valid` | a guard accepted a token | {@link TokenEventMessage} |
 * | `charon:token:invalid` | a guard rejected a request | {@link TokenEventMessage} with `error` |
 */
export const CHARON_CHANNELS = Object.freeze({
  sessionCreate: 'charon:session:create',
  sessionRefresh: 'charon:session:refresh',
  sessionDelete: 'charon:session:delete',
  sessionDeleteAll: 'charon:session:delete_all',
  sessionLockConflict: 'charon:session:lock_conflict',
  sessionReuse: 'charon:session:reuse',
  tokenValid: 'charon:token:valid',
  tokenInvalid: 'charon:token:invalid',
});

/** Message of the session channels. Never contains tokens or secrets. */
export interface SessionEventMessage {
  sessionId?: string;
  userId: UserId;
  sessionType: string;
}

/** Message of the token channels; fields the guard had not learned yet when it failed are absent. */
export interface TokenEventMessage {
  tokenType: 'access' | 'refresh';
  sessionLoaded: boolean;
  tokenTransport?: TokenTransport;
  userId?: UserId;
  sessionId?: string;
  sessionType?: string;
  /** The 401 reason, on `charon:token:invalid` only. */
  error?: string;
}

/** @internal */
export const sessionCreateChannel = channel(CHARON_CHANNELS.sessionCreate);
/** @internal */
export const sessionRefreshChannel = channel(CHARON_CHANNELS.sessionRefresh);
/** @internal */
export const sessionDeleteChannel = channel(CHARON_CHANNELS.sessionDelete);
/** @internal */
export const sessionDeleteAllChannel = channel(CHARON_CHANNELS.sessionDeleteAll);
/** @internal */
export const sessionLockConflictChannel = channel(CHARON_CHANNELS.sessionLockConflict);
/** @internal */
export const sessionReuseChannel = channel(CHARON_CHANNELS.sessionReuse);
/** @internal */
export const tokenValidChannel = channel(CHARON_CHANNELS.tokenValid);
/** @internal */
export const tokenInvalidChannel = channel(CHARON_CHANNELS.tokenInvalid);
