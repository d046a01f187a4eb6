-- requires: none
-- rust: x is a power of two or minus one (its products are exact)
-- True when x is a power of two (or minus one): a product of such numbers is exact.
local function redlua_pow2(x)
  local m = math.frexp(x)
  return m == 0.5 or m == -0.5
end
