-- requires: none
-- rust: Vec::truncate: keeps the first n elements
-- v.truncate(n): keeps the first n elements (nothing to do when n >= len).
local function redlua_truncate(t, n)
  for i = #t, math.max(n, 0) + 1, -1 do
    t[i] = nil
  end
end
