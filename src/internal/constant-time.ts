import { timingSafeEqual } from 'node:crypto';

/**
 * Whether two strings are equal, in time that depends only on their lengths (never on where they differ), for
 * comparing secrets and values derived from them. Strings of different lengths are unequal; a length is not a
 * secret for the fixed-length values compared here (MACs, lookup keys).
 * @internal
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
