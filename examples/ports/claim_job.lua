-- Claim the next job of a queue, modelled on what Bull's "moveToActive" script does;
-- written for redlua's book, not copied from Bull.
-- KEYS[1]: the wait list, KEYS[2]: the active list, KEYS[3]: the priority sorted set,
-- KEYS[4]: the channel told of active jobs, KEYS[5]: the prefix of job hashes
-- ARGV[1]: the lock token, ARGV[2]: the lock's duration (ms), ARGV[3]: now (ms),
-- ARGV[4..]: the job fields to return
local jobId = redis.call('RPOPLPUSH', KEYS[1], KEYS[2])
if not jobId then
  return nil
end
local jobKey = KEYS[5] .. jobId
if redis.call('EXISTS', jobKey) == 0 then
  redis.call('LREM', KEYS[2], -1, jobId)
  return redis.error_reply('ERR Missing key for job ' .. jobId .. '. moveToActive')
end
redis.call('SET', jobKey .. ':lock', ARGV[1], 'PX', ARGV[2])
redis.call('ZREM', KEYS[3], jobId)
redis.call('HSET', jobKey, 'processedOn', ARGV[3])
local attempts = redis.call('HINCRBY', jobKey, 'attemptsStarted', 1)
redis.call('PUBLISH', KEYS[4], jobId)
return {jobId, attempts, redis.call('HMGET', jobKey, unpack(ARGV, 4))}
