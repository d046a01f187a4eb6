-- requires: none
-- rust: Reject::with_code(code, message) with a formatted message: the error reply `CODE message`
-- The error reply of reject!(..) with run-time data: `code` is the code and a space,
-- line breaks in the message become spaces (a reply is one line).
local function redlua_reject(code, message)
  return redis.error_reply(code .. (string.gsub(message, '[\r\n]', ' ')))
end
