-- requires: none
-- rust: a bulk reply read as Option<i64>: nil when missing, an error when not an integer
-- A bulk reply read as Option<i64>: nil when missing, an error when not an integer
-- (Rust's syntax: optional sign and decimal digits, exact within +/-(2^53 - 1)).
local function redlua_get_int(v)
  if v == false then
    return nil
  end
  if string.find(v, '^[+-]?%d+$') then
    local n = tonumber(v)
    if n <= 9007199254740991 and n >= -9007199254740991 then
      return n + 0
    end
  end
  error('redlua: value is not an integer within +/-(2^53 - 1): ' .. string.sub(v, 1, 64), 2)
end
