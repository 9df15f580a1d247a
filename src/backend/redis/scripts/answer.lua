-- Answers a call: the first answer is stored (the source of truth, with a TTL), the
-- caller is woken, the stream entry is acknowledged and removed. Later answers: 0.
-- KEYS: reply key, calls stream
-- ARGV: reply json, ttl ms, group, entry id ('' if none), caller's channel, call id
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 0
end
if ARGV[4] ~= '' then
  redis.call('XACK', KEYS[2], ARGV[3], ARGV[4])
  redis.call('XDEL', KEYS[2], ARGV[4])
end
redis.call('PUBLISH', ARGV[5], ARGV[6] .. ' ' .. ARGV[1])
return 1
