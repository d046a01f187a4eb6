-- requires: record_text
-- rust: hset_record(&key, &record): HSET of the Some fields, then HDEL of the None fields
-- Writes record `rec` (described by `desc`, as for redlua_record_hash) into the hash
-- `key`: one HSET of the fields that hold a value, then one HDEL of those that are None,
-- each only when it has fields. The hash then reads back as the record.
local function redlua_hset_record(key, rec, desc)
  local set, del = { 'HSET', key }, { 'HDEL', key }
  for i = 2, #desc do
    local f, v = desc[i], rec[i - 1]
    if v == nil then
      del[#del + 1] = f[1]
    else
      set[#set + 1] = f[1]
      set[#set + 1] = redlua_record_text(v, f[2])
    end
  end
  if #set > 2 then
    redis.call(unpack(set))
  end
  if #del > 2 then
    redis.call(unpack(del))
  end
end
