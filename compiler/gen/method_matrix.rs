//! Writes the method matrix, `tests/integration/method_matrix.rs`, from the builtins table
//! (`compiler/src/builtins.rs`, read through `redlua_compiler::builtin_rows`).
//!
//! For every row with a Rust name and every receiver type its pattern accepts, one redis
//! function applies the method to its parameters (so that the edge values come at run
//! time), and one check calls it as Lua on a real server and as its native twin on the
//! cartesian product of the edge values of its operand types, comparing the replies (by
//! their `Debug` text: floats by bits, NaN equal to NaN) and errors against panics. A
//! `Vec` or map operand is built inside the function from one trailing `Vec` parameter
//! (and a length per `Vec` operand but the last), since a function takes at most one.
//!
//! How Rust spells a call is derived from the row: `recv.name(args)`, a `String` argument
//! passed as `&str`, an element the method only reads passed by reference; the few
//! methods that return a borrow or an iterator are listed in [`spelling`]. Rows without a
//! Rust name (`built()`) are not called by name: [`skipped`] lists them with the reason.
//!
//! Used by `compiler/examples/gen_method_matrix.rs` (which `cargo xtask gen-matrix` runs
//! to write the file) and by `compiler/tests/method_matrix.rs` (which fails when the
//! committed file differs from what this renders).

use redlua_compiler::BuiltinRow;
use std::fmt::Write as _;

/// The generated file, relative to the workspace root.
pub const OUTPUT: &str = "tests/integration/method_matrix.rs";

/// The command that rewrites [`OUTPUT`].
pub const REGENERATE: &str = "cargo xtask gen-matrix";

/// The rows that are not in the matrix, with the reason.
pub fn skipped(rows: &[BuiltinRow]) -> Vec<(String, &'static str)> {
    rows.iter()
        .filter(|r| r.recv.is_none())
        .map(|r| (r.id.clone(), "built: no Rust name, lowering builds it for another construct"))
        .collect()
}

/// A receiver type a row's pattern accepts.
#[derive(Clone, Copy)]
struct Inst {
    /// The library (one per receiver family).
    lib: &'static str,
    /// A short tag for the function's name.
    tag: &'static str,
    /// The receiver's Rust type.
    recv: &'static str,
    /// Its element type (the receiver's own type for scalars).
    elem: &'static str,
}

const STR: Inst = Inst { lib: "mm_str", tag: "s", recv: "String", elem: "String" };
const CHAR: Inst = Inst { lib: "mm_char", tag: "c", recv: "char", elem: "char" };
const I64: Inst = Inst { lib: "mm_int", tag: "i", recv: "i64", elem: "i64" };
const F64: Inst = Inst { lib: "mm_float", tag: "f", recv: "f64", elem: "f64" };
const VEC_I64: Inst = Inst { lib: "mm_vec", tag: "vi", recv: "Vec<i64>", elem: "i64" };
const VEC_STR: Inst = Inst { lib: "mm_vec", tag: "vs", recv: "Vec<String>", elem: "String" };
const MAP: Inst = Inst { lib: "mm_map", tag: "m", recv: "HashMap<String, i64>", elem: "i64" };
const OPT_I64: Inst = Inst { lib: "mm_opt", tag: "oi", recv: "Option<i64>", elem: "i64" };
const OPT_STR: Inst = Inst { lib: "mm_opt", tag: "os", recv: "Option<String>", elem: "String" };
const OPT_BOOL: Inst = Inst { lib: "mm_opt", tag: "ob", recv: "Option<bool>", elem: "bool" };
/// The integer types other than `i64`: the integer rows again, on each type's edge values.
const U8: Inst = Inst { lib: "mm_uint", tag: "u8", recv: "u8", elem: "u8" };
const U16: Inst = Inst { lib: "mm_uint", tag: "u16", recv: "u16", elem: "u16" };
const U32: Inst = Inst { lib: "mm_uint", tag: "u32", recv: "u32", elem: "u32" };
const U64: Inst = Inst { lib: "mm_uint", tag: "u64", recv: "u64", elem: "u64" };
const USIZE: Inst = Inst { lib: "mm_uint", tag: "usize", recv: "usize", elem: "usize" };
const I8: Inst = Inst { lib: "mm_sint", tag: "i8", recv: "i8", elem: "i8" };
const I16: Inst = Inst { lib: "mm_sint", tag: "i16", recv: "i16", elem: "i16" };
const I32: Inst = Inst { lib: "mm_sint", tag: "i32", recv: "i32", elem: "i32" };
const ISIZE: Inst = Inst { lib: "mm_sint", tag: "isize", recv: "isize", elem: "isize" };
const NARROW: &[Inst] = &[U8, U16, U32, U64, USIZE, I8, I16, I32, ISIZE];

impl Inst {
    /// An integer type other than `i64`.
    fn narrow(self) -> bool {
        self.lib == "mm_uint" || self.lib == "mm_sint"
    }
}

/// Whether Rust has the row's method on the receiver type: unsigned integers have no
/// `abs` or `signum`.
fn in_rust(row: &BuiltinRow, inst: Inst) -> bool {
    !(inst.lib == "mm_uint" && matches!(row.id.as_str(), "IntAbs" | "IntSignum"))
}

/// The libraries, in the order of the file.
const LIBS: &[&str] = &["mm_str", "mm_char", "mm_int", "mm_float", "mm_vec", "mm_map", "mm_opt", "mm_uint", "mm_sint"];

/// The receiver types of a row.
fn insts(row: &BuiltinRow) -> Result<Vec<Inst>, String> {
    let Some(recv) = row.recv.as_deref() else { return Ok(vec![]) };
    let mut out = match recv {
        // The `is_ascii_*` rows are methods of `char` (a one-char string in Lua).
        "Str" if row.names.iter().all(|n| n.starts_with("is_ascii_")) => vec![CHAR],
        "Str" => vec![STR],
        "Int" => [&[I64][..], NARROW].concat(),
        "Float" => vec![F64],
        "Number" => [&[I64, F64][..], NARROW].concat(),
        "Vec" => vec![VEC_I64, VEC_STR],
        "VecInt" => vec![VEC_I64],
        "VecStr" => vec![VEC_STR],
        "Map" => vec![MAP],
        "OptionScalar" => vec![OPT_I64, OPT_STR, OPT_BOOL],
        other => return Err(format!("the method matrix has no receiver types for the pattern `{other}` (row {}): add them to `insts`", row.id)),
    };
    out.retain(|&inst| in_rust(row, inst));
    Ok(out)
}

/// A type of the table, for a receiver: `Recv` and `Elem` replaced.
fn resolve(t: &str, inst: Inst) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(match word.as_str() {
            "Recv" => inst.recv,
            "Elem" => inst.elem,
            w => w,
        });
        word.clear();
    };
    for c in t.chars() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// How an operand reaches the function.
#[derive(Clone, PartialEq)]
enum Kind {
    /// A parameter of its own type.
    Scalar,
    /// A `String` parameter whose chars are the receivers.
    Chars,
    /// A Vec built from the trailing parameter.
    Vec,
    /// A map whose keys come from the trailing parameter (the value of a key: its position).
    Map,
    /// A trailing optional parameter.
    Opt,
}

fn kind(ty: &str) -> Kind {
    if ty == "char" {
        Kind::Chars
    } else if ty.starts_with("Vec<") {
        Kind::Vec
    } else if ty.starts_with("HashMap<") {
        Kind::Map
    } else if ty.starts_with("Option<") {
        Kind::Opt
    } else {
        Kind::Scalar
    }
}

/// The constant of edge values of an operand type, in the generated file: an operand of
/// a narrow integer receiver's own type takes that type's edge values (`U8_EDGES`).
fn values(ty: &str, inst: Inst, of_recv_type: bool) -> Result<String, String> {
    if inst.narrow() && of_recv_type {
        return Ok(format!("{}_EDGES", ty.to_uppercase()));
    }
    Ok(match ty {
        "i64" => "I64S",
        "f64" => "F64S",
        "String" => "STRS",
        "char" => "CHARS",
        "usize" => "USIZES",
        "u32" => "U32S",
        "i32" => "I32S",
        "bool" => "BOOLS",
        "Vec<i64>" => "VEC_I64S",
        "Vec<String>" => "VEC_STRS",
        "HashMap<String, i64>" => "MAP_KEYS",
        "Option<i64>" => "OPT_I64S",
        "Option<String>" => "OPT_STRS",
        "Option<bool>" => "OPT_BOOLS",
        other => return Err(format!("the method matrix has no edge values of `{other}`: add them to `values` and the preamble")),
    }
    .to_string())
}

/// How Rust spells the call of a row whose method returns a borrow or an iterator, or is
/// not a method of the receiver's own type: `(prefix of the call, suffix)`, around
/// `recv.name(args)`; `None` for the plain spelling.
fn spelling(id: &str) -> Option<(&'static str, &'static str)> {
    Some(match id {
        "VecFirst" | "VecLast" | "MapGet" => ("", ".cloned()"),
        "StrTrim" | "StrTrimStart" | "StrTrimEnd" | "StrTrimStartMatches" | "StrTrimEndMatches" => ("", ".to_string()"),
        "StrStripPrefix" | "StrStripSuffix" => ("", ".map(|s| s.to_string())"),
        "StrSplitOnce" | "StrRsplitOnce" => ("", ".map(|(a, b)| (a.to_string(), b.to_string()))"),
        _ => return None,
    })
}

/// The rows called through an iterator (`v.iter().sum()`, `map.keys().cloned().collect()`):
/// the call.
fn iterator_call(id: &str, recv: &str) -> Option<String> {
    Some(match id {
        "VecSum" => format!("{recv}.iter().sum()"),
        "MapKeys" => format!("{recv}.keys().cloned().collect()"),
        "MapValues" => format!("{recv}.values().cloned().collect()"),
        _ => return None,
    })
}

/// The rows whose result has no order in Rust (a HashMap's): sorted on both sides.
fn unordered(id: &str) -> bool {
    matches!(id, "MapKeys" | "MapValues")
}

/// One function of the matrix.
struct Case {
    lib: &'static str,
    name: String,
    source: String,
    check: String,
}

fn snake(id: &str) -> String {
    let mut out = String::new();
    for (i, c) in id.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn case(row: &BuiltinRow, inst: Inst, method: &str) -> Result<Case, String> {
    let name = format!("mm_{}_{}{}", inst.tag, snake(&row.id), if row.names.len() > 1 { format!("_{method}") } else { String::new() });
    let mut tys = vec![inst.recv.to_string()];
    tys.extend(row.args.iter().map(|a| resolve(a, inst)));
    let ret = resolve(&row.ret, inst);
    let kinds: Vec<Kind> = tys.iter().map(|t| kind(t)).collect();
    let vecs: Vec<usize> = (0..tys.len()).filter(|&i| kinds[i] == Kind::Vec || kinds[i] == Kind::Map).collect();
    let elem_of = |t: &str| -> String {
        match t {
            "HashMap<String, i64>" => "String".to_string(),
            t => t.strip_prefix("Vec<").and_then(|t| t.strip_suffix('>')).unwrap_or(t).to_string(),
        }
    };
    let flat_elem = match vecs.first() {
        Some(&i) => {
            let e = elem_of(&tys[i]);
            if vecs.iter().any(|&j| elem_of(&tys[j]) != e) {
                return Err(format!("{name}: Vec operands of different element types"));
            }
            Some(e)
        }
        None => None,
    };

    // The parameters: scalars, then the lengths, then an optional, then the flat Vec.
    let mut params = Vec::new();
    for (i, t) in tys.iter().enumerate() {
        match kinds[i] {
            Kind::Scalar => params.push(format!("a{i}: {t}")),
            Kind::Chars => params.push(format!("a{i}: String")),
            _ => {}
        }
    }
    for &i in vecs.iter().take(vecs.len().saturating_sub(1)) {
        params.push(format!("n{i}: usize"));
    }
    for (i, t) in tys.iter().enumerate() {
        if kinds[i] == Kind::Opt {
            params.push(format!("a{i}: {t}"));
        }
    }
    if let Some(e) = &flat_elem {
        params.push(format!("flat: Vec<{e}>"));
    }

    // The body.
    let mut body = String::new();
    if !vecs.is_empty() {
        body.push_str("        let mut i: usize = 0;\n");
    }
    for (k, &i) in vecs.iter().enumerate() {
        let bound = if k + 1 == vecs.len() { "flat.len()".to_string() } else { format!("n{i}") };
        if kinds[i] == Kind::Map {
            writeln!(body, "        let mut a{i}: {} = HashMap::new();", tys[i]).unwrap();
            writeln!(body, "        while i < {bound} {{\n            a{i}.insert(flat[i].clone(), i as i64);\n            i += 1;\n        }}").unwrap();
        } else {
            writeln!(body, "        let mut a{i}: {} = Vec::new();", tys[i]).unwrap();
            writeln!(body, "        while i < {bound} {{\n            a{i}.push(flat[i].clone());\n            i += 1;\n        }}").unwrap();
        }
    }
    let recv = if kinds[0] == Kind::Chars { "c".to_string() } else { "a0".to_string() };
    if row.changes && kinds[0] != Kind::Vec && kinds[0] != Kind::Map {
        body.push_str("        let mut a0 = a0;\n");
    }
    let args: Vec<String> = tys
        .iter()
        .enumerate()
        .skip(1)
        .map(|(i, t)| {
            if t == "String" && row.args[i - 1] == "String" {
                format!("a{i}.as_str()")
            } else if row.args[i - 1] == "Elem" && !row.changes {
                format!("&a{i}")
            } else {
                format!("a{i}")
            }
        })
        .collect();
    let call = match iterator_call(&row.id, &recv) {
        Some(c) => c,
        None => {
            let (pre, post) = spelling(&row.id).unwrap_or(("", ""));
            format!("{pre}{recv}.{method}({}){post}", args.join(", "))
        }
    };
    let (out_ty, result) = if kinds[0] == Kind::Chars {
        writeln!(body, "        let mut r: Vec<{ret}> = Vec::new();\n        for c in a0.chars() {{\n            r.push({call});\n        }}").unwrap();
        (format!("Vec<{ret}>"), "r".to_string())
    } else if ret == "()" {
        writeln!(body, "        {call};").unwrap();
        (tys[0].clone(), "a0".to_string())
    } else {
        let m = if unordered(&row.id) { "mut " } else { "" };
        writeln!(body, "        let {m}r: {ret} = {call};").unwrap();
        if unordered(&row.id) {
            body.push_str("        r.sort();\n");
        }
        if row.changes {
            (format!("({ret}, {})", tys[0]), "(r, a0)".to_string())
        } else {
            (ret.clone(), "r".to_string())
        }
    };
    // A map's order is not Rust's: a changed map is returned as its sorted `key=value`s.
    let (out_ty, result) = if kinds[0] == Kind::Map && row.changes {
        body.push_str("        let mut after: Vec<String> = Vec::new();\n        for (k, v) in &a0 {\n            after.push(format!(\"{k}={v}\"));\n        }\n        after.sort();\n");
        (out_ty.replacen(tys[0].as_str(), "Vec<String>", 1), result.replacen("a0", "after", 1))
    } else {
        (out_ty, result)
    };
    writeln!(body, "        {result}").unwrap();
    let source = format!(
        "    /// `{}` on `{}` (row `{}`).\n    #[redis_function]\n    pub fn {name}({}) -> {out_ty} {{\n{body}    }}\n",
        method,
        inst.recv,
        row.id,
        params.join(", ")
    );

    // The check: every combination of edge values.
    let mut check = String::new();
    writeln!(check, "fn check_{name}(con: &mut redis::Connection, out: &mut Outcome) {{").unwrap();
    let mut depth = 1;
    for (i, t) in tys.iter().enumerate() {
        let of_recv_type = i == 0 || row.args[i - 1] == "Recv";
        writeln!(check, "{}for a{i} in {} {{", "    ".repeat(depth), values(t, inst, of_recv_type)?).unwrap();
        depth += 1;
    }
    let ind = "    ".repeat(depth);
    let mut lua_args = Vec::new();
    let mut twin_args = Vec::new();
    let mut shown = Vec::new();
    for (i, t) in tys.iter().enumerate() {
        match kinds[i] {
            Kind::Scalar | Kind::Chars => {
                if t == "String" || t == "char" {
                    lua_args.push(format!("*a{i}"));
                    twin_args.push(format!("a{i}.to_string()"));
                } else {
                    lua_args.push(format!("*a{i}"));
                    twin_args.push(format!("*a{i}"));
                }
            }
            _ => {}
        }
        shown.push(format!("{{a{i}:?}}"));
    }
    for &i in vecs.iter().take(vecs.len().saturating_sub(1)) {
        lua_args.push(format!("a{i}.len()"));
        twin_args.push(format!("a{i}.len()"));
    }
    for (i, t) in tys.iter().enumerate() {
        if kinds[i] == Kind::Opt {
            lua_args.push(format!("*a{i}"));
            twin_args.push(if t == "Option<String>" { format!("a{i}.map(|s| s.to_string())") } else { format!("*a{i}") });
        }
    }
    if let Some(e) = &flat_elem {
        let parts: Vec<String> = vecs.iter().map(|i| format!("a{i}.iter()")).collect();
        let mut chain = parts[0].clone();
        for p in &parts[1..] {
            chain = format!("{chain}.chain({p})");
        }
        writeln!(check, "{ind}let flat: Vec<_> = {chain}.copied().collect();").unwrap();
        lua_args.push("flat.clone()".to_string());
        twin_args.push(if e == "String" { "flat.iter().map(|s| s.to_string()).collect()".to_string() } else { "flat.clone()".to_string() });
    }
    writeln!(check, "{ind}let what = format!(\"{name}({})\");", shown.join(", ")).unwrap();
    writeln!(check, "{ind}let lua = {}::{name}({}).call(con);", inst.lib, lua_args.join(", ")).unwrap();
    writeln!(check, "{ind}let rust = try_twin(con, || {}::twin::{name}({}));", inst.lib, twin_args.join(", ")).unwrap();
    writeln!(check, "{ind}out.check(what, lua, rust);").unwrap();
    for d in (1..depth).rev() {
        writeln!(check, "{}}}", "    ".repeat(d)).unwrap();
    }
    check.push_str("}\n");
    Ok(Case { lib: inst.lib, name, source, check })
}

/// The functions of the matrix, in the table's order.
fn cases(rows: &[BuiltinRow]) -> Result<Vec<Case>, String> {
    let mut out = Vec::new();
    for row in rows {
        for inst in insts(row)? {
            for method in &row.names {
                out.push(case(row, inst, method)?);
            }
        }
    }
    Ok(out)
}

/// The names of the redis functions the matrix has for the table's rows: `(row, function)`.
pub fn functions(rows: &[BuiltinRow]) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for row in rows {
        for inst in insts(row)? {
            for method in &row.names {
                out.push((row.id.clone(), case(row, inst, method)?.name));
            }
        }
    }
    Ok(out)
}

/// The whole file.
pub fn render(rows: &[BuiltinRow]) -> Result<String, String> {
    let cases = cases(rows)?;
    let mut s = String::new();
    writeln!(s, "// Generated by `{REGENERATE}` from compiler/src/builtins.rs (compiler/gen/method_matrix.rs).").unwrap();
    s.push_str("// Do not edit: compiler/tests/method_matrix.rs fails when this file is out of date.\n");
    s.push_str(PREAMBLE);
    s.push_str("\n/// The rows of the builtins table that are not in the matrix, and why.\n#[allow(dead_code)]\npub const SKIPPED: &[(&str, &str)] = &[\n");
    for (id, why) in skipped(rows) {
        writeln!(s, "    ({id:?}, {why:?}),").unwrap();
    }
    s.push_str("];\n");
    for lib in LIBS {
        let here: Vec<&Case> = cases.iter().filter(|c| c.lib == *lib).collect();
        if here.is_empty() {
            continue;
        }
        writeln!(s, "\n#[redlua::library(name = \"{lib}\")]\npub mod {lib} {{\n    use redlua::prelude::*;\n    #[allow(unused_imports)]\n    use std::collections::HashMap;").unwrap();
        for c in &here {
            s.push('\n');
            s.push_str(&c.source);
        }
        s.push_str("}\n");
        for c in &here {
            s.push('\n');
            s.push_str(&c.check);
        }
        writeln!(s, "\n#[test]\nfn {lib}_agrees_with_its_twin() {{").unwrap();
        s.push_str("    let server = TestServer::start().expect(\"redis-server must be installed\");\n    let mut con = server.connection().unwrap();\n    let mut out = Outcome::default();\n");
        for c in &here {
            writeln!(s, "    check_{}(&mut con, &mut out);", c.name).unwrap();
        }
        writeln!(s, "    out.finish(\"{lib}\");\n}}").unwrap();
    }
    Ok(s)
}

/// Compares the committed file with the rendered one: the first differing line.
pub fn check(committed: &str, generated: &str) -> Result<(), String> {
    if committed == generated {
        return Ok(());
    }
    let (a, b): (Vec<&str>, Vec<&str>) = (committed.lines().collect(), generated.lines().collect());
    let n = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let is = a.get(n).map_or("nothing more".to_string(), |l| format!("\n    {l}"));
    let gives = b.get(n).map_or("nothing more".to_string(), |l| format!("\n    {l}"));
    Err(format!("{OUTPUT} is out of date with compiler/src/builtins.rs: line {} is {is}\nwhere the table gives {gives}\nrun `{REGENERATE}`", n + 1))
}

/// The fixed part of the generated file: the edge values and the comparison.
const PREAMBLE: &str = r#"//
//! The method matrix: every method of the builtins table with a Rust name, on every
//! receiver type its row accepts, called as Lua on a real server and as its native twin
//! on every combination of edge values of its operands. Both sides must give the same
//! reply (compared by `Debug` text: floats by bits, NaN equal to NaN), or both fail
//! (a Lua error where Rust panics). The one accepted difference is the documented limit
//! of integers: where Rust's result is beyond ±(2^53 − 1), the Lua stops with an
//! overflow error.

#![allow(clippy::all, unused_mut)]

use redlua::testing::TestServer;

const I64S: &[i64] = &[0, 1, -1, 9_007_199_254_740_991, -9_007_199_254_740_991, 7, -7];
const F64S: &[f64] = &[0.0, -0.0, 0.5, -1.5, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e300, 5e-324];
const STRS: &[&str] = &["", "a", "héllo", " 7 ", "a,b,,c", "-0", "ü€𝄞"];
/// Receivers of the `char` methods: every char of each.
const CHARS: &[&str] = &["aZ09fG", " !~-_/", "é€𝄞\t"];
const USIZES: &[usize] = &[0, 1, 2, 3, 4];
const U32S: &[u32] = &[0, 1, 2, 3, 64];
/// Exponents whose powers are exact or overflow to ±inf / 0 on every receiver: Rust's
/// `powi` has unspecified precision (repeated multiplication), the Lua is C's `pow`, and
/// `(-1.5f64).powi(1075)` differs in the last bit.
const I32S: &[i32] = &[0, 1, -1, 2, 3, -2, 31, 2000];
#[allow(dead_code)]
const BOOLS: &[bool] = &[false, true];
const VEC_I64S: &[&[i64]] = &[&[], &[7], &[1, -1], &[0, 9_007_199_254_740_991, -7]];
const VEC_STRS: &[&[&str]] = &[&[], &[""], &["a", "héllo"], &["ü€𝄞", "a,b,,c", " 7 "]];
/// The keys of a map, inserted in this order (a repeated key keeps its last position).
const MAP_KEYS: &[&[&str]] = &[&[], &["a"], &["", "héllo"], &["a", "-0", "a"]];
const OPT_I64S: &[Option<i64>] = &[None, Some(0), Some(-7), Some(9_007_199_254_740_991)];
const OPT_STRS: &[Option<&str>] = &[None, Some(""), Some("héllo")];
const OPT_BOOLS: &[Option<bool>] = &[None, Some(false), Some(true)];
// The edge values of the other integer types: 0, 1, small numbers, MIN, MAX and their
// neighbours, within ±(2^53 − 1) (a parameter takes no more).
const U8_EDGES: &[u8] = &[0, 1, 2, 7, u8::MAX - 1, u8::MAX];
const U16_EDGES: &[u16] = &[0, 1, 2, 7, u16::MAX - 1, u16::MAX];
const U32_EDGES: &[u32] = &[0, 1, 2, 7, u32::MAX - 1, u32::MAX];
const U64_EDGES: &[u64] = &[0, 1, 2, 7, 9_007_199_254_740_990, 9_007_199_254_740_991];
const USIZE_EDGES: &[usize] = &[0, 1, 2, 7, 9_007_199_254_740_990, 9_007_199_254_740_991];
const I8_EDGES: &[i8] = &[0, 1, -1, 7, i8::MIN, i8::MIN + 1, i8::MAX - 1, i8::MAX];
const I16_EDGES: &[i16] = &[0, 1, -1, 7, i16::MIN, i16::MIN + 1, i16::MAX - 1, i16::MAX];
const I32_EDGES: &[i32] = &[0, 1, -1, 7, i32::MIN, i32::MIN + 1, i32::MAX - 1, i32::MAX];
const ISIZE_EDGES: &[isize] = &[0, 1, -1, 7, -9_007_199_254_740_991, -9_007_199_254_740_990, 9_007_199_254_740_990, 9_007_199_254_740_991];

use redlua_tests::try_twin;

/// True when `text` holds an integer beyond ±(2^53 − 1).
fn beyond_2_53(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_digit()).any(|d| d.len() >= 16 && d.parse::<u128>().map_or(true, |n| n > 9_007_199_254_740_991))
}

#[derive(Default)]
struct Outcome {
    cases: usize,
    agreed: usize,
    both_failed: usize,
    beyond_2_53: usize,
    differences: Vec<String>,
}

impl Outcome {
    fn check<L: std::fmt::Debug, R: std::fmt::Debug>(&mut self, what: String, lua: Result<L, redlua::Error>, rust: Result<R, String>) {
        self.cases += 1;
        match (lua, rust) {
            (Ok(l), Ok(r)) => {
                let (l, r) = (format!("{l:?}"), format!("{r:?}"));
                if l == r {
                    self.agreed += 1;
                } else {
                    self.differences.push(format!("{what}: lua {l} vs rust {r}"));
                }
            }
            (Err(_), Err(_)) => self.both_failed += 1,
            (Err(e), Ok(r)) if e.to_string().contains("2^53") && beyond_2_53(&format!("{r:?}")) => self.beyond_2_53 += 1,
            (Err(e), Ok(r)) => self.differences.push(format!("{what}: lua error {e} vs rust {r:?}")),
            (Ok(l), Err(p)) => self.differences.push(format!("{what}: lua {l:?} vs rust panic {p:?}")),
        }
    }

    fn finish(self, lib: &str) {
        eprintln!(
            "{lib}: {} cases, {} equal, {} both failed, {} beyond 2^53, {} differences",
            self.cases,
            self.agreed,
            self.both_failed,
            self.beyond_2_53,
            self.differences.len()
        );
        assert!(self.agreed > 0, "{lib}: no case agreed");
        assert!(self.differences.is_empty(), "{lib}: {} differences:\n{}", self.differences.len(), self.differences.join("\n"));
    }
}
"#;
