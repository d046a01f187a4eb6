-- requires: none
-- rust: a bool argument: '1' is true, '0' is false, anything else an ERR reply
local function redlua_arg_bool(s, name)
  if s == '1' then
    return true
  elseif s == '0' then
    return false
  end
  error({ err = 'ERR redlua: argument ' .. name .. ' must be 1 or 0' })
end
