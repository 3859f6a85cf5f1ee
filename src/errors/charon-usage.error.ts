import { CharonError } from './charon.error';

/**
 * The library is used in a way that cannot work: a service method called on a route without the guard or the
 * interceptor it needs, a token payload that is not a JSON object. A programming error, found by the first test
 * that takes the route: HTTP 500 with the body `Internal Server Error`; the message (logged by Nest) says what to
 * change.
 */
export class CharonUsageError extends CharonError {
  readonly code = 'ERR_CHARON_USAGE';

  constructor(message: string) {
    super(message, 500, { exposeMessage: false });
  }
}
