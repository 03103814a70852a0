--[[
  Extends (ARGV[2] = a TTL in ms) or releases (ARGV[2] = '0') a code workflow executor's lease, if it
  still holds it.

  KEYS[1]   the lease key
  ARGV[1]   the holder's token
  ARGV[2]   the new TTL in ms, or '0' to release
  Returns   1 when the lease was held by the token, else 0
]]
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '0' then redis.call('DEL', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1
