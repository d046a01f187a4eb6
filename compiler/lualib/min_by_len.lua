-- requires: none
-- rust: the least i64 written with n plain digits (no sign, no leading zero): 0 for 1 digit, 10^(n-1) up to 16
-- The least value written with each number of plain decimal digits (1 digit: 0), up to 16:
-- a number that tonumber read from a text of digits no longer than the value needs came
-- from plain digits, which Rust reads as the same number (see the checks that use it).
local redlua_min_by_len = { 0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 }
