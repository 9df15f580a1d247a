-- A Function trigger closed without its process shutting down: its workflow was
-- deactivated, unless a trigger of the function started again since (n8n closes and starts
-- triggers when a workflow is published anew). Then the function is marked deactivated:
-- send.lua refuses calls at once from now on, and answer_unstarted.lua answers the calls
-- that were waiting.
-- KEYS: definition hash, consumers zset
-- ARGV: closed at ms, now ms
local newest = redis.call('ZREVRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if newest[2] and tonumber(newest[2]) > tonumber(ARGV[1]) then
  return 0
end
redis.call('HSET', KEYS[1], 'deactivatedAt', ARGV[2])
return 1
