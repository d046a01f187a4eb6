-- requires: none
-- rust: Iterator::step_by: the step, a panic when it is not positive
local function redlua_step(n)
  if n <= 0 then
    error('redlua: assertion failed: step != 0 (step_by needs a positive step)', 2)
  end
  return n
end
