-- Stores a function's definition and marks its first consumer alive (its workflow is
-- active again, if it was deactivated).
-- The group of the function's resumes stream is made alongside.
-- KEYS: definition hash, consumers zset, calls stream, resumes stream
-- ARGV: version, definition json, consumer, now ms, group
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'json', ARGV[2])
redis.call('HDEL', KEYS[1], 'deactivatedAt')
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
if redis.call('EXISTS', KEYS[3]) == 0 then
  redis.call('XGROUP', 'CREATE', KEYS[3], ARGV[5], '0', 'MKSTREAM')
else
  pcall(redis.call, 'XGROUP', 'CREATE', KEYS[3], ARGV[5], '0')
end
pcall(redis.call, 'XGROUP', 'CREATE', KEYS[4], ARGV[5], '0', 'MKSTREAM')
return 1
