-- requires: none
-- rust: i64 `/`: truncates toward zero, panics on a zero divisor
-- Rust's integer division: truncates toward zero, panics on zero. A quotient in (-1, 0]
-- is -0 in Lua (0 / -3, math.ceil(-0.5)): `+ 0` makes it 0, as Rust's i64 has no -0.
local function redlua_div(a, b)
  if b == 0 then
    error('redlua: attempt to divide by zero', 2)
  end
  local q = a / b
  if q > 0 then
    return math.floor(q)
  end
  return math.ceil(q) + 0
end
