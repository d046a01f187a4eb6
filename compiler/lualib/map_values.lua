-- requires: none
-- rust: HashMap::values collected into a Vec
local function redlua_map_values(m)
  local t = {}
  for _, v in pairs(m) do
    t[#t + 1] = v
  end
  return t
end
