-- requires: parse_float
-- rust: a bulk reply read as Option<f64>: nil when missing, an error when not a number
-- A bulk reply read as Option<f64>: nil when missing, an error when not a number.
local function redlua_get_float(v)
  if v == false then
    return nil
  end
  -- The common form first (digits with an optional fraction), as redlua_parse_float does.
  if string.find(v, '^[+-]?%d+%.?%d*$') then
    return tonumber(v)
  end
  local n = redlua_parse_float(v)
  if n == nil then
    error('redlua: value is not a number: ' .. string.sub(v, 1, 64), 2)
  end
  return n
end
