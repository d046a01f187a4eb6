-- requires: parse_int
-- rust: s.parse::<i64>().ok(): nil for text Rust refuses, an error for an integer beyond +/-(2^53 - 1)
-- s.parse::<i64>().ok(): None for what Rust refuses; an error for an integer that Rust
-- accepts but Lua cannot hold exactly (beyond +/-(2^53 - 1)).
local function redlua_parse_int_checked(s)
  local n = redlua_parse_int(s)
  if n == nil and string.find(s, '^[+-]?%d+$') then
    error('redlua: integer overflow: ' .. string.sub(s, 1, 32) .. ' is beyond +/-(2^53 - 1)', 2)
  end
  return n
end
