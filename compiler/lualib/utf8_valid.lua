-- requires: none
-- rust: std::str::from_utf8(..).is_ok(): the bytes are well-formed UTF-8
-- True when the bytes of `s` are UTF-8 as Rust accepts it: no overlong forms, no
-- surrogates (U+D800 to U+DFFF), nothing past U+10FFFF.
local function redlua_utf8_valid(s)
  local i = string.find(s, '[\128-\255]')
  while i do
    local b = string.byte(s, i)
    local n, lo, hi
    if b >= 0xC2 and b <= 0xDF then
      n, lo, hi = 1, 0x80, 0xBF
    elseif b == 0xE0 then
      n, lo, hi = 2, 0xA0, 0xBF
    elseif b == 0xED then
      n, lo, hi = 2, 0x80, 0x9F
    elseif b >= 0xE1 and b <= 0xEF then
      n, lo, hi = 2, 0x80, 0xBF
    elseif b == 0xF0 then
      n, lo, hi = 3, 0x90, 0xBF
    elseif b == 0xF4 then
      n, lo, hi = 3, 0x80, 0x8F
    elseif b >= 0xF1 and b <= 0xF3 then
      n, lo, hi = 3, 0x80, 0xBF
    else
      return false
    end
    local c = string.byte(s, i + 1)
    if c == nil or c < lo or c > hi then
      return false
    end
    for k = 2, n do
      c = string.byte(s, i + k)
      if c == nil or c < 0x80 or c > 0xBF then
        return false
      end
    end
    i = string.find(s, '[\128-\255]', i + n + 1)
  end
  return true
end
