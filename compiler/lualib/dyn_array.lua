-- requires: none
-- rust: Value::as_array: an array reply, else None
-- Value::as_array: an array reply, else nil.
local function redlua_dyn_array(v)
  if type(v) == 'table' and v.ok == nil and v.err == nil then
    return v
  end
  return nil
end
