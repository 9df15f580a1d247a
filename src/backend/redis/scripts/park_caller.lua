-- A caller parks its own execution while its call's function waits: the answer, when it
-- comes, wakes the caller (answer.lua adds it to the function's resumes) and is kept as
-- long as the caller may wait. A call answered already is not parked: its answer comes
-- back, kept as long.
-- KEYS: reply key, caller key
-- ARGV: parked caller json, ttl ms (until a while after the deadline)
local stored = redis.call('GET', KEYS[1])
if stored then
  if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
  end
  return {'answered', stored}
end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
return {'parked'}
