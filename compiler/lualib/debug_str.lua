-- requires: utf8_valid, debug_escapes
-- rust: Debug for str: quoted, with \" \\ \n \r \t \0 and \u{..} escapes
-- Rust's Debug for str: `"` .. `"`, with `"` and `\` escaped, \t \r \n \0 by name, the
-- code points `redlua_debug_escapes` lists (not printable, or Grapheme_Extend; from Rust's
-- own tables) and the other ASCII controls as \u{hex}; `'` and the rest as they are.
-- A Rust String is UTF-8; a Lua string that is not raises an error.
local function redlua_debug_str(s)
  if not string.find(s, '[%z\1-\31"\\\127-\255]') then
    return '"' .. s .. '"'
  end
  if not redlua_utf8_valid(s) then
    error('redlua: {:?} of a String that is not UTF-8', 0)
  end
  local named = { ['"'] = '\\"', ['\\'] = '\\\\', ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t', ['\0'] = '\\0' }
  local t = redlua_debug_escapes[1]
  -- The k-th number of the table: 4 characters of base 64 (see its comment).
  local function num(k)
    local n = 0
    for i = 4 * k - 3, 4 * k do
      local b = string.byte(t, i)
      n = n * 64 + (b == 126 and 44 or b - 48)
    end
    return n
  end
  local out = {}
  local i = 1
  while true do
    local j = string.find(s, '[%z\1-\31"\\\127-\255]', i)
    if not j then
      out[#out + 1] = string.sub(s, i)
      break
    end
    out[#out + 1] = string.sub(s, i, j - 1)
    local b = string.byte(s, j)
    if b < 128 then
      out[#out + 1] = named[string.char(b)] or string.format('\\u{%x}', b)
      i = j + 1
    else
      -- The code point of the UTF-8 sequence at j (checked above), and its length.
      local n, cp = 1, b - 192
      if b >= 240 then
        n, cp = 3, b - 240
      elseif b >= 224 then
        n, cp = 2, b - 224
      end
      for k = 1, n do
        cp = cp * 64 + string.byte(s, j + k) - 128
      end
      -- The last range whose first code point is <= cp: escaped when cp is within it.
      local lo, hi = 1, #t / 8
      while lo < hi do
        local mid = math.floor((lo + hi + 1) / 2)
        if num(2 * mid - 1) <= cp then
          lo = mid
        else
          hi = mid - 1
        end
      end
      if num(2 * lo - 1) <= cp and cp <= num(2 * lo) then
        out[#out + 1] = string.format('\\u{%x}', cp)
      else
        out[#out + 1] = string.sub(s, j, j + n)
      end
      i = j + n + 1
    end
  end
  return '"' .. table.concat(out) .. '"'
end
