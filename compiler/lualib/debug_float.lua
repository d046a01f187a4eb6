-- requires: fmt_float
-- rust: Debug for f64: Display with a `.0` when integral; exponent form outside 1e-4 <= |x| < 1e16
-- Rust's Debug for f64: the shortest digits that read back (those of Display), as a
-- decimal with at least one digit after the point when 1e-4 <= |x| < 1e16 or x is zero
-- (1.0, -0.0, 0.1), else in exponent form (1e16, 1.5e-7, 5e-324); NaN, inf, -inf.
local function redlua_debug_float(x)
  local s = redlua_fmt_float(x)
  if x ~= x or x == math.huge or x == -math.huge then
    return s
  end
  local a = math.abs(x)
  if a == 0 or (a >= 1e-4 and a < 1e16) then
    if string.find(s, '.', 1, true) then
      return s
    end
    return s .. '.0'
  end
  -- Display wrote every significant digit: read them and the point's place back.
  local sign, int, frac = string.match(s, '^(-?)(%d+)%.?(%d*)$')
  local digits = int .. frac
  local lead = #string.match(digits, '^0*')
  local e = #int - lead - 1
  digits = string.gsub(string.sub(digits, lead + 1), '0+$', '')
  if #digits > 1 then
    digits = string.sub(digits, 1, 1) .. '.' .. string.sub(digits, 2)
  end
  return sign .. digits .. 'e' .. e
end
