--[[
submit-score: apply K score submissions to one board, in order, all or nothing, each exactly
once (K = 1 for a single submission, up to 1000 for a batch).

KEYS[1]         board config hash (order, update, ties, capacity, integer, seq, ver)
KEYS[2+3(j-1)]  cycle j (1..c): scores zset
KEYS[3+3(j-1)]  cycle j: entries hash (m:<player> tie-break member, d:<player> metadata)
KEYS[4+3(j-1)]  cycle j: its period's cycle index zset (cycle id -> start ms)
KEYS[2+3c..]    idempotency records (strings), referenced by the submissions

ARGV[1]  mode: 'submit' (board policy) or 'set' (import: replace the score)
ARGV[2]  how many cycle ids each index keeps
ARGV[3]  c, the number of distinct cycles
then per cycle j, 4 values: period, cycle id, cycle start ms, TTL ms (0 = none)
then K, and per submission: player id, score (a decimal string that round-trips to the client's
double), metadata JSON or '', request fingerprint, KEYS index of its idempotency record (0 = none),
record TTL ms, t, then t cycle numbers (the periods it updates, in response order)

Returns an array of K strings, in order: 'A' .. json when applied, 'R' .. json when replayed (a
record stored earlier, or an earlier submission of this call with the same key and fingerprint).
Or, when submission i (1-based) is refused, the string 'E' .. code .. ':' .. i with code
BOARD_NOT_FOUND, IDEMPOTENCY_KEY_REUSED or VALIDATION_FAILED (a sum beyond ±2^53 on an integer
board): then nothing was written. Phase 1 decides every submission before the first write (a Lua
error does not roll back); phase 2 writes.
json = {"periods":[{"period","cycle","score","rank","previousScore","previousRank","improved","changed"}]}
with scores as Redis' exact decimal strings.
]]

local cfgKey, mode, keepCycles = KEYS[1], ARGV[1], tonumber(ARGV[2])
local cycles, subs = {}, {}
local c = tonumber(ARGV[3])
for j = 1, c do
  local a, k = 4 + 4 * (j - 1), 2 + 3 * (j - 1)
  cycles[j] = { z = KEYS[k], e = KEYS[k + 1], idx = KEYS[k + 2], period = ARGV[a],
    cycle = ARGV[a + 1], startMs = ARGV[a + 2], ttl = tonumber(ARGV[a + 3]) }
end
local at = 5 + 4 * c
for i = 1, tonumber(ARGV[at - 1]) do
  local s = { player = ARGV[at], scoreArg = ARGV[at + 1], score = tonumber(ARGV[at + 1]),
    metadata = ARGV[at + 2], fp = ARGV[at + 3], idem = KEYS[tonumber(ARGV[at + 4])],
    idemTtl = ARGV[at + 5], targets = {} }
  for x = 1, tonumber(ARGV[at + 6]) do s.targets[x] = cycles[tonumber(ARGV[at + 6 + x])] end
  subs[i] = s
  at = at + 7 + #s.targets
end

local cfg = redis.call('HMGET', cfgKey, 'order', 'update', 'ties', 'capacity', 'integer', 'seq')
local desc, policy, firstTies = cfg[1] == 'desc', cfg[2], cfg[3] == 'first'
local capacity, integer = tonumber(cfg[4]) or 0, cfg[5] == '1'
if mode == 'set' then policy = 'latest' end

local function better(a, b) if desc then return a > b end return a < b end

-- Whether a submission changes a cycle, given the previous score (nil when not on it).
local function changes(old, score)
  if policy == 'sum' then return score ~= 0 or not old end
  if policy == 'latest' then return not old or old ~= score end
  return not old or better(score, old)
end

-- Doubles round 2^53 + 1 down to 2^53: a sum that does not subtract back exactly overflowed.
local function overflows(old, score)
  local total = (old or 0) + score
  return math.abs(total) > 9007199254740992 or total - (old or 0) ~= score
end

local function stamped(seq, player)
  local tb = desc and (999999999999999 - seq) or seq
  return string.format('%015d', tb) .. ':' .. player
end

-- Phase 1 model (integer sum boards only: nothing else can fail after the idempotency checks).
-- Per touched cycle: scores of the members this call read or wrote (false = absent), players'
-- tie-break members, and, under a capacity, the cycle's size and the members it would trim.
local sumCheck = integer and policy == 'sum'
-- Built only for integer sum boards: defining its dozen helpers on every call cost ~4 µs of
-- Redis time per submission everywhere else.
local function sumModel()
  local model, modelSeq = {}, tonumber(cfg[6]) or 0

  -- Redis orders equal scores by member bytes (memcmp); Lua's '<' follows the server's locale.
  local function bytesBefore(a, b)
    for k = 1, math.min(#a, #b) do
      local x, y = string.byte(a, k), string.byte(b, k)
      if x ~= y then return x < y end
    end
    return #a < #b
  end

  -- Whether entry a ({score, member}) is trimmed before entry b.
  local function worse(a, b)
    if a[1] ~= b[1] then return better(b[1], a[1]) end
    if desc then return bytesBefore(a[2], b[2]) end
    return bytesBefore(b[2], a[2])
  end

  local function heapPush(h, item)
    local i = #h + 1
    h[i] = item
    while i > 1 and worse(h[i], h[math.floor(i / 2)]) do
      local p = math.floor(i / 2)
      h[i], h[p], i = h[p], h[i], p
    end
  end

  local function heapPop(h)
    local n = #h
    h[1], h[n], n = h[n], nil, n - 1
    local i = 1
    while true do
      local w, l = i, 2 * i
      if l <= n and worse(h[l], h[w]) then w = l end
      if l + 1 <= n and worse(h[l + 1], h[w]) then w = l + 1 end
      if w == i then return end
      h[i], h[w], i = h[w], h[i], w
    end
  end

  local function modelOf(cy)
    local m = model[cy]
    if not m then
      m = { score = {}, member = {}, heap = {}, cut = 0 }
      if capacity > 0 then m.card = redis.call('ZCARD', cy.z) end
      model[cy] = m
    end
    return m
  end

  local function setScore(m, member, score)
    m.score[member] = score
    if score and capacity > 0 then heapPush(m.heap, { score, member }) end
  end

  local function scoreIn(m, cy, member)
    if m.score[member] == nil then setScore(m, member, tonumber(redis.call('ZSCORE', cy.z, member)) or false) end
    return m.score[member] or nil
  end

  local function memberIn(m, cy, player)
    if not firstTies then return player end
    if m.member[player] == nil then m.member[player] = redis.call('HGET', cy.e, 'm:' .. player) end
    return m.member[player] or nil
  end

  -- The member the next trim removes: the worse of the worst member this call has not touched
  -- (walking the zset from its worst end; it is unchanged during phase 1) and the worst touched one.
  local function takeWorst(m, cy)
    local untouched
    while not untouched do
      local r = desc and redis.call('ZRANGE', cy.z, m.cut, m.cut, 'WITHSCORES')
        or redis.call('ZREVRANGE', cy.z, m.cut, m.cut, 'WITHSCORES')
      if not r[1] then break end
      if m.score[r[1]] == nil then untouched = { tonumber(r[2]), r[1] } else m.cut = m.cut + 1 end
    end
    local h = m.heap
    while h[1] and m.score[h[1][2]] ~= h[1][1] do heapPop(h) end
    if untouched and (not h[1] or worse(untouched, h[1])) then
      m.cut = m.cut + 1
      return untouched[2]
    end
    local top = h[1][2]
    heapPop(h)
    return top
  end

  -- Replays one submission's sums on the model, as phase 2 will write them; true on an overflow.
  local function sumOverflows(s)
    local seq
    for _, cy in ipairs(s.targets) do
      local m = modelOf(cy)
      local member = memberIn(m, cy, s.player)
      local old = member and scoreIn(m, cy, member)
      if overflows(old, s.score) then return true end
      if changes(old, s.score) then
        if not old then m.card = m.card and m.card + 1 end
        if firstTies then
          if not seq then modelSeq = modelSeq + 1; seq = modelSeq end
          if old then m.score[member] = false end
          member = stamped(seq, s.player)
          m.member[s.player] = member
        end
        setScore(m, member, (old or 0) + s.score)
      end
      while capacity > 0 and m.card > capacity do
        local gone = takeWorst(m, cy)
        m.score[gone] = false
        if firstTies then m.member[string.sub(gone, 17)] = false end
        m.card = m.card - 1
      end
    end
    return false
  end
  return sumOverflows
end

-- Phase 1: idempotency records, the board's existence and overflows, for every submission.
local sumOverflows = sumCheck and sumModel()
local claimed = {}
for i, s in ipairs(subs) do
  if s.idem then
    local j = claimed[s.idem]
    if j then
      if subs[j].fp ~= s.fp then return 'EIDEMPOTENCY_KEY_REUSED:' .. i end
      s.replayOf = j
    else
      local record = redis.call('GET', s.idem)
      if record then
        local sep = string.find(record, '\n', 1, true)
        if string.sub(record, 1, sep - 1) ~= s.fp then return 'EIDEMPOTENCY_KEY_REUSED:' .. i end
        s.stored = string.sub(record, sep + 1)
      end
      claimed[s.idem] = i
    end
  end
  if not (s.replayOf or s.stored) then
    if not cfg[1] then return 'EBOARD_NOT_FOUND:' .. i end
    if sumOverflows and sumOverflows(s) then return 'EVALIDATION_FAILED:' .. i end
  end
end

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

-- Writes one cycle's new score; returns the member now holding it and the score.
local function write(cy, s, member, old, seq)
  local z = cy.z
  if not firstTies then
    if policy == 'sum' then return s.player, redis.call('ZINCRBY', z, s.scoreArg, s.player) end
    redis.call('ZADD', z, s.scoreArg, s.player)
    return s.player, s.scoreArg
  end
  -- Equal scores order by member; a zero-padded arrival sequence first in the member makes
  -- the earlier arrival rank higher, exactly (no score/time packing into one double).
  local newMember = stamped(seq, s.player)
  if member then redis.call('ZREM', z, member) end
  local newScore = s.scoreArg
  if policy == 'sum' then
    -- Redis adds exactly; Lua's tostring would round to 14 digits.
    redis.call('ZADD', z, old or '0', newMember)
    newScore = redis.call('ZINCRBY', z, s.scoreArg, newMember)
  else
    redis.call('ZADD', z, s.scoreArg, newMember)
  end
  redis.call('HSET', cy.e, 'm:' .. s.player, newMember)
  return newMember, newScore
end

-- Keep the best `capacity` entries: drop the worst overflow, however many entries overflow.
-- Returns the member, or nil when it was trimmed.
local function trim(cy, member)
  local over = redis.call('ZCARD', cy.z) - capacity
  if over <= 0 then return member end
  local worst = desc and redis.call('ZRANGE', cy.z, 0, over - 1)
    or redis.call('ZREVRANGE', cy.z, 0, over - 1)
  -- By rank, not ZREM with unpack: a lowered capacity may trim more than Lua can unpack (~8000).
  if desc then redis.call('ZREMRANGEBYRANK', cy.z, 0, over - 1)
  else redis.call('ZREMRANGEBYRANK', cy.z, -over, -1) end
  for _, m in ipairs(worst) do
    local pid = firstTies and string.sub(m, 17) or m
    redis.call('HDEL', cy.e, 'm:' .. pid, 'd:' .. pid)
    if m == member then member = nil end
  end
  return member
end

-- Phase 2: write one submission to each of its cycles; returns its outcome json.
local touched = {}
local function apply(s)
  local seq
  local result = {}
  for x, cy in ipairs(s.targets) do
    local member = s.player
    if firstTies then member = redis.call('HGET', cy.e, 'm:' .. s.player) end
    local old = member and redis.call('ZSCORE', cy.z, member) or nil
    if not old and firstTies then member = nil end
    local oldNum = old and tonumber(old)
    local oldRank = rankOf(cy.z, member, old)
    local change = changes(oldNum, s.score)
    local newScore = old
    if change then
      if firstTies and not seq then seq = redis.call('HINCRBY', cfgKey, 'seq', 1) end
      member, newScore = write(cy, s, member, old, seq)
    end
    if s.metadata ~= '' and (change or policy ~= 'best') and member then
      redis.call('HSET', cy.e, 'd:' .. s.player, s.metadata)
    end
    touched[cy] = true
    if capacity > 0 then member = trim(cy, member) end
    -- A score trimmed away by capacity improved nothing.
    local improved = change and member and (not old or better(tonumber(newScore), oldNum))
    result[x] = { period = cy.period, cycle = cy.cycle, score = member and newScore or nil,
      rank = rankOf(cy.z, member, member and newScore or nil), previousScore = old,
      previousRank = oldRank, improved = improved and true or false, changed = change }
  end
  for _, r in ipairs(result) do
    if r.changed then
      redis.call('HINCRBY', cfgKey, 'ver', 1)
      redis.call('HSET', cfgKey, 'hasScores', '1')
      break
    end
  end
  return cjson.encode({ periods = result })
end

local replies = {}
for i, s in ipairs(subs) do
  if s.stored then
    replies[i] = 'R' .. s.stored
  elseif s.replayOf then
    replies[i] = 'R' .. string.sub(replies[s.replayOf], 2)
  else
    local json = apply(s)
    if s.idem then redis.call('SET', s.idem, s.fp .. '\n' .. json, 'PX', s.idemTtl) end
    replies[i] = 'A' .. json
  end
end

-- Index and TTLs once per cycle an applied submission reached (what each would have set).
for _, cy in ipairs(cycles) do
  if touched[cy] then
    if cy.cycle ~= 'all' then
      redis.call('ZADD', cy.idx, cy.startMs, cy.cycle)
      if keepCycles >= 0 then redis.call('ZREMRANGEBYRANK', cy.idx, 0, -(keepCycles + 2)) end
    end
    if cy.ttl > 0 then
      redis.call('PEXPIRE', cy.z, cy.ttl)
      redis.call('PEXPIRE', cy.e, cy.ttl)
      -- The index lists every retained cycle: a late write to an older cycle must not shorten it.
      if redis.call('PTTL', cy.idx) < cy.ttl then redis.call('PEXPIRE', cy.idx, cy.ttl) end
    end
  end
end
return replies
