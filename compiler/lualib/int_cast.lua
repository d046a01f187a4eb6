-- requires: none
-- rust: `n as T` for a narrower integer type T: an error when n is not within lo..=hi
-- `n as u64` / `n as usize` of a negative n: Rust wraps it to 2^64 + n, which Lua cannot
-- hold exactly; and other casts of what does not fit.
local function redlua_int_cast(n, lo, hi)
  if n < lo or n > hi then
    if n < 0 and lo == 0 and hi == 9007199254740991 then
      error('redlua: ' .. string.format('%d', n) .. ' as u64/usize wraps to 2^64 - ' .. string.format('%d', -n) .. ', beyond 2^53 - 1', 2)
    end
    error('redlua: ' .. string.format('%d', n) .. ' does not fit the target integer type', 2)
  end
  return n
end
