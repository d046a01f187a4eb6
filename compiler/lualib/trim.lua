-- requires: none
-- rust: str::trim, trim_start and trim_end: strips Unicode White_Space
-- str::trim: strips Unicode White_Space (ASCII ones and their UTF-8 multi-byte kin);
-- a constant table, as library code may not call `string` while it loads.
local redlua_ws = {
  ['\194\133'] = true, ['\194\160'] = true, ['\225\154\128'] = true, ['\226\128\168'] = true,
  ['\226\128\169'] = true, ['\226\128\175'] = true, ['\226\129\159'] = true, ['\227\128\128'] = true,
  ['\226\128\128'] = true, ['\226\128\129'] = true, ['\226\128\130'] = true, ['\226\128\131'] = true,
  ['\226\128\132'] = true, ['\226\128\133'] = true, ['\226\128\134'] = true, ['\226\128\135'] = true,
  ['\226\128\136'] = true, ['\226\128\137'] = true, ['\226\128\138'] = true,
}
local function redlua_trim(s, front, back)
  local i, j = 1, #s
  while front and i <= j do
    local b = string.byte(s, i)
    if b == 32 or (b >= 9 and b <= 13) then
      i = i + 1
    elseif redlua_ws[string.sub(s, i, i + 1)] then
      i = i + 2
    elseif redlua_ws[string.sub(s, i, i + 2)] then
      i = i + 3
    else
      break
    end
  end
  while back and j >= i do
    local b = string.byte(s, j)
    if b == 32 or (b >= 9 and b <= 13) then
      j = j - 1
    elseif j - 1 >= i and redlua_ws[string.sub(s, j - 1, j)] then
      j = j - 2
    elseif j - 2 >= i and redlua_ws[string.sub(s, j - 2, j)] then
      j = j - 3
    else
      break
    end
  end
  return string.sub(s, i, j)
end
