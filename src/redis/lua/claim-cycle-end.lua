--[[
claim-cycle-end: who builds a finished cycle's `cycle.ended`, or what was sent.

KEYS[1]  the cycle's end record (string): 'claim:<owner>' (PX) while one instance builds the
         message, so a crashed claimant's lease runs out; then the message JSON itself (EX)
ARGV[1]  the caller's claim value ('claim:<owner>')
ARGV[2]  claim TTL (ms)

Returns { status, message } with status
  'CLAIMED'  the caller holds the claim (taken now, or its own renewed): it reads the top, then
             stores and publishes the message (store-cycle-end.lua);
  'BUSY'     another instance holds the claim;
  'SENT'     the message is stored: message is its JSON ('' for a bare marker of an older version).
message is '' unless SENT.
]]

local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return { 'CLAIMED', '' }
end
if v == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return { 'CLAIMED', '' }
end
if string.sub(v, 1, 1) == '{' then return { 'SENT', v } end
if string.sub(v, 1, 6) == 'claim:' then return { 'BUSY', '' } end
return { 'SENT', '' }
