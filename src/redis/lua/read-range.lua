--[[
read-range: one page of a board cycle in rank order, with exact ranks.

KEYS[1]  scores zset of the cycle
KEYS[2]  entries hash of the cycle (tie-break members, metadata)
KEYS[3]  board config hash (existence and content version)
ARGV[1]  order: 'desc' | 'asc'
ARGV[2]  ties: 'shared' | 'first'
ARGV[3]  limit (entries to return)
ARGV[4]  mode: 'top' | 'after' | 'around'
ARGV[5]  after: cursor score (exact decimal string) | around: player id
ARGV[6]  after: cursor member | around: radius
ARGV[7]  '1' to return metadata

Returns { total, start, version, member1, score1, rank1, meta1, member2, ... } where start is the
0-based position of the first entry, version the board's content version (for ETags) and meta ''
when absent; or the string 'NOT_RANKED' (around mode) or 'BOARD_NOT_FOUND'.
A cursor (score, member) resumes strictly after that position even if the member has since moved
or left: its position is found by score, then by member order inside the block of equal scores.
]]

local z, e = KEYS[1], KEYS[2]
local version = redis.call('HGET', KEYS[3], 'ver')
if not version and redis.call('EXISTS', KEYS[3]) == 0 then return 'BOARD_NOT_FOUND' end
local desc, firstTies = ARGV[1] == 'desc', ARGV[2] == 'first'
local limit, mode = tonumber(ARGV[3]), ARGV[4]
local total = redis.call('ZCARD', z)

local function range(a, b)
  if desc then return redis.call('ZREVRANGE', z, a, b, 'WITHSCORES') end
  return redis.call('ZRANGE', z, a, b, 'WITHSCORES')
end

local function indexOf(member)
  if desc then return redis.call('ZREVRANK', z, member) end
  return redis.call('ZRANK', z, member)
end

-- Entries strictly ahead of score s.
local function ahead(s)
  if desc then return redis.call('ZCOUNT', z, '(' .. s, '+inf') end
  return redis.call('ZCOUNT', z, '-inf', '(' .. s)
end

-- Byte-wise comparison as Redis orders members (Lua's < uses the locale's collation).
local function bytesLess(a, b)
  local la, lb = #a, #b
  for i = 1, math.min(la, lb) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return la < lb
end

-- Position just after (s, m) in rank order.
local function positionAfter(s, m)
  local current = redis.call('ZSCORE', z, m)
  if current and tonumber(current) == tonumber(s) then return indexOf(m) + 1 end
  local lo, block = 0, redis.call('ZCOUNT', z, s, s)
  local hi, base = block, ahead(s)
  -- Inside a block of equal scores members are in byte order, reversed for desc boards.
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    local candidate = range(base + mid, base + mid)[1]
    local before = desc and bytesLess(m, candidate) or (not desc and bytesLess(candidate, m))
    if before then lo = mid + 1 else hi = mid end
  end
  return base + lo
end

local start = 0
if mode == 'after' then
  start = positionAfter(ARGV[5], ARGV[6])
elseif mode == 'around' then
  local member = ARGV[5]
  if firstTies then member = redis.call('HGET', e, 'm:' .. ARGV[5]) end
  local idx = member and indexOf(member)
  if not idx then return 'NOT_RANKED' end
  local radius = tonumber(ARGV[6])
  limit = 2 * radius + 1
  start = math.max(0, idx - radius)
  if start + limit > total then start = math.max(0, total - limit) end
end

local out = { total, start, version or '0' }
if limit <= 0 or start >= total then return out end
local rows = range(start, start + limit - 1)
local rank, prevScore
for i = 1, #rows, 2 do
  local member, score = rows[i], rows[i + 1]
  local position = start + (i - 1) / 2
  if firstTies then
    rank = position + 1
  elseif prevScore == nil then
    rank = ahead(score) + 1
  elseif tonumber(score) ~= tonumber(prevScore) then
    rank = position + 1
  end
  prevScore = score
  local meta = ''
  if ARGV[7] == '1' then
    local pid = firstTies and string.sub(member, 17) or member
    meta = redis.call('HGET', e, 'd:' .. pid) or ''
  end
  out[#out + 1] = member
  out[#out + 1] = score
  out[#out + 1] = rank
  out[#out + 1] = meta
end
return out
