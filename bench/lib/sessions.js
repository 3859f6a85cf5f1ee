'use strict';
/** The sessions the store benchmarks (bench/stores.js, bench/cluster.js) write and read, built from an index. */
const crypto = require('node:crypto');

const DAY = 24 * 3600;

/** Session ids derived from an index, so a million sessions need no bookkeeping in the benchmark process. */
const ID_SALT = crypto.randomBytes(12);
/**
 * Refresh token ids drawn once: a `randomBytes` call per session built in the loop would be charged to the store
 * (~10 µs per operation under load, a third of a raw FCALL), while SessionService draws its ids from a pool.
 */
const REFRESH_TOKEN_IDS = Array.from({ length: 4096 }, () => crypto.randomBytes(16).toString('base64url'));

function sessionId(i) {
  const bytes = Buffer.alloc(16);
  ID_SALT.copy(bytes, 0);
  bytes.writeUInt32BE(i, 12);
  return bytes.toString('base64url');
}

/** A session as SessionService.create writes it (before the store bumps lockVersion). */
function makeSession(i, userId, now, lockVersion = 0) {
  return {
    id: sessionId(i),
    userId,
    type: 'full',
    createdAt: now,
    expiresAt: now + 365 * DAY,
    refreshedAt: now,
    refreshExpiresAt: now + 60 * DAY,
    refreshTokenId: REFRESH_TOKEN_IDS[i % REFRESH_TOKEN_IDS.length],
    tokensFreshFrom: now,
    prevTokensFreshFrom: now,
    lockVersion,
    extraPayload: {},
    version: 1,
  };
}

module.exports = { DAY, sessionId, makeSession };
