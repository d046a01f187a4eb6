#!lua name=hand_windows
-- Pattern 10 written by hand: the baseline of the `windows` library (examples/src/sliding_window.rs).

local function hit(keys, args)
  local limit = tonumber(args[1])
  local window = tonumber(args[2])
  local now = tonumber(args[3])
  redis.call('ZREMRANGEBYSCORE', keys[1], '-inf', now - window)
  if redis.call('ZCARD', keys[1]) >= limit then
    return 0
  end
  redis.call('ZADD', keys[1], now, args[4])
  redis.call('PEXPIRE', keys[1], window)
  return 1
end

redis.register_function('hand_hit', hit)
