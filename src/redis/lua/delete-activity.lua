--[[
delete-activity: removes an activity from its author's slot and leaves a tombstone.

KEYS[1]  the author's activities hash
KEYS[2]  the author's stream zset
KEYS[3]  the author's own home feed zset
KEYS[4]  the author's tombstones zset (id, scored by deletion time ms)
ARGV[1]  activity id
ARGV[2]  the feed member `<id>:<actor>`
ARGV[3]  now (ms)
ARGV[4]  retention (ms): tombstones older than that are trimmed, the key expires after it

Returns the deleted activity's JSON, 'GONE' when it was deleted before (tombstone), or
'NOT_FOUND'. Other players' feeds are cleaned by the fan-out worker (they live in other slots).
]]

local acts, stream, feed, tomb = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local id, member = ARGV[1], ARGV[2]
local now, ttl = tonumber(ARGV[3]), tonumber(ARGV[4])

local body = redis.call('HGET', acts, id)
if not body then
  if redis.call('ZSCORE', tomb, id) then return 'GONE' end
  return 'NOT_FOUND'
end
local ok, decoded = pcall(cjson.decode, body)
if ok and type(decoded) == 'table' and type(decoded.foreignId) == 'string' then
  redis.call('HDEL', acts, 'f:' .. decoded.foreignId)
end
redis.call('HDEL', acts, id)
redis.call('ZREM', stream, id)
redis.call('ZREM', feed, member)
redis.call('ZADD', tomb, now, id)
redis.call('ZREMRANGEBYSCORE', tomb, '-inf', '(' .. (now - ttl))
redis.call('PEXPIRE', tomb, ttl)
return body
