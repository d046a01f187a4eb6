-- requires: deep_eq
-- rust: slice::contains: equality by value, also for tables
local function redlua_contains(t, x)
  for i = 1, #t do
    if t[i] == x or (type(x) == 'table' and redlua_deep_eq(t[i], x)) then
      return true
    end
  end
  return false
end
