import { createHash } from 'node:crypto';
import { MAC_LENGTH } from './redis-session-codec';

/**
 * Sessions one pruning pass inspects (a random sample: HRANDFIELD). A (user, type) hash with at most this many
 * sessions is cleaned completely by every pass.
 */
export const PRUNE_SAMPLE_SIZE = 16;

/**
 * Updates prune on every this-many-th lock version; inserts always prune. Inserts are what add entries, so pruning
 * on each insert keeps the share of expired entries in a hash small (each pass removes every expired entry in its
 * sample, while an insert adds one entry); the occasional pass on updates also cleans hashes whose user only
 * refreshes, at an eighth of the cost.
 */
export const PRUNE_EVERY_NTH_UPDATE = 8;

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
 * Library body; `__PREFIX__` becomes the versioned function-name prefix. KEYS[1] is the (user, type) sessions
 * hash. "now" always comes from the caller (the app's clock), never from Redis TIME: the app decides what is expired,
 * and its tests can move time.
 *
 * Key expiry only ever moves up while the hash exists: EXPIREAT ... GT after each write (NX first when the hash may
 * be new). So the hash lives until the latest refreshExpiresAt written into it, never forever, and no write has to
 * find the maximum of the rest.
 */
const BODY = `
local MAC_END = ${MAC_LENGTH}
local SAMPLE = ${PRUNE_SAMPLE_SIZE}
local EVERY = ${PRUNE_EVERY_NTH_UPDATE}

-- lockVersion (string) and refreshExpiresAt (number) of a stored value, or nil for something else.
local function header(value)
  local lock_version, expires_at = string.match(value, '^(%d+):(%d+):', MAC_END + 1)
  return lock_version, tonumber(expires_at)
end

-- Deletes the expired sessions among a random sample: O(SAMPLE) work per call, whatever the hash holds.
local function prune(key, now)
  local sample = redis.call('HRANDFIELD', key, SAMPLE, 'WITHVALUES')
  local dead = {}
  for i = 1, #sample, 2 do
    local _, expires_at = header(sample[i + 1])
    if expires_at and expires_at <= now then dead[#dead + 1] = sample[i] end
  end
  if #dead > 0 then redis.call('HDEL', key, unpack(dead)) end
end

-- ARGV: session id, expected lockVersion (decimal; "0" = insert), new value, new refreshExpiresAt, now.
local function upsert(keys, args)
  local key = keys[1]
  local id, expected, value, expires_at, now = args[1], args[2], args[3], args[4], tonumber(args[5])
  local current = redis.call('HGET', key, id)
  local lock_version, current_expires_at
  if current then lock_version, current_expires_at = header(current) end
  local alive = current_expires_at ~= nil and current_expires_at > now
  if expected == '0' then
    if alive then return 1 end
  else
    if not alive then return 2 end
    if lock_version ~= expected then return 3 end
  end
  if tonumber(expires_at) > now then
    redis.call('HSET', key, id, value)
    -- A hash that held a session already has an expiry; one that did not may be new and have none.
    if current or redis.call('EXPIREAT', key, expires_at, 'NX') == 0 then
      redis.call('EXPIREAT', key, expires_at, 'GT')
    end
  elseif current then
    -- Written already dead: keeping it would only be garbage.
    redis.call('HDEL', key, id)
  end
  if expected == '0' or tonumber(expected) % EVERY == 0 then prune(key, now) end
  return 0
end

redis.register_function('__PREFIX__upsert', upsert)
`;

/**
 * Version of the function library: a hash of its code. It is part of the library name and of every function name,
 * so each code version gets its own names: deployments running different versions can share one Redis (during a
 * rolling upgrade, for example) without one replacing the other's functions, and a call can never reach code it
 * was not written for.
 */
export const REDIS_FUNCTIONS_VERSION = createHash('sha256').update(BODY).digest('hex').slice(0, 12);

const PREFIX = `nestjs_charon_${REDIS_FUNCTIONS_VERSION}_`;

/** Name of the function library in Redis (`FUNCTION LIST LIBRARYNAME nestjs_charon_*`). */
export const REDIS_FUNCTIONS_LIBRARY = `nestjs_charon_${REDIS_FUNCTIONS_VERSION}`;

/** Names of the functions, as passed to FCALL. */
export const REDIS_FUNCTION_NAMES = {
  upsert: `${PREFIX}upsert`,
} as const;

/** The library source for `FUNCTION LOAD REPLACE`. */
export const REDIS_FUNCTIONS_SOURCE = `#!lua name=${REDIS_FUNCTIONS_LIBRARY}\n${BODY.replaceAll('__PREFIX__', PREFIX)}`;
