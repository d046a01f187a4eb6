-- GCRA rate limiter, modelled on the algorithm of go-redis/redis_rate (itself after
-- rwz/redis-gcra); written for redlua's book, not copied from either.
-- KEYS[1]: the limiter's key, holding the "theoretical arrival time" (TAT) in ms
-- ARGV: burst, rate (requests per period), period (ms), cost, now (ms)
-- redis_rate reads the clock with TIME; this version takes it as ARGV[5].
local key = KEYS[1]
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
if not rate or rate <= 0 then
  return redis.error_reply('ERR invalid rate ' .. ARGV[2])
end
local period = tonumber(ARGV[3])
if not period or period <= 0 then
  return redis.error_reply('ERR invalid period ' .. ARGV[3])
end
local cost = tonumber(ARGV[4])
local now = tonumber(ARGV[5])

local interval = period / rate
local increment = interval * cost
local offset = interval * burst

local tat = redis.call('GET', key)
if tat then
  tat = tonumber(tat)
else
  tat = now
end
if tat < now then
  tat = now
end

local new_tat = tat + increment
local diff = now - (new_tat - offset)
local remaining = diff / interval

if remaining < 0 then
  -- limited: nothing allowed, retry after -diff ms, reset after tat - now ms
  return {0, 0, tostring(-diff), tostring(tat - now)}
end

local reset_after = new_tat - now
if reset_after > 0 then
  redis.call('SET', key, new_tat, 'PX', math.ceil(reset_after))
end
return {cost, remaining, '-1', tostring(reset_after)}
