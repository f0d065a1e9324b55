-- Sliding-window log limiter over one ZSET (score = event time in ms, member unique).
-- KEYS[1] log; ARGV: now_ms, cost, nonce, longest_ms, then (len_ms, max) per window.
-- Returns {1} when granted (cost events recorded at now), {0, retry_at_ms} otherwise.
-- Callers already reject cost > max and empty window lists.
local key = KEYS[1]
local now = tonumber(ARGV[1])
local cost = tonumber(ARGV[2])
local longest = tonumber(ARGV[4])

-- A clock behind the newest event counts as that event's time: events stay ordered, so
-- pruning is safe and a lagging replica cannot over-admit.
local top = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
if top[2] ~= nil then
  local newest = tonumber(top[2])
  if newest > now then
    now = newest
  end
  -- Prune relative to the newest event, not now: a request that records nothing must not
  -- drop events a later request (recorded at >= newest) still has to count.
  -- %d keeps integers exact; tostring would switch to exponent form past 14 digits.
  redis.call('ZREMRANGEBYSCORE', key, '-inf', string.format('%d', newest - longest))
end

local retry = nil
for i = 5, #ARGV, 2 do
  local len = tonumber(ARGV[i])
  local max = tonumber(ARGV[i + 1])
  local after = '(' .. string.format('%d', now - len)
  local count = redis.call('ZCOUNT', key, after, '+inf')
  if count + cost > max then
    -- The window passes once its k oldest events have left it.
    local k = count + cost - max
    local ev = redis.call('ZRANGEBYSCORE', key, after, '+inf', 'WITHSCORES', 'LIMIT', k - 1, 1)
    local at = tonumber(ev[2]) + len
    if retry == nil or at > retry then
      retry = at
    end
  end
end
if retry ~= nil then
  return {0, retry}
end

local nonce = ARGV[3]
for i = 1, cost do
  redis.call('ZADD', key, now, nonce .. ':' .. i)
end
redis.call('PEXPIRE', key, longest)
return {1}
