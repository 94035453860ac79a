--[[
store-view: store a live view's new state, append its update to the replay log and publish it,
atomically, if nobody else stored a state since the caller read it (compare-and-set on epoch+seq).

KEYS[1]  view state hash
KEYS[2]  view update log (list, oldest first)
KEYS[3]  view lock
ARGV[1]  expected epoch ('' when there was no state)
ARGV[2]  expected seq ('' when there was no state)
ARGV[3]  new epoch
ARGV[4]  cycle id
ARGV[5]  new seq
ARGV[6]  board version the entries were read at (or after)
ARGV[7]  entries JSON
ARGV[8]  update JSON to log and publish; '' when nothing changed (only the version is recorded)
ARGV[9]  log cap (entries kept)
ARGV[10] state TTL (ms)
ARGV[11] channel to publish on
ARGV[12] lock owner token
ARGV[13] when the caller claimed the view (server ms, from claim-view)
ARGV[14] cool-down (ms from the claim) during which no instance may claim the view again

Returns 'OK', or 'STALE' when the state moved on meanwhile (nothing written). Either way, when the
caller still owns the lock it becomes its cool-down, 'cooling:<owner>', for the rest of ARGV[14]
(deleted when that has passed already); see claim-view.
]]

local stateKey, logKey, lockKey = KEYS[1], KEYS[2], KEYS[3]
local cur = redis.call('HMGET', stateKey, 'epoch', 'seq')
local result = 'STALE'
if (cur[1] or '') == ARGV[1] and (cur[2] or '') == ARGV[2] then
  redis.call('HSET', stateKey, 'epoch', ARGV[3], 'cycle', ARGV[4], 'seq', ARGV[5], 'ver', ARGV[6],
    'entries', ARGV[7])
  if ARGV[8] ~= '' then
    if ARGV[3] ~= ARGV[1] then redis.call('DEL', logKey) end
    redis.call('RPUSH', logKey, ARGV[8])
    redis.call('LTRIM', logKey, -tonumber(ARGV[9]), -1)
    redis.call('PUBLISH', ARGV[11], ARGV[8])
  end
  redis.call('PEXPIRE', stateKey, ARGV[10])
  if redis.call('EXISTS', logKey) == 1 then redis.call('PEXPIRE', logKey, ARGV[10]) end
  result = 'OK'
end
if redis.call('GET', lockKey) == ARGV[12] then
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  local left = tonumber(ARGV[13]) + tonumber(ARGV[14]) - now
  if left > 0 then
    redis.call('SET', lockKey, 'cooling:' .. ARGV[12], 'PX', left)
  else
    redis.call('DEL', lockKey)
  end
end
return result
