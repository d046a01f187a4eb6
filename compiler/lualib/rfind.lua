-- requires: none
-- rust: str::rfind with a &str: the byte offset of the last match, or None
-- s.rfind(p): the byte offset of the last p, or nil.
local function redlua_rfind(s, p)
  local at = nil
  local i = 1
  while true do
    -- Lua clamps a start past the end to the end: stop there.
    local j = i <= #s + 1 and string.find(s, p, i, true)
    if not j then
      break
    end
    at = j
    i = j + 1
  end
  if at == nil then
    return nil
  end
  return at - 1
end
