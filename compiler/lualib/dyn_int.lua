-- requires: int
-- rust: Value::as_int: an integer reply, else None
-- Value::as_int: an integer reply, else nil.
local function redlua_dyn_int(v)
  if type(v) == 'number' then
    return redlua_int(v)
  end
  return nil
end
