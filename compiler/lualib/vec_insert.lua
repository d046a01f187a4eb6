-- requires: none
-- rust: Vec::insert: a panic when the index is past the end
-- v.insert(i, x): Rust panics when i > len.
local function redlua_vec_insert(t, i, x)
  if i < 0 or i > #t then
    error('redlua: insertion index (is ' .. string.format('%d', i) .. ') should be <= len (is ' .. #t .. ')', 2)
  end
  table.insert(t, i + 1, x)
end
