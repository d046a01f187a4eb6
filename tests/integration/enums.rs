//! Differential tests of user enums (unit enums and enums with data) and `impl` blocks:
//! each function runs as generated Lua on a real server and as its native twin, on the
//! same inputs, and the two must agree on the reply and the keyspace.

use redlua::prelude::*;
use redlua::testing::TestServer;
use redlua_tests::{lua_outcome, try_twin, twin_outcome};

#[redlua::library(name = "enums")]
pub mod enums {
    use redlua::prelude::*;

    /// A unit enum, as users derive it.
    #[derive(Clone, Copy, PartialEq, Debug)]
    pub enum State {
        Idle,
        Running,
        Done,
    }

    /// An enum with data: a tuple variant, a struct variant and a unit variant.
    #[derive(Clone, PartialEq, Debug)]
    pub enum Cmd {
        Add(i64),
        Set { key: String, v: i64 },
        Pair(i64, String),
        Clear,
    }

    fn next(s: State) -> State {
        match s {
            State::Idle => State::Running,
            State::Running => State::Done,
            State::Done => State::Done,
        }
    }

    fn parse_cmd(word: &str, n: i64) -> Option<Cmd> {
        match word {
            "add" => Some(Cmd::Add(n)),
            "set" => Some(Cmd::Set { v: n * 2, key: format!("k{n}") }),
            "pair" => Some(Cmd::Pair(n, word.to_string())),
            "clear" => Some(Cmd::Clear),
            _ => None,
        }
    }

    fn apply(total: i64, c: &Cmd) -> i64 {
        match c {
            Cmd::Add(n) if *n < 0 => total - 1,
            Cmd::Add(n) => total + n,
            Cmd::Set { v, .. } => *v,
            Cmd::Pair(a, s) => total + a + s.len() as i64,
            Cmd::Clear => 0,
        }
    }

    /// A unit enum as a parameter and a reply (its variant's name), stepped by a helper,
    /// compared with `==`, matched with `|`.
    #[redis_function(read_only)]
    pub fn step(s: State, times: i64) -> (State, bool, i64, String) {
        let mut cur = s;
        let mut i = 0;
        while i < times {
            cur = next(cur);
            i += 1;
        }
        let rank = match cur {
            State::Idle | State::Running => 1,
            State::Done => 2,
        };
        (cur, cur == s, rank, format!("{:?}", cur))
    }

    /// Unit enums stored in a Vec and an Option, compared, counted.
    #[redis_function(read_only)]
    pub fn states(names: Vec<String>) -> (Vec<State>, Option<State>, i64) {
        let mut v: Vec<State> = Vec::new();
        for n in &names {
            let s = if n == "run" { State::Running } else if n == "done" { State::Done } else { State::Idle };
            v.push(s);
        }
        let first_done = v.iter().copied().find(|s| *s == State::Done);
        let running = v.iter().filter(|s| **s != State::Idle).count() as i64;
        (v, first_done, running)
    }

    /// `return` inside a closure without a declared return type: the first `return`
    /// gives the closure its type.
    #[redis_function(read_only)]
    pub fn early(xs: Vec<i64>) -> Vec<i64> {
        let f = |x: i64| {
            if x < 0 {
                return 0;
            }
            x * 2
        };
        xs.iter().map(|x| f(*x)).collect()
    }

    /// Enums with data: built by a helper, kept in a Vec, matched with every pattern
    /// form (tuple, struct with `..`, guards, unit, wildcard), compared by value.
    #[redis_function]
    pub fn run(log: Key, words: Vec<String>) -> (i64, i64, bool, Vec<i64>) {
        let mut cmds: Vec<Cmd> = Vec::new();
        for (i, w) in words.iter().enumerate() {
            if let Some(c) = parse_cmd(w, i as i64 - 1) {
                cmds.push(c);
            }
        }
        let mut total = 0;
        let mut kinds = Vec::new();
        for c in &cmds {
            total = apply(total, c);
            let kind = match c {
                Cmd::Add(_) => 1,
                Cmd::Set { key, v: 4 } if key.len() > 1 => 2,
                Cmd::Set { .. } => 3,
                Cmd::Pair(..) => 4,
                _ => 5,
            };
            kinds.push(kind);
            if let Cmd::Set { key, v } = c {
                rpush(&log, format!("{key}={v}"));
            }
        }
        let copy = cmds.clone();
        let same = copy == cmds && cmds.first() != Some(&Cmd::Clear);
        let adds = cmds.iter().filter(|c| matches!(c, Cmd::Add(n) if *n > 0)).count() as i64;
        (total, adds, same, kinds)
    }
}

#[test]
fn unit_enums_agree_with_the_twin() {
    use enums::State;
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for s in [State::Idle, State::Running, State::Done] {
        for times in [0, 1, 2, 3] {
            let lua = enums::step(s, times).call(&mut con).unwrap();
            let rust = redlua::twin::run(&mut con, || enums::twin::step(s, times));
            assert_eq!(lua, rust, "{s:?} {times}");
        }
    }
    assert_eq!(enums::step(State::Idle, 1).call(&mut con).unwrap().0, State::Running);
    for names in [vec![], vec!["run", "x", "done", "done"], vec!["idle"]] {
        let names: Vec<String> = names.into_iter().map(String::from).collect();
        let lua = enums::states(names.clone()).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || enums::twin::states(names.clone()));
        assert_eq!(lua, rust, "{names:?}");
    }
}

#[test]
fn a_unit_enum_argument_must_name_a_variant() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    // Another client (redis-cli) sends the variant's name.
    let r: redis::RedisResult<redis::Value> = redis::cmd("FCALL").arg("step").arg(0).arg("Running").arg(1).query(&mut con);
    assert!(r.is_err(), "the library is not loaded yet: {r:?}");
    enums::step(enums::State::Idle, 0).call(&mut con).unwrap();
    let r: Vec<redis::Value> = redis::cmd("FCALL").arg("step").arg(0).arg("Running").arg(1).query(&mut con).unwrap();
    assert_eq!(r[0], redis::Value::BulkString(b"Done".to_vec()));
    let e = redis::cmd("FCALL").arg("step").arg(0).arg("running").arg(1).query::<redis::Value>(&mut con).unwrap_err();
    assert!(e.to_string().contains("argument s must be one of Idle, Running, Done"), "{e}");
}

#[test]
fn enums_with_data_agree_with_the_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec![],
        vec!["add", "add", "set", "pair", "clear", "add"],
        vec!["clear", "set", "x", "set", "add", "set", "set"],
        vec!["pair", "pair", "add", "add", "add"],
        vec!["add"],
    ];
    for words in cases {
        redis::cmd("FLUSHALL").query::<()>(&mut con).unwrap();
        let words: Vec<String> = words.into_iter().map(String::from).collect();
        let lua = enums::run("lua:log", words.clone()).call(&mut con);
        let rust = try_twin(&mut con, || enums::twin::run(Key::from("rust:log"), words.clone()));
        let (lua, rust) = (lua.unwrap(), rust.unwrap());
        assert_eq!(lua, rust, "{words:?}");
        let logs: Vec<Vec<String>> = ["lua:log", "rust:log"].iter().map(|k| redis::cmd("LRANGE").arg(k).arg(0).arg(-1).query(&mut con).unwrap()).collect();
        assert_eq!(logs[0], logs[1], "{words:?}");
    }
}

#[test]
fn return_inside_a_closure_agrees_with_the_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for xs in [vec![], vec![1, -2, 3], vec![-5]] {
        let lua = enums::early(xs.clone()).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || enums::twin::early(xs.clone()));
        assert_eq!(lua, rust);
        assert_eq!(lua.len(), xs.len());
    }
    assert_eq!(enums::early(vec![1, -2, 3]).call(&mut con).unwrap(), vec![2, 0, 6]);
}

#[redlua::library(name = "struct_patterns")]
pub mod struct_patterns {
    use redlua::prelude::*;

    /// A `Copy` struct, as users derive it.
    #[derive(Clone, Copy, PartialEq, Debug)]
    pub struct Pt {
        pub x: i64,
        pub y: i64,
    }

    /// A struct holding a `Copy` struct, a string and an option.
    #[derive(Clone, PartialEq, Debug)]
    pub struct Job {
        pub at: Pt,
        pub name: String,
        pub tries: Option<i64>,
    }

    impl Pt {
        fn on_axis(&self) -> bool {
            matches!(*self, Self { x: 0, .. } | Self { y: 0, .. })
        }
    }

    fn quadrant(p: Pt) -> i64 {
        match p {
            Pt { x: 0, y: 0 } => 0,
            Pt { x: 1.., y: 1.. } => 1,
            Pt { x: ..=-1, y: 1.. } => 2,
            Pt { y: ..=-1, x } if x < 0 => 3,
            Pt { .. } => 4,
        }
    }

    /// Struct patterns in `match` (literals, ranges, nested structs, `Some(..)`, guards,
    /// bindings, `..`), `matches!`, `if let`, `let` and `let .. else`; the scrutinee changed
    /// in an arm after a binding took a part of it; commands in the arms.
    #[redis_function]
    pub fn classify(log: Key, x: i64, y: i64, name: String, tries: Option<i64>) -> Result<(i64, bool, bool, i64, String, i64), Reject> {
        let mut job = Job { at: Pt { x, y }, name, tries };
        let q = quadrant(job.at);
        let axis = job.at.on_axis();
        let busy = matches!(job, Job { tries: Some(1..=3), .. });
        let score = match job.clone() {
            Job { at: Pt { x: 0, y }, tries: None, .. } => y,
            Job { at, name, tries: Some(t) } if name.len() > 2 => {
                job.at.x = 100;
                rpush(&log, &name);
                at.x + t
            }
            Job { at: Pt { y, .. }, name: _, tries } => {
                rpush(&log, &format!("{y}"));
                y - tries.unwrap_or(-1)
            }
        };
        if let Job { at: Pt { x: 100, .. }, name, .. } = &job {
            rpush(&log, name);
        }
        let Job { at: mut p, name: label, .. } = job.clone();
        p.y += 1;
        let Pt { x: px, y: py } = p;
        let Pt { x: 0..=9, y: small } = job.at else {
            return Ok((q, axis, busy, score, label, px + py));
        };
        if small > 1000 {
            return Err(reject!("y {small} too large"));
        }
        Ok((q, axis, busy, score + job.at.y, label, small))
    }

    /// The parts a pattern binds are copies: changing the scrutinee after (in the arm, or
    /// after a `let` destructuring) leaves them as they were.
    #[redis_function(read_only)]
    pub fn parts_are_copies(x: i64, y: i64) -> (i64, i64, i64, i64) {
        let mut job = Job { at: Pt { x, y }, name: String::new(), tries: Some(x) };
        let r = match job {
            Job { at, tries: Some(t), .. } if t > 0 => {
                job.at.x += 10;
                job.at = Pt { x: 0, y: 0 };
                at.x + at.y
            }
            Job { at: Pt { x, .. }, .. } => {
                job.at.y = 7;
                x
            }
        };
        let Job { at: mut a, .. } = job;
        a.x += 1;
        let Pt { x: ax, y: ay } = a;
        a.y -= 1;
        (r, a.x, job.at.x, ax + ay)
    }

    /// Struct patterns in `for` (over a Vec by reference and by value, over a chain), with
    /// `mut` and `_` bindings and fields left to `..`.
    #[redis_function]
    pub fn loop_patterns(log: Key, n: i64) -> (i64, Vec<i64>, i64) {
        let pts = vec![Pt { x: n, y: 1 }, Pt { x: 2, y: n }, Pt { x: -3, y: 0 }];
        let mut sum = 0;
        for Pt { x, y } in &pts {
            sum += x * 10 + y;
        }
        let mut moved = Vec::new();
        for Pt { mut x, .. } in pts.clone() {
            x += 1;
            moved.push(x);
        }
        let jobs = vec![Job { at: pts[0], name: "a".to_string(), tries: Some(n) }, Job { at: pts[2], name: "bc".to_string(), tries: None }];
        let mut tries = 0;
        for Job { name, tries: t, at: _ } in jobs.iter().filter(|j| j.name.len() <= 2) {
            rpush(&log, name);
            tries += t.unwrap_or(-1);
        }
        (sum, moved, tries + pts[0].x)
    }

    /// The same in `while let` and `let .. else`, whose bindings outlive a change of the
    /// struct they were taken from.
    #[redis_function(read_only)]
    pub fn while_and_else(n: i64) -> (i64, i64) {
        let mut job = Job { at: Pt { x: n, y: n % 4 }, name: String::new(), tries: Some(n % 5) };
        let mut seen = 0;
        while let Job { tries: Some(t), at: Pt { x, .. }, .. } = job {
            job.tries = if t > 0 { Some(t - 1) } else { None };
            job.at.x = 0;
            seen += t * 10 + x;
        }
        let Job { at: Pt { y, .. }, tries: None, .. } = job else { return (seen, -1) };
        job.at.y = 99;
        (seen, y * 100 + job.at.y)
    }
}

#[test]
fn struct_patterns_agree_with_the_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let names = ["", "ab", "abc", "é:x"];
    let mut n = 0;
    for x in [-2, 0, 1, 5, 10] {
        for y in [-3, 0, 2, 2000] {
            for tries in [None, Some(0), Some(2), Some(7)] {
                let name = names[n % names.len()].to_string();
                n += 1;
                redis::cmd("FLUSHALL").query::<()>(&mut con).unwrap();
                let lua = struct_patterns::classify("lua:log", x, y, name.clone(), tries).call(&mut con);
                let rust = try_twin(&mut con, || struct_patterns::twin::classify(Key::from("rust:log"), x, y, name.clone(), tries));
                let what = format!("{x} {y} {name:?} {tries:?}");
                assert_eq!(lua_outcome(lua), twin_outcome(rust), "{what}");
                let logs: Vec<Vec<String>> = ["lua:log", "rust:log"].iter().map(|k| redis::cmd("LRANGE").arg(k).arg(0).arg(-1).query(&mut con).unwrap()).collect();
                assert_eq!(logs[0], logs[1], "{what}");
            }
        }
    }
    for (x, y) in [(-1, 5), (0, 0), (3, 4), (9007199254740980, 1)] {
        let lua = lua_outcome(struct_patterns::parts_are_copies(x, y).call(&mut con));
        let rust = twin_outcome(try_twin(&mut con, || Ok::<_, Reject>(struct_patterns::twin::parts_are_copies(x, y))));
        assert_eq!(lua, rust, "{x} {y}");
    }
    assert_eq!(struct_patterns::parts_are_copies(3, 4).call(&mut con).unwrap(), (7, 1, 0, 1));
    for n in [-7, 0, 3, 6] {
        let lua = lua_outcome(struct_patterns::while_and_else(n).call(&mut con));
        let rust = twin_outcome(try_twin(&mut con, || Ok::<_, Reject>(struct_patterns::twin::while_and_else(n))));
        assert_eq!(lua, rust, "{n}");
    }
    assert_eq!(struct_patterns::while_and_else(3).call(&mut con).unwrap(), (30 + 3 + 20 + 10, 399));
    for n in [-2, 0, 5] {
        let lua = lua_outcome(struct_patterns::loop_patterns("lua:log", n).call(&mut con));
        let rust = twin_outcome(try_twin(&mut con, || Ok::<_, Reject>(struct_patterns::twin::loop_patterns(Key::from("rust:log"), n))));
        assert_eq!(lua, rust, "{n}");
        let logs: Vec<Vec<String>> = ["lua:log", "rust:log"].iter().map(|k| redis::cmd("LRANGE").arg(k).arg(0).arg(-1).query(&mut con).unwrap()).collect();
        assert_eq!(logs[0], logs[1], "{n}");
    }
    assert_eq!(struct_patterns::loop_patterns("k", 5).call(&mut con).unwrap(), (51 + 25 - 30, vec![6, 3, -2], 5 - 1 + 5));
    // The arms that take the scrutinee's parts before it changes were reached.
    let r = struct_patterns::classify("k", 3, 4, "abc", Some(2)).call(&mut con).unwrap();
    assert_eq!(r, (1, false, true, 5, "abc".to_string(), 100 + 4 + 1));
}
