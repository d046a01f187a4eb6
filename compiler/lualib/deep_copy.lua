-- requires: none
-- rust: Clone of a struct or a Vec of Vecs: a copy that shares no table
-- .clone() of a struct (or a Vec of Vecs): a copy that shares no table.
local function redlua_deep_copy(t)
  local r = {}
  for k, v in pairs(t) do
    if type(v) == 'table' then
      r[k] = redlua_deep_copy(v)
    else
      r[k] = v
    end
  end
  return r
end
