//! Minimal programs found by redlua's random program generator (`redlua-progen`, see the
//! Robustness page of the book), each with the input that showed a difference. Every test
//! runs its program as Lua on one server and as its native twin on another, from the same
//! initial keyspace, through the generator's own comparison: the reply (or both errors),
//! the whole keyspace and the ordered commands each side sent must agree.
//!
//! New cases are appended by `redlua-progen` when it shrinks a difference. Generated
//! programs keep what the generator wrote (an unused import, an odd variable): warnings are off.
#![allow(unused)]

use redlua::prelude::*;
use redlua_progen::check::*;

fn harness() -> Harness {
    let mut h = Harness::start().expect("redis-server must be installed");
    h.verbose = false;
    h
}

/// A float `-0.0` literal in a function that also holds the constant `0`: Lua 5.1 keeps one
/// constant per value (and `-0.0 == 0`), so the literal read back as `0`. The argument sent
/// to INCRBYFLOAT was `0` where Rust sends `-0`, and `format!` wrote `0`.
#[redlua::library(name = "pr_neg_zero_literal")]
pub mod pr_neg_zero_literal {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f_pr_neg_zero_literal(k0: Key, a0: String) -> (f64, String, f64) {
        let zero: f64 = 0.0;
        let x: f64 = a0.parse::<f64>().unwrap_or(-0.0);
        incr_by_float(&k0, x);
        (x + zero, format!("{}", x), 0.0 * -1.0)
    }
}

#[test]
fn pr_neg_zero_literal() {
    let v = harness().case(
        "pr_neg_zero_literal",
        0,
        &[],
        |con| lua_outcome(pr_neg_zero_literal::f_pr_neg_zero_literal("a", "x").call(con)),
        |con| twin_outcome(redlua::twin::try_run(con, || pr_neg_zero_literal::twin::f_pr_neg_zero_literal(Key::from("a"), "x".to_string()))),
    );
    assert_eq!(v, Verdict::Same);
}

/// `f64::min` / `f64::max` with a NaN operand: Rust ignores the NaN and gives the other
/// value; the Lua used `math.min` / `math.max`, which kept the NaN when it came first (so
/// `(0.0 / 0.0).min(8.0).max(-8.0) as i64` was 0 instead of 8).
#[redlua::library(name = "pr_float_min_nan")]
pub mod pr_float_min_nan {
    use redlua::prelude::*;

    #[redis_function(read_only)]
    pub fn f_pr_float_min_nan(a0: f64) -> (f64, f64, f64, i64) {
        (a0.min(1.5), a0.max(-2.5), 1.5f64.min(a0), (0.0f64 / 0.0).min(8.0).max(-8.0) as i64)
    }
}

#[test]
fn pr_float_min_nan() {
    let mut h = harness();
    for (i, x) in [f64::NAN, 0.0, -0.0, 2.0, f64::NEG_INFINITY].into_iter().enumerate() {
        let v = h.case(
            "pr_float_min_nan",
            i,
            &[],
            |con| lua_outcome(pr_float_min_nan::f_pr_float_min_nan(x).call(con)),
            |con| twin_outcome(redlua::twin::try_run(con, || pr_float_min_nan::twin::f_pr_float_min_nan(x))),
        );
        assert_eq!(v, Verdict::Same, "input {x}");
    }
}

/// Found by redlua-progen (seed 1, program p1_3_30, input 0): a match guard that needs
/// statements (here a block with an `if`) ran them before the arm's pattern was tested, so
/// with `None` the guard's `m1 % 328306` computed on nil: "bad argument #1 to 'fmod'"
/// where Rust never evaluates the guard.
#[redlua::library(name = "pr_p1_3_30")]
pub mod pr_p1_3_30 {
    use redlua::prelude::*;
    use std::collections::HashMap;

    #[redis_function]
    pub fn f_pr_p1_3_30(mut a0: bool) -> Option<i64> {
        a0 ^= Some(String::new()).is_some();
        match "a".to_string().parse::<i64>().ok() {
            Some(-2) => {},
            Some(m1) if ({
                if a0 {
                    let mut v4: i64 = m1 % 328306;
                } else {}
                "a".to_string()
            }) < String::new() => {},
            None => {},
            Some(m6) => {},
        }
        None
    }
}

#[test]
fn pr_p1_3_30() {
    let v = harness().case("pr_p1_3_30", 0, &[], |con| lua_outcome(pr_p1_3_30::f_pr_p1_3_30(false).call(con)), |con| twin_outcome(redlua::twin::try_run(con, || pr_p1_3_30::twin::f_pr_p1_3_30(false))));
    assert_eq!(v, Verdict::Same);
}

/// The same with a command in the guard: before, INCR ran for every arm's guard whatever
/// the value, and before the earlier arms were tried.
// ANCHOR: guard
#[redlua::library(name = "pr_guard_statements")]
pub mod pr_guard_statements {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f_pr_guard_statements(k0: Key, a0: Option<i64>) -> i64 {
        match a0 {
            Some(0) => 0,
            Some(m) if {
                incr(&k0);
                m > 3
            } => 1,
            None => 2,
            Some(_) => 3,
        }
    }
}
// ANCHOR_END: guard

#[test]
fn pr_guard_statements() {
    let mut h = harness();
    for (i, a) in [None, Some(0), Some(2), Some(7)].into_iter().enumerate() {
        let v = h.case(
            "pr_guard_statements",
            i,
            &[&["SET", "a", "10"]],
            |con| lua_outcome(pr_guard_statements::f_pr_guard_statements("a", a).call(con)),
            |con| twin_outcome(redlua::twin::try_run(con, || pr_guard_statements::twin::f_pr_guard_statements(Key::from("a"), a))),
        );
        assert_eq!(v, Verdict::Same, "input {a:?}");
    }
}

/// Found by redlua-progen (seed 42, program p2a_4_51): `(-0.0f64).round()` lost its sign in
/// the Lua (the helper returned `0` for a zero), so ZINCRBY was sent `0` where Rust sends
/// `-0`, and `format!` wrote `0` for Rust's `-0`.
#[redlua::library(name = "pr_round_neg_zero")]
pub mod pr_round_neg_zero {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f_pr_round_neg_zero(k0: Key, a0: f64) -> (String, String, f64) {
        zincr_by(&k0, a0.round(), "m");
        (format!("{}", a0.round()), a0.round().to_string(), (-0.4f64).round())
    }
}

#[test]
fn pr_round_neg_zero() {
    let mut h = harness();
    for (i, x) in [-0.0, 0.0, -0.4, -0.5, 2.5, -2.5, f64::NAN, f64::NEG_INFINITY].into_iter().enumerate() {
        let v = h.case(
            "pr_round_neg_zero",
            i,
            &[],
            |con| lua_outcome(pr_round_neg_zero::f_pr_round_neg_zero("z", x).call(con)),
            |con| twin_outcome(redlua::twin::try_run(con, || pr_round_neg_zero::twin::f_pr_round_neg_zero(Key::from("z"), x))),
        );
        assert_eq!(v, Verdict::Same, "input {x}");
    }
}

/// Found by redlua-progen (seed 42, program p2a_170_13): `f64::powi` was Lua's `x ^ n` (C's
/// `pow`, correctly rounded), where Rust multiplies by repeated squaring (LLVM's powi):
/// `(1e21 + a1 as f64).powi(-3)` differed in the last digit.
#[redlua::library(name = "pr_powi_rounding")]
pub mod pr_powi_rounding {
    use redlua::prelude::*;

    #[redis_function(read_only)]
    pub fn f_pr_powi_rounding(a0: f64, n: i64) -> (f64, f64, f64) {
        let m = (n % 40) as i32;
        ((1e21 + a0).powi(-3), a0.powi(m), (a0 * 1.1).powi(7))
    }
}

#[test]
fn pr_powi_rounding() {
    let mut h = harness();
    let mut i = 0;
    for x in [5.0, 0.1, -1.7, 3.3333, 1e-5, 123456.789, 0.0, -0.0, f64::NAN, f64::INFINITY] {
        for n in [-7, -3, -1, 0, 1, 2, 5, 13, 39] {
            let v = h.case(
                "pr_powi_rounding",
                i,
                &[],
                |con| lua_outcome(pr_powi_rounding::f_pr_powi_rounding(x, n).call(con)),
                |con| twin_outcome(redlua::twin::try_run(con, || pr_powi_rounding::twin::f_pr_powi_rounding(x, n))),
            );
            assert_eq!(v, Verdict::Same, "powi of {x} and {n}");
            i += 1;
        }
    }
}

/// Found by redlua-progen (seed 42, program p2a_243_50): literals that Lua 5.1 folds at
/// compile time into -0.0 (here `9007199254740992.0 / -(inf)`) became the constant 0 of the
/// function (one constant per value, and -0.0 == 0), so a struct field held 0.0 where Rust
/// has -0.0. The first fix only covered a -0.0 literal and two literals.
#[redlua::library(name = "pr_folded_neg_zero")]
pub mod pr_folded_neg_zero {
    use redlua::prelude::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct S0 {
        pub a: f64,
        pub b: i64,
        pub end: f64,
    }

    #[redis_function(read_only)]
    pub fn f_pr_folded_neg_zero() -> (S0, f64, f64, f64) {
        let folded = -(2.0 * 3.0) * 0.0;
        let zero: f64 = 0.0;
        (S0 { a: 9007199254740992.0 / (-(9007199254740992.0f64).powf(9007199254740992.0)), b: -2, end: (-16i64) as f64 }, folded, zero, 1.0 / (0.0 - 0.0))
    }
}
impl redlua_progen::check::Canon for pr_folded_neg_zero::S0 {
    fn canon(&self) -> String {
        format!("S0{{{}}}", [self.a.canon(), self.b.canon(), self.end.canon()].join(", "))
    }
}

#[test]
fn pr_folded_neg_zero() {
    let v = harness().case(
        "pr_folded_neg_zero",
        0,
        &[],
        |con| lua_outcome(pr_folded_neg_zero::f_pr_folded_neg_zero().call(con)),
        |con| twin_outcome(redlua::twin::try_run(con, pr_folded_neg_zero::twin::f_pr_folded_neg_zero)),
    );
    assert_eq!(v, Verdict::Same);
}

/// Found by redlua-progen (seed 42, program p2a_162_36): problem 7 of issue 13 (order of
/// evaluation). Rust evaluates the right side of a primitive compound assignment before it
/// reads the left side (`v10 &= { v10 = 0; -907059 }` gives 0); the Lua read `v10` first
/// (-1 & -907059). Fixed: the right side runs first when it can change the variable.
#[redlua::library(name = "pr_p2a_162_36")]
pub mod pr_p2a_162_36 {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f_pr_p2a_162_36() -> i64 {
        let mut v10: i64 = 0 - 1;
        v10 &= {
            v10 = 0;
            -907059
        };
        v10
    }
}

#[test]
fn pr_p2a_162_36() {
    let v = harness().case("pr_p2a_162_36", 0, &[], |con| lua_outcome(pr_p2a_162_36::f_pr_p2a_162_36().call(con)), |con| twin_outcome(redlua::twin::try_run(con, || pr_p2a_162_36::twin::f_pr_p2a_162_36())));
    assert_eq!(v, Verdict::Same);
}

/// Found by redlua-progen (seed 100, program p64_179_33, in the long run). An integer
/// iterator sum cast `as f64` took the type of the cast: the sum started at Rust's float
/// start, -0.0, so an empty `sum::<i64>() as f64` sent "-0" to INCRBYFLOAT where Rust
/// sends "0" (and a narrow sum lost its overflow check). Fixed: the sum keeps its own
/// type under the cast.
#[redlua::library(name = "pr_p64_179_33")]
pub mod pr_p64_179_33 {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f_pr_p64_179_33(k1: Key) -> Option<String> {
        incr_by_float(&k1, vec![String::new(), String::new(), "-12".to_string()].into_iter().skip(3).zip(vec!["inf".to_string(), "日本".to_string(), String::new()]).map(|(x1, x2)| 0i64).sum::<i64>() as f64);
        None
    }

    /// The same cast of a `u8` sum: Rust panics when a partial sum passes 255.
    #[redis_function]
    pub fn narrow_sum(v: Vec<i64>) -> f64 {
        v.iter().map(|x| *x as u8).sum::<u8>() as f64
    }
}

#[test]
fn pr_p64_179_33() {
    let v = harness().case("pr_p64_179_33", 0, &[], |con| lua_outcome(pr_p64_179_33::f_pr_p64_179_33("c").call(con)), |con| twin_outcome(redlua::twin::try_run(con, || pr_p64_179_33::twin::f_pr_p64_179_33(Key::from("c")))));
    assert_eq!(v, Verdict::Same);
    for (i, input) in [vec![200, 55], vec![200, 56], vec![], vec![1, 2, 3]].into_iter().enumerate() {
        let lua_in = input.clone();
        let v = harness().case("pr_p64_179_33", i + 1, &[], move |con| lua_outcome(pr_p64_179_33::narrow_sum(lua_in.clone()).call(con)), move |con| twin_outcome(redlua::twin::try_run(con, || pr_p64_179_33::twin::narrow_sum(input.clone()))));
        assert_eq!(v, Verdict::Same, "{i}");
    }
}

/// Found by redlua-progen (seed 100, program p64_260_1, in the long run): the same cause
/// as `pr_p64_179_33` (an empty `sum::<i64>() as f64` was -0.0), seen in a reply.
#[redlua::library(name = "pr_p64_260_1")]
pub mod pr_p64_260_1 {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f_pr_p64_260_1() -> Result<Vec<f64>, Reject> {
        Ok(vec![(-1i64..(-3i64)).into_iter().rev().map(|x6| ",,".to_string()).map(|x7| 2i64).sum::<i64>() as f64, 0.0f64, 0.5f64, 9007199254740992.0f64])
    }
}

#[test]
fn pr_p64_260_1() {
    let v = harness().case("pr_p64_260_1", 0, &[], |con| lua_outcome(pr_p64_260_1::f_pr_p64_260_1().call(con)), |con| twin_result_outcome(redlua::twin::try_run(con, || pr_p64_260_1::twin::f_pr_p64_260_1())));
    assert_eq!(v, Verdict::Same);
}

/// Found by redlua-progen (seed 100, program p64_321_55, in the long run): the same cause
/// as `pr_p64_179_33` (an empty filtered sum cast as f64 was -0.0); the generated program
/// divided by it, so the reply's infinity had the wrong sign.
#[redlua::library(name = "pr_p64_321_55")]
pub mod pr_p64_321_55 {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f_pr_p64_321_55() -> f64 {
        vec![0i64].iter().filter(|x8| false).sum::<i64>() as f64
    }
}

#[test]
fn pr_p64_321_55() {
    let v = harness().case("pr_p64_321_55", 0, &[], |con| lua_outcome(pr_p64_321_55::f_pr_p64_321_55().call(con)), |con| twin_outcome(redlua::twin::try_run(con, || pr_p64_321_55::twin::f_pr_p64_321_55())));
    assert_eq!(v, Verdict::Same);
}

/// Found by redlua-progen (seed 3, program p235, a refusal): `*map.entry(k).or_insert(d) ^= b`
/// on a map of bools was refused as a bit operation on integers (`&=`, `|=`, `^=` take two
/// bools as well); `get_mut` and plain variables accepted it. A stored `false` must stay a
/// value of the map (not be taken for a missing key), and `&=` / `|=` run both sides.
#[redlua::library(name = "pr_entry_bool_bits")]
pub mod pr_entry_bool_bits {
    use redlua::prelude::*;
    use std::collections::HashMap;

    #[redis_function]
    pub fn f_pr_entry_bool_bits(k0: Key, b: bool) -> (bool, bool, bool, i64) {
        let mut m: HashMap<String, bool> = HashMap::new();
        *m.entry("a".to_string()).or_insert(true) ^= b;
        *m.entry("a".to_string()).or_insert(true) &= {
            rpush(&k0, "v");
            true
        };
        *m.entry("c".to_string()).or_insert(false) |= b;
        *m.entry("d".to_string()).or_default() ^= true;
        (m["a"], m["c"], m["d"], m.len() as i64)
    }
}

/// A NaN's sign, which `lua_tostring` and `lua_arg` write (`nan` / `-nan`): `f64::NAN` (and
/// the NaN `parse::<f64>` reads from `"NaN"`) is positive in Rust, but the Lua computed it as
/// `0 / 0`, which x86 makes negative: `lua_tostring(f64::NAN)` was `-nan` where the twin
/// wrote `nan`, and SET stored `-nan`.
#[redlua::library(name = "pr_nan_sign")]
pub mod pr_nan_sign {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f_pr_nan_sign(k0: Key, a0: String) -> (String, String, String, String) {
        set(&k0, lua_arg(f64::NAN));
        let parsed = a0.parse::<f64>().unwrap_or(0.5);
        rpush(&k0.derive(":l"), lua_arg(parsed));
        (lua_tostring(f64::NAN), lua_tostring(-f64::NAN), lua_tostring(parsed), format!("{}", f64::NAN))
    }
}

#[test]
fn pr_entry_bool_bits() {
    for b in [true, false] {
        let v = harness().case(
            "pr_entry_bool_bits",
            0,
            &[],
            |con| lua_outcome(pr_entry_bool_bits::f_pr_entry_bool_bits("a", b).call(con)),
            |con| twin_outcome(redlua::twin::try_run(con, || pr_entry_bool_bits::twin::f_pr_entry_bool_bits(Key::from("a"), b))),
        );
        assert_eq!(v, Verdict::Same, "b = {b}");
    }
}

/// Found by redlua-progen (seed 3, program p240, a compiler panic): `matches!` whose value
/// is a struct literal or a struct variant (`matches!(E::Running { f0: .. }, ..)`) made the
/// compiler panic: the macro's value became a bare `match` scrutinee, where Rust's parser
/// does not take a struct literal. The fields run in the order written, the command once.
#[redlua::library(name = "pr_matches_struct_literal")]
pub mod pr_matches_struct_literal {
    use redlua::prelude::*;

    #[derive(Debug, Clone, PartialEq)]
    pub enum E1 {
        Idle,
        Running { f0: bool, f1: i64 },
    }

    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct S0 {
        pub a: i64,
    }

    #[redis_function]
    pub fn f_pr_matches_struct_literal(k0: Key, a0: i64) -> (bool, bool, bool) {
        let x = matches!(E1::Running { f1: incr_by(&k0, a0 % 788), f0: a0 > 0 }, E1::Running { f0: b, .. } if matches!(E1::Running { f0: b, f1: a0 }, E1::Running { f0: c, .. } if c));
        let y = matches!(S0 { a: a0 }.a, 1..=9);
        let z = matches!(E1::Idle, E1::Running { .. });
        (x, y, z)
    }
}

#[test]
fn pr_matches_struct_literal() {
    for a in [-3i64, 0, 5] {
        let v = harness().case(
            "pr_matches_struct_literal",
            0,
            &[],
            |con| lua_outcome(pr_matches_struct_literal::f_pr_matches_struct_literal("a", a).call(con)),
            |con| twin_outcome(redlua::twin::try_run(con, || pr_matches_struct_literal::twin::f_pr_matches_struct_literal(Key::from("a"), a))),
        );
        assert_eq!(v, Verdict::Same, "a = {a}");
    }
}

#[test]
fn pr_nan_sign() {
    let mut h = harness();
    for text in ["NaN", "-nan", "+NAN", "inf", "0.5"] {
        let v = h.case(
            "pr_nan_sign",
            0,
            &[],
            |con| lua_outcome(pr_nan_sign::f_pr_nan_sign("a", text).call(con)),
            |con| twin_outcome(redlua::twin::try_run(con, || pr_nan_sign::twin::f_pr_nan_sign(Key::from("a"), text.to_string()))),
        );
        assert_eq!(v, Verdict::Same, "{text:?}");
    }
    // The texts themselves, on this machine's server.
    let server = redlua::testing::TestServer::start().unwrap();
    let mut con = server.connection().unwrap();
    let (pos, neg, parsed, shown) = pr_nan_sign::f_pr_nan_sign("a", "-NaN").call(&mut con).unwrap();
    assert_eq!((pos.as_str(), neg.as_str(), parsed.as_str(), shown.as_str()), ("nan", "-nan", "-nan", "NaN"));
}

/// Found by redlua-progen (seed 1, program p1_1_24, the CI run): `json_decode::<T>(..)?` (and
/// `hgetall_as::<T>(..)?`) inside a helper returning `Result<_, Reject>` raised the rejection
/// with `error()` instead of returning it, so the server appended its location
/// (`REJECT S0 is not valid JSON script: .., on @user_function:480.`) and the caller's
/// rejection text was not the twin's. The helper now returns `nil` and the rejection.
#[redlua::library(name = "pr_helper_record_reject")]
pub mod pr_helper_record_reject {
    use redlua::prelude::*;

    #[derive(Debug, Clone, PartialEq, Json)]
    pub struct S0 {
        pub x: i64,
    }

    #[derive(Debug, Clone, PartialEq, Record)]
    pub struct R0 {
        pub n: i64,
    }

    fn decode(text: String) -> Result<i64, Reject> {
        let s: S0 = json_decode::<S0>(&text)?;
        Ok(s.x)
    }

    fn read(k: &Key) -> Result<i64, Reject> {
        let r: Option<R0> = hgetall_as::<R0>(k)?;
        Ok(r.map_or(-1, |r| r.n))
    }

    #[redis_function]
    pub fn f_pr_helper_record_reject(k0: Key, text: String) -> Result<(i64, i64), Reject> {
        rpush(&k0.derive(":log"), "before");
        let a = decode(text)?;
        let b = read(&k0)?;
        Ok((a, b))
    }
}

#[test]
fn pr_helper_record_reject() {
    let mut h = harness();
    for (text, n) in [("{\"x\":3}", "4"), ("ab", "4"), ("{\"x\":3}", "1.5"), ("{\"x\":1e400}", "4")] {
        let seed: &[&[&str]] = &[&["HSET", "a", "n", n]];
        let v = h.case(
            "pr_helper_record_reject",
            0,
            seed,
            |con| lua_outcome(pr_helper_record_reject::f_pr_helper_record_reject("a", text).call(con)),
            |con| twin_result_outcome(redlua::twin::try_run(con, || pr_helper_record_reject::twin::f_pr_helper_record_reject(Key::from("a"), text.to_string()))),
        );
        assert_eq!(v, Verdict::Same, "{text:?} / n = {n:?}");
    }
    // The rejection's text is the function's own, without the server's location.
    let server = redlua::testing::TestServer::start().unwrap();
    let mut con = server.connection().unwrap();
    match pr_helper_record_reject::f_pr_helper_record_reject("a", "ab").call(&mut con) {
        Err(redlua::Error::Rejected { message }) => assert_eq!(message, "S0 is not valid JSON"),
        other => panic!("{other:?}"),
    }
}

/// Found by redlua-progen (seed 102, program p66_161_16): in `for x in chain`, a chain whose
/// stages include `filter_map` bound `x` to the source element instead of the value the
/// `filter_map` closure gave (the loop variable stood for the element when no stage
/// reshaped it, and `filter_map` was not counted as one): INCRBY got `a0` for `a0 % -7`.
#[redlua::library(name = "pr_for_filter_map")]
pub mod pr_for_filter_map {
    use redlua::prelude::*;

    #[redis_function]
    pub fn f_pr_for_filter_map(k0: Key, a0: i64) -> i64 {
        let mut total = 0;
        for x in vec![a0, a0 + 1, 3].into_iter().filter_map(|y| if y != 3 { Some(y % -7) } else { None }) {
            total += incr_by(&k0, x.abs());
        }
        total
    }
}

#[test]
fn pr_for_filter_map() {
    let mut h = harness();
    for a in [-96i64, 0, 13] {
        let v = h.case(
            "pr_for_filter_map",
            0,
            &[],
            |con| lua_outcome(pr_for_filter_map::f_pr_for_filter_map("a", a).call(con)),
            |con| twin_outcome(redlua::twin::try_run(con, || pr_for_filter_map::twin::f_pr_for_filter_map(Key::from("a"), a))),
        );
        assert_eq!(v, Verdict::Same, "a = {a}");
    }
}
