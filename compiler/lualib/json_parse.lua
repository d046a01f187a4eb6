-- requires: utf8_valid
-- rust: serde_json::from_slice: JSON text as serde_json reads it, or nil
-- The JSON text `s` as a tree, or nil when serde_json would refuse it: JSON's grammar
-- only (no `NaN`, `0x10`, leading zeros or trailing commas, which cjson takes), strings
-- of UTF-8 with their escapes (a lone surrogate is refused), at most 127 levels of
-- nesting, no number beyond f64. Strings and booleans are themselves; a number is
-- { k = 'num', s = text, x = value, int = (no fraction or exponent, and not -0) }, null is
-- { k = 'null' }, an array { k = 'arr', v1, v2, .. }, an object { k = 'obj', keys = { .. },
-- vals = { .. } } in the order of the text, duplicate keys included.
local function redlua_json_parse(s)
  local pos, depth = 1, 0
  local escapes = { ['"'] = '"', ['\\'] = '\\', ['/'] = '/', b = '\b', f = '\f', n = '\n', r = '\r', t = '\t' }
  local function skip()
    pos = string.find(s, '[^ \t\n\r]', pos) or #s + 1
  end
  local function hex4(at)
    local h = string.match(s, '^%x%x%x%x', at)
    return h and tonumber(h, 16)
  end
  local function utf8(cp)
    local f = math.floor
    if cp < 0x80 then
      return string.char(cp)
    elseif cp < 0x800 then
      return string.char(0xC0 + f(cp / 64), 0x80 + cp % 64)
    elseif cp < 0x10000 then
      return string.char(0xE0 + f(cp / 4096), 0x80 + f(cp / 64) % 64, 0x80 + cp % 64)
    end
    return string.char(0xF0 + f(cp / 262144), 0x80 + f(cp / 4096) % 64, 0x80 + f(cp / 64) % 64, 0x80 + cp % 64)
  end
  -- A string; `pos` is at its opening quote.
  local function str()
    local parts, i = {}, pos + 1
    while true do
      local j = string.find(s, '[%z\1-\31"\\]', i)
      if j == nil then
        return nil
      end
      local run = string.sub(s, i, j - 1)
      if not redlua_utf8_valid(run) then
        return nil
      end
      parts[#parts + 1] = run
      local c = string.sub(s, j, j)
      if c == '"' then
        pos = j + 1
        return table.concat(parts)
      elseif c ~= '\\' then
        return nil
      end
      local e = string.sub(s, j + 1, j + 1)
      if escapes[e] then
        parts[#parts + 1] = escapes[e]
        i = j + 2
      elseif e == 'u' then
        local cp = hex4(j + 2)
        i = j + 6
        if cp == nil or (cp >= 0xDC00 and cp <= 0xDFFF) then
          return nil
        end
        if cp >= 0xD800 and cp <= 0xDBFF then
          local low = string.sub(s, i, i + 1) == '\\u' and hex4(i + 2)
          if not low or low < 0xDC00 or low > 0xDFFF then
            return nil
          end
          cp = 0x10000 + (cp - 0xD800) * 1024 + (low - 0xDC00)
          i = i + 6
        end
        parts[#parts + 1] = utf8(cp)
      else
        return nil
      end
    end
  end
  local function num()
    local a, b = string.find(s, '^-?%d+', pos)
    if a == nil or string.find(s, '^-?0%d', pos) then
      return nil
    end
    local int = true
    local c, d = string.find(s, '^%.%d+', b + 1)
    if c then
      b, int = d, false
    elseif string.sub(s, b + 1, b + 1) == '.' then
      return nil
    end
    c, d = string.find(s, '^[eE][+-]?%d+', b + 1)
    if c then
      b, int = d, false
    elseif string.find(s, '^[eE]', b + 1) then
      return nil
    end
    local text = string.sub(s, a, b)
    local x = tonumber(text)
    if x == math.huge or x == -math.huge then
      return nil
    end
    pos = b + 1
    return { k = 'num', s = text, x = x, int = int and string.find(text, '^-0+$') == nil }
  end
  local value
  value = function()
    skip()
    local c = string.sub(s, pos, pos)
    if c == '"' then
      return str()
    elseif c == '-' or string.find(c, '^%d') then
      return num()
    elseif c == 't' and string.sub(s, pos, pos + 3) == 'true' then
      pos = pos + 4
      return true
    elseif c == 'f' and string.sub(s, pos, pos + 4) == 'false' then
      pos = pos + 5
      return false
    elseif c == 'n' and string.sub(s, pos, pos + 3) == 'null' then
      pos = pos + 4
      return { k = 'null' }
    elseif c ~= '[' and c ~= '{' then
      return nil
    end
    depth = depth + 1
    if depth > 127 then
      return nil
    end
    pos = pos + 1
    local close = c == '[' and ']' or '}'
    local node = c == '[' and { k = 'arr' } or { k = 'obj', keys = {}, vals = {} }
    skip()
    if string.sub(s, pos, pos) == close then
      pos = pos + 1
      depth = depth - 1
      return node
    end
    while true do
      if c == '[' then
        local v = value()
        if v == nil then
          return nil
        end
        node[#node + 1] = v
      else
        skip()
        if string.sub(s, pos, pos) ~= '"' then
          return nil
        end
        local key = str()
        if key == nil then
          return nil
        end
        skip()
        if string.sub(s, pos, pos) ~= ':' then
          return nil
        end
        pos = pos + 1
        local v = value()
        if v == nil then
          return nil
        end
        node.keys[#node.keys + 1] = key
        node.vals[#node.vals + 1] = v
      end
      skip()
      local d = string.sub(s, pos, pos)
      pos = pos + 1
      if d == close then
        break
      elseif d ~= ',' then
        return nil
      end
    end
    depth = depth - 1
    return node
  end
  local v = value()
  if v == nil then
    return nil
  end
  skip()
  if pos <= #s then
    return nil
  end
  return v
end
