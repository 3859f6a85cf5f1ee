import type { UserId } from '../model/session.model';

/** Claims nestjs-charon puts in every token, plus whatever the application adds. */
export interface TokenPayload {
  /** Issuer: the `tokenIssuer` option. */
  iss: string;
  /** Subject: the user id, string or number as given at login. */
  sub: UserId;
  /** Session id. */
  sid: string;
  /** Session type. */
  styp: string;
  /** Token kind. */
  type: 'access' | 'refresh';
  /** Random token id; a refresh token's jti is the session's `refreshTokenId`. */
  jti: string;
  /** Issued at (unix seconds). */
  iat: number;
  /** Not before (unix seconds), equal to `iat`. */
  nbf: number;
  /** Expires at (unix seconds). */
  exp: number;
  [claim: string]: unknown;
}

/** Outcome of {@link TokenFactory.verify}; never throws for bad input. */
export type TokenVerifyResult =
  | { readonly valid: true; readonly payload: Record<string, unknown> }
  | { readonly valid: false; readonly error: string };

/**
 * Signs and verifies tokens. This abstract class is the injection token; the
 * default implementation is `JwtTokenFactory`.
 *
 * Both operations run on every request's path, so they are synchronous.
 *
 * ## Implementation guidelines
 * - `verify` checks integrity only (signature, structure, algorithm); claims such as `exp` are the guards' job.
 * - `verify` must not throw on any input: return `{ valid: false, error }` with a short reason (no secrets).
 * - Compare signatures in constant time.
 */
export abstract class TokenFactory {
  /** Serialize and sign a payload. */
  abstract sign(payload: Record<string, unknown>): string;

  /** Check a token's integrity and return its payload. */
  abstract verify(token: string): TokenVerifyResult;
}

/**
 * Second name of the {@link TokenFactory} injection token, kept so code written against 0.1 still compiles.
 *
 * @deprecated Inject the `TokenFactory` class itself; this alias will be removed in a major release.
 */
export const TOKEN_FACTORY = TokenFactory;
