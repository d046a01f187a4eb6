-- requires: none
-- rust: str::trim_end_matches: every trailing p removed
-- s.trim_end_matches(p): every trailing p removed.
local function redlua_trim_end_matches(s, p)
  if p == '' then
    return s
  end
  local j = #s
  while j >= #p and string.sub(s, j - #p + 1, j) == p do
    j = j - #p
  end
  return string.sub(s, 1, j)
end
