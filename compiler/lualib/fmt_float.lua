-- requires: none
-- rust: Display for f64: the shortest digits that read back the same, never an exponent
-- Rust's Display for f64: the shortest digits that read back as the same number,
-- never in exponent form (Lua's tostring would print 0.1 + 0.2 as 0.3).
local function redlua_fmt_float(x)
  -- Integral values print as integers (Rust prints 3.0 as 3). `x % 1` is NaN for
  -- inf and NaN; zero is left to the signed-zero case below.
  if x % 1 == 0 and x < 1e15 and x > -1e15 and x ~= 0 then
    return string.format('%d', x)
  end
  if x ~= x then
    return 'NaN'
  elseif x == math.huge then
    return 'inf'
  elseif x == -math.huge then
    return '-inf'
  elseif x == 0 then
    if 1 / x < 0 then
      return '-0'
    end
    return '0'
  end
  -- The shortest digits that read back exactly. For normal numbers that is the first
  -- of 15, 16, 17 significant digits that does (%g drops trailing zeros, so 0.1 comes
  -- out of %.15g as 0.1); subnormals have fewer digits of precision: try them all.
  local s
  if x > 2.2250738585072014e-308 or x < -2.2250738585072014e-308 then
    s = string.format('%.15g', x)
    if tonumber(s) ~= x then
      s = string.format('%.16g', x)
      if tonumber(s) ~= x then
        s = string.format('%.17g', x)
      end
    end
  else
    for p = 1, 17 do
      s = string.format('%.' .. p .. 'g', x)
      if tonumber(s) == x then
        break
      end
    end
  end
  if not string.find(s, 'e', 1, true) then
    return s
  end
  local sign, mant, e = string.match(s, '^(-?)([%d.]+)e([-+]%d+)$')
  if mant == nil then
    return s
  end
  local int, frac = string.match(mant, '^(%d+)%.?(%d*)$')
  local digits = int .. frac
  local point = #int + tonumber(e)
  if point <= 0 then
    return sign .. '0.' .. string.rep('0', -point) .. digits
  elseif point >= #digits then
    return sign .. digits .. string.rep('0', point - #digits)
  end
  return sign .. string.sub(digits, 1, point) .. '.' .. string.sub(digits, point + 1)
end
