-- requires: json_str, json_float, sort_str
-- rust: json_encode(&v): the JSON text serde_json writes for the value
-- The JSON text of `v`, of the type `d` describes (as for redlua_json_value), as
-- serde_json writes it: struct fields in declaration order (None as null), integers in
-- decimal, floats by redlua_json_float, an empty Vec as [], map keys sorted byte by byte.
local function redlua_json_encode(v, d)
  if d == 'String' then
    return redlua_json_str(v)
  elseif d == 'bool' then
    return v and 'true' or 'false'
  elseif d == 'f64' then
    return redlua_json_float(v)
  end
  local kind, parts = d[1], {}
  if kind == 'int' then
    return string.format('%d', v)
  elseif kind == 'Option' then
    if v == nil then
      return 'null'
    end
    return redlua_json_encode(v, d[2])
  elseif kind == 'Vec' then
    for i = 1, #v do
      parts[i] = redlua_json_encode(v[i], d[2])
    end
    return '[' .. table.concat(parts, ',') .. ']'
  elseif kind == 'HashMap' then
    local keys = {}
    for k in pairs(v) do
      keys[#keys + 1] = k
    end
    redlua_sort_str(keys)
    for i = 1, #keys do
      parts[i] = redlua_json_str(keys[i]) .. ':' .. redlua_json_encode(v[keys[i]], d[2])
    end
    return '{' .. table.concat(parts, ',') .. '}'
  end
  for i = 3, #d do
    parts[i - 2] = '"' .. d[i][1] .. '":' .. redlua_json_encode(v[i - 2], d[i][2])
  end
  return '{' .. table.concat(parts, ',') .. '}'
end
