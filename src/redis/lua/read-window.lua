--[[
read-window: one page of a time-scored zset (a stream or a feed), newest first, strictly after an
exact (time, member) keyset position. (Pages from the newest or below a time are plain
ZREVRANGEBYSCORE reads: src/feeds/feeds.repository.ts.)

KEYS[1]  the zset (scores: event time ms; members: `<id>` or `<id>:<actor>`, ids fixed length)
ARGV[1]  the position's time (ms)
ARGV[2]  the position's id (members `<id>:<actor>` of that id count as that position)
ARGV[3]  lowest time (ms) to return (inclusive), or '-inf'
ARGV[4]  limit (> 0)

Returns { member1, time1, member2, time2, ... }. Within one time, members are in byte order,
reversed; a position whose member was removed since is still found by binary search.
]]

local z = KEYS[1]
local t, m = ARGV[1], ARGV[2]
local low, limit = ARGV[3], tonumber(ARGV[4])

local function bytesLess(a, b)
  local la, lb = #a, #b
  for i = 1, math.min(la, lb) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return la < lb
end

-- The newer blocks, then the first index in the block of time t whose member sorts below m.
local base = redis.call('ZCOUNT', z, '(' .. t, '+inf')
local lo, hi = 0, redis.call('ZCOUNT', z, t, t)
while lo < hi do
  local mid = math.floor((lo + hi) / 2)
  local candidate = redis.call('ZREVRANGE', z, base + mid, base + mid)[1]
  if bytesLess(candidate, m) then hi = mid else lo = mid + 1 end
end
local start = base + lo

local rows = redis.call('ZREVRANGE', z, start, start + limit - 1, 'WITHSCORES')
local out = {}
local floor = low == '-inf' and nil or tonumber(low)
for i = 1, #rows, 2 do
  if floor and tonumber(rows[i + 1]) < floor then break end
  out[#out + 1] = rows[i]
  out[#out + 1] = rows[i + 1]
end
return out
