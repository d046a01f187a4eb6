-- requires: pow2
-- rust: i64::checked_mul: None on overflow, an error beyond +/-(2^53 - 1)
-- a.checked_mul(b): nil when Rust's i64 overflows; an error for a product that fits an
-- i64 but not a Lua number exactly. A product that rounds to 2^63 overflows when it is
-- exact (a and b powers of two); else it is too close to the i64 limit to tell: an error.
local function redlua_checked_mul(a, b)
  local p = a * b + 0
  if p > 9223372036854775808 or p < -9223372036854775808 then
    return nil
  end
  if p == 9223372036854775808 and redlua_pow2(a) and redlua_pow2(b) then
    return nil
  end
  if p > 9007199254740991 or p < -9007199254740991 then
    error('redlua: integer overflow (beyond +/-(2^53 - 1))', 2)
  end
  return p
end
