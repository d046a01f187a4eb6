-- requires: char_boundary
-- rust: &s[a..b]: a panic when out of bounds or not on a char boundary
-- &s[a..b] (b nil: to the end): Rust panics when a > b, b > len, or an end is not on a
-- char boundary.
local function redlua_str_slice(s, a, b)
  local n = #s
  if b == nil then
    b = n
  end
  if a < 0 or b < a or b > n or not redlua_char_boundary(s, a) or not redlua_char_boundary(s, b) then
    error('redlua: byte range ' .. string.format('%d', a) .. '..' .. string.format('%d', b) .. ' of a string of ' .. n .. ' bytes is out of bounds or not on a char boundary', 2)
  end
  return string.sub(s, a + 1, b)
end
