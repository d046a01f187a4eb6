-- requires: none
-- rust: `x as T` for an integer type T other than i64: truncated and saturated, NaN is 0
-- `x as u8` (and the other integer types but i64): truncated toward zero and saturated at
-- the type's bounds (lo, hi), NaN is 0, as Rust does. Beyond 2^53 - 1 (u64, usize) Lua
-- cannot hold the value: an error there.
local function redlua_f2i_in(x, lo, hi)
  if x ~= x then
    return 0
  elseif x <= lo then
    return lo
  elseif x >= hi then
    if x > hi and hi == 9007199254740991 then
      error('redlua: integer overflow (beyond +/-(2^53 - 1))', 2)
    end
    return hi
  elseif x >= 0 then
    -- `+ 0`: -0.0 passes `x >= 0`, and `as` gives the integer 0, not -0.
    return math.floor(x) + 0
  end
  return math.ceil(x) + 0
end
