-- requires: div, rem
-- rust: i64::div_euclid: the quotient that goes with rem_euclid
-- a.div_euclid(b): the quotient that goes with rem_euclid.
local function redlua_div_euclid(a, b)
  local q = redlua_div(a, b)
  if redlua_rem(a, b) < 0 then
    if b > 0 then
      q = q - 1
    else
      q = q + 1
    end
  end
  return q
end
