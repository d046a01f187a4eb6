-- requires: none
-- rust: Ord::clamp of the integer types, f64::clamp
-- x.clamp(lo, hi) of integers and floats: Rust panics unless lo <= hi (a NaN bound
-- fails the test too); a NaN x stays NaN, and -0.0 is not below 0.0.
local function redlua_clamp(x, lo, hi)
  if not (lo <= hi) then
    error('redlua: clamp: min > max, or either was NaN', 2)
  end
  if x < lo then
    return lo
  elseif x > hi then
    return hi
  end
  return x
end
