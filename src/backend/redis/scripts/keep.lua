-- Keeps the entries of calls whose executions run in this process from looking
-- abandoned, and says which it still holds (an entry a trigger took over, or one that
-- was answered, is no longer this runner's).
-- KEYS: calls stream
-- ARGV: group, runner, entry ids...
local held = {}
for i = 3, #ARGV do
  local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if pending[1] and pending[1][2] == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
    held[#held + 1] = ARGV[i]
  end
end
return held
