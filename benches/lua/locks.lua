#!lua name=hand_locks
-- Patterns 3, 9 and 4 written by hand: the baseline of the `locks` library (examples/src/locks.rs).

local function acquire(keys, args)
  if redis.call('SET', keys[1], args[1], 'NX', 'EX', args[2]) then
    return 1
  end
  return 0
end

local function extend(keys, args)
  if redis.call('GET', keys[1]) == args[1] then
    return redis.call('PEXPIRE', keys[1], args[2])
  end
  return 0
end

local function release(keys, args)
  if redis.call('GET', keys[1]) == args[1] then
    return redis.call('DEL', keys[1])
  end
  return 0
end

redis.register_function('hand_acquire', acquire)
redis.register_function('hand_extend', extend)
redis.register_function('hand_release', release)
