-- requires: none
-- rust: HashMap::remove: removes k, gives its value (Option)
local function redlua_map_remove(t, k)
  local old = t[k]
  t[k] = nil
  return old
end
