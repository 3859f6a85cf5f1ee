import { CharonError } from './charon.error';

/** Why a request was not authenticated; sent as the message of the 401 response. */
export type AuthenticationFailureReason =
  | 'bearer token not found'
  | 'bearer token signature invalid'
  | 'bearer token not yet valid'
  | 'bearer token expired'
  | `bearer token claim ${string} not found`
  | `bearer token claim ${string} invalid`
  | 'bearer token claim sub, sid or styp not found'
  | 'session not found'
  | 'token stale';

/** The request carries no usable token or session: HTTP 401 with the reason as message. */
export class AuthenticationError extends CharonError {
  readonly code = 'ERR_CHARON_AUTHENTICATION';

  constructor(readonly reason: AuthenticationFailureReason) {
    super(reason, 401);
  }
}
