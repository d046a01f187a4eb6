-- requires: none
-- rust: a flat reply k1, v1, k2, v2, .. as Vec<(K, V)>
-- A flat array { k1, v1, k2, v2 } as pairs { { k1, v1 }, { k2, v2 } }.
local function redlua_pairs(t)
  local r = {}
  for i = 1, #t, 2 do
    r[#r + 1] = { t[i], t[i + 1] }
  end
  return r
end
