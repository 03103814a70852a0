--[[
  A fenced write by a code workflow instance's executor: applied only while the executor still holds the
  instance's lease (a worker whose lease lapsed, and whose execution another worker took over, writes
  nothing), and while the instance is still in the life (generation) the executor runs and in a status
  it expects. At a step boundary a requested pause (waitingForPause) wins: the instance becomes paused
  and nothing else is written.

  KEYS[1]   the instance's state hash
  KEYS[2]   the instance's step records (hash)
  KEYS[3]   the instance's executor lease
  KEYS[4]   the workflow's index of instances (sorted set by creation time, ms)
  KEYS[5..] the workflow's per-status indexes, in the order of STATUSES below (code-instance-store.ts)
  ARGV[1]   the generation the executor runs
  ARGV[2]   the statuses the write is allowed from, comma-separated and enclosed (',running,waiting,')
  ARGV[3]   '1' when the write is a step boundary, else '0'
  ARGV[4]   now (ISO), recorded as pausedAt when pausing
  ARGV[5]   the step key to write, or ''
  ARGV[6]   the step record (JSON), when ARGV[5] is set
  ARGV[7]   the executor's lease token
  ARGV[8]   the instance id
  ARGV[9..] field, value pairs to set on the state hash
  Returns   'ok', 'paused' (the pause was honoured), 'stale:lease' or 'stale:<status>' (nothing written)
]]
if redis.call('GET', KEYS[3]) ~= ARGV[7] then return 'stale:lease' end
local STATUSES = { 'queued', 'running', 'waiting', 'paused', 'waitingForPause', 'complete', 'errored', 'terminated' }

-- Moves the instance from the index of status `from` to that of `to`.
local function reindex(from, to)
  if from == to then return end
  for i, s in ipairs(STATUSES) do
    if s == from then redis.call('ZREM', KEYS[4 + i], ARGV[8]) end
    if s == to then redis.call('ZADD', KEYS[4 + i], redis.call('ZSCORE', KEYS[4], ARGV[8]) or 0, ARGV[8]) end
  end
end

local generation = redis.call('HGET', KEYS[1], 'generation')
local status = redis.call('HGET', KEYS[1], 'status')
if not status or generation ~= ARGV[1] then return 'stale:' .. tostring(status) end
if ARGV[3] == '1' and status == 'waitingForPause' then
  redis.call('HSET', KEYS[1], 'status', 'paused', 'pausedAt', ARGV[4], 'modified_on', ARGV[4])
  reindex(status, 'paused')
  return 'paused'
end
if not string.find(ARGV[2], ',' .. status .. ',', 1, true) then return 'stale:' .. status end
if ARGV[5] ~= '' then redis.call('HSET', KEYS[2], ARGV[5], ARGV[6]) end
if #ARGV >= 9 then
  redis.call('HSET', KEYS[1], unpack(ARGV, 9))
  for i = 9, #ARGV - 1, 2 do
    if ARGV[i] == 'status' then reindex(status, ARGV[i + 1]) end
  end
end
return 'ok'
