-- A served function's heartbeat, one round trip: proves the consumer alive, keeps the
-- calls and resumes it holds (those not yet handled) from looking abandoned, takes over
-- calls and resumes whose holders stopped (consumers, or the processes that were running
-- the calls' executions), and lists the parked calls whose deadline passed.
-- KEYS: consumers zset, calls stream, resumes stream, parked set
-- ARGV: consumer, now ms, group, stale after ms, forget consumers silent since (ms)
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[5])

-- Keeps the entries of `stream` this consumer holds fresh, and takes over stale ones.
local function keep_and_claim(stream)
  local from = '-'
  while true do
    local mine = redis.call('XPENDING', stream, ARGV[3], from, '+', 200, ARGV[1])
    if #mine == 0 then break end
    local args = {'XCLAIM', stream, ARGV[3], ARGV[1], 0}
    for _, entry in ipairs(mine) do args[#args + 1] = entry[1] end
    args[#args + 1] = 'JUSTID'
    redis.call(unpack(args))
    if #mine < 200 then break end
    from = '(' .. mine[#mine][1]
  end
  local claimed = redis.call('XAUTOCLAIM', stream, ARGV[3], ARGV[1], ARGV[4], '0-0', 'COUNT', 100)
  local out = {}
  for _, entry in ipairs(claimed[2]) do
    local info = redis.call('XPENDING', stream, ARGV[3], entry[1], entry[1], 1)
    local deliveries = 1
    if info[1] then deliveries = info[1][4] end
    out[#out + 1] = {entry[1], entry[2], deliveries}
  end
  return out
end

local calls = keep_and_claim(KEYS[2])
-- The resumes stream and its group come with the function's registration (a stream an
-- answer made before it has no group yet: nothing to keep there then).
local read, resumes = pcall(keep_and_claim, KEYS[3])
if not read then
  resumes = {}
end
local expired = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', ARGV[2], 'LIMIT', 0, 100)
return {calls, resumes, expired}
