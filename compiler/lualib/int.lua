-- requires: none
-- rust: the result of i64 arithmetic: the number itself, an overflow error beyond +/-(2^53 - 1)
-- Integers are exact in Lua only within +/-(2^53 - 1): refuse to go on with a wrong number.
local function redlua_int(n)
  if n > 9007199254740991 or n < -9007199254740991 then
    error('redlua: integer overflow (beyond +/-(2^53 - 1))', 2)
  end
  return n
end
