-- requires: none
-- rust: slice::reverse, in place
local function redlua_reverse(t)
  local i, j = 1, #t
  while i < j do
    t[i], t[j] = t[j], t[i]
    i, j = i + 1, j - 1
  end
end
