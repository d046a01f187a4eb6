-- requires: int, pow2
-- rust: checked_add, checked_sub, checked_mul of an integer type other than i64
-- checked_add, checked_sub, checked_mul of an integer type other than i64: nil outside the
-- type's bounds (lo, hi); an error for a result within them that Lua cannot hold exactly.
-- For u64, hi (2^64 - 1) is 2^64 as a Lua number: a product that rounds to it overflows
-- when it is exact (a and b powers of two), else it is too close to tell: an error.
local function redlua_checked_in(n, lo, hi, a, b)
  if n < lo or n > hi then
    return nil
  end
  if n == hi and b ~= nil and redlua_pow2(a) and redlua_pow2(b) then
    return nil
  end
  return redlua_int(n) + 0
end
