import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { getAuthState } from '../context/execution-context-request';
import type { UserId } from '../model/session.model';

/** The lookup-key record a guard accepted for this request. */
export interface AuthenticatedLookupKey {
  recordId: string;
  userId: UserId;
}

/**
 * The lookup-key record `LookupKeyGuard` (or `SessionOrLookupKeyGuard`) accepted, as {@link AuthenticatedLookupKey};
 * undefined when the request was authenticated otherwise.
 * ```ts
 * @UseGuards(LookupKeyGuard)
 * @Get('whoami') whoami(@CurrentLookupKey() key: AuthenticatedLookupKey) { return key; }
 * ```
 */
export const CurrentLookupKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedLookupKey | undefined => getAuthState(context)?.lookupKey,
);
