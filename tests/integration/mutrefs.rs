//! Differential tests of `&mut` bindings to places: `for x in v.iter_mut()` (and `&mut v`,
//! `.enumerate()`, `.rev()`, a map's `iter_mut()` / `values_mut()`), `if let Some(x) =
//! map.get_mut(&k)` (and a Vec's `get_mut(i)`, `first_mut()`, `last_mut()`), `let x =
//! &mut v[i];`, `map.get_mut(&k).unwrap()`, and methods that change a place (`v[i].push(e)`,
//! `x.bump()`, `v[i].bump()`). Indices and values with an effect append a tag to a Redis
//! list, so the list is the order Rust runs them in; proptest draws the inputs, and the Lua
//! on a real server and the native twin must leave the same trace and the same keyspace
//! and give the same reply, or both fail (an index out of bounds, a missing key, an
//! overflow).

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use redlua::testing::TestServer;
use redlua_tests::agree;

#[redlua::library(name = "mutrefs")]
pub mod mutrefs {
    use redlua::prelude::*;
    use std::collections::HashMap;

    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct P {
        pub x: i64,
        pub y: i64,
    }

    impl P {
        /// Moves the point and gives its new `x`.
        pub fn bump(&mut self, d: i64) -> i64 {
            self.x += d;
            self.y -= 1;
            self.x
        }

        pub fn flip(&mut self) {
            let t = self.x;
            self.x = self.y;
            self.y = t;
        }
    }

    #[derive(Debug, Clone, PartialEq)]
    pub struct Job {
        pub name: String,
        pub tries: i64,
        pub tags: Vec<String>,
        pub at: P,
    }

    /// `iter_mut()`, `&mut v`, `.enumerate()`, `.rev()` over a Vec; commands in the body.
    #[redis_function]
    pub fn scale(log: Key, k: i64, w: i32, v: Vec<i64>) -> (Vec<i64>, Vec<i32>) {
        let mut v = v;
        for x in v.iter_mut() {
            rpush(&log, &x.to_string());
            *x = *x * 3 + k;
        }
        for (i, x) in v.iter_mut().enumerate() {
            if i % 2 == 1 {
                *x -= i as i64;
                continue;
            }
            *x += rpush(&log, &format!("e{i}"));
        }
        for x in v.iter_mut().rev() {
            if *x > 1000 {
                break;
            }
            rpush(&log, &format!("r{} {x}", *x));
        }
        // `*=` on an `i32` keeps Rust's overflow check.
        let mut small: Vec<i32> = vec![1i32, -2i32, 3i32];
        for x in &mut small {
            *x *= w;
            *x += w;
            rpush(&log, &format!("s{x}"));
        }
        (v, small)
    }

    /// A Vec's `get_mut(i)`, `first_mut()`, `last_mut()`, `&mut v[i]` and `get_mut(i).unwrap()`.
    #[redis_function]
    pub fn slots(log: Key, i: usize, n: i64, v: Vec<i64>) -> Vec<i64> {
        let mut v = v;
        if let Some(x) = v.get_mut({
            rpush(&log, "i");
            i
        }) {
            *x += {
                rpush(&log, "n");
                n
            };
            rpush(&log, &x.to_string());
        } else {
            rpush(&log, "none");
        }
        if let Some(x) = v.last_mut() {
            *x *= 2;
        }
        if let Some(first) = v.first_mut() {
            *first -= 1;
            let seen = *first;
            *first += seen;
        }
        let y = &mut v[{
            rpush(&log, "j");
            i / 2
        }];
        *y += 5;
        rpush(&log, &y.to_string());
        *y = *y * 2;
        let z = v.get_mut(i % 3).unwrap();
        *z -= 1;
        let tag = match v.last_mut() {
            None => "empty".to_string(),
            Some(x) => {
                *x += 1;
                x.to_string()
            }
        };
        rpush(&log, &tag);
        let mut j = i;
        *v.get_mut({
            j += 1;
            rpush(&log, "g");
            j % 4
        })
        .unwrap() += {
            rpush(&log, "value");
            j as i64
        };
        *v.last_mut().expect("no last") = j as i64;
        let mut names: Vec<String> = v.iter().map(|x| x.to_string()).collect();
        *names.first_mut().unwrap() += &{
            rpush(&log, "suffix");
            "!".to_string()
        };
        rpush(&log, &names.join(","));
        v
    }

    /// `Copy` structs in a Vec changed through `iter_mut()`, `get_mut`, `&mut self`
    /// methods on `v[i]` and on a binding: the copies taken before keep their value.
    #[redis_function]
    pub fn points(log: Key, i: usize, k: i64, xs: Vec<i64>) -> (Vec<P>, P, P, Vec<P>) {
        let mut ps: Vec<P> = xs.iter().map(|x| P { x: *x, y: -*x }).collect();
        let before = if ps.is_empty() { P { x: 0, y: 0 } } else { ps[0] };
        let all_before = ps.clone();
        let mut seen = P { x: 0, y: 0 };
        for p in ps.iter_mut() {
            seen = *p;
            p.x += k;
            p.y = p.x * 2;
            p.flip();
            rpush(&log, &format!("{}:{}", p.x, seen.x));
        }
        if let Some(p) = ps.get_mut(i) {
            let got = p.bump(k);
            rpush(&log, &got.to_string());
            let mut q = *p;
            q.x = 1000;
            p.y += q.x;
        }
        let n = ps[{
            rpush(&log, "idx");
            i / 2
        }]
        .bump({
            rpush(&log, "arg");
            3
        });
        ps[i / 2].x += n;
        (ps, before, seen, all_before)
    }

    /// Nested Vecs: a binding into a row, a row's own `push`, `&mut g[i][j]`.
    #[redis_function]
    pub fn grid(log: Key, i: usize, j: usize, n: i64) -> Vec<Vec<i64>> {
        let mut g: Vec<Vec<i64>> = vec![vec![1, 2], vec![3], Vec::new()];
        for row in g.iter_mut() {
            for c in row.iter_mut() {
                *c += n;
                rpush(&log, &c.to_string());
            }
            row.push(n);
        }
        g[{
            rpush(&log, "gi");
            i
        }]
        .push(7);
        let cell = &mut g[i][{
            rpush(&log, "gj");
            j
        }];
        *cell *= 10;
        let kept = *cell;
        let row = &mut g[0];
        row[0] = -1;
        row.push(kept);
        g
    }

    /// `HashMap<String, Vec<i64>>` through `get_mut` then `push`; a map's `iter_mut()`,
    /// `values_mut()` and `get_mut(&k).unwrap()`.
    #[redis_function]
    pub fn groups(log: Key, k: String, n: i64, words: Vec<String>) -> (Vec<(String, Vec<i64>)>, i64) {
        let mut m: HashMap<String, Vec<i64>> = HashMap::new();
        let mut counts: HashMap<String, i64> = HashMap::new();
        for (i, w) in words.iter().enumerate() {
            if let Some(xs) = m.get_mut(w) {
                xs.push(i as i64);
            } else {
                m.insert(w.clone(), vec![n]);
            }
            match counts.get_mut(w) {
                Some(c) => *c += 1,
                None => {
                    counts.insert(w.clone(), 1);
                }
            }
        }
        for (key, xs) in m.iter_mut() {
            xs.push(key.len() as i64);
        }
        for c in counts.values_mut() {
            *c *= n;
        }
        rpush(&log, "get");
        m.get_mut(&k).unwrap().push(99);
        let c = counts.get_mut(&k).expect("no such word");
        *c += 1;
        let total = *c;
        let mut out: Vec<(String, Vec<i64>)> = Vec::new();
        for (key, xs) in &m {
            out.push((key.clone(), xs.clone()));
        }
        out.sort_by_key(|p| p.0.clone());
        (out, total)
    }

    /// `Copy` structs as the values of a map: changed through `get_mut`, a `&mut self`
    /// method and `values_mut()`; the copy taken before keeps its value.
    #[redis_function]
    pub fn named_points(log: Key, k: String, n: i64) -> (P, P, Option<P>) {
        let mut pts: HashMap<String, P> = HashMap::new();
        pts.insert("a".to_string(), P { x: n, y: 0 });
        pts.insert("b".to_string(), P { x: 1, y: 1 });
        let copy = pts["a"];
        match pts.get_mut(&k) {
            Some(p) => {
                let got = p.bump(2);
                p.y += got;
                rpush(&log, &format!("{} {}", p.x, p.y));
            }
            None => {
                rpush(&log, "none");
            }
        }
        for p in pts.values_mut() {
            p.flip();
        }
        let p = pts.get_mut("a").unwrap();
        p.x *= 3;
        (pts["a"], copy, pts.get(&k).copied())
    }

    /// Structs that are not `Copy`, with a String, a Vec and a struct inside: fields
    /// changed through a binding, the inner Vec in place, the inner struct by its method.
    #[redis_function]
    pub fn jobs(log: Key, i: usize, tag: String) -> Vec<Job> {
        let mut jobs = vec![
            Job { name: "a".to_string(), tries: 0, tags: Vec::new(), at: P { x: 1, y: 2 } },
            Job { name: "b".to_string(), tries: 5, tags: vec!["x".to_string()], at: P { x: 3, y: 4 } },
        ];
        for j in jobs.iter_mut() {
            j.tries += 1;
            j.tags.push(tag.clone());
            j.name.push_str("!");
            j.at.flip();
            let at = &mut j.at;
            at.x += j.tries;
        }
        if let Some(j) = jobs.get_mut(i) {
            j.name = format!("{}{}", j.name, rpush(&log, "job"));
            j.tags[0] = tag.clone();
        }
        jobs[i].at.bump(10);
        jobs
    }
}

fn server() -> (TestServer, redis::Connection) {
    let server = TestServer::start().expect("redis-server must be installed");
    let con = server.connection().unwrap();
    (server, con)
}

/// Runs `check` on `cases` inputs drawn from `strategy`, with the connection; gives how
/// many of them failed on both sides.
fn cases<S: Strategy>(con: &mut redis::Connection, n: u32, strategy: S, check: impl Fn(&mut redis::Connection, S::Value) -> bool) -> usize {
    let cell = std::cell::RefCell::new(con);
    let failed = std::cell::Cell::new(0usize);
    runner(n)
        .run(&strategy, |v| {
            let mut con = cell.borrow_mut();
            failed.set(failed.get() + usize::from(check(&mut con, v)));
            Ok(())
        })
        .unwrap();
    failed.get()
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() })
}

#[test]
fn iter_mut_loops_agree_with_their_twin_and_keep_the_overflow_checks() {
    let (_server, mut con) = server();
    let failed = cases(&mut con, 60, (-50i64..50, prop_oneof![Just(0i32), Just(-1i32), -2000i32..2000, Just(i32::MAX / 2)], proptest::collection::vec(-400i64..400, 0..6)), |con, (k, w, v)| agree(con, &format!("scale({k}, {w}, {v:?})"), |c, log| mutrefs::scale(log, k, w, v.clone()).call(c), |log| mutrefs::twin::scale(log, k, w, v.clone())));
    // Deterministic corner cases: an overflow of the i32 and the bodies' commands.
    assert!(agree(&mut con, "scale overflows", |c, log| mutrefs::scale(log, 1, i32::MAX / 2, vec![1, 2]).call(c), |log| mutrefs::twin::scale(log, 1, i32::MAX / 2, vec![1, 2])));
    let (v, small) = mutrefs::scale("k", 1, 2, vec![1, 2, 3]).call(&mut con).unwrap();
    // `+= rpush(..)` adds the list's length: 3 elements logged, then `e0` (4), `e2` (5).
    assert_eq!((v, small), (vec![4 + 4, 7 - 1, 10 + 5], vec![4, -2, 8]));
    assert!(failed > 0 && failed < 60, "some inputs overflow the i32, not all: {failed}");
}

#[test]
fn get_mut_first_last_and_borrowed_elements_agree_with_their_twin() {
    let (_server, mut con) = server();
    let failed = cases(&mut con, 60, (0usize..6, -20i64..20, proptest::collection::vec(-100i64..100, 0..5)), |con, (i, n, v)| agree(con, &format!("slots({i}, {n}, {v:?})"), |c, log| mutrefs::slots(log, i, n, v.clone()).call(c), |log| mutrefs::twin::slots(log, i, n, v.clone())));
    assert!(agree(&mut con, "slots on an empty Vec", |c, log| mutrefs::slots(log, 0, 1, vec![]).call(c), |log| mutrefs::twin::slots(log, 0, 1, vec![])));
    assert_eq!(mutrefs::slots("k", 1, 10, vec![1, 2, 3]).call(&mut con).unwrap(), vec![(1 - 1 + 5) * 2, 2 + 10 - 1, 2]);
    assert!(failed > 0 && failed < 60, "some Vecs are too short, not all: {failed}");
}

#[test]
fn copy_structs_changed_through_bindings_and_methods_keep_earlier_copies() {
    let (_server, mut con) = server();
    cases(&mut con, 60, (0usize..5, -9i64..9, proptest::collection::vec(-50i64..50, 0..4)), |con, (i, k, xs)| agree(con, &format!("points({i}, {k}, {xs:?})"), |c, log| mutrefs::points(log, i, k, xs.clone()).call(c), |log| mutrefs::twin::points(log, i, k, xs.clone())));
    let (ps, before, seen, all_before) = mutrefs::points("k", 0, 1, vec![5, 6]).call(&mut con).unwrap();
    use mutrefs::P;
    assert_eq!((before, all_before), (P { x: 5, y: -5 }, vec![P { x: 5, y: -5 }, P { x: 6, y: -6 }]), "the copies taken before the loop");
    assert_eq!(seen, P { x: 6, y: -6 }, "the copy taken in the loop, before the change");
    assert_eq!(ps[1], P { x: 14, y: 7 });
}

#[test]
fn nested_vecs_and_rows_agree_with_their_twin() {
    let (_server, mut con) = server();
    let mut failed = 0;
    for i in 0..4usize {
        for j in 0..4usize {
            for n in [0i64, 3, -8] {
                failed += usize::from(agree(&mut con, &format!("grid({i}, {j}, {n})"), |c, log| mutrefs::grid(log, i, j, n).call(c), |log| mutrefs::twin::grid(log, i, j, n)));
            }
        }
    }
    assert!(failed > 0 && failed < 48, "some cells are out of bounds, not all: {failed}");
}

#[test]
fn maps_of_vecs_changed_through_get_mut_agree_with_their_twin() {
    let (_server, mut con) = server();
    let word = prop_oneof![Just("a".to_string()), Just("bb".to_string()), Just("c".to_string()), Just("é".to_string())];
    let failed = cases(&mut con, 60, (word.clone(), -5i64..5, proptest::collection::vec(word, 0..6)), |con, (k, n, words)| agree(con, &format!("groups({k}, {n}, {words:?})"), |c, log| mutrefs::groups(log, &k, n, words.clone()).call(c), |log| mutrefs::twin::groups(log, k.clone(), n, words.clone())));
    let words: Vec<String> = ["a", "bb", "a"].iter().map(|s| s.to_string()).collect();
    let (out, total) = mutrefs::groups("k", "a", 2, words.clone()).call(&mut con).unwrap();
    assert_eq!(out, vec![("a".to_string(), vec![2, 2, 1, 99]), ("bb".to_string(), vec![2, 2])]);
    assert_eq!(total, 2 * 2 + 1);
    assert!(agree(&mut con, "groups with a missing key", |c, log| mutrefs::groups(log, "zz", 2, words.clone()).call(c), |log| mutrefs::twin::groups(log, "zz".to_string(), 2, words.clone())));
    assert!(failed > 0 && failed < 60, "some keys are missing, not all: {failed}");
}

#[test]
fn structs_with_strings_vecs_and_structs_inside_agree_with_their_twin() {
    let (_server, mut con) = server();
    for i in 0..3usize {
        for tag in ["t", "", "é"] {
            let failed = agree(&mut con, &format!("jobs({i}, {tag:?})"), |c, log| mutrefs::jobs(log, i, tag).call(c), |log| mutrefs::twin::jobs(log, i, tag.to_string()));
            assert_eq!(failed, i == 2, "jobs({i})");
        }
    }
}

#[test]
fn copy_structs_in_a_map_changed_through_bindings_keep_earlier_copies() {
    let (_server, mut con) = server();
    for k in ["a", "b", "c"] {
        for n in [0i64, 5, -3] {
            agree(&mut con, &format!("named_points({k}, {n})"), |c, log| mutrefs::named_points(log, k, n).call(c), |log| mutrefs::twin::named_points(log, k.to_string(), n));
        }
    }
    use mutrefs::P;
    let (a, copy, got) = mutrefs::named_points("k", "a", 5).call(&mut con).unwrap();
    // a: bump(2) -> x 7, y -1, then y += 7 -> 6; flip -> (6, 7); x *= 3 -> (18, 7).
    assert_eq!((a, copy, got), (P { x: 18, y: 7 }, P { x: 5, y: 0 }, Some(P { x: 18, y: 7 })));
}
