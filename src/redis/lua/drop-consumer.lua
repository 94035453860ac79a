--[[
drop-consumer: removes a consumer from a group only if it has no pending entry. XGROUP DELCONSUMER
drops the consumer's pending entries with it (they could then never be claimed again), so the
check and the delete must be one step: a consumer that read a job since the caller looked keeps it.

KEYS[1]  the stream
ARGV[1]  consumer group
ARGV[2]  consumer name

Returns 1 when it had no pending entry (it is gone now), 0 when it has some (it is kept).
]]

local stream, group, consumer = KEYS[1], ARGV[1], ARGV[2]

if #redis.call('XPENDING', stream, group, '-', '+', 1, consumer) > 0 then
  return 0
end
redis.call('XGROUP', 'DELCONSUMER', stream, group, consumer)
return 1
