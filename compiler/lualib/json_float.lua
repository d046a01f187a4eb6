-- requires: fmt_float
-- rust: serde_json's text of an f64: shortest digits, `1.0`, `1e+16`; null if not finite
-- An f64 as serde_json writes it: the shortest digits that read back (those Rust's
-- Display prints), as a decimal with `.0` when integral (up to 16 digits before the
-- point, 5 zeros after it), else in exponent form (`1e+16`, `1.5e-7`); NaN and the
-- infinities as `null`.
local function redlua_json_float(x)
  if x ~= x or x == math.huge or x == -math.huge then
    return 'null'
  end
  local text = redlua_fmt_float(x)
  local sign = string.sub(text, 1, 1) == '-' and '-' or ''
  local int, frac = string.match(text, '^-?(%d*)%.?(%d*)$')
  local digits, point = int .. frac, #int
  local lead = string.match(digits, '^0*')
  digits, point = string.sub(digits, #lead + 1), point - #lead
  digits = string.gsub(digits, '0*$', '')
  if digits == '' then
    return sign .. '0.0'
  end
  local n = #digits
  if n <= point and point <= 16 then
    return sign .. digits .. string.rep('0', point - n) .. '.0'
  elseif point > 0 and point <= 16 then
    return sign .. string.sub(digits, 1, point) .. '.' .. string.sub(digits, point + 1)
  elseif point > -5 and point <= 0 then
    return sign .. '0.' .. string.rep('0', -point) .. digits
  end
  local e = point - 1
  local mantissa = n == 1 and digits or string.sub(digits, 1, 1) .. '.' .. string.sub(digits, 2)
  return sign .. mantissa .. 'e' .. (e > 0 and '+' or '') .. string.format('%d', e)
end
