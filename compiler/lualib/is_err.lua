-- requires: none
-- rust: Result::is_err of a try_call! result (redis.pcall's error table)
-- A try_call! result is an error when redis.pcall returned an error table.
local function redlua_is_err(v)
  return type(v) == 'table' and v.err ~= nil
end
