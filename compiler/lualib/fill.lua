-- requires: deep_copy
-- rust: vec![x; n]: n clones of x
-- vec![x; n]: n copies of x (a table is copied, as Rust clones it).
local function redlua_fill(x, n)
  local t = {}
  for i = 1, n do
    if type(x) == 'table' then
      t[i] = redlua_deep_copy(x)
    else
      t[i] = x
    end
  end
  return t
end
