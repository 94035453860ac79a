--[[
submit-score: apply one score submission to every period of a board, exactly once.

KEYS[1]        board config hash (order, update, ties, capacity, integer, seq, ver)
KEYS[2]        idempotency record (string); any key of the board's slot when ARGV[1] = '0'
KEYS[3+3(i-1)] period i: scores zset
KEYS[4+3(i-1)] period i: entries hash (m:<player> tie-break member, d:<player> metadata)
KEYS[5+3(i-1)] period i: cycle index zset (cycle id -> start ms)

ARGV[1]  '1' when an idempotency key is given, else '0'
ARGV[2]  request fingerprint (compared on replay)
ARGV[3]  idempotency record TTL (ms)
ARGV[4]  player id
ARGV[5]  score (a decimal string that round-trips to the client's double)
ARGV[6]  metadata JSON, or '' for none
ARGV[7]  mode: 'submit' (board policy) or 'set' (import: replace the score)
ARGV[8]  number of periods n
then per period i, 4 values from ARGV[9+4(i-1)]: period, cycle id, cycle start ms, TTL ms (0 = none),
and last, ARGV[9+4n]: how many cycle ids each index keeps

Returns a string: 'A' .. json when applied, 'R' .. json when replayed,
'E' .. code for a domain error (BOARD_NOT_FOUND, IDEMPOTENCY_KEY_REUSED, VALIDATION_FAILED).
Every check happens before the first write: a Lua error does not roll back.
json = {"periods":[{"period","cycle","score","rank","previousScore","previousRank","improved","changed"}]}
with scores as Redis' exact decimal strings.
]]

local cfgKey, idemKey = KEYS[1], KEYS[2]
if ARGV[1] == '1' then
  local record = redis.call('GET', idemKey)
  if record then
    local sep = string.find(record, '\n', 1, true)
    if string.sub(record, 1, sep - 1) ~= ARGV[2] then return 'EIDEMPOTENCY_KEY_REUSED' end
    return 'R' .. string.sub(record, sep + 1)
  end
end

local cfg = redis.call('HMGET', cfgKey, 'order', 'update', 'ties', 'capacity', 'integer')
if not cfg[1] then return 'EBOARD_NOT_FOUND' end
local desc, policy, firstTies = cfg[1] == 'desc', cfg[2], cfg[3] == 'first'
local capacity, integer = tonumber(cfg[4]) or 0, cfg[5] == '1'
local playerId, scoreArg, metadata, mode = ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local score = tonumber(scoreArg)
if mode == 'set' then policy = 'latest' end
local n = tonumber(ARGV[8])
local keepCycles = tonumber(ARGV[9 + 4 * n])

local function better(a, b) if desc then return a > b end return a < b end

local function rankOf(z, member, s)
  if not member or not s then return nil end
  if firstTies then
    local r = desc and redis.call('ZREVRANK', z, member) or redis.call('ZRANK', z, member)
    return r and r + 1 or nil
  end
  local ahead = desc and redis.call('ZCOUNT', z, '(' .. s, '+inf')
    or redis.call('ZCOUNT', z, '-inf', '(' .. s)
  return ahead + 1
end

-- Phase 1: read and decide, no writes.
local plans = {}
for i = 1, n do
  local z, e = KEYS[3 + 3 * (i - 1)], KEYS[4 + 3 * (i - 1)]
  local member = playerId
  if firstTies then member = redis.call('HGET', e, 'm:' .. playerId) end
  local old = member and redis.call('ZSCORE', z, member) or nil
  if not old and firstTies then member = nil end
  local oldNum = old and tonumber(old)
  local change
  if policy == 'sum' then
    change = score ~= 0 or not old
    -- Doubles round 2^53 + 1 down to 2^53: a sum that does not subtract back exactly overflowed.
    local total = (oldNum or 0) + score
    if integer and (math.abs(total) > 9007199254740992 or total - (oldNum or 0) ~= score) then
      return 'EVALIDATION_FAILED'
    end
  elseif policy == 'latest' then
    change = not old or oldNum ~= score
  else
    change = not old or better(score, oldNum)
  end
  plans[i] = { z = z, e = e, idx = KEYS[5 + 3 * (i - 1)], member = member, old = old,
    oldNum = oldNum, oldRank = rankOf(z, member, old), change = change }
end

-- Phase 2: write.
local seq
local anyChange = false
local result = {}
for i = 1, n do
  local p = plans[i]
  local base = 9 + 4 * (i - 1)
  local period, cycle, startMs, ttl = ARGV[base], ARGV[base + 1], ARGV[base + 2], tonumber(ARGV[base + 3])
  local member, newScore = p.member, p.old
  if p.change then
    anyChange = true
    if firstTies then
      -- Equal scores order by member; a zero-padded arrival sequence first in the member makes
      -- the earlier arrival rank higher, exactly (no score/time packing into one double).
      if not seq then seq = redis.call('HINCRBY', cfgKey, 'seq', 1) end
      local tb = desc and (999999999999999 - seq) or seq
      local newMember = string.format('%015d', tb) .. ':' .. playerId
      if p.member then redis.call('ZREM', p.z, p.member) end
      if policy == 'sum' then
        -- Redis adds exactly; Lua's tostring would round to 14 digits.
        redis.call('ZADD', p.z, p.old or '0', newMember)
        newScore = redis.call('ZINCRBY', p.z, scoreArg, newMember)
      else
        redis.call('ZADD', p.z, scoreArg, newMember)
        newScore = scoreArg
      end
      redis.call('HSET', p.e, 'm:' .. playerId, newMember)
      member = newMember
    else
      if policy == 'sum' then
        newScore = redis.call('ZINCRBY', p.z, scoreArg, playerId)
      else
        redis.call('ZADD', p.z, scoreArg, playerId)
        newScore = scoreArg
      end
      member = playerId
    end
  end
  if metadata ~= '' and (p.change or policy ~= 'best') and member then
    redis.call('HSET', p.e, 'd:' .. playerId, metadata)
  end
  if cycle ~= 'all' then
    redis.call('ZADD', p.idx, startMs, cycle)
    if keepCycles >= 0 then redis.call('ZREMRANGEBYRANK', p.idx, 0, -(keepCycles + 2)) end
  end
  if ttl > 0 then
    redis.call('PEXPIRE', p.z, ttl)
    redis.call('PEXPIRE', p.e, ttl)
    -- The index lists every retained cycle: a late write to an older cycle must not shorten it.
    if redis.call('PTTL', p.idx) < ttl then redis.call('PEXPIRE', p.idx, ttl) end
  end
  -- Keep the best `capacity` entries: drop the worst overflow, however many entries overflow.
  if capacity > 0 then
    local over = redis.call('ZCARD', p.z) - capacity
    if over > 0 then
      local worst = desc and redis.call('ZRANGE', p.z, 0, over - 1)
        or redis.call('ZREVRANGE', p.z, 0, over - 1)
      redis.call('ZREM', p.z, unpack(worst))
      for _, m in ipairs(worst) do
        local pid = firstTies and string.sub(m, 17) or m
        redis.call('HDEL', p.e, 'm:' .. pid, 'd:' .. pid)
        if m == member then member = nil end
      end
    end
  end
  local newRank = rankOf(p.z, member, member and newScore or nil)
  -- A score trimmed away by capacity improved nothing.
  local improved = p.change and member and (not p.old or better(tonumber(newScore), p.oldNum))
  result[i] = { period = period, cycle = cycle, score = member and newScore or nil,
    rank = newRank, previousScore = p.old, previousRank = p.oldRank,
    improved = improved and true or false, changed = p.change and true or false }
end

if anyChange then
  redis.call('HINCRBY', cfgKey, 'ver', 1)
  redis.call('HSET', cfgKey, 'hasScores', '1')
end
local json = cjson.encode({ periods = result })
if ARGV[1] == '1' then
  redis.call('SET', idemKey, ARGV[2] .. '\n' .. json, 'PX', ARGV[3])
end
return 'A' .. json
