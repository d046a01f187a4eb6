-- requires: none
-- rust: a reply of 1s and 0s as Vec<bool>
local function redlua_flags(t)
  local r = {}
  for i = 1, #t do
    r[i] = t[i] == 1
  end
  return r
end
