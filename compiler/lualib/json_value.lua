-- requires: none
-- rust: Json::read_json: a JSON tree as a value of its Rust type, or the rejection
-- The tree `v` (from redlua_json_parse) as a value of the type `d` describes: 'String',
-- 'bool', 'f64', { 'int', name, lo, hi }, { 'Option', d }, { 'Vec', d, name },
-- { 'HashMap', d, name }, { 'struct', name, { field, d }, .. }. Returns the value, or nil
-- and the text of the rejection naming `path` and what is wrong with it: the first
-- field (in declaration order, depth first) that is missing, given twice or not of its
-- type. `null` is None only for an Option; a map keeps the last of duplicate keys.
local function redlua_json_value(v, d, path)
  local tv = type(v) == 'table' and v.k
  if type(d) == 'string' then
    if (d == 'String' and type(v) == 'string') or (d == 'bool' and type(v) == 'boolean') then
      return v
    elseif d == 'f64' and tv == 'num' then
      return v.x
    end
    return nil, path .. ' is not a valid ' .. d
  end
  local kind = d[1]
  if kind == 'int' then
    if tv == 'num' and v.int and v.x >= d[3] and v.x <= d[4] then
      return v.x
    end
    return nil, path .. ' is not a valid ' .. d[2]
  elseif kind == 'Option' then
    if tv == 'null' then
      return nil
    end
    return redlua_json_value(v, d[2], path)
  elseif kind == 'Vec' then
    if tv ~= 'arr' then
      return nil, path .. ' is not a valid ' .. d[3]
    end
    local out = {}
    for i = 1, #v do
      local x, err = redlua_json_value(v[i], d[2], path .. '[' .. (i - 1) .. ']')
      if err then
        return nil, err
      end
      out[i] = x
    end
    return out
  elseif kind == 'HashMap' then
    if tv ~= 'obj' then
      return nil, path .. ' is not a valid ' .. d[3]
    end
    local out = {}
    for i = 1, #v.keys do
      local key = v.keys[i]
      local x, err = redlua_json_value(v.vals[i], d[2], path .. '["' .. key .. '"]')
      if err then
        return nil, err
      end
      out[key] = x
    end
    return out
  end
  if tv ~= 'obj' then
    return nil, path .. ' is not a valid ' .. d[2]
  end
  local count, at = {}, {}
  for i = 1, #v.keys do
    local key = v.keys[i]
    count[key] = (count[key] or 0) + 1
    at[key] = v.vals[i]
  end
  local out = {}
  for i = 3, #d do
    local name, fd = d[i][1], d[i][2]
    local p = path .. '.' .. name
    if count[name] == nil then
      if type(fd) ~= 'table' or fd[1] ~= 'Option' then
        return nil, p .. ' is missing'
      end
    elseif count[name] > 1 then
      return nil, p .. ' is given twice'
    else
      local x, err = redlua_json_value(at[name], fd, p)
      if err then
        return nil, err
      end
      out[i - 2] = x
    end
  end
  return out
end
