--[[
create-activity: stores an activity once, in its author's slot, deduplicated by foreignId.

KEYS[1]  the author's activities hash (id → JSON, `f:<foreignId>` → id)
KEYS[2]  the author's stream zset (id, scored by event time ms)
KEYS[3]  the author's own home feed zset (`<id>:<actor>`, scored by event time ms)
ARGV[1]  activity id (fixed length, time-sortable)
ARGV[2]  activity JSON (with `foreignId` when given, so trimming can drop the mapping)
ARGV[3]  event time (ms)
ARGV[4]  foreignId, or '' for none
ARGV[5]  now (ms)
ARGV[6]  retention (ms): activities older than now - retention are trimmed, keys expire after it
ARGV[7]  most ids the stream keeps
ARGV[8]  most entries a home feed keeps
ARGV[9]  the feed member `<id>:<actor>`

Returns { 'CREATED', json } or { 'EXISTS', json of the activity first stored for the foreignId }.
Trimming removes at most 100 old activities per call (the keys' TTL bounds the rest).
]]

local acts, stream, feed = KEYS[1], KEYS[2], KEYS[3]
local id, json, time, fid = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local now, ttl = tonumber(ARGV[5]), tonumber(ARGV[6])
local streamMax, feedMax, member = tonumber(ARGV[7]), tonumber(ARGV[8]), ARGV[9]

if fid ~= '' then
  local existingId = redis.call('HGET', acts, 'f:' .. fid)
  if existingId then
    local existing = redis.call('HGET', acts, existingId)
    if existing then return { 'EXISTS', existing } end
  end
end

local function forget(ids)
  for _, old in ipairs(ids) do
    local body = redis.call('HGET', acts, old)
    if body then
      local ok, decoded = pcall(cjson.decode, body)
      if ok and type(decoded) == 'table' and type(decoded.foreignId) == 'string' then
        redis.call('HDEL', acts, 'f:' .. decoded.foreignId)
      end
      redis.call('HDEL', acts, old)
    end
    redis.call('ZREM', stream, old)
  end
end

local cutoff = now - ttl
forget(redis.call('ZRANGEBYSCORE', stream, '-inf', '(' .. cutoff, 'LIMIT', 0, 100))

redis.call('HSET', acts, id, json)
if fid ~= '' then redis.call('HSET', acts, 'f:' .. fid, id) end
redis.call('ZADD', stream, time, id)
local over = redis.call('ZCARD', stream) - streamMax
if over > 0 then forget(redis.call('ZRANGE', stream, 0, math.min(over, 100) - 1)) end

redis.call('ZADD', feed, time, member)
redis.call('ZREMRANGEBYSCORE', feed, '-inf', '(' .. cutoff)
redis.call('ZREMRANGEBYRANK', feed, 0, -(feedMax + 1))

for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, ttl) end
return { 'CREATED', json }
