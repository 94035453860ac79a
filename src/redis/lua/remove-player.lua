--[[
remove-player: delete one player from the given cycles of one board.

KEYS     pairs of (scores zset, entries hash), one pair per cycle; KEYS[#KEYS] is the config hash
ARGV[1]  ties: 'shared' | 'first'
ARGV[2]  player id

Returns the number of cycles the player was removed from.
]]

local firstTies, pid = ARGV[1] == 'first', ARGV[2]
local removed = 0
for i = 1, #KEYS - 1, 2 do
  local z, e = KEYS[i], KEYS[i + 1]
  local member = pid
  if firstTies then member = redis.call('HGET', e, 'm:' .. pid) end
  if member and redis.call('ZREM', z, member) == 1 then removed = removed + 1 end
  redis.call('HDEL', e, 'm:' .. pid, 'd:' .. pid)
end
if removed > 0 then redis.call('HINCRBY', KEYS[#KEYS], 'ver', 1) end
return removed
