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

#[redlua::library(name = "num_listed")]
pub mod num_listed {
    use redlua::prelude::*;

    /// The examples of integer types narrower than i64 that used to follow i64 rules, one
    /// per `which`, with i64 parameters and replies.
    #[redis_function(read_only)]
    pub fn listed(which: i64, n: i64, x: f64) -> i64 {
        match which {
            // 0u32 - 1: Rust panics.
            0 => {
                let z: u32 = n as u32;
                (z - 1) as i64
            }
            // checked_sub on a usize length: None for an empty Vec.
            1 => {
                let v: Vec<i64> = Vec::new();
                v.len().checked_sub(1).map(|i| i as i64).unwrap_or(-100)
            }
            // !0u8 is 255.
            2 => {
                let b = n as u8;
                (!b) as i64
            }
            // Float casts saturate: -1.5 as u32 is 0, 5e9 as u32 is 4294967295.
            3 => (x as u32) as i64,
            // 256 as u8 is 0.
            4 => (n as u8) as i64,
            // A counter declared from a literal, compared with a length: a usize.
            5 => {
                let v = vec![1, 2, 3];
                let mut i = 0;
                let mut total = 0;
                while i < v.len() {
                    total += v[i];
                    i += 1;
                }
                (i - 4) as i64 + total
            }
            // The variable of a range of literals, used as an index: a usize.
            7 => {
                let v = vec![5, 6, 7];
                let mut t = 0;
                for i in 0..3 {
                    t += v[i];
                    if i == n as usize {
                        t += (i - 1) as i64;
                    }
                }
                t
            }
            // i32 arithmetic overflows at 2^31.
            _ => {
                let a = n as i32;
                (a * 2) as i64
            }
        }
    }
}

#[test]
fn narrow_integer_types_keep_their_rust_meaning() {
    quiet_panics();
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let cases: &[(i64, i64, f64, &str)] = &[
        (0, 0, 0.0, "0u32 - 1 panics"),
        (0, 5, 0.0, "5u32 - 1"),
        (1, 0, 0.0, "checked_sub of an empty Vec's len"),
        (2, 0, 0.0, "!0u8"),
        (2, 255, 0.0, "!255u8"),
        (3, 0, -1.5, "-1.5 as u32"),
        (3, 0, 5e9, "5e9 as u32"),
        (3, 0, f64::NAN, "NaN as u32"),
        (4, 256, 0.0, "256 as u8"),
        (4, -1, 0.0, "-1 as u8"),
        (5, 0, 0.0, "a usize counter below zero panics"),
        (7, 0, 0.0, "a usize loop variable below zero panics"),
        (7, 2, 0.0, "a usize loop variable"),
        (8, 1 << 30, 0.0, "i32 overflow"),
        (8, -(1 << 30), 0.0, "i32::MIN"),
    ];
    for &(which, n, x, what) in cases {
        let lua = num_listed::listed(which, n, x).call(&mut con);
        QUIET.with(|q| q.set(true));
        let rust = redlua::twin::try_run(&mut con, || num_listed::twin::listed(which, n, x));
        QUIET.with(|q| q.set(false));
        match (&lua, &rust) {
            (Ok(l), Ok(r)) => assert_eq!(l, r, "{what}"),
            (Err(_), Err(_)) => {}
            _ => panic!("{what}: lua {lua:?}, rust {rust:?}"),
        }
    }
}

// ----- every integer type × every operator × edge operands -------------------------------

/// One library per integer type, all from one table: the same body for every type, so that
/// each operator and method meets each type's own bounds. Function names differ per type
/// (Redis function names are global on a server).
macro_rules! int_libraries {
    ($($m:ident, $name:literal, $t:ty, $ops:ident, $cmp:ident, $checked:ident, $casts:ident, $wide:ident, $from_float:ident $(, $neg:ident)?;)*) => {$(
        #[redlua::library(name = $name)]
        pub mod $m {
            use redlua::prelude::*;

            /// Every binary operator and integer method, chosen by `op`; the result also as
            /// float text (where a -0 would show).
            #[redis_function(read_only)]
            pub fn $ops(a: $t, b: $t, op: i64) -> ($t, String) {
                let r = match op {
                    0 => a + b,
                    1 => a - b,
                    2 => a * b,
                    3 => a / b,
                    4 => a % b,
                    5 => a & b,
                    6 => a | b,
                    7 => a ^ b,
                    8 => a << b,
                    9 => a >> b,
                    10 => !a,
                    11 => a.rem_euclid(b),
                    12 => a.div_euclid(b),
                    13 => a.min(b),
                    14 => a.max(b),
                    15 => a.pow(b as u32),
                    16 => vec![a, b, a].iter().sum::<$t>(),
                    17 => {
                        // Compound assignment and a literal that takes the type.
                        let mut x = a;
                        x -= 1;
                        x *= b;
                        x
                    }
                    _ => {
                        // A variable declared from a literal takes the type of its uses.
                        let mut n = 0;
                        n += a;
                        n - b
                    }
                };
                (r, format!("{}", r as f64))
            }

            #[redis_function(read_only)]
            pub fn $cmp(a: $t, b: $t) -> (bool, bool, bool, bool, bool, bool) {
                (a == b, a != b, a < b, a <= b, a > b, a >= b)
            }

            #[redis_function(read_only)]
            pub fn $checked(a: $t, b: $t) -> (Option<$t>, Option<$t>, Option<$t>, Option<$t>, Option<$t>) {
                (a.checked_add(b), a.checked_sub(b), a.checked_mul(b), a.checked_div(b), a.checked_rem(b))
            }

            /// Casts to every type of 8 to 32 bits (exact in Lua), to i64 and to f64.
            #[redis_function(read_only)]
            pub fn $casts(a: $t) -> (u8, i8, u16, i16, u32, i32, i64, f64) {
                (a as u8, a as i8, a as u16, a as i16, a as u32, a as i32, a as i64, a as f64)
            }

            /// Casts to the 64-bit types: beyond 2^53 - 1 an error in the Lua.
            #[redis_function(read_only)]
            pub fn $wide(a: $t) -> (u64, usize, isize, i64) {
                (a as u64, a as usize, a as isize, a as i64)
            }

            #[redis_function(read_only)]
            pub fn $from_float(x: f64) -> $t {
                x as $t
            }

            $(
                /// Signed types: negation, abs, signum, and their signs.
                #[redis_function(read_only)]
                pub fn $neg(a: $t, op: i64) -> ($t, bool) {
                    let r = match op {
                        0 => -a,
                        1 => a.abs(),
                        2 => a.signum(),
                        _ => 0 - a,
                    };
                    (r, a.is_negative())
                }
            )?
        }
    )*};
}

int_libraries! {
    m_u8, "m_u8", u8, ops_u8, cmp_u8, checked_u8, casts_u8, wide_u8, from_float_u8;
    m_u16, "m_u16", u16, ops_u16, cmp_u16, checked_u16, casts_u16, wide_u16, from_float_u16;
    m_u32, "m_u32", u32, ops_u32, cmp_u32, checked_u32, casts_u32, wide_u32, from_float_u32;
    m_u64, "m_u64", u64, ops_u64, cmp_u64, checked_u64, casts_u64, wide_u64, from_float_u64;
    m_usize, "m_usize", usize, ops_usize, cmp_usize, checked_usize, casts_usize, wide_usize, from_float_usize;
    m_i8, "m_i8", i8, ops_i8, cmp_i8, checked_i8, casts_i8, wide_i8, from_float_i8, neg_i8;
    m_i16, "m_i16", i16, ops_i16, cmp_i16, checked_i16, casts_i16, wide_i16, from_float_i16, neg_i16;
    m_i32, "m_i32", i32, ops_i32, cmp_i32, checked_i32, casts_i32, wide_i32, from_float_i32, neg_i32;
    m_i64, "m_i64", i64, ops_i64, cmp_i64, checked_i64, casts_i64, wide_i64, from_float_i64, neg_i64;
    m_isize, "m_isize", isize, ops_isize, cmp_isize, checked_isize, casts_isize, wide_isize, from_float_isize, neg_isize;
}

const MAX_EXACT: i128 = (1 << 53) - 1;

/// A reply whose integers Lua holds exactly; beyond ±(2^53 - 1) the Lua raises an error
/// where Rust computes the number.
trait Exact {
    fn exact(&self) -> bool;
}

macro_rules! exact_ints {
    ($($t:ty),*) => {$(
        impl Exact for $t {
            fn exact(&self) -> bool {
                (*self as i128).abs() <= MAX_EXACT
            }
        }
    )*};
}
exact_ints!(u8, i8, u16, i16, u32, i32, u64, i64, usize, isize);

impl Exact for f64 {
    fn exact(&self) -> bool {
        true
    }
}
impl Exact for bool {
    fn exact(&self) -> bool {
        true
    }
}
impl Exact for String {
    fn exact(&self) -> bool {
        true
    }
}
impl<T: Exact> Exact for Option<T> {
    fn exact(&self) -> bool {
        self.as_ref().is_none_or(Exact::exact)
    }
}
macro_rules! exact_tuples {
    ($(($($n:tt $x:ident),*)),*) => {$(
        impl<$($x: Exact),*> Exact for ($($x,)*) {
            fn exact(&self) -> bool {
                true $(&& self.$n.exact())*
            }
        }
    )*};
}
exact_tuples!((0 A, 1 B), (0 A, 1 B, 2 C, 3 D), (0 A, 1 B, 2 C, 3 D, 4 E), (0 A, 1 B, 2 C, 3 D, 4 E, 5 F), (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H));

thread_local! {
    /// Set while a twin runs that is expected to panic (an overflow): its message is not
    /// printed.
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn quiet_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                default(info);
            }
        }));
    });
}

/// The Lua on the server and the twin (Rust, with a debug build's overflow checks) agree:
/// the same value, or both an error; a Rust value beyond ±(2^53 - 1) is an error in the
/// Lua. Returns a description of the difference.
fn agree<T: Exact + PartialEq + std::fmt::Debug>(con: &mut redis::Connection, lua: Result<T, redlua::Error>, twin: impl FnOnce() -> T) -> Option<String> {
    agree_inexact(con, lua, twin, false)
}

/// [`agree`], where `inexact` says that an intermediate result of the Rust computation is
/// beyond ±(2^53 - 1) (an error in the Lua, whatever the final value).
fn agree_inexact<T: Exact + PartialEq + std::fmt::Debug>(con: &mut redis::Connection, lua: Result<T, redlua::Error>, twin: impl FnOnce() -> T, inexact: bool) -> Option<String> {
    QUIET.with(|q| q.set(true));
    let rust = redlua::twin::try_run(con, twin);
    QUIET.with(|q| q.set(false));
    match (&lua, &rust) {
        (Ok(l), Ok(r)) if l == r && r.exact() => None,
        (Err(_), Ok(r)) if !r.exact() || inexact => None,
        (Err(_), Err(_)) => None,
        _ => Some(format!("lua {lua:?}, rust {rust:?}")),
    }
}

/// Edge operands of a type: 0, ±1, small numbers, the shift widths, the type's bounds and
/// the bounds of the exact Lua integers, where the type holds them.
fn edges<T: TryFrom<i128> + Copy>(min: i128, max: i128) -> Vec<T> {
    let mut c: Vec<i128> = vec![0, 1, -1, 2, -2, 3, 7, -7, 8, 16, 31, 32, 63, 64, 255, 256, 65535, 65536, 1 << 31, -(1 << 31), (1 << 32) - 1, 1 << 32, MAX_EXACT, -MAX_EXACT];
    c.extend([min, min + 1, max, max - 1, min / 2, max / 2]);
    c.sort();
    c.dedup();
    c.into_iter().filter(|n| n.abs() <= MAX_EXACT && *n >= min && *n <= max).filter_map(|n| T::try_from(n).ok()).collect()
}

const FLOATS: &[f64] = &[0.0, -0.0, 0.5, -0.5, -0.4, 1.5, -1.5, 127.9, 128.0, -128.5, -129.0, 255.5, 256.0, 65535.9, 65536.0, 2147483647.5, 2147483648.0, -2147483648.9, -2147483649.0, 4294967295.5, 4294967296.0, 5e9, -5e9, 9007199254740991.0, 9007199254740992.0, -9007199254740992.0, 1e20, -1e20, f64::INFINITY, f64::NEG_INFINITY, f64::NAN];

/// Arguments as text, as a raw FCALL sends them: accepted exactly when Rust's parse of the
/// type accepts them (and the value is within ±(2^53 - 1)).
const ARG_TEXTS: &[&str] = &["0", "-0", "+0", "1", "+7", "-1", "-128", "-129", "127", "128", "255", "256", "65535", "65536", "-32768", "-32769", "4294967295", "4294967296", "-2147483648", "-2147483649", "9007199254740991", "9007199254740992", "007", " 1", "1 ", "1e3", "0x10", "", "-", "1.0"];

macro_rules! matrix_test {
    ($test:ident, $m:ident, $t:ty, $ops:ident, $cmp:ident, $checked:ident, $casts:ident, $wide:ident, $from_float:ident $(, $neg:ident)?) => {
        #[test]
        fn $test() {
            quiet_panics();
            let server = TestServer::start().expect("redis-server must be installed");
            let mut con = server.connection().unwrap();
            let edges: Vec<$t> = edges::<$t>(<$t>::MIN as i128, <$t>::MAX as i128);
            let mut bad = Vec::new();
            let ops = ["+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>", "!", "rem_euclid", "div_euclid", "min", "max", "pow", "sum", "-= 1, *=", "let n = 0"];
            for &a in &edges {
                for &b in &edges {
                    for (op, name) in ops.iter().enumerate() {
                        let lua = $m::$ops(a, b, op as i64).call(&mut con);
                        // The intermediate results of the ops of several steps.
                        let (x, y) = (a as i128, b as i128);
                        let inexact = match op {
                            16 => (x + y).abs() > MAX_EXACT,
                            17 => (x - 1).abs() > MAX_EXACT,
                            _ => false,
                        };
                        if let Some(d) = agree_inexact(&mut con, lua, || $m::twin::$ops(a, b, op as i64), inexact) {
                            bad.push(format!("{a} {name} {b}: {d}"));
                        }
                    }
                    let lua = $m::$cmp(a, b).call(&mut con);
                    if let Some(d) = agree(&mut con, lua, || $m::twin::$cmp(a, b)) {
                        bad.push(format!("compare {a} {b}: {d}"));
                    }
                    let lua = $m::$checked(a, b).call(&mut con);
                    if let Some(d) = agree(&mut con, lua, || $m::twin::$checked(a, b)) {
                        bad.push(format!("checked {a} {b}: {d}"));
                    }
                }
                let lua = $m::$casts(a).call(&mut con);
                if let Some(d) = agree(&mut con, lua, || $m::twin::$casts(a)) {
                    bad.push(format!("casts of {a}: {d}"));
                }
                let lua = $m::$wide(a).call(&mut con);
                if let Some(d) = agree(&mut con, lua, || $m::twin::$wide(a)) {
                    bad.push(format!("wide casts of {a}: {d}"));
                }
                $(
                    for op in 0..4 {
                        let lua = $m::$neg(a, op).call(&mut con);
                        if let Some(d) = agree(&mut con, lua, || $m::twin::$neg(a, op)) {
                            bad.push(format!("neg op {op} of {a}: {d}"));
                        }
                    }
                )?
            }
            for &x in FLOATS {
                let lua = $m::$from_float(x).call(&mut con);
                if let Some(d) = agree(&mut con, lua, || $m::twin::$from_float(x)) {
                    bad.push(format!("{x} as {}: {d}", stringify!($t)));
                }
            }
            // Raw arguments: Rust's parse of the type decides.
            for s in ARG_TEXTS {
                let lua: Result<Vec<bool>, redis::RedisError> = redis::cmd("FCALL").arg(stringify!($cmp)).arg(0).arg(*s).arg(0).query(&mut con);
                let rust = s.parse::<$t>().ok().filter(|v| (*v as i128).abs() <= MAX_EXACT);
                if lua.is_ok() != rust.is_some() {
                    bad.push(format!("argument {s:?}: lua {lua:?}, rust parse {rust:?}"));
                }
                // The value arrives as Rust reads it ("-0" and "+7" included).
                if let Some(v) = rust {
                    let eq: Vec<bool> = redis::cmd("FCALL").arg(stringify!($cmp)).arg(0).arg(*s).arg(v.to_string()).query(&mut con).unwrap();
                    if !eq[0] {
                        bad.push(format!("argument {s:?} is not {v}"));
                    }
                }
            }
            assert!(bad.is_empty(), "{} differences for {}, e.g.:\n{}", bad.len(), stringify!($t), bad.iter().take(40).cloned().collect::<Vec<_>>().join("\n"));
        }
    };
}

matrix_test!(matrix_u8, m_u8, u8, ops_u8, cmp_u8, checked_u8, casts_u8, wide_u8, from_float_u8);
matrix_test!(matrix_u16, m_u16, u16, ops_u16, cmp_u16, checked_u16, casts_u16, wide_u16, from_float_u16);
matrix_test!(matrix_u32, m_u32, u32, ops_u32, cmp_u32, checked_u32, casts_u32, wide_u32, from_float_u32);
matrix_test!(matrix_u64, m_u64, u64, ops_u64, cmp_u64, checked_u64, casts_u64, wide_u64, from_float_u64);
matrix_test!(matrix_usize, m_usize, usize, ops_usize, cmp_usize, checked_usize, casts_usize, wide_usize, from_float_usize);
matrix_test!(matrix_i8, m_i8, i8, ops_i8, cmp_i8, checked_i8, casts_i8, wide_i8, from_float_i8, neg_i8);
matrix_test!(matrix_i16, m_i16, i16, ops_i16, cmp_i16, checked_i16, casts_i16, wide_i16, from_float_i16, neg_i16);
matrix_test!(matrix_i32, m_i32, i32, ops_i32, cmp_i32, checked_i32, casts_i32, wide_i32, from_float_i32, neg_i32);
matrix_test!(matrix_i64, m_i64, i64, ops_i64, cmp_i64, checked_i64, casts_i64, wide_i64, from_float_i64, neg_i64);
matrix_test!(matrix_isize, m_isize, isize, ops_isize, cmp_isize, checked_isize, casts_isize, wide_isize, from_float_isize, neg_isize);
