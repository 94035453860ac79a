--[[
add-post: prepends a post to a player's capped list, deduplicated by id, in one atomic step.

KEYS[1]  list of post ids, newest first
KEYS[2]  hash post id → post JSON (exactly the ids of the list)
ARGV[1]  post id
ARGV[2]  post JSON
ARGV[3]  cap: the most posts kept

Returns 'A' .. json when added, 'R' .. json (the stored post) when the id is already in the list.
Ids trimmed off the end lose their body in the same step, so list and hash never drift apart.
]]

local ids, bodies, id = KEYS[1], KEYS[2], ARGV[1]
local existing = redis.call('HGET', bodies, id)
if existing then return 'R' .. existing end
redis.call('LPUSH', ids, id)
redis.call('HSET', bodies, id, ARGV[2])
local cap = tonumber(ARGV[3])
while redis.call('LLEN', ids) > cap do
  redis.call('HDEL', bodies, redis.call('RPOP', ids))
end
return 'A' .. ARGV[2]
