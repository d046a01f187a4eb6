-- requires: none
-- rust: str::splitn: at most n pieces, the last one holding the rest
-- s.splitn(n, p): at most n pieces, the last one holding the rest.
local function redlua_splitn(s, n, p)
  local t = {}
  if n <= 0 then
    return t
  end
  if p == '' then
    error('redlua: splitting on an empty separator', 2)
  end
  local i = 1
  while #t < n - 1 do
    local j = string.find(s, p, i, true)
    if j == nil then
      break
    end
    t[#t + 1] = string.sub(s, i, j - 1)
    i = j + #p
  end
  t[#t + 1] = string.sub(s, i)
  return t
end
