-- requires: none
-- rust: a redlua::LuaNumber argument: Lua's tonumber, else an ERR reply
-- A LuaNumber argument: the number Lua's tonumber reads (spaces, hex, exponents, inf, nan).
local function redlua_arg_lua_number(s, name)
  local n = tonumber(s)
  if n == nil then
    error({ err = 'ERR redlua: argument ' .. name .. " must be a number as Lua's tonumber reads it" })
  end
  return n
end
