import { createHash } from 'node:crypto';

/**
 * Fields one pruning pass of a shard hash inspects (a random sample: HRANDFIELD); runs on every insert.
 *
 * @internal
 */
export const LOOKUP_KEY_PRUNE_SAMPLE_SIZE = 16;

/**
 * Reply codes of the insert functions.
 *
 * @internal
 */
export enum LookupKeyInsertResult {
  Ok = 0,
  /** Shard: the id is taken (live or tombstone) or the lookup key points at a live record. */
  Exists = 1,
  /** User index: the user already holds the most live records allowed. */
  Limit = 2,
}

/**
 * Library body; `__PREFIX__` becomes the versioned function-name prefix. Every function works on the one key it
 * is given (KEYS[1]), so it runs atomically in one Cluster slot; "now" always comes from the caller's clock.
 *
 * A shard hash (all records whose secrets share a shard tag) has two kinds of fields:
 * - `r:<id>` -> `<revokedAt>:<expiresAt>:<version>:<lookupKey>:<signed record>`, revokedAt 0 while live. Revoking
 *   rewrites revokedAt in place, so the record itself is the tombstone: nothing but expiry removes it, no insert
 *   can reuse its id, and a rekey (which checks revokedAt in the same atomic step) cannot resurrect it.
 * - `k:<lookupKey>` -> `<id>`: how a lookup finds the record. A pointer counts only while the record it points at
 *   names the same lookup key, so a stale pointer can never lead anywhere.
 * A user index hash has `<id>` -> `<expiresAt>:<shard>:<public record JSON>` per live record of one user.
 *
 * Both kinds of key expire (EXPIREAT ... GT) at the latest expiresAt written into them, so nothing lives forever;
 * inserts also prune expired entries (a random sample of the shard, every entry of the index).
 */
const BODY = `
local SAMPLE = ${LOOKUP_KEY_PRUNE_SAMPLE_SIZE}

-- revokedAt, expiresAt (numbers), version and lookup key of a record value, or nils for anything else.
local function header(value)
  local revoked_at, expires_at, version, lookup_key = string.match(value, '^(%d+):(%d+):(%d+):([%w_-]+):')
  return tonumber(revoked_at), tonumber(expires_at), version, lookup_key
end

local function raise_expiry(key, expires_at)
  if redis.call('EXPIREAT', key, expires_at, 'NX') == 0 then redis.call('EXPIREAT', key, expires_at, 'GT') end
end

-- Removes record id (value as stored) and the pointer of its lookup key if that still points at it.
local function drop(key, id, value)
  local _, _, _, lookup_key = header(value)
  redis.call('HDEL', key, 'r:' .. id)
  if lookup_key and redis.call('HGET', key, 'k:' .. lookup_key) == id then redis.call('HDEL', key, 'k:' .. lookup_key) end
end

local function prune(key, now)
  local sample = redis.call('HRANDFIELD', key, SAMPLE, 'WITHVALUES')
  for i = 1, #sample, 2 do
    local field = sample[i]
    if string.sub(field, 1, 2) == 'r:' then
      local _, expires_at = header(sample[i + 1])
      if not expires_at or expires_at <= now then drop(key, string.sub(field, 3), sample[i + 1]) end
    end
  end
end

-- The live record value stored under lookup_key, or nil.
local function live_under(key, lookup_key, now)
  local id = redis.call('HGET', key, 'k:' .. lookup_key)
  if not id then return nil end
  local value = redis.call('HGET', key, 'r:' .. id)
  if not value then return nil end
  local revoked_at, expires_at, _, stored_key = header(value)
  if revoked_at == 0 and expires_at and expires_at > now and stored_key == lookup_key then return value end
  return nil
end

-- ARGV: id, lookup key, record value, expiresAt, now.
local function shard_insert(keys, args)
  local key, id, lookup_key, value, expires_at, now = keys[1], args[1], args[2], args[3], tonumber(args[4]), tonumber(args[5])
  local current = redis.call('HGET', key, 'r:' .. id)
  if current then
    local _, current_expires_at = header(current)
    if current_expires_at and current_expires_at > now then return 1 end
    drop(key, id, current)
  end
  if live_under(key, lookup_key, now) then return 1 end
  if expires_at > now then
    redis.call('HSET', key, 'r:' .. id, value, 'k:' .. lookup_key, id)
    raise_expiry(key, expires_at)
  end
  prune(key, now)
  return 0
end

-- ARGV: now, then the candidate lookup keys in order. Returns the first live record value, or nil.
local function shard_find(keys, args)
  local now = tonumber(args[1])
  for i = 2, #args do
    local value = live_under(keys[1], args[i], now)
    if value then return value end
  end
  return false
end

-- ARGV: id, from lookup key, to lookup key, new record value, now. 1 if moved.
local function shard_rekey(keys, args)
  local key, id, from, to, value, now = keys[1], args[1], args[2], args[3], args[4], tonumber(args[5])
  local current = redis.call('HGET', key, 'r:' .. id)
  if not current then return 0 end
  local revoked_at, expires_at, _, stored_key = header(current)
  if revoked_at ~= 0 or not expires_at or expires_at <= now or stored_key ~= from then return 0 end
  if redis.call('HEXISTS', key, 'k:' .. to) == 1 then return 0 end
  redis.call('HSET', key, 'r:' .. id, value, 'k:' .. to, id)
  redis.call('HDEL', key, 'k:' .. from)
  return 1
end

-- ARGV: id, now. 1 if the record was live and is now revoked.
local function shard_revoke(keys, args)
  local key, id, now = keys[1], args[1], tonumber(args[2])
  local current = redis.call('HGET', key, 'r:' .. id)
  if not current then return 0 end
  local revoked_at, expires_at, _, lookup_key = header(current)
  if revoked_at ~= 0 or not expires_at or expires_at <= now then return 0 end
  -- A live value starts with '0:'; revokedAt is at least 1 so that it never reads as live again.
  redis.call('HSET', key, 'r:' .. id, math.max(now, 1) .. string.sub(current, 2))
  if redis.call('HGET', key, 'k:' .. lookup_key) == id then redis.call('HDEL', key, 'k:' .. lookup_key) end
  return 1
end

-- ARGV: id. Removes a record never handed out (its insert was refused by the user index): no tombstone needed.
local function shard_remove(keys, args)
  local current = redis.call('HGET', keys[1], 'r:' .. args[1])
  if current then drop(keys[1], args[1], current) end
  return 0
end

-- ARGV: id, entry, expiresAt, now, most live entries allowed ('' = no cap). Prunes every expired entry.
local function index_add(keys, args)
  local key, id, entry, expires_at, now, cap = keys[1], args[1], args[2], tonumber(args[3]), tonumber(args[4]), args[5]
  local entries = redis.call('HGETALL', key)
  local live = 0
  for i = 1, #entries, 2 do
    local entry_expires_at = tonumber(string.match(entries[i + 1], '^(%d+):'))
    if entry_expires_at and entry_expires_at > now then live = live + 1 else redis.call('HDEL', key, entries[i]) end
  end
  if cap ~= '' and live >= tonumber(cap) then return 2 end
  redis.call('HSET', key, id, entry)
  raise_expiry(key, expires_at)
  return 0
end

redis.register_function('__PREFIX__shard_insert', shard_insert)
redis.register_function{function_name = '__PREFIX__shard_find', callback = shard_find, flags = {'no-writes'}}
redis.register_function('__PREFIX__shard_rekey', shard_rekey)
redis.register_function('__PREFIX__shard_revoke', shard_revoke)
redis.register_function('__PREFIX__shard_remove', shard_remove)
redis.register_function('__PREFIX__index_add', index_add)
`;

/** Version of the library: a hash of its code, part of every name (so deployments of different versions coexist). */
export const REDIS_LOOKUP_KEY_FUNCTIONS_VERSION = createHash('sha256').update(BODY).digest('hex').slice(0, 12);

/** Name of the function library in Redis. */
export const REDIS_LOOKUP_KEY_FUNCTIONS_LIBRARY = `nestjs_charon_lookup_key_${REDIS_LOOKUP_KEY_FUNCTIONS_VERSION}`;

const PREFIX = `${REDIS_LOOKUP_KEY_FUNCTIONS_LIBRARY}_`;

/**
 * Names of the functions, as passed to FCALL / FCALL_RO.
 *
 * @internal
 */
export const REDIS_LOOKUP_KEY_FUNCTION_NAMES = {
  shardInsert: `${PREFIX}shard_insert`,
  shardFind: `${PREFIX}shard_find`,
  shardRekey: `${PREFIX}shard_rekey`,
  shardRevoke: `${PREFIX}shard_revoke`,
  shardRemove: `${PREFIX}shard_remove`,
  indexAdd: `${PREFIX}index_add`,
} as const;

/**
 * The library source for `FUNCTION LOAD REPLACE`.
 *
 * @internal
 */
export const REDIS_LOOKUP_KEY_FUNCTIONS_SOURCE = `#!lua name=${REDIS_LOOKUP_KEY_FUNCTIONS_LIBRARY}\n${BODY.replaceAll('__PREFIX__', PREFIX)}`;
