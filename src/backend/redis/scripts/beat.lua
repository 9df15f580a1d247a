-- A served function's heartbeat, one round trip: proves the consumer alive, keeps the
-- calls it holds from looking abandoned, and takes over calls whose holders stopped.
-- KEYS: consumers zset, calls stream
-- ARGV: consumer, now ms, group, stale after ms, forget consumers silent since (ms), held entry ids...
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[5])
for i = 6, #ARGV, 100 do
  local args = {'XCLAIM', KEYS[2], ARGV[3], ARGV[1], 0}
  for j = i, math.min(i + 99, #ARGV) do args[#args + 1] = ARGV[j] end
  args[#args + 1] = 'JUSTID'
  redis.call(unpack(args))
end
local claimed = redis.call('XAUTOCLAIM', KEYS[2], ARGV[3], ARGV[1], ARGV[4], '0-0', 'COUNT', 100)
local out = {}
for _, entry in ipairs(claimed[2]) do
  local info = redis.call('XPENDING', KEYS[2], ARGV[3], entry[1], entry[1], 1)
  local deliveries = 1
  if info[1] then deliveries = info[1][4] end
  out[#out + 1] = {entry[1], entry[2], deliveries}
end
return out
