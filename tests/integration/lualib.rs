//! Each Lua runtime helper (compiler/lualib/*.lua) on its own, against a real server: the
//! helper and what it requires, as a generated chunk holds them, then a small driver that
//! calls it on edge inputs. The expected values are computed by the Rust the helper stands
//! for wherever Rust can compute them.
//!
//! Every value the driver returns goes through `show` (below), which renders a Lua value
//! as text that keeps what a reply would lose (floats, `-0`, `false` against `nil`, keyed
//! tables); [`Show`] renders Rust values the same way.

use redlua::testing::TestServer;
use redlua_compiler::lualib::{self, Helper};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// The largest integer Lua holds exactly, as redlua's integers are checked against it.
const MAX: i64 = 9_007_199_254_740_991;

/// True when Lua holds `n` exactly, as redlua's integers must be.
fn exact(n: i64) -> bool {
    n.unsigned_abs() <= MAX as u64
}

/// Renders a Lua value; errors as `error: <message>` (the position removed) or, for an
/// error table, `error <its err field>`.
const DRIVER_PRELUDE: &str = r#"
local show
local function show_num(x)
  if x ~= x then
    return 'nan'
  elseif x == math.huge then
    return 'inf'
  elseif x == -math.huge then
    return '-inf'
  elseif x == 0 then
    if 1 / x < 0 then
      return '-0'
    end
    return '0'
  elseif x % 1 == 0 and x > -1e18 and x < 1e18 then
    return string.format('%d', x)
  end
  for p = 15, 17 do
    local s = string.format('%.' .. p .. 'g', x)
    if tonumber(s) == x then
      return s
    end
  end
end
show = function(x)
  local t = type(x)
  if t == 'nil' then
    return 'nil'
  elseif t == 'boolean' then
    return tostring(x)
  elseif t == 'number' then
    return show_num(x)
  elseif t == 'string' then
    return '"' .. x .. '"'
  elseif t == 'table' then
    local parts, n = {}, #x
    for i = 1, n do
      parts[i] = show(x[i])
    end
    local keyed = {}
    for k, v in pairs(x) do
      if not (type(k) == 'number' and k >= 1 and k <= n and k % 1 == 0) then
        keyed[#keyed + 1] = tostring(k) .. '=' .. show(v)
      end
    end
    table.sort(keyed)
    for _, s in ipairs(keyed) do
      parts[#parts + 1] = s
    end
    return '{' .. table.concat(parts, ', ') .. '}'
  end
  return t
end
"#;

const DRIVER_END: &str = r#"
local ok, r = pcall(driver)
if ok then
  return show(r)
elseif type(r) == 'table' then
  return 'error ' .. tostring(r.err)
end
return 'error: ' .. (string.gsub(tostring(r), '^[%w_]+:%d+: ', ''))
"#;

struct Lua {
    con: redis::Connection,
}

impl Lua {
    /// Runs `body` (Lua statements ending in `return`) after the chunk of `helpers` and
    /// what they require, with `args` as ARGV; gives `show` of the returned value.
    fn run(&mut self, helpers: &[Helper], body: &str, args: &[&str]) -> String {
        let script = format!("{}\n{DRIVER_PRELUDE}\nlocal function driver()\n{body}\nend\n{DRIVER_END}", lualib::chunk(helpers));
        let mut cmd = redis::cmd("EVAL");
        cmd.arg(&script).arg(0);
        for a in args {
            cmd.arg(*a);
        }
        match cmd.query::<redis::Value>(&mut self.con) {
            Ok(redis::Value::BulkString(b)) => String::from_utf8_lossy(&b).into_owned(),
            other => panic!("the driver of {helpers:?} gave {other:?}:\n{body}"),
        }
    }

    /// `show` of the Lua expression `e`.
    fn eval(&mut self, helpers: &[Helper], e: &str, args: &[&str]) -> String {
        self.run(helpers, &format!("return {e}"), args)
    }
}

/// A Rust value as the driver's `show` renders the Lua value that stands for it.
trait Show {
    fn show(&self) -> String;
}

impl Show for i64 {
    fn show(&self) -> String {
        self.to_string()
    }
}

impl Show for usize {
    fn show(&self) -> String {
        self.to_string()
    }
}

impl Show for bool {
    fn show(&self) -> String {
        self.to_string()
    }
}

impl Show for str {
    fn show(&self) -> String {
        format!("\"{self}\"")
    }
}

impl Show for &str {
    fn show(&self) -> String {
        (**self).show()
    }
}

impl Show for String {
    fn show(&self) -> String {
        self.as_str().show()
    }
}

impl Show for f64 {
    fn show(&self) -> String {
        let x = *self;
        if x.is_nan() {
            "nan".into()
        } else if x.is_infinite() {
            if x > 0.0 { "inf" } else { "-inf" }.into()
        } else if x == 0.0 {
            if x.is_sign_negative() { "-0" } else { "0" }.into()
        } else if x.fract() == 0.0 && x.abs() < 1e18 {
            format!("{}", x as i64)
        } else if x.abs() >= 1e-4 && x.abs() < 1e15 {
            // The shortest digits that read back, as Display writes them and %g would.
            format!("{x}")
        } else {
            // %g's exponent form: a sign and at least two digits.
            let e = format!("{x:e}");
            let (mant, exp) = e.split_once('e').unwrap_or((&e, "0"));
            let (sign, digits) = exp.strip_prefix('-').map_or(("+", exp), |d| ("-", d));
            format!("{mant}e{sign}{digits:0>2}")
        }
    }
}

impl<T: Show> Show for Option<T> {
    fn show(&self) -> String {
        self.as_ref().map_or("nil".into(), T::show)
    }
}

impl<T: Show> Show for [T] {
    fn show(&self) -> String {
        format!("{{{}}}", self.iter().map(T::show).collect::<Vec<_>>().join(", "))
    }
}

impl<T: Show> Show for Vec<T> {
    fn show(&self) -> String {
        self.as_slice().show()
    }
}

impl<A: Show, B: Show> Show for (A, B) {
    fn show(&self) -> String {
        format!("{{{}, {}}}", self.0.show(), self.1.show())
    }
}

/// `Ok(v)` shown, or the error text the driver gives for a Lua `error('redlua: ..')`.
fn or_error<T: Show>(r: Result<T, &str>) -> String {
    match r {
        Ok(v) => v.show(),
        Err(e) => format!("error: redlua: {e}"),
    }
}

/// A Lua number literal of exactly `x`.
fn num(x: f64) -> String {
    if x.is_nan() {
        "(0 / 0)".into()
    } else if x.is_infinite() {
        if x > 0.0 { "math.huge" } else { "-math.huge" }.into()
    } else if x == 0.0 && x.is_sign_negative() {
        // Computed when the chunk runs: Lua 5.1 keeps one constant for 0 and -0, so a
        // literal -0.0 would turn the function's other zeros into -0, or itself into 0.
        "(-1 / math.huge)".into()
    } else {
        format!("({x:e})")
    }
}

/// A Lua array of integers.
fn int_array(v: &[i64]) -> String {
    format!("{{ {} }}", v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", "))
}

/// Every helper's test; a helper added to compiler/lualib without one here does not
/// compile (the match has no catch-all arm).
fn check(lua: &mut Lua, h: Helper) {
    match h {
        Helper::ParseInt => parse_int(lua),
        Helper::ParseIntChecked => parse_int_checked(lua),
        Helper::Int => int(lua),
        Helper::GetInt => get_int(lua),
        Helper::ArgInt => arg_int(lua),
        Helper::ArgBool => arg_bool(lua),
        Helper::Div => div(lua),
        Helper::Rem => rem(lua),
        Helper::Index => index(lua),
        Helper::SetIndex => set_index(lua),
        Helper::FmtFloat => fmt_float(lua),
        Helper::ParseFloat => parse_float(lua),
        Helper::DynIsOk => dyn_is_ok(lua),
        Helper::DynInt => dyn_int(lua),
        Helper::DynString => dyn_string(lua),
        Helper::DynArray => dyn_array(lua),
        Helper::IsErr => is_err(lua),
        Helper::ResultOk => result_ok(lua),
        Helper::ResultErr => result_err(lua),
        Helper::Rest => rest(lua),
        Helper::CallSpread => call_spread(lua),
        Helper::IntCast => int_cast(lua),
        Helper::DeepEq => deep_eq(lua),
        Helper::MapInsert => map_insert(lua),
        Helper::MapRemove => map_remove(lua),
        Helper::MapLen => map_len(lua),
        Helper::MapReply => map_reply(lua),
        Helper::DeepCopy => deep_copy(lua),
        Helper::StrCmp => str_cmp(lua),
        Helper::Trim => trim(lua),
        Helper::Replace => replace(lua),
        Helper::Repeat => repeat(lua),
        Helper::Find => find(lua),
        Helper::Split => split(lua),
        Helper::Chunks => chunks(lua),
        Helper::Flags => flags(lua),
        Helper::OptFloats => opt_floats(lua),
        Helper::Pairs => pairs(lua),
        Helper::ScorePairs => score_pairs(lua),
        Helper::StreamEntries => stream_entries(lua),
        Helper::Time => time(lua),
        Helper::ExtendPairs => extend_pairs(lua),
        Helper::ArgFloat => arg_float(lua),
        Helper::GetFloat => get_float(lua),
        Helper::FloatToInt => f2i(lua),
        Helper::Round => round(lua),
        Helper::Contains => contains(lua),
        Helper::Sum => sum(lua),
        Helper::Extend => extend(lua),
        Helper::BitOp => bitop(lua),
        Helper::Shift => shift(lua),
        Helper::Fill => fill(lua),
        Helper::SplitOnce => split_once(lua),
        Helper::StripPrefix => strip_prefix(lua),
        Helper::StripSuffix => strip_suffix(lua),
        Helper::TrimStartMatches => trim_start_matches(lua),
        Helper::TrimEndMatches => trim_end_matches(lua),
        Helper::StrSlice => str_slice(lua),
        Helper::CharBoundary => char_boundary(lua),
        Helper::FmtFixed => fmt_fixed(lua),
        Helper::Pad => pad(lua),
        Helper::Chars => chars(lua),
        Helper::Lines => lines(lua),
        Helper::SplitN => splitn(lua),
        Helper::SortByKey => sort_by_key(lua),
        Helper::Retain => retain(lua),
        Helper::MapKeys => map_keys(lua),
        Helper::MapValues => map_values(lua),
        Helper::RsplitOnce => rsplit_once(lua),
        Helper::Rfind => rfind(lua),
        Helper::RemEuclid => rem_euclid(lua),
        Helper::DivEuclid => div_euclid(lua),
        Helper::CheckedMul => checked_mul(lua),
        Helper::SortStr => sort_str(lua),
        Helper::Reverse => reverse(lua),
        Helper::VecInsert => vec_insert(lua),
        Helper::VecRemove => vec_remove(lua),
        Helper::Truncate => truncate(lua),
        Helper::Map => map(lua),
        Helper::Step => step(lua),
        Helper::Pow => pow(lua),
        Helper::IntIn => int_in(lua),
        Helper::Pow2 => pow2(lua),
        Helper::Wrap => wrap(lua),
        Helper::F2iIn => f2i_in(lua),
        Helper::CheckedIn => checked_in(lua),
        Helper::ShiftIn => shift_in(lua),
        Helper::ArgIntIn => arg_int_in(lua),
        Helper::SumIn => sum_in(lua),
        Helper::DivIn => div_in(lua),
        Helper::Clamp => clamp(lua),
        Helper::FloatMin => fmin_fmax(lua, Helper::FloatMin),
        Helper::FloatMax => fmin_fmax(lua, Helper::FloatMax),
        Helper::EqIgnoreAsciiCase => eq_ignore_ascii_case(lua),
        Helper::FloatPowi => powi(lua),
        Helper::Reject => reject(lua),

        Helper::Unwrap => unwrap(lua),
        Helper::Dedup => dedup(lua),

        Helper::RecordText => record_text(lua),
        Helper::RecordHash => record_hash(lua),
        Helper::HsetRecord => hset_record(lua),
        Helper::RecordReply => record_reply(lua),

        Helper::MinByLen => min_by_len(lua),

        Helper::ArgLuaNumber => arg_lua_number(lua),
        Helper::ArgEnum => arg_enum(lua),

        Helper::Utf8Valid => utf8_valid(lua),
        Helper::JsonParse => json_parse(lua),
        Helper::JsonValue | Helper::JsonDecode => json_decode(lua),
        Helper::JsonFloat => json_float(lua),
        Helper::JsonStr => json_str(lua),
        Helper::JsonEncode => json_encode(lua),
        Helper::VecSlice => vec_slice(lua),

        Helper::DebugEscapes => debug_escapes(lua),
        Helper::DebugStr => debug_str(lua),
        Helper::DebugFloat => debug_float(lua),
        Helper::Debug => debug(lua),
    }
}

/// Byte strings for the UTF-8 check, written as Lua escapes.
const UTF8_CASES: &[&[u8]] = &[
    b"", b"a", "h\u{e9}llo".as_bytes(), "\u{e9}".as_bytes(), &[0xc3, 0xa9], &[0xe2, 0x82, 0xac], &[0xf0, 0x9d, 0x84, 0x9e],
    &[0xc3], &[0xa9], &[0xc0, 0xaf], &[0xe0, 0x80, 0xaf], &[0xed, 0xa0, 0x80], &[0xed, 0x9f, 0xbf], &[0xf4, 0x8f, 0xbf, 0xbf],
    &[0xf4, 0x90, 0x80, 0x80], &[0xf8, 0x88, 0x80, 0x80, 0x80], &[0xff], &[0x61, 0x00, 0x62], &[0xe2, 0x82], &[0xf0, 0x9d, 0x84],
];

fn lua_bytes(b: &[u8]) -> String {
    let mut out = String::from("'");
    for x in b {
        out.push_str(&format!("\\{x}"));
    }
    out.push('\'');
    out
}

fn utf8_valid(lua: &mut Lua) {
    for b in UTF8_CASES {
        let want = std::str::from_utf8(b).is_ok();
        assert_eq!(lua.eval(&[Helper::Utf8Valid], &format!("redlua_utf8_valid({})", lua_bytes(b)), &[]), want.to_string(), "{b:?}");
    }
}

fn json_parse(lua: &mut Lua) {
    let texts = [
        "1", "-0", "1.5e3", "01", "0x10", "NaN", "Infinity", "[1,2,]", "[1,2]", "{}", "[]", "{\"a\":1,\"a\":2}", "\"\\ud800\"",
        "\"\\u00e9\"", " [ true , false , null ] ", "{\"a\":{\"b\":[1,{\"c\":\"d\"}]}}", "1e400", "\"a\\x\"", "tru", "", "[1] x",
        "-", "1.", ".5", "1e", "\"\t\"",
    ];
    for t in texts {
        let want = serde_json::from_str::<serde_json::Value>(t).is_ok();
        assert_eq!(lua.eval(&[Helper::JsonParse], "redlua_json_parse(ARGV[1]) ~= nil", &[t]), want.to_string(), "{t:?}");
    }
    // Nesting: serde_json reads 127 levels and refuses 128.
    for depth in [127, 128] {
        let t = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let want = serde_json::from_str::<serde_json::Value>(&t).is_ok();
        assert_eq!(lua.eval(&[Helper::JsonParse], "redlua_json_parse(ARGV[1]) ~= nil", &[&t]), want.to_string(), "depth {depth}");
    }
}

fn json_decode(lua: &mut Lua) {
    // struct Job { id: i64, tags: Vec<String>, note: Option<String> }, as the Lua holds it: an
    // array in field order.
    let d = "{ 'struct', 'Job', { 'id', { 'int', 'i64', -9007199254740991, 9007199254740991 } }, { 'tags', { 'Vec', 'String', 'Vec<String>' } }, { 'note', { 'Option', 'String' } } }";
    let cases: &[(&str, &str)] = &[
        ("{\"id\":7,\"tags\":[\"a\",\"b\"],\"note\":null}", "7|a,b|nil"),
        ("{\"id\":7,\"tags\":[],\"note\":\"x\"}", "7||x"),
        ("{\"id\":7,\"tags\":[]}", "7||nil"),
        ("{\"id\":7.5,\"tags\":[]}", "REJECT Job.id is not a valid i64"),
        ("{\"tags\":[]}", "REJECT Job.id is missing"),
        ("{\"id\":1,\"id\":2,\"tags\":[]}", "REJECT Job.id is given twice"),
        ("{\"id\":1,\"tags\":[1]}", "REJECT Job.tags[0] is not a valid String"),
        ("{\"id\":1,", "REJECT Job is not valid JSON"),
    ];
    let body = format!(
        "local v, e = redlua_json_decode(ARGV[1], {d})\nif v == nil then return e end\nreturn string.format('%d', v[1]) .. '|' .. table.concat(v[2], ',') .. '|' .. (v[3] or 'nil')"
    );
    for (text, want) in cases {
        assert_eq!(lua.run(&[Helper::JsonDecode], &body, &[text]), format!("{want:?}"), "{text}");
    }
}

fn json_float(lua: &mut Lua) {
    for x in [0.0, -0.0, 1.0, 0.1 + 0.2, 1e16, 1e15, 123456789012345680.0, 1.5e-7, 0.00001, 5e-324, f64::MAX, -2.5, 1e300, f64::NAN, f64::INFINITY] {
        let want = serde_json::to_string(&x).unwrap_or_default();
        let want = if x.is_finite() { want } else { "null".to_string() };
        let got = lua.eval(&[Helper::JsonFloat], "redlua_json_float(tonumber(ARGV[1])) == ARGV[2] or redlua_json_float(tonumber(ARGV[1]))", &[&format!("{x:e}").replace("NaN", "nan"), &want]);
        assert_eq!(got, "true", "{x:?}: serde_json writes {want}");
    }
}

fn json_str(lua: &mut Lua) {
    for s in ["", "a", "a\"b", "back\\slash", "a/b", "\u{1}\u{1f}\u{7f}", "tab\tnl\ncr\rff\u{c}bs\u{8}", "h\u{e9}llo \u{1d11e}"] {
        let want = serde_json::to_string(s).unwrap_or_default();
        assert_eq!(lua.eval(&[Helper::JsonStr], "redlua_json_str(ARGV[1]) == ARGV[2]", &[s, &want]), "true", "{s:?}: serde_json writes {want}");
    }
}

fn json_encode(lua: &mut Lua) {
    // struct Job { id: i64, score: f64, tags: Vec<String>, counts: HashMap<String, i64>, note: Option<String> }
    let d = "{ 'struct', 'Job', { 'id', { 'int', 'i64', -9007199254740991, 9007199254740991 } }, { 'score', 'f64' }, { 'tags', { 'Vec', 'String', 'Vec<String>' } }, { 'counts', { 'HashMap', { 'int', 'i64', -9007199254740991, 9007199254740991 }, 'HashMap<String, i64>' } }, { 'note', { 'Option', 'String' } } }";
    #[derive(serde::Serialize)]
    struct Job {
        id: i64,
        score: f64,
        tags: Vec<String>,
        counts: std::collections::BTreeMap<String, i64>,
        note: Option<String>,
    }
    let cases = [
        ("{ 7, 0.5, {}, {}, nil }", Job { id: 7, score: 0.5, tags: vec![], counts: Default::default(), note: None }),
        (
            "{ -3, 1e16, { 'a', 'b\"' }, { b = 2, a = 1, ['\\195\\169'] = 3 }, 'x/y' }",
            Job { id: -3, score: 1e16, tags: vec!["a".into(), "b\"".into()], counts: [("b".to_string(), 2), ("a".to_string(), 1), ("\u{e9}".to_string(), 3)].into_iter().collect(), note: Some("x/y".into()) },
        ),
    ];
    for (lua_value, job) in cases {
        let want = serde_json::to_string(&job).unwrap_or_default();
        assert_eq!(lua.eval(&[Helper::JsonEncode], &format!("redlua_json_encode({lua_value}, {d}) == ARGV[1] or redlua_json_encode({lua_value}, {d})"), &[&want]), "true", "serde_json writes {want}");
    }
}

fn arg_lua_number(lua: &mut Lua) {
    for s in ["1.5", " 7 ", "0x1F", "1e3", "-inf", "abc", "7abc", "", "0x", "1e400"] {
        let want = match redlua::prelude::lua_tonumber(s) {
            Some(x) => format!("\"{}\"", redlua::prelude::lua_tostring(x)),
            None => "error: ERR redlua: argument rate must be a number as Lua's tonumber reads it".into(),
        };
        let got = lua.eval(&[Helper::ArgLuaNumber], "tostring(redlua_arg_lua_number(ARGV[1], 'rate'))", &[s]);
        assert_eq!(got, want, "{s:?}");
    }
}

fn min_by_len(lua: &mut Lua) {
    // The least value of n plain digits: 0 for one digit, then 10^(n-1), up to 16 digits.
    assert_eq!(lua.eval(&[Helper::MinByLen], "redlua_min_by_len[1]", &[]), "0");
    for n in 2..=16u32 {
        assert_eq!(lua.eval(&[Helper::MinByLen], &format!("redlua_min_by_len[{n}] == {}", 10i64.pow(n - 1)), &[]), "true", "{n} digits");
    }
    assert_eq!(lua.eval(&[Helper::MinByLen], "redlua_min_by_len[17] == nil and #redlua_min_by_len == 16", &[]), "true");
}

fn connect(server: &TestServer) -> Lua {
    Lua { con: server.connection().expect("connect to the test server") }
}

#[test]
fn every_helper_gives_its_rust_meaning() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut lua = connect(&server);
    let mut failed = Vec::new();
    for &h in Helper::ALL {
        if catch_unwind(AssertUnwindSafe(|| check(&mut lua, h))).is_err() {
            failed.push(h.file());
            lua = connect(&server);
        }
    }
    assert!(failed.is_empty(), "helpers whose test failed (see the panics above): {failed:?}");
}

#[test]
fn every_helper_file_loads_as_a_script_and_in_a_library() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().expect("connect");
    for &h in Helper::ALL {
        // The file as it is, header included: Lua as the server's compiler sees it.
        let sha: Result<String, _> = redis::cmd("SCRIPT").arg("LOAD").arg(h.file_text()).query(&mut con);
        assert!(sha.is_ok(), "{}.lua does not compile: {sha:?}", h.file());
        // With what it requires, at the top of a script that runs: no global is set.
        let chunk = format!("{}\nreturn type({})", lualib::chunk(&[h]), h.name());
        let ty: redis::RedisResult<String> = redis::cmd("EVAL").arg(&chunk).arg(0).query(&mut con);
        // A helper is a function, or a constant table (min_by_len, debug_escapes).
        let want = if matches!(h, Helper::MinByLen | Helper::DebugEscapes) { "table" } else { "function" };
        assert_eq!(ty.as_deref().ok(), Some(want), "{}.lua as a script: {ty:?}", h.file());
        // And while a library loads, where only part of the Lua library is there.
        let lib = format!(
            "#!lua name=lualib_{}\n{}\nredis.register_function('lualib_{}', function() return type({}) end)\n",
            h.file(),
            lualib::chunk(&[h]),
            h.file(),
            h.name()
        );
        let loaded: redis::RedisResult<String> = redis::cmd("FUNCTION").arg("LOAD").arg(&lib).query(&mut con);
        assert!(loaded.is_ok(), "{}.lua in a library: {loaded:?}", h.file());
        let ty: redis::RedisResult<String> = redis::cmd("FCALL").arg(format!("lualib_{}", h.file())).arg(0).query(&mut con);
        assert_eq!(ty.as_deref().ok(), Some(want));
    }
}

// ---- integers ---------------------------------------------------------------------

/// Texts around Rust's integer syntax and Lua's exact range.
const INT_TEXTS: &[&str] = &[
    "0", "-0", "+0", "7", "+7", "-7", "007", "9007199254740991", "-9007199254740991", "9007199254740992",
    "-9007199254740992", " 7", "7 ", "0x10", "1e3", "1.0", "", "-", "+", "12a", "--1", "+-1", "٣",
    // At and beyond i64's range, with signs and leading zeros: Rust refuses past its bounds.
    "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
    "+9223372036854775807", "+9223372036854775808", "0009223372036854775807", "-0009223372036854775809",
    "9223372036854775899", "9223372036854776807", "9223372037854775807", "10000000000000000000",
    "99999999999999999999", "18446744073709551616", "1000000000000000000000000000000000000000", "-00000000000000000000000001",

    // Forms that Lua's tonumber reads as an integer with as many characters as its digits
    // (the plain-digits check must not take them), NUL bytes, and the edges of its table.
    "10e2", "1.e3", "1.5e4", " 1e3", "0xFFFF9", "1048569", "7\0", "7\05", "1000\0", "10\0", "12d", "1d", "\t7",
    "9", "10", "999999999999999", "1000000000000000", "9999999999999999", "0000000000000000001",
];

fn parse_int(lua: &mut Lua) {
    for s in INT_TEXTS {
        let want = s.parse::<i64>().ok().filter(|n| exact(*n));
        assert_eq!(lua.eval(&[Helper::ParseInt], "redlua_parse_int(ARGV[1])", &[s]), want.show(), "{s:?}");
    }
    // Not a string (a missing optional argument): None.
    assert_eq!(lua.eval(&[Helper::ParseInt], "redlua_parse_int(nil)", &[]), "nil");
    assert_eq!(lua.eval(&[Helper::ParseInt], "redlua_parse_int(5)", &[]), "nil");
}

fn parse_int_checked(lua: &mut Lua) {
    for s in INT_TEXTS {
        let want = match s.parse::<i64>() {
            Ok(n) if !exact(n) => format!("error: redlua: integer overflow: {s} is beyond +/-(2^53 - 1)"),
            r => r.ok().show(),
        };
        assert_eq!(lua.eval(&[Helper::ParseIntChecked], "redlua_parse_int_checked(ARGV[1])", &[s]), want, "{s:?}");
    }
}

fn int(lua: &mut Lua) {
    for n in [0, 1, -1, MAX, -MAX] {
        assert_eq!(lua.eval(&[Helper::Int], &format!("redlua_int({n})"), &[]), n.show());
    }
    for e in ["9007199254740992", "-9007199254740992", "2 ^ 63", "9007199254740991 + 2"] {
        assert_eq!(lua.eval(&[Helper::Int], &format!("redlua_int({e})"), &[]), "error: redlua: integer overflow (beyond +/-(2^53 - 1))");
    }
}

fn get_int(lua: &mut Lua) {
    assert_eq!(lua.eval(&[Helper::GetInt], "redlua_get_int(redis.call('GET', 'lualib:missing'))", &[]), "nil");
    for s in INT_TEXTS.iter().filter(|s| !s.is_empty()) {
        let want = match s.parse::<i64>().ok().filter(|n| exact(*n)) {
            Some(n) => n.show(),
            None => format!("error: redlua: value is not an integer within +/-(2^53 - 1): {s}"),
        };
        let got = lua.run(&[Helper::GetInt], "redis.call('SET', 'lualib:int', ARGV[1])\nreturn redlua_get_int(redis.call('GET', 'lualib:int'))", &[s]);
        assert_eq!(got, want, "{s:?}");
    }
}

fn arg_int(lua: &mut Lua) {
    for s in INT_TEXTS {
        let want = match s.parse::<i64>().ok().filter(|n| exact(*n)) {
            Some(n) => n.show(),
            None => "error: ERR redlua: argument count must be an integer within +/-(2^53 - 1)".into(),
        };
        assert_eq!(lua.eval(&[Helper::ArgInt], "redlua_arg_int(ARGV[1], 'count')", &[s]), want, "{s:?}");
    }
    // A missing argument.
    assert_eq!(lua.eval(&[Helper::ArgInt], "redlua_arg_int(ARGV[1], 'n')", &[]), "error: ERR redlua: argument n must be an integer within +/-(2^53 - 1)");
}

fn arg_bool(lua: &mut Lua) {
    for (s, want) in [("1", "true"), ("0", "false")] {
        assert_eq!(lua.eval(&[Helper::ArgBool], "redlua_arg_bool(ARGV[1], 'on')", &[s]), want);
    }
    for s in ["true", "false", "", "01", " 1", "2"] {
        assert_eq!(lua.eval(&[Helper::ArgBool], "redlua_arg_bool(ARGV[1], 'on')", &[s]), "error: ERR redlua: argument on must be 1 or 0", "{s:?}");
    }
}

/// Pairs of operands for division and remainder, the signs and zero included.
const DIV_PAIRS: &[(i64, i64)] = &[
    (7, 2), (-7, 2), (7, -2), (-7, -2), (6, 3), (-6, 3), (6, -3), (0, -3), (0, 5), (-1, 3), (1, -3), (-3, 3),
    (MAX, 2), (-MAX, 2), (MAX, -1), (MAX, MAX), (1, 0), (0, 0), (-5, 0),
];

fn div(lua: &mut Lua) {
    for &(a, b) in DIV_PAIRS {
        let want = or_error(a.checked_div(b).ok_or("attempt to divide by zero"));
        assert_eq!(lua.eval(&[Helper::Div], &format!("redlua_div({a}, {b})"), &[]), want, "{a} / {b}");
    }
}

fn rem(lua: &mut Lua) {
    for &(a, b) in DIV_PAIRS {
        let want = or_error(a.checked_rem(b).ok_or("attempt to calculate the remainder with a divisor of zero"));
        assert_eq!(lua.eval(&[Helper::Rem], &format!("redlua_rem({a}, {b})"), &[]), want, "{a} % {b}");
    }
}

fn rem_euclid(lua: &mut Lua) {
    for &(a, b) in DIV_PAIRS {
        let want = or_error(a.checked_rem_euclid(b).ok_or("attempt to calculate the remainder with a divisor of zero"));
        assert_eq!(lua.eval(&[Helper::RemEuclid], &format!("redlua_rem_euclid({a}, {b})"), &[]), want, "{a}.rem_euclid({b})");
    }
}

fn div_euclid(lua: &mut Lua) {
    for &(a, b) in DIV_PAIRS {
        let want = or_error(a.checked_div_euclid(b).ok_or("attempt to divide by zero"));
        assert_eq!(lua.eval(&[Helper::DivEuclid], &format!("redlua_div_euclid({a}, {b})"), &[]), want, "{a}.div_euclid({b})");
    }
}

fn checked_mul(lua: &mut Lua) {
    let p = |k: u32| 1i64 << k;
    let cases = [
        (3, 4),
        (-3, 4),
        (-1, 0),
        (0, -5),
        (MAX, 1),
        (MAX, -1),
        (p(26), p(26)),
        (p(32), p(32)),
        (p(62), 2),
        (-p(31), p(32)),
        (p(31), p(31)),
        (3, p(52)),
    ];
    for (a, b) in cases {
        let want = match a.checked_mul(b) {
            None => "nil".into(),
            Some(r) if !exact(r) => "error: redlua: integer overflow (beyond +/-(2^53 - 1))".into(),
            Some(r) => r.show(),
        };
        assert_eq!(lua.eval(&[Helper::CheckedMul], &format!("redlua_checked_mul({a}, {b})"), &[]), want, "{a}.checked_mul({b})");
    }
}

fn pow(lua: &mut Lua) {
    for (a, b) in [(2i64, 10u32), (-3, 3), (0, 0), (7, 0), (10, 15), (-2, 52), (2, 53), (3, 40), (-1, 1000)] {
        let want = match a.checked_pow(b) {
            Some(r) if exact(r) => r.show(),
            _ => "error: redlua: integer overflow (beyond +/-(2^53 - 1))".into(),
        };
        assert_eq!(lua.eval(&[Helper::Pow], &format!("redlua_pow({a}, {b})"), &[]), want, "{a}.pow({b})");
    }
    assert_eq!(lua.eval(&[Helper::Pow], "redlua_pow(2, -1)", &[]), "error: redlua: negative exponent");
}

fn sum(lua: &mut Lua) {
    for v in [vec![], vec![1, 2, 3], vec![-5, 5], vec![MAX, -1], vec![MAX - 1, 1]] {
        assert_eq!(lua.eval(&[Helper::Sum], &format!("redlua_sum({})", int_array(&v)), &[]), v.iter().sum::<i64>().show());
    }
    assert_eq!(lua.eval(&[Helper::Sum], &format!("redlua_sum({})", int_array(&[MAX, 1])), &[]), "error: redlua: integer overflow (beyond +/-(2^53 - 1))");
}

/// Integers whose 64-bit two's complement has bits in both halves.
const BIT_OPERANDS: &[i64] = &[0, -1, 5, -6, 255, (1 << 40) + 3, -(1 << 52), MAX, -MAX, 12_345_678_901, -12_345_678_901];

fn bitop(lua: &mut Lua) {
    type Op = fn(i64, i64) -> i64;
    let ops: [(&str, Op); 3] = [("bit.band", |a, b| a & b), ("bit.bor", |a, b| a | b), ("bit.bxor", |a, b| a ^ b)];
    for (f, op) in ops {
        for &a in BIT_OPERANDS {
            for &b in BIT_OPERANDS {
                let r = op(a, b);
                let want = if exact(r) { r.show() } else { "error: redlua: integer overflow (beyond +/-(2^53 - 1))".into() };
                assert_eq!(lua.eval(&[Helper::BitOp], &format!("redlua_bitop({f}, {a}, {b})"), &[]), want, "{f}({a}, {b})");
            }
        }
    }
}

fn shift(lua: &mut Lua) {
    for a in [0i64, 1, -1, 5, -5, 3 << 40, MAX, -MAX] {
        for n in [0i64, 1, 10, 52, 53, 63, 64, -1] {
            for left in [true, false] {
                let want = if !(0..64).contains(&n) {
                    format!("error: redlua: attempt to shift {} with overflow", if left { "left" } else { "right" })
                } else {
                    let r = if left { a.wrapping_shl(n as u32) } else { a >> n };
                    if exact(r) { r.show() } else { "error: redlua: integer overflow (beyond +/-(2^53 - 1))".into() }
                };
                assert_eq!(lua.eval(&[Helper::Shift], &format!("redlua_shift({a}, {n}, {left})"), &[]), want, "{a} shift {n} left={left}");
            }
        }
    }
}

/// The narrower integer types, as (name, lo, hi, bits, signed).
const NARROW: &[(&str, i64, i64, u32, bool)] = &[
    ("u8", 0, 255, 8, false),
    ("i8", -128, 127, 8, true),
    ("u16", 0, 65_535, 16, false),
    ("i16", -32_768, 32_767, 16, true),
    ("u32", 0, 4_294_967_295, 32, false),
    ("i32", -2_147_483_648, 2_147_483_647, 32, true),
];

/// `n as T` for the narrower type of `bits` bits, by Rust.
fn wrap_as(n: i64, bits: u32, signed: bool) -> i64 {
    match (bits, signed) {
        (8, false) => n as u8 as i64,
        (8, true) => n as i8 as i64,
        (16, false) => n as u16 as i64,
        (16, true) => n as i16 as i64,
        (32, false) => n as u32 as i64,
        _ => n as i32 as i64,
    }
}

fn int_cast(lua: &mut Lua) {
    for &(ty, lo, hi, _, _) in NARROW {
        for n in [0, lo, hi, lo - 1, hi + 1, -1, 1000] {
            let want = if n >= lo && n <= hi { n.show() } else { format!("error: redlua: {n} does not fit the target integer type") };
            assert_eq!(lua.eval(&[Helper::IntCast], &format!("redlua_int_cast({n}, {lo}, {hi})"), &[]), want, "{n} as {ty}");
        }
    }
    // `as u64` / `as usize` (0 to 2^53 - 1 in Lua): a negative number wraps beyond 2^53 - 1
    // in Rust, and the error says so.
    for n in [-1i64, -7, -MAX] {
        let want = format!("error: redlua: {n} as u64/usize wraps to 2^64 - {}, beyond 2^53 - 1", -n);
        assert_eq!(lua.eval(&[Helper::IntCast], &format!("redlua_int_cast({n}, 0, {MAX})"), &[]), want, "{n} as u64");
    }
    assert_eq!(lua.eval(&[Helper::IntCast], &format!("redlua_int_cast({MAX}, 0, {MAX})"), &[]), MAX.show());
}

fn int_in(lua: &mut Lua) {
    for &(ty, lo, hi, _, _) in NARROW {
        for n in [0, lo, hi, lo - 1, hi + 1] {
            let want = if n >= lo && n <= hi { n.show() } else { format!("error: redlua: attempt to compute with overflow: the result is outside {lo}..={hi}") };
            assert_eq!(lua.eval(&[Helper::IntIn], &format!("redlua_int_in({n}, {lo}, {hi})"), &[]), want, "{n} in {ty}");
        }
    }
}

fn wrap(lua: &mut Lua) {
    let ns = [0, 1, -1, 127, 128, -128, -129, 255, 256, 65_535, 65_536, -32_769, 1 << 31, (1 << 32) + 5, -(1 << 31) - 1, MAX, -MAX];
    for &(ty, _, _, bits, signed) in NARROW {
        for n in ns {
            let got = lua.eval(&[Helper::Wrap], &format!("redlua_wrap({n}, {bits}, {signed})"), &[]);
            assert_eq!(got, wrap_as(n, bits, signed).show(), "{n} as {ty}");
        }
    }
}

fn pow2(lua: &mut Lua) {
    for x in [1i64, 2, 4, 1024, 1 << 40, 1 << 53, -1, -2, -(1 << 30), 3, 6, 1000, -3, MAX] {
        let want = (x.unsigned_abs()).is_power_of_two();
        assert_eq!(lua.eval(&[Helper::Pow2], &format!("redlua_pow2({x})"), &[]), want.show(), "{x}");
    }
    assert_eq!(lua.eval(&[Helper::Pow2], "redlua_pow2(0)", &[]), "false");
}

fn checked_in(lua: &mut Lua) {
    // checked_add and checked_sub of the narrower types: nil exactly when Rust's is None.
    for &(ty, lo, hi, _, _) in NARROW {
        for a in [0, 1, lo, hi, hi / 2 + 1] {
            for b in [0, 1, -1, lo, hi] {
                for (op, r) in [("+", a + b), ("-", a - b)] {
                    let want = if r < lo || r > hi { "nil".to_string() } else { r.show() };
                    let got = lua.eval(&[Helper::CheckedIn], &format!("redlua_checked_in({a} {op} ({b}), {lo}, {hi})"), &[]);
                    assert_eq!(got, want, "{a}_{ty}.checked {op} {b}");
                }
            }
        }
    }
    // checked_mul of u64: hi is 2^64 - 1, 2^64 as a Lua number.
    let u64_hi = "18446744073709551615";
    let mul = |a: u64, b: u64| format!("redlua_checked_in({a} * {b}, 0, {u64_hi}, {a}, {b})");
    assert_eq!(lua.eval(&[Helper::CheckedIn], &mul(1 << 32, 1 << 32), &[]), "nil", "2^32 * 2^32 overflows u64");
    assert_eq!(lua.eval(&[Helper::CheckedIn], &mul(1 << 20, 1 << 20), &[]), (1i64 << 40).show());
    assert_eq!(lua.eval(&[Helper::CheckedIn], &mul(1 << 30, 1 << 30), &[]), "error: redlua: integer overflow (beyond +/-(2^53 - 1))");
    assert_eq!(lua.eval(&[Helper::CheckedIn], &mul(3 << 40, 1 << 40), &[]), "nil");
}

fn shift_in(lua: &mut Lua) {
    for &(ty, lo, hi, bits, signed) in NARROW {
        for a in [0, 1, -1, lo, hi, 0x40, 5].into_iter().filter(|a| *a >= lo && *a <= hi) {
            for n in [0i64, 1, bits as i64 - 1, bits as i64, -1] {
                for left in [true, false] {
                    let want = if n < 0 || n >= bits as i64 {
                        format!("error: redlua: attempt to shift {} with overflow", if left { "left" } else { "right" })
                    } else if left {
                        wrap_as(a << n, bits, signed).show()
                    } else {
                        // `>>` is arithmetic for the signed types, logical for the others: on
                        // the type's own values both are a floor division.
                        (a >> n).show()
                    };
                    let got = lua.eval(&[Helper::ShiftIn], &format!("redlua_shift_in({a}, {n}, {left}, {bits}, {signed})"), &[]);
                    assert_eq!(got, want, "{a}_{ty} shift {n} left={left}");
                }
            }
        }
    }
}

fn arg_int_in(lua: &mut Lua) {
    let texts = ["0", "-0", "+0", "+5", "5", "-1", "127", "128", "-128", "-129", "255", "256", "65535", "65536", "4294967295", "4294967296", "-2147483649", " 5", "5 ", "0x1", "1e2", "", "-"];
    for &(ty, lo, hi, _, _) in NARROW {
        for s in texts {
            let ok = match ty {
                "u8" => s.parse::<u8>().ok().map(i64::from),
                "i8" => s.parse::<i8>().ok().map(i64::from),
                "u16" => s.parse::<u16>().ok().map(i64::from),
                "i16" => s.parse::<i16>().ok().map(i64::from),
                "u32" => s.parse::<u32>().ok().map(i64::from),
                _ => s.parse::<i32>().ok().map(i64::from),
            };
            let want = match ok {
                Some(n) => n.show(),
                None => format!("error: ERR redlua: argument n must be an integer within {lo}..={hi}"),
            };
            let got = lua.eval(&[Helper::ArgIntIn], &format!("redlua_arg_int_in(ARGV[1], 'n', {lo}, {hi})"), &[s]);
            assert_eq!(got, want, "{s:?} as {ty}");
        }
    }
}

fn sum_in(lua: &mut Lua) {
    // Rust's sum panics as soon as a partial sum overflows, even if a later term would
    // bring it back.
    for (v, lo, hi) in [
        (vec![100, 100, 50], 0, 255),
        (vec![200, 100], 0, 255),
        (vec![], 0, 255),
        (vec![100, 50, -100], -128, 127),
        (vec![-100, -28], -128, 127),
        (vec![-100, -29], -128, 127),
    ] {
        let mut acc = Some(0i64);
        for x in &v {
            acc = acc.map(|s| s + x).filter(|s| *s >= lo && *s <= hi);
        }
        let want = match acc {
            Some(s) => s.show(),
            None => format!("error: redlua: attempt to compute with overflow: the result is outside {lo}..={hi}"),
        };
        assert_eq!(lua.eval(&[Helper::SumIn], &format!("redlua_sum_in({}, {lo}, {hi})", int_array(&v)), &[]), want, "{v:?}");
    }
}

fn div_in(lua: &mut Lua) {
    let hs = [Helper::DivIn, Helper::Div, Helper::Rem, Helper::DivEuclid, Helper::RemEuclid];
    for (ty, lo) in [("i8", -128i64), ("i16", -32_768), ("i32", -2_147_483_648)] {
        for f in ["redlua_div", "redlua_rem", "redlua_div_euclid", "redlua_rem_euclid"] {
            assert_eq!(lua.eval(&hs, &format!("redlua_div_in({lo}, -1, {lo}, {f})"), &[]), "error: redlua: attempt to divide with overflow", "{ty}::MIN {f} -1");
            assert_eq!(lua.eval(&hs, &format!("redlua_div_in({}, -1, {lo}, {f})", lo + 1), &[]), if f.contains("div") { (-(lo + 1)).show() } else { "0".into() });
        }
        assert_eq!(lua.eval(&hs, &format!("redlua_div_in({lo}, 2, {lo}, redlua_div)"), &[]), (lo / 2).show());
        assert_eq!(lua.eval(&hs, &format!("redlua_div_in(7, 0, {lo}, redlua_div)"), &[]), "error: redlua: attempt to divide by zero");
    }
}

fn powi(lua: &mut Lua) {
    for &x in FLOATS {
        for n in [0i32, 1, -1, 2, 3, -3, 7, 31, -31, 1075, -1075, i32::MAX, i32::MIN] {
            let want = num(x.powi(n));
            let e = format!("(function(r, w) return (r == w and (r ~= 0 or 1 / r == 1 / w)) or (r ~= r and w ~= w) end)(redlua_powi({}, {n}), {want})", num(x));
            assert_eq!(lua.eval(&[Helper::FloatPowi], &e, &[]), "true", "{x:e}.powi({n})");
        }
    }
}

fn dedup(lua: &mut Lua) {
    let cases: &[&[i64]] = &[&[], &[1], &[1, 1], &[1, 2, 2, 3, 3, 3, 1], &[5, 5, 5, 5], &[1, 2, 1, 2]];
    for v in cases {
        let mut want = v.to_vec();
        want.dedup();
        let got = lua.run(&[Helper::Dedup], &format!("local t = {} redlua_dedup(t) return t", int_array(v)), &[]);
        assert_eq!(got, want.show(), "{v:?}.dedup()");
    }
    // Tables compare by value; NaN is never equal to itself.
    assert_eq!(lua.run(&[Helper::Dedup], "local t = { {1, 2}, {1, 2}, {2} } redlua_dedup(t) return #t", &[]), "2");
    assert_eq!(lua.run(&[Helper::Dedup], "local t = { 0/0, 0/0, 1, 1 } redlua_dedup(t) return #t", &[]), "3");
}

fn unwrap(lua: &mut Lua) {
    // The value itself, `false` included (`Some(false)`); nil raises the message.
    for (v, want) in [("7", "7"), ("'x'", "\"x\""), ("false", "false"), ("0", "0")] {
        assert_eq!(lua.eval(&[Helper::Unwrap], &format!("redlua_unwrap({v}, 'redlua: m')"), &[]), want);
    }
    assert_eq!(lua.eval(&[Helper::Unwrap], "redlua_unwrap(nil, 'redlua: no value at f.rs:1:2')", &[]), "error: redlua: no value at f.rs:1:2");
}

fn eq_ignore_ascii_case(lua: &mut Lua) {
    let words = ["", "a", "A", "abc", "ABC", "aBc", "abd", "ab", "Ä", "ä", "É", "é", "[", "{", "@", "`", "Z", "z", "ü€𝄞", "Ü€𝄞"];
    for a in words {
        for b in words {
            let got = lua.eval(&[Helper::EqIgnoreAsciiCase], "redlua_eq_ignore_ascii_case(ARGV[1], ARGV[2])", &[a, b]);
            assert_eq!(got, a.eq_ignore_ascii_case(b).show(), "{a:?}.eq_ignore_ascii_case({b:?})");
        }
    }
}

fn fmin_fmax(lua: &mut Lua, h: Helper) {
    let (f, rust): (&str, fn(f64, f64) -> f64) = if h == Helper::FloatMin { ("redlua_fmin", f64::min) } else { ("redlua_fmax", f64::max) };
    for &a in FLOATS {
        for &b in FLOATS {
            let want = rust(a, b);
            // Equal operands of different signs (0.0 and -0.0): Rust may give either.
            let zeros = a == 0.0 && b == 0.0;
            let e = format!(
                "(function(r, w) return (r == w and ({zeros} or r ~= 0 or 1 / r == 1 / w)) or (r ~= r and w ~= w) end)({f}({}, {}), {})",
                num(a),
                num(b),
                num(want)
            );
            assert_eq!(lua.eval(&[h], &e, &[]), "true", "{f}({a:e}, {b:e})");
        }
    }
}

fn clamp(lua: &mut Lua) {
    for &x in FLOATS {
        for (lo, hi) in [(-1.0f64, 1.0), (0.0, 0.0), (-0.0, 0.0), (2.5, 1e300), (f64::NEG_INFINITY, 0.0)] {
            // Compared inside Lua: the same number (NaN for NaN, and the sign of a zero).
            let want = num(x.clamp(lo, hi));
            let e = format!(
                "(function(r, w) return (r == w and (r ~= 0 or 1 / r == 1 / w)) or (r ~= r and w ~= w) end)(redlua_clamp({}, {}, {}), {want})",
                num(x),
                num(lo),
                num(hi)
            );
            assert_eq!(lua.eval(&[Helper::Clamp], &e, &[]), "true", "{x:e}.clamp({lo}, {hi})");
        }
    }
    for (x, lo, hi) in [(5i64, 0i64, 3i64), (-5, 0, 3), (2, 0, 3), (9_007_199_254_740_991, 0, 9_007_199_254_740_991)] {
        assert_eq!(lua.eval(&[Helper::Clamp], &format!("redlua_clamp({x}, {lo}, {hi})"), &[]), x.clamp(lo, hi).show());
    }
    // Rust panics when lo > hi or a bound is NaN: an error.
    for (lo, hi) in [("3", "2"), ("0/0", "1"), ("1", "0/0")] {
        let got = lua.eval(&[Helper::Clamp], &format!("redlua_clamp(1, {lo}, {hi})"), &[]);
        assert!(got.starts_with("error: redlua: clamp"), "clamp(1, {lo}, {hi}): {got}");
    }
}

fn step(lua: &mut Lua) {
    assert_eq!(lua.eval(&[Helper::Step], "redlua_step(3)", &[]), "3");
    assert_eq!(lua.eval(&[Helper::Step], "redlua_step(1)", &[]), "1");
    for n in [0, -1] {
        assert_eq!(lua.eval(&[Helper::Step], &format!("redlua_step({n})"), &[]), "error: redlua: assertion failed: step != 0 (step_by needs a positive step)");
    }
}

// ---- floats -----------------------------------------------------------------------

/// Floats whose text, rounding or conversion is easy to get wrong.
const FLOATS: &[f64] = &[
    0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.1, 0.2, 0.30000000000000004, 123.456, -0.3,
    0.49999999999999994, 1e15, 1e16, 1e21, 1e-7, 5e-324, 2.2250738585072014e-308, f64::MAX, f64::MIN,
    9007199254740991.0, 9007199254740992.0, 4503599627370497.0, 255.9, 256.0, -128.9, -129.5, 1e10, -1e10,
    f64::NAN, f64::INFINITY, f64::NEG_INFINITY,
];

fn fmt_float(lua: &mut Lua) {
    // Ties: the exact digits past the shortest length are a 5 and zeros; C's printf rounds
    // them to even, Rust away from zero.
    let ties = [-923815308178563.25, 923815308178563.25, 923815308178563.75, 0.125, 1.0000000000000002, 2251799813685248.5];
    // And doubles spread over every exponent (a fixed xorshift sequence of bit patterns).
    let mut bits = 0x9E37_79B9_7F4A_7C15u64;
    let spread = (0..3000).filter_map(|_| {
        bits ^= bits << 13;
        bits ^= bits >> 7;
        bits ^= bits << 17;
        let x = f64::from_bits(bits);
        x.is_finite().then_some(x)
    });
    for x in FLOATS.iter().copied().chain(ties).chain(spread) {
        assert_eq!(lua.eval(&[Helper::FmtFloat], &format!("redlua_fmt_float({})", num(x)), &[]), format!("{x}").show(), "{x:e}");
    }
}

fn parse_float(lua: &mut Lua) {
    let texts = [
        "1", "1.5", "-1.5", "+2", ".5", "5.", "-.5", "1e3", "1E-3", "1.e5", "-.5e1", "inf", "-inf", "+inf", "Infinity", "-INFINITY",
        "NaN", "nan", "-nan", "0x10", " 1", "1 ", "", "abc", "1e", "e5", ".", "-", "1_0", "1e+", "infinit", "1.5.5", "١",
    ];
    for s in texts {
        let want = s.parse::<f64>().ok();
        assert_eq!(lua.eval(&[Helper::ParseFloat], "redlua_parse_float(ARGV[1])", &[s]), want.show(), "{s:?}");
    }
    assert_eq!(lua.eval(&[Helper::ParseFloat], "redlua_parse_float(nil)", &[]), "nil");
}

fn arg_float(lua: &mut Lua) {
    for s in ["1.5", "-2", "inf", "1e3", "abc", " 1", "0x10", ""] {
        let want = match s.parse::<f64>() {
            Ok(x) => x.show(),
            Err(_) => "error: ERR redlua: argument rate must be a number".into(),
        };
        assert_eq!(lua.eval(&[Helper::ArgFloat], "redlua_arg_float(ARGV[1], 'rate')", &[s]), want, "{s:?}");
    }
}

fn get_float(lua: &mut Lua) {
    assert_eq!(lua.eval(&[Helper::GetFloat], "redlua_get_float(redis.call('GET', 'lualib:missing'))", &[]), "nil");
    for s in ["2.5", "-3", "inf", "-inf", "1e3", "0.1", "abc", " 1", "0x10"] {
        let want = match s.parse::<f64>() {
            Ok(x) => x.show(),
            Err(_) => format!("error: redlua: value is not a number: {s}"),
        };
        let got = lua.run(&[Helper::GetFloat], "redis.call('SET', 'lualib:f', ARGV[1])\nreturn redlua_get_float(redis.call('GET', 'lualib:f'))", &[s]);
        assert_eq!(got, want, "{s:?}");
    }
    // The reply of INCRBYFLOAT.
    let got = lua.run(&[Helper::GetFloat], "redis.call('DEL', 'lualib:f')\nreturn redlua_get_float(redis.call('INCRBYFLOAT', 'lualib:f', '0.1'))", &[]);
    assert_eq!(got, 0.1.show());
}

fn f2i(lua: &mut Lua) {
    for &x in FLOATS {
        // Rust saturates beyond i64; redlua refuses beyond what Lua holds exactly.
        let t = x.trunc();
        let want = if x.is_nan() { 0i64.show() } else if t.abs() > MAX as f64 { "error: redlua: integer overflow (beyond +/-(2^53 - 1))".into() } else { (x as i64).show() };
        assert_eq!(lua.eval(&[Helper::FloatToInt], &format!("redlua_f2i({})", num(x)), &[]), want, "{x:e} as i64");
    }
}

fn f2i_in(lua: &mut Lua) {
    for &(ty, lo, hi, _, _) in NARROW {
        for &x in FLOATS {
            let want = match ty {
                "u8" => x as u8 as i64,
                "i8" => x as i8 as i64,
                "u16" => x as u16 as i64,
                "i16" => x as i16 as i64,
                "u32" => x as u32 as i64,
                _ => x as i32 as i64,
            };
            let got = lua.eval(&[Helper::F2iIn], &format!("redlua_f2i_in({}, {lo}, {hi})", num(x)), &[]);
            assert_eq!(got, want.show(), "{x:e} as {ty}");
        }
    }
    // u64 and usize: hi is 2^53 - 1 in Lua; beyond it an error instead of Rust's saturation.
    for &x in FLOATS {
        let want = if x.is_nan() || x <= 0.0 {
            0i64.show()
        } else if x > MAX as f64 {
            "error: redlua: integer overflow (beyond +/-(2^53 - 1))".into()
        } else {
            (x as u64 as i64).show()
        };
        assert_eq!(lua.eval(&[Helper::F2iIn], &format!("redlua_f2i_in({}, 0, {MAX})", num(x)), &[]), want, "{x:e} as u64");
    }
}

fn round(lua: &mut Lua) {
    for &x in FLOATS {
        assert_eq!(lua.eval(&[Helper::Round], &format!("redlua_round({})", num(x)), &[]), x.round().show(), "{x:e}.round()");
    }
}

fn fmt_fixed(lua: &mut Lua) {
    for &x in FLOATS.iter().filter(|x| x.abs() < 1e30 || !x.is_finite()) {
        for n in [0usize, 1, 2, 5] {
            let want = format!("{x:.n$}");
            assert_eq!(lua.eval(&[Helper::FmtFixed], &format!("redlua_fmt_fixed({}, {n})", num(x)), &[]), want.show(), "{x:e} to {n}");
        }
    }
    for (x, n) in [(1.005, 2usize), (0.125, 2), (0.375, 2), (2.675, 2), (-1.5, 0), (0.5, 0), (1e21, 2)] {
        assert_eq!(lua.eval(&[Helper::FmtFixed], &format!("redlua_fmt_fixed({}, {n})", num(x)), &[]), format!("{x:.n$}").show(), "{x} to {n}");
    }
}

// ---- replies and dynamic values -----------------------------------------------------

fn dyn_is_ok(lua: &mut Lua) {
    for (e, want) in [
        ("redis.call('SET', 'lualib:d', 'v')", "true"),
        ("redis.call('PING')", "false"),
        ("redis.call('GET', 'lualib:d')", "false"),
        ("redis.call('INCR', 'lualib:n')", "false"),
        ("redis.pcall('INCR', 'lualib:d')", "false"),
        ("'OK'", "false"),
    ] {
        assert_eq!(lua.eval(&[Helper::DynIsOk], &format!("redlua_dyn_is_ok({e})"), &[]), want, "{e}");
    }
}

fn dyn_int(lua: &mut Lua) {
    let got = lua.run(&[Helper::DynInt], "redis.call('SET', 'lualib:n', '41')\nreturn redlua_dyn_int(redis.call('INCR', 'lualib:n'))", &[]);
    assert_eq!(got, "42");
    for (e, want) in [
        ("redis.call('GET', 'lualib:n')", "nil"),
        ("redis.call('SET', 'lualib:d', 'v')", "nil"),
        ("redis.call('LRANGE', 'lualib:none', 0, -1)", "nil"),
        ("-7", "-7"),
        ("9007199254740992", "error: redlua: integer overflow (beyond +/-(2^53 - 1))"),
    ] {
        assert_eq!(lua.eval(&[Helper::DynInt], &format!("redlua_dyn_int({e})"), &[]), want, "{e}");
    }
}

fn dyn_string(lua: &mut Lua) {
    for (e, want) in [
        ("redis.call('SET', 'lualib:d', 'v')", "\"OK\""),
        ("redis.call('GET', 'lualib:d')", "\"v\""),
        ("redis.call('PING')", "\"PONG\""),
        ("redis.call('GET', 'lualib:missing')", "nil"),
        ("redis.call('INCR', 'lualib:n')", "nil"),
        ("redis.call('LRANGE', 'lualib:none', 0, -1)", "nil"),
        ("redis.pcall('INCR', 'lualib:d')", "nil"),
    ] {
        assert_eq!(lua.eval(&[Helper::DynString], &format!("redlua_dyn_string({e})"), &[]), want, "{e}");
    }
}

fn dyn_array(lua: &mut Lua) {
    let got = lua.run(&[Helper::DynArray], "redis.call('DEL', 'lualib:l')\nredis.call('RPUSH', 'lualib:l', 'a', 'b')\nreturn redlua_dyn_array(redis.call('LRANGE', 'lualib:l', 0, -1))", &[]);
    assert_eq!(got, vec!["a", "b"].show());
    for (e, want) in [
        ("redis.call('LRANGE', 'lualib:none', 0, -1)", "{}"),
        ("redis.call('SET', 'lualib:d', 'v')", "nil"),
        ("redis.call('GET', 'lualib:d')", "nil"),
        ("redis.call('INCR', 'lualib:n')", "nil"),
        ("redis.pcall('INCR', 'lualib:d')", "nil"),
    ] {
        assert_eq!(lua.eval(&[Helper::DynArray], &format!("redlua_dyn_array({e})"), &[]), want, "{e}");
    }
}

fn is_err(lua: &mut Lua) {
    lua.eval(&[], "redis.call('SET', 'lualib:s', 'text')", &[]);
    for (e, want) in [
        ("redis.pcall('INCR', 'lualib:s')", "true"),
        ("redis.pcall('NOSUCHCOMMAND')", "true"),
        ("redis.pcall('SET', 'lualib:t', '1')", "false"),
        ("redis.pcall('GET', 'lualib:s')", "false"),
        ("redis.pcall('GET', 'lualib:missing')", "false"),
        ("redis.pcall('LRANGE', 'lualib:none', 0, -1)", "false"),
    ] {
        assert_eq!(lua.eval(&[Helper::IsErr], &format!("redlua_is_err({e})"), &[]), want, "{e}");
    }
}

fn result_ok(lua: &mut Lua) {
    lua.eval(&[], "redis.call('SET', 'lualib:s', 'text')", &[]);
    assert_eq!(lua.eval(&[Helper::ResultOk], "redlua_result_ok(redis.pcall('INCR', 'lualib:s'))", &[]), "nil");
    assert_eq!(lua.eval(&[Helper::ResultOk], "redlua_result_ok(redis.pcall('GET', 'lualib:s'))", &[]), "\"text\"");
    assert_eq!(lua.eval(&[Helper::ResultOk], "redlua_result_ok(redis.pcall('SET', 'lualib:t', '1'))", &[]), "{ok=\"OK\"}");
}

fn result_err(lua: &mut Lua) {
    lua.eval(&[], "redis.call('SET', 'lualib:s', 'text')", &[]);
    assert_eq!(
        lua.eval(&[Helper::ResultErr], "redlua_result_err(redis.pcall('INCR', 'lualib:s'))", &[]),
        "\"ERR value is not an integer or out of range\""
    );
    assert_eq!(lua.eval(&[Helper::ResultErr], "redlua_result_err(redis.pcall('GET', 'lualib:s'))", &[]), "nil");
}

fn rest(lua: &mut Lua) {
    let args = ["a", "7", "-2", "+3"];
    assert_eq!(lua.eval(&[Helper::Rest], "redlua_rest(ARGV, 2, nil, nil)", &args), vec!["7", "-2", "+3"].show());
    assert_eq!(lua.eval(&[Helper::Rest], "redlua_rest(ARGV, 5, nil, nil)", &args), "{}");
    assert_eq!(lua.eval(&[Helper::Rest, Helper::ArgInt], "redlua_rest(ARGV, 2, redlua_arg_int, 'ns')", &args), vec![7i64, -2, 3].show());
    assert_eq!(
        lua.eval(&[Helper::Rest, Helper::ArgInt], "redlua_rest(ARGV, 1, redlua_arg_int, 'ns')", &args),
        "error: ERR redlua: argument ns must be an integer within +/-(2^53 - 1)"
    );
    // Longer than unpack could take.
    let long: Vec<String> = (0..20_000).map(|i| i.to_string()).collect();
    let long: Vec<&str> = long.iter().map(String::as_str).collect();
    let got = lua.run(&[Helper::Rest], "local r = redlua_rest(ARGV, 2, nil, nil)\nreturn { #r, r[1], r[#r] }", &long);
    assert_eq!(got, "{19999, \"1\", \"19999\"}");
}

fn call_spread(lua: &mut Lua) {
    let h = [Helper::CallSpread];
    let fill = |from: i64, n: i64| format!("local t = {{ 'RPUSH', 'lualib:sp' }}\nfor i = {from}, {from} + {n} - 1 do t[#t + 1] = tostring(i) end");
    // Short: one call.
    lua.eval(&[], "redis.call('DEL', 'lualib:sp', 'lualib:set')", &[]);
    assert_eq!(lua.run(&h, &format!("{}\nreturn redlua_call_spread(t, 2, 1, nil)", fill(1, 10)), &[]), "10");
    // Long, in pieces: the last reply is the length, in order.
    let got = lua.run(&h, &format!("{}\nlocal n = redlua_call_spread(t, 2, 1, 'last')\nreturn {{ n, redis.call('LINDEX', 'lualib:sp', 10), redis.call('LINDEX', 'lualib:sp', -1) }}", fill(11, 15_000)), &[]);
    assert_eq!(got, "{15010, \"11\", \"15010\"}");
    // Too long without a way to combine the replies.
    assert_eq!(lua.run(&h, &format!("{}\nreturn redlua_call_spread(t, 2, 1, nil)", fill(1, 8000)), &[]), "error: redlua: RPUSH with more than 7000 arguments cannot be split");
    // 'sum': SADD counts the members added by each piece.
    let got = lua.run(&h, "local t = { 'SADD', 'lualib:set' }\nfor i = 1, 16000 do t[#t + 1] = tostring(i % 12000) end\nreturn { redlua_call_spread(t, 2, 1, 'sum'), redis.call('SCARD', 'lualib:set') }", &[]);
    assert_eq!(got, "{12000, 12000}");
    // 'concat': MGET's replies, one after the other.
    let got = lua.run(&h, "redis.call('SET', 'lualib:k1', 'x')\nlocal t = { 'MGET' }\nfor i = 1, 9000 do t[#t + 1] = 'lualib:k' .. i end\nlocal r = redlua_call_spread(t, 1, 1, 'concat')\nreturn { #r, r[1], r[2] == false }", &[]);
    assert_eq!(got, "{9000, \"x\", true}");
    // 'ok', in whole pairs (step 2): MSET of 4000 pairs.
    let got = lua.run(&h, "local t = { 'MSET' }\nfor i = 1, 4000 do t[#t + 1] = 'lualib:m' .. i; t[#t + 1] = tostring(i) end\nlocal r = redlua_call_spread(t, 1, 2, 'ok')\nreturn { r, redis.call('GET', 'lualib:m1'), redis.call('GET', 'lualib:m3500'), redis.call('GET', 'lualib:m4000') }", &[]);
    assert_eq!(got, "{{ok=\"OK\"}, \"1\", \"3500\", \"4000\"}");
}

fn flags(lua: &mut Lua) {
    assert_eq!(lua.eval(&[Helper::Flags], "redlua_flags({ 1, 0, 1, 1 })", &[]), vec![true, false, true, true].show());
    assert_eq!(lua.eval(&[Helper::Flags], "redlua_flags({})", &[]), "{}");
    let got = lua.run(&[Helper::Flags], "redis.call('DEL', 'lualib:fs')\nredis.call('SADD', 'lualib:fs', 'a')\nreturn redlua_flags(redis.call('SMISMEMBER', 'lualib:fs', 'b', 'a'))", &[]);
    assert_eq!(got, vec![false, true].show());
}

fn opt_floats(lua: &mut Lua) {
    let got = lua.run(
        &[Helper::OptFloats],
        "redis.call('DEL', 'lualib:z')\nredis.call('ZADD', 'lualib:z', '1.5', 'a', 'inf', 'b')\nreturn redlua_opt_floats(redis.call('ZMSCORE', 'lualib:z', 'a', 'none', 'b'))",
        &[],
    );
    assert_eq!(got, "{1.5, false, inf}");
    assert_eq!(lua.eval(&[Helper::OptFloats], "redlua_opt_floats({ 'x' })", &[]), "error: redlua: value is not a number: x");
}

fn pairs(lua: &mut Lua) {
    assert_eq!(lua.eval(&[Helper::Pairs], "redlua_pairs({ 'k1', 'v1', 'k2', 'v2' })", &[]), vec![("k1", "v1"), ("k2", "v2")].show());
    assert_eq!(lua.eval(&[Helper::Pairs], "redlua_pairs({})", &[]), "{}");
    let got = lua.run(&[Helper::Pairs], "redis.call('DEL', 'lualib:h')\nredis.call('HSET', 'lualib:h', 'f', 'v')\nreturn redlua_pairs(redis.call('HGETALL', 'lualib:h'))", &[]);
    assert_eq!(got, vec![("f", "v")].show());
}

fn score_pairs(lua: &mut Lua) {
    let got = lua.run(
        &[Helper::ScorePairs],
        "redis.call('DEL', 'lualib:z')\nredis.call('ZADD', 'lualib:z', '1.5', 'a', '2', 'b', '-inf', 'c')\nreturn redlua_score_pairs(redis.call('ZRANGE', 'lualib:z', 0, -1, 'WITHSCORES'))",
        &[],
    );
    assert_eq!(got, vec![("c", f64::NEG_INFINITY), ("a", 1.5), ("b", 2.0)].show());
}

fn stream_entries(lua: &mut Lua) {
    let got = lua.run(
        &[Helper::StreamEntries],
        "redis.call('DEL', 'lualib:st')\nredis.call('XADD', 'lualib:st', '1-1', 'f1', 'v1', 'f2', 'v2')\nredis.call('XADD', 'lualib:st', '1-2', 'g', 'w')\nreturn redlua_stream_entries(redis.call('XRANGE', 'lualib:st', '-', '+'))",
        &[],
    );
    let want: Vec<(&str, Vec<(&str, &str)>)> = vec![("1-1", vec![("f1", "v1"), ("f2", "v2")]), ("1-2", vec![("g", "w")])];
    assert_eq!(got, want.show());
    assert_eq!(lua.eval(&[Helper::StreamEntries], "redlua_stream_entries({})", &[]), "{}");
}

fn time(lua: &mut Lua) {
    let got = lua.run(&[Helper::Time], "local t = redlua_time(redis.call('TIME'))\nreturn { type(t[1]), type(t[2]), t[1], t[2] }", &[]);
    let parts: Vec<&str> = got.trim_matches(|c| c == '{' || c == '}').split(", ").collect();
    assert_eq!(&parts[..2], ["\"number\"", "\"number\""]);
    let secs: i64 = parts[2].parse().expect("whole seconds");
    let micros: i64 = parts[3].parse().expect("whole microseconds");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_secs() as i64;
    assert!((secs - now).abs() < 60, "{secs} is not about {now}");
    assert!((0..1_000_000).contains(&micros));
}

fn extend_pairs(lua: &mut Lua) {
    let got = lua.eval(&[Helper::ExtendPairs], "redlua_extend_pairs({ 'HSET', 'h' }, { { 'a', '1' }, { 'b', '2' } })", &[]);
    assert_eq!(got, vec!["HSET", "h", "a", "1", "b", "2"].show());
    assert_eq!(lua.eval(&[Helper::ExtendPairs], "redlua_extend_pairs({ 'x' }, {})", &[]), vec!["x"].show());
}

fn map_reply(lua: &mut Lua) {
    assert_eq!(lua.eval(&[Helper::MapReply], "redlua_map_reply({ a = 'x' }, nil)", &[]), vec!["a", "x"].show());
    assert_eq!(lua.eval(&[Helper::MapReply], "redlua_map_reply({}, nil)", &[]), "{}");
    assert_eq!(lua.eval(&[Helper::MapReply], "redlua_map_reply({ n = 4 }, function(v) return tostring(v * 2) end)", &[]), vec!["n", "8"].show());
    // Every entry once, each key right before its value.
    let got = lua.run(
        &[Helper::MapReply],
        "local r = redlua_map_reply({ a = 1, b = 2, c = 3 }, nil)\nlocal seen = {}\nfor i = 1, #r, 2 do seen[#seen + 1] = r[i] .. '=' .. r[i + 1] end\ntable.sort(seen)\nreturn seen",
        &[],
    );
    assert_eq!(got, vec!["a=1", "b=2", "c=3"].show());
}

// ---- collections ------------------------------------------------------------------

fn index(lua: &mut Lua) {
    let v = [10i64, 20, 30];
    for i in [0i64, 1, 2, 3, 7] {
        let want = or_error(v.get(i as usize).copied().ok_or(format!("index out of bounds: the len is 3 but the index is {i}").as_str()));
        assert_eq!(lua.eval(&[Helper::Index], &format!("redlua_index({{ 10, 20, 30 }}, {i})"), &[]), want, "v[{i}]");
    }
    assert_eq!(lua.eval(&[Helper::Index], "redlua_index({}, 0)", &[]), "error: redlua: index out of bounds: the len is 0 but the index is 0");
    // A None inside a Vec is `false`, and still an element.
    assert_eq!(lua.eval(&[Helper::Index], "redlua_index({ false, 1 }, 0)", &[]), "false");
}

fn set_index(lua: &mut Lua) {
    for i in [0i64, 2, 3, -1] {
        let mut v = vec![10i64, 20, 30];
        let want = match v.get_mut(i.max(0) as usize).filter(|_| i >= 0) {
            Some(x) => {
                *x = 99;
                v.show()
            }
            None => format!("error: redlua: index out of bounds: the len is 3 but the index is {i}"),
        };
        let got = lua.run(&[Helper::SetIndex], &format!("local t = {{ 10, 20, 30 }}\nredlua_set_index(t, {i}, 99)\nreturn t"), &[]);
        assert_eq!(got, want, "v[{i}] = 99");
    }
}

fn deep_eq(lua: &mut Lua) {
    for (a, b, want) in [
        ("{ 1, { 2, 3 } }", "{ 1, { 2, 3 } }", true),
        ("{ 1, 2 }", "{ 1, 2, 3 }", false),
        ("{ 1, 2, 3 }", "{ 1, 2 }", false),
        ("{ a = 1 }", "{ a = 1, b = 2 }", false),
        ("{ a = { 'x' } }", "{ a = { 'x' } }", true),
        ("{ a = { 'x' } }", "{ a = { 'y' } }", false),
        ("{}", "{}", true),
        ("{ false }", "{}", false),
        ("'x'", "'x'", true),
        ("1", "2", false),
        ("1", "'1'", false),
    ] {
        assert_eq!(lua.eval(&[Helper::DeepEq], &format!("redlua_deep_eq({a}, {b})"), &[]), want.show(), "{a} == {b}");
    }
}

fn map_insert(lua: &mut Lua) {
    let mut m = std::collections::HashMap::new();
    let first = m.insert("k", "a");
    let second = m.insert("k", "b");
    let got = lua.run(&[Helper::MapInsert], "local t = {}\nlocal first = redlua_map_insert(t, 'k', 'a')\nlocal second = redlua_map_insert(t, 'k', 'b')\nreturn { first == nil, second, t.k }", &[]);
    assert_eq!(got, format!("{{{}, {}, {}}}", first.is_none(), second.show(), m["k"].show()));
}

fn map_remove(lua: &mut Lua) {
    let got = lua.run(&[Helper::MapRemove], "local t = { k = 'a', j = 'b' }\nlocal r = redlua_map_remove(t, 'k')\nlocal again = redlua_map_remove(t, 'k')\nreturn { r, again == nil, t }", &[]);
    assert_eq!(got, "{\"a\", true, {j=\"b\"}}");
}

fn map_len(lua: &mut Lua) {
    assert_eq!(lua.eval(&[Helper::MapLen], "redlua_map_len({})", &[]), "0");
    assert_eq!(lua.eval(&[Helper::MapLen], "redlua_map_len({ a = 1, b = false, [3] = 'x' })", &[]), "3");
    assert_eq!(lua.run(&[Helper::MapLen], "local t = { a = 1, b = 2 }\nt.a = nil\nreturn redlua_map_len(t)", &[]), "1");
}

fn map_keys(lua: &mut Lua) {
    let got = lua.run(&[Helper::MapKeys], "local k = redlua_map_keys({ b = 1, a = 2, c = 3 })\ntable.sort(k)\nreturn k", &[]);
    assert_eq!(got, vec!["a", "b", "c"].show());
    assert_eq!(lua.eval(&[Helper::MapKeys], "redlua_map_keys({})", &[]), "{}");
}

fn map_values(lua: &mut Lua) {
    let got = lua.run(&[Helper::MapValues], "local v = redlua_map_values({ b = 1, a = 2, c = 3 })\ntable.sort(v)\nreturn v", &[]);
    assert_eq!(got, vec![1i64, 2, 3].show());
    assert_eq!(lua.eval(&[Helper::MapValues], "redlua_map_values({})", &[]), "{}");
}

fn deep_copy(lua: &mut Lua) {
    let got = lua.run(
        &[Helper::DeepCopy],
        "local a = { x = { 1, 2 }, y = 'v', z = { { 'deep' } } }\nlocal b = redlua_deep_copy(a)\nb.x[1] = 9\nb.z[1][1] = 'changed'\nb.y = 'w'\nreturn { a, b }",
        &[],
    );
    assert_eq!(got, "{{x={1, 2}, y=\"v\", z={{\"deep\"}}}, {x={9, 2}, y=\"w\", z={{\"changed\"}}}}");
}

fn contains(lua: &mut Lua) {
    for (t, x, want) in [
        ("{ 1, 2, 3 }", "2", true),
        ("{ 1, 2, 3 }", "4", false),
        ("{}", "1", false),
        ("{ 'a', 'b' }", "'b'", true),
        ("{ { 1, 2 }, { 3 } }", "{ 3 }", true),
        ("{ { 1, 2 }, { 3 } }", "{ 1 }", false),
        ("{ 1 }", "'1'", false),
    ] {
        assert_eq!(lua.eval(&[Helper::Contains], &format!("redlua_contains({t}, {x})"), &[]), want.show(), "{t} contains {x}");
    }
}

fn extend(lua: &mut Lua) {
    let got = lua.run(&[Helper::Extend], "local t = { 1, 2 }\nlocal r = redlua_extend(t, { 3, 4 })\nreturn { r == t, t }", &[]);
    assert_eq!(got, "{true, {1, 2, 3, 4}}");
    assert_eq!(lua.eval(&[Helper::Extend], "redlua_extend({}, {})", &[]), "{}");
    assert_eq!(lua.eval(&[Helper::Extend], "redlua_extend({ 'a' }, {})", &[]), vec!["a"].show());
}

fn fill(lua: &mut Lua) {
    assert_eq!(lua.eval(&[Helper::Fill], "redlua_fill(5, 3)", &[]), vec![5i64; 3].show());
    assert_eq!(lua.eval(&[Helper::Fill], "redlua_fill('x', 0)", &[]), "{}");
    // Clones, not one shared table.
    let got = lua.run(&[Helper::Fill], "local t = redlua_fill({ 1, { 2 } }, 3)\nt[1][1] = 9\nt[2][2][1] = 8\nreturn t", &[]);
    assert_eq!(got, "{{9, {2}}, {1, {8}}, {1, {2}}}");
}

fn chunks(lua: &mut Lua) {
    let v: Vec<i64> = (1..=5).collect();
    for n in [1usize, 2, 5, 7] {
        let want: Vec<Vec<i64>> = v.chunks(n).map(<[i64]>::to_vec).collect();
        assert_eq!(lua.eval(&[Helper::Chunks], &format!("redlua_chunks({}, {n})", int_array(&v)), &[]), want.show(), "chunks({n})");
    }
    assert_eq!(lua.eval(&[Helper::Chunks], "redlua_chunks({}, 3)", &[]), "{}");
    assert_eq!(lua.eval(&[Helper::Chunks], "redlua_chunks({ 1 }, 0)", &[]), "error: redlua: chunk size must be non-zero");
}

fn sort_by_key(lua: &mut Lua) {
    // Equal keys keep their order (stable), for every length up to 40.
    for n in 0..40i64 {
        let v: Vec<(i64, i64)> = (0..n).map(|i| ((i * 7919) % 5, i)).collect();
        let mut want = v.clone();
        want.sort_by_key(|p| p.0);
        let items: Vec<String> = v.iter().map(|(k, i)| format!("{{ {k}, {i} }}")).collect();
        let got = lua.run(&[Helper::SortByKey], &format!("local t = {{ {} }}\nredlua_sort_by_key(t, function(p) return p[1] end, false)\nreturn t", items.join(", ")), &[]);
        assert_eq!(got, want.show(), "{n} items");
    }
    // String keys by bytes (Rust's Ord for str), not by Lua's locale.
    let words = ["b", "a", "B", "é", "ab", "", "a", "Z"];
    let mut want: Vec<(&str, usize)> = words.iter().copied().zip(1..).collect();
    want.sort_by_key(|p| p.0);
    let got = lua.run(
        &[Helper::SortByKey],
        &format!("local t = {{}}\nfor i = 1, {} do t[i] = {{ ARGV[i], i }} end\nredlua_sort_by_key(t, function(p) return p[1] end, true)\nreturn t", words.len()),
        &words,
    );
    assert_eq!(got, want.show());
}

fn sort_str(lua: &mut Lua) {
    let words = ["b", "a", "B", "é", "ab", "", "a", "Z", "~", "zz"];
    let mut want = words.to_vec();
    want.sort();
    assert_eq!(lua.run(&[Helper::SortStr], "local t = { unpack(ARGV) }\nredlua_sort_str(t)\nreturn t", &words), want.show());
}

fn str_cmp(lua: &mut Lua) {
    for (a, b) in [("a", "b"), ("b", "a"), ("ab", "a"), ("a", "ab"), ("", ""), ("é", "z"), ("A", "a"), ("x", "x"), ("", "a")] {
        let want = a.cmp(b) as i64;
        assert_eq!(lua.eval(&[Helper::StrCmp], "redlua_str_cmp(ARGV[1], ARGV[2])", &[a, b]), want.show(), "{a:?} cmp {b:?}");
    }
}

fn retain(lua: &mut Lua) {
    for keep in ["x % 2 == 0", "false", "true", "x > 3"] {
        let mut v: Vec<i64> = (1..=10).collect();
        v.retain(|&x| match keep {
            "x % 2 == 0" => x % 2 == 0,
            "false" => false,
            "true" => true,
            _ => x > 3,
        });
        let got = lua.run(&[Helper::Retain], &format!("local t = {}\nredlua_retain(t, function(x) return {keep} end)\nreturn t", int_array(&(1..=10).collect::<Vec<_>>())), &[]);
        assert_eq!(got, v.show(), "retain {keep}");
    }
}

fn reverse(lua: &mut Lua) {
    for n in 0..6i64 {
        let mut v: Vec<i64> = (1..=n).collect();
        let lua_t = int_array(&v);
        v.reverse();
        assert_eq!(lua.run(&[Helper::Reverse], &format!("local t = {lua_t}\nredlua_reverse(t)\nreturn t"), &[]), v.show());
    }
}

fn vec_insert(lua: &mut Lua) {
    for i in [0usize, 1, 3, 4] {
        let mut v = vec![10i64, 20, 30];
        let want = if i <= v.len() {
            v.insert(i, 99);
            v.show()
        } else {
            format!("error: redlua: insertion index (is {i}) should be <= len (is 3)")
        };
        let got = lua.run(&[Helper::VecInsert], &format!("local t = {{ 10, 20, 30 }}\nredlua_vec_insert(t, {i}, 99)\nreturn t"), &[]);
        assert_eq!(got, want, "insert({i})");
    }
}

fn vec_remove(lua: &mut Lua) {
    for i in [0usize, 1, 2, 3] {
        let mut v = vec![10i64, 20, 30];
        let want = if i < v.len() {
            let x = v.remove(i);
            format!("{{{x}, {}}}", v.show())
        } else {
            format!("error: redlua: removal index (is {i}) should be < len (is 3)")
        };
        let got = lua.run(&[Helper::VecRemove], &format!("local t = {{ 10, 20, 30 }}\nlocal x = redlua_vec_remove(t, {i})\nreturn {{ x, t }}"), &[]);
        assert_eq!(got, want, "remove({i})");
    }
}

fn truncate(lua: &mut Lua) {
    for n in [0usize, 1, 3, 4, 10] {
        let mut v: Vec<i64> = vec![1, 2, 3, 4];
        v.truncate(n);
        let got = lua.run(&[Helper::Truncate], &format!("local t = {{ 1, 2, 3, 4 }}\nredlua_truncate(t, {n})\nreturn t"), &[]);
        assert_eq!(got, v.show(), "truncate({n})");
    }
}

fn map(lua: &mut Lua) {
    assert_eq!(lua.eval(&[Helper::Map], "redlua_map({ 1, 2, 3 }, function(x) return x * 2 end)", &[]), vec![2i64, 4, 6].show());
    assert_eq!(lua.eval(&[Helper::Map], "redlua_map({}, function(x) return x end)", &[]), "{}");
    // A new table: the source is unchanged.
    let got = lua.run(&[Helper::Map], "local t = { 'a' }\nlocal r = redlua_map(t, function(x) return x .. '!' end)\nreturn { t, r, t ~= r }", &[]);
    assert_eq!(got, "{{\"a\"}, {\"a!\"}, true}");
}

// ---- strings ------------------------------------------------------------------------

/// Texts with Unicode white space of every kind, and non-white look-alikes.
fn trim_texts() -> Vec<String> {
    let ws: Vec<char> = (0..0x3001u32).filter_map(char::from_u32).filter(|c| c.is_whitespace()).collect();
    let mut v: Vec<String> = ws.iter().map(|c| format!("{c}x{c}y{c}")).collect();
    v.extend(["", "   ", "x", " x y ", "\u{200b}x\u{200b}", "\u{feff}x", "\u{a0}\u{3000}\u{85}", "é ", "\u{2028}"].map(String::from));
    v
}

fn trim(lua: &mut Lua) {
    for s in trim_texts() {
        for (front, back, want) in [(true, true, s.trim()), (true, false, s.trim_start()), (false, true, s.trim_end())] {
            let got = lua.eval(&[Helper::Trim], &format!("redlua_trim(ARGV[1], {front}, {back})"), &[s.as_str()]);
            assert_eq!(got, want.show(), "{s:?} front={front} back={back}");
        }
    }
}

/// (text, pattern) pairs for the searching and splitting helpers.
const STR_PAIRS: &[(&str, &str)] = &[
    ("a,b,,c", ","),
    ("", ","),
    (",", ","),
    ("abc", "abc"),
    ("a--b--", "--"),
    ("a.b%c", "."),
    ("a.b%c", "%"),
    ("aaaa", "aa"),
    ("aaa", "aa"),
    ("héllo wörld", "ö"),
    ("héllo", "l"),
    ("abc", "z"),
    ("ab", ""),
    ("", ""),
    ("x[y]", "["),
];

fn replace(lua: &mut Lua) {
    for &(s, p) in STR_PAIRS {
        for to in ["", "-", "%1", "XY"] {
            assert_eq!(lua.eval(&[Helper::Replace], "redlua_replace(ARGV[1], ARGV[2], ARGV[3])", &[s, p, to]), s.replace(p, to).show(), "{s:?}.replace({p:?}, {to:?})");
        }
    }
}

fn repeat(lua: &mut Lua) {
    for (s, n) in [("ab", 3usize), ("ab", 0), ("", 5), ("é", 2)] {
        assert_eq!(lua.eval(&[Helper::Repeat], &format!("redlua_repeat(ARGV[1], {n})"), &[s]), s.repeat(n).show());
    }
    assert_eq!(lua.eval(&[Helper::Repeat], "redlua_repeat('x', -1)", &[]), "error: redlua: capacity overflow (negative repeat count)");
}

fn find(lua: &mut Lua) {
    for &(s, p) in STR_PAIRS {
        assert_eq!(lua.eval(&[Helper::Find], "redlua_find(ARGV[1], ARGV[2])", &[s, p]), s.find(p).show(), "{s:?}.find({p:?})");
    }
}

fn rfind(lua: &mut Lua) {
    for &(s, p) in STR_PAIRS {
        assert_eq!(lua.eval(&[Helper::Rfind], "redlua_rfind(ARGV[1], ARGV[2])", &[s, p]), s.rfind(p).show(), "{s:?}.rfind({p:?})");
    }
}

fn split(lua: &mut Lua) {
    for &(s, p) in STR_PAIRS.iter().filter(|(_, p)| !p.is_empty()) {
        let want: Vec<&str> = s.split(p).collect();
        assert_eq!(lua.eval(&[Helper::Split], "redlua_split(ARGV[1], ARGV[2])", &[s, p]), want.show(), "{s:?}.split({p:?})");
    }
    assert_eq!(lua.eval(&[Helper::Split], "redlua_split('abc', '')", &[]), "error: redlua: splitting on an empty separator");
}

fn splitn(lua: &mut Lua) {
    for &(s, p) in STR_PAIRS.iter().filter(|(_, p)| !p.is_empty()) {
        for n in [0usize, 1, 2, 3, 10] {
            let want: Vec<&str> = s.splitn(n, p).collect();
            assert_eq!(lua.eval(&[Helper::SplitN], &format!("redlua_splitn(ARGV[1], {n}, ARGV[2])"), &[s, p]), want.show(), "{s:?}.splitn({n}, {p:?})");
        }
    }
    assert_eq!(lua.eval(&[Helper::SplitN], "redlua_splitn('abc', 2, '')", &[]), "error: redlua: splitting on an empty separator");
}

fn split_once(lua: &mut Lua) {
    for &(s, p) in STR_PAIRS {
        assert_eq!(lua.eval(&[Helper::SplitOnce], "redlua_split_once(ARGV[1], ARGV[2])", &[s, p]), s.split_once(p).show(), "{s:?}.split_once({p:?})");
    }
}

fn rsplit_once(lua: &mut Lua) {
    for &(s, p) in STR_PAIRS {
        assert_eq!(lua.eval(&[Helper::RsplitOnce], "redlua_rsplit_once(ARGV[1], ARGV[2])", &[s, p]), s.rsplit_once(p).show(), "{s:?}.rsplit_once({p:?})");
    }
}

/// (text, affix) pairs for the prefix and suffix helpers.
const AFFIXES: &[(&str, &str)] = &[
    ("foobar", "foo"),
    ("foobar", "bar"),
    ("foo", ""),
    ("", ""),
    ("", "x"),
    ("fo", "foo"),
    ("xxabcxx", "x"),
    ("ababcab", "ab"),
    ("aaa", "aa"),
    ("xxx", "x"),
    ("a.a.", "a."),
    ("éé", "é"),
];

fn strip_prefix(lua: &mut Lua) {
    for &(s, p) in AFFIXES {
        assert_eq!(lua.eval(&[Helper::StripPrefix], "redlua_strip_prefix(ARGV[1], ARGV[2])", &[s, p]), s.strip_prefix(p).show(), "{s:?}.strip_prefix({p:?})");
    }
}

fn strip_suffix(lua: &mut Lua) {
    for &(s, p) in AFFIXES {
        assert_eq!(lua.eval(&[Helper::StripSuffix], "redlua_strip_suffix(ARGV[1], ARGV[2])", &[s, p]), s.strip_suffix(p).show(), "{s:?}.strip_suffix({p:?})");
    }
}

fn trim_start_matches(lua: &mut Lua) {
    for &(s, p) in AFFIXES {
        let got = lua.eval(&[Helper::TrimStartMatches], "redlua_trim_start_matches(ARGV[1], ARGV[2])", &[s, p]);
        assert_eq!(got, s.trim_start_matches(p).show(), "{s:?}.trim_start_matches({p:?})");
    }
}

fn trim_end_matches(lua: &mut Lua) {
    for &(s, p) in AFFIXES {
        let got = lua.eval(&[Helper::TrimEndMatches], "redlua_trim_end_matches(ARGV[1], ARGV[2])", &[s, p]);
        assert_eq!(got, s.trim_end_matches(p).show(), "{s:?}.trim_end_matches({p:?})");
    }
}

/// Texts with characters of one to four bytes.
const UNICODE_TEXTS: &[&str] = &["héllo€😀", "", "abc", "ü", "a\0b", "€€"];

fn char_boundary(lua: &mut Lua) {
    for s in UNICODE_TEXTS {
        for i in 0..=s.len() + 1 {
            let got = lua.eval(&[Helper::CharBoundary], &format!("redlua_char_boundary(ARGV[1], {i})"), &[s]);
            assert_eq!(got, s.is_char_boundary(i).show(), "{s:?}.is_char_boundary({i})");
        }
    }
}

fn str_slice(lua: &mut Lua) {
    for s in UNICODE_TEXTS {
        let n = s.len();
        for a in 0..=n + 1 {
            for b in (0..=n + 1).map(Some).chain([None]) {
                let want = match s.get(a..b.unwrap_or(n)) {
                    Some(t) => t.show(),
                    None => format!("error: redlua: byte range {a}..{} of a string of {n} bytes is out of bounds or not on a char boundary", b.unwrap_or(n)),
                };
                let e = format!("redlua_str_slice(ARGV[1], {a}, {})", b.map_or("nil".into(), |b| b.to_string()));
                assert_eq!(lua.eval(&[Helper::StrSlice], &e, &[s]), want, "&{s:?}[{a}..{b:?}]");
            }
        }
    }
}

fn chars(lua: &mut Lua) {
    for s in UNICODE_TEXTS {
        let want: Vec<String> = s.chars().map(String::from).collect();
        assert_eq!(lua.eval(&[Helper::Chars], "redlua_chars(ARGV[1])", &[s]), want.show(), "{s:?}.chars()");
    }
}

fn lines(lua: &mut Lua) {
    for s in ["a\nb", "a\r\nb\r\n", "a\n\nb", "\n", "", "a\rb", "a\n\r\n", "x\r", "\r\n", "a\n", "\n\n", "é\r\n€"] {
        let want: Vec<&str> = s.lines().collect();
        assert_eq!(lua.eval(&[Helper::Lines], "redlua_lines(ARGV[1])", &[s]), want.show(), "{s:?}.lines()");
    }
}

fn pad(lua: &mut Lua) {
    for s in ["ab", "héllo", "", "abcdef", "€"] {
        for width in [0usize, 3, 5, 8] {
            for (align, want) in [('<', format!("{s:<width$}")), ('>', format!("{s:>width$}")), ('^', format!("{s:^width$}"))] {
                let got = lua.eval(&[Helper::Pad], &format!("redlua_pad(ARGV[1], {width}, '{align}', ' ', false)"), &[s]);
                assert_eq!(got, want.show(), "{s:?} {align}{width}");
            }
            let got = lua.eval(&[Helper::Pad], &format!("redlua_pad(ARGV[1], {width}, '^', '*', false)"), &[s]);
            assert_eq!(got, format!("{s:*^width$}").show(), "{s:?} *^{width}");
        }
    }
    // Zero padding goes after the sign.
    for n in [-12i64, 12, 0, -12345] {
        for width in [0usize, 3, 6] {
            let got = lua.eval(&[Helper::Pad], &format!("redlua_pad('{n}', {width}, '>', ' ', true)"), &[]);
            assert_eq!(got, format!("{n:0width$}").show(), "{n}:0{width}");
        }
    }
    let got = lua.eval(&[Helper::Pad], "redlua_pad('+5', 4, '>', ' ', true)", &[]);
    assert_eq!(got, format!("{:+04}", 5).show());
}

fn reject(lua: &mut Lua) {
    // The error reply of `Reject::with_code(code, message)`: line breaks become spaces.
    for (code, message) in [("REJECT", "plain"), ("task", "a\r\nb\nc\r"), ("ERR", ""), ("NOFUNDS", "100%d %s %1")] {
        let r = redlua::Reject::with_code(code, message);
        let want = format!("{{err=\"{} {}\"}}", r.code(), r.message());
        assert_eq!(lua.eval(&[Helper::Reject], "redlua_reject(ARGV[1], ARGV[2])", &[&format!("{code} "), message]), want, "{message:?}");
    }
}

/// The record descriptor of one field of type `ty` (see compiler/src/lang/records.rs).
fn record_desc(ty: &str, optional: bool) -> String {
    let bounds = match ty {
        "i64" => ", -9007199254740991, 9007199254740991",
        "u8" => ", 0, 255",
        "i32" => ", -2147483648, 2147483647",
        "u64" => ", 0, 9007199254740991",
        _ => "",
    };
    format!("{{ 'R', {{ 'f', '{ty}', {optional}{bounds} }} }}")
}

/// What Rust's `HashField::from_text` makes of `text`, shown as the driver shows values.
fn rust_field(ty: &str, text: Option<&str>) -> String {
    use redlua::record::HashField;
    fn show<T: std::fmt::Debug>(r: Result<Option<T>, String>, f: impl Fn(&T) -> String) -> String {
        match r {
            Ok(Some(v)) => f(&v),
            Ok(None) => "nil".into(),
            Err(e) => format!("{:?}", format!("reject {e}")),
        }
    }
    let t = text.map(str::as_bytes);
    match ty {
        "i64" => show(Option::<i64>::from_text(t, "R", "f"), |n| n.to_string()),
        "u8" => show(Option::<u8>::from_text(t, "R", "f"), |n| n.to_string()),
        "i32" => show(Option::<i32>::from_text(t, "R", "f"), |n| n.to_string()),
        "u64" => show(Option::<u64>::from_text(t, "R", "f"), |n| n.to_string()),
        "f64" => show(Option::<f64>::from_text(t, "R", "f"), |x| x.show()),
        "bool" => show(Option::<bool>::from_text(t, "R", "f"), |b| b.to_string()),
        _ => show(Option::<String>::from_text(t, "R", "f"), |s| format!("{s:?}")),
    }
}

fn record_hash(lua: &mut Lua) {
    // Every text, read as every field type, agrees with Rust's HashField.
    let texts = ["0", "-0", "+0", "7", "+7", "-7", "007", "255", "256", "-1", "2147483647", "-2147483648", "2147483648", "9007199254740991", "-9007199254740991", "9007199254740992", "99999999999999999999", "1.5", "1e3", ".5", "5.", "0x10", " 1", "1 ", "", "x", "NaN", "inf", "-inf", "infinity", "1e400", "true", "false", "1", "yes"];
    for ty in ["i64", "u8", "i32", "u64", "f64", "bool", "String"] {
        let desc = record_desc(ty, true);
        for text in texts {
            let body = format!("local r, e = redlua_record_hash({{ 'f', ARGV[1] }}, {desc})\nif e then return 'reject ' .. string.sub(e, 8) end\nreturn r[1]");
            let got = lua.run(&[Helper::RecordHash], &body, &[text]);
            assert_eq!(got, rust_field(ty, Some(text)), "{text:?} as {ty}");
        }
        // A missing field: None when optional, else a rejection.
        let body = format!("local r, e = redlua_record_hash({{ 'g', 'x' }}, {})\nif e then return 'reject ' .. string.sub(e, 8) end\nreturn r[1]", record_desc(ty, false));
        assert_eq!(lua.run(&[Helper::RecordHash], &body, &[]), "\"reject R.f is missing\"", "{ty}");
        let body = format!("local r, e = redlua_record_hash({{ 'g', 'x' }}, {desc})\nreturn r[1]");
        assert_eq!(lua.run(&[Helper::RecordHash], &body, &[]), "nil", "{ty}");
    }
    // No fields at all: no record.
    assert_eq!(lua.eval(&[Helper::RecordHash], &format!("redlua_record_hash({{}}, {}) == nil", record_desc("i64", true)), &[]), "true");
}

fn record_text(lua: &mut Lua) {
    use redlua::record::HashField;
    for x in [0.1, 1e21, -0.0, 1.0 / 3.0, f64::NAN, f64::INFINITY, 1e-7, 123456789.0] {
        let want = String::from_utf8(x.to_text().unwrap()).unwrap();
        let got = lua.eval(&[Helper::RecordText], "redlua_record_text(tonumber(ARGV[1]), 'f64')", &[&format!("{x:e}").replace("NaN", "nan")]);
        assert_eq!(got, format!("{want:?}"), "{x}");
    }
    for n in [0i64, -1, 9007199254740991, -9007199254740991] {
        assert_eq!(lua.eval(&[Helper::RecordText], "redlua_record_text(tonumber(ARGV[1]), 'i64')", &[&n.to_string()]), format!("\"{n}\""));
    }
    assert_eq!(lua.eval(&[Helper::RecordText], "redlua_record_text(true, 'bool') .. redlua_record_text(false, 'bool')", &[]), "\"10\"");
    assert_eq!(lua.eval(&[Helper::RecordText], "redlua_record_text('a b', 'String')", &[]), "\"a b\"");
}

fn hset_record(lua: &mut Lua) {
    let desc = "{ 'R', { 'a', 'i64', false, -9007199254740991, 9007199254740991 }, { 'b', 'String', true }, { 'c', 'bool', true } }";
    lua.run(&[], "redis.call('DEL', 'lualib:rec')\nredis.call('HSET', 'lualib:rec', 'b', 'old', 'c', '1', 'z', 'kept')\nreturn 1", &[]);
    // `b` is None: deleted; `c` is set; `z` is not a field of the record: kept.
    let body = format!("redlua_hset_record('lualib:rec', {{ 5, nil, false }}, {desc})\nlocal h = redis.call('HGETALL', 'lualib:rec')\nlocal t = {{}}\nfor i = 1, #h, 2 do t[#t + 1] = h[i] .. '=' .. h[i + 1] end\ntable.sort(t)\nreturn table.concat(t, ' ')");
    assert_eq!(lua.run(&[Helper::HsetRecord], &body, &[]), "\"a=5 c=0 z=kept\"");
    // Only None fields: no HSET (it would need a pair); only Some fields: no HDEL.
    let body = format!("redlua_hset_record('lualib:rec2', {{ nil, nil, nil }}, {{ 'R', {{ 'b', 'String', true }}, {{ 'c', 'bool', true }} }})\nreturn redis.call('EXISTS', 'lualib:rec2')");
    assert_eq!(lua.run(&[Helper::HsetRecord], &body, &[]), "0");
}

fn record_reply(lua: &mut Lua) {
    let desc = "{ 'R', { 'a', 'i64', false, -9007199254740991, 9007199254740991 }, { 'b', 'String', true }, { 'c', 'f64', false } }";
    let got = lua.eval(&[Helper::RecordReply], &format!("table.concat(redlua_record_reply({{ -3, nil, 0.1 }}, {desc}), ',')"), &[]);
    assert_eq!(got, "\"a,-3,c,0.1\"");
}

/// A unit enum's argument: exactly one of the variants' names, as the stub sends it.
fn arg_enum(lua: &mut Lua) {
    let call = "redlua_arg_enum(ARGV[1], 's', { 'Idle', 'Running' })";
    for s in ["Idle", "Running"] {
        assert_eq!(lua.eval(&[Helper::ArgEnum], call, &[s]), format!("{s:?}"));
    }
    for s in ["idle", "Idle ", "", "Done", "1"] {
        assert_eq!(lua.eval(&[Helper::ArgEnum], call, &[s]), "error: ERR redlua: argument s must be one of Idle, Running", "{s:?}");
    }
}

fn vec_slice(lua: &mut Lua) {
    let v = [10i64, 20, 30];
    let n = v.len();
    for a in 0..=n + 1 {
        for b in (0..=n + 1).map(Some).chain([None]) {
            let want = match b {
                None if a > n => format!("error: redlua: range start index {a} out of range for slice of length {n}"),
                Some(b) if a > b => format!("error: redlua: slice index starts at {a} but ends at {b}"),
                Some(b) if b > n => format!("error: redlua: range end index {b} out of range for slice of length {n}"),
                _ => v[a..b.unwrap_or(n)].to_vec().show(),
            };
            let e = format!("redlua_vec_slice({{ 10, 20, 30 }}, {a}, {})", b.map_or("nil".into(), |b| b.to_string()));
            assert_eq!(lua.eval(&[Helper::VecSlice], &e, &[]), want, "&v[{a}..{b:?}]");
        }
    }
}


/// The escape table on its own: its first range's first code point is the first one past
/// U+007F that Rust's `{:?}` escapes (U+0080), and `redlua_debug_str` of single characters
/// on both sides of a few ranges' edges agrees with Rust.
fn debug_escapes(lua: &mut Lua) {
    assert_eq!(lua.eval(&[Helper::DebugEscapes], "type(redlua_debug_escapes[1])", &[]), "\"string\"");
    let first = (0x80u32..).find_map(char::from_u32).filter(|c| format!("{c:?}").contains("\\u")).map(|c| c as u32);
    assert_eq!(first, Some(0x80), "Rust escapes U+0080 first");
    for cp in [0x80u32, 0x9f, 0xa0, 0xad, 0xae, 0x300, 0x36f, 0x370, 0x200b, 0x200d, 0x2028, 0xfeff, 0xfffd, 0xe0001, 0xe01ef, 0x10ffff] {
        let Some(c) = char::from_u32(cp) else { continue };
        let text = c.to_string();
        let want = format!("{text:?}");
        let got = lua.eval(&[Helper::DebugStr], "redlua_debug_str(ARGV[1]) == ARGV[2] or redlua_debug_str(ARGV[1])", &[&text, &want]);
        assert_eq!(got, "true", "U+{cp:04X}: Rust writes {want}");
    }
}

/// `{:?}` of strings: quotes, the named escapes, controls, a quote that is not escaped, and
/// text that is not UTF-8 refused.
fn debug_str(lua: &mut Lua) {
    for s in ["", "a", "a\"b", "it's", "back\\slash", "tab\tnl\ncr\r\0", "\u{1}\u{1f}\u{7f}", "h\u{e9}llo \u{1d11e}", "e\u{301}", "\u{301}e", "\u{200b}x", "\u{feff}"] {
        let want = format!("{s:?}");
        assert_eq!(lua.eval(&[Helper::DebugStr], "redlua_debug_str(ARGV[1]) == ARGV[2] or redlua_debug_str(ARGV[1])", &[s, &want]), "true", "{s:?}");
    }
    assert_eq!(lua.eval(&[Helper::DebugStr], "redlua_debug_str('\\255')", &[]), "error: redlua: {:?} of a String that is not UTF-8");
}

/// `{:?}` of floats: a `.0` when integral, the exponent form outside 1e-4 <= |x| < 1e16.
fn debug_float(lua: &mut Lua) {
    for x in [0.0f64, -0.0, 1.0, -1.5, 0.1, 0.3, 1e-4, 9.999e-5, 1e15, 1e16, 1.5e16, 1e-7, 5e-324, f64::MAX, f64::MIN_POSITIVE, 123456789.125, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let want = format!("{x:?}");
        let arg = if x.is_nan() { "0/0".to_string() } else if x.is_infinite() { format!("{}math.huge", if x < 0.0 { "-" } else { "" }) } else { format!("{x:e}") };
        let arg = if x == 0.0 && x.is_sign_negative() { "-0.0".to_string() } else { arg };
        assert_eq!(lua.eval(&[Helper::DebugFloat], &format!("redlua_debug_float({arg}) == ARGV[1] or redlua_debug_float({arg})"), &[&want]), "true", "{x:e}: Rust writes {want}");
    }
}

/// `{:?}` and `{:#?}` of compound values through their type descriptors.
fn debug(lua: &mut Lua) {
    #[derive(Debug)]
    #[allow(dead_code)]
    struct S {
        a: i64,
        tags: Vec<Option<i64>>,
    }
    // None inside a Vec is `false`, as redis.call gives it (HMGET, MGET).
    let value = S { a: -3, tags: vec![Some(4), None] };
    let d = "{ 'struct', 'S', 'a', 'int', 'tags', { 'Vec', { 'Option', 'int' } } }";
    let lua_value = "{ -3, { 4, false } }";
    for pretty in [false, true] {
        let want = if pretty { format!("{value:#?}") } else { format!("{value:?}") };
        let pad = if pretty { "''" } else { "nil" };
        let e = format!("redlua_debug({lua_value}, {d}, {pad}) == ARGV[1] or redlua_debug({lua_value}, {d}, {pad})");
        let got = lua.eval(&[Helper::Debug], &e, &[&want]);
        assert_eq!(got, "true", "Rust writes {want}");
    }
    let t: (i64,) = (7,);
    assert_eq!(lua.eval(&[Helper::Debug], "redlua_debug({ 7 }, { 'tuple', 'int' }) == ARGV[1]", &[&format!("{t:?}")]), "true");
    let v: Vec<i64> = vec![];
    assert_eq!(lua.eval(&[Helper::Debug], "redlua_debug({}, { 'Vec', 'int' }, '') == ARGV[1]", &[&format!("{v:#?}")]), "true");
}
