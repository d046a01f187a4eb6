-- requires: none
-- rust: str::split_once: the text before and after the first p, or None
-- s.split_once(p): the text before and after the first p, or nil.
local function redlua_split_once(s, p)
  local i = string.find(s, p, 1, true)
  if i == nil then
    return nil
  end
  return { string.sub(s, 1, i - 1), string.sub(s, i + #p) }
end
