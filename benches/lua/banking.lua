#!lua name=hand_banking
-- Patterns 8 and 7 written by hand: the baseline of the `banking` library (examples/src/banking.rs).

local function transfer(keys, args)
  local amount = tonumber(args[1])
  if amount <= 0 then
    return redis.error_reply('REJECT amount must be positive')
  end
  local balance = tonumber(redis.call('GET', keys[1]) or '0')
  if balance < amount then
    return redis.error_reply('REJECT insufficient funds')
  end
  local left = redis.call('DECRBY', keys[1], amount)
  redis.call('INCRBY', keys[2], amount)
  return left
end

local function get_or(keys, args)
  return redis.call('GET', keys[1]) or args[1]
end

redis.register_function('hand_banking_transfer', transfer)
redis.register_function{function_name = 'hand_banking_get_or', callback = get_or, flags = {'no-writes'}}
