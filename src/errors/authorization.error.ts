import { CharonError } from './charon.error';

/** Why an authenticated request was refused; sent as the message of the 403 response. */
export type AuthorizationFailureReason =
  | `bearer token claim ${string} not found`
  | `bearer token claim ${string} invalid`
  | 'cross-site request refused';

/**
 * The token is valid but the request is not allowed: an app-level claim requirement (`@RequireClaims`) failed,
 * or a cookie-authenticated unsafe request came from another site (CSRF). HTTP 403 with the reason as message.
 */
export class AuthorizationError extends CharonError {
  readonly code = 'ERR_CHARON_AUTHORIZATION';

  constructor(readonly reason: AuthorizationFailureReason) {
    super(reason, 403);
  }
}
