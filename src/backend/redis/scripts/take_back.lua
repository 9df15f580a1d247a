-- The caller takes its queued call back to run it itself, because no execution has
-- started it yet although a Function trigger is live (all worker slots may be busy). The
-- entry leaves the stream, so no trigger runs it; an execution its trigger already started
-- finds the runner key taken and ends without running it. With no live trigger the call
-- is not waiting for a slot but for the trigger (n8n restarting): it stays queued.
-- Nor while the function's executions are starting (another call of it started within the
-- caller's wait): the slots are moving, the call's turn comes. The definition may have
-- changed while the call waited: then the current one comes back with it, for the caller
-- to check the call against and to run.
-- KEYS: runner key, calls stream, reply key, consumers zset, definition hash
-- ARGV: runner (the caller), entry id, group, runner key ttl ms, live since (ms),
--       the definition version the call was sent with, progress since (ms)
local stored = redis.call('GET', KEYS[3])
if stored then
  return {'answered', stored}
end
local current = redis.call('GET', KEYS[1])
if current then
  return {'started', current}
end
local newest = redis.call('ZREVRANGE', KEYS[4], 0, 0, 'WITHSCORES')
if not newest[2] or tonumber(newest[2]) < tonumber(ARGV[5]) then
  return {'unserved'}
end
local definition = redis.call('HMGET', KEYS[5], 'version', 'json', 'startedAt')
if definition[3] and tonumber(definition[3]) >= tonumber(ARGV[7]) then
  return {'progressing'}
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
redis.call('XACK', KEYS[2], ARGV[3], ARGV[2])
redis.call('XDEL', KEYS[2], ARGV[2])
if definition[1] and definition[1] ~= ARGV[6] then
  return {'taken', definition[2]}
end
return {'taken'}
