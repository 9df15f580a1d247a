-- A call's deadline passed while the execution running it was parked: the timeout becomes
-- its answer (a late Return from Function is refused), and the parked execution comes back
-- to be stopped. Its caller's own deadline ends its wait (a parked caller is resumed by
-- n8n at that moment).
-- KEYS: reply key, parked marker, parked set
-- ARGV: call id, timeout reply json, reply ttl ms
local execution = redis.call('GET', KEYS[2]) or ''
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[1])
if redis.call('SET', KEYS[1], ARGV[2], 'NX', 'PX', ARGV[3]) then
  return {'expired', execution}
end
return {'answered'}
