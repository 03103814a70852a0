--[[
  Deletes a WfRun and everything under it: its hash, outbox, armed timers and the events kept for
  it, and removes it from every search index it is in.

  KEYS[1]   the run hash (field `v` holds the version)
  KEYS[2]   the run's outbox hash
  KEYS[3]   the outbox index
  KEYS[4]   the run's set of its timer members (written by commit-run.lua)
  KEYS[5]   the timers (sorted set by due time)
  KEYS[6]   the timers being fired (sorted set by lease end)
  KEYS[7]   the timers' commands (hash)
  KEYS[8]   the ExternalEvents kept for the run before it existed (hash)
  KEYS[9..] search index sorted sets holding the run's entries
  ARGV[1]   the run's member in the outbox index (`tenant/wfRunId`)
  ARGV[2]   the version the index entries were read at (a commit since then may have added others)
  ARGV[3..] the member to remove from each index key, in KEYS order (ARGV[3] for KEYS[9], ...)

  Returns 1 when the run was deleted, 0 when it did not exist, -1 when its version was not
  ARGV[2] (nothing was deleted: read its entries again and retry).
]]
local FIXED = 8
local current = redis.call('HGET', KEYS[1], 'v')
if not current then
  return 0
end
if tonumber(current) ~= tonumber(ARGV[2]) then
  return -1
end
redis.call('DEL', KEYS[1])
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[1])
for _, member in ipairs(redis.call('SMEMBERS', KEYS[4])) do
  redis.call('ZREM', KEYS[5], member)
  redis.call('ZREM', KEYS[6], member)
  redis.call('HDEL', KEYS[7], member)
end
redis.call('DEL', KEYS[4])
redis.call('DEL', KEYS[8])
for i = FIXED + 1, #KEYS do
  redis.call('ZREM', KEYS[i], ARGV[i - FIXED + 2])
end
return 1
