-- requires: parse_float
-- rust: hgetall_as::<T>(&key)?: a hash's fields as a record, or a rejection naming the field
-- The fields { f1, v1, f2, v2, .. } of an HGETALL reply as the record `desc` describes
-- ({ 'Job', { field, type, optional, lo, hi }, .. }), in field order; nil when there are
-- none. A missing field (not optional) or a text that Rust would not parse as the type
-- gives nil and the rejection's text (`REJECT Job.attempts is not a valid i64`) naming
-- the first such field, which the caller replies with redis.error_reply.
local function redlua_record_hash(flat, desc)
  if #flat == 0 then
    return nil
  end
  local by = {}
  for i = 1, #flat, 2 do
    by[flat[i]] = flat[i + 1]
  end
  local rec = {}
  for i = 2, #desc do
    local f = desc[i]
    local s, ty = by[f[1]], f[2]
    local v, ok = nil, true
    if s == nil then
      ok = f[3]
    elseif ty == 'String' then
      v = s
    elseif ty == 'bool' then
      if s == '1' or s == 'true' then
        v = true
      elseif s == '0' or s == 'false' then
        v = false
      else
        ok = false
      end
    elseif ty == 'f64' then
      v = redlua_parse_float(s)
      ok = v ~= nil
    else
      -- Rust's syntax for the integer type: no '-' for an unsigned one, not even "-0".
      ok = string.find(s, f[4] < 0 and '^[+-]?%d+$' or '^%+?%d+$') ~= nil
      if ok then
        v = tonumber(s)
        ok = v >= f[4] and v <= f[5]
        v = v + 0
      end
    end
    if not ok then
      local what = s == nil and ' is missing' or ' is not a valid ' .. ty
      return nil, 'REJECT ' .. desc[1] .. '.' .. f[1] .. what
    end
    rec[i - 1] = v
  end
  return rec
end
