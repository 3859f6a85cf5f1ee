import { createHmac, sign as signWithKey, type KeyObject } from 'node:crypto';

/** base64url of a JSON value, or of raw text when given a string. */
export function segment(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** Decodes a token's header. */
export function decodeHeader(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));
}

export type Signer =
  | { hmac: 'sha256' | 'sha384' | 'sha512'; key: Uint8Array | KeyObject }
  | { eddsa: KeyObject };

/** Signs an arbitrary signing input the way a JWS signer would, so tests can forge well-signed oddities. */
export function signInput(signingInput: string, signer: Signer): string {
  if ('hmac' in signer) return createHmac(signer.hmac, signer.key).update(signingInput, 'utf8').digest('base64url');
  return signWithKey(null, Buffer.from(signingInput, 'utf8'), signer.eddsa).toString('base64url');
}

/** Builds `header.payload.signature` from already-encoded segments, signing them correctly. */
export function forge(headerSegment: string, payloadSegment: string, signer: Signer): string {
  const input = `${headerSegment}.${payloadSegment}`;
  return `${input}.${signInput(input, signer)}`;
}
