//! Code generation properties the replay corpus cannot show: Lua's limit of 200 locals
//! per function (the compiler refuses a function exactly past 190, keeping ten in reserve,
//! temporaries included; a script's body goes at the chunk's top level only when it fits
//! there), and error texts kept on one line.

use redlua_compiler::{compile_library, compile_script};

fn library(body_items: &str) -> Result<String, Vec<String>> {
    let src = format!("mod m {{ use redlua::prelude::*; use std::collections::HashMap; {body_items} }}");
    compile_library(r#"name = "m""#.parse().expect("attribute"), src.parse().expect("library")).map(|l| l.lua).map_err(|ds| ds.iter().map(ToString::to_string).collect())
}

/// `count` statements `let a_i = <expr>;`, and the last one's value.
fn lets(count: usize, expr: &str) -> String {
    let mut body = String::new();
    for i in 0..count {
        body.push_str(&format!("let a{i} = {};\n", expr.replace("{i}", &i.to_string())));
    }
    body.push_str(&if count == 0 { "0".to_string() } else { format!("a{}", count - 1) });
    body
}

/// The smallest count of statements for which `make(count)` is refused, with its errors.
fn first_refused(make: impl Fn(usize) -> Result<String, Vec<String>>) -> (usize, Vec<String>) {
    let (mut lo, mut hi) = (120usize, 260usize);
    assert!(make(lo).is_ok(), "{:?}", make(lo).err());
    let errors = make(hi).expect_err("260 locals are refused");
    let mut last = errors;
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        match make(mid) {
            Ok(_) => lo = mid,
            Err(e) => {
                hi = mid;
                last = e;
            }
        }
    }
    (hi, last)
}

/// The most locals the compiler gives a Lua function (Lua allows 200).
const LIMIT: usize = 190;

fn lua_limit(errors: &[String]) -> Option<usize> {
    errors.iter().find_map(|e| {
        let rest = e.strip_prefix("redlua::lua-limit: ")?;
        let n = rest.split("needs ").nth(1)?.split(' ').next()?;
        n.parse().ok()
    })
}

#[test]
fn a_function_is_refused_exactly_past_the_limit() {
    let (count, errors) = first_refused(|n| library(&format!("#[redis_function] pub fn f(n: i64) -> i64 {{ {} }}", lets(n, "n + {i}"))));
    assert_eq!(lua_limit(&errors), Some(LIMIT + 1), "{errors:?}");
    // One more is refused too.
    let more = library(&format!("#[redis_function] pub fn f(n: i64) -> i64 {{ {} }}", lets(count + 1, "n + {i}"))).unwrap_err();
    assert_eq!(lua_limit(&more), Some(LIMIT + 2), "{more:?}");
}

#[test]
fn a_helper_is_refused_exactly_past_the_limit() {
    let make = |n: usize| library(&format!("fn h(n: i64) -> i64 {{ {} }} #[redis_function] pub fn f(n: i64) -> i64 {{ h(n) }}", lets(n, "n + {i}")));
    let (count, errors) = first_refused(make);
    assert_eq!(lua_limit(&errors), Some(LIMIT + 1), "{errors:?}");
    let more = make(count + 1).unwrap_err();
    assert_eq!(lua_limit(&more), Some(LIMIT + 2), "{more:?}");
    let many = make(count + 50).unwrap_err();
    assert_eq!(lua_limit(&many), Some(LIMIT + 51), "{many:?}");
}

#[test]
fn temporaries_count_as_locals() {
    // Each `match` used as a value needs a temporary as well as its variable.
    let small = library(&format!("#[redis_function] pub fn f(n: i64) -> i64 {{ {} }}", lets(3, "match n { {i} => 1, _ => 2 }"))).unwrap();
    assert!(small.contains("local tmp_3"), "{small}");
    let errors = library(&format!("#[redis_function] pub fn f(n: i64) -> i64 {{ {} }}", lets(100, "match n { {i} => 1, _ => 2 }"))).unwrap_err();
    assert!(lua_limit(&errors).is_some_and(|n| n > LIMIT), "{errors:?}");
}

/// The names a chunk declares at its top level (`local a, b`, `local function f`).
fn top_level_locals(lua: &str) -> usize {
    lua.lines()
        .map(|l| {
            if let Some(rest) = l.strip_prefix("local function ") {
                usize::from(!rest.is_empty())
            } else if let Some(rest) = l.strip_prefix("local ") {
                let names = rest.split(" = ").next().unwrap_or("");
                let names = names.split("  --").next().unwrap_or("");
                names.split(',').count()
            } else {
                0
            }
        })
        .sum()
}

#[test]
fn a_script_body_is_at_the_top_level_exactly_when_its_locals_fit_there() {
    let script = |n: usize| {
        compile_script(proc_macro2::TokenStream::new(), format!("fn s(k: Key, n: i64) -> i64 {{ fn one(x: i64) -> i64 {{ x + 1 }} fn two(x: i64) -> i64 {{ one(x) + 1 }} fn three(x: i64) -> i64 {{ two(x) + 1 }} incr(&k); {} }}", lets(n, "three(n) + {i}")).parse().expect("script"))
            .map(|s| s.lua)
            .map_err(|ds| ds.iter().map(ToString::to_string).collect::<Vec<_>>())
    };
    let mut last_inline = None;
    let mut first_wrapped = None;
    // Up to the largest body the function's own limit allows.
    for n in 140..=LIMIT {
        let Ok(lua) = script(n) else { break };
        let wrapped = lua.contains("local function fn_s(keys, args)");
        assert!(lua.contains("h_one = function") && lua.contains("h_two = function") && lua.contains("h_three = function"), "{lua}");
        let top = top_level_locals(&lua);
        assert!(top <= LIMIT, "{n} lets: {top} locals at the top level of the chunk\n{lua}");
        if wrapped {
            first_wrapped.get_or_insert(n);
        } else {
            assert!(first_wrapped.is_none(), "{n} lets inline after a smaller body was wrapped");
            last_inline = Some((n, top));
        }
    }
    let (n, top) = last_inline.expect("a body of 140 lets fits at the top level");
    assert_eq!(top, LIMIT, "the largest body at the top level ({n} lets) leaves room: {top} locals");
    assert_eq!(first_wrapped, Some(n + 1));
}

#[test]
fn a_rejection_stays_on_one_line() {
    let lua = library(
        "#[redis_function] pub fn f(n: i64) -> Result<i64, Reject> { if n > 0 { return Err(reject!(\"first\\nsecond\\rthird\")); } Ok(n) }",
    )
    .unwrap();
    assert!(lua.contains("'REJECT first second third'"), "{lua}");
}

/// The names declared by `local` statements inside `local function fn_<name>(keys, args)`.
fn function_locals(lua: &str, name: &str) -> usize {
    let start = format!("local function fn_{name}(keys, args)");
    let mut inside = false;
    let mut count = 0;
    for line in lua.lines() {
        if line.starts_with(&start) {
            inside = true;
            continue;
        }
        if !inside {
            continue;
        }
        if line == "end" {
            break;
        }
        let code = line.trim_start().split("  -- ").next().unwrap_or("");
        if let Some(rest) = code.strip_prefix("for ") {
            // `for a, b in ..` and `for i = ..`: the loop's variables are locals too, `_`
            // included, and so are its three hidden control variables (Lua 5.1's
            // `(for generator)`, `(for state)`, `(for control)` or `(for index)`,
            // `(for limit)`, `(for step)`).
            let names = if rest.contains(" in ") { rest.split(" in ").next().unwrap_or("") } else { rest.split(" = ").next().unwrap_or("") };
            count += 3 + names.split(',').count();
        } else if code.starts_with("local function ") {
            count += 1;
        } else if let Some(rest) = code.strip_prefix("local ") {
            count += rest.split(" = ").next().unwrap_or("").split(',').count();
        }
    }
    assert!(inside, "no fn_{name} in\n{lua}");
    count
}

/// The compiler's count of a function's locals is the number of locals its Lua declares:
/// for each parameter kind and statement kind, the function is refused exactly when its
/// Lua would declare more than the limit.
#[test]
fn the_count_of_locals_is_the_locals_the_lua_declares() {
    let shapes: &[(&str, &str)] = &[
        ("n: i64", ""),
        ("n: i64, m: i64", ""),
        ("n: i64, a: u32", ""),
        ("n: i64, a: i8, b: usize", ""),
        ("n: i64, o: Option<i64>", ""),
        ("n: i64, o: Option<i64>, p: Option<String>", ""),
        ("n: i64, s: String, x: f64, b: bool", ""),
        ("k: Key, n: i64, v: Vec<i64>", ""),
        ("ks: Vec<Key>, n: i64", ""),
        ("n: i64", "let (p, q) = (n, n + 1); let (r, _) = (q, p);"),
        ("n: i64", "let t = (n, n); let (p, q) = t;"),
        ("n: i64", "let a = match n { 0 => 1, _ => 2 }; let b = if n > 0 { a } else { 2 };"),
        ("n: i64", "let mut v = vec![1, 2]; v[0] = v[1] + n;"),
        ("n: i64, v: Vec<i64>", "let mut s = 0; for x in v.iter().map(|x| x + 1) { s += x; } let t: i64 = v.iter().sum();"),
        ("n: i64, v: Vec<i64>", "let c = v.iter().map(|x| { let mut y = *x; y += 1; y }).filter(|y| *y > n).count();"),
        ("n: i64, v: Vec<i64>", "let mut s = 0; for (i, x) in v.iter().enumerate() { s += x + i as i64; }"),
        ("n: i64, v: Vec<i64>", "let mut s = 0; for x in v.iter().filter(|x| **x > n).take(3) { s += x; }"),
        ("n: i64, v: Vec<i64>", "let w: Vec<i64> = v.iter().map(|mut x| { x += 1; x }).collect();"),
        ("n: i64", "let mut s = 0; for i in 0..n { s += i; } for j in (0..n).rev().step_by(2) { s += j; } for k in (0..n).step_by(3) { s += k; }"),
        ("n: i64", "let mut m: HashMap<String, i64> = HashMap::new(); m.insert(\"a\".to_string(), n); let mut s = 0; for (k, x) in &m { s += x + k.len() as i64; }"),
        ("n: i64, v: Vec<i64>", "let mut s = 0; for x in &v { s += x; }"),
        ("n: i64", "let mut s = 0; 'o: for a in 0..2 { for b in 0..2 { if a + b > n { break 'o; } s += 1; } }"),
    ];
    let cases: Vec<(&str, &str, bool)> = shapes.iter().flat_map(|(p, b)| [(*p, *b, false), (*p, *b, true)]).collect();
    std::thread::scope(|scope| {
        for chunk in cases.chunks(cases.len().div_ceil(2)) {
            scope.spawn(move || {
                for &(params, prefix, script) in chunk {
                    check_count(params, prefix, script);
                }
            });
        }
    });
}

fn check_count(params: &str, prefix: &str, script: bool) {
    let make = |count: usize| {
        let body = format!("{prefix} {}", lets(count, "n + {i}"));
        if script {
            compile_script(proc_macro2::TokenStream::new(), format!("fn f({params}) -> i64 {{ {body} }}").parse().expect("script"))
                .map(|s| s.lua)
                .map_err(|ds| ds.iter().map(ToString::to_string).collect::<Vec<_>>())
        } else {
            library(&format!("#[redis_function] pub fn f({params}) -> i64 {{ {body} }}"))
        }
    };
    let (count, errors) = first_refused(make);
    assert_eq!(lua_limit(&errors), Some(LIMIT + 1), "{params} / {prefix} (script: {script}): {errors:?}");
    let lua = make(count - 1).unwrap();
    assert_eq!(function_locals(&lua, "f"), LIMIT, "{params} / {prefix} (script: {script}): the Lua of the largest function accepted\n{lua}");
}

/// In a library, a numeric argument whose text is the same as at the last call takes the
/// number checked then (`redlua_args`): each argument has a slot for its text and another
/// for its number, none shared.
#[test]
fn each_numeric_argument_has_its_own_memo_slots() {
    let lua = library("#[redis_function] pub fn f(n: i64, m: i64, x: f64) -> f64 { (n + m) as f64 + x }").unwrap();
    let slot = |pattern: &str| -> Vec<String> {
        lua.match_indices(pattern).map(|(at, _)| lua[at + pattern.len()..].split(']').next().unwrap_or("").to_string()).collect()
    };
    let numbers: Vec<String> = ["local n = redlua_args[", "local m = redlua_args[", "local x = redlua_args["].iter().flat_map(|p| slot(p)).collect();
    let texts: Vec<String> = ["args[1] ~= redlua_args[", "args[2] ~= redlua_args[", "args[3] ~= redlua_args["].iter().flat_map(|p| slot(p)).collect();
    assert_eq!((numbers.len(), texts.len()), (3, 3), "{lua}");
    let mut all: Vec<&String> = numbers.iter().chain(&texts).collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 6, "slots shared: numbers {numbers:?}, texts {texts:?}\n{lua}");
}
