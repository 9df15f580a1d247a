-- The caller's deadline passed. Returns a late answer if one is stored; otherwise
-- stores the timeout as the answer (so a late Return from Function is refused), removes
-- a call nobody took so it never runs late, and tells whether somebody took it.
-- KEYS: reply key, calls stream
-- ARGV: timeout reply json, ttl ms, group, entry id
local stored = redis.call('GET', KEYS[1])
if stored then
  return {'answered', stored}
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local pending = redis.call('XPENDING', KEYS[2], ARGV[3], ARGV[4], ARGV[4], 1)
if #pending == 0 then
  redis.call('XDEL', KEYS[2], ARGV[4])
  return {'timeout', '0'}
end
redis.call('XACK', KEYS[2], ARGV[3], ARGV[4])
redis.call('XDEL', KEYS[2], ARGV[4])
return {'timeout', '1'}
