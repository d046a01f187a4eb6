//! Differential tests of `impl` blocks on the structs and enums of a library: methods
//! taking `&self`, `&mut self` and `self`, associated functions, `Self`, methods calling
//! each other and sending commands. Each function runs as generated Lua on a real server
//! and as its native twin, on the same inputs; replies and keyspace must agree.

use redlua::prelude::*;
use redlua::testing::TestServer;
use redlua_tests::try_twin;

#[redlua::library(name = "impls")]
pub mod impls {
    use redlua::prelude::*;

    /// A `Copy` struct: a `&mut self` method must change only its receiver.
    #[derive(Clone, Copy, PartialEq, Debug)]
    pub struct Point {
        pub x: i64,
        pub y: i64,
    }

    impl Point {
        pub fn new(x: i64, y: i64) -> Self {
            Self { x, y }
        }

        pub fn origin() -> Point {
            Self::new(0, 0)
        }

        pub fn len2(&self) -> i64 {
            self.x * self.x + self.y * self.y
        }

        pub fn plus(&self, o: Point) -> Point {
            Point::new(self.x + o.x, self.y + o.y)
        }

        pub fn shift(&mut self, dx: i64, dy: i64) {
            self.x += dx;
            self.y += dy;
        }

        /// A value and a change, with an early return.
        pub fn step_towards(&mut self, limit: i64) -> i64 {
            if self.x >= limit {
                return 0;
            }
            self.shift(1, 0);
            self.len2()
        }

        pub fn sum(self) -> i64 {
            self.x + self.y
        }

        pub fn mirrored(mut self) -> Point {
            let t = self.x;
            self.x = self.y;
            self.y = t;
            self
        }
    }

    /// A struct with a Vec, changed in place and saved with a command.
    #[derive(Clone, Debug)]
    pub struct Tally {
        pub name: String,
        pub hits: Vec<i64>,
    }

    impl Default for Tally {
        fn default() -> Self {
            Tally { name: "t".to_string(), hits: Vec::new() }
        }
    }

    impl Tally {
        pub fn add(&mut self, n: i64) -> usize {
            let mut hits = self.hits.clone();
            hits.push(n);
            self.hits = hits;
            self.hits.len()
        }

        pub fn total(&self) -> i64 {
            self.hits.iter().sum()
        }

        pub fn save(&self, k: &Key) -> i64 {
            for h in &self.hits {
                rpush(k, format!("{}:{h}", self.name));
            }
            llen(k)
        }
    }

    #[derive(Clone, Copy, PartialEq, Debug)]
    pub enum State {
        Idle,
        Running,
        Done,
    }

    impl State {
        pub fn next(self) -> Self {
            match self {
                Self::Idle => Self::Running,
                _ => Self::Done,
            }
        }

        pub fn advance(&mut self) {
            *self = self.next();
        }

        pub fn is_done(&self) -> bool {
            matches!(self, State::Done)
        }
    }

    #[derive(Clone, PartialEq, Debug)]
    pub enum Shape {
        Square(i64),
        Rect { w: i64, h: i64 },
    }

    impl Shape {
        pub fn area(&self) -> i64 {
            match self {
                Shape::Square(s) => s * s,
                Shape::Rect { w, h } => w * h,
            }
        }

        pub fn grow(&mut self, by: i64) {
            *self = match self {
                Shape::Square(s) => Shape::Square(*s + by),
                Shape::Rect { w, h } => Shape::Rect { w: *w + by, h: *h },
            };
        }
    }

    /// Struct methods: constructors, `&self`, `&mut self` (with and without a value),
    /// `self` and `mut self`; copies of a `Copy` receiver are not changed by its methods.
    #[redis_function(read_only)]
    pub fn points(x: i64, y: i64, limit: i64) -> (Vec<i64>, Vec<i64>, i64, i64) {
        let mut p = Point::new(x, y);
        let before = p;
        let mut kept = vec![p];
        p.shift(2, -1);
        let mut steps = Vec::new();
        let mut i = 0;
        while i < 4 {
            steps.push(p.step_towards(limit));
            i += 1;
        }
        kept.push(p);
        let q = p.plus(Point::origin()).mirrored();
        let mut r = q;
        r.shift(1, 1);
        let coords = vec![before.x, before.y, kept[0].x, kept[1].x, p.x, p.y, q.x, q.y, r.x, r.y];
        (coords, steps, p.len2() + before.len2(), q.sum() + Point::len2(&r))
    }

    /// A struct holding a Vec, changed by `&mut self` methods, saved by a method that
    /// sends commands; an `impl Default` used by its path.
    #[redis_function]
    pub fn tally(k: Key, xs: Vec<i64>) -> (i64, i64, Vec<i64>) {
        let mut t = Tally::default();
        let mut sizes = Vec::new();
        for x in &xs {
            if *x > 0 {
                sizes.push(t.add(*x) as i64);
            }
        }
        let n = t.save(&k);
        (t.total(), n, sizes)
    }

    /// Unit enums: `self`, `&self`, and `&mut self` assigning `*self`.
    #[redis_function(read_only)]
    pub fn states(s: State, times: i64) -> (State, State, bool, i64) {
        let mut cur = s;
        let mut n = 0;
        while n < times && !cur.is_done() {
            cur.advance();
            n += 1;
        }
        (cur, s.next(), s.is_done(), n)
    }

    /// Enums with data: `&self` matching on `self`, `&mut self` replacing it.
    #[redis_function(read_only)]
    pub fn shapes(a: i64, b: i64) -> Vec<i64> {
        let mut shapes = vec![Shape::Square(a), Shape::Rect { w: a, h: b }];
        let mut out = Vec::new();
        for s in &shapes {
            out.push(s.area());
        }
        let mut first = shapes[0].clone();
        first.grow(b);
        out.push(first.area());
        out.push(shapes[0].area());
        let mut last = shapes.pop().unwrap_or(Shape::Square(0));
        last.grow(1);
        out.push(last.area());
        out
    }
}

#[test]
fn struct_methods_agree_with_the_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for (x, y, limit) in [(0, 0, 0), (1, 2, 5), (-3, 4, 1), (7, -7, 100), (2, 2, 4)] {
        let lua = impls::points(x, y, limit).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || impls::twin::points(x, y, limit));
        assert_eq!(lua, rust, "{x} {y} {limit}");
    }
    // The copies kept before the `&mut self` calls did not change.
    let (coords, steps, _, _) = impls::points(1, 2, 5).call(&mut con).unwrap();
    assert_eq!(&coords[..4], &[1, 2, 1, 5], "{coords:?}");
    assert_eq!(steps, vec![17, 26, 0, 0]);
}

#[test]
fn methods_that_change_a_vec_and_send_commands_agree_with_the_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for xs in [vec![], vec![3, -1, 4], vec![1, 1, 1, 1]] {
        redis::cmd("FLUSHALL").query::<()>(&mut con).unwrap();
        let lua = impls::tally("lua:t", xs.clone()).call(&mut con).unwrap();
        let rust = try_twin(&mut con, || impls::twin::tally(Key::from("rust:t"), xs.clone())).unwrap();
        assert_eq!(lua, rust, "{xs:?}");
        let lists: Vec<Vec<String>> = ["lua:t", "rust:t"].iter().map(|k| redis::cmd("LRANGE").arg(k).arg(0).arg(-1).query(&mut con).unwrap()).collect();
        assert_eq!(lists[0], lists[1], "{xs:?}");
    }
    assert_eq!(impls::tally("x", vec![3, -1, 4]).call(&mut con).unwrap(), (7, 2, vec![1, 2]));
}

#[test]
fn enum_methods_agree_with_the_twin() {
    use impls::State;
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for s in [State::Idle, State::Running, State::Done] {
        for times in [0, 1, 2, 5] {
            let lua = impls::states(s, times).call(&mut con).unwrap();
            let rust = redlua::twin::run(&mut con, || impls::twin::states(s, times));
            assert_eq!(lua, rust, "{s:?} {times}");
        }
    }
    assert_eq!(impls::states(State::Idle, 5).call(&mut con).unwrap(), (State::Done, State::Running, false, 2));
    for (a, b) in [(0, 0), (2, 3), (-4, 5)] {
        let lua = impls::shapes(a, b).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || impls::twin::shapes(a, b));
        assert_eq!(lua, rust, "{a} {b}");
    }
    assert_eq!(impls::shapes(2, 3).call(&mut con).unwrap(), vec![4, 6, 25, 4, 9]);
}
