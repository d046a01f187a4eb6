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
  -- of 15, 16, 17 significant digits that does (trailing zeros are dropped below, so 0.1
  -- comes out of 15 digits as 0.1); subnormals have fewer digits of precision: try them all.
  local p = 15
  if x < 2.2250738585072014e-308 and x > -2.2250738585072014e-308 then
    p = 1
  end
  local s = string.format('%.' .. (p - 1) .. 'e', x)
  while p < 17 and tonumber(s) ~= x do
    p = p + 1
    s = string.format('%.' .. (p - 1) .. 'e', x)
  end
  local sign, int, frac, e = string.match(s, '^(-?)(%d)%.?(%d*)e([-+]%d+)$')
  local digits = int .. frac
  e = tonumber(e)
  -- C's printf rounds a tie (the exact digits past the p-th are a 5 and zeros only) to
  -- even; Rust's shortest digits round it away from zero (-923815308178563.25 prints as
  -- -923815308178563.3). Both read back, so take Rust's.
  local long = string.gsub(string.match(string.format('%.' .. (p + 40) .. 'e', x), '^-?([%d.]+)e'), '%.', '')
  if string.find(string.sub(long, p + 1), '^50*$') and string.sub(long, 1, p) == digits then
    local head, nines = string.match(digits, '^(%d-)(9*)$')
    if head == '' then
      digits = '1' .. string.rep('0', #nines)
      e = e + 1
    else
      digits = string.sub(head, 1, -2) .. (tonumber(string.sub(head, -1)) + 1) .. string.rep('0', #nines)
    end
  end
  digits = string.gsub(digits, '(%d-)0*$', '%1')
  if digits == '' then
    digits = '0'
  end
  local point = 1 + e
  if point <= 0 then
    return sign .. '0.' .. string.rep('0', -point) .. digits
  elseif point >= #digits then
    return sign .. digits .. string.rep('0', point - #digits)
  end
  return sign .. string.sub(digits, 1, point) .. '.' .. string.sub(digits, point + 1)
end
