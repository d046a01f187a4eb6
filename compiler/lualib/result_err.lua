-- requires: is_err
-- rust: Result::err of a try_call! result: the error's text
local function redlua_result_err(v)
  if redlua_is_err(v) then
    return v.err
  end
  return nil
end
