-- Stores a Principal, keeping at least one admin: refuses to take admin rights from the last admin.
-- KEYS[1] principals hash (id -> Principal JSON)
-- KEYS[2] admins set (ids of principals with global ALL_ACTIONS over ACL_ALL_RESOURCES)
-- ARGV[1] principal id
-- ARGV[2] Principal JSON
-- ARGV[3] '1' if the new Principal is an admin, else '0'
-- ARGV[4] '1' to overwrite an existing Principal, else '0'
-- Returns {'OK'}; {'EXISTS', stored JSON} when it exists and ARGV[4] is '0'; {'LAST_ADMIN'}.
local stored = redis.call('HGET', KEYS[1], ARGV[1])
if stored and ARGV[4] ~= '1' then return {'EXISTS', stored} end
if ARGV[3] == '0' and redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 and redis.call('SCARD', KEYS[2]) == 1 then
  return {'LAST_ADMIN'}
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if ARGV[3] == '1' then redis.call('SADD', KEYS[2], ARGV[1]) else redis.call('SREM', KEYS[2], ARGV[1]) end
return {'OK'}
