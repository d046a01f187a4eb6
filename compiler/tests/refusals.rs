//! Every compile error of the UI cases (`tests/ui/<rule>/<case>.rs`), checked at the
//! compiler level: the expansion the macros would emit for each library, script and
//! `script!` of a case holds exactly the `redlua::` errors its `.stderr` shows (message,
//! hint, line and column).
//!
//! The UI test (`cargo test -p redlua-tests --test ui`) checks the same through rustc;
//! this one needs only this crate, so that `cargo xtask mutants` finds a mutant that lets
//! a refused program through (a check that stops following helpers, a rule that no
//! longer fires) without rebuilding the macros.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;
use std::path::{Path, PathBuf};

fn ui_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    dir.parent().unwrap_or(dir).join("tests").join("ui")
}

/// One `redlua::` error: its text (message and hint, one line each) and where it points.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Refusal {
    line: usize,
    column: usize,
    text: String,
}

/// The `redlua::` errors of a `.stderr`.
fn expected(stderr: &str) -> Vec<Refusal> {
    let lines: Vec<&str> = stderr.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let Some(message) = l.strip_prefix("error: redlua::") else { continue };
        let mut text = format!("redlua::{message}");
        let mut at = (0, 0);
        for next in &lines[i + 1..] {
            let t = next.trim();
            if let Some(hint) = t.strip_prefix("= help: ") {
                text.push_str("\n= help: ");
                text.push_str(hint);
            } else if let Some(place) = t.strip_prefix("--> ") {
                let mut parts = place.rsplitn(3, ':');
                let column = parts.next().and_then(|c| c.parse().ok()).unwrap_or(0);
                let line = parts.next().and_then(|c| c.parse().ok()).unwrap_or(0);
                at = (line, column);
                break;
            } else if t.starts_with("error") {
                break;
            }
        }
        out.push(Refusal { line: at.0, column: at.1, text });
    }
    out.sort();
    out
}

/// The `compile_error!`s of an expansion, with the position of each.
fn compile_errors(ts: TokenStream, out: &mut Vec<Refusal>) {
    let tts: Vec<TokenTree> = ts.into_iter().collect();
    for (i, tt) in tts.iter().enumerate() {
        match tt {
            TokenTree::Ident(id) if id == "compile_error" => {
                let Some(TokenTree::Group(g)) = tts.get(i + 2) else { continue };
                let Some(TokenTree::Literal(lit)) = g.stream().into_iter().next() else { continue };
                let Ok(text) = syn::parse_str::<syn::LitStr>(&lit.to_string()) else { continue };
                let start = id.span().start();
                let text = text.value().lines().map(str::trim).collect::<Vec<_>>().join("\n");
                out.push(Refusal { line: start.line, column: start.column + 1, text });
            }
            TokenTree::Group(g) => compile_errors(g.stream(), out),
            _ => {}
        }
    }
}

fn is_library_attr(attr: &syn::Attribute) -> bool {
    attr.path().segments.last().is_some_and(|s| s.ident == "library")
}

fn attr_args(attr: &syn::Attribute) -> TokenStream {
    match &attr.meta {
        syn::Meta::List(list) => list.tokens.clone(),
        _ => TokenStream::new(),
    }
}

/// Expands what the macros would expand in `items`.
fn expand_items(items: &[syn::Item], out: &mut Vec<Refusal>) {
    for item in items {
        match item {
            // `#[derive(Record)]` outside a library (inside one, the library keeps it for rustc).
            syn::Item::Struct(s) if redlua_compiler::record_derive::is_record(&s.attrs) => {
                compile_errors(redlua_compiler::expand_record(s.to_token_stream()), out);
            }
            // `#[derive(Json)]` outside a library, on a struct or (refused) an enum.
            syn::Item::Struct(s) if redlua_compiler::record_derive::is_json(&s.attrs) => {
                compile_errors(redlua_compiler::expand_json(s.to_token_stream()), out);
            }
            syn::Item::Enum(e) if redlua_compiler::record_derive::is_json(&e.attrs) => {
                compile_errors(redlua_compiler::expand_json(e.to_token_stream()), out);
            }
            syn::Item::Mod(m) => {
                if let Some(at) = m.attrs.iter().position(is_library_attr) {
                    let mut m = m.clone();
                    let attr = m.attrs.remove(at);
                    compile_errors(redlua_compiler::expand_library(attr_args(&attr), m.to_token_stream()), out);
                } else if let Some((_, items)) = &m.content {
                    expand_items(items, out);
                }
            }
            syn::Item::Fn(f) => {
                if let Some(at) = f.attrs.iter().position(redlua_compiler::parse::is_redis_function_attr) {
                    let mut f = f.clone();
                    let attr = f.attrs.remove(at);
                    compile_errors(redlua_compiler::expand_script(attr_args(&attr), f.to_token_stream()), out);
                } else {
                    let inner: Vec<syn::Item> = f.block.stmts.iter().filter_map(|s| if let syn::Stmt::Item(i) = s { Some(i.clone()) } else { None }).collect();
                    expand_items(&inner, out);
                }
            }
            _ => {}
        }
    }
}

/// `script!(..)` inputs anywhere in the file.
fn expand_closures(ts: TokenStream, out: &mut Vec<Refusal>) {
    let tts: Vec<TokenTree> = ts.into_iter().collect();
    for (i, tt) in tts.iter().enumerate() {
        match tt {
            TokenTree::Ident(id) if id == "script" => {
                if let (Some(TokenTree::Punct(p)), Some(TokenTree::Group(g))) = (tts.get(i + 1), tts.get(i + 2)) {
                    if p.as_char() == '!' && g.delimiter() != Delimiter::None {
                        compile_errors(redlua_compiler::expand_script_closure(g.stream()), out);
                    }
                }
            }
            TokenTree::Group(g) => expand_closures(g.stream(), out),
            _ => {}
        }
    }
}

#[test]
fn every_ui_case_is_refused_with_its_errors() {
    let mut cases = Vec::new();
    for rule in std::fs::read_dir(ui_dir()).unwrap_or_else(|e| panic!("cannot read {}: {e}", ui_dir().display())).flatten() {
        for case in std::fs::read_dir(rule.path()).into_iter().flatten().flatten() {
            if case.path().extension().is_some_and(|x| x == "rs") {
                cases.push(case.path());
            }
        }
    }
    cases.sort();
    assert!(cases.len() >= 100, "expected the UI cases under {}, found {}", ui_dir().display(), cases.len());
    let mut failures = Vec::new();
    let (mut refused, mut errors) = (0, 0);
    for path in &cases {
        let source = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let stderr = std::fs::read_to_string(path.with_extension("stderr")).unwrap_or_default();
        let want = expected(&stderr);
        let file = syn::parse_file(&source).unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
        let mut got = Vec::new();
        // `helpers = ".."` paths of the cases are relative to the crate trybuild builds.
        let trybuild = ui_dir().join("../../target/tests/trybuild/redlua-tests");
        redlua_compiler::shared::with_base_dir(&trybuild, || expand_items(&file.items, &mut got));
        if let Ok(ts) = source.parse::<TokenStream>() {
            expand_closures(ts, &mut got);
        }
        got.sort();
        if !want.is_empty() {
            refused += 1;
            errors += want.len();
        }
        if got != want {
            failures.push(format!("{}\n  expected: {want:#?}\n  compiler: {got:#?}", path.display()));
        }
    }
    let _ = std::io::Write::write_all(&mut std::io::stderr(), format!("refusals: {} UI cases, {refused} refused with {errors} redlua error(s)\n", cases.len()).as_bytes());
    assert!(refused >= 90, "only {refused} UI cases show a redlua error");
    assert!(failures.is_empty(), "{} UI case(s) differ at the compiler level:\n\n{}", failures.len(), failures.join("\n\n"));
}
