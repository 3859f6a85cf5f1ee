/**
 * Whether two strings are equal, in time that depends only on their lengths (never on where they differ), for
 * comparing secrets and values derived from them (MACs, lookup keys). Strings of different lengths are unequal; a
 * length is not a secret for the fixed-length values compared here.
 *
 * Every UTF-16 unit is compared, with no branch on the data: the differences are OR-ed together and looked at
 * once at the end. This is the comparison `crypto.timingSafeEqual` makes on bytes, without turning both strings
 * into Buffers first (two allocations and a native call cost more than comparing a MAC's 43 characters).
 * @internal
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const length = a.length;
  if (length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
