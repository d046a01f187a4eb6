//! Differential tests of integer meaning: no `-0` ever reaches a command, a reply or a
//! text (Rust's integers have no negative zero, Lua's numbers do), and every integer
//! type keeps its own range, overflow and cast rules.

use redlua::prelude::*;
use redlua::testing::TestServer;

#[redlua::library(name = "num_zero")]
pub mod num_zero {
    use redlua::prelude::*;

    /// Every way the Lua could compute a negative zero from an integer zero, sent as
    /// command arguments, added to a counter and written as floats.
    #[redis_function]
    pub fn zeros(list: Key, counter: Key, d: i64, x: f64, y: f64, s: String) -> (Vec<String>, i64, String, String) {
        let vals = vec![
            -d,
            d * -1,
            d / -3,
            (d - 3) % 3,
            (d - 1) / 3,
            x as i64,
            y.round() as i64,
            (-0.0f64) as i64,
            s.parse::<i64>().unwrap_or(7),
            d.div_euclid(-3),
            (d - 3).rem_euclid(3),
            d.checked_mul(-1).unwrap_or(7),
            d.checked_div(-3).unwrap_or(7),
            (d - 3).checked_rem(3).unwrap_or(7),
            -(d * 5),
            d * (0 - 5),
        ];
        for v in vals.iter() {
            rpush(&list, *v);
        }
        let total = get::<i64>(&counter).unwrap_or(0);
        let floats: Vec<String> = vals.iter().map(|v| (*v as f64).to_string()).collect();
        let texts: Vec<String> = vals.iter().map(|v| format!("{}", v)).collect();
        (lrange(&list, 0, -1), total, floats.join(","), texts.join(","))
    }

    /// Float literals that are -0.0: Lua 5.1 would store them in the function's one
    /// constant slot for zero, so that the integer 0 later in the function (`lrange(.., 0,
    /// ..)`) would be sent as "-0", or the -0.0 would lose its sign.
    #[redis_function]
    pub fn float_zero(list: Key, x: f64) -> (String, String, String, Vec<String>) {
        let z = -0.0;
        let w = 0.0 * -1.0;
        let v = (0 as f64) / -2.0;
        rpush(&list, 0);
        rpush(&list, x);
        (z.to_string(), w.to_string(), (v * x).to_string(), lrange(&list, 0, -1))
    }

    /// `incr_by(&k, -d)` with `d = 0`: INCRBY refuses "-0".
    #[redis_function]
    pub fn take(counter: Key, d: i64) -> i64 {
        incr_by(&counter, -d)
    }

    /// An integer argument or stored value written "-0" is 0, as Rust parses it.
    #[redis_function]
    pub fn bump(counter: Key, copy: Key, by: i64) -> (i64, String) {
        let stored = get::<i64>(&copy).unwrap_or(0);
        set(&copy, stored);
        (incr_by(&counter, by), get::<String>(&copy).unwrap_or_default())
    }

    /// The same through an optional argument and a trailing Vec of integers.
    #[redis_function]
    pub fn bump_opt(counter: Key, by: Option<i64>) -> i64 {
        incr_by(&counter, by.unwrap_or(1))
    }

    #[redis_function]
    pub fn bump_all(counter: Key, by: Vec<i64>) -> i64 {
        let mut last = 0;
        for b in by.iter() {
            last = incr_by(&counter, *b);
        }
        last
    }
}

#[test]
fn no_negative_zero_reaches_commands_or_text() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for (d, x, y, s) in [(0i64, -0.5f64, -0.4f64, "-0"), (0, -0.0, -0.0, "+0"), (6, 2.5, -2.5, "-12")] {
        let lua = num_zero::zeros("lua:list", "lua:n", d, x, y, s).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || num_zero::twin::zeros(Key::from("rust:list"), Key::from("rust:n"), d, x, y, s.to_string()));
        let sources = [
            "-d", "d * -1", "d / -3", "(d - 3) % 3", "(d - 1) / 3", "x as i64", "y.round() as i64", "(-0.0) as i64", "s.parse()", "d.div_euclid(-3)",
            "(d - 3).rem_euclid(3)", "checked_mul", "checked_div", "checked_rem", "-(d * 5)", "d * (0 - 5)",
        ];
        for (i, what) in sources.iter().enumerate() {
            assert_eq!(lua.0[i], rust.0[i], "`{what}` sent as a command argument, zeros({d}, {x}, {y}, {s:?})");
        }
        assert_eq!(lua, rust, "zeros({d}, {x}, {y}, {s:?})");
        let lua = num_zero::take("lua:t", d).call(&mut con);
        let rust = redlua::twin::try_run(&mut con, || num_zero::twin::take(Key::from("rust:t"), d));
        assert_eq!(lua.ok(), rust.ok(), "incr_by(&k, -{d})");
        let _: () = redis::cmd("DEL").arg("lua:list").arg("rust:list").arg("lua:n").arg("rust:n").query(&mut con).unwrap();
    }
}

#[test]
fn negative_zero_float_literals_keep_their_sign_and_spare_integer_zero() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    for x in [1.5, -0.0, 0.0] {
        let lua = num_zero::float_zero("lua:f", x).call(&mut con).unwrap();
        let rust = redlua::twin::run(&mut con, || num_zero::twin::float_zero(Key::from("rust:f"), x));
        assert_eq!(lua, rust, "float_zero({x})");
        assert_eq!(lua.0, "-0");
    }
}

#[test]
fn negative_zero_text_reads_as_zero() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    // A stored "-0" (written by another client) and an argument "-0" sent by a raw FCALL
    // are both 0 for Rust's parse: the Lua must not send them on as "-0".
    let _: () = redis::cmd("SET").arg("lua:copy").arg("-0").query(&mut con).unwrap();
    let _: () = redis::cmd("SET").arg("rust:copy").arg("-0").query(&mut con).unwrap();
    // A typed call first: it loads the library.
    let _ = num_zero::bump("lua:c", "lua:x", 1).call(&mut con).unwrap();
    let lua: (i64, String) = redis::cmd("FCALL").arg("bump").arg(2).arg("lua:c").arg("lua:copy").arg("-0").query(&mut con).unwrap();
    let rust = redlua::twin::run(&mut con, || num_zero::twin::bump(Key::from("rust:c"), Key::from("rust:copy"), "-0".parse().unwrap()));
    assert_eq!(lua, (1, "0".to_string()));
    assert_eq!(rust, (0, "0".to_string()));
    let opt: i64 = redis::cmd("FCALL").arg("bump_opt").arg(1).arg("lua:o").arg("-0").query(&mut con).unwrap();
    assert_eq!(opt, 0);
    let all: i64 = redis::cmd("FCALL").arg("bump_all").arg(1).arg("lua:a").arg("-0").arg("-0").query(&mut con).unwrap();
    assert_eq!(all, 0);
}

#[test]
fn negative_zero_in_scripts() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    // Scripts check integer arguments and replies inline rather than with helpers.
    let bump = redlua::script!(|counter: Key, copy: Key, by: i64| -> (i64, Option<i64>) {
        let stored = get::<i64>(&copy);
        if let Some(v) = stored {
            set(&copy, v);
        }
        (incr_by(&counter, by), stored)
    });
    let _: () = redis::cmd("SET").arg("s:copy").arg("-0").query(&mut con).unwrap();
    let r: (i64, Option<i64>) = redis::cmd("EVAL").arg(bump.script().code()).arg(2).arg("s:c").arg("s:copy").arg("-0").query(&mut con).unwrap();
    assert_eq!(r, (0, Some(0)));
    let stored: String = redis::cmd("GET").arg("s:copy").query(&mut con).unwrap();
    assert_eq!(stored, "0");
}
