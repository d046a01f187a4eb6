-- requires: parse_float
-- rust: an f64 argument: Rust's float syntax, else an ERR reply
local function redlua_arg_float(s, name)
  local n = redlua_parse_float(s)
  if n == nil then
    error({ err = 'ERR redlua: argument ' .. name .. ' must be a number' })
  end
  return n
end
