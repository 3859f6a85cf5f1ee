import type { INestApplicationContext } from '@nestjs/common';
import { CharonConfig } from '../config/charon-config';
import { splitSignature } from '../tokens/token-transport';
import { SessionService, type CreateSessionOptions } from '../session/session.service';
import type { Session, TokenTransport } from '../model/session.model';
import type { TokenPayload } from '../tokens/token-factory';

/** Anything with supertest's `set(header, value)`, e.g. `request(app.getHttpServer()).get('/me')`. */
export interface HeaderSettable<T> {
  set(field: string, value: string): T;
}

/** Which token to present. */
export type TokenKind = 'access' | 'refresh';

/** A real session created through the app's {@link SessionService}, with complete tokens for tests. */
export class TestSession {
  constructor(
    readonly session: Session,
    /** The complete access token. */
    readonly accessToken: string,
    /** The complete refresh token. */
    readonly refreshToken: string,
    readonly accessTokenPayload: TokenPayload,
    readonly refreshTokenPayload: TokenPayload,
    private readonly cookieNames: Readonly<Record<TokenKind, string>>,
  ) {}

  /**
   * Presents a token on a supertest request the way a client of `transport` would: `bearer` as an Authorization
   * header; `cookie` as `Bearer header.payload` plus the `.signature` cookie; `cookie_only` as the cookie alone.
   *
   * ```ts
   * await testSession.authorize(request(app.getHttpServer()).get('/me'), 'access', 'cookie').expect(200);
   * ```
   */
  authorize<T extends HeaderSettable<T>>(request: T, kind: TokenKind = 'access', transport: TokenTransport = 'bearer'): T {
    const token = kind === 'access' ? this.accessToken : this.refreshToken;
    const cookieName = this.cookieNames[kind];
    if (transport === 'bearer') return request.set('Authorization', `Bearer ${token}`);
    if (transport === 'cookie_only') return request.set('Cookie', `${cookieName}=${token}`);
    const { headerPayload, signature } = splitSignature(token);
    return request.set('Authorization', `Bearer ${headerPayload}`).set('Cookie', `${cookieName}=${signature}`);
  }
}

/** Options of {@link createTestSession}: those of `SessionService.create` but the transport. */
export type TestSessionOptions = Omit<CreateSessionOptions, 'tokenTransport'>;

/**
 * Logs a user in without going through the app's login route: stores a session in the app's configured store
 * and signs its tokens with the app's keys.
 *
 * ```ts
 * const alice = await createTestSession(app, { userId: 1 });
 * await alice.authorize(request(app.getHttpServer()).get('/me')).expect(200);
 * ```
 */
export async function createTestSession(app: INestApplicationContext, options: TestSessionOptions): Promise<TestSession> {
  const sessions = app.get(SessionService, { strict: false });
  const config = app.get(CharonConfig, { strict: false });
  const result = await sessions.create({ headers: {} }, { ...options, tokenTransport: 'bearer' });
  return new TestSession(
    result.session,
    result.tokens.accessToken!,
    result.tokens.refreshToken!,
    result.accessTokenPayload,
    result.refreshTokenPayload,
    { access: config.accessCookieName, refresh: config.refreshCookieName },
  );
}
