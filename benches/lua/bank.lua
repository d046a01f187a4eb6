#!lua name=hand_bank
-- Pattern 2 written by hand: the baseline of the `bank` library (examples/src/transfer.rs).

local function transfer(keys, args)
  local amount = tonumber(args[1])
  if amount <= 0 then
    return redis.error_reply('REJECT amount must be positive')
  end
  local balance = tonumber(redis.call('GET', keys[1]) or '0')
  if balance < amount then
    return 0
  end
  redis.call('DECRBY', keys[1], amount)
  redis.call('INCRBY', keys[2], amount)
  return 1
end

local function balance(keys)
  return tonumber(redis.call('GET', keys[1]) or '0')
end

redis.register_function('hand_transfer', transfer)
redis.register_function{function_name = 'hand_balance', callback = balance, flags = {'no-writes'}}
