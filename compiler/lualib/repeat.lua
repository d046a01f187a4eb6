-- requires: none
-- rust: str::repeat: n copies, a panic on a negative count
local function redlua_repeat(s, n)
  if n < 0 then
    error('redlua: capacity overflow (negative repeat count)', 2)
  end
  return string.rep(s, n)
end
