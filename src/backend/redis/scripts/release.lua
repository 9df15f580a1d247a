-- Gives calls a consumer took but never started to the other consumers: they are
-- marked idle long enough for the next heartbeat of any consumer to take them over.
-- KEYS: calls stream
-- ARGV: group, consumer, idle ms, entry ids...
for i = 4, #ARGV, 100 do
  local args = {'XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0}
  for j = i, math.min(i + 99, #ARGV) do args[#args + 1] = ARGV[j] end
  args[#args + 1] = 'IDLE'
  args[#args + 1] = ARGV[3]
  args[#args + 1] = 'JUSTID'
  redis.call(unpack(args))
end
return 1
