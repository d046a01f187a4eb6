-- requires: none
-- rust: Value::as_string: the text of a bulk or status reply, else None
-- Value::as_string: a bulk or status reply, else nil.
local function redlua_dyn_string(v)
  if type(v) == 'string' then
    return v
  elseif type(v) == 'table' and type(v.ok) == 'string' then
    return v.ok
  end
  return nil
end
