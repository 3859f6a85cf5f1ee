/** Stable codes of every error nestjs-charon throws; assert on these, not on messages. */
export type CharonErrorCode =
  | 'ERR_CHARON_AUTHENTICATION'
  | 'ERR_CHARON_SESSION_CONFLICT'
  | 'ERR_CHARON_SESSION_STORAGE'
  | 'ERR_CHARON_INSECURE_TOKEN_TRANSPORT'
  | 'ERR_CHARON_CONFIG';

/**
 * Base class of nestjs-charon's errors. Each carries a stable `code` and the HTTP status
 * {@link CharonExceptionFilter} answers with. `message` is safe to send to clients unless `exposeMessage` is false.
 */
export abstract class CharonError extends Error {
  abstract readonly code: CharonErrorCode;
  abstract readonly httpStatus: number;
  /** Whether `message` may be sent to the client. */
  readonly exposeMessage: boolean = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
