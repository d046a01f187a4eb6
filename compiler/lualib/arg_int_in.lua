-- requires: none
-- rust: an argument of an integer type other than i64: Rust's syntax for the type and its range
-- An argument of an integer type other than i64: Rust's syntax for the type (no '-' for
-- an unsigned type, not even "-0") and its range (lo..=hi).
local function redlua_arg_int_in(s, name, lo, hi)
  if type(s) == 'string' and string.find(s, lo < 0 and '^[+-]?%d+$' or '^%+?%d+$') then
    local n = tonumber(s)
    if n >= lo and n <= hi then
      return n + 0
    end
  end
  error({ err = 'ERR redlua: argument ' .. name .. ' must be an integer within ' .. string.format('%d..=%d', lo, hi) })
end
