-- requires: is_err
-- rust: Result::ok of a try_call! result
local function redlua_result_ok(v)
  if redlua_is_err(v) then
    return nil
  end
  return v
end
