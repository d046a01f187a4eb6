-- requires: none
-- rust: f64::powi: repeated squaring, then 1 / r for a negative exponent
-- f64::powi: repeated squaring, then 1 / r for a negative exponent, the rounding of Rust's
-- powi (LLVM's powi, compiler-rt's __powidf2); Lua's ^ is C's pow, rounded differently.
local function redlua_powi(a, n)
  local m = math.abs(n)
  local r = 1.0
  while true do
    if m % 2 == 1 then
      r = r * a
    end
    m = math.floor(m / 2)
    if m == 0 then
      break
    end
    a = a * a
  end
  if n < 0 then
    return 1 / r
  end
  return r
end
