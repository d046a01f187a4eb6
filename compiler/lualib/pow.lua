-- requires: int
-- rust: i64::pow: a panic on a negative exponent, an overflow error beyond +/-(2^53 - 1)
local function redlua_pow(a, b)
  if b < 0 then
    error('redlua: negative exponent', 2)
  end
  return redlua_int(a ^ b)
end
