-- requires: none
-- rust: `==` on Vecs, tuples, structs and maps: equality by value
-- `==` on Vecs, tuples, structs and maps: by value, as in Rust.
local function redlua_deep_eq(a, b)
  if type(a) ~= 'table' or type(b) ~= 'table' then
    return a == b
  end
  for k, v in pairs(a) do
    if not redlua_deep_eq(v, b[k]) then
      return false
    end
  end
  for k in pairs(b) do
    if a[k] == nil then
      return false
    end
  end
  return true
end
