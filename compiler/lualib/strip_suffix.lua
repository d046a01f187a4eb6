-- requires: none
-- rust: str::strip_suffix: the text before p, or None
local function redlua_strip_suffix(s, p)
  if p == '' then
    return s
  end
  if #p <= #s and string.sub(s, -#p) == p then
    return string.sub(s, 1, #s - #p)
  end
  return nil
end
