//! Differential tests of assignment through a place: `v[i] op= e`, fields of elements
//! (`v[i].x = e`), tuple fields (`t.0 = e`), nested Vecs (`g[i][j] = e`), nested struct
//! fields (`s.a.x = e`), `map[&k]` and `*map.get_mut(&k).unwrap() op= e`. Every index and
//! value with an effect appends a tag to a Redis list, so the list is the order Rust runs
//! them in; the Lua on a real server and the native twin must leave the same trace and
//! give the same reply, or both fail (an index out of bounds, a missing key, an overflow).

use redlua::testing::TestServer;
use redlua_tests::agree;

#[redlua::library(name = "assign_places")]
pub mod assign_places {
    use redlua::prelude::*;
    use std::collections::HashMap;

    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct P {
        pub x: i64,
        pub y: i64,
    }

    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct Seg {
        pub a: P,
        pub b: P,
    }

    #[derive(Debug, Clone, PartialEq)]
    pub struct Job {
        pub name: String,
        pub tries: i64,
        pub tags: Vec<String>,
    }

    /// `v[i] op= e`: the value first, then the index, then the bounds check.
    #[redis_function]
    pub fn add_at(log: Key, i: usize, n: i64, v: Vec<i64>) -> Vec<i64> {
        let mut v = v;
        v[{
            rpush(&log, "index");
            i
        }] += {
            rpush(&log, "value");
            n
        };
        v[i] *= 3;
        v[i] -= 1;
        v[i] %= 1000;
        v
    }

    /// `+=` on a `u8` element keeps Rust's overflow check.
    #[redis_function]
    pub fn narrow(i: usize, k: u8) -> i64 {
        let mut b: Vec<u8> = vec![250u8, 3u8];
        b[i] += k;
        b[0] as i64 * 1000 + b[1] as i64
    }

    /// `v[i].x = e` and `v[i].y += e` on `Copy` structs held in a Vec: the copies taken
    /// before (`keep`, the pushed `q`) do not change.
    #[redis_function]
    pub fn points(log: Key, i: usize, n: i64, xs: Vec<i64>) -> (Vec<P>, P, P) {
        let mut ps: Vec<P> = Vec::new();
        for x in xs.iter() {
            ps.push(P { x: *x, y: 0 });
        }
        let q = P { x: 100, y: 100 };
        ps.push(q);
        let keep = ps[0];
        ps[{
            rpush(&log, "index");
            i
        }]
        .x = {
            rpush(&log, "value");
            n
        };
        ps[i].y += n;
        let last = ps.len() - 1;
        ps[last].x -= 1;
        (ps, keep, q)
    }

    /// Fields of a `let mut` tuple: `t.0 = e`, `t.1 += e`, `t.2 += &s`; a copy taken
    /// before keeps its values.
    #[redis_function]
    pub fn tuples(log: Key, a: i64, s: String) -> ((i64, i64, String), (i64, i64, String)) {
        let mut t = (a, 1, "x".to_string());
        let u = t.clone();
        t.0 = {
            rpush(&log, "first");
            a * 2
        };
        t.1 += {
            rpush(&log, "second");
            a
        };
        t.2 += &s;
        (t, u)
    }

    /// `g[i][j] = e` and `g[i][j] += e`: the value, then `i` (checked), then `j`.
    #[redis_function]
    pub fn grid(log: Key, i: usize, j: usize, n: i64) -> Vec<Vec<i64>> {
        let mut g = vec![vec![1, 2, 3], vec![4, 5]];
        g[{
            rpush(&log, "i");
            i
        }][{
            rpush(&log, "j");
            j
        }] = {
            rpush(&log, "value");
            n
        };
        g[i][j] += 1;
        g
    }

    /// Nested struct fields of a variable and of a Vec's element: `s.a.x = e`,
    /// `segs[i].b.y += e`; the copies taken before keep their values.
    #[redis_function]
    pub fn nested(i: usize, n: i64) -> (Seg, Seg, Vec<Seg>, Seg) {
        let mut s = Seg { a: P { x: 1, y: 2 }, b: P { x: 3, y: 4 } };
        let before = s;
        s.a.x = n;
        s.b.y += n;
        let mut segs = vec![before, s];
        let first = segs[0];
        segs[i].b.y += 10;
        segs[i].a = P { x: 0, y: 0 };
        (s, before, segs, first)
    }

    /// A struct that is not `Copy` in a Vec: a String field, an element of a Vec field.
    #[redis_function]
    pub fn jobs(i: usize, tag: String) -> Vec<Job> {
        let mut js = vec![Job { name: "a".to_string(), tries: 0, tags: Vec::new() }, Job { name: "b".to_string(), tries: 5, tags: vec!["t".to_string()] }];
        js[i].tries += 1;
        js[i].name += "!";
        js[i].tags[0] = tag;
        js
    }

    /// `+=` on a String element is a method call: Rust reaches the place (and panics out
    /// of bounds) before it runs the value.
    #[redis_function]
    pub fn names(log: Key, i: usize, s: String) -> Vec<String> {
        let mut names = vec!["a".to_string(), "b".to_string()];
        names[{
            rpush(&log, "index");
            i
        }] += &{
            rpush(&log, "value");
            s.clone()
        };
        names
    }

    /// `map[&k]` (a missing key panics) and `*map.get_mut(&k).unwrap() op= e`.
    #[redis_function]
    pub fn counts(log: Key, k: String, n: i64, words: Vec<String>) -> (i64, i64) {
        let mut m: HashMap<String, i64> = HashMap::new();
        for w in words.iter() {
            *m.entry(w.clone()).or_insert(0) += 1;
        }
        *m.get_mut(&{
            rpush(&log, "key");
            k.clone()
        })
        .unwrap() += {
            rpush(&log, "value");
            n
        };
        let a = m[&k];
        *m.get_mut(&k).expect("present") = a * 2;
        (a, m[&k])
    }
}

fn vecs() -> Vec<Vec<i64>> {
    vec![vec![], vec![5], vec![1, 2, 3], vec![-7, 0, 9, 12]]
}

#[test]
fn compound_assignment_into_a_vec_element_runs_the_value_then_the_index() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let mut failed = 0;
    for v in vecs() {
        for i in [0usize, 1, 2, 3, 4] {
            for n in [0i64, 4, -9] {
                failed += usize::from(agree(&mut con, &format!("add_at({v:?}, {i}, {n})"), |c, log| assign_places::add_at(log, i, n, v.clone()).call(c), |log| assign_places::twin::add_at(log, i, n, v.clone())));
            }
        }
    }
    assert!(failed > 0, "some index was out of bounds");
    let mut failed = 0;
    for i in [0usize, 1, 2] {
        for k in [0u8, 5, 6, 255] {
            failed += usize::from(agree(&mut con, &format!("narrow({i}, {k})"), |c, _| assign_places::narrow(i, k).call(c), |_| assign_places::twin::narrow(i, k)));
        }
    }
    assert!(failed > 3, "250 + 6 overflows a u8, index 2 is out of bounds");
}

#[test]
fn fields_of_elements_and_tuples_keep_copies_apart() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for xs in vecs() {
        for i in [0usize, 1, 3, 5] {
            agree(&mut con, &format!("points({xs:?}, {i})"), |c, log| assign_places::points(log, i, 8, xs.clone()).call(c), |log| assign_places::twin::points(log, i, 8, xs.clone()));
        }
    }
    let (ps, keep, q) = assign_places::points("k", 0, 8, vec![1, 2]).call(&mut con).unwrap();
    assert_eq!((ps[0], keep, q, ps[2]), (assign_places::P { x: 8, y: 8 }, assign_places::P { x: 1, y: 0 }, assign_places::P { x: 100, y: 100 }, assign_places::P { x: 99, y: 100 }));
    for (a, s) in [(0, ""), (3, "yz"), (-5, "é")] {
        agree(&mut con, &format!("tuples({a}, {s:?})"), |c, log| assign_places::tuples(log, a, s).call(c), |log| assign_places::twin::tuples(log, a, s.to_string()));
    }
    for i in [0usize, 1, 2] {
        for n in [0i64, 7] {
            agree(&mut con, &format!("nested({i}, {n})"), |c, _| assign_places::nested(i, n).call(c), |_| assign_places::twin::nested(i, n));
        }
        agree(&mut con, &format!("jobs({i})"), |c, _| assign_places::jobs(i, "new").call(c), |_| assign_places::twin::jobs(i, "new".to_string()));
    }
}

#[test]
fn a_string_element_is_reached_before_its_appended_value_runs() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for i in [0usize, 1, 2] {
        let failed = agree(&mut con, &format!("names({i})"), |c, log| assign_places::names(log, i, "+").call(c), |log| assign_places::twin::names(log, i, "+".to_string()));
        assert_eq!(failed, i == 2, "names({i})");
    }
}

#[test]
fn nested_vecs_are_checked_index_by_index() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for i in [0usize, 1, 2] {
        for j in [0usize, 1, 2, 3] {
            agree(&mut con, &format!("grid({i}, {j})"), |c, log| assign_places::grid(log, i, j, 40).call(c), |log| assign_places::twin::grid(log, i, j, 40));
        }
    }
}

#[test]
fn map_index_and_get_mut_panic_on_a_missing_key() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let words = vec!["a".to_string(), "b".to_string(), "a".to_string()];
    for k in ["a", "b", "c"] {
        let failed = agree(&mut con, &format!("counts({k})"), |c, log| assign_places::counts(log, k, 5, words.clone()).call(c), |log| assign_places::twin::counts(log, k.to_string(), 5, words.clone()));
        assert_eq!(failed, k == "c", "counts({k})");
    }
}

#[redlua::library(name = "assign_more")]
pub mod assign_more {
    use redlua::prelude::*;

    /// `unwrap_or_default()` of `Option<f64>`, `Option<String>` and `Option<Vec<i64>>`.
    #[redis_function]
    pub fn defaults(x: Option<f64>, s: Option<String>) -> (f64, String, Vec<i64>, Vec<i64>) {
        let none: Option<Vec<i64>> = None;
        let some = Some(vec![1, 2]);
        let mut d = none.unwrap_or_default();
        d.push(7);
        (x.unwrap_or_default(), s.unwrap_or_default(), d, some.unwrap_or_default())
    }

    /// `.clone()` of a `Vec<Vec<i64>>` copies the inner Vecs: changing the copy leaves
    /// the original as it was.
    #[redis_function]
    pub fn clones(n: i64) -> (Vec<Vec<i64>>, Vec<Vec<i64>>) {
        let g = vec![vec![n, 2], vec![3]];
        let mut h = g.clone();
        h[0][0] += 1;
        h[1][0] = 0;
        (g, h)
    }

    /// `&v[a..b]`, `&v[a..]`, `&v[..b]`, `&v[a..=b]` read by `len`, `iter`, `for` and
    /// `to_vec`; out of range, Rust panics.
    #[redis_function]
    pub fn slices(log: Key, a: usize, b: usize, v: Vec<i64>) -> (usize, i64, Vec<i64>, Vec<i64>, Vec<i64>) {
        let s = &v[{
            rpush(&log, "a");
            a
        }..{
            rpush(&log, "b");
            b
        }];
        let mut t = 0;
        for x in s {
            t += x;
        }
        let from: Vec<i64> = v[a..].to_vec();
        let upto = v[..b].to_vec();
        let closed = v[a..=b].iter().map(|x| x * 2).collect::<Vec<i64>>();
        (s.len(), s.iter().sum::<i64>() + t, from, upto, closed)
    }
}

#[test]
fn unwrap_or_default_clone_of_nested_vecs_and_vec_slices_agree_with_their_twins() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for (x, s) in [(None, None), (Some(-2.5), Some("q")), (Some(0.0), None), (Some(1e300), Some(""))] {
        agree(&mut con, &format!("defaults({x:?}, {s:?})"), |c, _| assign_more::defaults(x, s).call(c), |_| assign_more::twin::defaults(x, s.map(str::to_string)));
    }
    for n in [0, 5] {
        agree(&mut con, &format!("clones({n})"), |c, _| assign_more::clones(n).call(c), |_| assign_more::twin::clones(n));
    }
    let (g, h) = assign_more::clones(5).call(&mut con).unwrap();
    assert_eq!((g, h), (vec![vec![5, 2], vec![3]], vec![vec![6, 2], vec![0]]));
    let mut failed = 0;
    for v in vecs() {
        for a in 0..=5usize {
            for b in 0..=5usize {
                failed += usize::from(agree(&mut con, &format!("slices({a}, {b}, {v:?})"), |c, log| assign_more::slices(log, a, b, v.clone()).call(c), |log| assign_more::twin::slices(log, a, b, v.clone())));
            }
        }
    }
    assert!(failed > 0 && failed < 4 * 36, "some slices are out of range, some are not");
}
