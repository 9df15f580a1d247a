-- A Function trigger closed without its process shutting down: its workflow was
-- deactivated, unless a trigger of the function started again since (n8n closes and starts
-- triggers when a workflow is published anew). Then the function is marked deactivated, so
-- calls fail at once, and every call no execution runs is answered with that: calls never
-- read, and calls the closed trigger held whose executions had not started.
-- KEYS: definition hash, consumers zset, calls stream
-- ARGV: closed consumer, closed at ms, now ms, group, reply json, reply ttl ms,
--       the function's key prefix ("<prefix>fn:{<scope>/<name>}:")
local newest = redis.call('ZREVRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if newest[2] and tonumber(newest[2]) > tonumber(ARGV[2]) then
  return 0
end
redis.call('HSET', KEYS[1], 'deactivatedAt', ARGV[3])
local from = '-'
while true do
  local entries = redis.call('XRANGE', KEYS[3], from, '+', 'COUNT', 200)
  if #entries == 0 then break end
  for _, entry in ipairs(entries) do
    local id, fields = entry[1], entry[2]
    local pending = redis.call('XPENDING', KEYS[3], ARGV[4], id, id, 1)
    local holder = pending[1] and pending[1][2]
    if not holder or holder == ARGV[1] then
      local call = nil
      for i = 1, #fields, 2 do
        if fields[i] == 'call' then
          local ok, decoded = pcall(cjson.decode, fields[i + 1])
          if ok and type(decoded) == 'table' then call = decoded end
        end
      end
      if call and type(call.id) == 'string' and type(call.replyTo) == 'string' then
        if redis.call('SET', ARGV[7] .. 'reply:' .. call.id, ARGV[5], 'NX', 'PX', ARGV[6]) then
          local message = call.id .. ' ' .. ARGV[5]
          redis.call('PUBLISH', call.replyTo, message)
          local watchers = ARGV[7] .. 'watchers:' .. call.id
          for _, channel in ipairs(redis.call('SMEMBERS', watchers)) do
            if channel ~= call.replyTo then redis.call('PUBLISH', channel, message) end
          end
          redis.call('DEL', watchers, ARGV[7] .. 'running:' .. call.id, ARGV[7] .. 'runner:' .. call.id)
        end
      end
      redis.call('XACK', KEYS[3], ARGV[4], id)
      redis.call('XDEL', KEYS[3], id)
    end
  end
  if #entries < 200 then break end
  from = '(' .. entries[#entries][1]
end
return 1
