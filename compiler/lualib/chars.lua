-- requires: none
-- rust: str::chars: the UTF-8 characters as one-char strings
-- s.chars(): the UTF-8 characters of s, as one-char strings.
local function redlua_chars(s)
  local t = {}
  for c in string.gmatch(s, '[%z\1-\127\194-\244][\128-\191]*') do
    t[#t + 1] = c
  end
  return t
end
