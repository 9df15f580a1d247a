-- Sends a call if the caller validated against the current definition and some
-- Function trigger is alive or was alive recently enough to be restarting (a workflow
-- deactivated on purpose fails its calls at once). An idempotent
-- call already answered returns the answer; one in flight is joined instead of sent again.
-- A call its caller runs itself is not queued: the runner key says who runs it.
-- KEYS: definition hash, consumers zset, calls stream, reply key, running marker, watchers set,
--       runner key
-- ARGV: expected version, now ms, inactive after ms, group, call json, idempotent ('1'/'0'),
--       caller's inbox channel, running marker ttl ms, runner ('' to queue the call)
local definition = redis.call('HMGET', KEYS[1], 'version', 'stoppedAt', 'deactivatedAt')
if not definition[1] then
  return {'missing'}
end
if definition[1] ~= ARGV[1] then
  return {'stale', redis.call('HGET', KEYS[1], 'json')}
end
local newest = redis.call('ZREVRANGE', KEYS[2], 0, 0, 'WITHSCORES')
local last_seen = math.max(tonumber(newest[2] or '-1'), tonumber(definition[2] or '-1'))
if definition[3] then
  return {'inactive', tostring(last_seen), 'deactivated'}
end
if last_seen < 0 or last_seen + tonumber(ARGV[3]) < tonumber(ARGV[2]) then
  return {'inactive', tostring(last_seen)}
end
if ARGV[6] == '1' then
  local stored = redis.call('GET', KEYS[4])
  if stored then
    return {'answered', stored}
  end
  if not redis.call('SET', KEYS[5], '1', 'NX', 'PX', ARGV[8]) then
    redis.call('SADD', KEYS[6], ARGV[7])
    redis.call('PEXPIRE', KEYS[6], ARGV[8])
    return {'joined'}
  end
end
if ARGV[9] ~= '' then
  redis.call('SET', KEYS[7], ARGV[9], 'PX', ARGV[8])
  return {'here'}
end
local id = redis.call('XADD', KEYS[3], 'NOMKSTREAM', '*', 'call', ARGV[5])
if not id then
  -- The stream is gone (first call, or Redis lost it): recreate it with its group.
  redis.call('XGROUP', 'CREATE', KEYS[3], ARGV[4], '0', 'MKSTREAM')
  id = redis.call('XADD', KEYS[3], '*', 'call', ARGV[5])
end
return {'queued', id}
