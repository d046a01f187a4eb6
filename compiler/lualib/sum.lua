-- requires: int
-- rust: Iterator::sum of i64: an overflow error beyond +/-(2^53 - 1)
local function redlua_sum(t)
  local s = 0
  for i = 1, #t do
    s = s + t[i]
  end
  return redlua_int(s)
end
