-- requires: none
-- rust: HashMap::len: the number of entries
local function redlua_map_len(t)
  local n = 0
  for _ in pairs(t) do
    n = n + 1
  end
  return n
end
