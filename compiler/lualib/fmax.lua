-- requires: none
-- rust: f64::max: a NaN operand is ignored (the other value is the result)
-- f64::max: a NaN is ignored (the other value is the result), as in Rust; Lua's math.max
-- would keep the NaN.
local function redlua_fmax(a, b)
  if a ~= a or b > a then
    return b
  end
  return a
end
