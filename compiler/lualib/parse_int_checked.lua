-- requires: parse_int
-- rust: s.parse::<i64>().ok(): nil for text Rust refuses (beyond i64 included), an error for an integer of i64 beyond +/-(2^53 - 1)
-- s.parse::<i64>().ok(): None for what Rust refuses, also an integer beyond i64's range;
-- an error for an integer that Rust accepts but Lua cannot hold exactly (beyond
-- +/-(2^53 - 1)). Digits are compared with i64's bound in two exact parts: as one
-- number they would round, and comparing text would follow the server's locale.
local function redlua_parse_int_checked(s)
  local n = redlua_parse_int(s)
  if n == nil and type(s) == 'string' then
    local sign, digits = string.match(s, '^([+-]?)0*(%d+)$')
    if digits then
      local high, low = tonumber(string.sub(digits, 1, 10)), tonumber(string.sub(digits, 11))
      local bound = sign == '-' and 854775808 or 854775807
      if #digits < 19 or (#digits == 19 and (high < 9223372036 or high == 9223372036 and low <= bound)) then
        error('redlua: integer overflow: ' .. string.sub(s, 1, 32) .. ' is beyond +/-(2^53 - 1)', 2)
      end
    end
  end
  return n
end
