-- requires: int
-- rust: `<<` and `>>` of an integer type other than i64: a panic when the shift is not within 0..bits
-- `a << n` and `a >> n` of an integer type of `bits` bits other than i64: Rust panics when
-- n is not within 0..bits; `<<` keeps the low bits (two's complement), `>>` is arithmetic
-- for signed types.
local function redlua_shift_in(a, n, left, bits, signed)
  if n < 0 or n >= bits then
    error('redlua: attempt to shift ' .. (left and 'left' or 'right') .. ' with overflow', 2)
  end
  if not left then
    return math.floor(a / 2 ^ n)
  end
  local m = (a * 2 ^ n) % 2 ^ bits
  if signed and m >= 2 ^ (bits - 1) then
    m = m - 2 ^ bits
  end
  return redlua_int(m)
end
