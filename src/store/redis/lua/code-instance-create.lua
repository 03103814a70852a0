--[[
  Creates a code workflow instance unless its id is taken (ids are write-once while the instance exists),
  and enters it in its workflow's set of queued instances (the per-status index).

  KEYS[1]   the instance's state hash
  KEYS[2]   the workflow's index of `queued` instances (sorted set, scored by creation time)
  ARGV[1]   the instance id
  ARGV[2]   its creation time (ms)
  ARGV[3..] field, value pairs of the new state
  Returns   1 when created, 0 when the id is taken
]]
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 1
