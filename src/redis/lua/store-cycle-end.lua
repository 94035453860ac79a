--[[
store-cycle-end: store a finished cycle's `cycle.ended` message and publish it, in one step,
unless a message is stored already (a claimant whose lease ran out and the instance that took
over may both get here; only the first stores and publishes, the other gets the stored one).

KEYS[1]  the cycle's end record (see claim-cycle-end.lua)
ARGV[1]  message JSON (starts with '{')
ARGV[2]  message TTL (s)
ARGV[3]  channel to publish on

Returns { status, message }: 'STORED' with ARGV[1] (stored and published now), or 'SENT' with the
message stored earlier ('' for a bare marker of an older version); nothing is published then.
]]

local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, 6) ~= 'claim:' then
  if string.sub(v, 1, 1) == '{' then return { 'SENT', v } end
  return { 'SENT', '' }
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[1])
return { 'STORED', ARGV[1] }
