-- Sends a call if the caller validated against the current definition and some
-- Function trigger is alive or was alive recently enough to be restarting.
-- KEYS: definition hash, consumers zset, calls stream
-- ARGV: expected version, now ms, inactive after ms, group, call json
local version = redis.call('HGET', KEYS[1], 'version')
if not version then
  return {'missing'}
end
if version ~= ARGV[1] then
  return {'stale', redis.call('HGET', KEYS[1], 'json')}
end
local newest = redis.call('ZREVRANGE', KEYS[2], 0, 0, 'WITHSCORES')
local last_seen = math.max(tonumber(newest[2] or '-1'), tonumber(redis.call('HGET', KEYS[1], 'stoppedAt') or '-1'))
if last_seen < 0 or last_seen + tonumber(ARGV[3]) < tonumber(ARGV[2]) then
  return {'inactive', tostring(last_seen)}
end
if redis.call('EXISTS', KEYS[3]) == 0 then
  redis.call('XGROUP', 'CREATE', KEYS[3], ARGV[4], '0', 'MKSTREAM')
end
return {'queued', redis.call('XADD', KEYS[3], '*', 'call', ARGV[5])}
