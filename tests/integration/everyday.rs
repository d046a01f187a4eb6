//! Differential tests of the everyday Rust that ports reach for (`unwrap`, `expect`,
//! `map_or`, constants, `matches!`, `{:?}`, the iterator adapters that stop or skip on a
//! condition, ...): each function runs as generated Lua on a real server and as its
//! native twin, on the same inputs, and the two must agree: the reply, the keyspace, and
//! the trace of the commands that closures send (`rpush(&log, ..)`), which proves that
//! they run in Rust's order and as many times.

use redlua::prelude::*;
use redlua::testing::TestServer;
use redlua_tests::try_twin;

#[redlua::library(name = "everyday")]
pub mod everyday {
    use redlua::prelude::*;

    /// `unwrap` and `expect` of an option read from a key: the value, or a panic (an
    /// error reply naming the Rust line) after the first command and before the second.
    #[redis_function]
    pub fn unwraps(k: Key, log: Key, expect: bool) -> i64 {
        let x = get::<i64>(&k);
        rpush(&log, "before");
        let v = if expect { x.expect("the counter is set") } else { x.unwrap() /* unwrap here */ };
        rpush(&log, "after");
        v + 1
    }

    /// `expect` with a message computed at run time.
    #[redis_function(read_only)]
    pub fn expect_computed(k: Key, what: String) -> String {
        get::<String>(&k).expect(&format!("{what} is missing"))
    }

    /// `map_or`: the default is computed first (its command runs whatever the option),
    /// then the closure, only for `Some`.
    #[redis_function]
    pub fn map_or_order(k: Key, log: Key) -> i64 {
        let x = get::<i64>(&k);
        let plain = x.map_or(-1, |v| v * 2);
        let traced = x.map_or(
            {
                rpush(&log, "default");
                0
            },
            |v| {
                rpush(&log, format!("closure {v}"));
                v + 1
            },
        );
        plain * 1000 + traced
    }

    /// `map_or_else`: exactly one of the two closures runs.
    #[redis_function]
    pub fn map_or_else_order(k: Key, log: Key) -> String {
        get::<String>(&k).map_or_else(
            || {
                rpush(&log, "none");
                "nothing".to_string()
            },
            |s| {
                rpush(&log, "some");
                format!("<{s}>")
            },
        )
    }
}

/// The reply or error of the Lua and of the twin, and the log each left.
fn log_of(con: &mut redis::Connection, key: &str) -> Vec<String> {
    redis::cmd("LRANGE").arg(key).arg(0).arg(-1).query(con).unwrap()
}

/// The 1-based line of the first line of this file that contains `marker`.
fn line_of(marker: &str) -> usize {
    include_str!("everyday.rs").lines().position(|l| l.contains(marker)).expect("marker in the source") + 1
}

#[test]
fn unwrap_and_expect_panic_as_rust_does() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for expect in [false, true] {
        for stored in [None, Some(41)] {
            redis::cmd("FLUSHALL").query::<()>(&mut con).unwrap();
            if let Some(n) = stored {
                redis::cmd("SET").arg("lua:k").arg(n).query::<()>(&mut con).unwrap();
                redis::cmd("SET").arg("rust:k").arg(n).query::<()>(&mut con).unwrap();
            }
            let lua = everyday::unwraps("lua:k", "lua:log", expect).call(&mut con);
            let rust = try_twin(&mut con, || everyday::twin::unwraps(Key::from("rust:k"), Key::from("rust:log"), expect));
            match (lua, rust) {
                (Ok(l), Ok(r)) => assert_eq!((l, r), (42, 42)),
                (Err(redlua::Error::Script { message, location }), Err(panic)) => {
                    assert!(stored.is_none());
                    // The panic's own message, and where it happened.
                    assert!(message.contains(&format!("redlua: {panic} at everyday.rs:")), "{message} / {panic}");
                    let want = if expect { "the counter is set" } else { "called `Option::unwrap()` on a `None` value" };
                    assert_eq!(panic, want);
                    let line = line_of(if expect { "x.expect(" } else { "/* unwrap here */" });
                    let col = include_str!("everyday.rs").lines().nth(line - 1).unwrap().find(if expect { "expect(" } else { "unwrap()" }).unwrap() + 1;
                    assert!(message.contains(&format!("at everyday.rs:{line}:{col}")), "{message}");
                    assert_eq!(location.map(|l| l.to_string()), Some(format!("everyday.rs:{line}")));
                }
                (l, r) => panic!("unwraps({expect}, {stored:?}): lua {l:?} vs rust {r:?}"),
            }
            assert_eq!(log_of(&mut con, "lua:log"), log_of(&mut con, "rust:log"));
            assert_eq!(log_of(&mut con, "lua:log").len(), if stored.is_some() { 2 } else { 1 });
        }
    }
    redis::cmd("SET").arg("k").arg("v").query::<()>(&mut con).unwrap();
    assert_eq!(everyday::expect_computed("k", "the name").call(&mut con).unwrap(), "v");
    let Err(redlua::Error::Script { message, .. }) = everyday::expect_computed("nope", "the name").call(&mut con) else { panic!() };
    let panic = try_twin(&mut con, || everyday::twin::expect_computed(Key::from("nope"), "the name".into())).unwrap_err();
    assert_eq!(panic, "the name is missing");
    assert!(message.contains("redlua: the name is missing at everyday.rs:"), "{message}");
}

#[test]
fn map_or_and_map_or_else_run_in_rusts_order() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for stored in [None, Some(-3), Some(7)] {
        redis::cmd("FLUSHALL").query::<()>(&mut con).unwrap();
        if let Some(n) = stored {
            for k in ["lua:k", "rust:k"] {
                redis::cmd("SET").arg(k).arg(n).query::<()>(&mut con).unwrap();
            }
        }
        let lua = everyday::map_or_order("lua:k", "lua:log").call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || everyday::twin::map_or_order(Key::from("rust:k"), Key::from("rust:log")));
        assert_eq!(lua, rust, "{stored:?}");
        let log = log_of(&mut con, "lua:log");
        assert_eq!(log, log_of(&mut con, "rust:log"));
        assert_eq!(log[0], "default", "the default first: {log:?}");
        assert_eq!(log.len(), 1 + usize::from(stored.is_some()));
        let lua = everyday::map_or_else_order("lua:k", "lua:log2").call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || everyday::twin::map_or_else_order(Key::from("rust:k"), Key::from("rust:log2")));
        assert_eq!(lua, rust);
        assert_eq!(log_of(&mut con, "lua:log2"), log_of(&mut con, "rust:log2"));
        assert_eq!(log_of(&mut con, "lua:log2").len(), 1);
    }
}
