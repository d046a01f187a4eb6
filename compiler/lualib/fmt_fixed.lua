-- requires: none
-- rust: format!("{:.N}", x): N decimals, NaN and the infinities as Rust writes them
-- format!("{:.N}", x): C's %.Nf rounds the exact binary value to N decimals as Rust
-- does; Rust writes NaN and the infinities its own way.
local function redlua_fmt_fixed(x, n)
  if x ~= x then
    return 'NaN'
  elseif x == math.huge then
    return 'inf'
  elseif x == -math.huge then
    return '-inf'
  end
  return string.format('%.' .. n .. 'f', x)
end
