/**
 * Strict base64url checks for JWT segments.
 *
 * `Buffer.from(s, 'base64url')` is lenient: it also accepts `+` and `/`, skips characters it does not know,
 * stops at `=`, ignores the unused low bits of the last character, and truncates characters above U+00FF to
 * their low byte (`'š'` decodes like `'a'`). A verifier built on it alone would accept many spellings of one
 * token, so segments are checked here first and decoded by Buffer afterwards.
 *
 * Internal to nestjs-charon: not part of the public API.
 */

/**
 * Finds a character that is neither base64url nor `.`: a token passes its alphabet check when this does
 * not match. `\w` without the `u`/`i` flags is exactly `[A-Za-z0-9_]`. An unanchored search for a bad
 * character never backtracks, so it costs one pass even on hostile input, and V8 runs it as native code,
 * about twice as fast as a charCodeAt loop.
 * @internal
 */
export const NOT_BASE64URL_OR_DOT = /[^\w.-]/;

/** Sextet value + 1 of every base64url character, by char code; 0 marks a character outside the alphabet. */
const SEXTET_PLUS_ONE = (() => {
  const table = new Uint8Array(128);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i + 1;
  return table;
})();

/**
 * Whether the base64url characters `text.slice(start, end)` end canonically: a length that encodes whole
 * bytes and zero unused bits in the last character, so that exactly one string encodes each byte sequence.
 * Checks only the length and the last character: the alphabet must already be known to be base64url
 * (e.g. by {@link NOT_BASE64URL_OR_DOT}). An empty range is canonical.
 * @internal
 */
export function hasCanonicalEnd(text: string, start: number, end: number): boolean {
  const remainder = (end - start) & 3;
  if (remainder === 0) return true;
  // One leftover character carries 6 bits, less than a byte: no encoder produces that length.
  if (remainder === 1) return false;
  const code = text.charCodeAt(end - 1);
  const sextet = code < 128 ? SEXTET_PLUS_ONE[code] - 1 : -1;
  if (sextet < 0) return false;
  // 2 leftover characters hold 12 bits for 1 byte (low 4 bits unused), 3 hold 18 bits for 2 bytes (low 2 unused).
  return (sextet & (remainder === 2 ? 0b1111 : 0b11)) === 0;
}

/** Length in characters of the unpadded base64url encoding of `byteLength` bytes. */
export function base64UrlLength(byteLength: number): number {
  return Math.ceil((byteLength * 4) / 3);
}
