//! Programs written to kill surviving mutants of the compiler (`cargo xtask mutants`, see
//! the Robustness page of the book): each one pins a behaviour that no other library of
//! the workspace reaches, differentially against its native twin, and goes into the
//! compiler's replay corpus (`cargo xtask record-replay`), the oracle of the mutation runs.

use redlua::prelude::*;
use redlua::testing::TestServer;

#[redlua::library(name = "mutant_kills")]
pub mod mutant_kills {
    use redlua::prelude::*;

    /// `v[i] = e` where both the index and the value send a command inline (no statement
    /// before either): Rust computes the value first, so the value's command comes first.
    #[redis_function]
    pub fn index_value_first(log: Key, n: i64) -> Vec<i64> {
        let mut v = vec![0, 0, 0];
        v[((rpush(&log, "place") + n) % 3) as usize] = rpush(&log, "value") * 10;
        v
    }

    fn touch(log: &Key, n: i64) {
        if n > 0 {
            rpush(log, "positive");
        }
        rpush(log, "touched");
    }

    /// A unit function whose value is a call of a unit helper: the call still runs.
    #[redis_function]
    pub fn unit_helper_tail(log: Key, n: i64) {
        touch(&log, n)
    }

    /// A value discarded with `let _ =` that is neither a plain call nor a name: its
    /// commands still run, in order.
    #[redis_function]
    pub fn discarded_values(log: Key, n: i64) -> i64 {
        let _ = (rpush(&log, "tuple"), n);
        let _ = vec![rpush(&log, "vec"), n];
        let _ = Some(rpush(&log, "some"));
        n
    }

    /// `-x` of the narrower signed types overflows at the type's minimum (Rust panics),
    /// and `-x` of a float keeps the sign of a zero (`-0.0`).
    #[redis_function(read_only)]
    pub fn negations(a: i8, b: i16, c: i32, x: f64) -> (i64, i64, i64, f64, String) {
        (-a as i64, -b as i64, -c as i64, -x, (-x).to_string())
    }

    /// `!x` within each type's width: `-1 - x` for a signed type, `MAX - x` for an
    /// unsigned one.
    #[redis_function(read_only)]
    pub fn bit_nots(a: i8, b: i32, c: u8, d: u16, e: u32) -> (i64, i64, i64, i64, i64) {
        (!a as i64, !b as i64, !c as i64, !d as i64, !e as i64)
    }

    /// `!x` of a `u64` is beyond 2^53 - 1 for every `x` Lua holds exactly: a run-time
    /// error in Lua (see the language reference), never a wrong number.
    #[redis_function(read_only)]
    pub fn bit_not_u64(e: u64) -> u64 {
        !e
    }

    /// The sum of an empty `Vec<i64>` is 0, also as a command argument (never "-0");
    /// a float sum is not held to the integer range.
    #[redis_function]
    pub fn sums(total: Key, v: Vec<i64>) -> (i64, f64, String) {
        let s: i64 = v.iter().sum();
        set(&total, s);
        let f: f64 = v.iter().map(|x| *x as f64 * 1e300).sum();
        (s, f, get::<String>(&total).unwrap_or_default())
    }

    /// `opt.unwrap_or(default)` evaluates the option first, then the default (eagerly,
    /// even when unused), both sending a command inline.
    #[redis_function]
    pub fn unwrap_or_order(counter: Key) -> (i64, i64) {
        let v = get::<i64>(&counter).unwrap_or(incr(&counter));
        (v, get::<i64>(&counter).unwrap_or(0))
    }

    /// `take(m)` reads `m` once, when the chain is made: the loop body changing `m`
    /// does not change how many elements are taken.
    #[redis_function(read_only)]
    pub fn take_reads_once(n: i64, v: Vec<i64>) -> (i64, usize) {
        let mut m: usize = if n > 0 { n as usize } else { 0 };
        let mut s = 0;
        for x in v.iter().take(m) {
            m = 0;
            s += x;
        }
        (s, m)
    }

    /// `call!` of a subcommand: the subcommand's word goes right after the command's.
    #[redis_function(read_only)]
    pub fn stream_length(s: Key) -> i64 {
        match call!("XINFO", "STREAM", &s).as_array() {
            Some(fields) => fields.len() as i64,
            None => -1,
        }
    }

    /// The same after a `skip`: each stage's limit is read once.
    #[redis_function(read_only)]
    pub fn skip_take_reads_once(n: i64, v: Vec<i64>) -> (i64, usize) {
        let mut m: usize = if n > 0 { n as usize } else { 0 };
        let mut s = 0;
        for x in v.iter().skip(1).take(m) {
            m = 0;
            s += x;
        }
        (s, m)
    }
}

/// Kills of the mutants of `compiler/src/lang/values.rs`, `luanumbers.rs` and
/// `rejections.rs`: the paths of `Value` and of Lua's number functions written in full, a
/// helper of the library that takes the name of one of those functions, and rejections
/// whose message is a format string without arguments.
#[redlua::library(name = "mutant_kills_lang")]
pub mod mutant_kills_lang {
    use redlua::prelude::*;

    /// `redlua::Value::..`, `redlua::prelude::..` and `redlua::luanum::..`: written in full,
    /// each means what its short name means.
    #[redis_function]
    pub fn full_paths(k: Key, s: String) -> Value {
        match redlua::luanum::lua_tonumber(&s) {
            None => redlua::Value::Nil,
            Some(x) => {
                set(&k, redlua::luanum::lua_arg(x));
                call!("APPEND", &k, redlua::prelude::lua_arg(x * 2.0));
                if x > 0.0 {
                    redlua::Value::status(redlua::luanum::lua_tostring(x))
                } else if x < 0.0 {
                    redlua::Value::bulk(redlua::prelude::lua_tostring(x))
                } else {
                    match redlua::prelude::lua_tonumber("0x10") {
                        Some(y) => redlua::Value::Int(y as i64),
                        None => redlua::Value::Array(vec![redlua::Value::Nil]),
                    }
                }
            }
        }
    }

    /// A helper of the library named like one of Lua's number functions: a call by the
    /// short name is the helper's, the full path is redlua's.
    fn lua_tostring(x: f64) -> String {
        if x > 0.0 {
            "positive".to_string()
        } else {
            "not positive".to_string()
        }
    }

    #[redis_function(read_only)]
    pub fn own_tostring(x: f64) -> (String, String) {
        (lua_tostring(x), redlua::prelude::lua_tostring(x))
    }

    /// A message with `{name}` (a variable named in the text) and no argument after it,
    /// and one with `{{` and `}}` only: formatted as `format!` does.
    #[redis_function]
    pub fn format_without_arguments(k: Key, n: i64) -> Result<i64, Reject> {
        let v = incr_by(&k, n);
        if v > 10 {
            return Err(reject!("{v} is over {{10}}"));
        }
        if v < 0 {
            return Err(reject!(code = "NEGATIVE", "{{below}} zero"));
        }
        Ok(v)
    }
}

/// Runs the Lua (with the key `lua:log`) and the twin (with `rust:log`) from empty logs:
/// the same trace of commands and the same reply, or an error on both sides.
fn agree<T: PartialEq + std::fmt::Debug>(con: &mut redis::Connection, what: &str, lua: impl FnOnce(&mut redis::Connection, &str) -> Result<T, redlua::Error>, twin: impl FnOnce(Key) -> T) {
    let _: () = redis::cmd("DEL").arg("lua:log").arg("rust:log").query(con).unwrap();
    let l = lua(con, "lua:log").map_err(|e| e.to_string());
    let r = redlua::twin::try_run(con, || twin(Key::from("rust:log")));
    let trace = |con: &mut redis::Connection, k: &str| -> Vec<String> { redis::cmd("LRANGE").arg(k).arg(0).arg(-1).query(con).unwrap() };
    assert_eq!(trace(con, "lua:log"), trace(con, "rust:log"), "{what}: the Lua's trace (left) differs from Rust's (right)");
    match (&l, &r) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{what}: replies"),
        (Err(_), Err(_)) => {}
        _ => panic!("{what}: Lua gave {l:?}, Rust {r:?}"),
    }
}

#[test]
fn an_index_assignment_sends_the_value_command_first() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for n in [-2i64, 0, 1, 2, 5] {
        agree(&mut con, &format!("index_value_first({n})"), |c, log| mutant_kills::index_value_first(log, n).call(c), |log| mutant_kills::twin::index_value_first(log, n));
    }
}

#[test]
fn unit_tails_and_discarded_values_still_send_their_commands() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for n in [-1i64, 0, 3] {
        agree(&mut con, &format!("unit_helper_tail({n})"), |c, log| mutant_kills::unit_helper_tail(log, n).call(c), |log| mutant_kills::twin::unit_helper_tail(log, n));
        agree(&mut con, &format!("discarded_values({n})"), |c, log| mutant_kills::discarded_values(log, n).call(c), |log| mutant_kills::twin::discarded_values(log, n));
        let trace: Vec<String> = redis::cmd("LRANGE").arg("lua:log").arg(0).arg(-1).query(&mut con).unwrap();
        assert_eq!(trace, ["tuple", "vec", "some"], "discarded_values({n})");
    }
}

#[test]
fn negation_overflows_at_the_minimum_and_keeps_the_sign_of_zero() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for (a, b, c) in [(0i8, 0i16, 0i32), (-128, 5, 7), (1, -32768, 7), (1, 2, i32::MIN), (127, 32767, i32::MAX)] {
        for x in [0.0, -0.0, 1.5, f64::INFINITY] {
            let lua = mutant_kills::negations(a, b, c, x).call(&mut con).map_err(|e| e.to_string());
            let rust = redlua::twin::try_run(&mut con, || mutant_kills::twin::negations(a, b, c, x));
            match (&lua, &rust) {
                (Ok(l), Ok(r)) => {
                    assert_eq!((l.0, l.1, l.2, l.4.as_str()), (r.0, r.1, r.2, r.4.as_str()), "negations({a}, {b}, {c}, {x})");
                    assert_eq!(l.3.to_bits(), r.3.to_bits(), "negations({a}, {b}, {c}, {x}): -x");
                }
                (Err(_), Err(_)) => {}
                _ => panic!("negations({a}, {b}, {c}, {x}): Lua gave {lua:?}, Rust {rust:?}"),
            }
        }
    }
}

#[test]
fn bitwise_not_stays_within_each_type() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for (a, b, c, d, e) in [(0i8, 0i32, 0u8, 0u16, 0u32), (-128, i32::MIN, 255, 65535, u32::MAX), (127, i32::MAX, 1, 2, 3), (-1, -7, 200, 1000, 100_000)] {
        let lua = mutant_kills::bit_nots(a, b, c, d, e).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || mutant_kills::twin::bit_nots(a, b, c, d, e));
        assert_eq!(lua, rust, "bit_nots({a}, {b}, {c}, {d}, {e})");
    }
    for e in [0u64, 1, (1 << 53) - 1] {
        let lua = mutant_kills::bit_not_u64(e).call(&mut con);
        let rust = redlua::twin::run(&mut con, || mutant_kills::twin::bit_not_u64(e));
        assert!(rust > (1 << 53) - 1, "!{e} = {rust}");
        assert!(lua.is_err(), "bit_not_u64({e}): {lua:?}");
    }
}

#[test]
fn sums_start_where_rust_starts_them() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for v in [vec![], vec![0], vec![1], vec![-1, 1], vec![2, 3]] {
        let lua = mutant_kills::sums("lua:total", v.clone()).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || mutant_kills::twin::sums("rust:total".into(), v.clone()));
        assert_eq!((lua.0, &lua.2), (rust.0, &rust.2), "sums({v:?})");
        assert_eq!(lua.1.to_bits(), rust.1.to_bits(), "sums({v:?}): the float sum");
    }
}

#[test]
fn unwrap_or_reads_the_option_before_the_default() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for start in [None, Some(5i64)] {
        for k in ["lua:c", "rust:c"] {
            let _: () = redis::cmd("DEL").arg(k).query(&mut con).unwrap();
            if let Some(s) = start {
                let _: () = redis::cmd("SET").arg(k).arg(s).query(&mut con).unwrap();
            }
        }
        let lua = mutant_kills::unwrap_or_order("lua:c").call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || mutant_kills::twin::unwrap_or_order("rust:c".into()));
        assert_eq!(lua, rust, "unwrap_or_order from {start:?}");
    }
}

#[test]
fn take_reads_its_limit_once() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for (v, n) in [(vec![], 2i64), (vec![1, 2, 3], 2), (vec![1, 2, 3], 5), (vec![4, 5], 0)] {
        let lua = mutant_kills::take_reads_once(n, v.clone()).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || mutant_kills::twin::take_reads_once(n, v.clone()));
        assert_eq!(lua, rust, "take_reads_once({v:?}, {n})");
        let lua = mutant_kills::skip_take_reads_once(n, v.clone()).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || mutant_kills::twin::skip_take_reads_once(n, v.clone()));
        assert_eq!(lua, rust, "skip_take_reads_once({v:?}, {n})");
    }
}

#[test]
fn a_subcommand_of_call_goes_after_its_command() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let _: () = redis::cmd("XADD").arg("s").arg("1-1").arg("a").arg("1").query(&mut con).unwrap();
    let lua = mutant_kills::stream_length("s").call(&mut con).unwrap();
    let rust = redlua::twin::run(&mut con, || mutant_kills::twin::stream_length("s".into()));
    assert_eq!(lua, rust);
    assert!(lua > 10, "XINFO STREAM gives its fields: {lua}");
    assert!(mutant_kills::stream_length("absent").call(&mut con).is_err(), "XINFO STREAM of no stream is an error");
}

/// The error of a call as `CODE message` (`REJECT message` for `reject!("..")`).
fn error_text(e: redlua::Error) -> String {
    match e {
        redlua::Error::Rejected { message } => format!("REJECT {message}"),
        other => match other.redis_error() {
            Some(r) => format!("{} {}", r.code().unwrap_or("?"), r.detail().unwrap_or("")),
            None => other.to_string(),
        },
    }
}

#[test]
fn full_paths_of_value_and_the_lua_number_functions_mean_the_short_names() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for s in ["7", "-2.5", "0", "-0", "x", "1e300", "0x1p-2"] {
        let lua = mutant_kills_lang::full_paths("lua", s).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || mutant_kills_lang::twin::full_paths(Key::from("rust"), s.to_string()));
        assert_eq!(lua, rust, "full_paths({s:?})");
        let (l, r): (Option<String>, Option<String>) = (redis::cmd("GET").arg("lua").query(&mut con).unwrap(), redis::cmd("GET").arg("rust").query(&mut con).unwrap());
        assert_eq!(l, r, "full_paths({s:?}): the key");
    }
    assert_eq!(mutant_kills_lang::full_paths("lua", "0").call(&mut con).unwrap(), redlua::Value::Int(16));
    assert_eq!(mutant_kills_lang::full_paths("lua", "x").call(&mut con).unwrap(), redlua::Value::Nil);
    // Not NaN: an `f64` argument NaN arrives in Lua with its sign bit set (`-nan`), in
    // the twin without (`nan`).
    for x in [1.5, 0.0, -0.0, -3.0, f64::INFINITY] {
        let lua = mutant_kills_lang::own_tostring(x).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || mutant_kills_lang::twin::own_tostring(x));
        assert_eq!(lua, rust, "own_tostring({x})");
    }
    assert_eq!(mutant_kills_lang::own_tostring(1.5).call(&mut con).unwrap(), ("positive".to_string(), "1.5".to_string()));
}

#[test]
fn a_rejection_formats_a_message_without_arguments_as_format_does() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for n in [3, 9, -30, 100] {
        let lua = mutant_kills_lang::format_without_arguments("lua", n).call(&mut con).map_err(error_text);
        let rust = redlua::twin::run(&mut con, || mutant_kills_lang::twin::format_without_arguments(Key::from("rust"), n)).map_err(|e| format!("{} {}", e.code(), e.message()));
        assert_eq!(lua, rust, "format_without_arguments({n})");
    }
    let _: () = redis::cmd("DEL").arg("lua").query(&mut con).unwrap();
    assert_eq!(mutant_kills_lang::format_without_arguments("lua", 12).call(&mut con).map_err(error_text), Err("REJECT 12 is over {10}".to_string()));
    assert_eq!(mutant_kills_lang::format_without_arguments("lua", -20).call(&mut con).map_err(error_text), Err("NEGATIVE {below} zero".to_string()));
}
