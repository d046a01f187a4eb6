-- requires: none
-- rust: &v[a..b]: a panic when a > b or b > v.len()
-- &v[a..b] (b nil: to the end) as a new array: Rust panics when a > b or b > len
-- (for `a..`, when a > len), with its messages.
local function redlua_vec_slice(t, a, b)
  local n = #t
  if b == nil then
    if a > n then
      error('redlua: range start index ' .. string.format('%d', a) .. ' out of range for slice of length ' .. n, 2)
    end
    b = n
  end
  if a > b then
    error('redlua: slice index starts at ' .. string.format('%d', a) .. ' but ends at ' .. string.format('%d', b), 2)
  end
  if b > n then
    error('redlua: range end index ' .. string.format('%d', b) .. ' out of range for slice of length ' .. n, 2)
  end
  local r = {}
  for i = a + 1, b do
    r[i - a] = t[i]
  end
  return r
end
