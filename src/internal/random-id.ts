import { randomFillSync } from 'node:crypto';

/** Bytes of randomness in an id: 128 bits, 22 base64url characters. */
const ID_BYTES = 16;
/** Ids drawn from one fill of the pool. */
const POOL_IDS = 256;

const pool = Buffer.allocUnsafeSlow(ID_BYTES * POOL_IDS);
let offset = pool.length;

/**
 * A fresh random id (session ids, refresh token ids, access token `jti`s): 128 bits from the system CSPRNG as
 * 22 base64url characters.
 *
 * Drawn from a pool that one `randomFillSync` refills every 256 ids, the way `crypto.randomUUID` caches its
 * entropy: a `randomBytes` call per id costs more than the rest of issuing a token pair. Every byte of the pool is
 * handed out once.
 *
 * @internal
 */
export function randomId(): string {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString('base64url', offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return id;
}
