//! What real scripts need (issue 15, "what blocked real scripts"): rejections with
//! run-time data, replies whose shape depends on the branch, key names as data, Lua's
//! numbers. Each function runs as generated Lua on a real server and as its native twin,
//! on the same inputs, and the two must agree.

use redlua::prelude::*;
use redlua::testing::TestServer;

/// A reply as a client that knows nothing of redlua reads it: the value, or the error's
/// code and text.
fn raw(con: &mut redis::Connection, function: &str, keys: &[&str], args: &[String]) -> Result<redis::Value, (String, String)> {
    let mut cmd = redis::cmd("FCALL");
    cmd.arg(function).arg(keys.len()).arg(keys).arg(args);
    cmd.query::<redis::Value>(con).map_err(|e| (e.code().unwrap_or("?").to_string(), e.detail().unwrap_or("").to_string()))
}

/// A twin's rejection as the same code and text.
fn rejected(r: &Reject) -> (String, String) {
    (r.code().to_string(), r.message().to_string())
}

#[redlua::library(name = "scripts_reject")]
pub mod scripts_reject {
    use redlua::prelude::*;

    /// `reject!` with run-time data, under the default code and codes of one's own.
    #[redis_function]
    pub fn take(tokens: Key, log: Key, n: i64, max: i64, who: String) -> Result<i64, Reject> {
        if n > max {
            return Err(reject!("{} is over {}", n, max));
        }
        if n < 0 {
            return Err(reject!(code = "task", "{who}: {n} is negative"));
        }
        if who.is_empty() {
            return Err(reject!(code = "ERR", "no name given for {:>5}", n));
        }
        // `ok_or` computes its message first, as Rust does: the INCR runs on both paths.
        let left = get::<i64>(&tokens).ok_or(reject!(code = "NOTOKENS", "{} had no tokens after {} tries", who, incr(&log)))?;
        // `ok_or_else` only when the option is None.
        let limit = get::<i64>(&log).ok_or_else(|| reject!("no log, {}", incr(&log)))?;
        if left < n {
            return Err(reject!("{who} asked {n}, {left} left (limit {limit})\r\nsecond line"));
        }
        Ok(decr_by(&tokens, n))
    }

    /// A rejection whose text is data from the caller: it cannot forge a refusal.
    #[redis_function]
    pub fn echo(count: Key, text: String, code: i64) -> Result<i64, Reject> {
        let n = incr(&count);
        match code {
            0 => Err(reject!("{}", text)),
            1 => Err(reject!(code = "ERR", "echo: {}", text)),
            _ => Ok(n),
        }
    }

    /// Braces in a message without arguments are a format string's, as in Rust.
    #[redis_function(read_only)]
    pub fn braces(n: i64) -> Result<i64, Reject> {
        if n == 0 {
            return Err(reject!("a {{literal}} brace"));
        }
        if n == 1 {
            return Err(reject!("inline {n}"));
        }
        Ok(n)
    }
}

#[test]
fn rejections_with_run_time_data_agree_with_the_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    scripts_reject::LIBRARY.load(&mut con).unwrap();
    let cases: &[(Option<i64>, i64, i64, &str)] = &[
        (Some(10), 11, 10, "ann"),
        (Some(10), -3, 10, "bob"),
        (Some(10), 4, 10, ""),
        (None, 4, 10, "carl"),
        (Some(3), 4, 10, "dee"),
        (Some(3), 2, 10, "eve"),
        (Some(3), -1, -5, "fay"),
    ];
    for (i, &(tokens, n, max, who)) in cases.iter().enumerate() {
        let (lua_k, rust_k) = (format!("lua:t{i}"), format!("rust:t{i}"));
        let (lua_log, rust_log) = (format!("lua:l{i}"), format!("rust:l{i}"));
        if let Some(t) = tokens {
            for k in [&lua_k, &rust_k] {
                redis::cmd("SET").arg(k).arg(t).exec(&mut con).unwrap();
            }
        }
        let args = vec![n.to_string(), max.to_string(), who.to_string()];
        let lua = raw(&mut con, "take", &[&lua_k, &lua_log], &args);
        let rust = redlua::twin::run(&mut con, || scripts_reject::twin::take(Key::from(rust_k.as_str()), Key::from(rust_log.as_str()), n, max, who.to_string()));
        match (&lua, &rust) {
            (Ok(redis::Value::Int(a)), Ok(b)) => assert_eq!(a, b, "case {i}"),
            (Err(a), Err(b)) => assert_eq!(a, &rejected(b), "case {i}"),
            _ => panic!("case {i}: lua {lua:?} vs rust {rust:?}"),
        }
        for (a, b) in [(&lua_k, &rust_k), (&lua_log, &rust_log)] {
            let a: Option<i64> = redis::cmd("GET").arg(a).query(&mut con).unwrap();
            let b: Option<i64> = redis::cmd("GET").arg(b).query(&mut con).unwrap();
            assert_eq!(a, b, "case {i}: {a:?} {b:?}");
        }
    }
    // The exact replies, as a client that knows nothing of redlua reads them.
    let to = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(raw(&mut con, "take", &["x", "y"], &to(&["11", "10", "ann"])), Err(("REJECT".into(), "11 is over 10".into())));
    assert_eq!(raw(&mut con, "take", &["x", "y"], &to(&["-3", "10", "bob"])), Err(("task".into(), "bob: -3 is negative".into())));
    assert_eq!(raw(&mut con, "take", &["x", "y"], &to(&["4", "10", ""])), Err(("ERR".into(), "no name given for     4".into())));
    redis::cmd("SET").arg("x").arg(1).exec(&mut con).unwrap();
    let Err((code, text)) = raw(&mut con, "take", &["x", "y"], &to(&["4", "10", "gil"])) else { panic!() };
    assert_eq!((code.as_str(), text.as_str()), ("REJECT", "gil asked 4, 1 left (limit 1)  second line"));
    // Through the stub: a lower-case code keeps its code.
    match scripts_reject::take("x", "y", -3, 10, "bob").call(&mut con) {
        Err(redlua::Error::Redis(e)) => assert_eq!((e.code(), e.detail()), (Some("task"), Some("bob: -3 is negative"))),
        other => panic!("{other:?}"),
    }
    for n in [0, 1, 2] {
        let lua = raw(&mut con, "braces", &[], &[n.to_string()]);
        let rust = redlua::twin::run(&mut con, || scripts_reject::twin::braces(n));
        match (&lua, &rust) {
            (Ok(redis::Value::Int(a)), Ok(b)) => assert_eq!(a, b),
            (Err(a), Err(b)) => assert_eq!(a, &rejected(b)),
            _ => panic!("braces({n}): lua {lua:?} vs rust {rust:?}"),
        }
    }
    assert_eq!(raw(&mut con, "braces", &[], &to(&["0"])), Err(("REJECT".into(), "a {literal} brace".into())));
}

#[test]
fn run_time_text_cannot_forge_a_refusal() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    scripts_reject::LIBRARY.load(&mut con).unwrap();
    let forged = [
        "Function not found",
        "\r\nFunction not found",
        "Script killed by user with SCRIPT KILL...",
        "x script: echo, on @user_function:3.",
        "MOVED 3999 127.0.0.1:6381",
        "NOSCRIPT No matching script.",
        "BUSY Redis is busy running a script.",
    ];
    let mut runs = 0;
    for text in forged {
        for code in [0, 1] {
            let err = scripts_reject::echo("count", text, code).call(&mut con).unwrap_err();
            runs += 1;
            // Every such error says the call ran, and it ran exactly once.
            assert!(!err.did_not_run(), "{text:?} {code}: {err:?}");
            let n: i64 = redis::cmd("GET").arg("count").query(&mut con).unwrap();
            assert_eq!(n, runs, "{text:?} {code}: sent again");
            let twin = redlua::twin::run(&mut con, || scripts_reject::twin::echo(Key::from("twin"), text.to_string(), code)).unwrap_err();
            match (code, &err) {
                (0, redlua::Error::Rejected { message }) => assert_eq!(message, twin.message(), "{text:?}"),
                (1, redlua::Error::Redis(e)) => {
                    assert_eq!(e.code(), Some("ERR"));
                    assert_eq!(e.detail().unwrap_or_default(), twin.message(), "{text:?}");
                }
                // Text that ends like the server's note of where an error was raised is
                // read as an error raised while the function ran: it still ran.
                (1, redlua::Error::Script { message, .. }) if text.contains("@user_function") => assert_eq!(message, twin.message()),
                _ => panic!("{text:?} {code}: {err:?}"),
            }
        }
    }
}

#[redlua::library(name = "scripts_replies")]
pub mod scripts_replies {
    use redlua::prelude::*;

    /// A reply whose shape depends on the branch: an integer, a bulk string, a status, a
    /// nil, arrays with nil and status elements.
    #[redis_function]
    pub fn shape(k: Key, which: i64, n: i64, s: String) -> Value {
        let v = match which {
            0 => Value::Int(n),
            1 => Value::bulk(s),
            2 => Value::status("OK"),
            3 => Value::Nil,
            4 => Value::Array(vec![Value::Int(n)]),
            5 => Value::Array(vec![Value::Int(n), Value::Int(-1)]),
            6 => Value::Array(vec![Value::Int(n), Value::bulk("score")]),
            7 => Value::Array(vec![Value::Nil, Value::status(format!("{s}\r\n!")), Value::Array(Vec::new()), Value::bulk(&s)]),
            8 => call!("SET", &k, &s),
            9 => Value::status(s),
            _ => {
                let mut parts: Vec<Value> = Vec::new();
                for i in 0..n.min(5) {
                    parts.push(if i % 2 == 0 { Value::Int(i) } else { Value::Nil });
                }
                Value::Array(parts)
            }
        };
        v
    }

    /// A float replied as Lua replies a number (truncated; i64::MIN for NaN, infinities
    /// and values beyond i64), next to the checked default.
    #[redis_function(read_only)]
    pub fn lua_float(x: f64, y: f64) -> (Value, Value, f64) {
        (Value::lua_number(x / y), Value::lua_number(x), x / y)
    }

    /// `Vec<Value>` as a reply, and a helper returning `Value`.
    #[redis_function(read_only)]
    pub fn many(n: i64) -> Vec<Value> {
        (0..n).into_iter().map(|i| one(i)).collect()
    }

    fn one(i: i64) -> Value {
        if i % 3 == 0 {
            Value::Nil
        } else if i % 3 == 1 {
            Value::Int(i)
        } else {
            Value::bulk(i.to_string())
        }
    }
}

#[test]
fn replies_built_in_the_body_agree_with_the_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for which in 0..=10 {
        for (n, s) in [(7, "ab"), (-3, ""), (0, "x\ny")] {
            let lua = scripts_replies::shape("lua", which, n, s).call(&mut con).unwrap();
            let rust = redlua::twin::run(&mut con, || scripts_replies::twin::shape(Key::from("rust"), which, n, s.to_string()));
            assert_eq!(lua, rust, "shape({which}, {n}, {s:?})");
        }
    }
    // The raw replies, as any client reads them.
    let raw_shape = |con: &mut redis::Connection, which: i64| raw(con, "shape", &["k"], &[which.to_string(), "7".into(), "ab".into()]).unwrap();
    assert_eq!(raw_shape(&mut con, 0), redis::Value::Int(7));
    assert_eq!(raw_shape(&mut con, 1), redis::Value::BulkString(b"ab".to_vec()));
    assert_eq!(raw_shape(&mut con, 2), redis::Value::Okay);
    assert_eq!(raw_shape(&mut con, 3), redis::Value::Nil);
    assert_eq!(raw_shape(&mut con, 6), redis::Value::Array(vec![redis::Value::Int(7), redis::Value::BulkString(b"score".to_vec())]));
    assert_eq!(
        raw_shape(&mut con, 7),
        redis::Value::Array(vec![redis::Value::Nil, redis::Value::SimpleString("ab  !".into()), redis::Value::Array(vec![]), redis::Value::BulkString(b"ab".to_vec())])
    );
    let floats = [0.0, -0.0, 1.0, -1.0, 3.7, -3.7, 0.5, -0.5, 1e15 + 0.5, 9.2e18, 9.3e18, -9.3e18, -9.223372036854775808e18, 1e300, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, 2f64.powi(53) + 2.0];
    for &x in &floats {
        for y in [1.0, 0.0, -0.0, 3.0] {
            let lua = scripts_replies::lua_float(x, y).call(&mut con).unwrap();
            let rust = redlua::twin::run(&mut con, || scripts_replies::twin::lua_float(x, y));
            assert_eq!((&lua.0, &lua.1), (&rust.0, &rust.1), "lua_float({x}, {y})");
            assert!(lua.2 == rust.2 || lua.2.is_nan() && rust.2.is_nan(), "lua_float({x}, {y})");
        }
    }
    for n in 0..7 {
        let lua = scripts_replies::many(n).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || scripts_replies::twin::many(n));
        assert_eq!(lua, rust, "many({n})");
    }
}

#[redlua::library(name = "scripts_spread")]
pub mod scripts_spread {
    use redlua::prelude::*;

    /// `call!` with a Vec spread into a variadic command: HSET pairs, HMGET fields, ZADD
    /// score/member pairs with floats, RPUSH integers.
    #[redis_function]
    pub fn spread(h: Key, z: Key, l: Key, fields: Vec<String>) -> (Value, Value, Value, Value, Value) {
        let pairs: Vec<(String, String)> = fields.iter().map(|f| (f.clone(), format!("v{}", f.len()))).collect();
        let set = if pairs.is_empty() { Value::Int(0) } else { call!("HSET", &h, ..pairs) };
        let got = call!("HMGET", &h, "missing", ..fields.clone());
        let scored: Vec<(f64, String)> = fields.iter().map(|f| (f.len() as f64 / 4.0, f.clone())).collect();
        let added = if scored.is_empty() { Value::Int(0) } else { call!("ZADD", &z, "CH", ..scored) };
        let nums: Vec<i64> = fields.iter().map(|f| f.len() as i64 - 2).collect();
        let pushed = call!("RPUSH", &l, 0, ..nums);
        let checked = try_call!("HMGET", &h, ..fields);
        (set, got, added, pushed, checked.ok().unwrap_or(Value::Nil))
    }
}

#[test]
fn call_spreads_a_vec_like_the_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let inputs: [&[&str]; 4] = [&[], &["a"], &["a", "bb", "ccc", "a"], &["x y", "", "ünï", "0.5"]];
    for (i, fields) in inputs.iter().enumerate() {
        let fields: Vec<String> = fields.iter().map(|s| s.to_string()).collect();
        let keys = |p: &str| [format!("{p}:h{i}"), format!("{p}:z{i}"), format!("{p}:l{i}")];
        let [lh, lz, ll] = keys("lua");
        let [rh, rz, rl] = keys("rust");
        let lua = scripts_spread::spread(&lh, &lz, &ll, fields.clone()).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || scripts_spread::twin::spread(Key::from(rh.as_str()), Key::from(rz.as_str()), Key::from(rl.as_str()), fields.clone()));
        assert_eq!(lua, rust, "spread({fields:?})");
        let z = |con: &mut redis::Connection, k: &str| -> Vec<(String, String)> { redis::cmd("ZRANGE").arg(k).arg(0).arg(-1).arg("WITHSCORES").query(con).unwrap() };
        assert_eq!(z(&mut con, &lz), z(&mut con, &rz));
        let l = |con: &mut redis::Connection, k: &str| -> Vec<String> { redis::cmd("LRANGE").arg(k).arg(0).arg(-1).query(con).unwrap() };
        assert_eq!(l(&mut con, &ll), l(&mut con, &rl));
    }
    // 3000 pairs: 6000 arguments in one command.
    let many: Vec<String> = (0..3000).map(|i| format!("f{i}")).collect();
    let lua = scripts_spread::spread("lua:big", "lua:bigz", "lua:bigl", many.clone()).call(&mut con).unwrap();
    let rust = redlua::twin::run(&mut con, || scripts_spread::twin::spread(Key::from("rust:big"), Key::from("rust:bigz"), Key::from("rust:bigl"), many.clone()));
    assert_eq!(lua, rust);
}

#[redlua::library(name = "scripts_helpers")]
pub mod scripts_helpers {
    use redlua::prelude::*;

    /// A helper that rejects: the caller's `?` returns its rejection.
    fn parse_amount(raw: &str, max: i64) -> Result<i64, Reject> {
        let n = raw.parse::<i64>().ok().ok_or(reject!(code = "BADAMOUNT", "not a number: {}", raw))?;
        if n > max {
            return Err(reject!("{} is over {}", n, max));
        }
        Ok(n)
    }

    /// A helper returning a tuple, calling another helper with `?`, and passing its
    /// `Result` through as its tail.
    fn two(a: &str, b: &str, max: i64) -> Result<(i64, i64), Reject> {
        let x = parse_amount(a, max)?;
        if x < 0 {
            return Err(reject!(code = "NEG", "negative {x}"));
        }
        let y = parse_amount(b, max - x)?;
        Ok((x, y))
    }

    fn last(b: &str) -> Result<i64, Reject> {
        parse_amount(b, 100)
    }

    fn touch(k: &Key) -> Result<(), Reject> {
        if incr(k) > 3 {
            return Err(reject!("touched too often"));
        }
        Ok(())
    }

    #[redis_function]
    pub fn pay(k: Key, a: String, b: String) -> Result<i64, Reject> {
        touch(&k)?;
        let (x, y) = two(&a, &b, 1000)?;
        let z = last(&b)?;
        Ok(incr_by(&k, x + y + z))
    }

    /// A helper's `Result` as the redis function's own tail.
    #[redis_function]
    pub fn check(a: String) -> Result<i64, Reject> {
        last(&a)
    }
}

#[test]
fn helpers_returning_result_with_question_mark_agree_with_the_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    scripts_helpers::LIBRARY.load(&mut con).unwrap();
    let cases = [("1", "2"), ("x", "2"), ("1", "y"), ("999", "2"), ("-5", "1"), ("1200", "0"), ("10", "95"), ("10", "200"), ("3", "3"), ("4", "4")];
    for (i, (a, b)) in cases.iter().enumerate() {
        let args = vec![a.to_string(), b.to_string()];
        let lua = raw(&mut con, "pay", &["lua:pay"], &args);
        let rust = redlua::twin::run(&mut con, || scripts_helpers::twin::pay(Key::from("rust:pay"), a.to_string(), b.to_string()));
        match (&lua, &rust) {
            (Ok(redis::Value::Int(x)), Ok(y)) => assert_eq!(x, y, "case {i}"),
            (Err(x), Err(y)) => assert_eq!(x, &rejected(y), "case {i}"),
            _ => panic!("case {i}: lua {lua:?} vs rust {rust:?}"),
        }
        let lua = raw(&mut con, "check", &[], &[b.to_string()]);
        let rust = redlua::twin::run(&mut con, || scripts_helpers::twin::check(b.to_string()));
        match (&lua, &rust) {
            (Ok(redis::Value::Int(x)), Ok(y)) => assert_eq!(x, y, "check {i}"),
            (Err(x), Err(y)) => assert_eq!(x, &rejected(y), "check {i}"),
            _ => panic!("check {i}: lua {lua:?} vs rust {rust:?}"),
        }
    }
    let a: Option<i64> = redis::cmd("GET").arg("lua:pay").query(&mut con).unwrap();
    let b: Option<i64> = redis::cmd("GET").arg("rust:pay").query(&mut con).unwrap();
    assert_eq!(a, b);
    assert_eq!(raw(&mut con, "check", &[], &["x".into()]), Err(("BADAMOUNT".into(), "not a number: x".into())));
}

#[redlua::library(name = "scripts_names")]
pub mod scripts_names {
    use redlua::prelude::*;

    /// A key's name as data: a ZADD member naming another declared key, a PUBLISH
    /// channel, a hash field's value, a reply and a formatted message.
    #[redis_function]
    pub fn index(board: Key, item: Key, registry: Key, score: f64) -> Result<(i64, i64, String), Reject> {
        if score < 0.0 {
            return Err(reject!("negative score for {}", item.name()));
        }
        let added = zadd(&board, score, &item.name());
        let heard = publish(&board.name(), &format!("{} moved", item.name()));
        hset(&registry, "last", &item.name());
        let name: String = item.name();
        Ok((added, heard, name + "|" + &registry.name()))
    }
}

#[test]
fn key_names_as_data_agree_with_the_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for (i, score) in [1.5, 2.0, -1.0].into_iter().enumerate() {
        let k = |p: &str, n: &str| format!("{p}:{n}:{{t{i}}}");
        let lua = scripts_names::index(k("lua", "board"), k("lua", "item"), k("lua", "reg"), score).call(&mut con);
        let rust = redlua::twin::run(&mut con, || scripts_names::twin::index(Key::from(k("rust", "board").as_str()), Key::from(k("rust", "item").as_str()), Key::from(k("rust", "reg").as_str()), score));
        match (lua, rust) {
            (Ok(a), Ok(b)) => assert_eq!(a.0, b.0),
            (Err(redlua::Error::Rejected { message }), Err(r)) => assert_eq!(message.replace("lua", "rust"), r.message()),
            (a, b) => panic!("{a:?} vs {b:?}"),
        }
        let members = |con: &mut redis::Connection, p: &str| -> Vec<String> { redis::cmd("ZRANGE").arg(k(p, "board")).arg(0).arg(-1).query(con).unwrap() };
        let lua_members = members(&mut con, "lua");
        assert_eq!(lua_members.iter().map(|m| m.replace("lua", "rust")).collect::<Vec<_>>(), members(&mut con, "rust"));
        if score >= 0.0 {
            assert_eq!(lua_members, [k("lua", "item")]);
            let last: String = redis::cmd("HGET").arg(k("lua", "reg")).arg("last").query(&mut con).unwrap();
            assert_eq!(last, k("lua", "item"));
        }
    }
    let (_, _, names) = scripts_names::index("b:{x}", "i:{x}", "r:{x}", 1.0).call(&mut con).unwrap();
    assert_eq!(names, "i:{x}|r:{x}");
}
