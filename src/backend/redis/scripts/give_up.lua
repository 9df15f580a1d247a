-- A caller's deadline passed. Returns a late answer if one is stored. Otherwise, for the
-- caller that sent an ordinary call, stores the timeout as the answer (so a late Return
-- from Function is refused) and removes the entry; for an idempotent sender, withdraws a
-- call nobody took and leaves a running one to answer later callers; a caller that only
-- joined changes nothing. Tells whether somebody took the call, and who was running it.
-- An execution of the call that is parked is due for stopping at once (the function's
-- heartbeat stops it: expire_parked.lua), as nobody waits for its answer any more.
-- KEYS: reply key, calls stream, running marker, runner key, parked set
-- ARGV: timeout reply json, ttl ms, group, entry id ('' for a call its caller ran),
--       who ('sender', 'idempotent', 'joined'), call id, now ms
local stored = redis.call('GET', KEYS[1])
if stored then
  return {'answered', stored}
end
local runner = redis.call('GET', KEYS[4]) or ''
if ARGV[5] == 'sender' then
  redis.call('ZADD', KEYS[5], 'XX', ARGV[7], ARGV[6])
end
if ARGV[5] == 'joined' then
  return {'timeout', '1', runner}
end
local taken = ARGV[4] == '' or #redis.call('XPENDING', KEYS[2], ARGV[3], ARGV[4], ARGV[4], 1) > 0
if ARGV[5] == 'sender' then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  if ARGV[4] ~= '' then
    if taken then
      redis.call('XACK', KEYS[2], ARGV[3], ARGV[4])
    end
    redis.call('XDEL', KEYS[2], ARGV[4])
  end
elseif not taken then
  redis.call('XDEL', KEYS[2], ARGV[4])
  redis.call('DEL', KEYS[3])
end
if taken or runner ~= '' then
  return {'timeout', '1', runner}
end
return {'timeout', '0', runner}
