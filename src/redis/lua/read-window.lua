--[[
read-window: one page of a time-scored zset (a stream or a feed), newest first, with an exact
(time, member) keyset position.

KEYS[1]  the zset (scores: event time ms; members: `<id>` or `<id>:<actor>`, ids fixed length)
ARGV[1]  mode: 'top' (from the newest), 'until' (times strictly below ARGV[2]) or 'after'
         (strictly after the position (ARGV[2], ARGV[3]) in newest-first order)
ARGV[2]  until: time (ms) | after: the position's time (ms)
ARGV[3]  after: the position's id (members `<id>:<actor>` of that id count as that position)
ARGV[4]  lowest time (ms) to return (inclusive), or '-inf'
ARGV[5]  limit

Returns { member1, time1, member2, time2, ... }. Within one time, members are in byte order,
reversed; a position whose member was removed since is still found by binary search.
]]

local z, mode = KEYS[1], ARGV[1]
local low, limit = ARGV[4], tonumber(ARGV[5])

local function bytesLess(a, b)
  local la, lb = #a, #b
  for i = 1, math.min(la, lb) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return la < lb
end

local start = 0
if mode == 'until' then
  start = redis.call('ZCOUNT', z, ARGV[2], '+inf')
elseif mode == 'after' then
  local t, m = ARGV[2], ARGV[3]
  local base = redis.call('ZCOUNT', z, '(' .. t, '+inf')
  local lo, hi = 0, redis.call('ZCOUNT', z, t, t)
  -- First index in the block of time t whose member sorts strictly below m.
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    local candidate = redis.call('ZREVRANGE', z, base + mid, base + mid)[1]
    if bytesLess(candidate, m) then hi = mid else lo = mid + 1 end
  end
  start = base + lo
end

if limit <= 0 then return {} end
local rows = redis.call('ZREVRANGE', z, start, start + limit - 1, 'WITHSCORES')
local out = {}
local floor = low == '-inf' and nil or tonumber(low)
for i = 1, #rows, 2 do
  if floor and tonumber(rows[i + 1]) < floor then break end
  out[#out + 1] = rows[i]
  out[#out + 1] = rows[i + 1]
end
return out
