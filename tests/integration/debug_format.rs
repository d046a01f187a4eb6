//! Differential tests of `{:?}` and `{:#?}`: every Unicode scalar value through `{:?}` of
//! a `String` parameter, floats on edge values and random bits, and nested `Option`s,
//! `Vec`s, tuples, structs and enums; each reply is compared with the native twin and
//! with Rust's own `format!`.

use redlua::prelude::Key;
use redlua::testing::TestServer;
use redlua_tests::try_twin;

#[redlua::library(name = "debug_fmt")]
pub mod debug_fmt {
    use redlua::prelude::*;

    #[derive(Clone, PartialEq, Debug)]
    pub struct Item {
        pub name: String,
        pub qty: i64,
        pub price: Option<f64>,
        pub tags: Vec<String>,
    }

    #[derive(Clone, PartialEq, Debug)]
    pub enum Cmd {
        Add(i64),
        Set { key: String, v: f64 },
        Pair(i64, String),
        Clear,
    }

    #[derive(Clone, Copy, PartialEq, Debug)]
    pub enum State {
        Idle,
        Running,
    }

    /// `{:?}` of a string parameter.
    #[redis_function(read_only)]
    pub fn text(s: String) -> String {
        format!("{:?}", s)
    }

    /// `{:?}` and `{:#?}` of a float, and of a `&str` slice of a string.
    #[redis_function(read_only)]
    pub fn float(x: f64) -> (String, String) {
        (format!("{x:?}"), format!("<{:#?}>", x))
    }

    /// Nested values, compact and pretty.
    #[redis_function(read_only)]
    pub fn nested(x: f64, flag: bool, n: i64, names: Vec<String>) -> Vec<String> {
        let o = if n >= 0 { Some(n) } else { None };
        let xs: Vec<i64> = names.iter().map(|s| s.len() as i64 * n).collect();
        let opts: Vec<(i64, Option<String>)> = names.iter().map(|n| (n.len() as i64, if n.len() % 2 == 0 { Some(n.clone()) } else { None })).collect();
        let floats: Vec<f64> = xs.iter().map(|n| *n as f64 / 4.0).collect();
        let pair = (o, names.first().cloned());
        let one = (x,);
        let item = Item { name: names.join("/"), qty: xs.len() as i64, price: if flag { Some(x) } else { None }, tags: names.clone() };
        let empty: Vec<i64> = Vec::new();
        let nested: Vec<Vec<i64>> = vec![xs.clone(), empty, xs.iter().rev().cloned().collect()];
        let cmds = vec![Cmd::Add(o.unwrap_or(-1)), Cmd::Set { key: "k\"1".to_string(), v: x }, Cmd::Pair(3, "p".to_string()), Cmd::Clear];
        let states = vec![State::Idle, State::Running];
        let opt_item: Option<Item> = if flag { Some(item.clone()) } else { None };
        vec![
            format!("{:?} {:?} {:?}", xs, names, o),
            format!("{opts:?} {floats:?} {pair:?} {one:?}"),
            format!("{:?}", item),
            format!("{:?} {:?} {:?}", nested, cmds, states),
            format!("{:#?}", item),
            format!("{:#?}", (pair, nested)),
            format!("{:#?} {:#?} {:#?}", cmds, opts, one),
            format!("{:?} {:#?} {:?}", opt_item, opt_item, flag),
            format!("{:#?} {:?}", State::Running, Some(State::Idle)),
        ]
    }

    /// A `Vec<Option<String>>` (`None` is `false` inside the Lua array) and an
    /// `Option<bool>`.
    #[redis_function(read_only)]
    pub fn many(h: Key, fields: Vec<String>) -> String {
        let vals = hmget(&h, &fields);
        let b: Option<bool> = if vals.len() > 1 { Some(vals[0].is_some()) } else { None };
        format!("{:?} {:#?} {:?} {:?}", vals, vals, b, (b, fields.len() > 2))
    }

    /// `{:?}` in a rejection's message.
    #[redis_function(read_only)]
    pub fn refuse(name: String, n: i64) -> Result<i64, Reject> {
        if n > 0 {
            return Err(reject!("no such item: {:?} ({:?})", name, Some(n)));
        }
        Ok(n)
    }
}

/// Every scalar value from `from` (inclusive) to `to` (exclusive), as one string.
fn chars(from: u32, to: u32) -> String {
    (from..to).filter_map(char::from_u32).collect()
}

#[test]
fn every_unicode_scalar_value_is_escaped_as_rust_does() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    // ASCII alone, then every code point in chunks (each chunk also after a combining
    // mark and before a quote, so that escapes sit next to escapes and plain text).
    let ascii = chars(0, 128);
    assert_eq!(debug_fmt::text(ascii.clone()).call(&mut con).unwrap(), format!("{ascii:?}"));
    let step = 8192;
    let mut from = 0;
    while from < 0x110000 {
        let s = format!("\u{301}{}\"", chars(from, from + step));
        let lua = debug_fmt::text(s.clone()).call(&mut con).unwrap();
        assert!(lua == format!("{s:?}"), "U+{from:04X}..: {:?}", lua.chars().zip(format!("{s:?}").chars()).position(|(a, b)| a != b));
        from += step;
    }
    for s in ["", "plain", "it's \"quoted\"\\", "tab\there\r\n\0end", "é中😀\u{200d}\u{feff}\u{7f}\u{85}\u{a0}", "a\u{301}\u{301}"] {
        let lua = debug_fmt::text(s.to_string()).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || debug_fmt::twin::text(s.to_string()));
        assert_eq!(lua, rust);
        assert_eq!(lua, format!("{s:?}"));
    }
}

#[test]
fn a_string_that_is_not_utf8_is_an_error_not_a_wrong_text() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    debug_fmt::text("load".to_string()).call(&mut con).unwrap();
    // Another client sends bytes no Rust String holds.
    let e = redis::cmd("FCALL").arg("text").arg(0).arg(b"a\xff\"".as_slice()).query::<redis::Value>(&mut con).unwrap_err();
    assert!(e.to_string().contains("{:?} of a String that is not UTF-8"), "{e}");
}

#[test]
fn floats_are_written_as_rust_debug_writes_them() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let mut xs = vec![
        0.0, -0.0, 1.0, -1.0, 0.1, 0.3, 0.1 + 0.2, 1e15, 1e16, 9999999999999998.0, 1e16 - 2.0, 1e-4, 0.00009999999999999999, 1e-5, 1e-7, 1.5e300, 5e-324,
        f64::MAX, f64::MIN, f64::MIN_POSITIVE, f64::EPSILON, 123456.789, -923815308178563.25, 2f64.powi(53), 2f64.powi(63), 1e21, 1e22, 1.0 / 3.0,
        f64::INFINITY, f64::NEG_INFINITY, f64::NAN,
    ];
    // Random bit patterns (a fixed xorshift), NaNs and subnormals included.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..600 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        xs.push(f64::from_bits(state));
    }
    for x in xs {
        let lua = debug_fmt::float(x).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || debug_fmt::twin::float(x));
        assert_eq!(lua, rust, "{:#x}", x.to_bits());
        assert_eq!(lua.0, format!("{x:?}"), "{:#x}", x.to_bits());
    }
}

#[test]
fn nested_values_agree_with_the_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let cases: Vec<(f64, bool, i64, Vec<&str>)> = vec![
        (0.0, false, -1, vec![]),
        (2.5, true, 7, vec!["ab", "c", "d\"e\n"]),
        (1e20, true, -3, vec!["é中"]),
        (-0.0, false, 0, vec!["", "xy"]),
        (f64::NAN, true, 1, vec!["tab\t", "\u{301}"]),
    ];
    for (x, flag, n, names) in cases {
        let names: Vec<String> = names.into_iter().map(String::from).collect();
        let lua = debug_fmt::nested(x, flag, n, names.clone()).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || debug_fmt::twin::nested(x, flag, n, names.clone()));
        assert_eq!(lua, rust, "{x} {flag} {n} {names:?}");
    }
    // One case spelled out, to show the text.
    let lua = debug_fmt::nested(0.5, true, 2, vec!["ab".to_string()]).call(&mut con).unwrap();
    assert_eq!(lua[0], r#"[4] ["ab"] Some(2)"#);
    assert_eq!(lua[2], r#"Item { name: "ab", qty: 1, price: Some(0.5), tags: ["ab"] }"#);
    assert_eq!(lua[4], "Item {\n    name: \"ab\",\n    qty: 1,\n    price: Some(\n        0.5,\n    ),\n    tags: [\n        \"ab\",\n    ],\n}");
}

#[test]
fn a_vec_of_options_and_an_option_of_bool() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    redis::cmd("HSET").arg("h").arg("a").arg("1").arg("b").arg("x\ty").query::<()>(&mut con).unwrap();
    for fields in [vec!["a"], vec!["zz", "a"], vec!["a", "nope", "b"], vec!["nope", "a", "b"]] {
        let fields: Vec<String> = fields.into_iter().map(String::from).collect();
        let lua = debug_fmt::many("h", fields.clone()).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || debug_fmt::twin::many(Key::from("h"), fields.clone()));
        assert_eq!(lua, rust, "{fields:?}");
    }
    let lua = debug_fmt::many("h", vec!["zz".to_string(), "b".to_string()]).call(&mut con).unwrap();
    assert_eq!(lua, "[None, Some(\"x\\ty\")] [\n    None,\n    Some(\n        \"x\\ty\",\n    ),\n] Some(false) (Some(false), false)");
}

#[test]
fn a_rejection_formats_with_debug() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for (name, n) in [("pen\n", 2), ("x", 0)] {
        let lua = debug_fmt::refuse(name.to_string(), n).call(&mut con).map_err(|e| match e {
            redlua::Error::Rejected { message } => format!("REJECT {message}"),
            other => format!("error {other}"),
        });
        let rust = match try_twin(&mut con, || debug_fmt::twin::refuse(name.to_string(), n)) {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(rej)) => Err(format!("{} {}", rej.code(), rej.message())),
            Err(panic) => Err(format!("panic {panic}")),
        };
        assert_eq!(lua, rust);
    }
    let e = debug_fmt::refuse("pen".to_string(), 2).call(&mut con).unwrap_err();
    assert!(e.to_string().contains(r#"no such item: "pen" (Some(2))"#), "{e}");
}
