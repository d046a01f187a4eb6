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
    use std::cmp::max;

    /// Module constants: used by name in every function and helper, one defined from
    /// another, a string and a float.
    const LIMIT: i64 = 10;
    const DOUBLE_LIMIT: i64 = LIMIT * 2;
    const PREFIX: &str = "job:";
    const RATE: f64 = 0.25;
    const SMALL: i32 = i32::MIN + 1;

    fn scaled(n: i64) -> i64 {
        n * DOUBLE_LIMIT
    }

    /// Module constants, the constants of `f64` and of the integer types, `std::cmp::max`
    /// / `min` (also imported), `String::from`.
    #[redis_function(read_only)]
    pub fn constants(x: f64, n: i64, s: String) -> (i64, String, f64, (bool, bool, bool, bool), (f64, f64, f64, f64), (i64, u32, i32, u8), (i64, i64, String)) {
        let capped = std::cmp::min(n, LIMIT) + scaled(1);
        let name = format!("{PREFIX}{}", PREFIX.len());
        let rated = x * RATE;
        let cmp = (x < f64::INFINITY, x > f64::NEG_INFINITY, x.is_nan() || f64::NAN.is_nan(), (x - 1.0).abs() < f64::EPSILON);
        let floats = (f64::MAX, f64::MIN, f64::MIN_POSITIVE, std::f64::consts::PI + core::f64::consts::E);
        let ints = (i64::from(i32::MAX) + i64::from(i32::MIN), u32::MAX, SMALL, u8::MAX);
        (capped, name, rated, cmp, floats, ints, (max(n, -LIMIT), std::cmp::max(n as i32, SMALL) as i64, String::from(s.as_str()) + &String::from("!")))
    }

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

    /// Assignments where Rust takes a value of type `()`: a `match` arm, a closure's body.
    #[redis_function(read_only)]
    pub fn assignment_arms(xs: Vec<i64>) -> (i64, i64, String) {
        let mut total = 0;
        let mut last = 0;
        let mut seen = String::new();
        for x in &xs {
            match x % 3 {
                0 => total += x,
                1 => last = *x,
                _ => seen = format!("{seen}{x},"),
            }
        }
        xs.iter().for_each(|x| total -= x * 2);
        (total, last, seen)
    }

    /// `filter_map`, `take_while` and `skip_while` with commands in their closures:
    /// the log is the order in which Rust runs them, element by element.
    #[redis_function]
    pub fn adapters(log: Key, limit: i64, xs: Vec<i64>) -> (Vec<i64>, Vec<i64>, Vec<i64>, i64) {
        let halves: Vec<i64> = xs
            .iter()
            .filter_map(|x| {
                rpush(&log, format!("fm {x}"));
                if x % 2 == 0 { Some(x / 2) } else { None }
            })
            .map(|h| {
                rpush(&log, format!("map {h}"));
                h + 1
            })
            .collect();
        let small: Vec<i64> = xs
            .iter()
            .map(|x| {
                rpush(&log, format!("m {x}"));
                *x
            })
            .take_while(|x| {
                rpush(&log, format!("tw {x}"));
                *x < limit
            })
            .collect();
        let rest: Vec<i64> = xs
            .iter()
            .skip_while(|x| {
                rpush(&log, format!("sw {x}"));
                **x < limit
            })
            .map(|x| {
                rpush(&log, format!("after {x}"));
                x * 10
            })
            .collect();
        let mut n = 0;
        for x in (0..xs.len())
            .map(|i| {
                rpush(&log, format!("i {i}"));
                xs[i]
            })
            .take_while(|x| *x != 0)
        {
            rpush(&log, format!("body {x}"));
            n += x;
            if n > 100 {
                break;
            }
        }
        (halves, small, rest, n)
    }

    /// `max_by_key` / `min_by_key` (ties: the last greatest, the first least), `for_each`,
    /// `(a..b).map(..)` without `into_iter`, `for x in v.into_iter()`, `dedup`.
    #[redis_function]
    pub fn by_key(log: Key, words: Vec<String>) -> (Option<String>, Option<String>, Option<i64>, i64, Vec<i64>, Vec<String>) {
        let longest = words
            .iter()
            .max_by_key(|w| {
                rpush(&log, format!("key {w}"));
                w.len()
            })
            .cloned();
        let shortest = words.iter().min_by_key(|w| w.len()).cloned();
        let lens: Vec<i64> = words.iter().map(|w| w.len() as i64).collect();
        let far = lens.iter().copied().max_by_key(|n| (n - 3).abs());
        let mut total = 0;
        lens.iter().filter(|n| **n > 1).for_each(|n| {
            rpush(&log, format!("each {n}"));
            total += n;
        });
        (1..=3).for_each(|i| total = total * 10 + i);
        let squares: Vec<i64> = (0..lens.len() as i64).map(|i| i * i).collect();
        let mut sorted = words.clone();
        sorted.sort();
        sorted.dedup();
        let mut runs = Vec::new();
        for w in words.into_iter() {
            runs.push(w);
        }
        runs.dedup();
        sorted.extend(runs);
        (longest, shortest, far, total, squares, sorted)
    }

    /// `matches!` (with `|`, ranges, `Some(..)` and a guard), formatting a bool, `{:?}` of
    /// integers and bools, `clone` of an `Option<String>` and of a tuple.
    #[redis_function]
    pub fn small_things(k: Key, n: i64, flag: bool) -> (bool, bool, bool, String, String, String, Option<String>, (i64, String)) {
        let stored = get::<String>(&k);
        let copy = stored.clone();
        let small = matches!(n, 1 | 2 | 3);
        let band = matches!(n, -5..=-1 | 10..=20);
        let known = matches!(&stored, Some(s) if s.len() > 2);
        let text = format!("{} {flag} {:?}", n > 0, flag);
        let dbg = format!("{:?}/{n:?}/{:>6}", n * 2, flag);
        let pair = (n, format!("{n}"));
        let pair2 = pair.clone();
        (small, band, known, text, dbg, (!flag).to_string() + &flag.to_string(), copy, pair2)
    }

    /// `call!` with an integer literal as the key count.
    #[redis_function]
    pub fn pop_lowest(z: Key) -> Value {
        call!("ZMPOP", 1, &z, "MIN")
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

    /// `let` annotations with shared references (`&Vec<T>`, `&String`, `&str`, `&(T, U)`,
    /// `&Option<T>`): the value they borrow.
    #[redis_function(read_only)]
    pub fn annotated_refs(words: Vec<String>) -> (i64, String, usize, bool) {
        let all: &Vec<String> = &words;
        let first: &String = &all[0];
        let tail: &str = &first[1..];
        let pair: &(i64, String) = &(all.len() as i64, tail.to_string());
        let maybe: &Option<String> = &all.last().cloned();
        (pair.0, format!("{first}/{tail}/{}", pair.1), all.iter().map(|w| w.len()).sum::<usize>(), maybe.is_some())
    }

    /// An `if let` whose `else` takes its type from the `then` branch (a bare `None`), and
    /// a pattern in parentheses, and an or-pattern inside a tuple pattern.
    #[redis_function(read_only)]
    pub fn small_patterns(n: i64, o: Option<i64>) -> (Option<i64>, i64) {
        let next = if let Some(x) = o { Some(x + 1) } else { None };
        let kind = match (n, n % 3) {
            (0, _) => 0,
            (_, 1 | 2) => 1,
            ((-5..=-1), _) => 2,
            _ => 3,
        };
        // A tuple held by a variable, matched by tuple patterns.
        let pair = (n, o);
        let shape = match pair {
            (0, None) => 10,
            (_, Some(y)) if y > n => 20 + y,
            (x, _) => 30 + x,
        };
        (next, kind + shape)
    }

    /// The collections' constructors by their full paths.
    #[redis_function(read_only)]
    pub fn full_paths(n: i64) -> (i64, Vec<i64>, String) {
        let mut m: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
        m.insert("a".to_string(), n);
        let mut v: Vec<i64> = std::vec::Vec::with_capacity(4);
        v.push(n * 2);
        let mut s = std::string::String::new();
        s.push_str("x");
        (m.len() as i64 + m.get("a").copied().unwrap_or(0), v, s)
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

#[test]
fn constants_agree_with_the_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for x in [0.0, 1.0, -2.5, 1e300, f64::INFINITY, f64::NEG_INFINITY, f64::NAN] {
        for n in [-100, -10, 0, 3, 10, 11, 1 << 40] {
            let lua = everyday::constants(x, n, "é").call(&mut con).unwrap();
            let rust = redlua::twin::run(&mut con, || everyday::twin::constants(x, n, "é".into()));
            // NaN != NaN: compare the text Rust prints.
            assert_eq!(format!("{lua:?}"), format!("{rust:?}"), "constants({x}, {n})");
        }
    }
    let (_, _, _, cmp, floats, ints, _) = everyday::constants(1.0, 0, "").call(&mut con).unwrap();
    assert_eq!(cmp, (true, true, true, true));
    assert_eq!(floats, (f64::MAX, f64::MIN, f64::MIN_POSITIVE, std::f64::consts::PI + std::f64::consts::E));
    assert_eq!(ints, (-1, u32::MAX, i32::MIN + 1, 255));
}

#[test]
fn assignments_in_arms_and_closures_agree_with_the_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for xs in [vec![], vec![3, 4, 5, 6, 7, 8], vec![-1, -2, -3, 10]] {
        let lua = everyday::assignment_arms(xs.clone()).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || everyday::twin::assignment_arms(xs.clone()));
        assert_eq!(lua, rust, "{xs:?}");
    }
    assert_eq!(everyday::assignment_arms(vec![3, 4, 5]).call(&mut con).unwrap(), (3 - 24, 4, "5,".to_string()));
}

#[test]
fn filter_map_take_while_skip_while_are_lazy_as_in_rust() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let inputs: Vec<Vec<i64>> = vec![vec![], vec![1, 2, 3, 4, 5, 6], vec![6, 5, 4, 0, 9], vec![2, 2, 9, 1], vec![40, 50, 60, 0, 1]];
    for xs in inputs {
        for limit in [0, 3, 5, 100] {
            redis::cmd("FLUSHALL").query::<()>(&mut con).unwrap();
            let lua = everyday::adapters("lua:log", limit, xs.clone()).call(&mut con).unwrap();
            let rust = redlua::twin::run(&mut con, || everyday::twin::adapters(Key::from("rust:log"), limit, xs.clone()));
            assert_eq!(lua, rust, "adapters({xs:?}, {limit})");
            assert_eq!(log_of(&mut con, "lua:log"), log_of(&mut con, "rust:log"), "adapters({xs:?}, {limit})");
        }
    }
    // The trace itself: `take_while` pulls nothing after the element it refuses, and the
    // closure of `skip_while` is not called after its first refusal.
    redis::cmd("FLUSHALL").query::<()>(&mut con).unwrap();
    everyday::adapters("lua:log", 5, vec![1, 7, 2]).call(&mut con).unwrap();
    let log = log_of(&mut con, "lua:log");
    let want = ["fm 1", "fm 7", "fm 2", "map 1", "m 1", "tw 1", "m 7", "tw 7", "sw 1", "sw 7", "after 7", "after 2", "i 0", "body 1", "i 1", "body 7", "i 2", "body 2"];
    assert_eq!(log, want);
}

#[test]
fn by_key_for_each_ranges_and_dedup_agree_with_the_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let inputs: Vec<Vec<&str>> = vec![vec![], vec!["a"], vec!["bb", "aa", "c"], vec!["x", "x", "yyy", "yyy", "x", "zz"], vec!["é", "ab", "abc", "de"]];
    for words in inputs {
        redis::cmd("FLUSHALL").query::<()>(&mut con).unwrap();
        let owned: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        let lua = everyday::by_key("lua:log", owned.clone()).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || everyday::twin::by_key(Key::from("rust:log"), owned.clone()));
        assert_eq!(lua, rust, "by_key({words:?})");
        assert_eq!(log_of(&mut con, "lua:log"), log_of(&mut con, "rust:log"));
    }
    let (longest, shortest, far, ..) = everyday::by_key("log", vec!["bb".to_string(), "aa".to_string(), "c".to_string()]).call(&mut con).unwrap();
    assert_eq!((longest.as_deref(), shortest.as_deref(), far), (Some("aa"), Some("c"), Some(1)));
}

#[test]
fn matches_bools_debug_and_clones_agree_with_the_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for stored in [None, Some("ab"), Some("abc")] {
        match stored {
            Some(v) => redis::cmd("SET").arg("k").arg(v).query::<()>(&mut con).unwrap(),
            None => redis::cmd("DEL").arg("k").query::<()>(&mut con).unwrap(),
        }
        for n in [-7, -5, -1, 0, 1, 3, 4, 10, 20, 21] {
            for flag in [false, true] {
                let lua = everyday::small_things("k", n, flag).call(&mut con).unwrap();
                let rust = redlua::twin::run(&mut con, || everyday::twin::small_things(Key::from("k"), n, flag));
                assert_eq!(lua, rust, "small_things({stored:?}, {n}, {flag})");
            }
        }
    }
    let (small, band, known, text, dbg, bools, copy, pair) = everyday::small_things("k", 2, true).call(&mut con).unwrap();
    assert_eq!((small, band, known), (true, false, true));
    assert_eq!((text.as_str(), dbg.as_str(), bools.as_str()), ("true true true", "4/2/  true", "falsetrue"));
    assert_eq!((copy.as_deref(), pair), (Some("abc"), (2, "2".to_string())));
}

#[test]
fn annotated_references_agree_with_the_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for words in [vec!["abc"], vec!["é:x", "", "yz"], vec![""]] {
        let words: Vec<String> = words.into_iter().map(String::from).collect();
        let lua = everyday::annotated_refs(words.clone()).call(&mut con).map_err(|_| true);
        let rust = redlua::twin::try_run(&mut con, || everyday::twin::annotated_refs(words.clone())).map_err(|_| true);
        assert_eq!(lua, rust, "{words:?}");
    }
    assert_eq!(everyday::annotated_refs(vec!["abc", "d"]).call(&mut con).unwrap(), (2, "abc/bc/bc".to_string(), 4, true));
    for n in [-7, -3, 0, 3, 4, 9] {
        for o in [None, Some(-1), Some(5)] {
            let lua = everyday::small_patterns(n, o).call(&mut con).unwrap();
            let rust = redlua::twin::run(&mut con, || everyday::twin::small_patterns(n, o));
            assert_eq!(lua, rust, "small_patterns({n}, {o:?})");
        }
    }
    for n in [-3, 0, 7] {
        let lua = everyday::full_paths(n).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || everyday::twin::full_paths(n));
        assert_eq!(lua, rust, "full_paths({n})");
    }
}

#[test]
fn call_takes_an_integer_literal_key_count() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    // The reply names the key: both sides run on the same key, filled the same way.
    let fill = |con: &mut redis::Connection| redis::cmd("ZADD").arg("z").arg(2).arg("b").arg(1).arg("a").query::<()>(con).unwrap();
    fill(&mut con);
    let lua: Vec<String> = (0..3).map(|_| format!("{:?}", everyday::pop_lowest("z").call(&mut con).unwrap())).collect();
    let left: i64 = redis::cmd("EXISTS").arg("z").query(&mut con).unwrap();
    assert_eq!(left, 0, "two pops emptied the set");
    fill(&mut con);
    let rust: Vec<String> = (0..3).map(|_| format!("{:?}", redlua::twin::run(&mut con, || everyday::twin::pop_lowest(Key::from("z"))))).collect();
    assert_eq!(lua, rust);
    assert!(lua[0].contains("[97]") && lua[1].contains("[98]"), "{lua:?}");
}
