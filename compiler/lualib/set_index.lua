-- requires: none
-- rust: v[i] = x: a panic when i is out of bounds
local function redlua_set_index(t, i, v)
  if i < 0 or i >= #t then
    error('redlua: index out of bounds: the len is ' .. #t .. ' but the index is ' .. string.format('%d', i), 2)
  end
  t[i + 1] = v
end
