-- An execution that a Function trigger started begins to run its call. It runs it unless
-- the call has its answer, or another runner has it: the caller took it back, or another
-- execution holds its entry. A runner whose entry went to another consumer since has
-- died (a trigger took the entry over): then this execution runs the call again. The
-- entry moves to this runner, whose process keeps it fresh while the execution runs.
-- The definition records when a call of the function last started: callers waiting for a
-- slot see the function's executions progress (take_back.lua). Which n8n execution runs it
-- is recorded too, for when it parks (parked.lua).
-- KEYS: runner key, calls stream, reply key, definition hash, execution key
-- ARGV: runner, entry id, group, runner key ttl ms, now ms, execution json ('' if none)
if redis.call('EXISTS', KEYS[3]) == 1 then
  return 'answered'
end
local current = redis.call('GET', KEYS[1])
if current and current ~= ARGV[1] then
  if ARGV[2] == '' then
    return 'elsewhere'
  end
  local pending = redis.call('XPENDING', KEYS[2], ARGV[3], ARGV[2], ARGV[2], 1)
  local holder = pending[1] and pending[1][2]
  if not holder or holder == current then
    return 'elsewhere'
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
redis.call('XCLAIM', KEYS[2], ARGV[3], ARGV[1], 0, ARGV[2], 'JUSTID')
redis.call('HSET', KEYS[4], 'startedAt', ARGV[5])
if ARGV[6] ~= '' then
  redis.call('SET', KEYS[5], ARGV[6], 'PX', ARGV[4])
end
return 'run'
