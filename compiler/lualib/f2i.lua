-- requires: none
-- rust: `x as i64`: truncates toward zero, NaN is 0, an error beyond +/-(2^53 - 1)
-- `x as i64`: truncates toward zero, NaN is 0; beyond +/-(2^53 - 1) is an error here
-- (Rust would saturate at the i64 bounds).
local function redlua_f2i(x)
  if x ~= x then
    return 0
  end
  -- Whole values (often already math.floor'ed) need no rounding; inf goes on to the error.
  if x % 1 ~= 0 then
    if x >= 0 then
      x = math.floor(x)
    else
      x = math.ceil(x)
    end
  end
  if x > 9007199254740991 or x < -9007199254740991 then
    error('redlua: integer overflow (beyond +/-(2^53 - 1))', 2)
  end
  -- -0.0 and what truncates to it (-0.5) give 0: Rust's i64 has no -0.
  return x + 0
end
