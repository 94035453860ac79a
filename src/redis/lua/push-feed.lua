--[[
push-feed: adds rows to one player's home feed and keeps it within its caps, in one command (the
fan-out sends one per follower instead of three: ZADD, trim, PEXPIRE).

KEYS[1]  the feed zset (scores: event time ms; members `<id>:<actor>`)
ARGV[1]  cap by count (FEED_MAX_ITEMS): the oldest rows beyond it are dropped
ARGV[2]  lowest time (ms) kept (now - retention): older rows are dropped
ARGV[3]  TTL (ms) of the key, refreshed on every push
ARGV[4..] time1, member1, time2, member2, ...

Returns the feed's size after the push.
]]

local feed = KEYS[1]
local maxItems = tonumber(ARGV[1])

redis.call('ZADD', feed, unpack(ARGV, 4))
redis.call('ZREMRANGEBYSCORE', feed, '-inf', '(' .. ARGV[2])
local size = redis.call('ZCARD', feed)
if size > maxItems then
  redis.call('ZREMRANGEBYRANK', feed, 0, size - maxItems - 1)
  size = maxItems
end
redis.call('PEXPIRE', feed, ARGV[3])
return size
