--[[
add-session: records a new session in a player's index, dropping expired ones and keeping at most
`cap` live sessions (the ones closest to expiry make room).

KEYS[1]  sorted set: the player's session ids, scored by expiry (ms since the epoch)
ARGV[1]  the new session id
ARGV[2]  its expiry (ms)
ARGV[3]  now (ms)
ARGV[4]  cap: the most sessions a player keeps

Returns the ids evicted to respect the cap; the caller deletes their session keys (other slots).
The index expires with its last session, so an idle player's index does not outlive it.
]]

local index, id, expiry = KEYS[1], ARGV[1], ARGV[2]
redis.call('ZREMRANGEBYSCORE', index, '-inf', ARGV[3])
local over = redis.call('ZCARD', index) + 1 - tonumber(ARGV[4])
local evicted = {}
if over > 0 then
  evicted = redis.call('ZRANGE', index, 0, over - 1)
  redis.call('ZREMRANGEBYRANK', index, 0, over - 1)
end
redis.call('ZADD', index, expiry, id)
local last = redis.call('ZRANGE', index, -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', index, last[2])
return evicted
