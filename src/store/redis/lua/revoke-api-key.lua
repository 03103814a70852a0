-- Revokes one API key of a Principal; from then on the key authenticates no one.
-- KEYS[1] api-keys hash; KEYS[2] the principal's keyId set
-- ARGV[1] keyId
-- Returns 1 revoked, 0 the principal has no such key.
if redis.call('SREM', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
