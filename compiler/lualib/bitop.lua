-- requires: int
-- rust: i64 `&`, `|` and `^` on the 64-bit two's complement
-- i64 `&`, `|`, `^` (f is bit.band, bit.bor or bit.bxor), exact within +/-(2^53 - 1): the
-- high and the low 32 bits of the two's complement go through Lua's 32-bit `bit` library
-- separately.
local function redlua_bitop(f, a, b)
  local alo, blo = a % 4294967296, b % 4294967296
  local hi = f((a - alo) / 4294967296, (b - blo) / 4294967296)
  return redlua_int(hi * 4294967296 + f(alo, blo) % 4294967296)
end
