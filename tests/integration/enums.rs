//! Differential tests of user enums (unit enums and enums with data) and `impl` blocks:
//! each function runs as generated Lua on a real server and as its native twin, on the
//! same inputs, and the two must agree on the reply and the keyspace.

use redlua::prelude::*;
use redlua::testing::TestServer;
use redlua_tests::try_twin;

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
