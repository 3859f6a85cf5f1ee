import { createHash } from 'node:crypto';
import { MAC_LENGTH } from './redis-session-codec';

/**
 * Most expired sessions one write removes from a (user, type)'s keys. Each write adds at most one session, so
 * removing up to this many per write keeps the keys from accumulating dead entries, while a write after a long idle
 * period still does bounded work (the rest goes on the following writes; key expiry bounds everything anyway).
 */
export const PRUNE_BATCH_SIZE = 16;

/** Reply codes of the upsert function. */
export enum UpsertResult {
  Ok = 0,
  /** Insert (lockVersion 0) of an id that is stored and alive. */
  Exists = 1,
  /** Update of a session that is not stored (never was, deleted, or expired). */
  Missing = 2,
  /** Update whose expected lockVersion differs from the stored one. */
  LockVersionMismatch = 3,
}

/**
 * Library body; `__PREFIX__` becomes the versioned function-name prefix. Keys: KEYS[1] the sessions hash,
 * KEYS[2] the expiry sorted set (same hash slot). "now" always comes from the caller (the app's clock), never from
 * Redis TIME: the app decides what is expired, and its tests can move time.
 */
const BODY = `
local MAC_END = ${MAC_LENGTH}
local PRUNE = ${PRUNE_BATCH_SIZE}

-- Removes up to PRUNE sessions whose refreshExpiresAt <= now: bounded work per write, amortized O(1).
local function prune(hkey, zkey, now)
  local dead = redis.call('ZRANGE', zkey, '-inf', now, 'BYSCORE', 'LIMIT', 0, PRUNE)
  if #dead > 0 then
    redis.call('ZREM', zkey, unpack(dead))
    redis.call('HDEL', hkey, unpack(dead))
  end
end

-- Both keys expire when their last session does, so nothing outlives the sessions it holds.
local function set_expiry(hkey, zkey)
  local last = redis.call('ZRANGE', zkey, -1, -1, 'WITHSCORES')
  if #last == 0 then
    redis.call('DEL', hkey)
    return
  end
  redis.call('EXPIREAT', hkey, last[2])
  redis.call('EXPIREAT', zkey, last[2])
end

-- ARGV: session id, expected lockVersion (decimal; "0" = insert), new value, new refreshExpiresAt, now.
local function upsert(keys, args)
  local hkey, zkey = keys[1], keys[2]
  local id, expected, value, expires_at, now = args[1], args[2], args[3], args[4], tonumber(args[5])
  prune(hkey, zkey, now)
  local score = redis.call('ZSCORE', zkey, id)
  local alive = score and tonumber(score) > now
  if expected == '0' then
    if alive then return 1 end
  else
    if not alive then return 2 end
    local current = redis.call('HGET', hkey, id)
    if not current then return 2 end
    if string.match(current, '^(%d+):', MAC_END + 1) ~= expected then return 3 end
  end
  if tonumber(expires_at) > now then
    redis.call('HSET', hkey, id, value)
    redis.call('ZADD', zkey, expires_at, id)
  else
    -- Written already dead: keeping it would only be garbage.
    redis.call('HDEL', hkey, id)
    redis.call('ZREM', zkey, id)
  end
  set_expiry(hkey, zkey)
  return 0
end

-- ARGV: session id, now.
local function delete(keys, args)
  local hkey, zkey = keys[1], keys[2]
  redis.call('HDEL', hkey, args[1])
  redis.call('ZREM', zkey, args[1])
  prune(hkey, zkey, tonumber(args[2]))
  set_expiry(hkey, zkey)
  return 0
end

redis.register_function('__PREFIX__upsert', upsert)
redis.register_function('__PREFIX__delete', delete)
`;

/**
 * Version of the function library: a hash of its code. It is part of the library name and of every function name,
 * so each code version gets its own names: deployments running different versions can share one Redis (during a
 * rolling upgrade, for example) without one replacing the other's functions, and a call can never reach code it
 * was not written for.
 */
export const REDIS_FUNCTIONS_VERSION = createHash('sha256').update(BODY).digest('hex').slice(0, 12);

const PREFIX = `nestjs_charon_${REDIS_FUNCTIONS_VERSION}_`;

/** Name of the function library in Redis (`FUNCTION LIST LIBRARYNAME nestjs_charon_`). */
export const REDIS_FUNCTIONS_LIBRARY = `nestjs_charon_${REDIS_FUNCTIONS_VERSION}`;

/** Names of the functions, as passed to FCALL. */
export const REDIS_FUNCTION_NAMES = {
  upsert: `${PREFIX}upsert`,
  delete: `${PREFIX}delete`,
} as const;

/** The library source for `FUNCTION LOAD REPLACE`. */
export const REDIS_FUNCTIONS_SOURCE = `#!lua name=${REDIS_FUNCTIONS_LIBRARY}\n${BODY.replaceAll('__PREFIX__', PREFIX)}`;
