//! The read-only and determinism checks see a command wherever the body sends it: in
//! every construct of the language, in helpers, in helpers that call helpers, and in
//! helpers that call each other. Each case is compiled twice: as a plain function it
//! compiles (the snippet is valid redlua), and as a `read_only` (or not
//! `nondeterministic`) function it is refused with the rule's error naming the command.

use redlua_compiler::compile_library;

/// A library with one function `f` whose body is `body`, plus helpers and a struct.
fn library(options: &str, ret: &str, body: &str) -> String {
    format!(
        r#"mod m {{
            use redlua::prelude::*;
            use std::collections::HashMap;

            struct P {{ x: i64 }}

            fn pure(x: i64) -> i64 {{ x + 1 }}
            fn reads(k: &Key) -> i64 {{ get::<i64>(k).unwrap_or(0) }}
            fn reads_then_writes(k: &Key) -> i64 {{ reads(k) + get::<i64>(k).unwrap_or(0) + incr(k) }}
            fn writes(k: &Key) -> i64 {{ incr(k) }}
            fn calls_writes(k: &Key) -> i64 {{ writes(k) + 1 }}
            fn three_deep(k: &Key) -> i64 {{ calls_writes(k) }}
            fn ping(k: &Key, n: i64) -> i64 {{ if n > 0 {{ pong(k, n - 1) }} else {{ 0 }} }}
            fn pong(k: &Key, n: i64) -> i64 {{ if n > 1 {{ ping(k, n - 1) }} else {{ incr(k) }} }}
            fn draws(k: &Key) -> Option<String> {{ spop(k) }}
            fn calls_draws(k: &Key) -> Option<String> {{ draws(k) }}

            #[redis_function({options})]
            pub fn f(k: Key, n: i64, v: Vec<i64>) -> {ret} {{
                {body}
            }}
        }}"#
    )
}

fn compile(options: &str, ret: &str, body: &str) -> Result<String, Vec<String>> {
    let attr = r#"name = "m""#.parse().expect("attribute tokens");
    let item = library(options, ret, body).parse().expect("library tokens");
    compile_library(attr, item).map(|l| l.lua).map_err(|ds| ds.iter().map(ToString::to_string).collect())
}

/// Bodies (returning `i64`) that send INCR somewhere, one construct each.
const WRITES: &[&str] = &[
    "incr(&k)",
    "incr(&k) + 1",
    "1 + incr(&k)",
    "-incr(&k)",
    "if incr(&k) > 0 { 1 } else { 2 }",
    "if n > 0 { incr(&k) } else { 2 }",
    "if n > 0 { 1 } else { incr(&k) }",
    "if n > 0 { 1 } else if n < 0 { 2 } else { incr(&k) }",
    "{ let x = incr(&k); x }",
    "{ let mut x = 0; x = incr(&k); x }",
    "{ let mut x = 0; x += incr(&k); x }",
    "{ let (a, b) = (incr(&k), 1); a + b }",
    "{ let Some(x) = Some(incr(&k)) else { return 0 }; x }",
    "{ let Some(x) = v.first().copied() else { return incr(&k) }; x }",
    "{ let mut t = vec![0]; t[0] = incr(&k); t[0] }",
    "{ let mut t = vec![0]; t[(incr(&k) * 0) as usize] = 1; t[0] }",
    "{ let mut p = P { x: 0 }; p.x = incr(&k); p.x }",
    "vec![incr(&k)][0]",
    "v[incr(&k) as usize]",
    "(incr(&k), 1).0",
    "P { x: incr(&k) }.x",
    "Some(incr(&k)).unwrap_or(0)",
    "v.first().copied().unwrap_or(incr(&k))",
    "if Some(incr(&k)).is_some() { 1 } else { 0 }",
    "if Some(incr(&k)).is_none() { 1 } else { 0 }",
    "incr(&k).to_string().len() as i64",
    "{ let mut i = 0; while incr(&k) < 0 { i += 1; } i }",
    "{ let mut i = 0; while i < 1 { i += incr(&k); } i }",
    "{ let mut i = 0; loop { i += incr(&k); break; } i }",
    "{ let mut s = 0; for i in incr(&k)..3 { s += i; } s }",
    "{ let mut s = 0; for i in 0..incr(&k) { s += i; } s }",
    "{ let mut s = 0; for i in (0..3).step_by(incr(&k) as usize) { s += i; } s }",
    "{ let mut s = 0; for i in 0..3 { s += incr(&k) + i; } s }",
    "{ let mut s = 0; for x in vec![incr(&k)] { s += x; } s }",
    "{ let mut s = 0; for x in &v { s += incr(&k) + x; } s }",
    "{ let mut m: HashMap<String, i64> = HashMap::new(); m.insert(\"a\".to_string(), 1); let mut s = 0; for (_, b) in &m { s += b + incr(&k); } s }",
    "match incr(&k) { 0 => 1, _ => 2 }",
    "match n { 0 => incr(&k), _ => 2 }",
    "match n { x if incr(&k) > x => 1, _ => 2 }",
    "{ let c = |x: i64| x + incr(&k); c(1) }",
    "{ let c = |x: i64| x + 1; c(incr(&k)) }",
    "{ let mut s = 0; while let Some(x) = Some(incr(&k)) { s += x; break; } s }",
    "{ let mut s = 0; while let Some(x) = v.first().copied() { s += incr(&k) + x; break; } s }",
    "Some(n).map(|x| x + incr(&k)).unwrap_or(0)",
    "Some(incr(&k)).map(|x| x + 1).unwrap_or(0)",
    "pure(incr(&k))",
    "writes(&k)",
    "calls_writes(&k)",
    "three_deep(&k)",
    "ping(&k, n)",
    "v.iter().map(|x| x + incr(&k)).sum()",
    "v.iter().filter(|x| **x > incr(&k)).count() as i64",
    "v.iter().take(incr(&k) as usize).count() as i64",
    "v.iter().skip(incr(&k) as usize).count() as i64",
    "v.iter().zip(vec![incr(&k)].iter()).count() as i64",
    "vec![incr(&k)].iter().sum()",
    "(0..incr(&k)).into_iter().sum()",
    "(incr(&k)..3).into_iter().sum()",
    "if v.iter().any(|x| *x == incr(&k)) { 1 } else { 0 }",
    "if v.iter().all(|x| *x == incr(&k)) { 1 } else { 0 }",
    "v.iter().find(|x| **x == incr(&k)).copied().unwrap_or(0)",
    "v.iter().position(|x| *x == incr(&k)).map(|p| p as i64).unwrap_or(0)",
    "incr(&k).to_string().split(\",\").count() as i64",
    "\"a,b\".split(&incr(&k).to_string()).count() as i64",
    "v.chunks(incr(&k) as usize).count() as i64",
    "call!(\"INCR\", &k).as_int().unwrap_or(0)",
    "call!(\"GET\", &k).as_int().unwrap_or(incr(&k))",
    "if call!(\"GET\", &k).as_int().is_some() { incr(&k) } else { 0 }",
];

#[test]
fn a_write_anywhere_in_a_read_only_function_is_refused() {
    let mut failures = Vec::new();
    for body in WRITES {
        if let Err(errors) = compile("", "i64", body) {
            failures.push(format!("`{body}` does not compile as a plain function: {errors:?}"));
            continue;
        }
        match compile("read_only", "i64", body) {
            Ok(_) => failures.push(format!("`{body}` in a read_only function compiles")),
            Err(errors) => {
                let refused = errors.iter().any(|e| e.starts_with("redlua::read-only-write:") && e.contains("INCR"));
                if !refused {
                    failures.push(format!("`{body}` in a read_only function: {errors:?}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_read_only_function_that_only_reads_compiles() {
    for body in ["get::<i64>(&k).unwrap_or(0)", "pure(n)", "reads(&k)", "reads(&k) + pure(n)", "v.iter().map(|x| x + pure(*x)).sum()", "call!(\"GET\", &k).as_int().unwrap_or(0)"] {
        assert!(compile("read_only", "i64", body).is_ok(), "{body}");
    }
}

#[test]
fn the_helper_is_named_in_the_error() {
    let errors = compile("read_only", "i64", "three_deep(&k)").unwrap_err();
    assert!(errors.iter().any(|e| e.contains("`f` is declared `read_only` but calls `three_deep`, which sends INCR (a write)")), "{errors:?}");
    // The command named is the write, not a read before it.
    let errors = compile("read_only", "i64", "reads_then_writes(&k)").unwrap_err();
    assert!(errors.iter().any(|e| e.contains("calls `reads_then_writes`, which sends INCR (a write)")), "{errors:?}");
    let errors = compile("read_only", "i64", "incr(&k)").unwrap_err();
    assert!(errors.iter().any(|e| e.contains("INCR writes, but `f` is declared `read_only`")), "{errors:?}");
}

/// Bodies (returning `Option<String>`) that send SPOP (nondeterministic output).
const DRAWS: &[&str] = &[
    "spop(&k)",
    "if n > 0 { spop(&k) } else { None }",
    "{ let x = spop(&k); x }",
    "draws(&k)",
    "calls_draws(&k)",
    "Some(n).and_then(|_| spop(&k))",
    "{ let mut r: Option<String> = None; for _ in &v { r = spop(&k); } r }",
    "call!(\"SPOP\", &k).as_string()",
];

#[test]
fn a_nondeterministic_command_anywhere_needs_the_opt_in() {
    let mut failures = Vec::new();
    for body in DRAWS {
        if let Err(errors) = compile("nondeterministic", "Option<String>", body) {
            failures.push(format!("`{body}` does not compile with nondeterministic: {errors:?}"));
            continue;
        }
        match compile("", "Option<String>", body) {
            Ok(_) => failures.push(format!("`{body}` compiles without nondeterministic")),
            Err(errors) => {
                if !errors.iter().any(|e| e.starts_with("redlua::nondeterministic:") && e.contains("SPOP")) {
                    failures.push(format!("`{body}` without nondeterministic: {errors:?}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let errors = compile("", "Option<String>", "calls_draws(&k)").unwrap_err();
    assert!(errors.iter().any(|e| e.contains("`f` calls `calls_draws`, which sends SPOP (nondeterministic output)")), "{errors:?}");
}

#[test]
fn flags_that_fit_the_function_compile() {
    // allow_stale on a function that reads only; allow_oom on one that writes.
    assert!(compile("read_only, allow_stale", "i64", "get::<i64>(&k).unwrap_or(0)").is_ok());
    assert!(compile("allow_oom", "i64", "incr(&k)").is_ok());
    // allow_stale on a function whose helper writes is refused.
    let errors = compile("allow_stale", "i64", "calls_writes(&k)").unwrap_err();
    assert!(errors.iter().any(|e| e.starts_with("redlua::function-flags:") && e.contains("INCR")), "{errors:?}");
}

fn two_keys(options: &str, params: &str, body: &str) -> Result<String, Vec<String>> {
    let src = format!(
        r#"mod m {{
            use redlua::prelude::*;
            #[redis_function({options})]
            pub fn f({params}) -> i64 {{ {body} }}
        }}"#
    );
    compile_library(r#"name = "m""#.parse().expect("attribute"), src.parse().expect("library")).map(|l| l.lua).map_err(|ds| ds.iter().map(ToString::to_string).collect())
}

#[test]
fn allow_cross_slot_keys_fits_functions_of_several_keys() {
    assert!(two_keys("allow_cross_slot_keys", "a: Key, b: Key", "incr(&a) + incr(&b)").is_ok());
    assert!(two_keys("allow_cross_slot_keys", "ks: Vec<Key>", "ks.len() as i64").is_ok());
    assert!(two_keys("allow_cross_slot_keys, dynamic_keys", "n: i64", "incr(&Key::new(format!(\"k:{n}\")))").is_ok());
    let errors = two_keys("allow_cross_slot_keys", "a: Key", "incr(&a)").unwrap_err();
    assert!(errors.iter().any(|e| e.starts_with("redlua::function-flags:")), "{errors:?}");
    let errors = two_keys("allow_oom, read_only", "a: Key", "get::<i64>(&a).unwrap_or(0)").unwrap_err();
    assert!(errors.iter().any(|e| e.starts_with("redlua::function-flags:") && e.contains("allow_oom")), "{errors:?}");
    let errors = two_keys("dynamic_keys", "a: Key", "incr(&a)").unwrap_err();
    assert!(errors.iter().any(|e| e.starts_with("redlua::function-flags:") && e.contains("dynamic_keys")), "{errors:?}");
}
