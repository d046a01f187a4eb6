-- requires: rem
-- rust: i64::rem_euclid: the remainder that is never negative
-- a.rem_euclid(b): the remainder that is never negative.
local function redlua_rem_euclid(a, b)
  local r = redlua_rem(a, b)
  if r < 0 then
    r = r + math.abs(b)
  end
  return r
end
