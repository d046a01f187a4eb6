-- requires: none
-- rust: str::replace: every non-overlapping occurrence, matched literally
-- str::replace: every non-overlapping occurrence, left to right, matched literally.
local function redlua_replace(s, from, to)
  if from == '' then
    -- between characters (UTF-8 sequences), not bytes
    local r = { to }
    for c in string.gmatch(s, '[^\128-\191][\128-\191]*') do
      r[#r + 1] = c
      r[#r + 1] = to
    end
    return table.concat(r)
  end
  local r = {}
  local at = 1
  while true do
    local i, j = string.find(s, from, at, true)
    if i == nil then
      r[#r + 1] = string.sub(s, at)
      return table.concat(r)
    end
    r[#r + 1] = string.sub(s, at, i - 1)
    r[#r + 1] = to
    at = j + 1
  end
end
