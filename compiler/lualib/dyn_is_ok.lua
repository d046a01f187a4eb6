-- requires: none
-- rust: Value::is_ok: the reply is the status reply OK
local function redlua_dyn_is_ok(v)
  return type(v) == 'table' and v.ok == 'OK'
end
