-- requires: none
-- rust: v[i]: the element at the 0-based index i, a panic when out of bounds
-- v[i] with Rust's bounds check (Lua arrays are 1-based).
local function redlua_index(t, i)
  local v = t[i + 1]
  if v == nil then
    error('redlua: index out of bounds: the len is ' .. #t .. ' but the index is ' .. string.format('%d', i), 2)
  end
  return v
end
