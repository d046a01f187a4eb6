//! Codegen: typed IR → Lua AST → text.
//!
//! Rust expressions that Lua can only express with statements (`if` as a value,
//! blocks, short-circuits around commands) are lowered into temporaries, keeping
//! Rust's left-to-right evaluation order: when a later operand needs statements,
//! earlier operands are saved first.

use crate::commands::ReplyKind;
use crate::diag::{Diagnostic, Rule};
use crate::ir::{self, CommandArg, ExprKind, Function, ParamSource, Ty};
use crate::lua::{self, BinOp as LB, Expr as L, Printed, Printer, Stmt as LS, StmtKind as K, UnOp as LU};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Lua allows 200 active locals per function; stay clearly below.
const MAX_LOCALS: usize = 190;

/// Runtime helpers the generated Lua may need; each is emitted once, only when used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Helper {
    ParseInt,
    ParseIntChecked,
    Int,
    GetInt,
    ArgInt,
    ArgBool,
    Div,
    Rem,
    Index,
    SetIndex,
    FmtFloat,
    ParseFloat,
    DynIsOk,
    DynInt,
    DynString,
    DynArray,
    IsErr,
    ResultOk,
    ResultErr,
    Rest,
    CallSpread,
    IntCast,
    DeepEq,
    MapInsert,
    MapRemove,
    MapLen,
    MapReply,
    DeepCopy,
    StrCmp,
    Trim,
    Replace,
    Repeat,
    Find,
    Split,
    Chunks,
    Flags,
    OptFloats,
    Pairs,
    ScorePairs,
    StreamEntries,
    Time,
    ExtendPairs,
    ArgFloat,
    GetFloat,
    FloatToInt,
    Round,
    Contains,
    Sum,
    Extend,
    BitOp,
    Shift,
    Fill,
    SplitOnce,
    StripPrefix,
    StripSuffix,
    TrimStartMatches,
    TrimEndMatches,
    StrSlice,
    CharBoundary,
    FmtFixed,
    Pad,
    Chars,
    Lines,
    SplitN,
    SortByKey,
    Retain,
    MapKeys,
    MapValues,
    RsplitOnce,
    Rfind,
    RemEuclid,
    DivEuclid,
    CheckedMul,
    SortStr,
    Reverse,
    VecInsert,
    VecRemove,
    Truncate,
    Map,
    Step,
    Pow,
    FloatMin,
    FloatMax,
    FloatPowi,
}

impl Helper {
    fn deps(self) -> &'static [Helper] {
        match self {
            Helper::ParseIntChecked => &[Helper::ParseInt],
            Helper::Sum | Helper::Pow => &[Helper::Int],
            Helper::Contains => &[Helper::DeepEq],
            Helper::SortStr | Helper::SortByKey => &[Helper::StrCmp],
            Helper::RsplitOnce => &[Helper::Rfind],
            Helper::StrSlice => &[Helper::CharBoundary],
            Helper::BitOp | Helper::Shift => &[Helper::Int],
            Helper::Fill => &[Helper::DeepCopy],
            Helper::RemEuclid => &[Helper::Rem],
            Helper::DivEuclid => &[Helper::Div, Helper::Rem],
            Helper::ArgFloat | Helper::GetFloat => &[Helper::ParseFloat],
            Helper::OptFloats | Helper::ScorePairs => &[Helper::GetFloat, Helper::ParseFloat],
            Helper::StreamEntries => &[Helper::Pairs],
            Helper::DynInt => &[Helper::Int],
            Helper::ResultOk | Helper::ResultErr => &[Helper::IsErr],
            _ => &[],
        }
    }

    fn source(self) -> &'static str {
        match self {
            Helper::ParseInt => "\
-- Rust's str::parse::<i64>: optional sign and decimal digits, exact within +/-(2^53 - 1).
local function redlua_parse_int(s)
  if type(s) == 'string' and string.find(s, '^[+-]?%d+$') then
    local n = tonumber(s)
    if n <= 9007199254740991 and n >= -9007199254740991 then
      return n
    end
  end
  return nil
end
",
            Helper::ParseIntChecked => "\
-- s.parse::<i64>().ok(): None for what Rust refuses; an error for an integer that Rust
-- accepts but Lua cannot hold exactly (beyond +/-(2^53 - 1)).
local function redlua_parse_int_checked(s)
  local n = redlua_parse_int(s)
  if n == nil and string.find(s, '^[+-]?%d+$') then
    error('redlua: integer overflow: ' .. string.sub(s, 1, 32) .. ' is beyond +/-(2^53 - 1)', 2)
  end
  return n
end
",
            Helper::Int => "\
-- Integers are exact in Lua only within +/-(2^53 - 1): refuse to go on with a wrong number.
local function redlua_int(n)
  if n > 9007199254740991 or n < -9007199254740991 then
    error('redlua: integer overflow (beyond +/-(2^53 - 1))', 2)
  end
  return n
end
",
            Helper::GetInt => "\
-- A bulk reply read as Option<i64>: nil when missing, an error when not an integer
-- (Rust's syntax: optional sign and decimal digits, exact within +/-(2^53 - 1)).
local function redlua_get_int(v)
  if v == false then
    return nil
  end
  if string.find(v, '^[+-]?%d+$') then
    local n = tonumber(v)
    if n <= 9007199254740991 and n >= -9007199254740991 then
      return n
    end
  end
  error('redlua: value is not an integer within +/-(2^53 - 1): ' .. string.sub(v, 1, 64), 2)
end
",
            Helper::ArgInt => "\
local function redlua_arg_int(s, name)
  if type(s) == 'string' and string.find(s, '^[+-]?%d+$') then
    local n = tonumber(s)
    if n <= 9007199254740991 and n >= -9007199254740991 then
      return n
    end
  end
  error({ err = 'ERR redlua: argument ' .. name .. ' must be an integer within +/-(2^53 - 1)' })
end
",
            Helper::ArgBool => "\
local function redlua_arg_bool(s, name)
  if s == '1' then
    return true
  elseif s == '0' then
    return false
  end
  error({ err = 'ERR redlua: argument ' .. name .. ' must be 1 or 0' })
end
",
            Helper::Div => "\
-- Rust's integer division: truncates toward zero, panics on zero.
local function redlua_div(a, b)
  if b == 0 then
    error('redlua: attempt to divide by zero', 2)
  end
  local q = a / b
  if q >= 0 then
    return math.floor(q)
  end
  return math.ceil(q)
end
",
            Helper::DynIsOk => "\
local function redlua_dyn_is_ok(v)
  return type(v) == 'table' and v.ok == 'OK'
end
",
            Helper::DynInt => "\
-- Value::as_int: an integer reply, else nil.
local function redlua_dyn_int(v)
  if type(v) == 'number' then
    return redlua_int(v)
  end
  return nil
end
",
            Helper::DynString => "\
-- Value::as_string: a bulk or status reply, else nil.
local function redlua_dyn_string(v)
  if type(v) == 'string' then
    return v
  elseif type(v) == 'table' and type(v.ok) == 'string' then
    return v.ok
  end
  return nil
end
",
            Helper::DynArray => "\
-- Value::as_array: an array reply, else nil.
local function redlua_dyn_array(v)
  if type(v) == 'table' and v.ok == nil and v.err == nil then
    return v
  end
  return nil
end
",
            Helper::IsErr => "\
-- A try_call! result is an error when redis.pcall returned an error table.
local function redlua_is_err(v)
  return type(v) == 'table' and v.err ~= nil
end
",
            Helper::ResultOk => "\
local function redlua_result_ok(v)
  if redlua_is_err(v) then
    return nil
  end
  return v
end
",
            Helper::ResultErr => "\
local function redlua_result_err(v)
  if redlua_is_err(v) then
    return v.err
  end
  return nil
end
",
            Helper::CallSpread => "\
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
",
            Helper::IntCast => "\
-- `n as u32` and friends: Rust wraps what does not fit, which Lua cannot hold exactly.
local function redlua_int_cast(n, lo, hi)
  if n < lo or n > hi then
    error('redlua: ' .. string.format('%d', n) .. ' does not fit the target integer type', 2)
  end
  return n
end
",
            Helper::DeepEq => "\
-- `==` on Vecs, tuples, structs and maps: by value, as in Rust.
local function redlua_deep_eq(a, b)
  if type(a) ~= 'table' or type(b) ~= 'table' then
    return a == b
  end
  for k, v in pairs(a) do
    if not redlua_deep_eq(v, b[k]) then
      return false
    end
  end
  for k in pairs(b) do
    if a[k] == nil then
      return false
    end
  end
  return true
end
",
            Helper::MapInsert => "\
-- HashMap::insert: the previous value, if any.
local function redlua_map_insert(t, k, v)
  local old = t[k]
  t[k] = v
  return old
end
",
            Helper::MapRemove => "\
local function redlua_map_remove(t, k)
  local old = t[k]
  t[k] = nil
  return old
end
",
            Helper::MapLen => "\
local function redlua_map_len(t)
  local n = 0
  for _ in pairs(t) do
    n = n + 1
  end
  return n
end
",
            Helper::MapReply => "\
-- A HashMap as a reply: a flat array { k1, v1, k2, v2, .. }.
local function redlua_map_reply(t, enc)
  local r = {}
  for k, v in pairs(t) do
    r[#r + 1] = k
    if enc then
      r[#r + 1] = enc(v)
    else
      r[#r + 1] = v
    end
  end
  return r
end
",
            Helper::DeepCopy => "\
-- .clone() of a struct (or a Vec of Vecs): a copy that shares no table.
local function redlua_deep_copy(t)
  local r = {}
  for k, v in pairs(t) do
    if type(v) == 'table' then
      r[k] = redlua_deep_copy(v)
    else
      r[k] = v
    end
  end
  return r
end
",
            Helper::StrCmp => "\
-- Byte-wise comparison of strings, as Rust's Ord for str (Lua's `<` uses the locale).
local function redlua_str_cmp(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then
      if x < y then
        return -1
      end
      return 1
    end
  end
  if #a < #b then
    return -1
  elseif #a > #b then
    return 1
  end
  return 0
end
",
            Helper::Trim => "\
-- str::trim: strips Unicode White_Space (ASCII ones and their UTF-8 multi-byte kin);
-- a constant table, as library code may not call `string` while it loads.
local redlua_ws = {
  ['\\194\\133'] = true, ['\\194\\160'] = true, ['\\225\\154\\128'] = true, ['\\226\\128\\168'] = true,
  ['\\226\\128\\169'] = true, ['\\226\\128\\175'] = true, ['\\226\\129\\159'] = true, ['\\227\\128\\128'] = true,
  ['\\226\\128\\128'] = true, ['\\226\\128\\129'] = true, ['\\226\\128\\130'] = true, ['\\226\\128\\131'] = true,
  ['\\226\\128\\132'] = true, ['\\226\\128\\133'] = true, ['\\226\\128\\134'] = true, ['\\226\\128\\135'] = true,
  ['\\226\\128\\136'] = true, ['\\226\\128\\137'] = true, ['\\226\\128\\138'] = true,
}
local function redlua_trim(s, front, back)
  local i, j = 1, #s
  while front and i <= j do
    local b = string.byte(s, i)
    if b == 32 or (b >= 9 and b <= 13) then
      i = i + 1
    elseif redlua_ws[string.sub(s, i, i + 1)] then
      i = i + 2
    elseif redlua_ws[string.sub(s, i, i + 2)] then
      i = i + 3
    else
      break
    end
  end
  while back and j >= i do
    local b = string.byte(s, j)
    if b == 32 or (b >= 9 and b <= 13) then
      j = j - 1
    elseif j - 1 >= i and redlua_ws[string.sub(s, j - 1, j)] then
      j = j - 2
    elseif j - 2 >= i and redlua_ws[string.sub(s, j - 2, j)] then
      j = j - 3
    else
      break
    end
  end
  return string.sub(s, i, j)
end
",
            Helper::Replace => "\
-- str::replace: every non-overlapping occurrence, left to right, matched literally.
local function redlua_replace(s, from, to)
  if from == '' then
    -- between characters (UTF-8 sequences), not bytes
    local r = { to }
    for c in string.gmatch(s, '[^\\128-\\191][\\128-\\191]*') do
      r[#r + 1] = c
      r[#r + 1] = to
    end
    return table.concat(r)
  end
  local r = {}
  local at = 1
  while true do
    local i, j = string.find(s, from, at, true)
    if i == nil then
      r[#r + 1] = string.sub(s, at)
      return table.concat(r)
    end
    r[#r + 1] = string.sub(s, at, i - 1)
    r[#r + 1] = to
    at = j + 1
  end
end
",
            Helper::Repeat => "\
local function redlua_repeat(s, n)
  if n < 0 then
    error('redlua: capacity overflow (negative repeat count)', 2)
  end
  return string.rep(s, n)
end
",
            Helper::Find => "\
-- str::find with a string pattern: the 0-based byte index of the first match.
local function redlua_find(s, p)
  local i = string.find(s, p, 1, true)
  if i == nil then
    return nil
  end
  return i - 1
end
",
            Helper::Split => "\
-- str::split with a string separator: every piece, empty ones included.
local function redlua_split(s, sep)
  if sep == '' then
    error('redlua: splitting on an empty separator', 2)
  end
  local r = {}
  local from = 1
  while true do
    local i, j = string.find(s, sep, from, true)
    if i == nil then
      r[#r + 1] = string.sub(s, from)
      return r
    end
    r[#r + 1] = string.sub(s, from, i - 1)
    from = j + 1
  end
end
",
            Helper::Chunks => "\
-- slice::chunks: pieces of n elements, the last one shorter.
local function redlua_chunks(t, n)
  if n <= 0 then
    error('redlua: chunk size must be non-zero', 2)
  end
  local r = {}
  for i = 1, #t, n do
    local c = {}
    for k = i, math.min(i + n - 1, #t) do
      c[#c + 1] = t[k]
    end
    r[#r + 1] = c
  end
  return r
end
",
            Helper::Rest => "\
-- The remaining KEYS or ARGV from position `from`, converted one by one (a trailing
-- Vec parameter); copied in a loop, as unpack fails on long lists.
local function redlua_rest(t, from, conv, name)
  local r = {}
  for i = from, #t do
    if conv then
      r[#r + 1] = conv(t[i], name)
    else
      r[#r + 1] = t[i]
    end
  end
  return r
end
",
            Helper::Flags => "\
local function redlua_flags(t)
  local r = {}
  for i = 1, #t do
    r[i] = t[i] == 1
  end
  return r
end
",
            Helper::OptFloats => "\
-- An array of float strings or nils: None stays `false` inside a Vec.
local function redlua_opt_floats(t)
  local r = {}
  for i = 1, #t do
    if t[i] then
      r[i] = redlua_get_float(t[i])
    else
      r[i] = false
    end
  end
  return r
end
",
            Helper::Pairs => "\
-- A flat array { k1, v1, k2, v2 } as pairs { { k1, v1 }, { k2, v2 } }.
local function redlua_pairs(t)
  local r = {}
  for i = 1, #t, 2 do
    r[#r + 1] = { t[i], t[i + 1] }
  end
  return r
end
",
            Helper::ScorePairs => "\
-- A flat array { member, score, .. } as { { member, score }, .. } with f64 scores.
local function redlua_score_pairs(t)
  local r = {}
  for i = 1, #t, 2 do
    r[#r + 1] = { t[i], redlua_get_float(t[i + 1]) }
  end
  return r
end
",
            Helper::StreamEntries => "\
-- Stream entries { { id, { f1, v1, .. } }, .. } with the fields as pairs.
local function redlua_stream_entries(t)
  local r = {}
  for i = 1, #t do
    r[i] = { t[i][1], redlua_pairs(t[i][2]) }
  end
  return r
end
",
            Helper::Time => "\
local function redlua_time(t)
  return { tonumber(t[1]), tonumber(t[2]) }
end
",
            Helper::ExtendPairs => "\
-- Appends the pairs of u to t, flattened.
local function redlua_extend_pairs(t, u)
  for i = 1, #u do
    t[#t + 1] = u[i][1]
    t[#t + 1] = u[i][2]
  end
  return t
end
",
            Helper::FmtFloat => "\
-- Rust's Display for f64: the shortest digits that read back as the same number,
-- never in exponent form (Lua's tostring would print 0.1 + 0.2 as 0.3).
local function redlua_fmt_float(x)
  -- Integral values print as integers (Rust prints 3.0 as 3). `x % 1` is NaN for
  -- inf and NaN; zero is left to the signed-zero case below.
  if x % 1 == 0 and x < 1e15 and x > -1e15 and x ~= 0 then
    return string.format('%d', x)
  end
  if x ~= x then
    return 'NaN'
  elseif x == math.huge then
    return 'inf'
  elseif x == -math.huge then
    return '-inf'
  elseif x == 0 then
    if 1 / x < 0 then
      return '-0'
    end
    return '0'
  end
  -- The shortest digits that read back exactly. For normal numbers that is the first
  -- of 15, 16, 17 significant digits that does (%g drops trailing zeros, so 0.1 comes
  -- out of %.15g as 0.1); subnormals have fewer digits of precision: try them all.
  local s
  if x > 2.2250738585072014e-308 or x < -2.2250738585072014e-308 then
    s = string.format('%.15g', x)
    if tonumber(s) ~= x then
      s = string.format('%.16g', x)
      if tonumber(s) ~= x then
        s = string.format('%.17g', x)
      end
    end
  else
    for p = 1, 17 do
      s = string.format('%.' .. p .. 'g', x)
      if tonumber(s) == x then
        break
      end
    end
  end
  if not string.find(s, 'e', 1, true) then
    return s
  end
  local sign, mant, e = string.match(s, '^(-?)([%d.]+)e([-+]%d+)$')
  if mant == nil then
    return s
  end
  local int, frac = string.match(mant, '^(%d+)%.?(%d*)$')
  local digits = int .. frac
  local point = #int + tonumber(e)
  if point <= 0 then
    return sign .. '0.' .. string.rep('0', -point) .. digits
  elseif point >= #digits then
    return sign .. digits .. string.rep('0', point - #digits)
  end
  return sign .. string.sub(digits, 1, point) .. '.' .. string.sub(digits, point + 1)
end
",
            Helper::ParseFloat => "\
-- Rust's str::parse::<f64>: decimal digits with an optional fraction and exponent,
-- inf, infinity and NaN; no hexadecimal and no spaces (which Lua's tonumber allows).
local function redlua_parse_float(s)
  if type(s) ~= 'string' then
    return nil
  end
  -- The common form first: digits with an optional fraction.
  if string.find(s, '^[+-]?%d+%.?%d*$') then
    return tonumber(s)
  end
  local l = string.lower(s)
  local sign, word = string.match(l, '^([+-]?)(%a+)$')
  if word == 'inf' or word == 'infinity' then
    return sign == '-' and -math.huge or math.huge
  elseif word == 'nan' then
    return 0 / 0
  end
  if string.find(s, '^[+-]?%.%d+$') or string.find(s, '^[+-]?%d+%.?%d*[eE][+-]?%d+$')
    or string.find(s, '^[+-]?%.%d+[eE][+-]?%d+$') then
    return tonumber(s)
  end
  return nil
end
",
            Helper::ArgFloat => "\
local function redlua_arg_float(s, name)
  local n = redlua_parse_float(s)
  if n == nil then
    error({ err = 'ERR redlua: argument ' .. name .. ' must be a number' })
  end
  return n
end
",
            Helper::GetFloat => "\
-- A bulk reply read as Option<f64>: nil when missing, an error when not a number.
local function redlua_get_float(v)
  if v == false then
    return nil
  end
  -- The common form first (digits with an optional fraction), as redlua_parse_float does.
  if string.find(v, '^[+-]?%d+%.?%d*$') then
    return tonumber(v)
  end
  local n = redlua_parse_float(v)
  if n == nil then
    error('redlua: value is not a number: ' .. string.sub(v, 1, 64), 2)
  end
  return n
end
",
            Helper::FloatToInt => "\
-- `x as i64`: truncates toward zero, NaN is 0; beyond +/-(2^53 - 1) is an error here
-- (Rust would saturate at the i64 bounds).
local function redlua_f2i(x)
  if x ~= x then
    return 0
  end
  -- Whole values (often already math.floor'ed) need no rounding; inf goes on to the error.
  if x % 1 ~= 0 then
    if x >= 0 then
      x = math.floor(x)
    else
      x = math.ceil(x)
    end
  end
  if x > 9007199254740991 or x < -9007199254740991 then
    error('redlua: integer overflow (beyond +/-(2^53 - 1))', 2)
  end
  return x
end
",
            Helper::Round => "\
-- f64::round: half away from zero; NaN, infinities and zeros (-0.0 keeps its sign) as they are.
local function redlua_round(x)
  if x ~= x or x == math.huge or x == -math.huge or x == 0 then
    return x
  end
  local a = math.abs(x)
  local f = math.floor(a)
  if a - f >= 0.5 then
    f = f + 1
  end
  if x < 0 then
    return -f
  end
  return f
end
",
            Helper::Index => "\
-- v[i] with Rust's bounds check (Lua arrays are 1-based).
local function redlua_index(t, i)
  local v = t[i + 1]
  if v == nil then
    error('redlua: index out of bounds: the len is ' .. #t .. ' but the index is ' .. string.format('%d', i), 2)
  end
  return v
end
",
            Helper::SetIndex => "\
local function redlua_set_index(t, i, v)
  if i < 0 or i >= #t then
    error('redlua: index out of bounds: the len is ' .. #t .. ' but the index is ' .. string.format('%d', i), 2)
  end
  t[i + 1] = v
end
",
            Helper::Contains => "\
local function redlua_contains(t, x)
  for i = 1, #t do
    if t[i] == x or (type(x) == 'table' and redlua_deep_eq(t[i], x)) then
      return true
    end
  end
  return false
end
",
            Helper::Sum => "\
local function redlua_sum(t)
  local s = 0
  for i = 1, #t do
    s = s + t[i]
  end
  return redlua_int(s)
end
",
            Helper::Fill => "\
-- vec![x; n]: n copies of x (a table is copied, as Rust clones it).
local function redlua_fill(x, n)
  local t = {}
  for i = 1, n do
    if type(x) == 'table' then
      t[i] = redlua_deep_copy(x)
    else
      t[i] = x
    end
  end
  return t
end
",
            Helper::SplitOnce => "\
-- s.split_once(p): the text before and after the first p, or nil.
local function redlua_split_once(s, p)
  local i = string.find(s, p, 1, true)
  if i == nil then
    return nil
  end
  return { string.sub(s, 1, i - 1), string.sub(s, i + #p) }
end
",
            Helper::StripPrefix => "\
local function redlua_strip_prefix(s, p)
  if string.sub(s, 1, #p) == p then
    return string.sub(s, #p + 1)
  end
  return nil
end
",
            Helper::StripSuffix => "\
local function redlua_strip_suffix(s, p)
  if p == '' then
    return s
  end
  if #p <= #s and string.sub(s, -#p) == p then
    return string.sub(s, 1, #s - #p)
  end
  return nil
end
",
            Helper::TrimStartMatches => "\
-- s.trim_start_matches(p): every leading p removed.
local function redlua_trim_start_matches(s, p)
  if p == '' then
    return s
  end
  local i = 1
  while string.sub(s, i, i + #p - 1) == p do
    i = i + #p
  end
  return string.sub(s, i)
end
",
            Helper::TrimEndMatches => "\
-- s.trim_end_matches(p): every trailing p removed.
local function redlua_trim_end_matches(s, p)
  if p == '' then
    return s
  end
  local j = #s
  while j >= #p and string.sub(s, j - #p + 1, j) == p do
    j = j - #p
  end
  return string.sub(s, 1, j)
end
",
            Helper::Retain => "\
-- v.retain(f): keeps, in order, the elements for which f is true.
local function redlua_retain(t, f)
  local n, j = #t, 0
  for i = 1, n do
    local x = t[i]
    if f(x) then
      j = j + 1
      t[j] = x
    end
  end
  for i = n, j + 1, -1 do
    t[i] = nil
  end
end
",
            Helper::MapKeys => "\
local function redlua_map_keys(m)
  local t = {}
  for k in pairs(m) do
    t[#t + 1] = k
  end
  return t
end
",
            Helper::MapValues => "\
local function redlua_map_values(m)
  local t = {}
  for _, v in pairs(m) do
    t[#t + 1] = v
  end
  return t
end
",
            Helper::RsplitOnce => "\
-- s.rsplit_once(p): the text before and after the last p, or nil.
local function redlua_rsplit_once(s, p)
  local at = redlua_rfind(s, p)
  if at == nil then
    return nil
  end
  return { string.sub(s, 1, at), string.sub(s, at + 1 + #p) }
end
",
            Helper::Rfind => "\
-- s.rfind(p): the byte offset of the last p, or nil.
local function redlua_rfind(s, p)
  local at = nil
  local i = 1
  while true do
    -- Lua clamps a start past the end to the end: stop there.
    local j = i <= #s + 1 and string.find(s, p, i, true)
    if not j then
      break
    end
    at = j
    i = j + 1
  end
  if at == nil then
    return nil
  end
  return at - 1
end
",
            Helper::SortByKey => "\
-- v.sort_by_key(f): a stable merge sort on the keys, as Rust's (table.sort is not
-- stable); string keys compare byte by byte.
local function redlua_sort_by_key(t, f, strings)
  local n = #t
  if n < 2 then
    return
  end
  local keys, idx, tmp = {}, {}, {}
  for i = 1, n do
    keys[i] = f(t[i])
    idx[i] = i
  end
  local function before(a, b)
    if strings then
      return redlua_str_cmp(keys[a], keys[b]) < 0
    end
    return keys[a] < keys[b]
  end
  local width = 1
  while width < n do
    local i = 1
    while i <= n do
      local mid, hi = math.min(i + width, n + 1), math.min(i + 2 * width, n + 1)
      local a, b, k = i, mid, i
      while a < mid and b < hi do
        if before(idx[b], idx[a]) then
          tmp[k] = idx[b]
          b = b + 1
        else
          tmp[k] = idx[a]
          a = a + 1
        end
        k = k + 1
      end
      while a < mid do
        tmp[k] = idx[a]
        a, k = a + 1, k + 1
      end
      while b < hi do
        tmp[k] = idx[b]
        b, k = b + 1, k + 1
      end
      i = i + 2 * width
    end
    idx, tmp = tmp, idx
    width = width * 2
  end
  local sorted = {}
  for i = 1, n do
    sorted[i] = t[idx[i]]
  end
  for i = 1, n do
    t[i] = sorted[i]
  end
end
",
            Helper::Chars => "\
-- s.chars(): the UTF-8 characters of s, as one-char strings.
local function redlua_chars(s)
  local t = {}
  for c in string.gmatch(s, '[%z\\1-\\127\\194-\\244][\\128-\\191]*') do
    t[#t + 1] = c
  end
  return t
end
",
            Helper::Lines => "\
-- s.lines(): the text between '\\n's, a '\\r' right before a '\\n' dropped, and no empty
-- line after a final '\\n'.
local function redlua_lines(s)
  local t = {}
  local i = 1
  while i <= #s do
    local j = string.find(s, '\\n', i, true)
    local line
    if j == nil then
      line = string.sub(s, i)
      i = #s + 1
    else
      line = string.sub(s, i, j - 1)
      i = j + 1
      if string.sub(line, -1) == '\\r' then
        line = string.sub(line, 1, -2)
      end
    end
    t[#t + 1] = line
  end
  return t
end
",
            Helper::SplitN => "\
-- s.splitn(n, p): at most n pieces, the last one holding the rest.
local function redlua_splitn(s, n, p)
  local t = {}
  if n <= 0 then
    return t
  end
  if p == '' then
    error('redlua: splitting on an empty separator', 2)
  end
  local i = 1
  while #t < n - 1 do
    local j = string.find(s, p, i, true)
    if j == nil then
      break
    end
    t[#t + 1] = string.sub(s, i, j - 1)
    i = j + #p
  end
  t[#t + 1] = string.sub(s, i)
  return t
end
",
            Helper::FmtFixed => "\
-- format!(\"{:.N}\", x): C's %.Nf rounds the exact binary value to N decimals as Rust
-- does; Rust writes NaN and the infinities its own way.
local function redlua_fmt_fixed(x, n)
  if x ~= x then
    return 'NaN'
  elseif x == math.huge then
    return 'inf'
  elseif x == -math.huge then
    return '-inf'
  end
  return string.format('%.' .. n .. 'f', x)
end
",
            Helper::Pad => "\
-- A format! width: Rust counts chars, not bytes; zero padding goes after the sign.
local function redlua_pad(s, width, align, fill, zero)
  local n = select(2, string.gsub(s, '[^\\128-\\191]', ''))
  if n >= width then
    return s
  end
  local pad = width - n
  if zero then
    local sign = string.match(s, '^[+-]') or ''
    return sign .. string.rep('0', pad) .. string.sub(s, #sign + 1)
  elseif align == '<' then
    return s .. string.rep(fill, pad)
  elseif align == '>' then
    return string.rep(fill, pad) .. s
  end
  local left = math.floor(pad / 2)
  return string.rep(fill, left) .. s .. string.rep(fill, pad - left)
end
",
            Helper::CharBoundary => "\
-- s.is_char_boundary(i): i is 0, the length, or the offset of a byte that starts a char.
local function redlua_char_boundary(s, i)
  if i == 0 or i == #s then
    return true
  end
  if i < 0 or i > #s then
    return false
  end
  local c = string.byte(s, i + 1)
  return c < 128 or c >= 192
end
",
            Helper::StrSlice => "\
-- &s[a..b] (b nil: to the end): Rust panics when a > b, b > len, or an end is not on a
-- char boundary.
local function redlua_str_slice(s, a, b)
  local n = #s
  if b == nil then
    b = n
  end
  if a < 0 or b < a or b > n or not redlua_char_boundary(s, a) or not redlua_char_boundary(s, b) then
    error('redlua: byte range ' .. string.format('%d', a) .. '..' .. string.format('%d', b) .. ' of a string of ' .. n .. ' bytes is out of bounds or not on a char boundary', 2)
  end
  return string.sub(s, a + 1, b)
end
",
            Helper::RemEuclid => "\
-- a.rem_euclid(b): the remainder that is never negative.
local function redlua_rem_euclid(a, b)
  local r = redlua_rem(a, b)
  if r < 0 then
    r = r + math.abs(b)
  end
  return r
end
",
            Helper::DivEuclid => "\
-- a.div_euclid(b): the quotient that goes with rem_euclid.
local function redlua_div_euclid(a, b)
  local q = redlua_div(a, b)
  if redlua_rem(a, b) < 0 then
    if b > 0 then
      q = q - 1
    else
      q = q + 1
    end
  end
  return q
end
",
            Helper::CheckedMul => "\
-- a.checked_mul(b): nil when Rust's i64 overflows; an error for a product that fits an
-- i64 but not a Lua number exactly (or that is too close to the i64 limit to tell).
local function redlua_checked_mul(a, b)
  local p = a * b
  if p >= 9223372036854780000 or p <= -9223372036854780000 then
    return nil
  end
  if p > 9007199254740991 or p < -9007199254740991 then
    error('redlua: integer overflow (beyond +/-(2^53 - 1))', 2)
  end
  return p
end
",
            Helper::BitOp => "\
-- i64 `&`, `|`, `^` (f is bit.band, bit.bor or bit.bxor), exact within +/-(2^53 - 1): the
-- high and the low 32 bits of the two's complement go through Lua's 32-bit `bit` library
-- separately.
local function redlua_bitop(f, a, b)
  local alo, blo = a % 4294967296, b % 4294967296
  local hi = f((a - alo) / 4294967296, (b - blo) / 4294967296)
  return redlua_int(hi * 4294967296 + f(alo, blo) % 4294967296)
end
",
            Helper::Shift => "\
-- i64 `a << n` and `a >> n` (arithmetic): Rust panics when n is not within 0..64.
local function redlua_shift(a, n, left)
  if n < 0 or n > 63 then
    error('redlua: attempt to shift ' .. (left and 'left' or 'right') .. ' with overflow', 2)
  end
  if left then
    return redlua_int(a * 2 ^ n)
  end
  return math.floor(a / 2 ^ n)
end
",
            Helper::SortStr => "\
-- v.sort() of strings: byte-wise, as Rust's Ord for str (Lua's `<` uses the locale).
local function redlua_sort_str(t)
  table.sort(t, function(a, b) return redlua_str_cmp(a, b) < 0 end)
end
",
            Helper::Reverse => "\
local function redlua_reverse(t)
  local i, j = 1, #t
  while i < j do
    t[i], t[j] = t[j], t[i]
    i, j = i + 1, j - 1
  end
end
",
            Helper::VecInsert => "\
-- v.insert(i, x): Rust panics when i > len.
local function redlua_vec_insert(t, i, x)
  if i < 0 or i > #t then
    error('redlua: insertion index (is ' .. string.format('%d', i) .. ') should be <= len (is ' .. #t .. ')', 2)
  end
  table.insert(t, i + 1, x)
end
",
            Helper::VecRemove => "\
-- v.remove(i): Rust panics when i >= len.
local function redlua_vec_remove(t, i)
  if i < 0 or i >= #t then
    error('redlua: removal index (is ' .. string.format('%d', i) .. ') should be < len (is ' .. #t .. ')', 2)
  end
  return table.remove(t, i + 1)
end
",
            Helper::Truncate => "\
-- v.truncate(n): keeps the first n elements (nothing to do when n >= len).
local function redlua_truncate(t, n)
  for i = #t, math.max(n, 0) + 1, -1 do
    t[i] = nil
  end
end
",
            Helper::Extend => "\
-- Appends the elements of u to t (a copy when t is new).
local function redlua_extend(t, u)
  local n = #t
  for i = 1, #u do
    t[n + i] = u[i]
  end
  return t
end
",
            Helper::Map => "\
local function redlua_map(t, f)
  local r = {}
  for i = 1, #t do
    r[i] = f(t[i])
  end
  return r
end
",
            Helper::Step => "\
local function redlua_step(n)
  if n <= 0 then
    error('redlua: assertion failed: step != 0 (step_by needs a positive step)', 2)
  end
  return n
end
",
            Helper::Pow => "\
local function redlua_pow(a, b)
  if b < 0 then
    error('redlua: negative exponent', 2)
  end
  return redlua_int(a ^ b)
end
",
            Helper::FloatMin => "\
-- f64::min: a NaN is ignored (the other value is the result), as in Rust; Lua's math.min
-- would keep the NaN.
local function redlua_fmin(a, b)
  if a ~= a or b < a then
    return b
  end
  return a
end
",
            Helper::FloatMax => "\
-- f64::max: a NaN is ignored (the other value is the result), as in Rust; Lua's math.max
-- would keep the NaN.
local function redlua_fmax(a, b)
  if a ~= a or b > a then
    return b
  end
  return a
end
",
            Helper::FloatPowi => "\
-- f64::powi: repeated squaring, then 1 / r for a negative exponent, the rounding of Rust's
-- powi (LLVM's powi, compiler-rt's __powidf2); Lua's ^ is C's pow, rounded differently.
local function redlua_powi(a, n)
  local m = math.abs(n)
  local r = 1.0
  while true do
    if m % 2 == 1 then
      r = r * a
    end
    m = math.floor(m / 2)
    if m == 0 then
      break
    end
    a = a * a
  end
  if n < 0 then
    return 1 / r
  end
  return r
end
",
            Helper::Rem => "\
-- Rust's integer remainder: takes the sign of the dividend, panics on zero.
local function redlua_rem(a, b)
  if b == 0 then
    error('redlua: attempt to calculate the remainder with a divisor of zero', 2)
  end
  return math.fmod(a, b)
end
",
        }
    }
}

/// Where the value of an expression goes.
#[derive(Debug, Clone)]
enum Dest {
    /// Evaluated for its effects only.
    Discard,
    /// Returned from the function as its reply.
    Return,
    /// Assigned to a Lua local.
    Assign(String),
}

struct Gen<'a> {
    vars: &'a [ir::Var],
    /// The declared return type of the function being generated.
    ret: Ty,
    /// The helper functions of the chunk.
    helper_fns: &'a [ir::HelperFn],
    helpers: &'a mut BTreeSet<Helper>,
    names: HashSet<String>,
    locals: usize,
    line: u32,
    /// Pattern bindings, which name a part of the matched value.
    aliases: HashMap<ir::VarId, L>,
    /// Loops whose body runs inside `repeat .. until true` (for `continue`), with the
    /// flag that a `break` sets to leave the loop itself.
    wrapped: HashMap<ir::LoopId, Option<String>>,
    /// False inside closures: `return` gives the Lua value, not an encoded reply.
    reply: bool,
    /// In a library, the next free slot of `redlua_args` (see [`ARGS_MEMO`]); `None` in
    /// scripts, whose locals do not outlive the call.
    memo: Option<usize>,
    /// In a script: the checks of integer replies are written inline, in temporaries,
    /// rather than as calls of helpers that the script would create on every call.
    inline_checks: bool,
}

/// A library's memory of its numeric arguments: for each `i64`/`f64` parameter, the text
/// it last arrived as and the number it gave, so that an argument that repeats (a limit,
/// a window, an amount) is checked once per library load rather than on every call. It
/// only saves work: the same text always gives the same number.
const ARGS_MEMO: &str = "redlua_args";

/// The Lua text of one library.
pub fn library(name: &str, file: &str, functions: &[Function], helper_fns: &[ir::HelperFn]) -> Result<Printed, Vec<Diagnostic>> {
    let mut helpers = BTreeSet::new();
    let mut bodies = Vec::new();
    let mut errors = Vec::new();
    let mut fn_defs = Vec::new();
    if let Err(e) = push_helper_fns(helper_fns, &mut helpers, &mut fn_defs) {
        errors.extend(e);
    }
    let mut memo = Some(1);
    for f in functions {
        match function(f, helper_fns, &mut helpers, &mut memo) {
            Ok(b) => bodies.push(b),
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    prune_helpers(&mut helpers, bodies.iter().chain([&fn_defs]), file);
    let mut p = Printer::new(file);
    p.raw_line(&format!("#!lua name={name}"));
    let mut top = vec![LS::new(K::Comment(format!(
        "redlua library `{name}`, generated from {file}: edit the Rust source, not this file."
    )))];
    push_helpers(&helpers, &mut top);
    if memo != Some(1) {
        top.push(LS::new(K::Blank));
        top.push(LS::new(K::Comment("The last text of each numeric argument and its value: an argument that repeats is checked once.".into())));
        top.push(LS::new(K::Local(vec![ARGS_MEMO.into()], vec![L::Table(vec![], vec![])])));
    }
    top.extend(fn_defs);
    for (f, body) in functions.iter().zip(bodies) {
        top.push(LS::new(K::Blank));
        top.push(LS::new(K::Comment(signature_comment(f))));
        top.push(LS::at(K::LocalFunction(format!("fn_{}", f.name), vec!["keys".into(), "args".into()], body), Some(f.line)));
    }
    top.push(LS::new(K::Blank));
    for f in functions {
        let flags: Vec<L> = flags(f).into_iter().map(L::str).collect();
        let reg = L::Table(
            vec![],
            vec![
                ("function_name".into(), L::str(&f.name)),
                ("callback".into(), L::name(format!("fn_{}", f.name))),
                ("flags".into(), L::Table(flags, vec![])),
            ],
        );
        top.push(LS::new(K::Call(L::call("redis.register_function", vec![reg]))));
    }
    p.block(&top);
    Ok(p.finish())
}

/// The Lua text of one EVAL script.
pub fn script(file: &str, f: &Function, helper_fns: &[ir::HelperFn]) -> Result<Printed, Vec<Diagnostic>> {
    let mut helpers = BTreeSet::new();
    let mut fn_defs = Vec::new();
    push_helper_fns(helper_fns, &mut helpers, &mut fn_defs)?;
    let mut locals = 0;
    // Inline checks take more locals: without them when the function would not fit.
    let body = match function_counted(f, helper_fns, &mut helpers, &mut None, &mut locals, true) {
        Ok(b) => b,
        Err(_) => function_counted(f, helper_fns, &mut helpers, &mut None, &mut locals, false).map_err(|d| vec![d])?,
    };
    prune_helpers(&mut helpers, [&body, &fn_defs], file);
    let mut p = Printer::new(file);
    let fl = flags(f);
    if fl.is_empty() {
        p.raw_line("#!lua");
    } else {
        p.raw_line(&format!("#!lua flags={}", fl.join(",")));
    }
    let mut top = vec![LS::new(K::Comment(format!(
        "redlua script `{}`, generated from {file}: edit the Rust source, not this file.",
        f.name
    )))];
    push_helpers(&helpers, &mut top);
    top.extend(fn_defs);
    top.push(LS::new(K::Blank));
    top.push(LS::new(K::Comment(signature_comment(f))));
    // The whole chunk runs on every call: the body goes at its top level when the locals
    // fit (one closure less to create per call), else in a function of its own.
    let top_locals = helpers.len() + helper_fns.len() + 2 + locals;
    if top_locals <= MAX_LOCALS {
        top.push(LS::at(K::Local(vec!["keys".into(), "args".into()], vec![L::name("KEYS"), L::name("ARGV")]), Some(f.line)));
        top.extend(body);
    } else {
        top.push(LS::at(K::LocalFunction(format!("fn_{}", f.name), vec!["keys".into(), "args".into()], body), Some(f.line)));
        top.push(LS::new(K::Blank));
        top.push(LS::new(K::Return(vec![L::call(&format!("fn_{}", f.name), vec![L::name("KEYS"), L::name("ARGV")])])));
    }
    p.block(&top);
    Ok(p.finish())
}

/// The Redis function flags of `f`.
pub fn flags(f: &Function) -> Vec<&'static str> {
    let mut v = Vec::new();
    if f.options.read_only {
        v.push("no-writes");
    }
    if f.options.allow_oom {
        v.push("allow-oom");
    }
    if f.options.allow_stale {
        v.push("allow-stale");
    }
    if f.options.no_cluster || f.options.dynamic_keys {
        v.push("no-cluster");
    }
    if f.options.allow_cross_slot_keys {
        v.push("allow-cross-slot-keys");
    }
    v
}

fn signature_comment(f: &Function) -> String {
    let params: Vec<String> = f
        .params
        .iter()
        .map(|p| {
            let src = match p.source {
                ParamSource::Key(i) => format!("KEYS[{i}]"),
                ParamSource::Arg(i) => format!("ARGV[{i}]"),
                ParamSource::KeysFrom(i) => format!("KEYS[{i}..]"),
                ParamSource::ArgsFrom(i) => format!("ARGV[{i}..]"),
                ParamSource::OptArg(i) => format!("ARGV[{i}] if given"),
            };
            format!("{}: {} ({src})", p.name, p.ty)
        })
        .collect();
    format!("fn {}({}) -> {}", f.name, params.join(", "), f.ret)
}

/// Drops the helpers that no generated code names any more (a check that was first
/// written as a helper call and then inlined), keeping those other kept helpers use.
fn prune_helpers<'b>(helpers: &mut BTreeSet<Helper>, blocks: impl IntoIterator<Item = &'b lua::Block>, file: &str) {
    let mut p = Printer::new(file);
    for b in blocks {
        p.block(b);
    }
    let mut text = p.finish().code;
    let names = |text: &str, h: Helper| {
        let n = helper_name(h);
        text.match_indices(n).any(|(i, _)| !text[i + n.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
    };
    let mut kept: BTreeSet<Helper> = BTreeSet::new();
    loop {
        let more: Vec<Helper> = helpers.iter().copied().filter(|h| !kept.contains(h) && names(&text, *h)).collect();
        if more.is_empty() {
            break;
        }
        for h in more {
            text.push_str(h.source());
            kept.insert(h);
        }
    }
    *helpers = kept;
}

/// Emits the helpers used, each after the helpers it calls (they are `local`s, visible
/// only below their definition); the order is otherwise stable.
fn push_helpers(used: &BTreeSet<Helper>, out: &mut Vec<LS>) {
    fn visit(h: Helper, done: &mut Vec<Helper>) {
        if done.contains(&h) {
            return;
        }
        for d in h.deps() {
            visit(*d, done);
        }
        done.push(h);
    }
    let mut order = Vec::new();
    for h in used {
        visit(*h, &mut order);
    }
    for h in order {
        out.push(LS::new(K::Blank));
        out.push(LS::new(K::Raw(h.source().to_string())));
    }
}

fn function(f: &Function, helper_fns: &[ir::HelperFn], helpers: &mut BTreeSet<Helper>, memo: &mut Option<usize>) -> Result<lua::Block, Diagnostic> {
    function_counted(f, helper_fns, helpers, memo, &mut 0, false)
}

/// [`function`], also giving the number of Lua locals the body declares.
fn function_counted(f: &Function, helper_fns: &[ir::HelperFn], helpers: &mut BTreeSet<Helper>, memo: &mut Option<usize>, locals: &mut usize, inline_checks: bool) -> Result<lua::Block, Diagnostic> {
    let names = f.vars.iter().map(|v| v.lua.clone()).collect();
    let mut g = Gen { vars: &f.vars, ret: f.ret.clone(), helper_fns, helpers, names, locals: 0, line: f.line, aliases: HashMap::new(), wrapped: HashMap::new(), reply: true, memo: *memo, inline_checks };
    let mut out = Vec::new();
    g.prologue(f, &mut out);
    g.block_into(&f.body, &Dest::Return, &mut out);
    *memo = g.memo;
    *locals = g.locals;
    if g.locals > MAX_LOCALS {
        return Err(Diagnostic {
            rule: Rule::LuaLimit,
            span: f.span,
            message: format!("`{}` needs {} Lua locals; Lua allows 200 per function", f.name, g.locals),
            hint: "split the function, or reuse variables with `let mut`".into(),
        });
    }
    Ok(out)
}

/// The Lua of a helper function: `name = function(params) .. end` (declared before).
fn helper_fn(h: &ir::HelperFn, helper_fns: &[ir::HelperFn], helpers: &mut BTreeSet<Helper>) -> Result<LS, Diagnostic> {
    let names = h.vars.iter().map(|v| v.lua.clone()).collect();
    let mut g = Gen { vars: &h.vars, ret: h.ret.clone(), helper_fns, helpers, names, locals: h.params.len(), line: h.line, aliases: HashMap::new(), wrapped: HashMap::new(), reply: false, memo: None, inline_checks: false };
    let mut out = Vec::new();
    // A struct passed by value and changed in the helper must not change the caller's.
    for p in &h.params {
        let v = &h.vars[p.0];
        if v.mutable && matches!(v.ty, Ty::Struct(_)) {
            let copy = g.helper(Helper::DeepCopy, vec![L::name(v.lua.clone())]);
            out.push(LS::at(K::Assign(vec![L::name(v.lua.clone())], vec![copy]), Some(h.line)));
        }
    }
    if let Some(body) = &h.body {
        g.block_into(body, &Dest::Return, &mut out);
    }
    if g.locals > MAX_LOCALS {
        return Err(Diagnostic {
            rule: Rule::LuaLimit,
            span: h.span,
            message: format!("`{}` needs {} Lua locals; Lua allows 200 per function", h.name, g.locals),
            hint: "split the function, or reuse variables with `let mut`".into(),
        });
    }
    let params = h.params.iter().map(|p| h.vars[p.0].lua.clone()).collect();
    Ok(LS::at(K::Assign(vec![L::name(h.lua.clone())], vec![L::Function(params, out)]), Some(h.line)))
}

/// Declarations and definitions of the helper functions of a chunk.
fn push_helper_fns(helper_fns: &[ir::HelperFn], helpers: &mut BTreeSet<Helper>, top: &mut Vec<LS>) -> Result<(), Vec<Diagnostic>> {
    if helper_fns.is_empty() {
        return Ok(());
    }
    top.push(LS::new(K::Blank));
    top.push(LS::new(K::Comment("Helper functions (plain Rust `fn`s called by the functions below).".into())));
    top.push(LS::new(K::Local(helper_fns.iter().map(|h| h.lua.clone()).collect(), vec![])));
    let mut errors = Vec::new();
    for h in helper_fns {
        match helper_fn(h, helper_fns, helpers) {
            Ok(s) => {
                top.push(LS::new(K::Blank));
                top.push(s);
            }
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The error reply text of a rejection (`REJECT <message>` or `<CODE> <message>`, as
/// lowered), on one line (newlines would break the protocol).
fn reject_text(msg: &[u8]) -> L {
    L::Str(msg.iter().map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c }).collect())
}

fn lit_str(b: &[u8]) -> L {
    L::Str(b.to_vec())
}

impl Gen<'_> {
    fn stmt(&self, kind: K) -> LS {
        LS::at(kind, Some(self.line))
    }

    fn temp(&mut self) -> String {
        let mut i = 1;
        loop {
            let n = if i == 1 { "tmp".to_string() } else { format!("tmp_{i}") };
            if self.names.insert(n.clone()) {
                self.locals += 1;
                return n;
            }
            i += 1;
        }
    }

    /// Saves `v` in a fresh local, returning the local's name expression.
    fn spill(&mut self, v: L, out: &mut Vec<LS>) -> L {
        let t = self.temp();
        out.push(self.stmt(K::Local(vec![t.clone()], vec![v])));
        L::Name(t)
    }

    fn helper(&mut self, h: Helper, args: Vec<L>) -> L {
        self.helpers.insert(h);
        L::call(helper_name(h), args)
    }


    /// `if not (n and <in range> and <Rust's syntax>) then error(..) end` for the local
    /// `n = tonumber(raw)` of an `i64` argument.
    fn int_arg_check(&self, n: &str, raw: L, param: &str) -> LS {
        let n = L::name(n);
        let ok = [
            L::bin(LB::Le, n.clone(), L::int(crate::lower::MAX_SAFE_INT)),
            L::bin(LB::Ge, n.clone(), L::int(-crate::lower::MAX_SAFE_INT)),
            L::call("string.find", vec![raw, L::str("^[+-]?%d+$")]),
        ]
        .into_iter()
        .fold(n, |a, b| L::bin(LB::And, a, b));
        let msg = format!("ERR redlua: argument {param} must be an integer within +/-(2^53 - 1)");
        let err = self.stmt(K::Call(L::call("error", vec![L::Table(vec![], vec![("err".into(), L::str(msg))])])));
        self.stmt(K::If(vec![(L::un(LU::Not, L::Paren(Box::new(ok))), vec![err])], None))
    }

    fn prologue(&mut self, f: &Function, out: &mut Vec<LS>) {
        let rest_keys = f.params.iter().any(|p| matches!(p.source, ParamSource::KeysFrom(_)));
        let rest_args = f.params.iter().any(|p| matches!(p.source, ParamSource::ArgsFrom(_)));
        let count = |n: usize, rest: bool, one: &str, many: &str| {
            let word = if n == 1 && !rest { one } else { many };
            if rest {
                format!("at least {n} {word}")
            } else {
                format!("{n} {word}")
            }
        };
        let check = |name: &str, n: usize, rest: bool| {
            let len = L::un(LU::Len, L::name(name));
            if rest {
                L::bin(LB::Lt, len, L::int(n as i64))
            } else {
                L::bin(LB::Ne, len, L::int(n as i64))
            }
        };
        let args_check = if f.opt_args > 0 {
            let len = || L::un(LU::Len, L::name("args"));
            let (lo, hi) = (f.num_args as i64, (f.num_args + f.opt_args) as i64);
            L::bin(LB::Or, L::bin(LB::Lt, len(), L::int(lo)), L::bin(LB::Gt, len(), L::int(hi)))
        } else {
            check("args", f.num_args, rest_args)
        };
        let cond = L::bin(LB::Or, check("keys", f.num_keys, rest_keys), args_check);
        let args_text = if f.opt_args > 0 {
            format!("{} to {} arguments", f.num_args, f.num_args + f.opt_args)
        } else {
            count(f.num_args, rest_args, "argument", "arguments")
        };
        let msg = format!("ERR {} expects {} and {}", f.name, count(f.num_keys, rest_keys, "key", "keys"), args_text);
        let ret = self.stmt(K::Return(vec![L::call("redis.error_reply", vec![L::str(msg)])]));
        out.push(self.stmt(K::If(vec![(cond, vec![ret])], None)));
        for p in &f.params {
            let lua = f.vars[p.var.0].lua.clone();
            let conv = |g: &mut Self, t: &Ty| match t {
                Ty::Int => Some(Helper::ArgInt),
                Ty::Bool => Some(Helper::ArgBool),
                Ty::Float => Some(Helper::ArgFloat),
                _ => None,
            }
            .inspect(|h| {
                g.helpers.insert(*h);
            });
            // An i64 argument, checked inline (no helper call on the hot path): Lua's
            // tonumber alone would also take " 7", "0x10" and "1e3".
            if let (ParamSource::Arg(i), Ty::Int | Ty::Float, Some(slot)) = (p.source, &p.ty, self.memo) {
                // In a library: the number from `redlua_args` when the text is the same as
                // last time, else checked and remembered.
                self.memo = Some(slot + 2);
                let raw = L::index(L::name("args"), L::int(i as i64));
                let (text, num) = (L::index(L::name(ARGS_MEMO), L::int(slot as i64)), L::index(L::name(ARGS_MEMO), L::int(slot as i64 + 1)));
                self.locals += 1;
                out.push(self.stmt(K::Local(vec![lua.clone()], vec![num.clone()])));
                let mut check = Vec::new();
                if p.ty == Ty::Int {
                    check.push(self.stmt(K::Assign(vec![L::name(lua.clone())], vec![L::call("tonumber", vec![raw.clone()])])));
                    check.push(self.int_arg_check(&lua, raw.clone(), &p.name));
                } else {
                    let v = self.helper(Helper::ArgFloat, vec![raw.clone(), L::str(&p.name)]);
                    check.push(self.stmt(K::Assign(vec![L::name(lua.clone())], vec![v])));
                }
                check.push(self.stmt(K::Assign(vec![text.clone()], vec![raw.clone()])));
                check.push(self.stmt(K::Assign(vec![num], vec![L::name(lua.clone())])));
                out.push(self.stmt(K::If(vec![(L::bin(LB::Ne, raw, text), check)], None)));
                continue;
            }
            if let (ParamSource::Arg(i), Ty::Int) = (p.source, &p.ty) {
                let raw = L::index(L::name("args"), L::int(i as i64));
                self.locals += 1;
                out.push(self.stmt(K::Local(vec![lua.clone()], vec![L::call("tonumber", vec![raw.clone()])])));
                let check = self.int_arg_check(&lua, raw, &p.name);
                out.push(check);
                continue;
            }
            if let ParamSource::OptArg(i) = p.source {
                // Absent: None (nil). Present: read as the inner type.
                let raw = L::index(L::name("args"), L::int(i as i64));
                self.locals += 1;
                out.push(self.stmt(K::Local(vec![lua.clone()], vec![raw.clone()])));
                let inner = match &p.ty {
                    Ty::Option(t) => (**t).clone(),
                    t => t.clone(),
                };
                let mut present = Vec::new();
                if inner == Ty::Int {
                    present.push(self.stmt(K::Assign(vec![L::name(lua.clone())], vec![L::call("tonumber", vec![raw.clone()])])));
                    present.push(self.int_arg_check(&lua, raw.clone(), &p.name));
                } else if let Some(h) = conv(self, &inner) {
                    let v = self.helper(h, vec![raw.clone(), L::str(&p.name)]);
                    present.push(self.stmt(K::Assign(vec![L::name(lua.clone())], vec![v])));
                }
                if !present.is_empty() {
                    out.push(self.stmt(K::If(vec![(L::bin(LB::Ne, raw, L::Nil), present)], None)));
                }
                continue;
            }
            let val = match p.source {
                ParamSource::OptArg(_) => L::Nil,
                ParamSource::Key(i) => L::index(L::name("keys"), L::int(i as i64)),
                ParamSource::Arg(i) => {
                    let raw = L::index(L::name("args"), L::int(i as i64));
                    match conv(self, &p.ty) {
                        Some(h) => self.helper(h, vec![raw, L::str(&p.name)]),
                        None => raw,
                    }
                }
                ParamSource::KeysFrom(i) => self.helper(Helper::Rest, vec![L::name("keys"), L::int(i as i64), L::Nil, L::Nil]),
                ParamSource::ArgsFrom(i) => {
                    let elem = match &p.ty {
                        Ty::Vec(t) => (**t).clone(),
                        t => t.clone(),
                    };
                    let f = match conv(self, &elem) {
                        Some(h) => L::name(helper_name(h)),
                        None => L::Nil,
                    };
                    self.helper(Helper::Rest, vec![L::name("args"), L::int(i as i64), f, L::str(&p.name)])
                }
            };
            self.locals += 1;
            out.push(self.stmt(K::Local(vec![lua], vec![val])));
        }
    }

    fn block_into(&mut self, b: &ir::Block, dest: &Dest, out: &mut Vec<LS>) {
        for s in &b.stmts {
            self.line = s.line;
            match &s.kind {
                ir::StmtKind::Let(var, e) => {
                    let name = self.vars[var.0].lua.clone();
                    self.locals += 1;
                    if matches!(e.kind, ExprKind::If(..) | ExprKind::Block(_)) {
                        out.push(self.stmt(K::Local(vec![name.clone()], vec![])));
                        self.expr_into(e, &Dest::Assign(name), out);
                    } else {
                        let mut v = self.expr(e, out);
                        // `let mut b = a;` of a struct: `a` may be Copy in Rust, and the two
                        // must not share one Lua table.
                        if self.vars[var.0].mutable && matches!(self.vars[var.0].ty, Ty::Struct(_)) && matches!(e.kind, ExprKind::Var(_)) {
                            v = self.helper(Helper::DeepCopy, vec![v]);
                        }
                        out.push(self.stmt(K::Local(vec![name], vec![v])));
                    }
                }
                ir::StmtKind::Assign(var, e) => {
                    let name = self.vars[var.0].lua.clone();
                    self.expr_into(e, &Dest::Assign(name), out);
                }
                ir::StmtKind::Expr(e) => self.expr_into(e, &Dest::Discard, out),
                ir::StmtKind::LetTuple(vars, e) => {
                    let names: Vec<String> = vars
                        .iter()
                        .map(|v| match v {
                            Some(v) => self.vars[v.0].lua.clone(),
                            None => "_".to_string(),
                        })
                        .collect();
                    self.locals += names.len();
                    let vals = if let ExprKind::Tuple(es) = &e.kind {
                        let refs: Vec<&ir::Expr> = es.iter().collect();
                        self.operands(&refs, out)
                    } else {
                        let v = self.expr(e, out);
                        let t = if v.is_trivial() { v } else { self.spill(v, out) };
                        (0..names.len()).map(|i| L::index(t.clone(), L::int(i as i64 + 1))).collect()
                    };
                    out.push(self.stmt(K::Local(names, vals)));
                }
                ir::StmtKind::LetElse(pat, e, els) => {
                    if e.ty == Ty::CallResult {
                        self.helpers.insert(Helper::IsErr);
                    }
                    let v = self.expr(e, out);
                    // The bindings name parts of this local for the rest of the block.
                    let subject = self.spill(v, out);
                    bind_aliases(pat, &subject, &mut self.aliases);
                    if let Some(test) = pat_test(pat, &subject) {
                        let mut body = Vec::new();
                        self.block_into(els, &Dest::Discard, &mut body);
                        self.line = s.line;
                        out.push(self.stmt(K::If(vec![(negate(test), body)], None)));
                    }
                }
                ir::StmtKind::AssignField(var, i, e) => {
                    let v = self.expr(e, out);
                    let name = L::name(self.vars[var.0].lua.clone());
                    out.push(self.stmt(K::Assign(vec![L::index(name, L::int(*i as i64 + 1))], vec![v])));
                }
                ir::StmtKind::AssignIndex(var, i, e) => {
                    let vals = self.operands(&[i, e], out);
                    let name = L::name(self.vars[var.0].lua.clone());
                    let call = self.helper(Helper::SetIndex, vec![name, vals[0].clone(), vals[1].clone()]);
                    out.push(self.stmt(K::Call(call)));
                }
            }
        }
        match &b.tail {
            Some(t) => {
                self.line = t.line;
                self.expr_into(t, dest, out)
            }
            None => {
                if matches!(dest, Dest::Return) && b.ty != Ty::Never {
                    // A unit function ends: its reply is nil.
                    out.push(self.stmt(K::Return(vec![])));
                }
            }
        }
    }

    fn expr_into(&mut self, e: &ir::Expr, dest: &Dest, out: &mut Vec<LS>) {
        match &e.kind {
            ExprKind::If(..) => self.if_into(e, dest, out),
            ExprKind::Block(b) => {
                if b.stmts.iter().any(|s| matches!(s.kind, ir::StmtKind::Let(..))) {
                    let mut inner = Vec::new();
                    self.block_into(b, dest, &mut inner);
                    out.push(self.stmt(K::Do(inner)));
                } else {
                    self.block_into(b, dest, out);
                }
            }
            ExprKind::Return(v) => match v {
                Some(v) => self.expr_into(v, &Dest::Return, out),
                None => out.push(self.stmt(K::Return(vec![]))),
            },
            ExprKind::While(..) | ExprKind::WhileLet(..) | ExprKind::Loop(..) | ExprKind::ForRange(_) | ExprKind::ForEach(..) | ExprKind::ForMap(..) => self.loop_stmt(e, out),
            ExprKind::Break(id) => {
                if let Some(Some(flag)) = self.wrapped.get(id).cloned() {
                    out.push(self.stmt(K::Assign(vec![L::name(flag)], vec![L::Bool(true)])));
                }
                out.push(self.stmt(K::Break));
            }
            ExprKind::Continue(_) => out.push(self.stmt(K::Break)),
            ExprKind::Match(..) => self.match_into(e, dest, out),
            ExprKind::Ok(x) if matches!(dest, Dest::Return) => self.expr_into(x, dest, out),
            ExprKind::Err(r) if matches!(dest, Dest::Return) => {
                let ExprKind::Reject(msg) = &r.kind else {
                    // Lowering admits only `reject!(..)` here.
                    out.push(self.stmt(K::Call(L::call("error", vec![L::str("redlua: invalid rejection")]))));
                    return;
                };
                out.push(self.stmt(K::Return(vec![L::call("redis.error_reply", vec![reject_text(msg)])])));
            }
            _ => match dest {
                Dest::Discard => self.discard(e, out),
                Dest::Assign(name) => {
                    if matches!(e.ty, Ty::Unit | Ty::Never) {
                        self.discard(e, out);
                    } else {
                        let v = self.expr(e, out);
                        out.push(self.stmt(K::Assign(vec![L::name(name.clone())], vec![v])));
                    }
                }
                Dest::Return => {
                    if e.ty == Ty::Never {
                        self.discard(e, out);
                        return;
                    }
                    let v = self.expr(e, out);
                    if !self.reply {
                        let vals = if matches!(e.ty, Ty::Unit) { vec![] } else { vec![v] };
                        out.push(self.stmt(K::Return(vals)));
                        return;
                    }
                    let ret = match &self.ret {
                        Ty::Result(t) => (**t).clone(),
                        t => t.clone(),
                    };
                    self.return_value(v, &ret, out);
                }
            },
        }
    }

    /// `return v`, encoded as the reply of type `ty`.
    fn return_value(&mut self, v: L, ty: &Ty, out: &mut Vec<LS>) {
        let vals = match ty {
            Ty::Unit => {
                if !v.is_trivial() {
                    self.push_effect(v, out);
                }
                vec![]
            }
            Ty::Option(_) if v == L::Nil => vec![L::Nil],
            Ty::Option(inner) if needs_encoding(inner) => {
                let t = if v.is_trivial() { v } else { self.spill(v, out) };
                let enc = self.encode(t.clone(), inner, out);
                vec![L::bin(LB::Or, L::bin(LB::And, L::bin(LB::Ne, t, L::Nil), enc), L::Nil)]
            }
            Ty::Option(_) => vec![v],
            t => vec![self.encode(v, t, out)],
        };
        // `return helper(..)` would be a tail call, and an error raised in the helper
        // would lose the caller's line: keep the frame.
        let vals = vals
            .into_iter()
            .map(|v| match &v {
                L::Call(f, _) if matches!(&**f, L::Name(n) if n.starts_with("redlua_")) => L::Paren(Box::new(v)),
                _ => v,
            })
            .collect();
        out.push(self.stmt(K::Return(vals)));
    }

    fn push_effect(&mut self, v: L, out: &mut Vec<LS>) {
        match v {
            // A discarded integer still traps beyond +/-(2^53 - 1): checked inline.
            L::Call(f, mut args) if args.len() == 1 && matches!(&*f, L::Name(n) if n == helper_name(Helper::Int)) => {
                let x = args.pop().unwrap_or(L::Nil);
                let r = L::name("redlua_r");
                let over = L::bin(LB::Or, L::bin(LB::Gt, r.clone(), L::int(crate::lower::MAX_SAFE_INT)), L::bin(LB::Lt, r.clone(), L::int(-crate::lower::MAX_SAFE_INT)));
                let err = self.stmt(K::Call(L::call("error", vec![L::str("redlua: integer overflow (beyond +/-(2^53 - 1))")])));
                let body = vec![self.stmt(K::Local(vec!["redlua_r".into()], vec![x])), self.stmt(K::If(vec![(over, vec![err])], None))];
                out.push(self.stmt(K::Do(body)));
            }
            L::Call(..) => out.push(self.stmt(K::Call(v))),
            v if v.is_trivial() => {}
            v => {
                let t = self.temp();
                out.push(self.stmt(K::Local(vec![t], vec![v])));
            }
        }
    }

    fn discard(&mut self, e: &ir::Expr, out: &mut Vec<LS>) {
        match &e.kind {
            ExprKind::If(..) | ExprKind::Block(_) | ExprKind::Return(_) | ExprKind::Match(..) | ExprKind::While(..) | ExprKind::WhileLet(..) | ExprKind::Loop(..) | ExprKind::ForRange(_) | ExprKind::ForEach(..) | ExprKind::ForMap(..) | ExprKind::Break(_) | ExprKind::Continue(_) => {
                self.expr_into(e, &Dest::Discard, out)
            }
            ExprKind::Command(c) if !matches!(c.command.reply, ReplyKind::Int | ReplyKind::OptionalValue) => {
                // The reply conversion cannot fail: send the command only.
                let call = self.command_call(c, out);
                out.push(self.stmt(K::Call(call)));
            }
            _ if e.is_pure() => {}
            _ => {
                let v = self.expr(e, out);
                self.push_effect(v, out);
            }
        }
    }

    fn if_into(&mut self, e: &ir::Expr, dest: &Dest, out: &mut Vec<LS>) {
        let line = self.line;
        let mut arms = Vec::new();
        let mut cur = e;
        let mut els = None;
        while let ExprKind::If(c, then, next) = &cur.kind {
            // Conditions after the first are evaluated only if earlier ones failed: a
            // condition that needs statements must go into a nested `else`.
            let mut pre = Vec::new();
            let cond = self.expr(c, &mut pre);
            if !arms.is_empty() && !pre.is_empty() {
                let mut inner = Vec::new();
                self.if_into(cur, dest, &mut inner);
                els = Some(inner);
                break;
            }
            out.extend(pre);
            let mut body = Vec::new();
            self.block_into(then, dest, &mut body);
            arms.push((cond, body));
            match next {
                Some(n) if matches!(n.kind, ExprKind::If(..)) => cur = n,
                Some(n) => {
                    let mut body = Vec::new();
                    self.expr_into(n, dest, &mut body);
                    els = Some(body);
                    break;
                }
                None => break,
            }
            self.line = line;
        }
        self.line = line;
        out.push(self.stmt(K::If(arms, els)));
    }

    /// Evaluates operands left to right; when a later one needs statements, earlier
    /// values are saved first so they are computed before those statements run.
    fn operands(&mut self, es: &[&ir::Expr], out: &mut Vec<LS>) -> Vec<L> {
        let mut parts: Vec<(Vec<LS>, L)> = Vec::new();
        for e in es {
            let mut pre = Vec::new();
            let v = self.expr(e, &mut pre);
            parts.push((pre, v));
        }
        let n = parts.len();
        let needs: Vec<bool> = (0..n).map(|i| parts[i + 1..].iter().any(|(p, _)| !p.is_empty())).collect();
        let mut vals = Vec::new();
        for (i, (pre, v)) in parts.into_iter().enumerate() {
            out.extend(pre);
            let literal = matches!(v, L::Nil | L::Bool(_) | L::Num(_) | L::Str(_));
            if needs[i] && !literal {
                vals.push(self.spill(v, out));
            } else {
                vals.push(v);
            }
        }
        vals
    }

    fn expr(&mut self, e: &ir::Expr, out: &mut Vec<LS>) -> L {
        // Literals that Lua would fold into a negative zero: that constant could read back
        // as `0` (see `float_num`), so the zero is computed at run time.
        if e.ty == Ty::Float && !matches!(e.kind, ExprKind::Float(_)) {
            if let Some(z) = const_float(e).filter(|z| *z == 0.0 && z.is_sign_negative()) {
                return float_num(z);
            }
        }
        match &e.kind {
            ExprKind::Int(n) => L::int(*n),
            ExprKind::Float(x) => float_num(*x),
            ExprKind::Bool(b) => L::Bool(*b),
            ExprKind::Str(s) => lit_str(s),
            ExprKind::Unit | ExprKind::None => L::Nil,
            ExprKind::Var(v) => match self.aliases.get(v) {
                Some(a) => a.clone(),
                None => L::name(self.vars[v.0].lua.clone()),
            },
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, out),
            ExprKind::Unary(op, a) => {
                let v = self.expr(a, out);
                match op {
                    ir::UnOp::Not => L::un(LU::Not, v),
                    ir::UnOp::Neg => L::un(LU::Neg, v),
                    // !n == -n - 1 in two's complement.
                    ir::UnOp::BitNot => self.helper(Helper::Int, vec![L::bin(LB::Sub, L::un(LU::Neg, v), L::int(1))]),
                }
            }
            ExprKind::If(..) | ExprKind::Block(_) => {
                if matches!(e.ty, Ty::Unit | Ty::Never) {
                    self.expr_into(e, &Dest::Discard, out);
                    return L::Nil;
                }
                let t = self.temp();
                out.push(self.stmt(K::Local(vec![t.clone()], vec![])));
                self.expr_into(e, &Dest::Assign(t.clone()), out);
                L::Name(t)
            }
            ExprKind::Command(c) => {
                let call = self.command_call(c, out);
                if self.inline_checks {
                    if let Some(v) = self.inline_reply_check(c, &call, out) {
                        return v;
                    }
                }
                self.command_reply(c, call)
            }
            ExprKind::Some(x) | ExprKind::Ok(x) => self.expr(x, out),
            ExprKind::Err(_) | ExprKind::Reject(_) => {
                // Lowering only admits these in return position.
                L::Nil
            }
            ExprKind::UnwrapOr(o, d) => {
                let vals = self.operands(&[o, d], out);
                let (mut ov, mut dv) = (vals[0].clone(), vals[1].clone());
                if !d.is_pure() {
                    // Rust evaluates the default eagerly, even when unused.
                    if !ov.is_trivial() {
                        ov = self.spill(ov, out);
                    }
                    dv = self.spill(dv, out);
                }
                if e.ty.always_truthy() {
                    L::bin(LB::Or, ov, dv)
                } else {
                    let t = self.spill(ov, out);
                    let assign = self.stmt(K::Assign(vec![t.clone()], vec![dv]));
                    out.push(self.stmt(K::If(vec![(L::bin(LB::Eq, t.clone(), L::Nil), vec![assign])], None)));
                    t
                }
            }
            ExprKind::IsSome(o) => {
                let v = self.expr(o, out);
                L::bin(LB::Ne, v, L::Nil)
            }
            ExprKind::IsNone(o) => {
                let v = self.expr(o, out);
                L::bin(LB::Eq, v, L::Nil)
            }
            ExprKind::IntToString(n) => {
                // `tostring` would print 2^53 - 1 as 9.007199254741e+15.
                let v = self.expr(n, out);
                L::call("string.format", vec![L::str("%d"), v])
            }
            ExprKind::Return(_) | ExprKind::While(..) | ExprKind::WhileLet(..) | ExprKind::Loop(..) | ExprKind::ForRange(_) | ExprKind::ForEach(..) | ExprKind::ForMap(..) | ExprKind::Break(_) | ExprKind::Continue(_) => {
                self.expr_into(e, &Dest::Discard, out);
                L::Nil
            }
            ExprKind::Match(..) => {
                if matches!(e.ty, Ty::Unit | Ty::Never) {
                    self.expr_into(e, &Dest::Discard, out);
                    return L::Nil;
                }
                let t = self.temp();
                out.push(self.stmt(K::Local(vec![t.clone()], vec![])));
                self.expr_into(e, &Dest::Assign(t.clone()), out);
                L::Name(t)
            }
            ExprKind::VecLit(es) | ExprKind::Tuple(es) | ExprKind::StructLit(es) => {
                let refs: Vec<&ir::Expr> = es.iter().collect();
                L::Table(self.operands(&refs, out), vec![])
            }
            ExprKind::TupleField(t, i) => {
                let v = self.expr(t, out);
                L::index(v, L::int(*i as i64 + 1))
            }
            ExprKind::Index(v, i) => {
                let vals = self.operands(&[v, i], out);
                let x = self.helper(Helper::Index, vals);
                // Inside a Vec, `None` is stored as `false`.
                if matches!(e.ty, Ty::Option(_)) {
                    L::bin(LB::Or, x, L::Nil)
                } else {
                    x
                }
            }
            ExprKind::Closure(params, body) => {
                let names: Vec<String> = params.iter().map(|p| self.vars[p.0].lua.clone()).collect();
                let saved = std::mem::replace(&mut self.reply, false);
                let saved_locals = std::mem::replace(&mut self.locals, 0);
                let mut inner = Vec::new();
                self.expr_into(body, &Dest::Return, &mut inner);
                self.reply = saved;
                self.locals = saved_locals;
                L::Function(names, inner)
            }
            ExprKind::CallClosure(var, args) => {
                let refs: Vec<&ir::Expr> = args.iter().collect();
                let vals = self.operands(&refs, out);
                L::Call(Box::new(L::name(self.vars[var.0].lua.clone())), vals)
            }
            ExprKind::Method(m, args) => self.method(*m, args, out),
            ExprKind::DynCall(c) => {
                let values: Vec<&ir::Expr> = c.args.iter().filter_map(|a| if let CommandArg::Value(v) = a { Some(v) } else { None }).collect();
                let vals = self.operands(&values, out);
                let mut vals = vals.into_iter().zip(&values).map(|(v, e)| if e.ty == Ty::Float { self.helper(Helper::FmtFloat, vec![v]) } else { v }).collect::<Vec<_>>().into_iter();
                let first = c.spec.name.split(' ').next().unwrap_or(c.spec.name);
                let mut args = vec![L::str(first)];
                for a in &c.args {
                    match a {
                        CommandArg::Word(w) => args.push(L::str(w)),
                        _ => args.push(vals.next().unwrap_or(L::Nil)),
                    }
                }
                L::call(if c.protected { "redis.pcall" } else { "redis.call" }, args)
            }
            ExprKind::DynMethod(op, v) => {
                use ir::DynMethod as D;
                let x = self.expr(v, out);
                let h = match op {
                    D::IsNil => return L::bin(LB::Eq, x, L::Bool(false)),
                    D::IsOk => Helper::DynIsOk,
                    D::AsInt => Helper::DynInt,
                    D::AsString => Helper::DynString,
                    D::AsArray => Helper::DynArray,
                    D::ResultIsErr => Helper::IsErr,
                    D::ResultIsOk => return negate(self.helper(Helper::IsErr, vec![x])),
                    D::ResultOk => Helper::ResultOk,
                    D::ResultErr => Helper::ResultErr,
                };
                self.helper(h, vec![x])
            }
            ExprKind::Try(opt, rejection) => {
                let v = self.expr(opt, out);
                let t = if v.is_trivial() { v } else { self.spill(v, out) };
                let ret = match rejection.as_deref() {
                    Some(ir::Expr { kind: ExprKind::Reject(msg), .. }) if self.reply => {
                        vec![self.stmt(K::Return(vec![L::call("redis.error_reply", vec![reject_text(msg)])]))]
                    }
                    // A closure cannot return a rejection (lowering refuses it).
                    Some(_) => vec![self.stmt(K::Return(vec![L::Nil]))],
                    None => vec![self.stmt(K::Return(vec![L::Nil]))],
                };
                out.push(self.stmt(K::If(vec![(L::bin(LB::Eq, t.clone(), L::Nil), ret)], None)));
                t
            }
            ExprKind::OptionCall(op, opt, f) => self.option_call(*op, opt, f, out),
            ExprKind::Iter(ch) => self.iter_chain(ch, &e.ty, out),
            ExprKind::CallHelper(i, args) => {
                let refs: Vec<&ir::Expr> = args.iter().collect();
                let vals = self.operands(&refs, out);
                L::Call(Box::new(L::name(self.helper_fns[*i].lua.clone())), vals)
            }
        }
    }

    /// Applies a closure to `args`: its body inlined (parameters naming the arguments)
    /// when it has no `return`, else a call of the Lua function.
    fn apply(&mut self, f: &ir::Expr, args: Vec<L>, out: &mut Vec<LS>) -> L {
        let ExprKind::Closure(params, body) = &f.kind else { return L::Nil };
        let inline = !block_has_expr(body, |k| matches!(k, ExprKind::Return(_) | ExprKind::Try(..)));
        if inline {
            for (p, a) in params.iter().zip(args) {
                let a = if a.is_trivial() { a } else { self.spill(a, out) };
                self.aliases.insert(*p, a);
            }
            return self.expr(body, out);
        }
        let func = self.expr(f, out);
        L::Call(Box::new(L::Paren(Box::new(func))), args)
    }

    /// An iterator chain as one loop: stages in order (filters as nested `if`s,
    /// `take` as an early `break`), then the consumer.
    fn iter_chain(&mut self, ch: &ir::IterChain, ty: &Ty, out: &mut Vec<LS>) -> L {
        use ir::{IterSink as S, IterSource as Src, IterStage as St};
        let line = self.line;
        let init = match &ch.sink {
            S::Collect | S::CollectMap | S::CollectString => L::Table(vec![], vec![]),
            // Rust's f64 sum starts at -0.0 (so that an empty sum is -0.0). Lua would fold a
            // `-0.0` constant into 0: compute it at run time.
            S::Sum if *ty == Ty::Float => L::un(LU::Neg, L::bin(LB::Div, L::int(1), L::Field(Box::new(L::name("math")), "huge".into()))),
            S::Sum => L::int(0),
            S::Count => L::int(0),
            S::Any(_) => L::Bool(false),
            S::All(_) => L::Bool(true),
            S::Min | S::Max | S::Find(_) | S::Position(_) => L::Nil,
        };
        let acc = self.temp();
        out.push(self.stmt(K::Local(vec![acc.clone()], vec![init])));
        let accn = L::name(acc.clone());
        // Counters for enumerate / take / skip / position.
        let mut counters = Vec::new();
        let mut counter = |g: &mut Self, out: &mut Vec<LS>| {
            let c = g.temp();
            out.push(g.stmt(K::Local(vec![c.clone()], vec![L::int(0)])));
            counters.push(c.clone());
            L::Name(c)
        };
        let stage_counters: Vec<Option<L>> = ch.stages.iter().map(|st| if matches!(st, St::Enumerate | St::Take(_) | St::Skip(_) | St::Zip(_)) { Some(counter(self, out)) } else { None }).collect();
        let pos = if matches!(ch.sink, S::Position(_)) { Some(counter(self, out)) } else { None };
        // Values the stages need, evaluated once before the loop (as Rust does).
        let mut limits = Vec::new();
        for st in &ch.stages {
            match st {
                St::Take(n) | St::Skip(n) | St::Zip(n) => {
                    let v = self.expr(n, out);
                    limits.push(Some(if v.is_trivial() { v } else { self.spill(v, out) }));
                }
                _ => limits.push(None),
            }
        }
        let item = self.temp();
        let mut body: Vec<LS> = Vec::new();
        let mut cur = L::name(item.clone());
        // The innermost block where the rest of the pipeline goes: each filter opens one.
        let mut nest: Vec<(L, Vec<LS>)> = Vec::new();
        let mut block = std::mem::take(&mut body);
        for (i, st) in ch.stages.iter().enumerate() {
            match st {
                St::Map(f) => {
                    let v = self.apply(f, vec![cur.clone()], &mut block);
                    cur = self.spill(v, &mut block);
                }
                St::Filter(f) => {
                    let c = self.apply(f, vec![cur.clone()], &mut block);
                    nest.push((c, std::mem::take(&mut block)));
                }
                St::Enumerate => {
                    let Some(Some(n)) = stage_counters.get(i) else { continue };
                    let pair = L::Table(vec![n.clone(), cur.clone()], vec![]);
                    block.push(self.stmt(K::Assign(vec![n.clone()], vec![L::bin(LB::Add, n.clone(), L::int(1))])));
                    // The index is read before the increment.
                    let p = self.temp();
                    block.insert(block.len() - 1, self.stmt(K::Local(vec![p.clone()], vec![pair])));
                    cur = L::Name(p);
                }
                St::Take(_) => {
                    let (Some(Some(n)), Some(Some(lim))) = (stage_counters.get(i), limits.get(i)) else { continue };
                    block.push(self.stmt(K::If(vec![(L::bin(LB::Ge, n.clone(), lim.clone()), vec![LS::new(K::Break)])], None)));
                    block.push(self.stmt(K::Assign(vec![n.clone()], vec![L::bin(LB::Add, n.clone(), L::int(1))])));
                }
                St::Zip(_) => {
                    // The k-th element that reaches the zip pairs with the k-th of the other
                    // Vec; the first that has no partner ends the chain.
                    let (Some(Some(n)), Some(Some(other))) = (stage_counters.get(i), limits.get(i)) else { continue };
                    block.push(self.stmt(K::Assign(vec![n.clone()], vec![L::bin(LB::Add, n.clone(), L::int(1))])));
                    let y = self.temp();
                    block.push(self.stmt(K::Local(vec![y.clone()], vec![L::index(other.clone(), n.clone())])));
                    block.push(self.stmt(K::If(vec![(L::bin(LB::Eq, L::name(y.clone()), L::Nil), vec![LS::new(K::Break)])], None)));
                    let p = self.temp();
                    block.push(self.stmt(K::Local(vec![p.clone()], vec![L::Table(vec![cur.clone(), L::name(y)], vec![])])));
                    cur = L::Name(p);
                }
                St::Skip(_) => {
                    let (Some(Some(n)), Some(Some(lim))) = (stage_counters.get(i), limits.get(i)) else { continue };
                    block.push(self.stmt(K::Assign(vec![n.clone()], vec![L::bin(LB::Add, n.clone(), L::int(1))])));
                    nest.push((L::bin(LB::Gt, n.clone(), lim.clone()), std::mem::take(&mut block)));
                }
            }
        }
        // The consumer.
        match &ch.sink {
            S::Collect | S::CollectString => block.push(self.stmt(K::Assign(vec![L::index(accn.clone(), L::bin(LB::Add, L::un(LU::Len, accn.clone()), L::int(1)))], vec![cur.clone()]))),
            S::CollectMap => block.push(self.stmt(K::Assign(vec![L::index(accn.clone(), L::index(cur.clone(), L::int(1)))], vec![L::index(cur.clone(), L::int(2))]))),
            S::Sum => {
                let sum = L::bin(LB::Add, accn.clone(), cur.clone());
                let v = if *ty == Ty::Float { sum } else { self.helper(Helper::Int, vec![sum]) };
                block.push(self.stmt(K::Assign(vec![accn.clone()], vec![v])));
            }
            S::Count => block.push(self.stmt(K::Assign(vec![accn.clone()], vec![L::bin(LB::Add, accn.clone(), L::int(1))]))),
            S::Any(f) => {
                let c = self.apply(f, vec![cur.clone()], &mut block);
                block.push(self.stmt(K::If(vec![(c, vec![self.stmt(K::Assign(vec![accn.clone()], vec![L::Bool(true)])), LS::new(K::Break)])], None)));
            }
            S::All(f) => {
                let c = self.apply(f, vec![cur.clone()], &mut block);
                block.push(self.stmt(K::If(vec![(negate(c), vec![self.stmt(K::Assign(vec![accn.clone()], vec![L::Bool(false)])), LS::new(K::Break)])], None)));
            }
            S::Min | S::Max => {
                let op = if matches!(ch.sink, S::Min) { LB::Lt } else { LB::Ge };
                let better = L::bin(LB::Or, L::bin(LB::Eq, accn.clone(), L::Nil), L::bin(op, cur.clone(), accn.clone()));
                block.push(self.stmt(K::If(vec![(better, vec![self.stmt(K::Assign(vec![accn.clone()], vec![cur.clone()]))])], None)));
            }
            S::Find(f) => {
                let c = self.apply(f, vec![cur.clone()], &mut block);
                block.push(self.stmt(K::If(vec![(c, vec![self.stmt(K::Assign(vec![accn.clone()], vec![cur.clone()])), LS::new(K::Break)])], None)));
            }
            S::Position(f) => {
                let Some(p) = pos.clone() else { return accn };
                let c = self.apply(f, vec![cur.clone()], &mut block);
                block.push(self.stmt(K::If(vec![(c, vec![self.stmt(K::Assign(vec![accn.clone()], vec![p.clone()])), LS::new(K::Break)])], None)));
                block.push(self.stmt(K::Assign(vec![p.clone()], vec![L::bin(LB::Add, p, L::int(1))])));
            }
        }
        // Close the filters, innermost first.
        while let Some((cond, mut outer)) = nest.pop() {
            outer.push(self.stmt(K::If(vec![(cond, block)], None)));
            block = outer;
        }
        body = block;
        self.line = line;
        let loop_stmt = match &ch.source {
            Src::Vec(v) => {
                let t = self.expr(v, out);
                if ch.rev {
                    let t = if t.is_trivial() { t } else { self.spill(t, out) };
                    let i = self.temp();
                    body.insert(0, self.stmt(K::Local(vec![item.clone()], vec![L::index(t.clone(), L::name(i.clone()))])));
                    K::NumFor(i, L::un(LU::Len, t), L::int(1), Some(L::int(-1)), body)
                } else {
                    K::GenFor(vec!["_".into(), item.clone()], vec![L::call("ipairs", vec![t])], body)
                }
            }
            Src::Range(a, b, inclusive) => {
                let vals = self.operands(&[a, b], out);
                let last = if *inclusive { vals[1].clone() } else { L::bin(LB::Sub, vals[1].clone(), L::int(1)) };
                if ch.rev {
                    K::NumFor(item.clone(), last, vals[0].clone(), Some(L::int(-1)), body)
                } else {
                    K::NumFor(item.clone(), vals[0].clone(), last, None, body)
                }
            }
            Src::Split(sv, sep) => {
                let vals = self.operands(&[sv, sep], out);
                let parts = self.helper(Helper::Split, vals);
                K::GenFor(vec!["_".into(), item.clone()], vec![L::call("ipairs", vec![parts])], body)
            }
            Src::Chunks(v, n) => {
                let vals = self.operands(&[v, n], out);
                let parts = self.helper(Helper::Chunks, vals);
                K::GenFor(vec!["_".into(), item.clone()], vec![L::call("ipairs", vec![parts])], body)
            }
        };
        out.push(self.stmt(loop_stmt));
        if matches!(ch.sink, S::CollectString) {
            return L::call("table.concat", vec![accn]);
        }
        accn
    }

    /// `opt.map(f)` and friends, with the closure's body inlined where it has no `return`.
    fn option_call(&mut self, op: ir::OptionOp, opt: &ir::Expr, f: &ir::Expr, out: &mut Vec<LS>) -> L {
        use ir::OptionOp as O;
        let v = self.expr(opt, out);
        let t = self.spill(v, out);
        let ExprKind::Closure(params, body) = &f.kind else { return L::Nil };
        let result = match op {
            O::UnwrapOrElse => t.clone(),
            O::IsSomeAnd => {
                let r = self.temp();
                out.push(self.stmt(K::Local(vec![r.clone()], vec![L::Bool(false)])));
                L::Name(r)
            }
            _ => {
                let r = self.temp();
                out.push(self.stmt(K::Local(vec![r.clone()], vec![])));
                L::Name(r)
            }
        };
        let L::Name(rname) = result.clone() else { return L::Nil };
        let mut inner = Vec::new();
        let inline = !block_has_expr(body, |k| matches!(k, ExprKind::Return(_) | ExprKind::Try(..)));
        let value = if inline {
            for p in params {
                self.aliases.insert(*p, t.clone());
            }
            if op == O::Filter {
                let c = self.expr(body, &mut inner);
                Some(c)
            } else {
                self.expr_into(body, &Dest::Assign(rname.clone()), &mut inner);
                None
            }
        } else {
            let func = self.expr(f, &mut inner);
            let args = if op == O::UnwrapOrElse { vec![] } else { vec![t.clone()] };
            let call = L::Call(Box::new(L::Paren(Box::new(func))), args);
            if op == O::Filter {
                Some(call)
            } else {
                inner.push(self.stmt(K::Assign(vec![result.clone()], vec![call])));
                None
            }
        };
        if let Some(c) = value {
            inner.push(self.stmt(K::If(vec![(c, vec![self.stmt(K::Assign(vec![result.clone()], vec![t.clone()]))])], None)));
        }
        let cond = if op == O::UnwrapOrElse { L::bin(LB::Eq, t, L::Nil) } else { L::bin(LB::Ne, t, L::Nil) };
        out.push(self.stmt(K::If(vec![(cond, inner)], None)));
        result
    }

    fn method(&mut self, m: ir::Method, args: &[ir::Expr], out: &mut Vec<LS>) -> L {
        use ir::Method as M;
        let refs: Vec<&ir::Expr> = args.iter().collect();
        let mut v = self.operands(&refs, out);
        // Arguments used twice must be evaluated once.
        let mut once = |g: &mut Self, i: usize, out: &mut Vec<LS>| {
            if !v[i].is_trivial() {
                v[i] = g.spill(v[i].clone(), out);
            }
            v[i].clone()
        };
        match m {
            M::VecPush => {
                let (t, x) = (once(self, 0, out), once(self, 1, out));
                L::call("table.insert", vec![t, x])
            }
            M::VecPop => L::call("table.remove", vec![once(self, 0, out)]),
            M::VecLen | M::StrLen => L::un(LU::Len, once(self, 0, out)),
            M::VecIsEmpty => L::bin(LB::Eq, L::un(LU::Len, once(self, 0, out)), L::int(0)),
            M::StrIsEmpty => L::bin(LB::Eq, once(self, 0, out), L::str("")),
            M::VecContains => {
                let (t, x) = (once(self, 0, out), once(self, 1, out));
                self.helper(Helper::Contains, vec![t, x])
            }
            M::VecSum => {
                let t = once(self, 0, out);
                self.helper(Helper::Sum, vec![t])
            }
            M::VecExtend => {
                let (t, u) = (once(self, 0, out), once(self, 1, out));
                self.helper(Helper::Extend, vec![t, u])
            }
            // Equal integers (or strings) cannot be told apart: an unstable sort gives the
            // same Vec as Rust's stable one.
            M::VecSortInt => L::call("table.sort", vec![once(self, 0, out)]),
            M::VecSortStr => {
                let t = once(self, 0, out);
                self.helper(Helper::SortStr, vec![t])
            }
            M::VecReverse => {
                let t = once(self, 0, out);
                self.helper(Helper::Reverse, vec![t])
            }
            M::VecJoin => {
                let (t, sep) = (once(self, 0, out), once(self, 1, out));
                L::call("table.concat", vec![t, sep])
            }
            M::VecFirst => L::index(once(self, 0, out), L::int(1)),
            M::VecFill => self.helper(Helper::Fill, v.clone()),
            M::StrSplitOnce => self.helper(Helper::SplitOnce, v.clone()),
            M::StrStripPrefix => self.helper(Helper::StripPrefix, v.clone()),
            M::StrStripSuffix => self.helper(Helper::StripSuffix, v.clone()),
            M::StrTrimStartMatches => self.helper(Helper::TrimStartMatches, v.clone()),
            M::StrTrimEndMatches => self.helper(Helper::TrimEndMatches, v.clone()),
            M::StrSlice => self.helper(Helper::StrSlice, v.clone()),
            M::StrIsCharBoundary => self.helper(Helper::CharBoundary, v.clone()),
            M::FloatFixed => self.helper(Helper::FmtFixed, v.clone()),
            M::StrLines => self.helper(Helper::Lines, v.clone()),
            M::StrChars => self.helper(Helper::Chars, v.clone()),
            // One char (a one-char string) of an ASCII class; Lua's classes are ASCII-only
            // in the C locale, and a multi-byte char never matches.
            M::CharClass(class) => L::bin(LB::Ne, L::call("string.find", vec![v[0].clone(), L::str(format!("^{class}$"))]), L::Nil),
            M::StrSplitN => self.helper(Helper::SplitN, v.clone()),
            M::VecSortByKey => self.helper(Helper::SortByKey, v.clone()),
            M::VecRetain => self.helper(Helper::Retain, v.clone()),
            M::MapKeys => self.helper(Helper::MapKeys, v.clone()),
            M::MapValues => self.helper(Helper::MapValues, v.clone()),
            M::StrRsplitOnce => self.helper(Helper::RsplitOnce, v.clone()),
            M::StrRfind => self.helper(Helper::Rfind, v.clone()),
            M::StrPad => self.helper(Helper::Pad, v.clone()),
            M::IntRemEuclid => self.helper(Helper::RemEuclid, v.clone()),
            M::IntDivEuclid => self.helper(Helper::DivEuclid, v.clone()),
            M::IntSignum => {
                let a = once(self, 0, out);
                let pos = L::bin(LB::And, L::bin(LB::Gt, a.clone(), L::int(0)), L::int(1));
                let neg = L::bin(LB::And, L::bin(LB::Lt, a, L::int(0)), L::int(-1));
                L::Paren(Box::new(L::bin(LB::Or, L::bin(LB::Or, pos, neg), L::int(0))))
            }
            M::IntCheckedDiv | M::IntCheckedRem => {
                let (a, b) = (once(self, 0, out), once(self, 1, out));
                let h = if m == M::IntCheckedDiv { Helper::Div } else { Helper::Rem };
                let q = self.helper(h, vec![a, b.clone()]);
                // `b ~= 0 and q or nil`: q may be 0, which Lua takes as true.
                L::Paren(Box::new(L::bin(LB::Or, L::bin(LB::And, L::bin(LB::Ne, b, L::int(0)), q), L::Nil)))
            }
            M::IntCheckedAdd => self.helper(Helper::Int, vec![L::bin(LB::Add, v[0].clone(), v[1].clone())]),
            M::IntCheckedSub => self.helper(Helper::Int, vec![L::bin(LB::Sub, v[0].clone(), v[1].clone())]),
            M::IntCheckedMul => self.helper(Helper::CheckedMul, v.clone()),
            M::OptionDeepCopy => {
                let o = once(self, 0, out);
                let copy = self.helper(Helper::DeepCopy, vec![o.clone()]);
                L::bin(LB::And, o, copy)
            }
            M::VecLast => {
                let t = once(self, 0, out);
                L::index(t.clone(), L::un(LU::Len, t))
            }
            M::VecInsert => {
                let (t, i, x) = (once(self, 0, out), once(self, 1, out), once(self, 2, out));
                self.helper(Helper::VecInsert, vec![t, i, x])
            }
            M::VecRemove => {
                let (t, i) = (once(self, 0, out), once(self, 1, out));
                self.helper(Helper::VecRemove, vec![t, i])
            }
            M::VecTruncate => {
                let (t, n) = (once(self, 0, out), once(self, 1, out));
                self.helper(Helper::Truncate, vec![t, n])
            }
            M::StrStartsWith => {
                let (s, p) = (once(self, 0, out), once(self, 1, out));
                L::bin(LB::Eq, L::call("string.sub", vec![s, L::int(1), L::un(LU::Len, p.clone())]), p)
            }
            M::StrEndsWith => {
                let (s, p) = (once(self, 0, out), once(self, 1, out));
                let tail = L::call("string.sub", vec![s, L::un(LU::Neg, L::un(LU::Len, p.clone()))]);
                L::bin(LB::Or, L::bin(LB::Eq, p.clone(), L::str("")), L::bin(LB::Eq, tail, p))
            }
            M::StrContains => {
                let (s, p) = (once(self, 0, out), once(self, 1, out));
                L::bin(LB::Ne, L::call("string.find", vec![s, p, L::int(1), L::Bool(true)]), L::Nil)
            }
            M::StrConcat => L::bin(LB::Concat, v[0].clone(), v[1].clone()),
            M::DeepCopy => self.helper(Helper::DeepCopy, v.clone()),
            M::MapInsert => self.helper(Helper::MapInsert, v.clone()),
            M::MapRemove => self.helper(Helper::MapRemove, v.clone()),
            M::MapGet => L::index(v[0].clone(), v[1].clone()),
            M::MapContains => L::bin(LB::Ne, L::index(v[0].clone(), v[1].clone()), L::Nil),
            M::MapLen => self.helper(Helper::MapLen, v.clone()),
            M::MapIsEmpty => L::bin(LB::Eq, L::call("next", vec![v[0].clone()]), L::Nil),
            M::StrTrim => self.helper(Helper::Trim, vec![v[0].clone(), L::Bool(true), L::Bool(true)]),
            M::StrTrimStart => self.helper(Helper::Trim, vec![v[0].clone(), L::Bool(true), L::Bool(false)]),
            M::StrTrimEnd => self.helper(Helper::Trim, vec![v[0].clone(), L::Bool(false), L::Bool(true)]),
            // ASCII only, like Rust's to_ascii_*; string.upper would follow the C locale.
            M::StrAsciiUpper => L::call("string.gsub", vec![v[0].clone(), L::str("%l"), L::Table(vec![], ascii_case_table(true))]).first(),
            M::StrAsciiLower => L::call("string.gsub", vec![v[0].clone(), L::str("%u"), L::Table(vec![], ascii_case_table(false))]).first(),
            M::StrReplace => self.helper(Helper::Replace, v.clone()),
            M::StrRepeat => self.helper(Helper::Repeat, v.clone()),
            M::StrFind => self.helper(Helper::Find, v.clone()),
            // Characters are the bytes that do not continue a UTF-8 sequence.
            M::StrCharCount => L::call("select", vec![L::int(2), L::call("string.gsub", vec![v[0].clone(), L::Str(vec![b'[', b'^', 0x80, b'-', 0xBF, b']']), L::str("")])]),
            M::IntCast => self.helper(Helper::IntCast, v.clone()),
            M::IntMin => L::call("math.min", v.clone()),
            M::IntMax => L::call("math.max", v.clone()),
            M::IntAbs => L::call("math.abs", v.clone()),
            M::IntPow => self.helper(Helper::Pow, v.clone()),
            M::ParseInt => self.helper(Helper::ParseIntChecked, v.clone()),
            M::ParseFloat => self.helper(Helper::ParseFloat, v.clone()),
            M::FloatToInt => self.helper(Helper::FloatToInt, v.clone()),
            M::FloatToString => self.helper(Helper::FmtFloat, v.clone()),
            M::FloatFloor => L::call("math.floor", v.clone()),
            M::FloatCeil => L::call("math.ceil", v.clone()),
            M::FloatRound => self.helper(Helper::Round, v.clone()),
            M::FloatTrunc => {
                let x = once(self, 0, out);
                // floor toward zero, keeping NaN and infinities
                L::bin(LB::Or, L::bin(LB::And, L::bin(LB::Ge, x.clone(), L::int(0)), L::call("math.floor", vec![x.clone()])), L::call("math.ceil", vec![x]))
            }
            M::FloatAbs => L::call("math.abs", v.clone()),
            M::FloatSqrt => L::call("math.sqrt", v.clone()),
            M::FloatMin => self.helper(Helper::FloatMin, v.clone()),
            M::FloatMax => self.helper(Helper::FloatMax, v.clone()),
            // `powi` (an integer exponent) rounds as Rust's repeated squaring; `powf` is pow.
            M::FloatPow if args.get(1).is_some_and(|a| a.ty == Ty::Int) => self.helper(Helper::FloatPowi, v.clone()),
            M::FloatPow => L::bin(LB::Pow, v[0].clone(), v[1].clone()),
            M::FloatIsNan => {
                let x = once(self, 0, out);
                L::bin(LB::Ne, x.clone(), x)
            }
            M::OptionUnwrapOrDefault => {
                let d = match args[0].ty.clone() {
                    Ty::Option(t) if *t == Ty::Int => L::int(0),
                    Ty::Option(t) if *t == Ty::Bool => L::Bool(false),
                    _ => L::str(""),
                };
                L::bin(LB::Or, v[0].clone(), d)
            }
        }
    }

    /// Encodes a value of type `ty` as a reply (bools as 1/0, `None` inside arrays as
    /// a nil element).
    fn encode(&mut self, v: L, ty: &Ty, out: &mut Vec<LS>) -> L {
        match ty {
            Ty::Bool => bool_reply(v),
            // Redis would truncate a Lua number to an integer: floats go as Rust text.
            Ty::Float => self.helper(Helper::FmtFloat, vec![v]),
            Ty::Option(inner) => {
                let t = if v.is_trivial() { v } else { self.spill(v, out) };
                let enc = self.encode(t.clone(), inner, out);
                // Inside an array: `false` becomes a nil element.
                L::bin(LB::Or, L::bin(LB::And, L::bin(LB::Ne, t, L::Nil), enc), L::Bool(false))
            }
            Ty::Map(inner) => {
                let f = if needs_encoding(inner) {
                    let mut body = Vec::new();
                    let enc = self.encode(L::name("x"), inner, &mut body);
                    body.push(LS::new(K::Return(vec![enc])));
                    L::Function(vec!["x".into()], body)
                } else {
                    L::Nil
                };
                self.helper(Helper::MapReply, vec![v, f])
            }
            Ty::Struct(st) if st.fields.iter().any(|(_, t)| needs_encoding(t) || matches!(t, Ty::Option(_))) => {
                let tys: Vec<Ty> = st.fields.iter().map(|(_, t)| t.clone()).collect();
                self.encode(v, &Ty::Tuple(tys), out)
            }
            Ty::Tuple(ts) if ts.iter().any(|t| needs_encoding(t) || matches!(t, Ty::Option(_))) => {
                // A tuple built right here: encode its elements in place, one table
                // instead of two (when no element's encoding needs statements).
                if let L::Table(items, named) = &v {
                    if named.is_empty() && items.len() == ts.len() && ts.iter().all(|t| !matches!(t, Ty::Option(_) | Ty::Tuple(_) | Ty::Struct(_))) {
                        let items = items.clone();
                        let enc = items.into_iter().zip(ts).map(|(x, et)| self.encode(x, et, out)).collect();
                        return L::Table(enc, vec![]);
                    }
                }
                let t = if v.is_trivial() { v } else { self.spill(v, out) };
                let mut items = Vec::new();
                for (i, et) in ts.iter().enumerate() {
                    let x = L::index(t.clone(), L::int(i as i64 + 1));
                    items.push(self.encode(x, et, out));
                }
                L::Table(items, vec![])
            }
            // None is already `false` inside a Vec, which RESP2 sends as a nil element.
            Ty::Vec(inner) if matches!(&**inner, Ty::Option(t) if !needs_encoding(t)) => v,
            Ty::Vec(inner) if matches!(&**inner, Ty::Option(_)) => {
                let Ty::Option(t) = &**inner else { return v };
                let mut body = Vec::new();
                let enc = self.encode(L::name("x"), t, &mut body);
                body.push(LS::new(K::Return(vec![L::bin(LB::Or, L::bin(LB::And, L::name("x"), enc), L::Bool(false))])));
                let f = L::Function(vec!["x".into()], body);
                self.helper(Helper::Map, vec![v, f])
            }
            Ty::Vec(inner) if needs_encoding(inner) => {
                let mut body = Vec::new();
                let enc = self.encode(L::name("x"), inner, &mut body);
                body.push(LS::new(K::Return(vec![enc])));
                let f = L::Function(vec!["x".into()], body);
                self.helper(Helper::Map, vec![v, f])
            }
            _ => v,
        }
    }

    fn loop_stmt(&mut self, e: &ir::Expr, out: &mut Vec<LS>) {
        let line = self.line;
        match &e.kind {
            ExprKind::While(cond, body, id) => {
                let mut pre = Vec::new();
                let c = self.expr(cond, &mut pre);
                let mut flag_decl = Vec::new();
                let mut inner = self.loop_body(body, *id, &mut flag_decl);
                out.extend(flag_decl);
                if pre.is_empty() {
                    self.line = line;
                    out.push(self.stmt(K::While(c, inner)));
                } else {
                    self.line = line;
                    pre.push(self.stmt(K::If(vec![(negate(c), vec![LS::new(K::Break)])], None)));
                    pre.append(&mut inner);
                    out.push(self.stmt(K::While(L::Bool(true), pre)));
                }
            }
            ExprKind::WhileLet(pat, v, body, id) => {
                if v.ty == Ty::CallResult {
                    self.helpers.insert(Helper::IsErr);
                }
                // while true do local t = v; if not <matches> then break end; <body> end
                let mut inner = Vec::new();
                let val = self.expr(v, &mut inner);
                let subject = self.spill(val, &mut inner);
                bind_aliases(pat, &subject, &mut self.aliases);
                if let Some(test) = pat_test(pat, &subject) {
                    inner.push(self.stmt(K::If(vec![(negate(test), vec![LS::new(K::Break)])], None)));
                }
                let mut flag_decl = Vec::new();
                let mut body_lua = self.loop_body(body, *id, &mut flag_decl);
                out.extend(flag_decl);
                inner.append(&mut body_lua);
                self.line = line;
                out.push(self.stmt(K::While(L::Bool(true), inner)));
            }
            ExprKind::Loop(body, id) => {
                let mut flag_decl = Vec::new();
                let inner = self.loop_body(body, *id, &mut flag_decl);
                out.extend(flag_decl);
                self.line = line;
                out.push(self.stmt(K::While(L::Bool(true), inner)));
            }
            ExprKind::ForRange(r) => {
                let mut es = vec![&r.start, &r.end];
                if let Some(s) = &r.step {
                    es.push(s);
                }
                let vals = self.operands(&es, out);
                let (start, end) = (vals[0].clone(), vals[1].clone());
                // Rust's `a..b` excludes `b`.
                let last = if r.inclusive {
                    end
                } else if let L::Num(n) = &end {
                    n.parse::<i64>().map_or_else(|_| L::bin(LB::Sub, end.clone(), L::int(1)), |n| L::int(n - 1))
                } else {
                    L::bin(LB::Sub, end, L::int(1))
                };
                let step = match (&r.step, vals.get(2)) {
                    (Some(s), Some(v)) if matches!(s.kind, ExprKind::Int(_)) => Some(v.clone()),
                    (Some(_), Some(v)) => Some(self.helper(Helper::Step, vec![v.clone()])),
                    _ => None,
                };
                let (a, b, step) = if r.rev { (last, start, Some(L::int(-1))) } else { (start, last, step) };
                let name = self.vars[r.var.0].lua.clone();
                self.locals += 1;
                let mut flag_decl = Vec::new();
                let inner = self.loop_body(&r.body, r.id, &mut flag_decl);
                out.extend(flag_decl);
                self.line = line;
                out.push(self.stmt(K::NumFor(name, a, b, step, inner)));
            }
            ExprKind::ForMap(k, val, v, body, id) => {
                let t = self.expr(v, out);
                let names = vec![self.vars[k.0].lua.clone(), self.vars[val.0].lua.clone()];
                self.locals += 2;
                let mut flag_decl = Vec::new();
                let inner = self.loop_body(body, *id, &mut flag_decl);
                out.extend(flag_decl);
                self.line = line;
                out.push(self.stmt(K::GenFor(names, vec![L::call("pairs", vec![t])], inner)));
            }
            ExprKind::ForEach(var, v, body, id) => {
                let t = self.expr(v, out);
                let name = self.vars[var.0].lua.clone();
                self.locals += 2;
                let mut flag_decl = Vec::new();
                let mut inner = self.loop_body(body, *id, &mut flag_decl);
                out.extend(flag_decl);
                self.line = line;
                let loop_var = if matches!(self.vars[var.0].ty, Ty::Option(_)) {
                    // Inside a Vec, `None` is stored as `false`.
                    let raw = self.temp();
                    inner.insert(0, self.stmt(K::Local(vec![name.clone()], vec![L::bin(LB::Or, L::name(raw.clone()), L::Nil)])));
                    raw
                } else {
                    name
                };
                out.push(self.stmt(K::GenFor(vec!["_".into(), loop_var], vec![L::call("ipairs", vec![t])], inner)));
            }
            _ => {}
        }
        self.line = line;
    }

    /// The Lua body of a loop. Lua 5.1 has no `continue`: a body that uses it runs in
    /// `repeat .. until true`, where `continue` is `break`; a real `break` then sets a
    /// flag that ends the loop after the `repeat`.
    fn loop_body(&mut self, body: &ir::Block, id: ir::LoopId, flag_decl: &mut Vec<LS>) -> lua::Block {
        let has_continue = block_has(body, |k| matches!(k, ExprKind::Continue(t) if *t == id));
        let mut inner = Vec::new();
        if !has_continue {
            self.block_into(body, &Dest::Discard, &mut inner);
            return inner;
        }
        let flag = if block_has(body, |k| matches!(k, ExprKind::Break(t) if *t == id)) {
            let f = self.temp();
            flag_decl.push(self.stmt(K::Local(vec![f.clone()], vec![L::Bool(false)])));
            Some(f)
        } else {
            None
        };
        self.wrapped.insert(id, flag.clone());
        self.block_into(body, &Dest::Discard, &mut inner);
        let mut wrapped = vec![self.stmt(K::Repeat(inner, L::Bool(true)))];
        if let Some(f) = flag {
            wrapped.push(self.stmt(K::If(vec![(L::name(f), vec![LS::new(K::Break)])], None)));
        }
        wrapped
    }

    fn match_into(&mut self, e: &ir::Expr, dest: &Dest, out: &mut Vec<LS>) {
        let ExprKind::Match(scrut, arms) = &e.kind else { return };
        let line = self.line;
        if scrut.ty == Ty::CallResult {
            self.helpers.insert(Helper::IsErr);
        }
        let v = self.expr(scrut, out);
        // Bindings refer to the matched value: keep it in a local nobody assigns.
        let subject = match (&v, &scrut.kind) {
            (L::Name(_), ExprKind::Var(var)) if !self.vars[var.0].mutable => v,
            _ => self.spill(v, out),
        };
        let mut chain: Vec<(Vec<LS>, Option<L>, Vec<LS>)> = Vec::new();
        for arm in arms {
            bind_aliases(&arm.pat, &subject, &mut self.aliases);
            let test = pat_test(&arm.pat, &subject);
            let mut pre = Vec::new();
            let cond = match (&arm.guard, test) {
                (None, t) => t,
                (Some(g), t) => {
                    let gv = self.expr(g, &mut pre);
                    match t {
                        // A guard that needs statements runs them only once the pattern
                        // matched, as Rust evaluates it (its bindings are nil otherwise).
                        Some(t) if !pre.is_empty() => {
                            let flag = self.temp();
                            let mut guarded = std::mem::take(&mut pre);
                            guarded.push(self.stmt(K::Assign(vec![L::name(flag.clone())], vec![gv])));
                            pre.push(self.stmt(K::Local(vec![flag.clone()], vec![L::Bool(false)])));
                            pre.push(self.stmt(K::If(vec![(t, guarded)], None)));
                            Some(L::name(flag))
                        }
                        Some(t) => Some(L::bin(LB::And, t, gv)),
                        None => Some(gv),
                    }
                }
            };
            let mut body = Vec::new();
            self.line = arm.body.line.max(line);
            self.expr_into(&arm.body, dest, &mut body);
            self.line = line;
            let always = cond.is_none();
            chain.push((pre, cond, body));
            if always {
                break;
            }
        }
        self.line = line;
        let stmts = self.chain(chain);
        out.extend(stmts);
    }

    /// Builds `if c1 then b1 elseif c2 then b2 else b3 end` from arms whose conditions
    /// may need statements first (those nest into `else`). A `None` condition is `else`.
    fn chain(&mut self, mut arms: Vec<(Vec<LS>, Option<L>, Vec<LS>)>) -> Vec<LS> {
        if arms.is_empty() {
            return Vec::new();
        }
        let (pre, cond, body) = arms.remove(0);
        let mut out = pre;
        let Some(cond) = cond else {
            out.extend(body);
            return out;
        };
        let mut ifs = vec![(cond, body)];
        let mut els = None;
        while !arms.is_empty() {
            if !arms[0].0.is_empty() {
                els = Some(self.chain(std::mem::take(&mut arms)));
                break;
            }
            let (_, c, b) = arms.remove(0);
            match c {
                Some(c) => ifs.push((c, b)),
                None => {
                    els = Some(b);
                    break;
                }
            }
        }
        out.push(self.stmt(K::If(ifs, els)));
        out
    }

    fn binary(&mut self, op: ir::BinOp, a: &ir::Expr, b: &ir::Expr, out: &mut Vec<LS>) -> L {
        use ir::BinOp as B;
        if matches!(op, B::And | B::Or) {
            let l = self.expr(a, out);
            let mut pre = Vec::new();
            let r = self.expr(b, &mut pre);
            let lop = if op == B::And { LB::And } else { LB::Or };
            if pre.is_empty() {
                return L::bin(lop, l, r);
            }
            // The right side needs statements: run them only when Rust would.
            let t = self.spill(l, out);
            pre.push(self.stmt(K::Assign(vec![t.clone()], vec![r])));
            let cond = if op == B::And { t.clone() } else { L::un(LU::Not, t.clone()) };
            out.push(self.stmt(K::If(vec![(cond, pre)], None)));
            return t;
        }
        let vals = self.operands(&[a, b], out);
        let (l, r) = (vals[0].clone(), vals[1].clone());
        if op.is_bitwise() && a.ty == Ty::Bool {
            // Both sides run, as in Rust (Lua's `and` / `or` would skip the right one).
            let l = if l.is_trivial() { l } else { self.spill(l, out) };
            let r = if r.is_trivial() { r } else { self.spill(r, out) };
            return match op {
                B::BitAnd => L::bin(LB::And, l, r),
                B::BitOr => L::bin(LB::Or, l, r),
                _ => L::bin(LB::Ne, l, r),
            };
        }
        if a.ty == Ty::Float {
            // IEEE doubles on both sides: no range checks; `%` is C's fmod, like Rust.
            match op {
                B::Add => return L::bin(LB::Add, l, r),
                B::Sub => return L::bin(LB::Sub, l, r),
                B::Mul => return L::bin(LB::Mul, l, r),
                B::Div => return L::bin(LB::Div, l, r),
                B::Rem => return L::call("math.fmod", vec![l, r]),
                _ => {}
            }
        }
        match op {
            B::Add => self.helper(Helper::Int, vec![L::bin(LB::Add, l, r)]),
            B::Sub => self.helper(Helper::Int, vec![L::bin(LB::Sub, l, r)]),
            B::Mul => self.helper(Helper::Int, vec![L::bin(LB::Mul, l, r)]),
            B::Div => self.helper(Helper::Div, vec![l, r]),
            B::Rem => self.helper(Helper::Rem, vec![l, r]),
            // Lua's `==` compares tables by identity; Rust compares by value.
            B::Eq if holds_table(&a.ty) => self.helper(Helper::DeepEq, vec![l, r]),
            B::Ne if holds_table(&a.ty) => negate(self.helper(Helper::DeepEq, vec![l, r])),
            B::Eq => L::bin(LB::Eq, l, r),
            B::Ne => L::bin(LB::Ne, l, r),
            // Lua compares strings with strcoll (the server's locale); Rust byte by byte.
            B::Lt | B::Le | B::Gt | B::Ge if a.ty == Ty::Str => {
                let cmp = self.helper(Helper::StrCmp, vec![l, r]);
                let lop = match op {
                    B::Lt => LB::Lt,
                    B::Le => LB::Le,
                    B::Gt => LB::Gt,
                    _ => LB::Ge,
                };
                L::bin(lop, cmp, L::int(0))
            }
            B::Lt => L::bin(LB::Lt, l, r),
            B::Le => L::bin(LB::Le, l, r),
            B::Gt => L::bin(LB::Gt, l, r),
            B::Ge => L::bin(LB::Ge, l, r),
            B::BitAnd => self.helper(Helper::BitOp, vec![L::name("bit.band"), l, r]),
            B::BitOr => self.helper(Helper::BitOp, vec![L::name("bit.bor"), l, r]),
            B::BitXor => self.helper(Helper::BitOp, vec![L::name("bit.bxor"), l, r]),
            B::Shl => self.helper(Helper::Shift, vec![l, r, L::Bool(true)]),
            B::Shr => self.helper(Helper::Shift, vec![l, r, L::Bool(false)]),
            B::And | B::Or => L::Nil,
        }
    }

    /// In a script, the conversions of integer replies that can fail, written inline: the
    /// reply in a temporary, then the check that `redlua_int` or `redlua_get_int` would make
    /// (with the same message). `None` for the other replies.
    fn inline_reply_check(&mut self, c: &ir::CommandCall, call: &L, out: &mut Vec<LS>) -> Option<L> {
        let max = || L::int(crate::lower::MAX_SAFE_INT);
        let min = || L::int(-crate::lower::MAX_SAFE_INT);
        match (c.command.reply, &c.reply) {
            (ReplyKind::Int, _) => {
                let t = self.spill(call.clone(), out);
                let over = L::bin(LB::Or, L::bin(LB::Gt, t.clone(), max()), L::bin(LB::Lt, t.clone(), min()));
                let err = self.stmt(K::Call(L::call("error", vec![L::str("redlua: integer overflow (beyond +/-(2^53 - 1))")])));
                out.push(self.stmt(K::If(vec![(over, vec![err])], None)));
                Some(t)
            }
            (ReplyKind::OptionalValue, Ty::Option(ty)) if **ty == Ty::Int => {
                // local t = <reply>; if t == false then t = nil else <checked tonumber> end
                let t = self.spill(call.clone(), out);
                let L::Name(tn) = &t else { return None };
                let n = format!("{tn}_n");
                let ok = [L::bin(LB::Le, L::name(&n), max()), L::bin(LB::Ge, L::name(&n), min()), L::call("string.find", vec![t.clone(), L::str("^[+-]?%d+$")])]
                    .into_iter()
                    .fold(L::name(&n), |a, b| L::bin(LB::And, a, b));
                let msg = L::bin(LB::Concat, L::str("redlua: value is not an integer within +/-(2^53 - 1): "), L::call("string.sub", vec![t.clone(), L::int(1), L::int(64)]));
                let err = self.stmt(K::Call(L::call("error", vec![msg])));
                let parse = vec![
                    self.stmt(K::Local(vec![n.clone()], vec![L::call("tonumber", vec![t.clone()])])),
                    self.stmt(K::If(vec![(L::un(LU::Not, L::Paren(Box::new(ok))), vec![err])], None)),
                    self.stmt(K::Assign(vec![t.clone()], vec![L::name(&n)])),
                ];
                let missing = vec![self.stmt(K::Assign(vec![t.clone()], vec![L::Nil]))];
                out.push(self.stmt(K::If(vec![(L::bin(LB::Eq, t.clone(), L::Bool(false)), missing)], Some(parse))));
                Some(t)
            }
            _ => None,
        }
    }

    /// The reply of a command call, converted to its Rust-typed Lua value.
    fn command_reply(&mut self, c: &ir::CommandCall, call: L) -> L {
        match (c.command.reply, &c.reply) {
            (ReplyKind::Unit | ReplyKind::Count | ReplyKind::String | ReplyKind::VecString | ReplyKind::VecOptString, _) => call,
            (ReplyKind::Int, _) => self.helper(Helper::Int, vec![call]),
            (ReplyKind::Flag, _) => L::bin(LB::Eq, call, L::int(1)),
            (ReplyKind::OkOrNil, _) => L::bin(LB::Ne, call, L::Bool(false)),
            (ReplyKind::OptionalValue, Ty::Option(t)) if **t == Ty::Int => self.helper(Helper::GetInt, vec![call]),
            (ReplyKind::OptionalValue, Ty::Option(t)) if **t == Ty::Float => self.helper(Helper::GetFloat, vec![call]),
            // A missing bulk reply arrives as `false`: make it `nil` (None).
            (ReplyKind::OptionalValue | ReplyKind::OptionalString | ReplyKind::OptionalInt | ReplyKind::OptionalVecString, _) => L::bin(LB::Or, call, L::Nil),
            (ReplyKind::Status, _) => L::Field(Box::new(call), "ok".into()),
            (ReplyKind::Float | ReplyKind::OptionalFloat, _) => self.helper(Helper::GetFloat, vec![call]),
            (ReplyKind::VecFlag, _) => self.helper(Helper::Flags, vec![call]),
            (ReplyKind::VecOptFloat, _) => self.helper(Helper::OptFloats, vec![call]),
            (ReplyKind::PairsString, _) => self.helper(Helper::Pairs, vec![call]),
            (ReplyKind::PairsScore, _) => self.helper(Helper::ScorePairs, vec![call]),
            (ReplyKind::StreamEntries, _) => self.helper(Helper::StreamEntries, vec![call]),
            (ReplyKind::Time, _) => self.helper(Helper::Time, vec![call]),
        }
    }

    fn command_call(&mut self, c: &ir::CommandCall, out: &mut Vec<LS>) -> L {
        let values: Vec<&ir::Expr> = c
            .args
            .iter()
            .filter_map(|a| match a {
                CommandArg::Value(v) | CommandArg::Spread(v) | CommandArg::SpreadPairs(v) => Some(v),
                CommandArg::Word(_) => None,
            })
            .collect();
        let vals = self.operands(&values, out);
        // Floats go out formatted like Rust (redis.call would send %.17g).
        let mut vals = vals
            .into_iter()
            .zip(&values)
            .map(|(v, e)| match &e.ty {
                // An integer cast to f64 (exact within +/-(2^53 - 1)): Rust prints its digits.
                Ty::Float if int_valued(e, self.vars) => L::call("string.format", vec![L::str("%d"), v]),
                Ty::Float => self.helper(Helper::FmtFloat, vec![v]),
                Ty::Vec(t) if **t == Ty::Float => self.helper(Helper::Map, vec![v, L::name("redlua_fmt_float")]),
                // Pairs with a float side: each float as Rust prints it.
                Ty::Vec(t) if matches!(&**t, Ty::Tuple(ts) if ts.contains(&Ty::Float)) => {
                    let Ty::Tuple(ts) = &**t else { return v };
                    let items = ts
                        .iter()
                        .enumerate()
                        .map(|(i, t)| {
                            let x = L::index(L::name("p"), L::int(i as i64 + 1));
                            if *t == Ty::Float {
                                L::call("redlua_fmt_float", vec![x])
                            } else {
                                x
                            }
                        })
                        .collect();
                    let f = L::Function(vec!["p".into()], vec![LS::new(K::Return(vec![L::Table(items, vec![])]))]);
                    self.helper(Helper::Map, vec![v, f])
                }
                _ => v,
            })
            .collect::<Vec<_>>()
            .into_iter();
        if c.args.iter().any(|a| matches!(a, CommandArg::Spread(v) | CommandArg::SpreadPairs(v) if matches!(&v.ty, Ty::Vec(t) if **t == Ty::Float || matches!(&**t, Ty::Tuple(ts) if ts.contains(&Ty::Float))))) {
            self.helpers.insert(Helper::FmtFloat);
        }
        let spreads = c.args.iter().any(|a| matches!(a, CommandArg::Spread(_) | CommandArg::SpreadPairs(_)));
        if !spreads {
            let mut args = vec![L::str(c.command.redis)];
            for a in &c.args {
                match a {
                    CommandArg::Word(w) => args.push(L::str(w)),
                    _ => args.push(vals.next().unwrap_or(L::Nil)),
                }
            }
            return L::call("redis.call", args);
        }
        // Arguments from a Vec: collect them in a table and unpack it.
        let t = self.temp();
        out.push(self.stmt(K::Local(vec![t.clone()], vec![L::Table(vec![L::str(c.command.redis)], vec![])])));
        let tn = L::name(t.clone());
        for a in &c.args {
            let push = |v: L| LS::new(K::Assign(vec![L::index(tn.clone(), L::bin(LB::Add, L::un(LU::Len, tn.clone()), L::int(1)))], vec![v]));
            match a {
                CommandArg::Word(w) => out.push(push(L::str(w))),
                CommandArg::Value(_) => {
                    let v = vals.next().unwrap_or(L::Nil);
                    out.push(push(v));
                }
                CommandArg::Spread(_) => {
                    let v = vals.next().unwrap_or(L::Nil);
                    let call = self.helper(Helper::Extend, vec![tn.clone(), v]);
                    out.push(self.stmt(K::Call(call)));
                }
                CommandArg::SpreadPairs(_) => {
                    let v = vals.next().unwrap_or(L::Nil);
                    let call = self.helper(Helper::ExtendPairs, vec![tn.clone(), v]);
                    out.push(self.stmt(K::Call(call)));
                }
            }
        }
        // Lua's unpack fails beyond ~8000 values: past 7000 arguments the command is sent
        // in pieces whose replies combine as one command's would (or refused).
        let fixed = 1 + c.args.iter().take_while(|a| !matches!(a, CommandArg::Spread(_) | CommandArg::SpreadPairs(_))).count();
        let step = if c.args.iter().any(|a| matches!(a, CommandArg::SpreadPairs(_))) { 2 } else { 1 };
        let mode = c.command.split().map_or(L::Nil, L::str);
        self.helper(Helper::CallSpread, vec![tn, L::int(fixed as i64), L::int(step), mode])
    }
}

/// The Lua name of a runtime helper.
fn helper_name(h: Helper) -> &'static str {
    match h {
        Helper::Rest => "redlua_rest",
        Helper::Split => "redlua_split",
        Helper::Trim => "redlua_trim",
        Helper::StrCmp => "redlua_str_cmp",
        Helper::DeepCopy => "redlua_deep_copy",
        Helper::MapInsert => "redlua_map_insert",
        Helper::DeepEq => "redlua_deep_eq",
        Helper::IntCast => "redlua_int_cast",
        Helper::CallSpread => "redlua_call_spread",
        Helper::MapRemove => "redlua_map_remove",
        Helper::MapLen => "redlua_map_len",
        Helper::MapReply => "redlua_map_reply",
        Helper::Replace => "redlua_replace",
        Helper::Repeat => "redlua_repeat",
        Helper::Find => "redlua_find",
        Helper::Chunks => "redlua_chunks",
        Helper::ParseInt => "redlua_parse_int",
        Helper::ParseIntChecked => "redlua_parse_int_checked",
        Helper::Int => "redlua_int",
        Helper::GetInt => "redlua_get_int",
        Helper::ArgInt => "redlua_arg_int",
        Helper::ArgBool => "redlua_arg_bool",
        Helper::Div => "redlua_div",
        Helper::Rem => "redlua_rem",
        Helper::Index => "redlua_index",
        Helper::FmtFloat => "redlua_fmt_float",
        Helper::Flags => "redlua_flags",
        Helper::DynIsOk => "redlua_dyn_is_ok",
        Helper::DynInt => "redlua_dyn_int",
        Helper::DynString => "redlua_dyn_string",
        Helper::DynArray => "redlua_dyn_array",
        Helper::IsErr => "redlua_is_err",
        Helper::ResultOk => "redlua_result_ok",
        Helper::ResultErr => "redlua_result_err",
        Helper::OptFloats => "redlua_opt_floats",
        Helper::Pairs => "redlua_pairs",
        Helper::ScorePairs => "redlua_score_pairs",
        Helper::StreamEntries => "redlua_stream_entries",
        Helper::Time => "redlua_time",
        Helper::ExtendPairs => "redlua_extend_pairs",
        Helper::ParseFloat => "redlua_parse_float",
        Helper::ArgFloat => "redlua_arg_float",
        Helper::GetFloat => "redlua_get_float",
        Helper::FloatToInt => "redlua_f2i",
        Helper::Round => "redlua_round",
        Helper::SetIndex => "redlua_set_index",
        Helper::Contains => "redlua_contains",
        Helper::Sum => "redlua_sum",
        Helper::Extend => "redlua_extend",
        Helper::SortStr => "redlua_sort_str",
        Helper::BitOp => "redlua_bitop",
        Helper::Fill => "redlua_fill",
        Helper::SplitOnce => "redlua_split_once",
        Helper::StripPrefix => "redlua_strip_prefix",
        Helper::StripSuffix => "redlua_strip_suffix",
        Helper::TrimStartMatches => "redlua_trim_start_matches",
        Helper::TrimEndMatches => "redlua_trim_end_matches",
        Helper::StrSlice => "redlua_str_slice",
        Helper::CharBoundary => "redlua_char_boundary",
        Helper::FmtFixed => "redlua_fmt_fixed",
        Helper::Lines => "redlua_lines",
        Helper::Chars => "redlua_chars",
        Helper::SplitN => "redlua_splitn",
        Helper::SortByKey => "redlua_sort_by_key",
        Helper::Retain => "redlua_retain",
        Helper::MapKeys => "redlua_map_keys",
        Helper::MapValues => "redlua_map_values",
        Helper::RsplitOnce => "redlua_rsplit_once",
        Helper::Rfind => "redlua_rfind",
        Helper::Pad => "redlua_pad",
        Helper::RemEuclid => "redlua_rem_euclid",
        Helper::DivEuclid => "redlua_div_euclid",
        Helper::CheckedMul => "redlua_checked_mul",
        Helper::Shift => "redlua_shift",
        Helper::Reverse => "redlua_reverse",
        Helper::VecInsert => "redlua_vec_insert",
        Helper::VecRemove => "redlua_vec_remove",
        Helper::Truncate => "redlua_truncate",
        Helper::Map => "redlua_map",
        Helper::Step => "redlua_step",
        Helper::Pow => "redlua_pow",
        Helper::FloatMin => "redlua_fmin",
        Helper::FloatMax => "redlua_fmax",
        Helper::FloatPowi => "redlua_powi",
    }
}

/// `{ a = 'A', .. }`: the ASCII case mapping for `string.gsub`.
fn ascii_case_table(upper: bool) -> Vec<(String, L)> {
    (b'a'..=b'z')
        .map(|c| {
            let (from, to) = if upper { (c, c.to_ascii_uppercase()) } else { (c.to_ascii_uppercase(), c) };
            ((from as char).to_string(), L::str([to]))
        })
        .collect()
}

/// A finite f64 as a Lua number literal that reads back exactly.
/// Whether a float-typed expression is an `i64` cast to `f64` (`n as f64`, `(a - b) as
/// f64`), whose value is therefore an integer within +/-(2^53 - 1) (never -0).
fn int_valued(e: &ir::Expr, vars: &[ir::Var]) -> bool {
    match &e.kind {
        ExprKind::Var(v) => vars[v.0].ty == Ty::Int,
        ExprKind::Binary(op, a, _) => a.ty == Ty::Int && matches!(op, ir::BinOp::Add | ir::BinOp::Sub | ir::BinOp::Mul | ir::BinOp::Div | ir::BinOp::Rem),
        _ => false,
    }
}

/// A float literal as a Lua expression. Lua 5.1 keeps one constant per value in a
/// function's constant table, and `-0.0 == 0.0`: a literal `-0.0` in a function that also
/// holds the constant `0` reads as `0` (so `1 / x` is `inf`, and the text `0`, where Rust
/// has `-0`). Negative zero is computed at run time instead, from a value Lua cannot fold.
fn float_num(x: f64) -> L {
    if x == 0.0 && x.is_sign_negative() {
        L::bin(LB::Div, L::Num("-1".to_string()), L::name("math.huge"))
    } else {
        L::Num(float_literal(x))
    }
}

/// The value of a float expression made of literals and the operators Lua 5.1 folds at
/// compile time (`+ - * / %`, unary minus, `^` from `powf`), computed as Lua would.
fn const_float(e: &ir::Expr) -> Option<f64> {
    use ir::BinOp as B;
    match &e.kind {
        ExprKind::Float(x) => Some(*x),
        ExprKind::Unary(ir::UnOp::Neg, a) => const_float(a).map(|x| -x),
        ExprKind::Binary(op, a, b) if a.ty == Ty::Float => {
            let (x, y) = (const_float(a)?, const_float(b)?);
            match op {
                B::Add => Some(x + y),
                B::Sub => Some(x - y),
                B::Mul => Some(x * y),
                B::Div => Some(x / y),
                B::Rem => Some(x % y),
                _ => None,
            }
        }
        ExprKind::Method(ir::Method::FloatPow, args) if args.len() == 2 && args[1].ty == Ty::Float => Some(const_float(&args[0])?.powf(const_float(&args[1])?)),
        _ => None,
    }
}

fn float_literal(x: f64) -> String {
    let s = format!("{x:?}");
    if s.contains('e') || s.contains('.') {
        s
    } else {
        format!("{s}.0")
    }
}

/// `not e`, simplified where Lua has the opposite operator.
fn negate(e: L) -> L {
    match e {
        L::Bin(LB::Ne, a, b) => L::Bin(LB::Eq, a, b),
        L::Bin(LB::Eq, a, b) => L::Bin(LB::Ne, a, b),
        L::Un(LU::Not, a) => *a,
        e => L::un(LU::Not, e),
    }
}

fn bool_reply(v: L) -> L {
    // Lua `true` would become 1 but `false` a nil reply: send 1 / 0.
    match v {
        L::Bool(b) => L::int(i64::from(b)),
        v => L::bin(LB::Or, L::bin(LB::And, v, L::int(1)), L::int(0)),
    }
}

/// True when values of `t` are (or may be) Lua tables, which `==` compares by identity.
fn holds_table(t: &Ty) -> bool {
    match t {
        Ty::Vec(_) | Ty::Tuple(_) | Ty::Struct(_) | Ty::Map(_) | Ty::Dyn => true,
        Ty::Option(i) => holds_table(i),
        _ => false,
    }
}

/// True when a reply of type `t` needs converting from its Lua representation.
fn needs_encoding(t: &Ty) -> bool {
    match t {
        Ty::Bool | Ty::Option(_) | Ty::Float => true,
        Ty::Vec(i) => needs_encoding(i),
        Ty::Tuple(ts) => ts.iter().any(|t| needs_encoding(t) || matches!(t, Ty::Option(_))),
        Ty::Struct(st) => st.fields.iter().any(|(_, t)| needs_encoding(t) || matches!(t, Ty::Option(_))),
        Ty::Map(_) => true,
        _ => false,
    }
}

fn pat_test(p: &ir::Pat, s: &L) -> Option<L> {
    use ir::Pat as P;
    match p {
        P::Wild | P::Bind(_) => None,
        P::Int(n) => Some(L::bin(LB::Eq, s.clone(), L::int(*n))),
        P::Str(b) => Some(L::bin(LB::Eq, s.clone(), L::Str(b.clone()))),
        P::Bool(b) => Some(L::bin(LB::Eq, s.clone(), L::Bool(*b))),
        P::Range(lo, hi) => Some(L::bin(LB::And, L::bin(LB::Ge, s.clone(), L::int(*lo)), L::bin(LB::Le, s.clone(), L::int(*hi)))),
        P::None => Some(L::bin(LB::Eq, s.clone(), L::Nil)),
        P::Some(inner) => {
            let some = L::bin(LB::Ne, s.clone(), L::Nil);
            Some(match pat_test(inner, s) {
                Some(t) => L::bin(LB::And, some, t),
                None => some,
            })
        }
        P::Or(ps) => {
            let mut acc: Option<L> = None;
            for p in ps {
                let t = pat_test(p, s)?; // an irrefutable case makes the whole `|` irrefutable
                acc = Some(match acc {
                    Some(a) => L::bin(LB::Or, a, t),
                    None => t,
                });
            }
            acc
        }
        P::CallOk(inner) => {
            let ok = negate(L::call("redlua_is_err", vec![s.clone()]));
            Some(match pat_test(inner, s) {
                Some(t) => L::bin(LB::And, ok, t),
                None => ok,
            })
        }
        P::CallErr(inner) => {
            let err = L::call("redlua_is_err", vec![s.clone()]);
            Some(match pat_test(inner, &L::Field(Box::new(s.clone()), "err".into())) {
                Some(t) => L::bin(LB::And, err, t),
                None => err,
            })
        }
        P::Tuple(ps) => {
            let mut acc: Option<L> = None;
            for (i, p) in ps.iter().enumerate() {
                if let Some(t) = pat_test(p, &L::index(s.clone(), L::int(i as i64 + 1))) {
                    acc = Some(match acc {
                        Some(a) => L::bin(LB::And, a, t),
                        None => t,
                    });
                }
            }
            acc
        }
    }
}

fn bind_aliases(p: &ir::Pat, s: &L, aliases: &mut HashMap<ir::VarId, L>) {
    use ir::Pat as P;
    match p {
        P::Bind(v) => {
            aliases.insert(*v, s.clone());
        }
        P::Some(inner) | P::CallOk(inner) => bind_aliases(inner, s, aliases),
        P::CallErr(inner) => bind_aliases(inner, &L::Field(Box::new(s.clone()), "err".into()), aliases),
        P::Tuple(ps) => {
            for (i, p) in ps.iter().enumerate() {
                bind_aliases(p, &L::index(s.clone(), L::int(i as i64 + 1)), aliases);
            }
        }
        P::Or(ps) => {
            for p in ps {
                bind_aliases(p, s, aliases);
            }
        }
        _ => {}
    }
}

/// True when some expression of `b` (outside closures) satisfies `pred`.
fn block_has(b: &ir::Block, pred: impl Fn(&ExprKind) -> bool) -> bool {
    let mut found = false;
    crate::checks::visit_block(b, &mut |e| {
        if pred(&e.kind) {
            found = true;
        }
    });
    found
}

/// True when some expression of `e` satisfies `pred`.
fn block_has_expr(e: &ir::Expr, pred: impl Fn(&ExprKind) -> bool) -> bool {
    let mut found = false;
    crate::checks::visit_expr(e, &mut |x| {
        if pred(&x.kind) {
            found = true;
        }
    });
    found
}
