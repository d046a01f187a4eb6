-- requires: record_text
-- rust: a record returned by a redis function: its fields as HGETALL gives them
-- The reply of a record (described by `desc`): a flat array of the fields that hold a
-- value and their text in a hash, in field order, as HGETALL replies.
local function redlua_record_reply(rec, desc)
  local out = {}
  for i = 2, #desc do
    local v = rec[i - 1]
    if v ~= nil then
      out[#out + 1] = desc[i][1]
      out[#out + 1] = redlua_record_text(v, desc[i][2])
    end
  end
  return out
end
