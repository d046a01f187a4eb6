-- requires: rfind
-- rust: str::rsplit_once: the text before and after the last p, or None
-- s.rsplit_once(p): the text before and after the last p, or nil.
local function redlua_rsplit_once(s, p)
  local at = redlua_rfind(s, p)
  if at == nil then
    return nil
  end
  return { string.sub(s, 1, at), string.sub(s, at + 1 + #p) }
end
