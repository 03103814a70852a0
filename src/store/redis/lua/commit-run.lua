--[[
  Commits one WfRun transition: version check, state fields, outbox entries, search indexes.
  Nothing is written unless the version matches, so a crash or a concurrent writer can never
  leave half a transition behind.

  This body runs alone (coltCommitRun, KO = AO = 0, returning the new version) or followed by
  BullMQ's addStandardJob body (coltCommitRunAndAdd: KO = 9, AO = 3, BullMQ's own KEYS and ARGV
  come first and the script returns the job id), so that a task job is enqueued by the same
  atomic step that commits it.

  KEYS[KO+1]   the run hash (field `v` holds the version)
  KEYS[KO+2]   the run's outbox hash (jobId -> effect JSON)
  KEYS[KO+3]   the outbox index (sorted set of runs with unsent effects)
  KEYS[KO+4..] search index sorted sets, referenced by position (1 = KEYS[KO+4]) from the patch

  ARGV[AO+1]   expected version; 0 means the run must not exist yet
  ARGV[AO+2]   this run's member in the outbox index (`tenant/wfRunId`)
  ARGV[AO+3]   JSON patch: { fields: [f1, v1, f2, v2, ...], outbox: [jobId, effect, ...],
                             zadd: [[index, score, member], ...], zrem: [[index, member], ...] }

  Returns -1 when the expected version did not match (nothing written).
]]
local current = tonumber(redis.call('HGET', KEYS[KO + 1], 'v') or '0')
if current ~= tonumber(ARGV[AO + 1]) then
  return -1
end
local patch = cjson.decode(ARGV[AO + 3])
local version = current + 1

redis.call('HSET', KEYS[KO + 1], 'v', version)
for i = 1, #patch.fields, 2 do
  redis.call('HSET', KEYS[KO + 1], patch.fields[i], patch.fields[i + 1])
end

if #patch.outbox > 0 then
  for i = 1, #patch.outbox, 2 do
    redis.call('HSET', KEYS[KO + 2], patch.outbox[i], patch.outbox[i + 1])
  end
  local now = redis.call('TIME')
  redis.call('ZADD', KEYS[KO + 3], 'NX', now[1] * 1000 + math.floor(now[2] / 1000), ARGV[AO + 2])
end

for _, op in ipairs(patch.zrem) do
  redis.call('ZREM', KEYS[KO + 3 + op[1]], op[2])
end
for _, op in ipairs(patch.zadd) do
  redis.call('ZADD', KEYS[KO + 3 + op[1]], op[2], op[3])
end
