-- requires: none
-- rust: an i64 argument: Rust's integer syntax within +/-(2^53 - 1), else an ERR reply
local function redlua_arg_int(s, name)
  if type(s) == 'string' and string.find(s, '^[+-]?%d+$') then
    local n = tonumber(s)
    if n <= 9007199254740991 and n >= -9007199254740991 then
      return n + 0
    end
  end
  error({ err = 'ERR redlua: argument ' .. name .. ' must be an integer within +/-(2^53 - 1)' })
end
