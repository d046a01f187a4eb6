-- requires: none
-- rust: str::eq_ignore_ascii_case: the same bytes once A-Z are mapped to a-z
-- a.eq_ignore_ascii_case(b): byte by byte, only the ASCII letters fold (never by locale,
-- never other bytes of UTF-8), so lengths must be equal.
local function redlua_eq_ignore_ascii_case(a, b)
  if #a ~= #b then
    return false
  end
  for i = 1, #a do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then
      if x >= 65 and x <= 90 then
        x = x + 32
      end
      if y >= 65 and y <= 90 then
        y = y + 32
      end
      if x ~= y then
        return false
      end
    end
  end
  return true
end
