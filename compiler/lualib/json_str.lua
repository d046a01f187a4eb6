-- requires: utf8_valid
-- rust: serde_json's text of a str: quoted, with `"`, `\` and control characters escaped
-- A string as serde_json writes it: `"` and `\` escaped, \b \f \n \r \t by name, the
-- other bytes below 0x20 as \u00XX (lower-case hex), everything else (`/` too) as it is.
-- A Rust String is UTF-8; a Lua string that is not raises an error.
local function redlua_json_str(s)
  if not redlua_utf8_valid(s) then
    error('redlua: json_encode of a String that is not UTF-8', 0)
  end
  local named = { ['"'] = '\\"', ['\\'] = '\\\\', ['\b'] = '\\b', ['\f'] = '\\f', ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }
  local body = string.gsub(s, '[%z\1-\31"\\]', function(c)
    return named[c] or string.format('\\u%04x', string.byte(c))
  end)
  return '"' .. body .. '"'
end
