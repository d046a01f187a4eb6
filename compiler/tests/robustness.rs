//! Robustness of the compiler against random and mutated sources: it never panics, and
//! every error it gives has a rule, a message, a hint and a span that points at the
//! user's code; accepted sources compile to the same Lua every time, and the macro
//! expansion is valid Rust.
//!
//! Three generators feed the oracle of `compiler/fuzz/src/harness.rs` (shared with the
//! fuzz targets in `compiler/fuzz`):
//!
//! - every real function source of the examples and tests, unchanged;
//! - those sources with token-tree mutations (dropped, repeated and swapped tokens,
//!   tokens replaced by odd ones: keywords of Rust and Lua, huge numbers, Unicode and raw
//!   identifiers, strings with quotes and `]]`);
//! - random token trees and random, roughly typed expressions in the places a user
//!   writes code (bodies, parameters, return types, module items, attribute arguments,
//!   `script!` input).
//!
//! The run is bounded (a fixed number of cases per generator, about 10 s in a debug
//! build), reproducible (a fixed seed, see [`seed`]) and prints how many inputs it checked. Known bugs that the checks found are
//! tolerated by the random runs and pinned by the ignored reproducers at the end.

#[path = "../fuzz/src/harness.rs"]
#[allow(dead_code)]
mod harness;

use harness::{Case, Entry, KnownBug, Mutation, Policy};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use std::io::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

fn seeds() -> &'static [Case] {
    static SEEDS: OnceLock<Vec<Case>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let root = harness::workspace_root(env!("CARGO_MANIFEST_DIR"));
        let s = harness::seeds(&root);
        assert!(s.len() >= 20, "expected the examples' and tests' function sources under {}, found {}", root.display(), s.len());
        s
    })
}

/// Inputs checked, by generator (for the summary line).
static CHECKED: [AtomicUsize; 3] = [AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0)];
static COMPILED: [AtomicUsize; 3] = [AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0)];

/// Prints one line outside libtest's output capture, so that CI logs show the figures.
fn report(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// The random runs are reproducible: a fixed seed unless `REDLUA_ROBUSTNESS_SEED` gives
/// another one (a number), so that CI fails only on a change of the compiler, and a long
/// local run can explore with `REDLUA_ROBUSTNESS_SEED=$RANDOM`.
fn seed() -> u64 {
    std::env::var("REDLUA_ROBUSTNESS_SEED").ok().and_then(|s| s.trim().parse().ok()).unwrap_or(0x007E_D10A)
}

/// `REDLUA_ROBUSTNESS_SCALE` (a percentage, 100 unless set) scales the number of random
/// cases: `cargo xtask mutants` runs this test once per mutant, with a tenth of them.
fn scaled(cases: u32) -> u32 {
    let percent = std::env::var("REDLUA_ROBUSTNESS_SCALE").ok().and_then(|s| s.trim().parse::<u32>().ok()).unwrap_or(100);
    (cases.saturating_mul(percent) / 100).max(1)
}

fn runner(cases: u32) -> TestRunner {
    let cases = scaled(cases);
    let config = Config { cases, failure_persistence: None, max_shrink_iters: 2000, ..Config::default() };
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed().to_le_bytes());
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
}

fn oracle(case: &Case, generator: usize) -> Result<(), TestCaseError> {
    CHECKED[generator].fetch_add(1, Ordering::Relaxed);
    proc_macro2::extra::invalidate_current_thread_spans();
    let checked = match std::panic::catch_unwind(|| harness::check(case, Policy::TOLERANT)) {
        Ok(r) => r,
        Err(payload) => {
            let message = harness::panic_message(&*payload);
            return match KnownBug::explaining_panic(case, &message) {
                Some(_) => Ok(()),
                None => Err(TestCaseError::fail(format!("the compiler panicked: {message}\n--- input ---\n{}", harness::as_rust_source(case)))),
            };
        }
    };
    match checked {
        Ok(o) => {
            if o.compiled {
                COMPILED[generator].fetch_add(1, Ordering::Relaxed);
            }
            Ok(())
        }
        Err(v) => Err(TestCaseError::fail(format!("{:?}: {}\n--- input ---\n{}", v.kind, v.message, harness::as_rust_source(case)))),
    }
}

/// Every real function source passes the checks as it is (the known bugs aside, which
/// the reproducers at the end pin; a UI case may show one on purpose).
#[test]
fn real_sources_pass_every_check() {
    let (mut compiled, mut known) = (0, 0);
    for case in seeds() {
        proc_macro2::extra::invalidate_current_thread_spans();
        match harness::check(case, Policy::TOLERANT) {
            Ok(o) => {
                compiled += usize::from(o.compiled);
                known += usize::from(o.known_bug.is_some());
            }
            Err(v) => panic!("{:?}: {}\n--- input ---\n{}", v.kind, v.message, harness::as_rust_source(case)),
        }
    }
    CHECKED[0].fetch_add(seeds().len(), Ordering::Relaxed);
    report(&format!("robustness: {} real sources checked ({compiled} compile, {known} show a known bug)", seeds().len()));
    assert!(compiled >= 10, "most examples compile: {compiled}");
}

fn mutation() -> impl Strategy<Value = Mutation> {
    (0u8..7, any::<u16>(), any::<u16>()).prop_map(|(op, pos, k)| {
        let [a, b] = pos.to_le_bytes();
        let [c, d] = k.to_le_bytes();
        Mutation::from_bytes([op, a, b, c, d])
    })
}

/// Mutated real sources: any edits, or only odd literals (which keeps most sources
/// compiling, so that odd values reach the checks and the Lua printer).
#[test]
fn mutated_sources_never_panic() {
    const CASES: u32 = 3000;
    let n = seeds().len();
    let literal = (any::<u16>(), any::<u16>()).prop_map(|(p, k)| Mutation::TweakLiteral(p as usize, k as usize));
    let edits = prop_oneof![3 => prop::collection::vec(mutation(), 1..6), 1 => prop::collection::vec(literal, 1..4)];
    let strategy = (0..n, edits, prop::bool::weighted(0.1));
    runner(CASES)
        .run(&strategy, |(seed, ms, attr)| {
            let case = harness::mutate_case(&seeds()[seed], &ms, attr);
            oracle(&case, 1)
        })
        .unwrap();
    report(&format!("robustness: {} mutated sources checked ({} compile), seed {}", CHECKED[1].load(Ordering::Relaxed), COMPILED[1].load(Ordering::Relaxed), seed()));
}

// ---------------------------------------------------------------------------------------
// Random token trees and random expressions.

const PUNCT_AND_NAMES: &[&str] = &[
    "k", "n", "s", "x", "v", "flag", "m", "a", "b", "i", "0", "1", "2", "-", "+", "*", "/", "%", "==", "!=", "<", "<=", ">",
    ">=", "&&", "||", "!", "&", "|", "^", "<<", ">>", "=", "+=", "-=", ";", ",", ".", ":", "::", "..", "..=", "->", "=>",
    "?", "#", "'", "let", "mut", "if", "else", "match", "for", "in", "while", "loop", "return", "break", "continue",
];

fn vocab() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(harness::ODD_TOKENS).prop_map(str::to_string),
        prop::sample::select(PUNCT_AND_NAMES).prop_map(str::to_string),
        // a number of any size and an arbitrary identifier
        any::<u128>().prop_map(|n| n.to_string()),
        "[a-zA-Z_][a-zA-Z0-9_]{0,8}".prop_filter("an identifier", |s| s != "_" && s.parse::<proc_macro2::TokenStream>().is_ok()),
        // a string literal with any characters (escaped as Rust would)
        any::<String>().prop_map(|s| format!("{s:?}")),
    ]
}

/// A random token tree as text (groups are balanced, so it always lexes).
fn token_tree() -> impl Strategy<Value = String> {
    vocab().prop_recursive(3, 48, 8, |inner| {
        (0..3usize, prop::collection::vec(inner, 0..8)).prop_map(|(d, items)| {
            let (o, c) = [("(", ")"), ("{", "}"), ("[", "]")][d];
            format!("{o} {} {c}", items.join(" "))
        })
    })
}

fn tokens(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(token_tree(), 0..max).prop_map(|v| v.join(" "))
}

const VARS: &[&str] = &["n", "s", "x", "v", "flag", "k", "m"];
const BINOPS: &[&str] = &["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "&", "|", "^", "<<", ">>", ".."];
const METHODS0: &[&str] = &[
    "len", "abs", "to_string", "clone", "is_empty", "trim", "is_some", "is_none", "unwrap", "iter", "sum", "count", "rev",
    "to_ascii_uppercase", "chars", "first", "last", "pop", "as_int", "is_nil", "signum", "sqrt", "floor", "round",
];
const METHODS1: &[&str] = &[
    "min", "max", "pow", "push", "contains", "starts_with", "unwrap_or", "checked_add", "wrapping_mul", "saturating_sub",
    "get", "split", "repeat", "find", "replace", "map", "filter", "take", "skip", "step_by", "derive", "cmp", "eq",
];
const FUNCS: &[&str] = &["incr", "incr_by", "get::<i64>", "get::<String>", "set", "del", "exists", "hget::<String>", "strlen", "llen", "helper", "Some", "Ok", "Err", "Key::new", "String::from", "i64::from", "f64::from"];

/// A random expression, roughly typed like the code users write.
fn expr() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        prop::sample::select(VARS).prop_map(str::to_string),
        prop::sample::select(harness::ODD_TOKENS).prop_filter("a literal", |s| s.parse::<proc_macro2::Literal>().is_ok()).prop_map(str::to_string),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| format!("{f:?}")),
        any::<String>().prop_map(|s| format!("{s:?}.to_string()")),
        Just("None".to_string()),
        Just("Vec::new()".to_string()),
        Just("&k".to_string()),
    ];
    leaf.prop_recursive(4, 40, 4, |e| {
        prop_oneof![
            (e.clone(), prop::sample::select(BINOPS), e.clone()).prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            e.clone().prop_map(|a| format!("-{a}")),
            e.clone().prop_map(|a| format!("!{a}")),
            (e.clone(), prop::sample::select(METHODS0)).prop_map(|(a, m)| format!("{a}.{m}()")),
            (e.clone(), prop::sample::select(METHODS1), e.clone()).prop_map(|(a, m, b)| format!("{a}.{m}({b})")),
            (prop::sample::select(FUNCS), e.clone()).prop_map(|(f, a)| format!("{f}({a})")),
            (prop::sample::select(FUNCS), e.clone(), e.clone()).prop_map(|(f, a, b)| format!("{f}({a}, {b})")),
            (e.clone(), e.clone(), e.clone()).prop_map(|(c, a, b)| format!("if {c} {{ {a} }} else {{ {b} }}")),
            (e.clone(), e.clone(), e.clone()).prop_map(|(c, a, b)| format!("match {c} {{ 0 => {a}, _ => {b} }}")),
            (e.clone(), e.clone()).prop_map(|(a, b)| format!("{{ let y = {a}; {b} }}")),
            (e.clone(), e.clone()).prop_map(|(a, b)| format!("{a}[{b}]")),
            (e.clone(), prop::sample::select(&["i64", "f64", "usize", "u8", "i32"][..])).prop_map(|(a, t)| format!("({a} as {t})")),
            (e.clone(), e.clone()).prop_map(|(a, b)| format!("vec![{a}, {b}]")),
            (e.clone(), e.clone()).prop_map(|(a, b)| format!("format!(\"{{}}-{{:?}}\", {a}, {b})")),
            e.clone().prop_map(|a| format!("{a}.parse::<i64>().unwrap_or(0)")),
            e.clone().prop_map(|a| format!("{a}?")),
            (e.clone(), e.clone()).prop_map(|(a, b)| format!("(0..{a}).map(|i| i * 2).filter(|i| *i > {b}).sum::<i64>()")),
            (e.clone(), e).prop_map(|(a, b)| format!("call!(\"HSET\", &k, {a}, {b})")),
        ]
    })
}

/// Typed expressions (i64, String, bool, f64) over the parameters of `typed_function`,
/// built from what the language reference lists: most of them compile, so odd values
/// reach the checks and the Lua printer.
fn int_expr() -> BoxedStrategy<String> {
    let leaf = prop_oneof![
        Just("n".to_string()),
        Just("(s.len() as i64)".to_string()),
        Just("(v.len() as i64)".to_string()),
        (-(1i64 << 53) + 1..(1i64 << 53)).prop_map(|n| n.to_string()),
        prop::sample::select(&["0", "1", "-1", "9007199254740991", "-9007199254740991", "4503599627370496", "2048", "-2048", "i64::MAX", "i64::MIN", "1_000"][..]).prop_map(str::to_string),
    ];
    leaf.prop_recursive(3, 24, 3, |e| {
        prop_oneof![
            (e.clone(), prop::sample::select(&["+", "-", "*", "/", "%"][..]), e.clone()).prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            e.clone().prop_map(|a| format!("(-{a})")),
            (e.clone(), prop::sample::select(&["min", "max"][..]), e.clone()).prop_map(|(a, m, b)| format!("{a}.{m}({b})")),
            e.clone().prop_map(|a| format!("{a}.abs()")),
            e.clone().prop_map(|a| format!("({a} % 5).pow(2)")),
            (bool_leaf(), e.clone(), e.clone()).prop_map(|(c, a, b)| format!("if {c} {{ {a} }} else {{ {b} }}")),
            (e.clone(), e.clone(), e.clone()).prop_map(|(c, a, b)| format!("match {c} {{ 0 => {a}, 1..=5 => {b}, i64::MIN..=-1 => -{b}, _ => {a} }}")),
            (e.clone(), e.clone()).prop_map(|(a, b)| format!("{{ let y = {a}; y + {b} }}")),
            e.clone().prop_map(|a| format!("incr_by(&k, {a})")),
            e.clone().prop_map(|a| format!("get::<i64>(&k).unwrap_or({a})")),
            e.clone().prop_map(|a| format!("s.parse::<i64>().unwrap_or({a})")),
            e.clone().prop_map(|a| format!("(0..({a} % 10)).sum::<i64>()")),
            e.clone().prop_map(|a| format!("v.iter().map(|e| e * {a}).sum::<i64>()")),
            e.prop_map(|a| format!("(({a}) as f64 * x) as i64")),
        ]
    })
    .boxed()
}

fn bool_leaf() -> impl Strategy<Value = String> {
    prop::sample::select(&["flag", "true", "!flag", "n > 0", "s.is_empty()", "v.is_empty()", "exists(&k)", "s.contains(\"]]\")", "s == \"'\\\"\\\\\""][..]).prop_map(str::to_string)
}

fn str_expr() -> BoxedStrategy<String> {
    let leaf = prop_oneof![
        Just("s.clone()".to_string()),
        Just("n.to_string()".to_string()),
        any::<String>().prop_map(|t| format!("{t:?}.to_string()")),
        prop::sample::select(harness::ODD_TOKENS).prop_filter("a string literal", |t| t.starts_with('"') || t.starts_with("r#\"")).prop_map(|t| format!("{t}.to_string()")),
    ];
    leaf.prop_recursive(3, 16, 3, |e| {
        prop_oneof![
            (e.clone(), e.clone()).prop_map(|(a, b)| format!("format!(\"{{}}]]{{:?}}\", {a}, {b})")),
            (e.clone(), e.clone()).prop_map(|(a, b)| format!("({a} + &{b})")),
            e.clone().prop_map(|a| format!("{a}.trim().to_string()")),
            e.clone().prop_map(|a| format!("{a}.to_ascii_uppercase()")),
            e.clone().prop_map(|a| format!("{a}.repeat(2)")),
            (e.clone(), e.clone()).prop_map(|(a, b)| format!("{a}.replace(\"--\", &{b})")),
            (bool_leaf(), e.clone(), e.clone()).prop_map(|(c, a, b)| format!("if {c} {{ {a} }} else {{ {b} }}")),
            e.prop_map(|a| format!("get::<String>(&k).unwrap_or({a})")),
        ]
    })
    .boxed()
}

fn typed_function() -> impl Strategy<Value = Case> {
    (int_expr(), str_expr(), int_expr(), str_expr(), bool_leaf(), any::<bool>()).prop_map(|(a, b, i, t, c, script)| {
        let body = format!("let a = {a}; let b = {b}; let c = {c}; set(&k, &b); (a + {i}, b + &{t}, c, x * 2.0)");
        let sig = "(k: Key, n: i64, s: String, x: f64, flag: bool, v: Vec<i64>) -> (i64, String, bool, f64)";
        if script {
            Case { entry: Entry::Script, attr: String::new(), item: format!("fn typed{sig} {{ {body} }}") }
        } else {
            library(&format!("#[redis_function] pub fn typed{sig} {{ {body} }}"))
        }
    })
}

fn statements() -> impl Strategy<Value = String> {
    let stmt = prop_oneof![
        expr().prop_map(|e| format!("let a = {e};")),
        expr().prop_map(|e| format!("let mut b: i64 = {e};")),
        expr().prop_map(|e| format!("b += {e};")),
        (expr(), expr()).prop_map(|(c, e)| format!("if {c} {{ return {e}; }}")),
        (expr(), expr()).prop_map(|(c, e)| format!("for i in 0..{c} {{ b += {e}; if i > 3 {{ break; }} }}")),
        (expr(), expr()).prop_map(|(c, e)| format!("while {c} {{ {e}; }}")),
        expr().prop_map(|e| format!("{e};")),
    ];
    (prop::collection::vec(stmt, 0..4), expr()).prop_map(|(ss, tail)| format!("{} {tail}", ss.join(" ")))
}

const RETURNS: &[&str] = &["i64", "String", "bool", "f64", "Option<i64>", "Vec<i64>", "(i64, String)", "Result<i64, Reject>", "()", "Value"];
const PARAMS: &str = "k: Key, n: i64, s: String, x: f64, flag: bool, v: Vec<i64>";

fn library(items: &str) -> Case {
    Case { entry: Entry::Library, attr: "name = \"r\"".into(), item: format!("mod r {{ use redlua::prelude::*; fn helper(a: i64) -> i64 {{ a + 1 }} {items} }}") }
}

/// A random piece of code in one of the places a user writes code.
fn placed() -> impl Strategy<Value = Case> {
    let ret = prop::sample::select(RETURNS);
    prop_oneof![
        // typed expressions, which mostly compile
        4 => typed_function(),
        // a body of random tokens
        1 => (tokens(16), ret.clone()).prop_map(|(b, r)| library(&format!("#[redis_function] pub fn f({PARAMS}) -> {r} {{ {b} }}"))),
        // a body of random statements and expressions
        1 => (statements(), ret.clone(), any::<bool>()).prop_map(|(b, r, ro)| {
            let attr = if ro { "(read_only)" } else { "" };
            library(&format!("#[redis_function{attr}] pub fn f({PARAMS}) -> {r} {{ {b} }}"))
        }),
        1 => (statements(), ret.clone()).prop_map(|(b, r)| Case { entry: Entry::Script, attr: String::new(), item: format!("fn f({PARAMS}) -> {r} {{ {b} }}") }),
        // random parameters and return types
        1 => (tokens(6), statements()).prop_map(|(p, b)| Case { entry: Entry::Script, attr: String::new(), item: format!("fn f({p}) -> i64 {{ {b} }}") }),
        1 => (tokens(5), expr()).prop_map(|(r, b)| library(&format!("#[redis_function] pub fn f(n: i64) -> {r} {{ {b} }}"))),
        // random items of the module
        1 => tokens(12).prop_map(|items| library(&format!("{items} #[redis_function] pub fn f(n: i64) -> i64 {{ n }}"))),
        // random attribute arguments
        1 => tokens(6).prop_map(|a| Case { entry: Entry::Library, attr: a, item: "mod r { use redlua::prelude::*; #[redis_function] pub fn f(n: i64) -> i64 { n } }".into() }),
        1 => (tokens(6), statements()).prop_map(|(a, b)| library(&format!("#[redis_function({a})] pub fn f({PARAMS}) -> i64 {{ {b} }}"))),
        // script! input
        1 => tokens(12).prop_map(|t| Case { entry: Entry::Closure, attr: String::new(), item: t }),
        1 => (tokens(3), statements(), ret).prop_map(|(o, b, r)| Case { entry: Entry::Closure, attr: String::new(), item: format!("{o}; |k: Key, n: i64, s: String| -> {r} {{ {b} }}") }),
    ]
}

/// Random tokens and expressions in every place a user writes code.
#[test]
fn random_sources_never_panic() {
    const CASES: u32 = 4000;
    runner(CASES).run(&placed(), |case| oracle(&case, 2)).unwrap();
    report(&format!("robustness: {} random sources checked ({} compile), seed {}", CHECKED[2].load(Ordering::Relaxed), COMPILED[2].load(Ordering::Relaxed), seed()));
}

// ---------------------------------------------------------------------------------------
// Reproducers of bugs these checks found (see `KnownBug`), kept as regression tests.

fn strict(entry: Entry, attr: &str, item: &str) {
    let case = Case { entry, attr: attr.into(), item: item.into() };
    proc_macro2::extra::invalidate_current_thread_spans();
    if let Err(v) = harness::check(&case, Policy::STRICT) {
        panic!("{:?}: {}\n(known bug: {:?})", v.kind, v.message, KnownBug::explaining(&case, &case.item.parse().unwrap(), &v));
    }
}

#[test]
fn script_closure_with_two_errors_expands_to_an_expression() {
    strict(Entry::Closure, "", "bogus; |k: Keyy| -> i64 { 1 }");
}

#[test]
fn empty_statement_is_accepted() {
    strict(Entry::Script, "", "fn f(a: i64) -> i64 { let b = a + 1;; b }");
}

#[test]
fn empty_reject_points_at_the_macro() {
    strict(Entry::Script, "", "fn f(a: i64) -> Result<i64, Reject> { Err(reject!()) }");
}

#[test]
fn empty_format_points_at_the_macro() {
    strict(Entry::Script, "", "fn f(a: i64) -> String { format!() }");
}

#[test]
fn empty_call_points_at_the_macro() {
    strict(Entry::Script, "", "fn f(a: i64) -> i64 { call!(); a }");
}

#[test]
fn empty_where_clause_is_accepted() {
    strict(Entry::Script, "", "fn f(a: i64) -> i64 where { a }");
}

#[test]
fn parameterless_closure_error_points_at_the_closure() {
    strict(Entry::Script, "", "fn f(a: i64) -> bool { Some(a).is_some_and(|| true) }");
}

#[test]
fn raw_identifier_parameter_expands_to_valid_rust() {
    strict(Entry::Script, "", "fn kind(r#type: String) -> String { r#type }");
    strict(Entry::Library, "name = \"kinds\"", "mod kinds { use redlua::prelude::*; #[redis_function] pub fn kind(r#type: String) -> String { r#type } }");
}

#[test]
fn i64_min_pattern_does_not_panic() {
    strict(Entry::Script, "", "fn f(n: i64) -> i64 { match n { -9223372036854775808 => 1, _ => 0 } }");
}

#[test]
fn i64_min_constant_does_not_panic() {
    strict(Entry::Script, "", "fn f(n: i64) -> i64 { n + -4503599627370496 * 2048 }");
}

#[test]
fn script_closure_with_a_self_parameter_does_not_panic() {
    strict(Entry::Closure, "", "|a: i64, self: i64| -> i64 { a }");
    strict(Entry::Closure, "", "|&self: i64| -> i64 { 1 }");
}

/// Malformed uses of the constructs added most recently: no panic, and every error points
/// at the user's tokens.
#[test]
fn malformed_new_constructs_are_refused_at_the_users_tokens() {
    let sources = [
        r#"fn f(x: f64) -> String { format!("{:.}", x) }"#,
        r#"fn f(s: String) -> String { format!("{:>}", s) }"#,
        r#"fn f(s: String) -> String { format!("{:é^5}", s) }"#,
        r#"fn f(s: String) -> String { format!("{:0>5}", s) }"#,
        r#"fn f(n: i64) -> String { format!("{:.200}", n as f64) }"#,
        r#"fn f(n: i64) -> String { format!("{:+}", n) }"#,
        r#"fn f(s: String) -> String { s[..].to_string() }"#,
        r#"fn f(s: String) -> String { s[1..].to_string() }"#,
        r#"fn f(s: String, a: f64) -> String { s[a..].to_string() }"#,
        r#"fn f(a: i64) -> Result<i64, Reject> { Err(reject!(code = "", "x")) }"#,
        r#"fn f(a: i64) -> Result<i64, Reject> { Err(reject!(code = "A")) }"#,
        r#"fn f(a: i64) -> Result<i64, Reject> { Err(reject!(kode = "A", "x")) }"#,
        r#"fn f(n: i64) -> Vec<i64> { vec![; 3] }"#,
        r#"fn f(n: i64) -> Vec<i64> { vec![None; 3] }"#,
        r#"fn f(mut v: Vec<i64>) -> Vec<i64> { v.sort_by_key(); v }"#,
        r#"fn f(mut v: Vec<f64>) -> Vec<f64> { v.sort_by_key(|x| *x); v }"#,
        r#"fn f(v: Vec<i64>) -> i64 { v.iter().zip(3).count() as i64 }"#,
        r#"fn f(v: Vec<i64>) -> i64 { v.iter().zip().count() as i64 }"#,
        r#"fn f(n: i64) -> i64 { 'a: loop { break 'b; } }"#,
        r#"fn f(n: i64) -> i64 { 'a: loop { loop { continue 'a; } } }"#,
        r#"fn f(n: i64) -> i64 { 'a: for i in 0..n { 'a: for j in 0..n { break 'a; } } 0 }"#,
        r#"fn f(n: f64) -> i64 { (n << 2) as i64 }"#,
        r#"fn f(n: i64, b: bool) -> i64 { n & b }"#,
        r#"fn f(mut m: HashMap<String, i64>) -> i64 { *m.entry(1).or_insert(0) += 1; 0 }"#,
        r#"fn f(m: HashMap<String, i64>) -> i64 { *m.entry("a".to_string()).or_insert(0) += 1; 0 }"#,
        r#"fn f(k: Key, a: Option<i64>, b: i64) -> i64 { b }"#,
        r#"fn f(k: Key, a: Option<Key>) -> i64 { 0 }"#,
        r#"fn f(k: Key, a: Option<Vec<i64>>) -> i64 { 0 }"#,
        r#"fn f(s: String) -> String { s.chars().collect::<Vec<String>>().join("") }"#,
        r#"fn f(s: String) -> i64 { s.chars().map(|c| c.len() as i64).sum() }"#,
        r#"fn f(s: String) -> String { s.splitn(2).collect() }"#,
        r#"fn f(s: String) -> String { s.lines(1).collect() }"#,
        r#"fn f(n: i64) -> i64 { const X: i64 = n; X }"#,
        r#"fn f(n: i64) -> i64 { const X: i64 = 1 << 60; X }"#,
        r#"fn f(n: i64) -> i64 { n.checked_mul(2).unwrap_or(i64::MIN) }"#,
        r#"fn f(s: String) -> bool { s.contains('') }"#,
    ];
    for src in sources {
        strict(Entry::Script, "", src);
    }
}
