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
ARGV[7]  '1' to claim through another instance's cool-down (a subscribe's read, a resync)

Returns { status, ver, epoch, cycle, seq, entries, now } with status
  'FRESH'   the state was computed from the board's current version and cycle;
  'CLAIMED' the caller holds the lock and must recompute (entries always returned);
  'LOCKED'  another instance is recomputing, or recomputed it less than a cool-down ago:
            store-view leaves 'cooling:<owner>' in the lock for that long, which only its owner
            may claim through, so the instance that recomputes a view keeps doing so at its own
            tick while the others (each ticking at its own phase) do not add recomputes of theirs;
  'GONE'    the board does not exist.
epoch, cycle, seq and entries are '' when the view has no state yet; now is the server's time
(ms), which the claimant hands to store-view to date its claim.
]]

local cfgKey, stateKey, lockKey, logKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local time = redis.call('TIME')
local now = tostring(tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000))
local cfg = redis.call('HMGET', cfgKey, 'order', 'ver')
if not cfg[1] then return { 'GONE', '0', '', '', '', '', now } end
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
  local held = redis.call('GET', lockKey)
  local cooling = string.sub(held, 1, 8) == 'cooling:'
  if held == 'cooling:' .. ARGV[2] or (cooling and ARGV[7] == '1') then
    redis.call('SET', lockKey, ARGV[2], 'PX', ARGV[3])
    status = 'CLAIMED'
  else
    status = 'LOCKED'
  end
end
if status ~= 'CLAIMED' and ARGV[6] ~= '1' then entries = '' end
return { status, ver, epoch, cycle, seq, entries, now }
