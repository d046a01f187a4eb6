-- requires: none
-- rust: str::find with a &str: the 0-based byte index of the first match, or None
-- str::find with a string pattern: the 0-based byte index of the first match.
local function redlua_find(s, p)
  local i = string.find(s, p, 1, true)
  if i == nil then
    return nil
  end
  return i - 1
end
