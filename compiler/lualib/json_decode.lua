-- requires: json_parse, json_value
-- rust: json_decode::<T>(&text)?: the JSON text as a T, or a rejection naming the field
-- The JSON text `s` as a value of the type `d` describes (see redlua_json_value), or nil
-- and the rejection's text: `REJECT Job is not valid JSON`, before any field of the wrong
-- type (`REJECT Job.attempts is not a valid i64`), which the caller replies.
local function redlua_json_decode(s, d)
  local tree = redlua_json_parse(s)
  if tree == nil then
    return nil, 'REJECT ' .. d[2] .. ' is not valid JSON'
  end
  local v, err = redlua_json_value(tree, d, d[2])
  if err then
    return nil, 'REJECT ' .. err
  end
  return v
end
