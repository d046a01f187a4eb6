-- requires: int
-- rust: i64 `<<` and `>>`: a panic when the shift is not within 0..64
-- i64 `a << n` and `a >> n` (arithmetic): Rust panics when n is not within 0..64.
local function redlua_shift(a, n, left)
  if n < 0 or n > 63 then
    error('redlua: attempt to shift ' .. (left and 'left' or 'right') .. ' with overflow', 2)
  end
  if left then
    -- Beyond the i64 range, the low 64 bits in two's complement, as Rust keeps them (exact:
    -- a * 2 ^ n only moves the bits, and n > 10 there).
    local m = a * 2 ^ n
    if m >= 9223372036854775808 or m < -9223372036854775808 then
      m = m % 18446744073709551616
      if m >= 9223372036854775808 then
        m = m - 18446744073709551616
      end
    end
    return redlua_int(m)
  end
  return math.floor(a / 2 ^ n)
end
