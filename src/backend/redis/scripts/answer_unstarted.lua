-- Answers calls that a deactivated function will never run (deactivate.lua marked it):
-- entries never read, and entries the closed trigger held whose executions had not
-- started, as read just before. Each is checked again here: still in the stream, not
-- taken by another consumer since, and the function still deactivated (a trigger that
-- registered meanwhile serves them).
-- KEYS: definition hash, calls stream, then per readable call: reply key, watchers set,
--       running marker, runner key
-- ARGV: group, closed consumer, reply json, reply ttl ms, then per entry: entry id, call id
--       ('' when the entry holds no readable call), the caller's channel
if redis.call('HEXISTS', KEYS[1], 'deactivatedAt') == 0 then
  return 0
end
local next_key = 3
for i = 5, #ARGV, 3 do
  local id, call_id, channel = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local keys_at = nil
  if call_id ~= '' then
    keys_at = next_key
    next_key = next_key + 4
  end
  local there = #redis.call('XRANGE', KEYS[2], id, id) > 0
  local pending = redis.call('XPENDING', KEYS[2], ARGV[1], id, id, 1)
  local holder = pending[1] and pending[1][2]
  if there and (not holder or holder == ARGV[2]) then
    if keys_at then
      local reply, watchers = KEYS[keys_at], KEYS[keys_at + 1]
      if redis.call('SET', reply, ARGV[3], 'NX', 'PX', ARGV[4]) then
        local message = call_id .. ' ' .. ARGV[3]
        redis.call('PUBLISH', channel, message)
        for _, other in ipairs(redis.call('SMEMBERS', watchers)) do
          if other ~= channel then
            redis.call('PUBLISH', other, message)
          end
        end
        redis.call('DEL', watchers, KEYS[keys_at + 2], KEYS[keys_at + 3])
      end
    end
    redis.call('XACK', KEYS[2], ARGV[1], id)
    redis.call('XDEL', KEYS[2], id)
  end
end
return 1
