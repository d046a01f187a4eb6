-- requires: none
-- rust: a HashMap as a reply: the flat array k1, v1, k2, v2, .. (values encoded by enc)
-- A HashMap as a reply: a flat array { k1, v1, k2, v2, .. }.
local function redlua_map_reply(t, enc)
  local r = {}
  for k, v in pairs(t) do
    r[#r + 1] = k
    if enc then
      r[#r + 1] = enc(v)
    else
      r[#r + 1] = v
    end
  end
  return r
end
