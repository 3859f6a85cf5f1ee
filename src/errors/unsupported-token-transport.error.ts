import { CharonError } from './charon.error';

/** A session was requested with a token transport that doesn't exist (typically from an unvalidated body). HTTP 400. */
export class UnsupportedTokenTransportError extends CharonError {
  readonly code = 'ERR_CHARON_UNSUPPORTED_TOKEN_TRANSPORT';

  constructor() {
    super('tokenTransport must be one of: bearer, cookie, cookie_only', 400);
  }
}
