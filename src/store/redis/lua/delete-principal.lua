-- Deletes a Principal and revokes all its API keys, unless it is the last admin.
-- KEYS[1] principals hash; KEYS[2] admins set; KEYS[3] api-keys hash; KEYS[4] the principal's keyId set
-- ARGV[1] principal id
-- Returns 1 deleted, 0 no such principal, -1 refused: the last admin.
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 and redis.call('SCARD', KEYS[2]) == 1 then return -1 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[1])
local keyIds = redis.call('SMEMBERS', KEYS[4])
for _, keyId in ipairs(keyIds) do redis.call('HDEL', KEYS[3], keyId) end
redis.call('DEL', KEYS[4])
return 1
