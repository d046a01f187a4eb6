-- requires: none
-- rust: a command with a spread Vec argument, split into pieces beyond what unpack can take
-- Sends a command whose last arguments come from a Vec. unpack fails beyond ~8000
-- values (Lua's C stack): longer lists go in pieces of whole items, and the replies
-- combine as one command's would ('sum', 'last', 'concat', 'ok').
local function redlua_call_spread(t, fixed, step, mode)
  if #t <= 7000 then
    return redis.call(unpack(t))
  end
  if mode == nil then
    error('redlua: ' .. t[1] .. ' with more than 7000 arguments cannot be split', 2)
  end
  local size = 7000 - fixed
  size = size - size % step
  local acc = nil
  if mode == 'sum' then
    acc = 0
  elseif mode == 'concat' then
    acc = {}
  end
  for from = fixed + 1, #t, size do
    local part = {}
    for i = 1, fixed do
      part[i] = t[i]
    end
    for i = from, math.min(from + size - 1, #t) do
      part[#part + 1] = t[i]
    end
    local r = redis.call(unpack(part))
    if mode == 'sum' then
      acc = acc + r
    elseif mode == 'concat' then
      for i = 1, #r do
        acc[#acc + 1] = r[i]
      end
    else
      acc = r
    end
  end
  return acc
end
