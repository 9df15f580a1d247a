-- A served function's heartbeat, one round trip: proves the consumer alive, keeps the
-- calls it holds (those whose executions have not started yet) from looking abandoned,
-- and takes over calls whose holders stopped: consumers, or the processes that were
-- running their executions.
-- KEYS: consumers zset, calls stream
-- ARGV: consumer, now ms, group, stale after ms, forget consumers silent since (ms)
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[5])
local from = '-'
while true do
  local mine = redis.call('XPENDING', KEYS[2], ARGV[3], from, '+', 200, ARGV[1])
  if #mine == 0 then break end
  local args = {'XCLAIM', KEYS[2], ARGV[3], ARGV[1], 0}
  for _, entry in ipairs(mine) do args[#args + 1] = entry[1] end
  args[#args + 1] = 'JUSTID'
  redis.call(unpack(args))
  if #mine < 200 then break end
  from = '(' .. mine[#mine][1]
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
