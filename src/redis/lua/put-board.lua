--[[
put-board: create or update a board's configuration atomically with respect to submissions.

KEYS[1]  board config hash
ARGV     field, value, field, value, ... (the whole configuration)

Returns 'CREATED' or 'UPDATED', or 'CONFLICT:<field>' when the board has scores and the update
would change `order`, `update` or `ties` (their meaning is baked into stored scores).
]]

local cfgKey = KEYS[1]
local exists = redis.call('EXISTS', cfgKey) == 1
if exists and redis.call('HGET', cfgKey, 'hasScores') == '1' then
  local current = redis.call('HMGET', cfgKey, 'order', 'update', 'ties')
  local names = { 'order', 'update', 'ties' }
  for i = 1, #ARGV, 2 do
    for j = 1, 3 do
      if ARGV[i] == names[j] and ARGV[i + 1] ~= current[j] then return 'CONFLICT:' .. names[j] end
    end
  end
end
-- Optional fields absent from the new configuration are removed.
for _, f in ipairs({ 'minScore', 'maxScore', 'capacity' }) do redis.call('HDEL', cfgKey, f) end
redis.call('HSET', cfgKey, unpack(ARGV))
if not exists then return 'CREATED' end
return 'UPDATED'
