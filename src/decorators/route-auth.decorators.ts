import { SetMetadata } from '@nestjs/common';

/**
 * What a claim must look like for {@link RequireClaims}:
 * - a string, number or boolean: the claim must equal it;
 * - `{ in: [...] }`: the claim must be one of the values;
 * - `{ contains: x | [x, y] }`: the claim must be an array holding every given value (e.g. scopes);
 * - a function: the claim must make it return true.
 */
export type ClaimRequirement =
  | string
  | number
  | boolean
  | { readonly in: readonly unknown[] }
  | { readonly contains: unknown }
  | ((value: unknown) => boolean);

/** @internal */
export const REQUIRED_CLAIMS_METADATA = 'nestjs-charon:required-claims';
/** @internal */
export const LOAD_SESSION_METADATA = 'nestjs-charon:load-session';
/** @internal */
export const ROUTE_ACCESS_METADATA = 'nestjs-charon:route-access';

/**
 * Who may call a route that `SessionGuard` (or the global guard) protects: `required` (a valid access token; the
 * default), `optional` ({@link OptionalAuth}) or `public` ({@link Public}).
 */
export type RouteAccess = 'required' | 'optional' | 'public';

/**
 * Requires claims in the token, on a controller or a handler. Both apply: a handler can add requirements (or
 * require the same claim again), never loosen its controller's. The token is valid but not allowed here, so a
 * missing claim answers 403 `bearer token claim <name> not found`, a wrong one 403 `bearer token claim <name> invalid`.
 *
 * ```ts
 * @UseGuards(SessionGuard)
 * @RequireClaims({ role: 'admin', scope: { contains: ['users:write'] } })
 * @Delete('users/:id') removeUser() {}
 * ```
 */
export const RequireClaims = (claims: Record<string, ClaimRequirement>) => SetMetadata(REQUIRED_CLAIMS_METADATA, claims);

/**
 * Makes `SessionGuard` load the session from the store for this controller or handler (`true`), or not
 * (`false`), overriding the `loadSessionByDefault` option. A loaded session gives instant revocation (a
 * deleted session is refused with 401 `session not found` even while its access token is valid) at the cost of
 * one store read per request.
 */
export const LoadSession = (load = true) => SetMetadata(LOAD_SESSION_METADATA, load);

/**
 * Opens a controller or handler to everyone: `SessionGuard` and the global guard (`globalGuard: true`) let every
 * request through without looking for a token. A handler's `@Public()`, `@OptionalAuth()` overrides its controller's.
 *
 * ```ts
 * @Public()
 * @Post('login') login(@Body() body: LoginDto, @Req() request: HttpRequestLike) { ... }
 * ```
 */
export const Public = () => SetMetadata(ROUTE_ACCESS_METADATA, 'public' satisfies RouteAccess);

/**
 * Makes authentication optional on a controller or handler protected by `SessionGuard` or the global guard: a
 * request without any token is let through anonymously (`@CurrentUserId()` is undefined, `getAuthState()` has no
 * `payload`); a request with a token is verified as usual, so an invalid, expired or cross-site one still gets 401
 * or 403. `@RequireClaims` applies to requests that carry a token.
 */
export const OptionalAuth = () => SetMetadata(ROUTE_ACCESS_METADATA, 'optional' satisfies RouteAccess);
