-- requires: none
-- rust: HashMap::insert: sets k to v, gives the previous value (Option)
-- HashMap::insert: the previous value, if any.
local function redlua_map_insert(t, k, v)
  local old = t[k]
  t[k] = v
  return old
end
