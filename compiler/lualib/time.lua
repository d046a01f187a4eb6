-- requires: none
-- rust: the TIME reply as (i64, i64): seconds and microseconds
local function redlua_time(t)
  return { tonumber(t[1]), tonumber(t[2]) }
end
