-- requires: none
-- rust: Debug of Option, Vec, tuples and derived Debug of structs and enums; {:#?} too
-- `{:?}` (pad nil) or `{:#?}` (pad: the indentation so far) of a value of the type `d`
-- describes: a function (the Debug of a scalar), 'int', 'bool', 'name' (a unit enum:
-- its variant's name), { 'Option', d }, { 'Vec', d }, { 'tuple', d1, d2, .. },
-- { 'struct', 'S', 'field', d, .. } or { 'enum', Variant = { braces, [field,] d, .. } }
-- (an enum with data: { 'Variant', field values.. }).
local function redlua_debug(v, d, pad)
  if type(d) == 'function' then
    return d(v)
  elseif d == 'int' then
    return string.format('%d', v)
  elseif d == 'bool' then
    return tostring(v)
  elseif d == 'name' then
    return v
  end
  local inner = pad and pad .. '    '
  -- open .. items .. close, as Rust's debug builders write them: `, ` between items;
  -- pretty, one item a line, each with a trailing `,`. `one` is the 1-tuple's `(a,)`.
  local function group(open, items, close, one)
    if #items == 0 then
      return open .. close
    elseif pad then
      return open .. '\n' .. inner .. table.concat(items, ',\n' .. inner) .. ',\n' .. pad .. close
    elseif one and #items == 1 then
      return open .. items[1] .. ',' .. close
    end
    return open .. table.concat(items, ', ') .. close
  end
  -- The fields of a struct or a variant: `S { a: 1 }` (braces) or `S(1)`; `S` alone when
  -- there are none. Values from v[at] on, descriptors from f[from] on.
  local function fields(name, braces, f, from, at)
    local items = {}
    local step = braces and 2 or 1
    for i = from, #f, step do
      if braces then
        items[#items + 1] = f[i] .. ': ' .. redlua_debug(v[at], f[i + 1], inner)
      else
        items[#items + 1] = redlua_debug(v[at], f[i], inner)
      end
      at = at + 1
    end
    if #items == 0 then
      return name
    elseif braces then
      if pad then
        return group(name .. ' {', items, '}')
      end
      return name .. ' { ' .. table.concat(items, ', ') .. ' }'
    end
    return group(name .. '(', items, ')')
  end
  local kind = d[1]
  if kind == 'Option' then
    -- None is nil (false inside a Vec, which holds no Option<bool>).
    if v == nil or (v == false and d[2] ~= 'bool') then
      return 'None'
    end
    return group('Some(', { redlua_debug(v, d[2], inner) }, ')')
  elseif kind == 'Vec' then
    local items = {}
    for i = 1, #v do
      items[i] = redlua_debug(v[i], d[2], inner)
    end
    return group('[', items, ']')
  elseif kind == 'tuple' then
    local items = {}
    for i = 2, #d do
      items[i - 1] = redlua_debug(v[i - 1], d[i], inner)
    end
    return group('(', items, ')', true)
  elseif kind == 'struct' then
    return fields(d[2], true, d, 3, 1)
  end
  local f = d[v[1]]
  return fields(v[1], f[1], f, 2, 2)
end
