-- requires: none
-- rust: `n as T` for a narrower integer type T: an error when n is not within lo..=hi
-- `n as u32` and friends: Rust wraps what does not fit, which Lua cannot hold exactly.
local function redlua_int_cast(n, lo, hi)
  if n < lo or n > hi then
    error('redlua: ' .. string.format('%d', n) .. ' does not fit the target integer type', 2)
  end
  return n
end
