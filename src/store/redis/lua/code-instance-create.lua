--[[
  Creates a code workflow instance unless its id is taken (ids are write-once while the instance exists).

  KEYS[1]   the instance's state hash
  ARGV[1..] field, value pairs of the new state
  Returns   1 when created, 0 when the id is taken
]]
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
