//! Minimal programs found by redlua's random program generator (`redlua-progen`, see the
//! Robustness page of the book), each with the input that showed a difference. Every test
//! runs its program as Lua on one server and as its native twin on another, from the same
//! initial keyspace, through the generator's own comparison: the reply (or both errors),
//! the whole keyspace and the ordered commands each side sent must agree.
//!
//! New cases are appended by `redlua-progen` when it shrinks a difference.

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
