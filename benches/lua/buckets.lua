#!lua name=hand_buckets
-- Pattern 6 written by hand: the baseline of the `buckets` library (examples/src/token_bucket.rs).

local function take(keys, args)
  local capacity = tonumber(args[1])
  local rate = tonumber(args[2])
  local now = tonumber(args[3])
  local requested = tonumber(args[4])
  local tokens = tonumber(redis.call('HGET', keys[1], 'tokens') or capacity)
  local last = tonumber(redis.call('HGET', keys[1], 'ts') or now)
  local elapsed = math.max(0, now - last)
  local available = math.min(capacity, tokens + elapsed / 1000 * rate)
  local allowed = 0
  if available >= requested then
    available = available - requested
    allowed = 1
  end
  redis.call('HSET', keys[1], 'tokens', string.format('%.17g', available), 'ts', now)
  redis.call('PEXPIRE', keys[1], math.ceil(capacity / rate * 1000))
  return { allowed, math.floor(available) }
end

redis.register_function('hand_take', take)
