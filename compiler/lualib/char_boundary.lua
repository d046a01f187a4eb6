-- requires: none
-- rust: str::is_char_boundary
-- s.is_char_boundary(i): i is 0, the length, or the offset of a byte that starts a char.
local function redlua_char_boundary(s, i)
  if i == 0 or i == #s then
    return true
  end
  if i < 0 or i > #s then
    return false
  end
  local c = string.byte(s, i + 1)
  return c < 128 or c >= 192
end
