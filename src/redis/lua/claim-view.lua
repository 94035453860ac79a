--[[
claim-view: decide whether a live view must be recomputed, and if so take its lock.

KEYS[1]  board config hash (field 'ver' counts content changes)
KEYS[2]  view state hash (epoch, cycle, seq, ver, entries)
KEYS[3]  view lock (string, PX)
KEYS[4]  view update log (list)
ARGV[1]  the view's current cycle id
ARGV[2]  lock owner token
ARGV[3]  lock TTL (ms): a crashed instance's claim expires
ARGV[4]  state TTL (ms): refreshed here, so a watched view's state outlives quiet periods
ARGV[5]  '1' to claim even when the state is fresh (resync after a pub/sub outage)
ARGV[6]  '1' to return the entries JSON with a fresh or locked state

Returns { status, ver, epoch, cycle, seq, entries } with status
  'FRESH'   the state was computed from the board's current version and cycle;
  'CLAIMED' the caller holds the lock and must recompute (entries always returned);
  'LOCKED'  another instance is recomputing;
  'GONE'    the board does not exist.
epoch, cycle, seq and entries are '' when the view has no state yet.
]]

local cfgKey, stateKey, lockKey, logKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local cfg = redis.call('HMGET', cfgKey, 'order', 'ver')
if not cfg[1] then return { 'GONE', '0', '', '', '', '' } end
local ver = cfg[2] or '0'
local st = redis.call('HMGET', stateKey, 'epoch', 'cycle', 'seq', 'ver', 'entries')
local epoch, cycle, seq, stateVer, entries = st[1] or '', st[2] or '', st[3] or '', st[4] or '', st[5] or ''

if epoch ~= '' then
  redis.call('PEXPIRE', stateKey, ARGV[4])
  redis.call('PEXPIRE', logKey, ARGV[4])
end
local status
if epoch ~= '' and cycle == ARGV[1] and stateVer == ver and ARGV[5] ~= '1' then
  status = 'FRESH'
elseif redis.call('SET', lockKey, ARGV[2], 'NX', 'PX', ARGV[3]) then
  status = 'CLAIMED'
else
  status = 'LOCKED'
end
if status ~= 'CLAIMED' and ARGV[6] ~= '1' then entries = '' end
return { status, ver, epoch, cycle, seq, entries }
