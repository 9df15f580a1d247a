-- Answers a call: the first answer is stored (the source of truth, with a TTL), the
-- caller and any callers that joined it (same idempotency key) are woken, the stream
-- entry is acknowledged and removed, and who ran it is forgotten. Later answers: 0.
-- A run that ended without answering leaves the call alone when a caller other than the
-- run's own took it back to run it itself (the runner key names that caller). A caller
-- that parked its execution meanwhile is woken through the function's resumes stream, and
-- the answer is kept as long as that caller may wait.
-- KEYS: reply key, calls stream, watchers set, runner key, caller key, resumes stream,
--       parked marker, parked set, execution key
-- ARGV: reply json, ttl ms, group, entry id ('' if none), caller's channel, call id,
--       idempotent ('1': other callers may have joined; '0': nobody can have),
--       ended ('1': a run ended without answering), the prefix of callers' runner names,
--       the ended run's runner ('' for an execution a trigger started)
if ARGV[8] == '1' then
  local runner = redis.call('GET', KEYS[4])
  if runner and string.sub(runner, 1, #ARGV[9]) == ARGV[9] and runner ~= ARGV[10] then
    return 0
  end
end
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 0
end
if ARGV[4] ~= '' then
  redis.call('XACK', KEYS[2], ARGV[3], ARGV[4])
  redis.call('XDEL', KEYS[2], ARGV[4])
end
redis.call('DEL', KEYS[4], KEYS[7], KEYS[9])
redis.call('ZREM', KEYS[8], ARGV[6])
local caller = redis.call('GET', KEYS[5])
if caller then
  local waits = redis.call('PTTL', KEYS[5])
  if waits > tonumber(ARGV[2]) then
    redis.call('PEXPIRE', KEYS[1], waits)
  end
  redis.call('XADD', KEYS[6], '*', 'call', ARGV[6], 'caller', caller)
  redis.call('DEL', KEYS[5])
end
local message = ARGV[6] .. ' ' .. ARGV[1]
redis.call('PUBLISH', ARGV[5], message)
if ARGV[7] == '1' then
  for _, channel in ipairs(redis.call('SMEMBERS', KEYS[3])) do
    if channel ~= ARGV[5] then
      redis.call('PUBLISH', channel, message)
    end
  end
  redis.call('DEL', KEYS[3])
end
return 1
