--[[
  Deletes a WfRun and everything under it, and removes it from every search index.

  KEYS[1]   the run hash
  KEYS[2]   the run's outbox hash
  KEYS[3]   the outbox index
  KEYS[4..] search index sorted sets the run may be in
  ARGV[1]   the run's member in the outbox index (`tenant/wfRunId`)
  ARGV[2]   the run's member in the search indexes (wfRunId)

  Returns 1 when the run existed, 0 otherwise.
]]
local existed = redis.call('DEL', KEYS[1])
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[1])
for i = 4, #KEYS do
  redis.call('ZREM', KEYS[i], ARGV[2])
end
return existed
