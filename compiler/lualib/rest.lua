-- requires: none
-- rust: a trailing Vec parameter: KEYS or ARGV from a position on, each item converted
-- The remaining KEYS or ARGV from position `from`, converted one by one (a trailing
-- Vec parameter); copied in a loop, as unpack fails on long lists.
local function redlua_rest(t, from, conv, name)
  local r = {}
  for i = from, #t do
    if conv then
      r[#r + 1] = conv(t[i], name)
    else
      r[#r + 1] = t[i]
    end
  end
  return r
end
