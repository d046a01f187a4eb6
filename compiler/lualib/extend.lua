-- requires: none
-- rust: Vec::extend: appends the elements of u to t
-- Appends the elements of u to t (a copy when t is new).
local function redlua_extend(t, u)
  local n = #t
  for i = 1, #u do
    t[n + i] = u[i]
  end
  return t
end
