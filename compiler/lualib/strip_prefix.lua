-- requires: none
-- rust: str::strip_prefix: the rest after p, or None
local function redlua_strip_prefix(s, p)
  if string.sub(s, 1, #p) == p then
    return string.sub(s, #p + 1)
  end
  return nil
end
