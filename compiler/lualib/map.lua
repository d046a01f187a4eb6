-- requires: none
-- rust: iter().map(f).collect(): a new Vec
local function redlua_map(t, f)
  local r = {}
  for i = 1, #t do
    r[i] = f(t[i])
  end
  return r
end
