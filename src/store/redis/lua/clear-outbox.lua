--[[
  Forgets outbox entries once their effects were sent, and drops the run from the outbox index
  when nothing is left to send.

  KEYS[1]   the run's outbox hash
  KEYS[2]   the outbox index
  ARGV[1]   this run's member in the outbox index (`tenant/wfRunId`)
  ARGV[2..] the jobIds that were sent

  Returns the number of entries still unsent.
]]
redis.call('HDEL', KEYS[1], unpack(ARGV, 2))
local left = redis.call('HLEN', KEYS[1])
if left == 0 then
  redis.call('ZREM', KEYS[2], ARGV[1])
end
return left
