-- requires: none
-- rust: str::trim_start_matches: every leading p removed
-- s.trim_start_matches(p): every leading p removed.
local function redlua_trim_start_matches(s, p)
  if p == '' then
    return s
  end
  local i = 1
  while string.sub(s, i, i + #p - 1) == p do
    i = i + #p
  end
  return string.sub(s, i)
end
