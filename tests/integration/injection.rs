//! Injection safety: whatever text a user puts in a string literal or a name ends up in the
//! Lua exactly as written, on a real server, and never as Lua code.
//!
//! - The printer's quoting (`redlua_compiler::lua::quote`) round-trips any byte string
//!   through the server's Lua (EVAL and FUNCTION LOAD): thousands of random byte strings,
//!   non-UTF-8 ones, the characters that end or escape Lua strings and comments, and
//!   100 KB strings.
//! - Functions whose string literals hold those characters reply exactly the Rust literal
//!   (and agree with their native twins), write it as data and as key names.
//! - Identifiers (Lua keywords, the names of Lua globals and of redlua's own helpers,
//!   Unicode, raw identifiers, names that collide with mangled ones) are renamed where
//!   needed and the functions still compute the right thing.
//! - Names that Redis refuses are compile errors (the UI tests cover library names and
//!   non-ASCII function names; the case of names differing only in case is pinned below).

// `\0` followed by digits is exactly what the quoting must keep apart.
#![allow(clippy::octal_escapes)]

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use redlua::testing::TestServer;
use redlua_compiler::lua::quote;

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() })
}

fn server() -> (TestServer, redis::Connection) {
    let server = TestServer::start().expect("redis-server must be installed");
    let con = server.connection().expect("a connection to the test server");
    (server, con)
}

/// What `return <quoted>` gives back through EVAL.
fn eval_quoted(con: &mut redis::Connection, bytes: &[u8]) -> Result<Vec<u8>, String> {
    let script = format!("return {}", quote(bytes));
    redis::cmd("EVAL").arg(&script).arg(0).query::<Vec<u8>>(con).map_err(|e| format!("{e} (script of {} bytes)", script.len()))
}

/// The quoted literal is one line of printable ASCII: it cannot end a `--` comment line
/// early or shift the Lua line numbers that map errors back to Rust lines.
fn assert_one_ascii_line(bytes: &[u8]) {
    let q = quote(bytes);
    assert!(q.bytes().all(|b| (0x20..0x7f).contains(&b)), "quote({bytes:?}) is not printable ASCII: {q:?}");
}

/// Bytes that end, escape or comment Lua strings, and their neighbours.
const DANGEROUS: &[u8] = &[b'\'', b'"', b'\\', b'\n', b'\r', b'\t', b']', b'[', b'=', b'-', 0, b'0', b'1', b'9', 0x7f, 0x80, 0xc3, 0xa9, 0xff, 0x1b, b'%', b' ', b'z'];

fn byte_strings() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => prop::collection::vec(any::<u8>(), 0..64),
        3 => prop::collection::vec(prop::sample::select(DANGEROUS), 0..200),
        1 => prop::collection::vec(any::<u8>(), 1000..5000),
        1 => any::<String>().prop_map(String::into_bytes),
    ]
}

#[test]
fn quoted_byte_strings_round_trip_through_eval() {
    let (_server, con) = server();
    let con = std::cell::RefCell::new(con);
    const CASES: u32 = 4000;
    runner(CASES)
        .run(&byte_strings(), |bytes| {
            let back = eval_quoted(&mut con.borrow_mut(), &bytes).map_err(TestCaseError::fail)?;
            prop_assert_eq!(back, bytes.clone());
            assert_one_ascii_line(&bytes);
            Ok(())
        })
        .unwrap();
    // Every byte value, and every byte followed by every digit (decimal escapes take up
    // to three digits).
    let mut con = con.into_inner();
    for b in 0..=255u8 {
        for next in [None, Some(b'0'), Some(b'5'), Some(b'9'), Some(b'a')] {
            let bytes: Vec<u8> = std::iter::once(b).chain(next).collect();
            assert_eq!(eval_quoted(&mut con, &bytes).unwrap(), bytes);
        }
    }
    eprintln!("injection: {CASES} random byte strings and 1280 byte/digit pairs round-tripped through EVAL");
}

#[test]
fn hundred_kilobyte_strings_round_trip() {
    let (_server, mut con) = server();
    let size = 100 * 1024;
    let every_byte: Vec<u8> = (0..size).map(|i| (i % 256) as u8).collect();
    let brackets: Vec<u8> = b"]]".iter().copied().cycle().take(size).collect();
    let nul_digits: Vec<u8> = [0u8, b'1', b'2', b'3'].iter().copied().cycle().take(size).collect();
    let backslashes = vec![b'\\'; size];
    let comment_close: Vec<u8> = b"--]] '\"\n".iter().copied().cycle().take(size).collect();
    // A pseudo-random one (xorshift), so the test needs no seed.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let random: Vec<u8> = (0..size)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    for s in [every_byte, brackets, nul_digits, backslashes, comment_close, random] {
        assert_eq!(eval_quoted(&mut con, &s).unwrap(), s);
        assert_one_ascii_line(&s);
    }
}

#[test]
fn quoted_byte_strings_round_trip_through_function_load() {
    let (_server, con) = server();
    let con = std::cell::RefCell::new(con);
    runner(300)
        .run(&byte_strings(), |bytes| {
            let con = &mut *con.borrow_mut();
            let code = format!(
                "#!lua name=quoted\nlocal s = {q}  -- a comment after the literal\nredis.register_function{{function_name='quoted', callback=function(keys, args) return s end, flags={{'no-writes'}}}}\n",
                q = quote(&bytes)
            );
            redis::cmd("FUNCTION").arg("LOAD").arg("REPLACE").arg(&code).exec(con).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let back: Vec<u8> = redis::cmd("FCALL_RO").arg("quoted").arg(0).query(con).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(back, bytes);
            Ok(())
        })
        .unwrap();
}

// ---------------------------------------------------------------------------------------
// Compiled functions with dangerous literals.

/// The literals of [`inject`], as the Rust compiler reads them.
const QUOTES: &str = "it's \"quoted\", 'single' and \\ back\\slash \\' \\\" \\\\";
const LINES: &str = "line 1\nline 2\r\n\ttab\r\x0bvt\x0cff";
const BRACKETS: &str = "]] [[ ]=] [==[ ]==] --[[ comment ]] -- to the end\n--[==[";
const NUL: &str = "a\0b\0\x01\x7f\0001\09";
const UNICODE: &str = "é 漢字 \u{10FFFF} \u{FEFF} \u{202E}rtl";
const LUA_CODE: &str = "'); redis.call('FLUSHALL'); return ('";
const FORMAT_TEXT: &str = "%s %d %% {{}} $1 \\1";

#[redlua::library(name = "inject")]
pub mod inject {
    use redlua::prelude::*;

    /// Every dangerous literal, as a reply.
    #[redis_function(read_only)]
    pub fn literals() -> Vec<String> {
        vec![
            "it's \"quoted\", 'single' and \\ back\\slash \\' \\\" \\\\".to_string(),
            "line 1\nline 2\r\n\ttab\r\x0bvt\x0cff".to_string(),
            "]] [[ ]=] [==[ ]==] --[[ comment ]] -- to the end\n--[==[".to_string(),
            "a\0b\0\x01\x7f\0001\09".to_string(),
            "é 漢字 \u{10FFFF} \u{FEFF} \u{202E}rtl".to_string(),
            "'); redis.call('FLUSHALL'); return ('".to_string(),
            "%s %d %% {{}} $1 \\1".to_string(),
        ]
    }

    /// The literals inside `format!`, concatenation and comparisons.
    #[redis_function(read_only)]
    pub fn combined(s: String) -> (String, String, bool, i64) {
        let a = format!("]]{}--[[{}\0", s, "'\"\\");
        let b = s.clone() + "\n]]'" + &s;
        let same = s == "]]--'\"\\\0";
        (a, b, same, s.len() as i64)
    }

    /// Literals as stored values and as the suffixes of derived keys.
    #[redis_function]
    pub fn store(k: Key) -> (Option<String>, Option<String>) {
        set(&k, "'); redis.call('FLUSHALL'); --]]\0\n");
        let d = k.derive(":]]'\"\\\0\n--");
        set(&d, "derived");
        (get::<String>(&k), get::<String>(&d))
    }

    /// A refusal whose message holds quotes and brackets.
    #[redis_function(read_only)]
    pub fn refuse(n: i64) -> Result<i64, Reject> {
        if n > 0 {
            return Err(reject!("no: 'quoted' \"double\" ]] -- \\ here"));
        }
        Ok(n)
    }

    /// A refusal over several lines (error replies are one line: newlines become spaces).
    #[redis_function(read_only)]
    pub fn refuse_lines(n: i64) -> Result<i64, Reject> {
        if n > 0 {
            return Err(reject!("line 1\nline 2\r\nline 3"));
        }
        Ok(n)
    }

    /// Functions named like Lua keywords.
    #[redis_function(read_only)]
    pub fn end(local: i64, nil: i64) -> i64 {
        let function = local + nil;
        let then = function * 2;
        then
    }

    /// Parameters and locals named like Lua globals and redlua's own names.
    #[redis_function(read_only)]
    pub fn globals(redis: i64, keys: String, tostring: i64) -> (i64, String) {
        let math = redis + tostring;
        let redlua_int = math * 2;
        let args = keys.clone() + "!";
        (redlua_int, args)
    }
}

#[test]
fn compiled_literals_reply_exactly_the_rust_literal() {
    let (_server, mut con) = server();
    let lua = inject::literals().call(&mut con).unwrap();
    let expected = vec![QUOTES, LINES, BRACKETS, NUL, UNICODE, LUA_CODE, FORMAT_TEXT];
    assert_eq!(lua, expected);
    assert_eq!(redlua::twin::run(&mut con, inject::twin::literals), expected);
    let keys: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut con).unwrap();
    assert!(keys.is_empty(), "nothing written: {keys:?}");
}

#[test]
fn literals_in_expressions_and_arguments() {
    let (_server, mut con) = server();
    for s in ["", "]]--'\"\\\0", "x\ny", "%1 %%", "\u{10FFFF}"] {
        let lua = inject::combined(s).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || inject::twin::combined(s.to_string()));
        assert_eq!(lua, rust, "input {s:?}");
        assert_eq!(lua.0, format!("]]{s}--[['\"\\\0"));
    }
}

#[test]
fn literals_as_values_and_key_names() {
    let (_server, mut con) = server();
    let (v, d) = inject::store("k:{1}").call(&mut con).unwrap();
    assert_eq!(v.as_deref(), Some("'); redis.call('FLUSHALL'); --]]\0\n"));
    assert_eq!(d.as_deref(), Some("derived"));
    let derived: Option<String> = redis::cmd("GET").arg("k:{1}:]]'\"\\\0\n--").query(&mut con).unwrap();
    assert_eq!(derived.as_deref(), Some("derived"), "the derived key has exactly the literal as its suffix");
    let n: i64 = redis::cmd("DBSIZE").query(&mut con).unwrap();
    assert_eq!(n, 2);
}

#[test]
fn a_rejection_message_arrives_as_written() {
    let (_server, mut con) = server();
    match inject::refuse(1).call(&mut con) {
        Err(redlua::Error::Rejected { message }) => assert_eq!(message, "no: 'quoted' \"double\" ]] -- \\ here"),
        other => panic!("expected Rejected, got {other:?}"),
    }
    assert_eq!(inject::refuse(0).call(&mut con).unwrap(), 0);
}

#[test]
fn a_rejection_over_several_lines_arrives_on_one_line_as_in_the_twin() {
    let (_server, mut con) = server();
    let lua = match inject::refuse_lines(1).call(&mut con) {
        Err(redlua::Error::Rejected { message }) => message,
        other => panic!("expected Rejected, got {other:?}"),
    };
    let rust = redlua::twin::run(&mut con, || inject::twin::refuse_lines(1)).unwrap_err();
    assert_eq!(lua, "line 1 line 2  line 3");
    assert_eq!(rust.message(), lua, "the twin says the same");
}

#[test]
fn lua_keywords_and_globals_as_names() {
    let (_server, mut con) = server();
    assert_eq!(inject::end(2, 3).call(&mut con).unwrap(), 10);
    assert_eq!(inject::globals(1, "k", 2).call(&mut con).unwrap(), (6, "k!".to_string()));
    assert_eq!(redlua::twin::run(&mut con, || inject::twin::globals(1, "k".into(), 2)), (6, "k!".to_string()));
    let fcall: i64 = redis::cmd("FCALL_RO").arg("end").arg(0).arg(2).arg(3).query(&mut con).unwrap();
    assert_eq!(fcall, 10, "registered under its Rust name");
}

// ---------------------------------------------------------------------------------------
// Identifiers chosen at random, compiled at test time.

/// Names that could collide with Lua or with the generated code.
const ODD_NAMES: &[&str] = &[
    "end", "local", "nil", "function", "then", "elseif", "repeat", "until", "and", "or", "not", "goto", "redis", "KEYS",
    "ARGV", "keys", "args", "math", "string", "table", "tostring", "tonumber", "unpack", "error", "pcall", "_G", "_ENV",
    "cjson", "bit", "struct", "select", "pairs", "next", "redlua_int", "redlua_arg_int", "redlua_", "fn_f", "fn_g",
    "f", "g", "i", "_u41", "caf_ue9", "café", "ǅ", "变量", "x_2", "x", "local_", "end_", "end_2", "r#type",
    "r#match", "r#loop", "r#end", "_", "__index", "self_", "Self_", "t", "v", "n",
];

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(ODD_NAMES).prop_map(str::to_string),
        1 => "[a-z_][a-z0-9_]{0,6}",
        1 => "\\p{XID_Start}\\p{XID_Continue}{0,3}",
    ]
    .prop_filter("a Rust identifier", |s| s != "_" && !RUST_KEYWORDS.contains(&s.as_str()))
}

/// Strict and reserved keywords of Rust 2021 (usable only as raw identifiers).
const RUST_KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in", "let",
    "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do",
    "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Five distinct names (distinct in Rust: `r#end` and `end` are the same name).
fn names() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(name(), 5).prop_filter("distinct names", |v| {
        let plain: std::collections::BTreeSet<&str> = v.iter().map(|s| s.trim_start_matches("r#")).collect();
        plain.len() == v.len()
    })
}

#[test]
fn any_identifiers_compile_to_working_lua() {
    let (_server, con) = server();
    let con = std::cell::RefCell::new(con);
    let compiled = std::cell::Cell::new(0);
    runner(300)
        .run(&(names(), -1000i64..1000, "[ -~]{0,8}"), |(ns, a, b)| {
            let [p, q, c, d, e] = [&ns[0], &ns[1], &ns[2], &ns[3], &ns[4]];
            let item = format!(
                "mod idents {{ use redlua::prelude::*;
                  fn helper(x: i64) -> i64 {{ x + 1 }}
                  #[redis_function] pub fn f({p}: i64, {q}: String) -> (i64, String, i64) {{
                      let {c} = {p} * 2;
                      let {d} = format!(\"{{}}-{{}}\", {q}, {c});
                      let mut {e} = 0;
                      for loop_index in 0..3 {{ let {p} = loop_index; {e} += {p}; }}
                      (helper({c}), {d}, {e})
                  }}
                }}"
            );
            let lib = match redlua_compiler::compile_library("name = \"idents\"".parse().unwrap(), item.parse().unwrap()) {
                Ok(lib) => lib,
                Err(d) => return Err(TestCaseError::fail(format!("refused valid names {ns:?}: {}", d.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("; ")))),
            };
            compiled.set(compiled.get() + 1);
            let con = &mut *con.borrow_mut();
            redis::cmd("FUNCTION").arg("LOAD").arg("REPLACE").arg(&lib.lua).exec(con).map_err(|e| TestCaseError::fail(format!("{ns:?}: the server refused the Lua: {e}\n{}", lib.lua)))?;
            let got: (i64, String, i64) = redis::cmd("FCALL").arg("f").arg(0).arg(a).arg(&b).query(con).map_err(|e| TestCaseError::fail(format!("{ns:?}: {e}\n{}", lib.lua)))?;
            prop_assert_eq!(got, (2 * a + 1, format!("{b}-{}", 2 * a), 3), "names {:?}\n{}", ns, lib.lua);
            Ok(())
        })
        .unwrap();
    eprintln!("injection: {} libraries with random identifiers loaded and ran", compiled.get());
}

/// A local named like the Lua name of a helper (`h_<helper>`) must not hide the helper.
#[redlua::library(name = "inject_helper")]
pub mod inject_helper {
    use redlua::prelude::*;

    fn helper(a: i64) -> i64 {
        a + 1
    }

    #[redis_function(read_only)]
    pub fn shadow(h_helper: i64) -> i64 {
        helper(h_helper)
    }
}

#[test]
fn a_local_named_like_a_helper_does_not_hide_it() {
    let (_server, mut con) = server();
    assert_eq!(redlua::twin::run(&mut con, || inject_helper::twin::shadow(1)), 2);
    assert_eq!(inject_helper::shadow(1).call(&mut con).unwrap(), 2);
}

/// A keyword as a raw identifier parameter stays raw in the stub and the twin.
#[redlua::library(name = "inject_raw")]
pub mod inject_raw {
    use redlua::prelude::*;

    #[redis_function(read_only)]
    pub fn kind(r#type: String, r#match: i64) -> String {
        format!("{}:{}", r#type, r#match + 1)
    }
}

#[test]
fn a_raw_identifier_parameter_works() {
    let (_server, mut con) = server();
    assert_eq!(redlua::twin::run(&mut con, || inject_raw::twin::kind("hash".into(), 1)), "hash:2");
    assert_eq!(inject_raw::kind("hash", 1).call(&mut con).unwrap(), "hash:2");
}

// ---------------------------------------------------------------------------------------
// Names Redis refuses.

fn library_error(attr: &str, item: &str) -> Vec<String> {
    match redlua_compiler::compile_library(attr.parse().unwrap(), item.parse().unwrap()) {
        Ok(_) => Vec::new(),
        Err(d) => d.iter().map(|d| format!("{}: {}", d.rule.name(), d.message)).collect(),
    }
}

#[test]
fn library_names_redis_refuses_are_compile_errors() {
    let (_server, mut con) = server();
    let item = "mod m { use redlua::prelude::*; #[redis_function] pub fn f() -> i64 { 1 } }";
    for name in ["", "a b", "a-b", "a.b", "x]]", "a'b", "a\\nb", "a\\0b", "é", "lib\\n#!lua name=x", "name=x"] {
        // What the server says about a library of this name.
        let code = format!("#!lua name={}\nredis.register_function('probe_f', function() return 1 end)", name.replace("\\n", "\n").replace("\\0", "\0"));
        let server: redis::RedisResult<String> = redis::cmd("FUNCTION").arg("LOAD").arg("REPLACE").arg(&code).query(&mut con);
        let _: redis::RedisResult<()> = redis::cmd("FUNCTION").arg("FLUSH").query(&mut con);
        let errors = library_error(&format!("name = \"{name}\""), item);
        assert!(errors.iter().any(|e| e.starts_with("invalid-name:")), "library name {name:?}: the server says {server:?}, redlua gives {errors:?}");
    }
    for name in ["a", "A_1", "_", "123", "lib_2"] {
        assert!(library_error(&format!("name = \"{name}\""), item).is_empty(), "{name:?} is a valid name");
    }
}

#[test]
fn function_names_differing_only_in_case_are_compile_errors() {
    let item = "mod m { use redlua::prelude::*;
        #[redis_function] pub fn total() -> i64 { 1 }
        #[redis_function] pub fn Total() -> i64 { 2 }
    }";
    let errors = library_error("name = \"cases\"", item);
    if errors.is_empty() {
        // Show what the server does with the generated library.
        let (_server, mut con) = server();
        let lua = redlua_compiler::compile_library("name = \"cases\"".parse().unwrap(), item.parse().unwrap()).unwrap().lua;
        redis::cmd("FUNCTION").arg("LOAD").arg(&lua).exec(&mut con).unwrap();
        let lower: i64 = redis::cmd("FCALL").arg("total").arg(0).query(&mut con).unwrap();
        let upper: i64 = redis::cmd("FCALL").arg("Total").arg(0).query(&mut con).unwrap();
        panic!("compiled; on the server `FCALL total` replies {lower} and `FCALL Total` replies {upper}: one function is unreachable");
    }
    assert!(errors.iter().any(|e| e.starts_with("invalid-name:")), "{errors:?}");
}
