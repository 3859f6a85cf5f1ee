import { createHash } from 'node:crypto';
import { INTERNAL_FIELD_START, MAC_LENGTH } from './redis-session-codec';

/**
 * Sessions one pruning pass inspects (a random sample: HRANDFIELD). A (user, type) hash with at most this many
 * sessions is cleaned completely by every pass.
 *
 * @internal
 */
export const PRUNE_SAMPLE_SIZE = 16;

/**
 * Updates prune on every this-many-th lock version; inserts always prune. Inserts are what add entries, so pruning
 * on each insert keeps the share of expired entries in a hash small (each pass removes every expired entry in its
 * sample, while an insert adds one entry); the occasional pass on updates also cleans hashes whose user only
 * refreshes, at an eighth of the cost.
 *
 * @internal
 */
export const PRUNE_EVERY_NTH_UPDATE = 8;

/**
 * Reply codes of the upsert function.
 *
 * @internal
 */
export enum UpsertResult {
  Ok = 0,
  /** Insert (lockVersion 0) of an id that is stored and alive. */
  Exists = 1,
  /** Update of a session that is not stored (never was, deleted, or expired). */
  Missing = 2,
  /** Update whose expected lockVersion differs from the stored one. */
  LockVersionMismatch = 3,
}

/** Most fields one HDEL deletes (Lua's unpack has a stack limit; a hash of a user without a cap may be large). */
const HDEL_BATCH = 1000;

/**
 * One `listUsers` call to a primary asks SCAN for at most this much work (the sum of its COUNTs) per user id wanted,
 * and at least `LIST_MIN_SCAN`, so that it blocks Redis for a bounded time however sparse the store's keys are among
 * others; the page may then be short.
 */
const LIST_SCAN_FACTOR = 10;
const LIST_MIN_SCAN = 100;

/** Lua table entries `[<byte>] = <value>` of the base64url digits. */
const BASE64URL_DIGITS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_']
  .map((digit, value) => `[${digit.charCodeAt(0)}] = ${value}`)
  .join(', ');

/**
 * Library body; `__PREFIX__` becomes the versioned function-name prefix. "now" always comes from the caller (the
 * app's clock), never from Redis TIME: the app decides what is expired, and its tests can move time.
 *
 * Key expiry only ever moves up while the hash exists: EXPIREAT ... GT after each write (NX first when the hash may
 * be new). So the hash lives until the latest refreshExpiresAt written into it, never forever, and no write has to
 * find the maximum of the rest.
 *
 * Values are parsed with anchored patterns only (see `SessionCodec` for the layout), except the JSON of values
 * whose internal field is missing or stale (written or rewritten by 0.1), which eviction decodes for refreshedAt.
 */
const BODY = `
local MAC_END = ${MAC_LENGTH}
local SAMPLE = ${PRUNE_SAMPLE_SIZE}
local EVERY = ${PRUNE_EVERY_NTH_UPDATE}
local HDEL_BATCH = ${HDEL_BATCH}
local LIST_SCAN_FACTOR = ${LIST_SCAN_FACTOR}
local LIST_MIN_SCAN = ${LIST_MIN_SCAN}
local HEADER = '^(%d+):(%d+):'
-- The header, then the internal field: lockVersion it was written with, refreshedAt, write stamp.
local ORDERED = '^(%d+):(%d+):${INTERNAL_FIELD_START.replace('[', '%[')}(%d+),(%d+),(%d+)%]'

-- lockVersion (string) and refreshExpiresAt (number) of a stored value, or nil for something else.
local function header(value)
  local lock_version, expires_at = string.match(value, HEADER, MAC_END + 1)
  return lock_version, tonumber(expires_at)
end

local function hdel(key, fields)
  for i = 1, #fields, HDEL_BATCH do
    redis.call('HDEL', key, unpack(fields, i, math.min(i + HDEL_BATCH - 1, #fields)))
  end
end

-- Deletes the expired sessions among a random sample: O(SAMPLE) work per call, whatever the hash holds.
local function prune(key, now)
  local sample = redis.call('HRANDFIELD', key, SAMPLE, 'WITHVALUES')
  local dead = {}
  for i = 1, #sample, 2 do
    local _, expires_at = header(sample[i + 1])
    if expires_at and expires_at <= now then dead[#dead + 1] = sample[i] end
  end
  if #dead > 0 then hdel(key, dead) end
end

-- refreshedAt from the JSON, for a value without a current internal field; 0 (evicted first) if unreadable.
local function refreshed_at_from_json(value)
  local _, header_end = string.find(value, HEADER, MAC_END + 1)
  local ok, session = pcall(cjson.decode, string.sub(value, header_end + 1))
  return ok and type(session) == 'table' and tonumber(session.refreshedAt) or 0
end

-- Before the insert of id: deletes every expired session, the live ones whose fingerprint JSON is fingerprint
-- (nil: none), and then the least recently refreshed, until at most max - 1 others are left (max nil: no cap).
-- Values this code cannot parse are left alone and not counted.
local function make_room(key, id, now, max, fingerprint)
  local entries = redis.call('HGETALL', key)
  local needle = fingerprint and (',"fingerprint":' .. fingerprint)
  local doomed = {}
  -- The live sessions that count toward max, as parallel arrays (no table per session).
  local fields, refreshed, stamps = {}, {}, {}
  for i = 1, #entries, 2 do
    local field, value = entries[i], entries[i + 1]
    if field ~= id then
      local _, stop, lock_version, expires_at, written, refreshed_at, stamp = string.find(value, ORDERED, MAC_END + 1)
      if not stop then lock_version, expires_at = string.match(value, HEADER, MAC_END + 1) end
      expires_at = tonumber(expires_at)
      if expires_at then
        if expires_at <= now or (needle and stop and string.sub(value, stop + 1, stop + #needle) == needle) then
          doomed[#doomed + 1] = field
        elseif max then
          local n = #fields + 1
          fields[n] = field
          if stop and written == lock_version then
            refreshed[n], stamps[n] = tonumber(refreshed_at), tonumber(stamp)
          else
            -- No stamp: before any stamped value of the same second.
            refreshed[n], stamps[n] = refreshed_at_from_json(value), 0
          end
        end
      end
    end
  end
  local excess = max and #fields - max + 1 or 0
  if excess > 0 then
    -- Eviction order: least recently refreshed first, then the earlier write.
    local function older(i, j)
      if refreshed[i] ~= refreshed[j] then return refreshed[i] < refreshed[j] end
      if stamps[i] ~= stamps[j] then return stamps[i] < stamps[j] end
      return fields[i] < fields[j]
    end
    if excess == 1 then
      -- The usual case, a login at the cap: one pass instead of a sort.
      local oldest = 1
      for i = 2, #fields do
        if older(i, oldest) then oldest = i end
      end
      doomed[#doomed + 1] = fields[oldest]
    else
      local order = {}
      for i = 1, #fields do order[i] = i end
      table.sort(order, older)
      for i = 1, excess do doomed[#doomed + 1] = fields[order[i]] end
    end
  end
  if #doomed > 0 then hdel(key, doomed) end
end

-- ARGV: session id, expected lockVersion (decimal; "0" = insert), new value, new refreshExpiresAt, now; for an
-- insert optionally maxSessions ("" = no cap) and the fingerprint as JSON.
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
  local scanned = false
  if tonumber(expires_at) > now then
    if expected == '0' then
      local max, fingerprint = tonumber(args[6]), args[7]
      -- Without a fingerprint, a hash with fewer than max entries besides id (live or not) has room: no look inside.
      if fingerprint or (max and redis.call('HLEN', key) - (current and 1 or 0) >= max) then
        make_room(key, id, now, max, fingerprint)
        scanned = true
      end
    end
    redis.call('HSET', key, id, value)
    -- A hash that held a session already has an expiry; one that did not may be new and have none.
    if current or redis.call('EXPIREAT', key, expires_at, 'NX') == 0 then
      redis.call('EXPIREAT', key, expires_at, 'GT')
    end
  elseif current then
    -- Written already dead: keeping it would only be garbage.
    redis.call('HDEL', key, id)
  end
  if not scanned and (expected == '0' or tonumber(expected) % EVERY == 0) then prune(key, now) end
  return 0
end

-- KEYS[1]: the sessions hash; ARGV: now. How many values in it are alive.
local function count(keys, args)
  local now = tonumber(args[1])
  local live = 0
  for _, value in ipairs(redis.call('HVALS', keys[1])) do
    local _, expires_at = header(value)
    if expires_at and expires_at > now then live = live + 1 end
  end
  return live
end

-- Whether the hash at key holds a live value; false for a key of another type that matched the pattern.
local function has_live(key, now)
  local values = redis.pcall('HVALS', key)
  if values.err then return false end
  for _, value in ipairs(values) do
    local _, expires_at = header(value)
    if expires_at and expires_at > now then return true end
  end
  return false
end

-- Byte -> value of each base64url digit (a literal: the standard libraries are not available while a library loads).
local BASE64URL = { ${BASE64URL_DIGITS} }

-- The bytes that base64url text (no padding) stands for, or nil for other text.
local function from_base64url(text)
  local bytes, bits, width = {}, 0, 0
  for i = 1, #text do
    local digit = BASE64URL[string.byte(text, i)]
    if not digit then return nil end
    bits, width = bits * 64 + digit, width + 6
    if width >= 8 then
      width = width - 8
      local byte = math.floor(bits / 2 ^ width)
      bytes[#bytes + 1] = string.char(byte)
      bits = bits - byte * 2 ^ width
    end
  end
  return table.concat(bytes)
end

-- Whether key holds sessions of the type: its tag decodes to a JSON array that ends with ,<type as JSON>]. A JSON
-- string never holds an unescaped quote, so this is the last element exactly. (Node checks the whole tag again.)
local function of_type(key, type_suffix)
  local tag = string.match(key, '{([%w_%-]+)}:sessions$')
  local pair = tag and from_base64url(tag)
  return pair ~= nil and #pair > #type_suffix and string.sub(pair, -#type_suffix) == type_suffix
end

-- No KEYS: it SCANs this node. ARGV: SCAN cursor, MATCH pattern, session type as JSON, wanted, now. Scans until it
-- found wanted hashes of the type holding a live session, the scan ended, or its budget is spent; replies
-- {next cursor, keys} (maybe a few more keys than wanted: SCAN steps cannot be split).
local function live_keys(_, args)
  local cursor, pattern, type_suffix, wanted, now = args[1], args[2], ',' .. args[3] .. ']', tonumber(args[4]), tonumber(args[5])
  local budget = math.max(LIST_SCAN_FACTOR * wanted, LIST_MIN_SCAN)
  local found = {}
  repeat
    local step = math.max(wanted - #found, 1)
    local reply = redis.call('SCAN', cursor, 'MATCH', pattern, 'COUNT', step)
    cursor = reply[1]
    for _, key in ipairs(reply[2]) do
      if of_type(key, type_suffix) and has_live(key, now) then found[#found + 1] = key end
    end
    budget = budget - step
  until cursor == '0' or #found >= wanted or budget <= 0
  return { cursor, found }
end

redis.register_function('__PREFIX__upsert', upsert)
redis.register_function{ function_name = '__PREFIX__count', callback = count, flags = { 'no-writes' } }
redis.register_function{
  function_name = '__PREFIX__live_keys', callback = live_keys, flags = { 'no-writes', 'allow-cross-slot-keys' }
}
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

/**
 * Names of the functions, as passed to FCALL.
 *
 * @internal
 */
export const REDIS_FUNCTION_NAMES = {
  upsert: `${PREFIX}upsert`,
  /** Read-only (FCALL_RO): live sessions of one hash, by their headers. */
  count: `${PREFIX}count`,
  /** Read-only (FCALL_RO), keyless: one SCAN step of a node for hashes holding a live session. */
  liveKeys: `${PREFIX}live_keys`,
} as const;

/** The library source for `FUNCTION LOAD REPLACE`. */
export const REDIS_FUNCTIONS_SOURCE = `#!lua name=${REDIS_FUNCTIONS_LIBRARY}\n${BODY.replaceAll('__PREFIX__', PREFIX)}`;
