-- Extend a lock its holder still holds, modelled on the "extend" script of redis-py's
-- Lock (the single-instance building block of Redlock-style locks); written for
-- redlua's book, not copied from redis-py.
-- KEYS[1]: the lock; ARGV[1]: the holder's token, ARGV[2]: ms,
-- ARGV[3]: "1" to replace the remaining time with ARGV[2], "0" to add ARGV[2] to it
local token = redis.call('GET', KEYS[1])
if not token or token ~= ARGV[1] then
  return 0
end
local expiration = redis.call('PTTL', KEYS[1])
if expiration < 0 then
  return 0
end
local newttl = ARGV[2]
if ARGV[3] == '0' then
  newttl = ARGV[2] + expiration
end
redis.call('PEXPIRE', KEYS[1], newttl)
return 1
