--[[
  Deletes a WfRun and everything under it: its hash, outbox, armed timers, the events kept for it,
  the Cloudflare API's record of it and its markers in the correlation keys it waited on, and removes
  it from every search index it is in.

  KEYS[1]   the run hash (field `v` holds the version)
  KEYS[2]   the run's outbox hash
  KEYS[3]   the outbox index
  KEYS[4]   the run's set of its timer members (written by commit-run.lua)
  KEYS[5]   the timers (sorted set by due time)
  KEYS[6]   the timers being fired (sorted set by lease end)
  KEYS[7]   the timers' commands (hash)
  KEYS[8]   the ExternalEvents kept for the run before it existed (hash)
  KEYS[9]   the Cloudflare API's record of the run (hash)
  KEYS[10..9+C]  the correlation hashes the run waited on (its marker field is `run:<wfRunId>`)
  KEYS[10+C..]   search index sorted sets holding the run's entries
  ARGV[1]   the run's member in the outbox index (`tenant/wfRunId`)
  ARGV[2]   the version the index entries were read at (a commit since then may have added others)
  ARGV[3]   the WfRun id
  ARGV[4]   C, how many correlation hashes follow KEYS[9]
  ARGV[5..] the member to remove from each index key, in KEYS order (ARGV[5] for KEYS[10+C], ...)

  Returns 1 when the run was deleted, 0 when it did not exist, -1 when its version was not
  ARGV[2] (nothing was deleted: read its entries again and retry).
]]
local FIXED = 9
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
redis.call('DEL', KEYS[9])
local correlations = tonumber(ARGV[4])
for i = FIXED + 1, FIXED + correlations do
  redis.call('HDEL', KEYS[i], 'run:' .. ARGV[3])
end
local first = FIXED + correlations + 1
for i = first, #KEYS do
  redis.call('ZREM', KEYS[i], ARGV[i - first + 5])
end
return 1
