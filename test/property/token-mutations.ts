/** Edits of a token for property tests: every kind of change a forger or a broken client could make. */
import fc from 'fast-check';

/** Characters a mutation may write: the base64url alphabet, the separator, and some that must never pass. */
const charArb = fc.oneof(
  fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
  fc.constantFrom('.', '=', '+', '/', ' ', '\n', '\u0000', 'š', '\u0141', '\ud83d'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);

/** One edit of a token, described so that a failure names it. */
export type Mutation =
  | { kind: 'replace'; at: number; char: string }
  | { kind: 'insert'; at: number; char: string }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'swap-adjacent'; at: number }
  | { kind: 'flip-case'; at: number }
  | { kind: 'swap-segments'; first: number; second: number }
  | { kind: 'truncate'; at: number };

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), char: charArb }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), char: charArb }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('swap-adjacent' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip-case' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap-segments' as const), first: fc.integer({ min: 0, max: 2 }), second: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

/** The token with one mutation applied; positions wrap around the token's length. */
export function mutate(token: string, mutation: Mutation): string {
  const at = (n: number, length = token.length) => n % Math.max(length, 1);
  // An earlier mutation may have emptied the token (truncate at 0): only an insert can still change it.
  if (token.length === 0 && mutation.kind !== 'insert') return token;
  switch (mutation.kind) {
    case 'replace': {
      const i = at(mutation.at);
      return token.slice(0, i) + mutation.char + token.slice(i + 1);
    }
    case 'insert': {
      const i = at(mutation.at, token.length + 1);
      return token.slice(0, i) + mutation.char + token.slice(i);
    }
    case 'delete': {
      const i = at(mutation.at);
      return token.slice(0, i) + token.slice(i + mutation.count);
    }
    case 'swap-adjacent': {
      if (token.length < 2) return token;
      const i = at(mutation.at, token.length - 1);
      return token.slice(0, i) + token[i + 1] + token[i] + token.slice(i + 2);
    }
    case 'flip-case': {
      const i = at(mutation.at);
      const c = token[i];
      return token.slice(0, i) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + token.slice(i + 1);
    }
    case 'swap-segments': {
      const segments = token.split('.');
      [segments[mutation.first], segments[mutation.second]] = [segments[mutation.second], segments[mutation.first]];
      return segments.join('.');
    }
    case 'truncate':
      return token.slice(0, at(mutation.at));
  }
}
