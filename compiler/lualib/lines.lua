-- requires: none
-- rust: str::lines: lines split at \n, a \r before it dropped
-- s.lines(): the text between '\n's, a '\r' right before a '\n' dropped, and no empty
-- line after a final '\n'.
local function redlua_lines(s)
  local t = {}
  local i = 1
  while i <= #s do
    local j = string.find(s, '\n', i, true)
    local line
    if j == nil then
      line = string.sub(s, i)
      i = #s + 1
    else
      line = string.sub(s, i, j - 1)
      i = j + 1
      if string.sub(line, -1) == '\r' then
        line = string.sub(line, 1, -2)
      end
    end
    t[#t + 1] = line
  end
  return t
end
