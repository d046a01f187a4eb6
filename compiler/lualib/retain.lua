-- requires: none
-- rust: Vec::retain: keeps, in order, the elements for which f is true
-- v.retain(f): keeps, in order, the elements for which f is true.
local function redlua_retain(t, f)
  local n, j = #t, 0
  for i = 1, n do
    local x = t[i]
    if f(x) then
      j = j + 1
      t[j] = x
    end
  end
  for i = n, j + 1, -1 do
    t[i] = nil
  end
end
