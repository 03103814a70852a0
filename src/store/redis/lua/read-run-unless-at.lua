--[[
  Reads a WfRun's hash for a transition, unless the caller already holds it at the version stored.

  KEYS[1]   the run hash (field `v` holds the version)
  ARGV[1]   the version the caller holds ('' for none)

  Returns 1 when the hash is at that version (the caller's copy is current), else HGETALL's flat list
  (empty when the run does not exist).
]]
if ARGV[1] ~= '' and redis.call('HGET', KEYS[1], 'v') == ARGV[1] then
  return 1
end
return redis.call('HGETALL', KEYS[1])
