import type { AuthorizationFailureReason } from '../errors/authorization.error';
import type { ClaimRequirement } from '../decorators/route-auth.decorators';

function satisfies(value: unknown, requirement: ClaimRequirement): boolean {
  if (typeof requirement === 'function') return requirement(value) === true;
  if (typeof requirement !== 'object' || requirement === null) return value === requirement;
  if ('in' in requirement) return requirement.in.includes(value);
  if (!Array.isArray(value)) return false;
  const wanted = Array.isArray(requirement.contains) ? requirement.contains : [requirement.contains];
  return wanted.every((item) => value.includes(item));
}

/**
 * The reason the payload fails the requirements, or undefined when it meets them all.
 * @internal
 */
export function checkClaims(
  payload: Record<string, unknown>,
  requirements: Readonly<Record<string, ClaimRequirement>>,
): AuthorizationFailureReason | undefined {
  for (const name in requirements) {
    // Own properties only: `constructor` or `toString` must not count as claims the token carries.
    const value = Object.hasOwn(payload, name) ? payload[name] : undefined;
    if (value === undefined) return `bearer token claim ${name} not found`;
    if (!satisfies(value, requirements[name])) return `bearer token claim ${name} invalid`;
  }
  return undefined;
}
