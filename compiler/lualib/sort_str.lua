-- requires: str_cmp
-- rust: slice::sort of strings: byte-wise order
-- v.sort() of strings: byte-wise, as Rust's Ord for str (Lua's `<` uses the locale).
local function redlua_sort_str(t)
  table.sort(t, function(a, b) return redlua_str_cmp(a, b) < 0 end)
end
