-- requires: none
-- rust: str::split with a &str: every piece, empty ones included
-- str::split with a string separator: every piece, empty ones included.
local function redlua_split(s, sep)
  if sep == '' then
    error('redlua: splitting on an empty separator', 2)
  end
  local r = {}
  local from = 1
  while true do
    local i, j = string.find(s, sep, from, true)
    if i == nil then
      r[#r + 1] = string.sub(s, from)
      return r
    end
    r[#r + 1] = string.sub(s, from, i - 1)
    from = j + 1
  end
end
