-- The execution running a call parked (a Wait past 65 s, an approval, a form): it is
-- recorded until the call's deadline, when the function's heartbeat stops it
-- (expire_parked.lua), and the call's callers are told, so each may park as well. The
-- call leaves its stream: no process holds it while it waits, and none may take it over
-- to run it again.
-- KEYS: reply key, parked marker, parked set, execution key, watchers set, calls stream
-- ARGV: call id, deadline ms, ttl ms, caller's channel, execution json ('': the one the
--       execution's start recorded), idempotent ('1': callers may have joined), group,
--       entry id ('' when the call has none), now ms
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
if ARGV[8] ~= '' then
  redis.call('XACK', KEYS[6], ARGV[7], ARGV[8])
  redis.call('XDEL', KEYS[6], ARGV[8])
end
local execution = ARGV[5]
if execution == '' then
  execution = redis.call('GET', KEYS[4]) or '{"executionId":"","workflowId":""}'
end
-- The marker remembers since when, for `n8n-functions status`.
local marker = cjson.decode(execution)
marker.parkedAt = tonumber(ARGV[9])
redis.call('SET', KEYS[2], cjson.encode(marker), 'PX', ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
local message = ARGV[1] .. ' {"parked":' .. execution .. '}'
redis.call('PUBLISH', ARGV[4], message)
if ARGV[6] == '1' then
  for _, channel in ipairs(redis.call('SMEMBERS', KEYS[5])) do
    if channel ~= ARGV[4] then
      redis.call('PUBLISH', channel, message)
    end
  end
end
return 1
