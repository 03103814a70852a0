--[[
  Removes a code workflow instance from its workflow's queued set, if its entry is still the one seen
  (same score): an instance queued again meanwhile (resumed, restarted) keeps its newer entry.

  KEYS[1]   the workflow's queued set
  ARGV[1]   the instance id
  ARGV[2]   the score seen
  Returns   1 when removed, else 0
]]
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) ~= tonumber(ARGV[2]) then return 0 end
return redis.call('ZREM', KEYS[1], ARGV[1])
