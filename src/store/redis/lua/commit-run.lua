--[[
  Commits one WfRun transition: version check, state fields, outbox entries, search indexes.
  Nothing is written unless the version matches, so a crash or a concurrent writer can never
  leave half a transition behind.

  KEYS[1]   the run hash (field `v` holds the version)
  KEYS[2]   the run's outbox hash (jobId -> effect JSON)
  KEYS[3]   the outbox index (sorted set of runs with unsent effects)
  KEYS[4..] search index sorted sets, referenced by position from ARGV[3]

  ARGV[1]   expected version; 0 means the run must not exist yet
  ARGV[2]   this run's member in the outbox index (`tenant/wfRunId`)
  ARGV[3]   JSON patch: { fields: [f1, v1, f2, v2, ...], outbox: [jobId, effect, ...],
                          zadd: [[keyIndex, score, member], ...], zrem: [[keyIndex, member], ...] }

  Returns the new version, or -1 when the expected version did not match (nothing written).
]]
local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if current ~= tonumber(ARGV[1]) then
  return -1
end
local patch = cjson.decode(ARGV[3])
local version = current + 1

redis.call('HSET', KEYS[1], 'v', version)
for i = 1, #patch.fields, 2 do
  redis.call('HSET', KEYS[1], patch.fields[i], patch.fields[i + 1])
end

if #patch.outbox > 0 then
  for i = 1, #patch.outbox, 2 do
    redis.call('HSET', KEYS[2], patch.outbox[i], patch.outbox[i + 1])
  end
  local now = redis.call('TIME')
  redis.call('ZADD', KEYS[3], 'NX', now[1] * 1000 + math.floor(now[2] / 1000), ARGV[2])
end

for _, op in ipairs(patch.zrem) do
  redis.call('ZREM', KEYS[op[1]], op[2])
end
for _, op in ipairs(patch.zadd) do
  redis.call('ZADD', KEYS[op[1]], op[2], op[3])
end
return version
