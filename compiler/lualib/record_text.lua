-- requires: fmt_float
-- rust: HashField::to_text: a record field's text in a hash
-- The text of a record's field of type `ty` in a hash: integers in decimal, floats as
-- Rust prints them, bools as 1 / 0, strings as they are.
local function redlua_record_text(v, ty)
  if ty == 'String' then
    return v
  elseif ty == 'bool' then
    return v and '1' or '0'
  elseif ty == 'f64' then
    return redlua_fmt_float(v)
  end
  return string.format('%d', v)
end
