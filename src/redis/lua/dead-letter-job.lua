--[[
dead-letter-job: gives up on a fan-out job. If the entry is still pending on this consumer, copies
its fields (and why it was given up) to the dead-letter stream, then acknowledges and deletes it
and forgets its progress, all at once: the job is either still pending or dead-lettered, never
both or neither. A job another consumer claimed meanwhile, or that was completed, is left alone.

KEYS[1]  the job stream
KEYS[2]  the progress hash (entry id → followers cursor)
KEYS[3]  the dead-letter stream
ARGV[1]  consumer group
ARGV[2]  consumer name (must be the entry's owner)
ARGV[3]  entry id
ARGV[4]  dead-letter stream cap (approximate MAXLEN)
ARGV[5]  attempts (deliveries of the job)
ARGV[6]  reason (last error)

Returns the dead-letter entry id, or false (nil) when the entry was not pending on the consumer.
]]

local jobs, group, consumer, id = KEYS[1], ARGV[1], ARGV[2], ARGV[3]

if #redis.call('XPENDING', jobs, group, id, id, 1, consumer) == 0 then
  return false
end

local fields = {}
local entry = redis.call('XRANGE', jobs, id, id)[1]
if entry then fields = entry[2] end
table.insert(fields, 'entry')
table.insert(fields, id)
table.insert(fields, 'attempts')
table.insert(fields, ARGV[5])
table.insert(fields, 'reason')
table.insert(fields, ARGV[6])

local dead = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', unpack(fields))
redis.call('XACK', jobs, group, id)
redis.call('XDEL', jobs, id)
redis.call('HDEL', KEYS[2], id)
return dead
