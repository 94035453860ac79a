--[[
add-following: the follower's side of a follow, capped (DESIGN §2: every key family has a bound).

KEYS[1]  the follower's `following` set
ARGV[1]  the followee's player id
ARGV[2]  the most players one player may follow (FOLLOWING_MAX)

Returns 1 when added, 0 when already followed (idempotent retry), -1 when the set is full.
]]

if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 0 end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end
redis.call('SADD', KEYS[1], ARGV[1])
return 1
