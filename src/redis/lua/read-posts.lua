--[[
read-posts: one page of a player's posts, newest first, consistent with concurrent add-post.

KEYS[1]  list of post ids, newest first
KEYS[2]  hash post id → post JSON
ARGV[1]  the id of the last post of the previous page, or '' for the first page
ARGV[2]  limit

Returns { status, json1, json2, ... }: status 'OK', or 'GONE' (no posts) when the previous page's
last post has been trimmed off the list since. A page that may continue holds limit + 1 posts at
most: the caller drops the extra one and knows another page exists.
]]

local ids, bodies, after, limit = KEYS[1], KEYS[2], ARGV[1], tonumber(ARGV[2])
local start = 0
if after ~= '' then
  local pos = redis.call('LPOS', ids, after)
  if not pos then return { 'GONE' } end
  start = pos + 1
end
local page = redis.call('LRANGE', ids, start, start + limit)
local out = { 'OK' }
if #page == 0 then return out end
local rows = redis.call('HMGET', bodies, unpack(page))
for i = 1, #rows do
  if rows[i] then out[#out + 1] = rows[i] end
end
return out
