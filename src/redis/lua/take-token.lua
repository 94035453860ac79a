--[[
take-token: take tokens from a token bucket, on Redis' clock (TIME), so every instance agrees.

KEYS[1]  the bucket (hash: t = tokens left, ts = when that was counted, ms)
ARGV[1]  capacity (burst), tokens
ARGV[2]  refill rate, tokens per second (> 0)
ARGV[3]  cost of this request, tokens (<= capacity)

Returns { allowed (1 or 0), tokens left (rounded down), ms until a request of this cost would be
allowed (0 when it would be now), ms until the bucket is full again }. A refused request takes
nothing. The hash expires when the bucket would be full: an idle bucket is the same as no bucket.
Error replies: none (arguments come from validated configuration).
]]

local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local capacity, rate, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])

local state = redis.call('HMGET', KEYS[1], 't', 'ts')
local tokens, last = tonumber(state[1]), tonumber(state[2])
if tokens == nil or last == nil then tokens, last = capacity, now end
tokens = math.min(capacity, tokens + math.max(0, now - last) * rate / 1000)

local allowed = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
end
local untilNext = 0
if tokens < cost then untilNext = math.ceil((cost - tokens) * 1000 / rate) end
local untilFull = math.ceil((capacity - tokens) * 1000 / rate)

redis.call('HSET', KEYS[1], 't', string.format('%.17g', tokens), 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.max(untilFull, 1))
return { allowed, math.floor(tokens), untilNext, untilFull }
