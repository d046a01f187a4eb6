-- requires: pairs
-- rust: stream entries as Vec<(String, Vec<(String, String)>)>
-- Stream entries { { id, { f1, v1, .. } }, .. } with the fields as pairs.
local function redlua_stream_entries(t)
  local r = {}
  for i = 1, #t do
    r[i] = { t[i][1], redlua_pairs(t[i][2]) }
  end
  return r
end
