--[[
  Keeps an ExternalEvent posted to a WfRun that does not exist yet, until RunWf takes it in (see
  commit-run.lua, which checks and deletes the pending hash in the commit that creates the run).
  Refuses when the run exists, so that the caller applies the event to the run as a command; the
  two scripts are atomic, so an event is either taken in by RunWf or posted to the existing run.

  KEYS[1]   the run hash
  KEYS[2]   the run's pending-events hash (`defName/guid` -> ExternalEvent JSON)
  ARGV[1]   the event's field (`defName/guid`)
  ARGV[2]   the event's JSON, an object without its `sequence`

  Returns false when the run exists (nothing written). Otherwise the stored event's JSON: the one
  already kept under that guid, or the new one, numbered by its order of arrival (1, 2, ...:
  fields are only ever added to this hash, so its length counts the events before it).
]]
if redis.call('EXISTS', KEYS[1]) == 1 then
  return false
end
local stored = redis.call('HGET', KEYS[2], ARGV[1])
if stored then
  return stored
end
local sequence = redis.call('HLEN', KEYS[2]) + 1
local event = '{"sequence":' .. sequence .. ',' .. string.sub(ARGV[2], 2)
redis.call('HSET', KEYS[2], ARGV[1], event)
return event
