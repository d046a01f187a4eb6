-- requires: none
-- rust: Vec::remove: the element, a panic when the index is out of bounds
-- v.remove(i): Rust panics when i >= len.
local function redlua_vec_remove(t, i)
  if i < 0 or i >= #t then
    error('redlua: removal index (is ' .. string.format('%d', i) .. ') should be < len (is ' .. #t .. ')', 2)
  end
  return table.remove(t, i + 1)
end
