//! Property-based differential tests: proptest generates the inputs, and for each one
//! the generated Lua (on a real server) and the native twin must give the same reply
//! and leave the same data.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use redlua::prelude::*;
use redlua::testing::TestServer;

#[redlua::library(name = "props")]
pub mod props {
    use redlua::prelude::*;

    /// Integer semantics: `/` and `%` with Rust's signs, comparisons, `match` on ranges,
    /// loops with `continue`, `abs`/`min`/`max`/`pow`.
    #[redis_function(read_only)]
    pub fn ints(a: i64, b: i64) -> (Option<i64>, Option<i64>, i64, String, i64) {
        let q = if b == 0 { None } else { Some(a / b) };
        let r = if b == 0 { None } else { Some(a % b) };
        let class = match a {
            i64::MIN..=-1 => "negative".to_string(),
            0 => "zero".to_string(),
            1..=9 => format!("digit {a}"),
            _ => format!("big {}", a % 1000),
        };
        let mut odd_sum = 0;
        for i in 0..(b.abs() % 50) {
            if i % 2 == 0 {
                continue;
            }
            odd_sum += i;
        }
        let small = (a % 100).abs().min(12).max(0);
        (q, r, odd_sum, class, small.pow(3))
    }

    /// Strings and their effects on the server.
    #[redis_function]
    pub fn text(counter: Key, last: Key, s: String, n: i64) -> (i64, i64, bool, Option<String>) {
        let parsed = s.trim().parse::<i64>().unwrap_or(n);
        let count = incr(&counter);
        set(&last, format!("{s}|{n}|{count}"));
        (parsed, count, s.contains(","), get::<String>(&last))
    }
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() })
}

#[test]
fn integer_semantics_match_rust() {
    let server = TestServer::start().expect("redis-server must be installed");
    let con = std::cell::RefCell::new(server.connection().unwrap());
    let limit = (1i64 << 53) - 1;
    let edge = prop_oneof![Just(0i64), Just(1), Just(-1), Just(limit), Just(-limit), Just(7), Just(-7)];
    let int = prop_oneof![edge.clone(), -limit..=limit, -1000i64..1000];
    runner(2000)
        .run(&(int.clone(), int), |(a, b)| {
            let con = &mut *con.borrow_mut();
            let lua = props::ints(a, b).call(con).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let rust = redlua::twin::run(con, || props::twin::ints(a, b));
            prop_assert_eq!(lua, rust);
            Ok(())
        })
        .unwrap();
}

#[test]
fn strings_and_effects_match_rust() {
    let server = TestServer::start().expect("redis-server must be installed");
    let con = std::cell::RefCell::new(server.connection().unwrap());
    // Integers stay within ±(2^53 - 1): beyond it the Lua raises an error where Rust
    // parses (tested in language.rs).
    let text = prop_oneof![Just(String::new()), "[ -~]{0,12}", "\\PC{0,6}", "[ \\t]*[+-]?[0-9]{1,15}[ \\t]*"];
    runner(1000)
        .run(&(text, -100i64..100), |(s, n)| {
            let con = &mut *con.borrow_mut();
            let lua = props::text("lua:n", "lua:last", &s, n).call(con).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let rust = redlua::twin::run(con, || props::twin::text(Key::from("rust:n"), Key::from("rust:last"), s.clone(), n));
            prop_assert_eq!(lua, rust);
            Ok(())
        })
        .unwrap();
    let con = &mut *con.borrow_mut();
    let a: (i64, String) = (redis::cmd("GET").arg("lua:n").query(con).unwrap(), redis::cmd("GET").arg("lua:last").query(con).unwrap());
    let b: (i64, String) = (redis::cmd("GET").arg("rust:n").query(con).unwrap(), redis::cmd("GET").arg("rust:last").query(con).unwrap());
    assert_eq!(a, b);
}
