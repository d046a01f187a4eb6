-- requires: none
-- rust: f64::round: half away from zero
-- f64::round: half away from zero; NaN, the infinities and both zeros are their own
-- rounding (-0.0 stays -0.0, as in Rust).
local function redlua_round(x)
  if x ~= x or x == math.huge or x == -math.huge or x == 0 then
    return x
  end
  local a = math.abs(x)
  local f = math.floor(a)
  if a - f >= 0.5 then
    f = f + 1
  end
  if x < 0 then
    return -f
  end
  return f
end
