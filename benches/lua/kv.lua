#!lua name=hand_kv
-- Pattern 7 written by hand: the baseline of the `kv` library (examples/src/get_with_default.rs).

local function get_or(keys, args)
  return redis.call('GET', keys[1]) or args[1]
end

redis.register_function{function_name = 'hand_get_or', callback = get_or, flags = {'no-writes'}}
