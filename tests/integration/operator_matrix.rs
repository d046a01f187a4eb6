//! The operator matrix of the operand types other than integers (the integer types have
//! theirs in `numbers.rs`): every operator on `f64`, `String`, `bool`, `Option` and tuples
//! and structs (`==`), run as Lua on a real server and as the native twin on every pair of
//! edge values. Each library is written from one table (`op_library!`): the arm
//! `n => expr` is both the function's case `n` and the name a difference is reported by.

use redlua::testing::TestServer;

/// One library of one function that computes the operator chosen by `op`, and the table
/// of the operators' names.
macro_rules! op_library {
    ($m:ident, $name:literal, $f:ident($($p:ident: $t:ty),*) -> $r:ty { $n0:literal => $e0:expr, $($n:literal => $e:expr,)* }) => {
        #[redlua::library(name = $name)]
        pub mod $m {
            use redlua::prelude::*;

            #[derive(Clone, PartialEq)]
            pub struct P {
                pub x: i64,
                pub s: String,
            }

            #[redis_function(read_only)]
            pub fn $f(op: i64, $($p: $t),*) -> $r {
                // Operator 0 is the last arm: a match must cover every `op`.
                match op {
                    $($n => $e,)*
                    _ => $e0,
                }
            }

            /// The operators, by their number.
            #[allow(dead_code)]
            pub const OPS: &[(i64, &str)] = &[($n0, stringify!($e0)), $(($n, stringify!($e)),)*];
        }
    };
}

op_library!(om_float, "om_float", float_arith(a: f64, b: f64) -> f64 {
    0 => a + b,
    1 => a - b,
    2 => a * b,
    3 => a / b,
    4 => a % b,
    5 => -a,
    6 => { let mut x = a; x += b; x },
    7 => { let mut x = a; x -= b; x },
    8 => { let mut x = a; x *= b; x },
    9 => { let mut x = a; x /= b; x },
    10 => a - b * a,
    11 => -(a - b),
});

op_library!(om_float_cmp, "om_float_cmp", float_cmp(a: f64, b: f64) -> bool {
    0 => a == b,
    1 => a != b,
    2 => a < b,
    3 => a <= b,
    4 => a > b,
    5 => a >= b,
    6 => !(a < b),
    7 => a == a,
});

op_library!(om_str, "om_str", str_cat(a: String, b: String) -> String {
    0 => a + &b,
    1 => a.clone() + &b + &a,
    2 => { let mut s = a.clone(); s += &b; s },
    3 => format!("{a}{b}"),
    4 => a + "",
    5 => b.clone() + &a,
});

op_library!(om_str_cmp, "om_str_cmp", str_cmp(a: String, b: String) -> bool {
    0 => a == b,
    1 => a != b,
    2 => a < b,
    3 => a <= b,
    4 => a > b,
    5 => a >= b,
    6 => a.as_str() == b.as_str(),
    7 => &a < &b,
});

op_library!(om_bool, "om_bool", bool_ops(a: bool, b: bool) -> bool {
    0 => a & b,
    1 => a | b,
    2 => a ^ b,
    3 => !a,
    4 => a == b,
    5 => a != b,
    6 => a && b,
    7 => a || b,
    8 => !(a ^ b) == (a == b),
    9 => { let mut x = a; x &= b; x },
    10 => { let mut x = a; x |= b; x },
    11 => { let mut x = a; x ^= b; x },
});

// One optional argument at most (only trailing ones may be left out): `c` is built inside.
op_library!(om_opt, "om_opt", opt_eq(a: i64, b: i64, has_c: bool, cv: i64, d: Option<i64>) -> bool {
    0 => { let c = if has_c { Some(cv) } else { None }; c == d },
    1 => { let c = if has_c { Some(cv) } else { None }; c != d },
    2 => { let c = if has_c { Some(cv) } else { None }; c == Some(a) },
    3 => Some(b) != d,
    4 => { let c = if has_c { Some(cv) } else { None }; c.is_none() == d.is_none() },
    5 => d == None,
});

op_library!(om_opt_str, "om_opt_str", opt_str_eq(a: String, c: Option<String>) -> bool {
    0 => c == Some(a.clone()),
    1 => c != None,
    2 => Some(a.clone()) != c,
    3 => c == None,
});

op_library!(om_tuple, "om_tuple", tuple_eq(a: i64, b: String, c: i64, d: String) -> bool {
    0 => (a, b.clone()) == (c, d.clone()),
    1 => (a, b.clone()) != (c, d.clone()),
    2 => (a, c) == (c, a),
    3 => P { x: a, s: b.clone() } == P { x: c, s: d.clone() },
    4 => P { x: a, s: b.clone() } != P { x: c, s: d.clone() },
    5 => (b.clone(), a) == (d.clone(), c),
});

const F64S: &[f64] = &[0.0, -0.0, 0.5, -1.5, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e300, 5e-324, 3.0, -7.25];
const STRS: &[&str] = &["", "a", "b", "ab", "héllo", "hello", " 7 ", "-0", "0", "ü€𝄞", "ü", "€", "A", "a\u{0}"];
const I64S: &[i64] = &[0, -1, 9_007_199_254_740_991, -9_007_199_254_740_991];
const OPT_I64S: &[Option<i64>] = &[None, Some(0), Some(-1), Some(9_007_199_254_740_991)];

/// The same reply, or both an error: `(cases, differences)`.
#[derive(Default)]
struct Outcome {
    cases: usize,
    differences: Vec<String>,
}

impl Outcome {
    fn check<T: std::fmt::Debug>(&mut self, what: String, lua: Result<T, redlua::Error>, rust: Result<T, String>) {
        self.cases += 1;
        match (lua, rust) {
            // By `Debug` text: -0.0 is not 0.0, NaN is NaN.
            (Ok(l), Ok(r)) if format!("{l:?}") == format!("{r:?}") => {}
            (Err(_), Err(_)) => {}
            (l, r) => self.differences.push(format!("{what}: lua {l:?} vs rust {r:?}")),
        }
    }

    fn finish(self, lib: &str, at_least: usize) {
        assert!(self.cases >= at_least, "{lib}: {} cases", self.cases);
        assert!(self.differences.is_empty(), "{lib}: {} differences:\n{}", self.differences.len(), self.differences.join("\n"));
    }
}

#[test]
fn float_operators_agree_with_their_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let mut out = Outcome::default();
    for &(op, text) in om_float::OPS {
        for &a in F64S {
            for &b in F64S {
                let lua = om_float::float_arith(op, a, b).call(&mut con);
                let rust = redlua::twin::try_run(&mut con, || om_float::twin::float_arith(op, a, b));
                out.check(format!("`{text}` with a = {a:?}, b = {b:?}"), lua, rust);
            }
        }
    }
    for &(op, text) in om_float_cmp::OPS {
        for &a in F64S {
            for &b in F64S {
                let lua = om_float_cmp::float_cmp(op, a, b).call(&mut con);
                let rust = redlua::twin::try_run(&mut con, || om_float_cmp::twin::float_cmp(op, a, b));
                out.check(format!("`{text}` with a = {a:?}, b = {b:?}"), lua, rust);
            }
        }
    }
    out.finish("f64", 20 * F64S.len() * F64S.len());
}

#[test]
fn string_operators_agree_with_their_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let mut out = Outcome::default();
    for &a in STRS {
        for &b in STRS {
            for &(op, text) in om_str::OPS {
                let lua = om_str::str_cat(op, a, b).call(&mut con);
                let rust = redlua::twin::try_run(&mut con, || om_str::twin::str_cat(op, a.to_string(), b.to_string()));
                out.check(format!("`{text}` with a = {a:?}, b = {b:?}"), lua, rust);
            }
            for &(op, text) in om_str_cmp::OPS {
                let lua = om_str_cmp::str_cmp(op, a, b).call(&mut con);
                let rust = redlua::twin::try_run(&mut con, || om_str_cmp::twin::str_cmp(op, a.to_string(), b.to_string()));
                out.check(format!("`{text}` with a = {a:?}, b = {b:?}"), lua, rust);
            }
            for &c in &[None, Some(b)] {
                for &(op, text) in om_opt_str::OPS {
                    let lua = om_opt_str::opt_str_eq(op, a, c).call(&mut con);
                    let rust = redlua::twin::try_run(&mut con, || om_opt_str::twin::opt_str_eq(op, a.to_string(), c.map(str::to_string)));
                    out.check(format!("`{text}` with a = {a:?}, c = {c:?}"), lua, rust);
                }
            }
        }
    }
    out.finish("String", 18 * STRS.len() * STRS.len());
}

#[test]
fn bool_option_tuple_and_struct_operators_agree_with_their_twin() {
    let server = TestServer::start().expect("redis-server must be installed");
    let mut con = server.connection().unwrap();
    let mut out = Outcome::default();
    for &(op, text) in om_bool::OPS {
        for a in [false, true] {
            for b in [false, true] {
                let lua = om_bool::bool_ops(op, a, b).call(&mut con);
                let rust = redlua::twin::try_run(&mut con, || om_bool::twin::bool_ops(op, a, b));
                out.check(format!("`{text}` with a = {a}, b = {b}"), lua, rust);
            }
        }
    }
    for &(op, text) in om_opt::OPS {
        for &a in I64S {
            for &b in I64S {
                for &c in OPT_I64S {
                    for &d in OPT_I64S {
                        let lua = om_opt::opt_eq(op, a, b, c.is_some(), c.unwrap_or(5), d).call(&mut con);
                        let rust = redlua::twin::try_run(&mut con, || om_opt::twin::opt_eq(op, a, b, c.is_some(), c.unwrap_or(5), d));
                        out.check(format!("`{text}` with a = {a}, b = {b}, c = {c:?}, d = {d:?}"), lua, rust);
                    }
                }
            }
        }
    }
    for &(op, text) in om_tuple::OPS {
        for &a in I64S {
            for &b in &["", "a", "ü€𝄞"] {
                for &c in I64S {
                    for &d in &["", "a", "ü€𝄞"] {
                        let lua = om_tuple::tuple_eq(op, a, b, c, d).call(&mut con);
                        let rust = redlua::twin::try_run(&mut con, || om_tuple::twin::tuple_eq(op, a, b.to_string(), c, d.to_string()));
                        out.check(format!("`{text}` with a = {a}, b = {b:?}, c = {c}, d = {d:?}"), lua, rust);
                    }
                }
            }
        }
    }
    out.finish("bool, Option, tuples and structs", 12 * 4 + 6 * 256 + 6 * 144);
}
