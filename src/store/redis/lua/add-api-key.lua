-- Records a new API key of an existing Principal.
-- KEYS[1] principals hash; KEYS[2] api-keys hash; KEYS[3] the principal's keyId set
-- ARGV[1] principal id; ARGV[2] keyId; ARGV[3] ApiKey record JSON (with the key's SHA-256, never the key)
-- Returns 1 added, 0 no such principal.
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('SADD', KEYS[3], ARGV[2])
return 1
