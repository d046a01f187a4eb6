-- requires: get_float
-- rust: a reply of float strings and nils as Vec<Option<f64>>
-- An array of float strings or nils: None stays `false` inside a Vec.
local function redlua_opt_floats(t)
  local r = {}
  for i = 1, #t do
    if t[i] then
      r[i] = redlua_get_float(t[i])
    else
      r[i] = false
    end
  end
  return r
end
