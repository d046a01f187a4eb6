-- Pattern 1 written by hand: the baseline of the `capped_increment` script (examples/src/capped_increment.rs).
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current < tonumber(ARGV[1]) then
  return redis.call('INCR', KEYS[1])
end
return current
