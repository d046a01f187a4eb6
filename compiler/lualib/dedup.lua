-- requires: deep_eq
-- rust: Vec::dedup: removes consecutive repeated elements (by value, as `==` compares)
-- v.dedup(): keeps the first of each run of equal elements, in place.
local function redlua_dedup(t)
  local n, j = #t, 0
  for i = 1, n do
    local x = t[i]
    if j == 0 or not redlua_deep_eq(t[j], x) then
      j = j + 1
      t[j] = x
    end
  end
  for i = n, j + 1, -1 do
    t[i] = nil
  end
end
