import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { getAuthState } from '../context/execution-context-request';

/** In every context (`http`, `graphql`, `ws`): what the route's guard left. */
function stateOf(context: ExecutionContext) {
  return getAuthState(context);
}

/**
 * The session a guard loaded (`RefreshTokenGuard` always, `SessionGuard` with `@LoadSession()`), else undefined.
 * ```ts
 * @UseGuards(SessionGuard) @LoadSession()
 * @Get('session') current(@CurrentSession() session: Session) { return session; }
 * ```
 */
export const CurrentSession = createParamDecorator((_data: unknown, context: ExecutionContext) => stateOf(context)?.session);

/**
 * The authenticated user id, string or number as given at login: the verified token's `sub` claim, or the user of
 * the lookup-key credential `LookupKeyGuard` accepted.
 */
export const CurrentUserId = createParamDecorator((_data: unknown, context: ExecutionContext) => {
  const state = stateOf(context);
  return state?.payload?.sub ?? state?.lookupKey?.userId;
});

/**
 * The verified token's payload, or one claim of it: `@CurrentTokenPayload() payload: TokenPayload`,
 * `@CurrentTokenPayload('sid') sessionId: string`.
 */
export const CurrentTokenPayload = createParamDecorator((claim: string | undefined, context: ExecutionContext) => {
  const payload = stateOf(context)?.payload;
  return claim === undefined ? payload : payload?.[claim];
});

/** How the verified token arrived: `bearer`, `cookie` or `cookie_only`. */
export const CurrentTokenTransport = createParamDecorator((_data: unknown, context: ExecutionContext) => stateOf(context)?.tokenTransport);
