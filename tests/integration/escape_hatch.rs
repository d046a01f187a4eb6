//! `call!` and `try_call!`: any command of the server's table, checked at compile time,
//! compared with the native twin on a real server.

use redlua::prelude::*;
use redlua::testing::TestServer;

#[redlua::library(name = "escape")]
pub mod escape {
    use redlua::prelude::*;

    /// Commands without a typed form, through `call!`: OBJECT ENCODING-free, portable ones.
    #[redis_function]
    pub fn bump_field(hash: Key, field: String, by: i64) -> (i64, Option<String>, bool, Option<i64>) {
        let n = call!("HINCRBY", &hash, &field, by).as_int().unwrap_or(-1);
        let len = call!("HSTRLEN", &hash, &field);
        let renamed = call!("SET", &hash, "x", "NX");
        let missing = call!("HGET", &hash, "no-such-field");
        (n, len.as_string(), missing.is_nil(), if renamed.is_ok() { Some(1) } else { len.as_int() })
    }

    /// `try_call!`: a WRONGTYPE error comes back as a value instead of aborting.
    #[redis_function]
    pub fn safe_incr(key: Key) -> (bool, String) {
        match try_call!("INCR", &key) {
            Ok(v) => (true, v.as_int().unwrap_or(0).to_string()),
            Err(e) => (false, e),
        }
    }

    /// A `Value` returned as it is: the client receives the original reply.
    #[redis_function(read_only)]
    pub fn raw_range(list: Key, n: i64) -> redlua::Value {
        call!("LRANGE", &list, 0, n)
    }
}

#[test]
fn call_and_try_call_agree_with_their_twins() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for (i, by) in [1, -5, 0, 100].into_iter().enumerate() {
        let field = format!("f{}", i % 2);
        let lua = escape::bump_field("lua:h", &field, by).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || escape::twin::bump_field(Key::from("rust:h"), field.clone(), by));
        assert_eq!(lua, rust, "bump_field({field}, {by})");
    }
    redis::cmd("SET").arg("lua:s").arg("text").exec(&mut con).unwrap();
    redis::cmd("SET").arg("rust:s").arg("text").exec(&mut con).unwrap();
    for _ in 0..2 {
        let lua = escape::safe_incr("lua:s").call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || escape::twin::safe_incr(Key::from("rust:s")));
        assert_eq!(lua, rust);
        assert!(!lua.0 && lua.1.starts_with("ERR"), "{lua:?}");
        let lua = escape::safe_incr("lua:n").call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || escape::twin::safe_incr(Key::from("rust:n")));
        assert_eq!(lua, rust);
        assert!(lua.0);
    }
    redis::cmd("HSET").arg("lua:wrong").arg("a").arg("1").exec(&mut con).unwrap();
    redis::cmd("HSET").arg("rust:wrong").arg("a").arg("1").exec(&mut con).unwrap();
    let lua = escape::safe_incr("lua:wrong").call(&mut con).unwrap();
    let rust = redlua::twin::run(&mut con, || escape::twin::safe_incr(Key::from("rust:wrong")));
    assert_eq!(lua, rust);
    assert!(lua.1.starts_with("WRONGTYPE"), "{lua:?}");

    redis::cmd("RPUSH").arg("lua:l").arg("a").arg("b").arg("c").exec(&mut con).unwrap();
    let v = escape::raw_range("lua:l", 1).call(&mut con).unwrap();
    assert_eq!(v, redlua::Value::Array(vec![redlua::Value::Bytes(b"a".to_vec()), redlua::Value::Bytes(b"b".to_vec())]));
    let v = escape::raw_range("lua:none", 1).call(&mut con).unwrap();
    assert_eq!(v, redlua::Value::Array(vec![]));
}
