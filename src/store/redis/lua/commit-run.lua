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
  KEYS[KO+4]   the timers (sorted set of `tenant|wfRunId|timerId` by due time, Redis clock, in ms)
  KEYS[KO+5]   the timers' commands (hash: member -> command JSON)
  KEYS[KO+6..] further keys, referenced by position (1 = KEYS[KO+6]) from the patch: search
               index sorted sets, the pending-events hash, the run's timer set, ancestor run hashes

  ARGV[AO+1]   expected version; 0 means the run must not exist yet
  ARGV[AO+2]   this run's member in the outbox index (`tenant/wfRunId`)
  ARGV[AO+3]   JSON patch: { outbox: [jobId, effect, ...],
                             timers: [[member, delayMs, atMs, command], ...] (delayMs counts from
                             Redis's TIME, atMs is absolute; -1 where unused),
                             zadd: [[index, score, member], ...], zrem: [[index, member], ...],
                             adopt: [index, count] (only when the run is created: the run's
                             pending-events hash, referenced like the index keys, and how many
                             events waiting there the new run has taken in),
                             timerSet: index (the run's set of its timer members, referenced like
                             the index keys; present when timers are armed),
                             publish: [channel, message] (WorkflowEvents thrown by this commit),
                             ancestors: [ancestor, ...], each [index, version, fields] where
                             fields is [f1, v1, ...]: INHERITED_VAR variables changed in an
                             ancestor WfRun at the version it was read at (writing moves it on) }

  ARGV[AO+4..] the run's changed fields: field, value, field, value, ...

  Returns -1 when the expected version did not match (the run's or an ancestor's), or when the
  pending-events hash does not hold exactly the events the new run took in (one was posted
  meanwhile: reload them and retry); then nothing was written.
]]
local current = tonumber(redis.call('HGET', KEYS[KO + 1], 'v') or '0')
if current ~= tonumber(ARGV[AO + 1]) then
  return -1
end
local patch = cjson.decode(ARGV[AO + 3])
local ancestors = patch.ancestors or {}
for _, a in ipairs(ancestors) do
  if tonumber(redis.call('HGET', KEYS[KO + 5 + a[1]], 'v') or '0') ~= a[2] then
    return -1
  end
end
if patch.adopt then
  local pending = KEYS[KO + 5 + patch.adopt[1]]
  if redis.call('HLEN', pending) ~= patch.adopt[2] then
    return -1
  end
  redis.call('DEL', pending)
end
local version = current + 1

redis.call('HSET', KEYS[KO + 1], 'v', version)
for i = AO + 4, #ARGV, 2 do
  redis.call('HSET', KEYS[KO + 1], ARGV[i], ARGV[i + 1])
end
for _, a in ipairs(ancestors) do
  local ancestor = KEYS[KO + 5 + a[1]]
  redis.call('HSET', ancestor, 'v', a[2] + 1)
  for i = 1, #a[3], 2 do
    redis.call('HSET', ancestor, a[3][i], a[3][i + 1])
  end
end

if #patch.outbox > 0 then
  for i = 1, #patch.outbox, 2 do
    redis.call('HSET', KEYS[KO + 2], patch.outbox[i], patch.outbox[i + 1])
  end
  local now = redis.call('TIME')
  redis.call('ZADD', KEYS[KO + 3], 'NX', now[1] * 1000 + math.floor(now[2] / 1000), ARGV[AO + 2])
end

if #patch.timers > 0 then
  local now = redis.call('TIME')
  local nowMs = now[1] * 1000 + math.floor(now[2] / 1000)
  for _, t in ipairs(patch.timers) do
    local due = t[3]
    if t[2] >= 0 then due = nowMs + t[2] end
    redis.call('ZADD', KEYS[KO + 4], due, t[1])
    redis.call('HSET', KEYS[KO + 5], t[1], t[4])
    if patch.timerSet then
      redis.call('SADD', KEYS[KO + 5 + patch.timerSet], t[1])
    end
  end
end

for _, op in ipairs(patch.zrem) do
  redis.call('ZREM', KEYS[KO + 5 + op[1]], op[2])
end
for _, op in ipairs(patch.zadd) do
  redis.call('ZADD', KEYS[KO + 5 + op[1]], op[2], op[3])
end
if patch.publish then
  redis.call('PUBLISH', patch.publish[1], patch.publish[2])
end
