-- requires: none
-- rust: Option::unwrap and Option::expect: the value, a panic on None
-- opt.unwrap() / opt.expect(msg): the value, or an error whose text is the panic's
-- message with the Rust location (level 2: the Lua line of the call, which the runtime
-- maps back to the Rust line).
local function redlua_unwrap(v, msg)
  if v == nil then
    error(msg, 2)
  end
  return v
end
