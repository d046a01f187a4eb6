//! Differential tests of value semantics: a `Copy` struct is copied where Rust copies it
//! (binding, storing in a Vec, a map, a tuple or a struct, passing to and returning from
//! helpers and closures, loops, assignment, destructuring), and `.clone()` / `.to_vec()`
//! of a Vec of structs copies the structs. In Lua a struct is a table, and every one of
//! these places would share it: each function below changes one name and replies with
//! what the others hold, on a real server and as its native twin.

use redlua::testing::TestServer;

#[redlua::library(name = "copies")]
pub mod copies {
    use redlua::prelude::*;
    use std::collections::HashMap;

    /// A `Copy` struct: Rust copies it where the Lua would share one table.
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct Q {
        pub x: i64,
        pub y: i64,
    }

    /// A `Copy` struct holding another.
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct Outer {
        pub inner: Q,
        pub n: i64,
    }

    /// A struct that is only `Clone`.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Job {
        pub id: String,
        pub tries: i64,
    }

    fn keep(q: Q) -> Vec<Q> {
        vec![q]
    }

    fn first(v: &Vec<Q>) -> Q {
        v[0]
    }

    fn same(q: Q) -> Q {
        q
    }

    fn pair(q: Q) -> (Q, i64) {
        (q, 1)
    }

    fn norm(q: Q) -> i64 {
        q.x * q.x + q.y * q.y
    }

    fn fresh(x: i64) -> Q {
        Q { x, y: 0 }
    }

    /// `let b = a;` then `a.x = ..`.
    #[redis_function(read_only)]
    pub fn bind(n: i64) -> (Q, Q) {
        let mut a = Q { x: n, y: 1 };
        let b = a;
        a.x += 1;
        (a, b)
    }

    /// Pushing, changing and pushing again.
    #[redis_function(read_only)]
    pub fn push_twice(n: i64) -> (Vec<Q>, Q) {
        let mut q = Q { x: n, y: 0 };
        let mut v = Vec::new();
        v.push(q);
        q.x += 1;
        v.push(q);
        q.y = 7;
        v.insert(0, q);
        q.y = 8;
        v[1] = q;
        q.y = 9;
        (v, q)
    }

    /// `let mut p = v[0];`, from an `if`, from `remove` and `last`.
    #[redis_function(read_only)]
    pub fn from_index(n: i64) -> (Vec<Q>, Q, Q, Q) {
        let mut v = vec![Q { x: n, y: 0 }, Q { x: n + 1, y: 0 }, Q { x: n + 2, y: 0 }];
        let mut p = v[0];
        p.x = 100;
        let mut r = if n > 0 { v[1] } else { v[2] };
        r.y = 5;
        let shared = vec![p, p];
        let mut s = v.remove(2);
        s.y = 6;
        v.push(s);
        let mut t = shared[0];
        t.x = -1;
        (v, r, shared[1], t)
    }

    /// A map holding a struct variable.
    #[redis_function(read_only)]
    pub fn map_insert(n: i64) -> (i64, i64, i64) {
        let mut q = Q { x: n, y: 0 };
        let mut m = HashMap::new();
        m.insert("a".to_string(), q);
        q.x += 1;
        m.insert("b".to_string(), q);
        q.x += 1;
        let a = m.get("a").map(|p| p.x).unwrap_or(-1);
        let b = m.get("b").map(|p| p.x).unwrap_or(-1);
        (a, b, q.x)
    }

    /// A tuple, a struct field, `vec![q; n]` and `vec![q, q]` holding a struct variable.
    #[redis_function(read_only)]
    pub fn containers(n: i64) -> ((Q, i64), Outer, Vec<Q>, Vec<Q>, Q) {
        let mut q = Q { x: n, y: 0 };
        let t = (q, 5);
        let o = Outer { inner: q, n: 1 };
        let filled = vec![q; 2];
        let listed = vec![q, q];
        q.x = 42;
        (t, o, filled, listed, q)
    }

    /// Helpers: one that keeps its parameter, one returning an element, one returning
    /// its parameter, one returning it in a tuple, one only reading it.
    #[redis_function(read_only)]
    pub fn helpers(n: i64) -> (Vec<Q>, Vec<Q>, Q, Q, Q, Q, i64) {
        let mut q = Q { x: n, y: 1 };
        let kept = keep(q);
        q.x += 1;
        let v = vec![q];
        let mut p = first(&v);
        p.y = 9;
        let mut r = same(q);
        r.y = 10;
        let (mut c, _) = pair(q);
        c.y = 11;
        let mut f = fresh(n);
        f.y = 12;
        let d = norm(q);
        q.y = 0;
        (kept, v, p, q, r, c, d + f.y)
    }

    /// `Some(q)` and `let Some(r) = Some(q) else ..`.
    #[redis_function(read_only)]
    pub fn options(n: i64) -> (i64, i64, i64) {
        let mut q = Q { x: n, y: 0 };
        let o = Some(q);
        let Some(r) = Some(q) else { return (0, 0, 0) };
        q.x += 1;
        let from_o = o.map(|p| p.x).unwrap_or(-1);
        (from_o, r.x, q.x)
    }

    /// Closures: a `mut` parameter, a closure returning its parameter, `map(|mut p| ..)`.
    #[redis_function(read_only)]
    pub fn closures(n: i64) -> (i64, i64, i64, Vec<Q>) {
        let q = Q { x: n, y: 0 };
        let bump = |mut p: Q| {
            p.x += 1;
            p.x
        };
        let bumped = bump(q);
        let pass = |p: Q| p;
        let mut r = pass(q);
        r.y = 3;
        let twice = vec![q, q];
        let moved: Vec<Q> = twice.into_iter().map(|mut p| {
            p.y += 1;
            p
        }).collect();
        (bumped, q.x, q.y + r.y, moved)
    }

    /// Loops: a copy of each element, `for mut` over a clone, over a Vec holding one
    /// struct twice, and over a map.
    #[redis_function(read_only)]
    pub fn loops(n: i64) -> (Vec<Q>, Vec<Q>, Vec<i64>, Q, i64) {
        let v = vec![Q { x: n, y: 0 }, Q { x: n + 1, y: 0 }];
        let mut w = Vec::new();
        for q in v.iter() {
            let mut r = *q;
            r.y += 10;
            w.push(r);
        }
        for mut q in v.clone() {
            q.y += 20;
            w.push(q);
        }
        let base = Q { x: n, y: 0 };
        let mut seen = Vec::new();
        for mut p in vec![base, base] {
            p.y += 1;
            seen.push(p.y);
        }
        let mut m = HashMap::new();
        m.insert("k".to_string(), base);
        let mut total = 0;
        for (_, mut p) in m {
            p.y += 100;
            total += p.y;
        }
        (v, w, seen, base, total)
    }

    /// `a = b;` to an existing variable, tuple destructuring, a field of a nested struct.
    #[redis_function(read_only)]
    pub fn assign(n: i64) -> (Q, Q, (Q, i64), Q, Outer, Q) {
        let b = Q { x: n, y: 2 };
        let mut a = Q { x: 1, y: 1 };
        a.y += b.y;
        a = b;
        a.x += 1;
        let t = (b, 3);
        let (mut c, _) = t;
        c.y = 30;
        let o = Outer { inner: b, n: 4 };
        let mut i = o.inner;
        i.y = 40;
        (a, b, t, c, o, i)
    }

    /// A struct kept, then changed: later in a loop it outlives, later in the same turn
    /// of a loop, in a branch, in a block.
    #[redis_function(read_only)]
    pub fn later(n: i64) -> (Vec<Q>, Vec<Q>, Vec<Q>, Q) {
        let mut cur = Q { x: 0, y: n };
        let mut path = Vec::new();
        for _ in 0..3 {
            path.push(cur);
            cur.x += 1;
        }
        let mut again = Vec::new();
        let mut k = 0;
        while k < 2 {
            let mut p = Q { x: k, y: n };
            again.push(p);
            p.y += 1;
            again.push(p);
            k += 1;
        }
        let mut branch = Vec::new();
        let mut b = Q { x: n, y: 0 };
        branch.push(b);
        if n > 0 {
            b.y = 1;
        } else {
            b.y = -1;
        }
        branch.push(b);
        let kept = b;
        {
            b.x += 100;
        }
        branch.push(b);
        (path, again, branch, kept)
    }

    /// `.clone()` and `.to_vec()` of a Vec of structs copy the structs.
    #[redis_function(read_only)]
    pub fn clones(n: i64) -> (Vec<Job>, Vec<Job>, Vec<Q>) {
        let mut jobs = vec![Job { id: "a".to_string(), tries: n }, Job { id: "b".to_string(), tries: 0 }];
        let saved = jobs.clone();
        let listed = jobs.to_vec();
        let mut j = jobs.remove(0);
        j.tries += 1;
        jobs.push(j);
        let qs = vec![Q { x: n, y: 0 }];
        let mut copied = qs.to_vec();
        let mut e = copied.remove(0);
        e.y = 5;
        copied.push(e);
        (saved, listed, qs)
    }

    /// `.cloned()` / `.copied()` of tables in an iterator chain: each element is a copy,
    /// so changing what was collected leaves the source as it was.
    #[redis_function(read_only)]
    pub fn cloned_elements(n: i64) -> (Vec<Vec<i64>>, Vec<Vec<i64>>, Vec<Q>, Vec<Q>, i64) {
        let src = vec![vec![n, 1], vec![2]];
        let mut out: Vec<Vec<i64>> = src.iter().cloned().collect();
        out[0].push(9);
        out[1][0] = n * 3;
        let qs = vec![Q { x: n, y: 1 }, Q { x: 2, y: n }];
        let mut cs: Vec<Q> = qs.iter().copied().filter(|q| q.x != 0).collect();
        for q in cs.iter_mut() {
            q.y += 10;
        }
        let mut total = 0;
        for mut q in qs.iter().cloned() {
            q.x += 1;
            total = total * 100 + q.x;
        }
        (src, out, qs, cs, total)
    }

    /// Closures whose only calls cannot fail or change anything (`to_vec`, `contains`,
    /// `first`, a map's `len`) before `skip` and `zip`: Rust may run them for an element
    /// it then drops, which nothing can tell, so the chains compile.
    #[redis_function(read_only)]
    pub fn quiet_closures(word: String, v: Vec<i64>) -> (Vec<Vec<i64>>, Vec<(bool, i64)>, Vec<String>, Vec<i64>) {
        let words: Vec<String> = if word.is_empty() { Vec::new() } else { vec![word, "x".to_string()] };
        let a: Vec<Vec<i64>> = v.chunks(2).map(|c| c.to_vec()).skip(1).collect();
        let b: Vec<(bool, i64)> = v.iter().map(|x| words.contains(&x.to_string())).zip(v.clone()).collect();
        let c: Vec<String> = v.iter().map(|_| words.first().cloned().unwrap_or_default()).skip(1).collect();
        let mut m: HashMap<String, i64> = HashMap::new();
        m.insert("a".to_string(), 1);
        let d: Vec<i64> = v.iter().map(|x| x + m.len() as i64).zip(vec![5, 6]).map(|(x, y)| x * y).collect();
        (a, b, c, d)
    }
}

#[test]
fn copy_structs_are_copied_where_rust_copies_them() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let mut differ = Vec::new();
    for n in [0, 1, -7] {
        macro_rules! same {
            ($f:ident) => {{
                let lua = copies::$f(n).call(&mut con);
                let rust = redlua::twin::try_run(&mut con, || copies::twin::$f(n));
                match (&lua, &rust) {
                    (Ok(l), Ok(r)) if l == r => {}
                    _ => differ.push(format!("{}({n}): Lua {lua:?}, Rust {rust:?}", stringify!($f))),
                }
            }};
        }
        same!(bind);
        same!(push_twice);
        same!(from_index);
        same!(map_insert);
        same!(containers);
        same!(helpers);
        same!(options);
        same!(closures);
        same!(loops);
        same!(assign);
        same!(clones);
        same!(later);
        same!(cloned_elements);
    }
    assert!(differ.is_empty(), "the Lua differs from Rust:\n{}", differ.join("\n"));
    // The originals are untouched, as Rust has them.
    let (a, b) = copies::bind(3).call(&mut con).unwrap();
    assert_eq!((a.x, b.x), (4, 3));
    let (v, _) = copies::push_twice(1).call(&mut con).unwrap();
    assert_eq!(v.iter().map(|q| (q.x, q.y)).collect::<Vec<_>>(), vec![(2, 7), (2, 8), (2, 0)]);
}

#[test]
fn quiet_closures_before_skip_and_zip_agree_with_the_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for v in [vec![], vec![3], vec![1, 2, 3], vec![3, -4, 5, 6, 7]] {
        for w in ["", "3"] {
            let lua = copies::quiet_closures(w, v.clone()).call(&mut con).map_err(|e| e.to_string());
            let rust = redlua::twin::try_run(&mut con, || copies::twin::quiet_closures(w.to_string(), v.clone()));
            assert_eq!(lua, rust, "{v:?} {w:?}");
        }
    }
    let (a, b, _, d) = copies::quiet_closures("3", vec![1, 2, 3]).call(&mut con).unwrap();
    assert_eq!((a, b[2], d), (vec![vec![3]], (true, 3), vec![10, 18]));
}
