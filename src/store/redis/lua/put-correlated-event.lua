--[[
  PutCorrelatedEvent: stores the event under its correlation key (replacing any earlier one) and
  hands back the WfRuns waiting for that key, forgetting their markers. An event that may be taken
  only once is not stored while some run waits: one waiting run is handed back (its marker alone
  forgotten), and the caller offers it the event, putting it again if that run no longer waits.
  Atomic with await-correlated-event.lua, so a run that waits is either handed back here or finds
  the event there.

  KEYS[1]   the correlation hash: `event` (JSON), `once` ('1'/'0'), `expiresAt` (ms, Redis clock;
            -1: never), `run:<wfRunId>` (a waiting run), `delivered:<wfRunId>` (ExternalEventId JSON)
  ARGV[1]   the CorrelatedEvent's JSON (without its externalEvents)
  ARGV[2]   its time to live in ms, or -1
  ARGV[3]   '1' if it may be taken once only, else '0'

  Returns { stored (1/0), wfRunId... }.
]]
local waiting = {}
local delivered = {}
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(field, 1, 4) == 'run:' then
    table.insert(waiting, string.sub(field, 5))
  elseif string.sub(field, 1, 10) == 'delivered:' then
    table.insert(delivered, field)
  end
end
if ARGV[3] == '1' and #waiting > 0 then
  redis.call('HDEL', KEYS[1], 'run:' .. waiting[1])
  return { 0, waiting[1] }
end
for _, id in ipairs(waiting) do
  redis.call('HDEL', KEYS[1], 'run:' .. id)
end
for _, field in ipairs(delivered) do
  redis.call('HDEL', KEYS[1], field)
end
local expiresAt = -1
if tonumber(ARGV[2]) >= 0 then
  local now = redis.call('TIME')
  expiresAt = now[1] * 1000 + math.floor(now[2] / 1000) + tonumber(ARGV[2])
end
redis.call('HSET', KEYS[1], 'event', ARGV[1], 'once', ARGV[3], 'expiresAt', expiresAt)
return { 1, unpack(waiting) }
