import { CharonError } from './charon.error';

/**
 * A session changed (or was deleted) between loading and writing it back: optimistic locking refused the write.
 * HTTP 409. Typical cause: two tabs refreshing at once; the client should retry with its newest tokens.
 */
export class SessionConflictError extends CharonError {
  readonly code = 'ERR_CHARON_SESSION_CONFLICT';

  constructor(message = 'session was changed concurrently; retry with the newest tokens') {
    super(message, 409);
  }
}
