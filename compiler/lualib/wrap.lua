-- requires: none
-- rust: `n as T` for an integer type T of 8 to 32 bits: the low bits, two's complement
-- `n as u8` (and the other integer types of 8 to 32 bits): the low bits, in two's
-- complement, as Rust keeps them.
local function redlua_wrap(n, bits, signed)
  local m = n % 2 ^ bits
  if signed and m >= 2 ^ (bits - 1) then
    return m - 2 ^ bits
  end
  return m
end
