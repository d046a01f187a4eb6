-- requires: none
-- rust: str::parse::<f64>().ok(): the number, or nil for text Rust refuses
-- Rust's str::parse::<f64>: decimal digits with an optional fraction and exponent,
-- inf, infinity and NaN; no hexadecimal and no spaces (which Lua's tonumber allows).
local function redlua_parse_float(s)
  if type(s) ~= 'string' then
    return nil
  end
  -- The common form first: digits with an optional fraction.
  if string.find(s, '^[+-]?%d+%.?%d*$') then
    return tonumber(s)
  end
  local l = string.lower(s)
  local sign, word = string.match(l, '^([+-]?)(%a+)$')
  if word == 'inf' or word == 'infinity' then
    return sign == '-' and -math.huge or math.huge
  elseif word == 'nan' then
    -- Rust's NaN keeps the sign written (strtod reads 'nan' as the positive one).
    return sign == '-' and -tonumber('nan') or tonumber('nan')
  end
  if string.find(s, '^[+-]?%.%d+$') or string.find(s, '^[+-]?%d+%.?%d*[eE][+-]?%d+$')
    or string.find(s, '^[+-]?%.%d+[eE][+-]?%d+$') then
    return tonumber(s)
  end
  return nil
end
