-- requires: str_cmp
-- rust: slice::sort_by_key: a stable sort on the keys, strings compared by bytes
-- v.sort_by_key(f): a stable merge sort on the keys, as Rust's (table.sort is not
-- stable); string keys compare byte by byte.
local function redlua_sort_by_key(t, f, strings)
  local n = #t
  if n < 2 then
    return
  end
  local keys, idx, tmp = {}, {}, {}
  for i = 1, n do
    keys[i] = f(t[i])
    idx[i] = i
  end
  local function before(a, b)
    if strings then
      return redlua_str_cmp(keys[a], keys[b]) < 0
    end
    return keys[a] < keys[b]
  end
  local width = 1
  while width < n do
    local i = 1
    while i <= n do
      local mid, hi = math.min(i + width, n + 1), math.min(i + 2 * width, n + 1)
      local a, b, k = i, mid, i
      while a < mid and b < hi do
        if before(idx[b], idx[a]) then
          tmp[k] = idx[b]
          b = b + 1
        else
          tmp[k] = idx[a]
          a = a + 1
        end
        k = k + 1
      end
      while a < mid do
        tmp[k] = idx[a]
        a, k = a + 1, k + 1
      end
      while b < hi do
        tmp[k] = idx[b]
        b, k = b + 1, k + 1
      end
      i = i + 2 * width
    end
    idx, tmp = tmp, idx
    width = width * 2
  end
  local sorted = {}
  for i = 1, n do
    sorted[i] = t[idx[i]]
  end
  for i = 1, n do
    t[i] = sorted[i]
  end
end
