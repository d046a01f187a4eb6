-- requires: int_in
-- rust: Iterator::sum of an integer type other than i64: a panic when a partial sum leaves lo..=hi
-- Vec::sum of an integer type other than i64: Rust panics as soon as a partial sum leaves
-- the type's range.
local function redlua_sum_in(t, lo, hi)
  local s = 0
  for i = 1, #t do
    s = redlua_int_in(s + t[i], lo, hi)
  end
  return s
end
