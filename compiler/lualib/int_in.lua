-- requires: none
-- rust: arithmetic on an integer type other than i64: a panic outside lo..=hi
-- Arithmetic on an integer type other than i64: Rust panics when a result leaves the
-- type's range (lo..=hi; within +/-(2^53 - 1) for the 64-bit types).
local function redlua_int_in(n, lo, hi)
  if n < lo or n > hi then
    error('redlua: attempt to compute with overflow: the result is outside ' .. string.format('%d..=%d', lo, hi), 2)
  end
  return n
end
