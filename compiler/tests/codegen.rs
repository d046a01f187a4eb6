//! Code generation properties the replay corpus cannot show: Lua's limit of 200 locals
//! per function (the compiler refuses a function exactly past 190, keeping ten in reserve,
//! temporaries included; a script's body goes at the chunk's top level only when it fits
//! there), and error texts kept on one line.

use redlua_compiler::{compile_library, compile_script};

fn library(body_items: &str) -> Result<String, Vec<String>> {
    let src = format!("mod m {{ use redlua::prelude::*; {body_items} }}");
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
    let (mut lo, mut hi) = (0usize, 400usize);
    assert!(make(lo).is_ok(), "{:?}", make(lo).err());
    let errors = make(hi).expect_err("400 locals are refused");
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
