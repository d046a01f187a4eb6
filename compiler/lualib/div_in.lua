-- requires: none
-- rust: `/`, `%`, div_euclid, rem_euclid of i8, i16, i32: a panic on MIN / -1
-- `/`, `%`, div_euclid and rem_euclid (f) of i8, i16 and i32: Rust panics on MIN / -1,
-- whose quotient does not fit the type.
local function redlua_div_in(a, b, lo, f)
  if b == -1 and a == lo then
    error('redlua: attempt to divide with overflow', 2)
  end
  return f(a, b)
end
