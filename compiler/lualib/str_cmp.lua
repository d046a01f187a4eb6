-- requires: none
-- rust: Ord::cmp for str: -1, 0 or 1, comparing bytes
-- Byte-wise comparison of strings, as Rust's Ord for str (Lua's `<` uses the locale).
local function redlua_str_cmp(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then
      if x < y then
        return -1
      end
      return 1
    end
  end
  if #a < #b then
    return -1
  elseif #a > #b then
    return 1
  end
  return 0
end
