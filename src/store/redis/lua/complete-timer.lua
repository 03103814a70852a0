--[[
  Forgets a timer once its command was applied, unless it was armed again meanwhile.

  KEYS[1]   the timers (sorted set by due time)
  KEYS[2]   the timers being fired
  KEYS[3]   the timers' commands (hash)
  KEYS[4]   the run's set of its timer members (see commit-run.lua)
  ARGV[1]   the timer's member
]]
redis.call('ZREM', KEYS[2], ARGV[1])
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('HDEL', KEYS[3], ARGV[1])
  redis.call('SREM', KEYS[4], ARGV[1])
end
return 1
