//! Helpers shared by several libraries of one crate: `#[redlua::library(name = "a",
//! helpers = "src/shared.rs")]`.
//!
//! The file is an ordinary module of the user's crate (declared with `mod shared;`, so
//! rustc compiles it for the native twins, which call the real functions). The compiler
//! reads it (relative to the crate's `CARGO_MANIFEST_DIR`), and its `fn` items become
//! candidates exactly like the plain `fn`s written in the library module: lowered and
//! checked only when a function calls them, emitted only then.
//!
//! A procedural macro cannot point a diagnostic into another file: the file's tokens all
//! carry the span of the `helpers = ".."` argument, and an error in one of its functions
//! names the file and the function's line in its message.

use crate::diag::{Diagnostic, Errors, Rule};
use crate::lower::HelperCtx;
use proc_macro2::{Group, Span, TokenStream, TokenTree};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The `helpers = ".."` argument of a library: the path as written and its span.
#[derive(Debug, Clone)]
pub struct HelpersArg {
    /// The path, relative to the crate's directory.
    pub path: String,
    /// The span of the string literal.
    pub span: Span,
}

/// A shared helper file, read and parsed.
pub struct SharedFile {
    /// The argument naming it.
    pub arg: HelpersArg,
    /// Its functions, with the line of each `fn`.
    pub fns: Vec<(syn::ItemFn, u32)>,
}

thread_local! {
    static BASE_DIR: RefCell<Option<PathBuf>> = const { RefCell::new(None) };
}

/// Runs `f` with `dir` as the crate directory that `helpers = ".."` paths are relative to
/// (for the command-line tool, which reads a crate's sources outside of cargo).
pub fn with_base_dir<R>(dir: &Path, f: impl FnOnce() -> R) -> R {
    let old = BASE_DIR.with(|b| b.replace(Some(dir.to_path_buf())));
    let r = f();
    BASE_DIR.with(|b| *b.borrow_mut() = old);
    r
}

/// True when the file `arg` names can be read (the expansion then tracks it).
pub fn readable(arg: &HelpersArg) -> bool {
    base_dir().is_some_and(|b| normalized(&b.join(&arg.path)).is_file())
}

/// `path` with its `..` components taken away with the directory before them, without
/// asking the file system (the directories on the way need not exist).
fn normalized(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir if matches!(out.components().next_back(), Some(std::path::Component::Normal(_))) => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn base_dir() -> Option<PathBuf> {
    BASE_DIR.with(|b| b.borrow().clone()).or_else(|| std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from))
}

/// Reads and parses the file `arg` names; errors are spanned on the argument.
pub fn load(arg: &HelpersArg, errors: &mut Errors) -> Option<SharedFile> {
    let Some(base) = base_dir() else {
        errors.push(Rule::Attribute, arg.span, format!("cannot find the helper file `{}`: the crate's directory is unknown (CARGO_MANIFEST_DIR is not set)", arg.path), "build the crate with cargo");
        return None;
    };
    let text = match std::fs::read_to_string(normalized(&base.join(&arg.path))) {
        Ok(t) => t,
        Err(e) => {
            let why = if e.kind() == std::io::ErrorKind::NotFound { "no such file in the crate's directory".to_string() } else { e.to_string() };
            errors.push(
                Rule::Attribute,
                arg.span,
                format!("cannot read the helper file `{}`: {why}", arg.path),
                "`helpers = \"..\"` names a Rust file of this crate, relative to its Cargo.toml (e.g. `helpers = \"src/shared.rs\"`)",
            );
            return None;
        }
    };
    let file = match syn::parse_file(&text) {
        Ok(f) => f,
        Err(e) => {
            errors.push(Rule::Attribute, arg.span, format!("the helper file `{}` does not parse: {e}", arg.path), "fix the file: rustc reports where");
            return None;
        }
    };
    let mut fns = Vec::new();
    for item in file.items {
        match item {
            syn::Item::Fn(f) => {
                let line = fn_line(&text, &f.sig.ident.to_string());
                let respanned: TokenStream = respan(quote::ToTokens::to_token_stream(&f), arg.span);
                match syn::parse2::<syn::ItemFn>(respanned) {
                    Ok(f) => fns.push((f, line)),
                    Err(e) => errors.push(Rule::Attribute, arg.span, format!("{}:{line}: {e}", arg.path), ""),
                }
            }
            syn::Item::Use(_) => {}
            // Tests of the file are not part of what the libraries run.
            syn::Item::Mod(m) if m.attrs.iter().any(|a| quote::ToTokens::to_token_stream(a).to_string().replace(' ', "").contains("cfg(test)")) => {}
            other => {
                let line = first_line_of(&text, &other);
                errors.push(
                    Rule::Unsupported,
                    arg.span,
                    format!("{}:{line}: a shared helper file may hold only `fn`s (and `use`s)", arg.path),
                    "write structs, enums, constants and `impl`s in the library module, or make the helper a plain `fn`",
                );
            }
        }
    }
    Some(SharedFile { arg: arg.clone(), fns })
}

/// Gives every token of `ts` the span `span`.
fn respan(ts: TokenStream, span: Span) -> TokenStream {
    ts.into_iter()
        .map(|tt| match tt {
            TokenTree::Group(g) => {
                let mut n = Group::new(g.delimiter(), respan(g.stream(), span));
                n.set_span(span);
                TokenTree::Group(n)
            }
            mut other => {
                other.set_span(span);
                other
            }
        })
        .collect()
}

/// The line of `fn name` in `text` (1 when not found).
fn fn_line(text: &str, name: &str) -> u32 {
    let words = |l: &str| l.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty()).map(str::to_string).collect::<Vec<_>>();
    for (i, l) in text.lines().enumerate() {
        let w = words(l);
        if w.windows(2).any(|p| p[0] == "fn" && p[1] == name) {
            return i as u32 + 1;
        }
    }
    1
}

/// The line where the item `item` starts, found by its name or keyword.
fn first_line_of(text: &str, item: &syn::Item) -> u32 {
    let ident = match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Const(c) => Some(c.ident.to_string()),
        syn::Item::Static(s) => Some(s.ident.to_string()),
        syn::Item::Mod(m) => Some(m.ident.to_string()),
        syn::Item::Type(t) => Some(t.ident.to_string()),
        syn::Item::Trait(t) => Some(t.ident.to_string()),
        _ => None,
    };
    let Some(ident) = ident else { return text.lines().position(|l| l.trim_start().starts_with("impl")).map_or(1, |i| i as u32 + 1) };
    for (i, l) in text.lines().enumerate() {
        if l.split(|c: char| !(c.is_alphanumeric() || c == '_')).any(|w| w == ident) {
            return i as u32 + 1;
        }
    }
    1
}

/// Lowers every helper called so far (as [`HelperCtx::finish`]), naming the shared file
/// and the function's line in the errors of its shared functions.
pub fn finish(ctx: &mut HelperCtx, shared: &HashMap<String, (String, u32)>, errors: &mut Errors) {
    while let Some((i, item)) = ctx.pending.pop() {
        let name = ctx.fns[i].name.clone();
        let Some((path, line)) = shared.get(&name) else {
            ctx.lower_pending(i, item, errors);
            continue;
        };
        let mut own = Errors::new();
        ctx.lower_pending(i, item, &mut own);
        for d in own.into_vec() {
            push_in_file(errors, d, path, *line, &name);
        }
    }
}

fn push_in_file(errors: &mut Errors, d: Diagnostic, path: &str, line: u32, name: &str) {
    errors.push(d.rule, d.span, format!("{path}:{line}, in the shared helper `{name}`: {}", d.message), d.hint);
}

/// The candidates the shared files add to a library's helper context (a function of the
/// module itself keeps its name), and where each one is written.
pub fn add(ctx: &mut HelperCtx, files: &[SharedFile]) -> HashMap<String, (String, u32)> {
    let mut at = HashMap::new();
    for file in files {
        for (f, line) in &file.fns {
            let name = f.sig.ident.to_string();
            if !ctx.items.contains_key(&name) {
                ctx.items.insert(name.clone(), f.clone());
                at.insert(name, (file.arg.path.clone(), *line));
            }
        }
    }
    at
}

/// Names the shared file in the diagnostics of later passes that point at its argument
/// (those not already naming it).
pub fn name_file(diags: &mut [Diagnostic], files: &[SharedFile]) {
    for file in files {
        let at = (file.arg.span.start(), file.arg.span.end());
        for d in diags.iter_mut() {
            if (d.span.start(), d.span.end()) == at && !d.message.starts_with(&file.arg.path) {
                d.message = format!("{}, in a shared helper: {}", file.arg.path, d.message);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diag::Rule;
    use crate::driver::{run, Input};
    use std::path::PathBuf;

    /// A crate directory of its own with `src/shared.rs` holding `text`.
    fn crate_with(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("redlua-shared-{}-{name}", std::process::id()));
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(dir.join("src/shared.rs"), text).unwrap();
        dir
    }

    fn compile(dir: &std::path::Path, helpers: &str, items: &str) -> crate::driver::Run {
        let input = Input::Library {
            attr: format!(r#"name = "m", helpers = "{helpers}""#).parse().unwrap(),
            item: format!("mod m {{ use redlua::prelude::*; {items} }}").parse().unwrap(),
        };
        super::with_base_dir(dir, || run(input, Some("m.rs")))
    }

    const SHARED: &str = "use redlua::prelude::*;\n\npub fn twice(n: i64) -> i64 {\n    n * 2\n}\n\npub fn touch(k: &Key) -> i64 {\n    incr(k)\n}\n\npub fn bad(s: String) -> String {\n    s.to_uppercase()\n}\n";

    #[test]
    fn the_shared_fns_a_library_calls_are_its_helpers() {
        let dir = crate_with("used", SHARED);
        let r = compile(&dir, "src/shared.rs", "#[redis_function] pub fn f(k: Key, n: i64) -> i64 { touch(&k) + twice(n) }");
        let lua = r.printed.map(|p| p.code).unwrap_or_else(|| panic!("{:?}", r.diagnostics));
        assert!(lua.contains("h_twice = function(n)") && lua.contains("redis.call('INCR', k)"), "{lua}");
        // `bad` is never called: neither lowered (its error would stop the build) nor emitted.
        assert!(!lua.contains("h_bad"), "{lua}");
    }

    #[test]
    fn a_function_of_the_module_keeps_its_name() {
        let dir = crate_with("own", SHARED);
        let r = compile(&dir, "src/shared.rs", "fn twice(n: i64) -> i64 { n * 3 } #[redis_function] pub fn f(n: i64) -> i64 { twice(n) }");
        let lua = r.printed.map(|p| p.code).unwrap_or_default();
        assert!(lua.contains("n * 3") && !lua.contains("n * 2"), "{lua}");
    }

    #[test]
    fn an_error_in_the_file_names_it_and_the_helpers_line() {
        let dir = crate_with("bad", SHARED);
        let r = compile(&dir, "src/shared.rs", "#[redis_function] pub fn f(s: String) -> String { bad(s) }");
        let ds = r.all_diagnostics();
        assert_eq!(ds.len(), 1, "{ds:?}");
        assert_eq!(ds[0].rule, Rule::Unsupported);
        assert!(ds[0].message.starts_with("src/shared.rs:11, in the shared helper `bad`: `.to_uppercase()`"), "{}", ds[0].message);
    }

    #[test]
    fn a_missing_file_or_an_item_other_than_fn_is_an_error_on_the_argument() {
        let dir = crate_with("missing", SHARED);
        let r = compile(&dir, "src/nope.rs", "#[redis_function] pub fn f(n: i64) -> i64 { n }");
        let ds = r.all_diagnostics();
        assert!(ds.len() == 1 && ds[0].rule == Rule::Attribute && ds[0].message.contains("cannot read the helper file `src/nope.rs`"), "{ds:?}");
        let dir = crate_with("struct", "pub fn one() -> i64 { 1 }\n\npub struct P {\n    x: i64,\n}\n");
        let r = compile(&dir, "src/shared.rs", "#[redis_function] pub fn f() -> i64 { one() }");
        let ds = r.all_diagnostics();
        assert!(ds.len() == 1 && ds[0].rule == Rule::Unsupported && ds[0].message.starts_with("src/shared.rs:3: a shared helper file may hold only `fn`s"), "{ds:?}");
    }
}
