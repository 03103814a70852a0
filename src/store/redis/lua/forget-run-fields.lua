--[[
  Removes objects (fields) from a WfRun's hash together with their search index entries, as one
  version-checked change (an unclaimed ExternalEvent whose def's retention has passed).

  KEYS[1]   the run hash (field `v` holds the version)
  KEYS[2..] search index sorted sets holding the objects' entries
  ARGV[1]   expected version
  ARGV[2]   JSON { fields: [field, ...], zrem: [[index, member], ...] } (index 1 = KEYS[2])

  Returns the new version, or -1 when the version did not match (nothing was changed).
]]
local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if current ~= tonumber(ARGV[1]) then
  return -1
end
local patch = cjson.decode(ARGV[2])
for _, field in ipairs(patch.fields) do
  redis.call('HDEL', KEYS[1], field)
end
for _, op in ipairs(patch.zrem) do
  redis.call('ZREM', KEYS[1 + op[1]], op[2])
end
redis.call('HSET', KEYS[1], 'v', current + 1)
return current + 1
