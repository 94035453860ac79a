--[[
slide-window: one hit on an exact sliding window (a sorted set of hit times), on Redis' clock.

KEYS[1]  the window (zset: member = a unique hit id, score = hit time in ms)
ARGV[1]  most hits allowed within any window
ARGV[2]  window length, ms
ARGV[3]  unique id of this hit (made by the caller, so concurrent hits never collide)

A hit at time h counts while h > now - window. Returns { allowed (1 or 0), hits left in the
window (after this one), ms until a hit would be allowed (0 when it would be now), ms until the
window is empty }. A refused hit is not recorded. The key expires with its newest hit.
Error replies: none (arguments come from validated configuration).
]]

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local max, window = tonumber(ARGV[1]), tonumber(ARGV[2])

redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.3f', now - window))
local count = redis.call('ZCARD', KEYS[1])
local allowed = 0
if count < max then
  redis.call('ZADD', KEYS[1], string.format('%.3f', now), ARGV[3])
  count = count + 1
  allowed = 1
end

local untilNext, untilEmpty = 0, 0
if count >= max then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  untilNext = math.max(1, math.ceil(tonumber(oldest[2]) + window - now))
end
if count > 0 then
  local newest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  untilEmpty = math.max(1, math.ceil(tonumber(newest[2]) + window - now))
  redis.call('PEXPIRE', KEYS[1], untilEmpty)
end
return { allowed, max - count, untilNext, untilEmpty }
