--[[
  Claims the timers that are due by Redis's clock, and those whose firing lease ran out (the
  server that claimed them died): each moves to the firing set with a fresh lease.

  KEYS[1]   the timers (sorted set by due time)
  KEYS[2]   the timers being fired (sorted set by lease end)
  KEYS[3]   the timers' commands (hash)
  ARGV[1]   lease in ms
  ARGV[2]   how many to claim at most (of each kind)

  Returns a flat list: member1, command1, member2, command2, ...
]]
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local leaseEnd = now + tonumber(ARGV[1])
local claimed = {}
local function claim(member)
  redis.call('ZADD', KEYS[2], leaseEnd, member)
  table.insert(claimed, member)
  table.insert(claimed, redis.call('HGET', KEYS[3], member) or '')
end
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, ARGV[2])) do
  claim(member)
end
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, ARGV[2])) do
  redis.call('ZREM', KEYS[1], member)
  claim(member)
end
return claimed
