-- A call's deadline passed while the execution running it was parked, or its caller gave
-- up on it: the timeout becomes its answer unless it has one (a late Return from Function
-- is refused), and the parked execution comes back to be stopped, as nobody waits for it.
-- A caller that parked is woken with the timeout now (n8n would resume it at its deadline
-- only at its next look at waiting executions, up to a minute later).
-- KEYS: reply key, parked marker, parked set, caller key, resumes stream
-- ARGV: call id, timeout reply json, reply ttl ms
local execution = redis.call('GET', KEYS[2])
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[1])
if redis.call('SET', KEYS[1], ARGV[2], 'NX', 'PX', ARGV[3]) then
  local caller = redis.call('GET', KEYS[4])
  if caller then
    redis.call('XADD', KEYS[5], '*', 'call', ARGV[1], 'caller', caller)
    redis.call('DEL', KEYS[4])
  end
end
if execution then
  return {'expired', execution}
end
return {'answered'}
