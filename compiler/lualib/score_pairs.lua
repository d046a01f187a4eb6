-- requires: get_float
-- rust: a flat reply member, score, .. as Vec<(String, f64)>
-- A flat array { member, score, .. } as { { member, score }, .. } with f64 scores.
local function redlua_score_pairs(t)
  local r = {}
  for i = 1, #t, 2 do
    r[#r + 1] = { t[i], redlua_get_float(t[i + 1]) }
  end
  return r
end
