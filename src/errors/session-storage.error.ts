import { CharonError } from './charon.error';

/**
 * The session store failed (unreachable, timed out, answered garbage). HTTP 500 with the body
 * `Internal Server Error`; the message and `cause` are for logs only (`SessionService` logs them once).
 */
export class SessionStorageError extends CharonError {
  readonly code = 'ERR_CHARON_SESSION_STORAGE';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 500, { cause: options?.cause, exposeMessage: false });
  }
}
