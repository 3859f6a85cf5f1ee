import { CharonError } from './charon.error';

/**
 * A browser asked for bearer tokens while `enforceBrowserCookies` is on. HTTP 400.
 * Browsers must use `cookie` or `cookie_only`, so that page scripts never hold a complete token.
 */
export class InsecureTokenTransportError extends CharonError {
  readonly code = 'ERR_CHARON_INSECURE_TOKEN_TRANSPORT';

  constructor() {
    super('bearer tokens are not allowed for browser clients; use tokenTransport cookie or cookie_only', 400);
  }
}
