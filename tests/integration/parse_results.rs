//! Differential tests of parse results matched where they are made:
//! `match s.parse::<i64>() { Ok(n) => .., Err(_) => .. }`, `if let Ok(x) = ..`,
//! `let Ok(n) = .. else { .. }`, against the native twin on a real server, with the texts
//! where Rust's syntax and Lua's `tonumber` differ.

use redlua::testing::TestServer;

#[redlua::library(name = "parse_results")]
pub mod parse_results {
    use redlua::prelude::*;

    /// Every form on one text: a `match` with a guard, an `if let` on a float, a
    /// `let .. else`, an `Err(_) | Ok(_)` arm.
    #[redis_function(read_only)]
    pub fn read(s: String) -> (i64, f64, i64, bool) {
        let a = match s.parse::<i64>() {
            Ok(n) if n > 5 => n * 2,
            Ok(n) => n,
            Err(_) => -1,
        };
        let b = if let Ok(x) = s.trim().parse::<f64>() { x } else { -0.5 };
        let number = match s.parse::<f64>() {
            Err(_) => false,
            Ok(_) => true,
        };
        let Ok(c) = s.parse::<i64>() else { return (a, b, 0, number) };
        (a, b, c + 1, number)
    }

    /// The same parse in a loop, adding up the numbers of a list.
    #[redis_function(read_only)]
    pub fn total(xs: Vec<String>) -> (i64, i64) {
        let mut sum = 0;
        let mut bad = 0;
        for x in &xs {
            match x.parse::<i64>() {
                Ok(n) => sum += n,
                Err(_) => bad += 1,
            }
        }
        (sum, bad)
    }
}

const TEXTS: &[&str] = &[
    "0", "7", "-3", "+5", "007", " 7", "7 ", "0x10", "1e3", "1.5", "-0", "", "-", "+", "abc", "9007199254740991", "-9007199254740991",
    "9223372036854775808", "-9223372036854775809", "1_000", "inf", "-inf", "NaN", "infinity", ".5", "5.", "1e400", " 2.5 ",
];

#[test]
fn matched_parse_results_agree_with_the_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for s in TEXTS {
        let lua = parse_results::read(*s).call(&mut con);
        let rust = std::panic::catch_unwind(|| parse_results::twin::read(s.to_string()));
        match (lua, rust) {
            (Ok(l), Ok(r)) => {
                // NaN is not equal to itself: compare the floats by their bits' meaning.
                assert_eq!((l.0, l.2, l.3), (r.0, r.2, r.3), "{s:?}");
                assert!(l.1 == r.1 || l.1.is_nan() && r.1.is_nan(), "{s:?}: {} vs {}", l.1, r.1);
            }
            // Beyond ±(2^53 − 1) the Lua raises an error where Rust computes on.
            (Err(e), _) => assert!(e.to_string().contains("2^53"), "{s:?}: {e}"),
            (Ok(l), Err(_)) => panic!("{s:?}: the twin panicked, the Lua gave {l:?}"),
        }
    }
    assert_eq!(parse_results::read("9").call(&mut con).unwrap(), (18, 9.0, 10, true));
    assert_eq!(parse_results::read(" 7").call(&mut con).unwrap(), (-1, 7.0, 0, false));
    let xs: Vec<String> = TEXTS.iter().map(|s| s.to_string()).filter(|s| s.len() < 10).collect();
    let lua = parse_results::total(xs.clone()).call(&mut con).unwrap();
    assert_eq!(lua, parse_results::twin::total(xs));
}
