//! Differential tests of Lua's numbers for ports of hand-written scripts: `lua_tonumber`
//! (Lua's `tonumber`), `lua_tostring` (`%.14g`, what `..` writes), `lua_arg` (a number
//! passed to a command as `redis.call` sends it, converted by the server) and `LuaNumber`
//! parameters, against the native twin on a real server, over edge inputs.

use redlua::prelude::*;
use redlua::testing::TestServer;

#[redlua::library(name = "luanum")]
pub mod luanum {
    use redlua::prelude::*;

    /// `tonumber(s)`: the number as Rust prints it and as Lua writes it.
    #[redis_function]
    pub fn read(s: String) -> Option<(String, String)> {
        let x = lua_tonumber(&s)?;
        Some((x.to_string(), lua_tostring(x)))
    }

    /// The number read from `s`, sent to SET, RPUSH and HSET as `redis.call` sends a Lua
    /// number: what the server stored.
    #[redis_function]
    pub fn send(k: Key, l: Key, h: Key, s: String) -> Option<(Option<String>, Vec<String>, Option<String>)> {
        let x = lua_tonumber(&s)?;
        set(&k, lua_arg(x));
        call!("RPUSH", &l, lua_arg(x), lua_arg(x * 3.0), lua_arg(-x));
        let args = vec![lua_arg(x / 7.0), lua_arg(0.0 - x)];
        call!("RPUSH", &l, ..args);
        hset(&h, "f", lua_arg(x + 0.5));
        Some((get::<String>(&k), lrange(&l, 0, -1), hget::<String>(&h, "f")))
    }

    /// `lua_arg` as the value of the typed commands that take several values (LPUSH,
    /// RPUSH, SADD): one argument, sent as `redis.call` sends the number.
    #[redis_function]
    pub fn push_typed(l: Key, s: Key, x: LuaNumber) -> (i64, Vec<String>, Vec<String>) {
        lpush(&l, lua_arg(x.0));
        let n = rpush(&l, lua_arg(x.0 / 3.0));
        sadd(&s, lua_arg(-x.0));
        (n, lrange(&l, 0, -1), smembers(&s))
    }

    /// Two `LuaNumber` arguments: their sum written as Lua writes it, and stored as
    /// `redis.call` sends it.
    #[redis_function]
    pub fn sum(k: Key, a: LuaNumber, b: LuaNumber) -> (String, String, Option<String>) {
        let s = a.0 + b.0;
        set(&k, lua_arg(s));
        (s.to_string(), lua_tostring(s), get::<String>(&k))
    }
}

/// Edge texts for `tonumber`: white space, hex, exponents, infinities and NaNs in their
/// C spellings, overflow and underflow, what Lua refuses.
const TEXTS: &[&str] = &[
    " 7 ", "\t-7\n", "7", "+7", "-0", "0", "0x1F", "0X1f", "-0x10", " 0x1p4 ", "0x1.8p1", "0x.8", "0x", "0xg", "1e3", "1E+3", "1e-5",
    "1e", "1e+", ".5", "5.", ".", "-.5e1", "inf", "-inf", "INF", "Infinity", "-infinity", "infin", "nan", "-nan", "NaN", "nan(12)",
    "nan(", "1e400", "-1e400", "1e-400", "4.9e-324", "", " ", "7abc", "1 2", "9007199254740993", "9007199254740992", "0.1",
    "0.30000000000000004", "123456789012345678", "1e16", "1e17", "100", "-1.5e-7", "0x1FFFFFFFFFFFFF1", "1e308", "2.5e-310",
    "0.1e1", "1_000", "١", "7\u{b}", "\u{c}7\r",
];

#[test]
fn tonumber_and_tostring_agree_with_the_twin() {
    let server = TestServer::start().unwrap();
    let mut con = server.connection().unwrap();
    for s in TEXTS {
        let lua = luanum::read(*s).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || luanum::twin::read(s.to_string()));
        assert_eq!(lua, rust, "tonumber({s:?})");
    }
    // Some of these facts, spelled out (checked on Redis 7.0.15).
    let read = |con: &mut redis::Connection, s: &str| luanum::read(s).call(con).unwrap();
    assert_eq!(read(&mut con, " 0x1F "), Some(("31".to_string(), "31".to_string())));
    assert_eq!(read(&mut con, "9007199254740993"), Some(("9007199254740992".to_string(), "9.007199254741e+15".to_string())));
    assert_eq!(read(&mut con, "-nan"), Some(("NaN".to_string(), "-nan".to_string())));
    assert_eq!(read(&mut con, "1e400"), Some(("inf".to_string(), "inf".to_string())));
    assert_eq!(read(&mut con, "-0"), Some(("-0".to_string(), "-0".to_string())));
    assert_eq!(read(&mut con, "7abc"), None);
    assert_eq!(read(&mut con, ""), None);
}

#[test]
fn lua_numbers_reach_commands_as_redis_call_sends_them() {
    let server = TestServer::start().unwrap();
    let mut con = server.connection().unwrap();
    for (i, s) in TEXTS.iter().enumerate() {
        let (k, l, h) = (format!("lua:k{i}"), format!("lua:l{i}"), format!("lua:h{i}"));
        let lua = luanum::send(k.as_str(), l.as_str(), h.as_str(), *s).call(&mut con).unwrap();
        let (rk, rl, rh) = (format!("rust:k{i}"), format!("rust:l{i}"), format!("rust:h{i}"));
        let rust = redlua::twin::run(&mut con, || luanum::twin::send(Key::from(rk.as_str()), Key::from(rl.as_str()), Key::from(rh.as_str()), s.to_string()));
        assert_eq!(lua, rust, "send({s:?})");
    }
    // Redis 7.0 writes a Lua number with %.17g, and keeps -0; Valkey writes the shortest
    // text that reads back, and no -0.
    let valkey = redis::cmd("INFO").arg("server").query::<String>(&mut con).unwrap().contains("valkey_version");
    let got = luanum::send("a", "b", "c", "0.1").call(&mut con).unwrap().unwrap();
    assert_eq!(got.0.as_deref(), Some(if valkey { "0.1" } else { "0.10000000000000001" }));
    let got = luanum::send("d", "e", "f", "-0").call(&mut con).unwrap().unwrap();
    assert_eq!(got.0.as_deref(), Some(if valkey { "0" } else { "-0" }));
    assert_eq!(got.1[2], "0");
}

#[test]
fn lua_number_parameters_agree_with_the_twin() {
    let server = TestServer::start().unwrap();
    let mut con = server.connection().unwrap();
    let pairs: &[(&str, &str)] = &[("0.1", "0.2"), (" 7 ", "0x1F"), ("1e3", "-inf"), ("inf", "-inf"), ("-0", "-0"), ("9007199254740992", "1"), ("1e400", "1"), ("-nan", "1")];
    for (i, (a, b)) in pairs.iter().enumerate() {
        let lua = luanum::sum(format!("lua:{i}").as_str(), *a, *b).call(&mut con).unwrap();
        let (x, y) = (LuaNumber::parse(a).unwrap(), LuaNumber::parse(b).unwrap());
        let rust = redlua::twin::run(&mut con, || luanum::twin::sum(Key::from(format!("rust:{i}").as_str()), x, y));
        assert_eq!(lua, rust, "sum({a:?}, {b:?})");
    }
    let got = luanum::sum("s", "0.1", "0.2").call(&mut con).unwrap();
    assert_eq!(got, ("0.30000000000000004".to_string(), "0.3".to_string(), Some("0.30000000000000004".to_string())));
    // A text tonumber refuses fails the call, and the twin cannot be given it.
    for bad in ["7abc", "", "0x", "1e"] {
        let err = luanum::sum("s", "1", bad).call(&mut con).unwrap_err().to_string();
        assert!(err.contains("argument b must be a number as Lua's tonumber reads it"), "{bad:?}: {err}");
        assert_eq!(LuaNumber::parse(bad), None);
    }
}

#[test]
fn lua_arg_reaches_the_typed_commands_of_several_values() {
    let server = TestServer::start().unwrap();
    let mut con = server.connection().unwrap();
    for (i, text) in ["0.1", "-0", "1e300", " 0x1F ", "inf", "9007199254740993"].iter().enumerate() {
        let lua = luanum::push_typed(format!("lua:l{i}").as_str(), format!("lua:s{i}").as_str(), *text).call(&mut con).unwrap();
        let x = LuaNumber::parse(text).unwrap();
        let rust = redlua::twin::run(&mut con, || luanum::twin::push_typed(Key::from(format!("rust:l{i}").as_str()), Key::from(format!("rust:s{i}").as_str()), x));
        assert_eq!(lua, rust, "push_typed({text:?})");
        assert_eq!(lua.0, 2);
    }
    let valkey = redis::cmd("INFO").arg("server").query::<String>(&mut con).unwrap().contains("valkey_version");
    let (_, list, set) = luanum::push_typed("l", "s", "0.1").call(&mut con).unwrap();
    if !valkey {
        assert_eq!(list, ["0.10000000000000001", "0.033333333333333333"]);
        assert_eq!(set, ["-0.10000000000000001"]);
    }
}
