-- requires: none
-- rust: a format! width: padding counted in chars, aligned, zero padding after the sign
-- A format! width: Rust counts chars, not bytes; zero padding goes after the sign.
local function redlua_pad(s, width, align, fill, zero)
  local n = select(2, string.gsub(s, '[^\128-\191]', ''))
  if n >= width then
    return s
  end
  local pad = width - n
  if zero then
    local sign = string.match(s, '^[+-]') or ''
    return sign .. string.rep('0', pad) .. string.sub(s, #sign + 1)
  elseif align == '<' then
    return s .. string.rep(fill, pad)
  elseif align == '>' then
    return string.rep(fill, pad) .. s
  end
  local left = math.floor(pad / 2)
  return string.rep(fill, left) .. s .. string.rep(fill, pad - left)
end
