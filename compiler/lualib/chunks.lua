-- requires: none
-- rust: slice::chunks: pieces of n elements, the last one shorter; a panic when n is 0
-- slice::chunks: pieces of n elements, the last one shorter.
local function redlua_chunks(t, n)
  if n <= 0 then
    error('redlua: chunk size must be non-zero', 2)
  end
  local r = {}
  for i = 1, #t, n do
    local c = {}
    for k = i, math.min(i + n - 1, #t) do
      c[#c + 1] = t[k]
    end
    r[#r + 1] = c
  end
  return r
end
