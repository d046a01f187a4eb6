-- requires: none
-- rust: a unit enum argument: the name of one of its variants, else an ERR reply
local function redlua_arg_enum(s, name, variants)
  for _, v in ipairs(variants) do
    if s == v then
      return s
    end
  end
  error({ err = 'ERR redlua: argument ' .. name .. ' must be one of ' .. table.concat(variants, ', ') })
end
