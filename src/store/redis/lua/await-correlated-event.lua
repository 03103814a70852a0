--[[
  A WfRun waits for the CorrelatedEvent of a correlation key: returns the event if one is stored
  (taking it away if it may be taken once only); otherwise leaves a marker, so that the next
  PutCorrelatedEvent of that key hands this run back (see put-correlated-event.lua).

  KEYS[1]   the correlation hash (fields as in put-correlated-event.lua)
  ARGV[1]   the waiting WfRun's id

  Returns the event's JSON, or false (marker left). An expired event is deleted and not returned.
]]
local event = redis.call('HGET', KEYS[1], 'event')
if event then
  local expiresAt = tonumber(redis.call('HGET', KEYS[1], 'expiresAt') or '-1')
  local now = redis.call('TIME')
  if expiresAt >= 0 and now[1] * 1000 + math.floor(now[2] / 1000) >= expiresAt then
    redis.call('HDEL', KEYS[1], 'event', 'once', 'expiresAt')
    event = false
  end
end
if not event then
  redis.call('HSET', KEYS[1], 'run:' .. ARGV[1], '1')
  return false
end
if redis.call('HGET', KEYS[1], 'once') == '1' then
  redis.call('HDEL', KEYS[1], 'event', 'once', 'expiresAt')
end
return event
