-- requires: none
-- rust: a Vec<(K, V)> appended to a command's arguments, flattened
-- Appends the pairs of u to t, flattened.
local function redlua_extend_pairs(t, u)
  for i = 1, #u do
    t[#t + 1] = u[i][1]
    t[#t + 1] = u[i][2]
  end
  return t
end
