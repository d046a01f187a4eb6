-- requires: none
-- rust: i64 `%`: takes the sign of the dividend, panics on a zero divisor
-- Rust's integer remainder: takes the sign of the dividend, panics on zero; `+ 0` makes
-- a zero remainder of a negative dividend (fmod(-3, 3) is -0) the 0 of Rust's i64.
local function redlua_rem(a, b)
  if b == 0 then
    error('redlua: attempt to calculate the remainder with a divisor of zero', 2)
  end
  return math.fmod(a, b) + 0
end
