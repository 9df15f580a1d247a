-- The caller takes its queued call back to run it itself, because no execution has
-- started it yet (all worker slots may be busy). The entry leaves the stream, so no
-- Function trigger runs it; an execution its trigger already started finds the runner
-- key taken and ends without running it.
-- KEYS: runner key, calls stream, reply key
-- ARGV: runner (the caller), entry id, group, runner key ttl ms
local stored = redis.call('GET', KEYS[3])
if stored then
  return {'answered', stored}
end
local current = redis.call('GET', KEYS[1])
if current then
  return {'started', current}
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
redis.call('XACK', KEYS[2], ARGV[3], ARGV[2])
redis.call('XDEL', KEYS[2], ARGV[2])
return {'taken'}
