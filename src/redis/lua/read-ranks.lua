--[[
read-ranks: score and exact rank of given players in one board cycle.

KEYS[1]  scores zset of the cycle
KEYS[2]  entries hash of the cycle
KEYS[3]  board config hash (existence)
ARGV[1]  order: 'desc' | 'asc'
ARGV[2]  ties: 'shared' | 'first'
ARGV[3]  '1' to return metadata
ARGV[4..] player ids

Returns 'BOARD_NOT_FOUND', or { total, score1, rank1, meta1, score2, ... }: score '' and rank 0 for a player not ranked;
meta '' when absent. Ranks are 1-based, best first.
]]

local z, e = KEYS[1], KEYS[2]
if redis.call('EXISTS', KEYS[3]) == 0 then return 'BOARD_NOT_FOUND' end
local desc, firstTies, withMeta = ARGV[1] == 'desc', ARGV[2] == 'first', ARGV[3] == '1'
local out = { redis.call('ZCARD', z) }
for i = 4, #ARGV do
  local pid = ARGV[i]
  local member = pid
  if firstTies then member = redis.call('HGET', e, 'm:' .. pid) end
  local score = member and redis.call('ZSCORE', z, member)
  local rank = 0
  if score then
    if firstTies then
      rank = (desc and redis.call('ZREVRANK', z, member) or redis.call('ZRANK', z, member)) + 1
    elseif desc then
      rank = redis.call('ZCOUNT', z, '(' .. score, '+inf') + 1
    else
      rank = redis.call('ZCOUNT', z, '-inf', '(' .. score) + 1
    end
  end
  out[#out + 1] = score or ''
  out[#out + 1] = rank
  out[#out + 1] = (score and withMeta) and (redis.call('HGET', e, 'd:' .. pid) or '') or ''
end
return out
