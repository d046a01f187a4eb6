-- requires: none
-- rust: HashMap::keys collected into a Vec
local function redlua_map_keys(m)
  local t = {}
  for k in pairs(m) do
    t[#t + 1] = k
  end
  return t
end
