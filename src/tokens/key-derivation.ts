import { hkdfSync } from 'node:crypto';

/**
 * Derives a purpose-specific key from the base secret with HKDF-SHA256 (RFC 5869). The base secret is
 * high-entropy (at least 32 bytes), so a fast KDF is right; each purpose gets an independent key, and
 * rotating the base secret rotates them all. Call once at boot and keep the result: never per request.
 */
export function deriveKey(baseSecret: Uint8Array, purpose: string, length = 32): Buffer {
  return Buffer.from(hkdfSync('sha256', baseSecret, Buffer.alloc(0), `nestjs-charon:${purpose}`, length));
}
