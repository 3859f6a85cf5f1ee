import { CharonError } from './charon.error';

/**
 * A session handed to a store or to `SessionService` cannot be stored faithfully: a user id that is neither a
 * string nor a finite number (`null`, `undefined`, `NaN`), a non-string id or type, a non-integer time or lock
 * version. A programming error: HTTP 500 with the body `Internal Server Error`; the message says what is wrong.
 * Every store rejects such a session the same way, before touching its backend.
 */
export class InvalidSessionError extends CharonError {
  readonly code = 'ERR_CHARON_INVALID_SESSION';

  constructor(message: string) {
    super(message, 500, { exposeMessage: false });
  }
}
