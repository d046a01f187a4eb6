-- requires: none
-- rust: str::parse::<i64>().ok(): the integer, or nil for text Rust refuses or Lua cannot hold exactly
-- Rust's str::parse::<i64>: optional sign and decimal digits, exact within +/-(2^53 - 1).
-- `+ 0` turns "-0" (which tonumber reads as -0) into 0, as Rust's i64 has no -0.
local function redlua_parse_int(s)
  if type(s) == 'string' and string.find(s, '^[+-]?%d+$') then
    local n = tonumber(s)
    if n <= 9007199254740991 and n >= -9007199254740991 then
      return n + 0
    end
  end
  return nil
end
