import { CharonError } from './charon.error';

/**
 * The session store failed (unreachable, timed out, returned garbage). HTTP 500; the cause is logged by
 * {@link CharonExceptionFilter} and never sent to the client.
 */
export class SessionStorageError extends CharonError {
  readonly code = 'ERR_CHARON_SESSION_STORAGE';
  readonly httpStatus = 500;
  override readonly exposeMessage = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
