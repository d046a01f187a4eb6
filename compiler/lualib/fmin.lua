-- requires: none
-- rust: f64::min: a NaN operand is ignored (the other value is the result)
-- f64::min: a NaN is ignored (the other value is the result), as in Rust; Lua's math.min
-- would keep the NaN.
local function redlua_fmin(a, b)
  if a ~= a or b < a then
    return b
  end
  return a
end
