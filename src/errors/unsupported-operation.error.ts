import { CharonError } from './charon.error';

/**
 * The configured session store does not implement an optional operation (for example `listUsers` on a
 * third-party store). HTTP 501; the message names the store and the operation.
 */
export class UnsupportedOperationError extends CharonError {
  readonly code = 'ERR_CHARON_UNSUPPORTED_OPERATION';

  constructor(message: string) {
    super(message, 501);
  }
}
