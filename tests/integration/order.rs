//! Differential tests of *when* code runs: iterator chains as lazy as Rust's, and Rust's
//! order of evaluation. Every step with an effect appends a tag to a Redis list
//! (`rpush(&log, ..)`), so the list is the ordered trace of what ran. The generated Lua
//! (on a real server) and the native twin must leave the same trace and give the same
//! reply (or both fail).

// The programs assign variables inside the operands that read them, on purpose: rustc
// notes that some of those values are never read, which is the Rust meaning tested.
#![allow(unused_assignments)]

use redlua::prelude::*;
use redlua::testing::TestServer;

/// Runs `lua` (with the key `lua:log`) and `twin` (with `rust:log`) from empty logs, and
/// asserts the same trace and the same reply (or an error on both sides).
fn agree<T: PartialEq + std::fmt::Debug>(con: &mut redis::Connection, what: &str, lua: impl FnOnce(&mut redis::Connection, &str) -> Result<T, redlua::Error>, twin: impl FnOnce(Key) -> T) {
    let _: () = redis::cmd("DEL").arg("lua:log").arg("rust:log").query(con).unwrap();
    let l = lua(con, "lua:log").map_err(|e| e.to_string());
    let r = redlua::twin::try_run(con, || twin(Key::from("rust:log")));
    let trace = |con: &mut redis::Connection, k: &str| -> Vec<String> { redis::cmd("LRANGE").arg(k).arg(0).arg(-1).query(con).unwrap() };
    let (lt, rt) = (trace(con, "lua:log"), trace(con, "rust:log"));
    assert_eq!(lt, rt, "{what}: the Lua's trace (left) differs from Rust's (right)");
    match (&l, &r) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{what}: replies"),
        (Err(_), Err(_)) => {}
        _ => panic!("{what}: Lua gave {l:?}, Rust {r:?}"),
    }
}

/// Small lists with repeats, negatives, empty, and values past the limits used below.
fn lists() -> Vec<Vec<i64>> {
    vec![vec![], vec![1], vec![1, 2], vec![3, 1, 2], vec![1, 2, 3, 4, 5], vec![6, 6, 1, 8, 2, 9], vec![-4, 7, 0, 12, 5, 5, 20]]
}

#[redlua::library(name = "order_iter")]
pub mod order_iter {
    use redlua::prelude::*;

    /// A `for` over a mapped chain: each closure call comes right before the body that
    /// uses its value, and `break` stops the calls.
    #[redis_function]
    pub fn for_break(log: Key, stop: i64, v: Vec<i64>) -> i64 {
        let mut total = 0;
        for x in v.iter().map(|x| {
            rpush(&log, format!("map {x}"));
            *x * 2
        }) {
            rpush(&log, format!("body {x}"));
            if x > stop {
                break;
            }
            total += x;
        }
        total
    }

    /// `for` over chains with filter, skip, take, enumerate, `continue` and a labelled
    /// `break` out of an inner loop.
    #[redis_function]
    pub fn for_shapes(log: Key, n: i64, v: Vec<i64>) -> i64 {
        let mut seen = 0;
        for (i, x) in v
            .iter()
            .skip(1)
            .filter(|x| {
                rpush(&log, format!("filter {x}"));
                **x > 0
            })
            .enumerate()
        {
            if i as i64 == n {
                continue;
            }
            rpush(&log, format!("body {i} {x}"));
            seen += 1;
        }
        'outer: for x in v.iter().map(|x| {
            rpush(&log, format!("outer {x}"));
            *x
        }) {
            for y in (0..3).into_iter().map(|y| {
                rpush(&log, format!("inner {y}"));
                y
            }) {
                if x + y == n {
                    break 'outer;
                }
                if y == x {
                    continue 'outer;
                }
            }
            rpush(&log, format!("after {x}"));
        }
        for w in "a,b,c".split(",").take(n.max(0) as usize) {
            rpush(&log, w);
        }
        seen
    }

    /// `take(n)`: no closure runs for the element after the n-th, wherever `take` is.
    #[redis_function]
    pub fn take_n(log: Key, n: i64, v: Vec<i64>) -> (Vec<i64>, i64, Vec<i64>, i64) {
        let firsts: Vec<i64> = v
            .iter()
            .map(|x| {
                rpush(&log, format!("a{x}"));
                *x
            })
            .take(n.max(0) as usize)
            .collect();
        let counted = v.iter().map(|x| rpush(&log, format!("c{x}"))).take(n.max(0) as usize).count() as i64;
        let evens: Vec<i64> = v
            .iter()
            .map(|x| {
                rpush(&log, format!("m{x}"));
                *x
            })
            .filter(|x| {
                rpush(&log, format!("f{x}"));
                x % 2 == 0
            })
            .take(n.max(0) as usize)
            .collect();
        let summed: i64 = v
            .iter()
            .skip(1)
            .map(|x| {
                rpush(&log, format!("s{x}"));
                *x
            })
            .take(n.max(0) as usize)
            .map(|x| {
                rpush(&log, format!("t{x}"));
                x
            })
            .sum();
        (firsts, counted, evens, summed)
    }

    /// `any`, `all`, `find`, `position` stop at the first decisive element; `count`,
    /// `min`, `max` run every closure; `skip` runs none for the skipped elements.
    #[redis_function]
    pub fn consumers(log: Key, k: i64, v: Vec<i64>) -> (bool, bool, Option<i64>, Option<i64>, i64, Option<i64>, Option<i64>, Vec<i64>) {
        let m = |x: i64| {
            rpush(&log, format!("m{x}"));
            x
        };
        let any = v.iter().map(|x| m(*x)).any(|x| {
            rpush(&log, format!("any {x}"));
            x > k
        });
        let all = v.iter().map(|x| m(*x)).all(|x| {
            rpush(&log, format!("all {x}"));
            x < k
        });
        let found = v.iter().map(|x| m(*x)).find(|x| *x == k);
        let at = v.iter().map(|x| m(*x)).position(|x| {
            rpush(&log, format!("pos {x}"));
            x == k
        })
        .map(|p| p as i64);
        let counted = v.iter().map(|x| m(*x)).filter(|x| *x != k).count() as i64;
        let low = v.iter().map(|x| m(*x)).min();
        let high = v.iter().map(|x| m(*x)).max();
        let rest: Vec<i64> = v.iter().skip(k.max(0).min(9) as usize).map(|x| m(*x + 100)).collect();
        (any, all, found, at, counted, low, high, rest)
    }

    /// `zip`: the first side is pulled before the second; over `iter()` of Vecs Rust zips
    /// by index (no closure for an element without a partner), after a `filter` it pulls
    /// one more element from the first side.
    #[redis_function]
    pub fn zips(log: Key, v: Vec<i64>) -> (Vec<(i64, i64)>, i64, Vec<(i64, i64)>, i64, Vec<(i64, i64)>) {
        let w = vec![10, 20, 30];
        let pairs: Vec<(i64, i64)> = v
            .iter()
            .map(|x| {
                rpush(&log, format!("z{x}"));
                *x
            })
            .zip(w.iter())
            .map(|(a, b)| (a, *b))
            .collect();
        let mut looped = 0;
        for (a, b) in v
            .iter()
            .map(|x| {
                rpush(&log, format!("f{x}"));
                *x
            })
            .enumerate()
            .zip(w.iter())
        {
            rpush(&log, format!("body {} {b}", a.1));
            looped += a.0 as i64;
        }
        let filtered: Vec<(i64, i64)> = v
            .iter()
            .filter(|x| {
                rpush(&log, format!("p{x}"));
                **x != 3
            })
            .zip(w.iter())
            .map(|(a, b)| (*a, *b))
            .collect();
        let split = "1,2,3,4,5"
            .split(",")
            .map(|s| {
                rpush(&log, format!("s{s}"));
                s
            })
            .zip(v.iter())
            .count() as i64;
        // Closures without effects may come before `skip` and `zip` anywhere.
        let quiet: Vec<(i64, i64)> = v.clone().into_iter().map(|x| x * 2 + 1).skip(1).zip(w.clone()).collect();
        (pairs, looped, filtered, split, quiet)
    }

    /// `rev` right after the source, over Vecs and ranges, with `take`.
    #[redis_function]
    pub fn reversed(log: Key, n: i64, v: Vec<i64>) -> (Vec<i64>, Vec<i64>, Option<i64>) {
        let back: Vec<i64> = v
            .iter()
            .rev()
            .map(|x| {
                rpush(&log, format!("v{x}"));
                *x
            })
            .take(2)
            .collect();
        let down: Vec<i64> = (0..n)
            .into_iter()
            .rev()
            .map(|i| {
                rpush(&log, format!("r{i}"));
                i
            })
            .take(3)
            .collect();
        let last_big = (1..=n).into_iter().rev().find(|i| {
            rpush(&log, format!("f{i}"));
            i % 4 == 0
        });
        (back, down, last_big)
    }

    /// Sources other than Vecs: lines, splitn, chars, chunks; and the values of the
    /// stages (`take(n)`, `zip(..)`) computed after the source, as Rust does.
    #[redis_function]
    pub fn sources(log: Key, text: String, v: Vec<i64>) -> (Vec<String>, Vec<String>, i64, Vec<i64>, Vec<i64>) {
        let lines: Vec<String> = text
            .lines()
            .map(|l| {
                rpush(&log, format!("line {l}"));
                l.to_string()
            })
            .take(2)
            .collect();
        let parts: Vec<String> = text.splitn(3, "\n").map(|p| p.to_ascii_uppercase()).take(1).collect();
        let letters = text
            .chars()
            .filter(|c| {
                rpush(&log, format!("char {c}"));
                c.is_ascii_digit()
            })
            .count() as i64;
        let heads: Vec<i64> = v
            .chunks(2)
            .map(|c| {
                rpush(&log, format!("chunk {}", c.len()));
                c[0]
            })
            .take(2)
            .collect();
        let ordered: Vec<i64> = lrange(&log, 0, -1)
            .iter()
            .map(|s| s.len() as i64)
            .take(rpush(&log, "take arg") as usize)
            .collect();
        (lines, parts, letters, heads, ordered)
    }
}

/// Every list of [`lists`] with every `n` of a few around the lists' lengths.
fn each_input(mut f: impl FnMut(&mut redis::Connection, i64, Vec<i64>)) {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for v in lists() {
        for n in [-1i64, 0, 1, 2, 3, 5, 7, 9, 30] {
            f(&mut con, n, v.clone());
        }
    }
}

#[test]
fn a_for_loop_over_a_chain_runs_each_closure_just_before_its_body() {
    each_input(|con, n, v| {
        agree(con, &format!("for_break({n}, {v:?})"), |c, log| order_iter::for_break(log, n, v.clone()).call(c), |log| order_iter::twin::for_break(log, n, v.clone()));
        agree(con, &format!("for_shapes({n}, {v:?})"), |c, log| order_iter::for_shapes(log, n, v.clone()).call(c), |log| order_iter::twin::for_shapes(log, n, v.clone()));
    });
}

#[test]
fn take_runs_no_closure_past_the_last_element_it_takes() {
    each_input(|con, n, v| {
        agree(con, &format!("take_n({n}, {v:?})"), |c, log| order_iter::take_n(log, n, v.clone()).call(c), |log| order_iter::twin::take_n(log, n, v.clone()));
    });
}

#[test]
fn consumers_stop_where_rust_stops() {
    each_input(|con, n, v| {
        agree(con, &format!("consumers({n}, {v:?})"), |c, log| order_iter::consumers(log, n, v.clone()).call(c), |log| order_iter::twin::consumers(log, n, v.clone()));
    });
}

#[test]
fn rev_runs_closures_from_the_end_and_take_stops_them() {
    each_input(|con, n, v| {
        agree(con, &format!("reversed({n}, {v:?})"), |c, log| order_iter::reversed(log, n, v.clone()).call(c), |log| order_iter::twin::reversed(log, n, v.clone()));
    });
}

#[test]
fn zip_pulls_as_rust_does() {
    each_input(|con, n, v| {
        if n == 0 {
            agree(con, &format!("zips({v:?})"), |c, log| order_iter::zips(log, v.clone()).call(c), |log| order_iter::twin::zips(log, v.clone()));
        }
    });
}

#[test]
fn other_sources_and_the_values_of_stages_follow_rust() {
    each_input(|con, n, v| {
        if n == 0 {
            for text in ["", "a1\nb2\nc3", "x\n\n9\nyz8", "1"] {
                agree(con, &format!("sources({text:?}, {v:?})"), |c, log| order_iter::sources(log, text, v.clone()).call(c), |log| order_iter::twin::sources(log, text.to_string(), v.clone()));
            }
        }
    });
}

#[redlua::library(name = "order_eval")]
pub mod order_eval {
    use redlua::prelude::*;
    use std::collections::HashMap;

    #[derive(Clone, Copy)]
    struct Pair {
        a: i64,
        b: i64,
    }

    fn weigh(x: i64, y: i64) -> i64 {
        x * 10 + y
    }

    /// `v[i] = e`: the value first, then the index; an index at the length (or past it)
    /// fails as Rust panics, after the value's effects.
    #[redis_function]
    pub fn assign_index(log: Key, i: i64) -> Vec<i64> {
        let mut v = vec![0, 0, 0];
        v[{
            rpush(&log, "place");
            i as usize
        }] = rpush(&log, "value");
        v
    }

    /// Compound assignments compute the right side before they read the place; the
    /// entry idiom computes the right side, then the key, then the default.
    #[redis_function]
    pub fn compound(log: Key, a: i64) -> (i64, i64, i64, i64, f64) {
        let mut x = a;
        x += {
            x = 10;
            rpush(&log, "rhs")
        };
        let mut p = Pair { a, b: 0 };
        p.a -= {
            p.a = 100;
            1
        };
        let mut m: HashMap<String, i64> = HashMap::new();
        *m.entry(format!("k{}", rpush(&log, "key"))).or_insert(rpush(&log, "default")) += rpush(&log, "value");
        *m.entry(format!("k{}", rpush(&log, "key again"))).or_insert(rpush(&log, "default again")) = rpush(&log, "value again");
        let total: i64 = m.values().sum();
        let mut y = a;
        y *= {
            y = 3;
            rpush(&log, "times")
        };
        let mut f = 1.5;
        f -= {
            f = 10.0;
            0.25
        };
        (x, p.a, total, y, f)
    }

    /// Operands left to right, also when a later one needs statements (a block, an
    /// `if`, a `match`) that change an earlier one; `&&` and `||` run their right side
    /// only when Rust would.
    #[redis_function]
    pub fn operands(log: Key, a: i64) -> (i64, i64, i64, bool, bool, bool, i64, bool) {
        let sum = rpush(&log, "left") * 10 + rpush(&log, "right");
        let mut y = a;
        let r = y + {
            y = 100;
            1
        };
        let mut z = a;
        z = z * if a > 0 {
            z = 7;
            3
        } else {
            2
        };
        let lt = rpush(&log, "lt left") < rpush(&log, "lt right");
        let and = a > 0 && {
            rpush(&log, "and right");
            a > 5
        };
        let or = a > 0 || {
            rpush(&log, "or right");
            a < -5
        };
        let mut n = a;
        let kept = n.max({
            n = 50;
            4
        });
        let matched = match rpush(&log, "scrutinee") {
            k if {
                rpush(&log, "guard");
                k > a
            } => true,
            _ => false,
        };
        (sum, r, z, lt, and, or, kept, matched)
    }

    /// Call arguments, `vec!`, tuples, struct literals (in the order written, whatever
    /// the declaration order), `format!` (arguments, then the named variables) and
    /// command arguments, left to right.
    #[redis_function]
    pub fn aggregates(log: Key, h: Key, a: i64) -> (i64, Vec<i64>, (i64, i64), i64, i64, String, i64) {
        let w = weigh(rpush(&log, "x"), {
            rpush(&log, "y");
            a
        });
        let v = vec![rpush(&log, "v0"), if a > 0 { rpush(&log, "v1") } else { 0 }];
        let t = (rpush(&log, "t0"), match a {
            0 => 0,
            _ => rpush(&log, "t1"),
        });
        let mut c = a;
        let p = Pair {
            b: {
                c = 9;
                rpush(&log, "b")
            },
            a: c,
        };
        let mut q = 1;
        let text = format!("{} {q} {}", {
            q = 5;
            rpush(&log, "f0")
        }, {
            q += 2;
            rpush(&log, "f1")
        });
        hset(&h, format!("f{}", rpush(&log, "field")), rpush(&log, "hvalue"));
        (w, v, t, p.a, p.b, text, c)
    }

    /// Conditions: `else if` conditions run only when reached; a condition with
    /// statements runs them before the branch.
    #[redis_function]
    pub fn conditions(log: Key, a: i64) -> i64 {
        if {
            rpush(&log, "first");
            a < 0
        } {
            1
        } else if {
            rpush(&log, "second");
            a == 0
        } {
            2
        } else if a > 100 && rpush(&log, "third") > 0 {
            3
        } else {
            4
        }
    }
}

#[test]
fn index_assignment_computes_the_value_first_and_fails_at_the_length() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for i in [0i64, 1, 2, 3, 4] {
        agree(&mut con, &format!("assign_index({i})"), |c, log| order_eval::assign_index(log, i).call(c), |log| order_eval::twin::assign_index(log, i));
        let lua = order_eval::assign_index("lua:log", i).call(&mut con);
        assert_eq!(lua.is_err(), i >= 3, "assign_index({i}): {lua:?}");
    }
}

#[test]
fn compound_assignments_compute_the_right_side_first() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for a in [-3i64, 0, 1, 8] {
        agree(&mut con, &format!("compound({a})"), |c, log| order_eval::compound(log, a).call(c), |log| order_eval::twin::compound(log, a));
    }
}

#[test]
fn operands_run_left_to_right_and_logic_short_circuits() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for a in [-9i64, -1, 0, 1, 3, 8] {
        agree(&mut con, &format!("operands({a})"), |c, log| order_eval::operands(log, a).call(c), |log| order_eval::twin::operands(log, a));
        agree(&mut con, &format!("conditions({a})"), |c, log| order_eval::conditions(log, a).call(c), |log| order_eval::twin::conditions(log, a));
    }
    for a in [-200i64, 0, 101, 200] {
        agree(&mut con, &format!("conditions({a})"), |c, log| order_eval::conditions(log, a).call(c), |log| order_eval::twin::conditions(log, a));
    }
}

#[test]
fn arguments_elements_and_fields_run_in_the_order_written() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for a in [-2i64, 0, 3] {
        agree(&mut con, &format!("aggregates({a})"), |c, log| order_eval::aggregates(log, "lua:h", a).call(c), |log| order_eval::twin::aggregates(log, Key::from("rust:h"), a));
        let h = |con: &mut redis::Connection, k: &str| -> Vec<(String, String)> { redis::cmd("HGETALL").arg(k).query(con).unwrap() };
        assert_eq!(h(&mut con, "lua:h"), h(&mut con, "rust:h"));
    }
}

/// Operators whose mutants survived a mutation run: comparisons of equal operands, the
/// end of a half-open range pattern, and operators nested on the right, whose
/// parentheses the Lua must keep.
#[redlua::library(name = "order_ops")]
pub mod order_ops {
    use redlua::prelude::*;

    /// The six comparisons of strings, integers and floats.
    #[redis_function(read_only)]
    pub fn compare(s: String, t: String, x: i64, y: i64, f: f64, g: f64) -> (Vec<bool>, Vec<bool>, Vec<bool>) {
        let strings = vec![s < t, s <= t, s > t, s >= t, s == t, s != t];
        let ints = vec![x < y, x <= y, x > y, x >= y, x == y, x != y];
        let floats = vec![f < g, f <= g, f > g, f >= g, f == g, f != g];
        (strings, ints, floats)
    }

    /// Half-open and closed range patterns, at and next to their ends.
    #[redis_function(read_only)]
    pub fn ranges(x: i64) -> i64 {
        match x {
            0..10 => 1,
            10 => 2,
            -5..=-1 => 3,
            11..12 => 4,
            _ => 5,
        }
    }

    /// Non-associative operators nested on the right, and mixed precedence.
    #[redis_function(read_only)]
    pub fn nested(a: f64, b: f64, c: f64, x: i64, y: i64, z: i64) -> (Vec<f64>, Vec<i64>, Vec<bool>, String) {
        let floats = vec![
            a - (b - c),
            a - b - c,
            (a - b) - c,
            a / (b / c),
            a / b / c,
            a % (b % c),
            a - (b + c),
            a / (b * c),
            a * (b / c),
            a - b * c,
            (a + b) * c,
            -(a - b),
            a - -b,
            a * (b - c),
            (a - b) / (c - a),
        ];
        let ints = vec![x - (y - z), x - y - z, x / (y / z), x % (y % z), x - (y + z), x * (y - z), (x - y) * z, -(x - y), x - y * z];
        let bools = vec![(a < b) == (b < c), !(a < b), (x < y) != (y < z), !(x == y) && (y != z)];
        let text = format!("{}", x - (y - z)) + &"-".repeat(2) + &(y - z).to_string();
        (floats, ints, bools, text)
    }
}

#[test]
fn comparisons_of_equal_and_unequal_operands_agree() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let strings = ["", "a", "b", "ab", "B", "é", "a\u{0}"];
    let numbers = [(-2i64, -2.5f64), (0, -0.0), (0, 0.0), (3, 3.0), (3, 3.5)];
    for s in strings {
        for t in strings {
            for (x, f) in numbers {
                for (y, g) in numbers {
                    let lua = order_ops::compare(s, t, x, y, f, g).call(&mut con).unwrap();
                    let rust = redlua::twin::run(&mut con, || order_ops::twin::compare(s.to_string(), t.to_string(), x, y, f, g));
                    assert_eq!(lua, rust, "compare({s:?}, {t:?}, {x}, {y}, {f}, {g})");
                }
            }
        }
    }
}

#[test]
fn range_patterns_end_where_rust_ends_them() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for x in -7i64..=13 {
        let lua = order_ops::ranges(x).call(&mut con).unwrap();
        assert_eq!(lua, redlua::twin::run(&mut con, || order_ops::twin::ranges(x)), "ranges({x})");
    }
}

#[test]
fn operators_nested_on_the_right_keep_their_grouping() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let floats = [(7.5, 2.0, 0.5), (1.0, 3.0, 7.0), (-4.25, 1.5, -2.0), (100.0, 10.0, 3.0)];
    let ints = [(7i64, 3i64, 2i64), (100, 7, 3), (-9, -7, 2), (5, 9, -4)];
    for (a, b, c) in floats {
        for (x, y, z) in ints {
            let lua = order_ops::nested(a, b, c, x, y, z).call(&mut con).unwrap();
            let rust = redlua::twin::run(&mut con, || order_ops::twin::nested(a, b, c, x, y, z));
            // NaN (a % 0.0) is not equal to itself: compare the printed values.
            assert_eq!(format!("{lua:?}"), format!("{rust:?}"), "nested({a}, {b}, {c}, {x}, {y}, {z})");
        }
    }
}
