-- requires: min_by_len
-- rust: a bulk reply read as Option<i64>: nil when missing, an error when not an integer
-- A bulk reply read as Option<i64>: nil when missing, an error when not an integer
-- (Rust's syntax: optional sign and decimal digits, exact within +/-(2^53 - 1)).
local function redlua_get_int(v)
  if v == false then
    return nil
  end
  -- Plain digits first: tonumber(v, 14) refuses fractions, exponents and hexadecimal,
  -- the length refuses signs, leading zeros, spaces and what follows a NUL byte.
  local n = tonumber(v)
  if n and n >= (redlua_min_by_len[#v] or 1e16) and n <= 9007199254740991 and tonumber(v, 14) then
    return n
  end
  if string.find(v, '^[+-]?%d+$') then
    if n <= 9007199254740991 and n >= -9007199254740991 then
      return n + 0
    end
  end
  error('redlua: value is not an integer within +/-(2^53 - 1): ' .. string.sub(v, 1, 64), 2)
end
