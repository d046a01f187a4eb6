//! Finding the redlua libraries and scripts of a crate and compiling them.
//!
//! A crate directory is searched in `src/**/*.rs`; a directory without `Cargo.toml` is
//! searched as it is; a file is read alone. Each file is parsed with syn, and:
//! - every inline module marked `#[redlua::library(..)]` is handed to
//!   [`redlua_compiler::compile_library`] (its `#[redis_function]`s are the library's);
//! - every other function marked `#[redis_function]` (in the file or in a plain inline
//!   module) is handed to [`redlua_compiler::compile_script`].
//!
//! Items under `#[cfg(test)]` are skipped: they are not part of what the crate ships.
//!
//! The compiler names the source file in the Lua it writes (`-- transfer.rs:12`). Inside
//! the procedural macro it takes the name from the spans; parsed here from a string, the
//! spans carry none, so the file's name is passed to the compiler
//! ([`redlua_compiler::compile_library_in_file`]), and the Lua (and its SHA1) is byte
//! for byte what `bank::LUA` holds in the compiled crate.

use proc_macro2::TokenStream;
use quote::ToTokens;
use redlua_compiler::diag::Diagnostic;
use std::fmt;
use std::path::{Path, PathBuf};

/// The name the compiler writes when spans carry no file name.
const UNNAMED: &str = "source.rs";

/// A library or script found in the sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A `#[redlua::library]` module: one `FUNCTION LOAD`.
    Library,
    /// A free `#[redis_function]`: an EVAL script.
    Script,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Library => "library",
            Kind::Script => "script",
        })
    }
}

/// One function of a compiled library or script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionSummary {
    /// The Redis function name (the Rust name).
    pub name: String,
    /// Number of KEYS.
    pub keys: usize,
    /// Number of ARGV.
    pub args: usize,
    /// Flags it is registered with.
    pub flags: Vec<&'static str>,
}

/// A compiled library or script.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// Library or script.
    pub kind: Kind,
    /// The library name, or the script's Rust function name (the name `export` uses).
    pub name: String,
    /// The source file, as found.
    pub file: PathBuf,
    /// The line of the module or function in that file.
    pub line: usize,
    /// The Lua code.
    pub lua: String,
    /// The SHA1 of the code: the library's version stamp, or the script's EVALSHA digest.
    pub sha1: String,
    /// The functions (one for a script).
    pub functions: Vec<FunctionSummary>,
}

/// A problem in the sources: a Rust syntax error, or a redlua compile error.
#[derive(Debug, Clone)]
pub struct Problem {
    /// The file.
    pub file: PathBuf,
    /// 1-based line and 1-based column, when known.
    pub at: Option<(usize, usize)>,
    /// Where the underline ends on the same line (1-based column, exclusive), when known.
    pub end_column: Option<usize>,
    /// The rule (`redlua::dynamic-key`), or `None` for a Rust syntax error.
    pub rule: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
    /// The source line, for display.
    pub source_line: Option<String>,
}

/// What a search found.
#[derive(Debug, Default)]
pub struct Found {
    /// Compiled libraries and scripts, in file order.
    pub items: Vec<Compiled>,
    /// Problems, in file order.
    pub problems: Vec<Problem>,
    /// The files read.
    pub files: Vec<PathBuf>,
}

/// An input that could not be read.
#[derive(Debug)]
pub struct ReadError {
    /// The path.
    pub path: PathBuf,
    /// What went wrong.
    pub error: std::io::Error,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot read {}: {}", self.path.display(), self.error)
    }
}

/// The Rust files to read for `input`: see the module documentation.
pub fn rust_files(input: &Path) -> Result<Vec<PathBuf>, ReadError> {
    let meta = std::fs::metadata(input).map_err(|error| ReadError { path: input.to_path_buf(), error })?;
    if meta.is_file() {
        return Ok(vec![input.to_path_buf()]);
    }
    let root = if input.join("Cargo.toml").is_file() { input.join("src") } else { input.to_path_buf() };
    let mut files = Vec::new();
    collect(&root, &mut files)?;
    files.sort();
    Ok(files)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), ReadError> {
    let entries = std::fs::read_dir(dir).map_err(|error| ReadError { path: dir.to_path_buf(), error })?;
    for entry in entries {
        let entry = entry.map_err(|error| ReadError { path: dir.to_path_buf(), error })?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "target" {
            continue;
        }
        let kind = entry.file_type().map_err(|error| ReadError { path: path.clone(), error })?;
        if kind.is_dir() {
            collect(&path, out)?;
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// Reads, parses and compiles every library and script of `inputs`.
pub fn search(inputs: &[PathBuf]) -> Result<Found, ReadError> {
    let mut found = Found::default();
    for input in inputs {
        for file in rust_files(input)? {
            if found.files.contains(&file) {
                continue;
            }
            let text = std::fs::read_to_string(&file).map_err(|error| ReadError { path: file.clone(), error })?;
            compile_file(&file, &text, &mut found);
            found.files.push(file);
        }
    }
    Ok(found)
}

/// Parses one file and compiles what it holds into `found`.
pub fn compile_file(file: &Path, text: &str, found: &mut Found) {
    let parsed = match syn::parse_file(text) {
        Ok(f) => f,
        Err(e) => {
            for e in e {
                found.problems.push(syntax_problem(file, text, &e));
            }
            return;
        }
    };
    let mut ctx = FileCtx { file, text, found };
    ctx.items(&parsed.items);
}

struct FileCtx<'a> {
    file: &'a Path,
    text: &'a str,
    found: &'a mut Found,
}

impl FileCtx<'_> {
    fn items(&mut self, items: &[syn::Item]) {
        for item in items {
            match item {
                syn::Item::Mod(m) if !is_cfg_test(&m.attrs) => {
                    if let Some(i) = m.attrs.iter().position(is_library_attr) {
                        self.library(m, i);
                    } else if let Some((_, items)) = &m.content {
                        self.items(items);
                    }
                }
                syn::Item::Fn(f) if !is_cfg_test(&f.attrs) => {
                    if let Some(i) = f.attrs.iter().position(redlua_compiler::parse::is_redis_function_attr) {
                        self.script(f, i);
                    }
                }
                _ => {}
            }
        }
    }

    fn library(&mut self, module: &syn::ItemMod, attr_index: usize) {
        let line = module.mod_token.span.start().line;
        if module.content.is_none() {
            self.found.problems.push(Problem {
                file: self.file.to_path_buf(),
                at: Some((line, module.mod_token.span.start().column + 1)),
                end_column: None,
                rule: Some("redlua::attribute".to_string()),
                message: format!("library module `{}` is not inline", module.ident),
                hint: Some("write the library's functions inside `mod name { .. }` in the same file".to_string()),
                source_line: source_line(self.text, line),
            });
            return;
        }
        let mut item = module.clone();
        let attr = item.attrs.remove(attr_index);
        match redlua_compiler::compile_library_in_crate(&crate_dir(self.file), &file_name(self.file), attr_args(&attr), item.to_token_stream()) {
            Ok(lib) => {
                let functions = lib.functions.iter().map(summary).collect();
                self.found.items.push(Compiled {
                    kind: Kind::Library,
                    name: lib.name,
                    file: self.file.to_path_buf(),
                    line,
                    sha1: redlua_compiler::sha1_hex(&lib.lua),
                    lua: lib.lua,
                    functions,
                });
            }
            Err(diags) => self.diagnostics(&diags, module.ident.span(), &format!("library module `{}`", module.ident)),
        }
    }

    fn script(&mut self, function: &syn::ItemFn, attr_index: usize) {
        let line = function.sig.fn_token.span.start().line;
        let mut item = function.clone();
        let attr = item.attrs.remove(attr_index);
        match redlua_compiler::compile_script_in_file(&file_name(self.file), attr_args(&attr), item.to_token_stream()) {
            Ok(script) => {
                self.found.items.push(Compiled {
                    kind: Kind::Script,
                    name: script.function.name.clone(),
                    file: self.file.to_path_buf(),
                    line,
                    sha1: script.sha1,
                    lua: script.lua,
                    functions: vec![summary(&script.function)],
                });
            }
            Err(diags) => self.diagnostics(&diags, function.sig.ident.span(), &format!("function `{}`", function.sig.ident)),
        }
    }

    fn diagnostics(&mut self, diags: &[Diagnostic], fallback: proc_macro2::Span, what: &str) {
        if diags.is_empty() {
            // The compiler stopped without saying why: still an error, never silence.
            let start = fallback.start();
            self.found.problems.push(Problem {
                file: self.file.to_path_buf(),
                at: Some((start.line, start.column + 1)),
                end_column: None,
                rule: None,
                message: format!("{what} could not be compiled"),
                hint: None,
                source_line: source_line(self.text, start.line),
            });
        }
        for d in diags {
            let (start, end) = (d.span.start(), d.span.end());
            // A span that starts at line 0 is a call-site span: no position in the file.
            let at = (start.line > 0).then_some((start.line, start.column + 1));
            self.found.problems.push(Problem {
                file: self.file.to_path_buf(),
                at,
                end_column: (start.line > 0 && end.line == start.line && end.column > start.column).then_some(end.column + 1),
                rule: Some(format!("redlua::{}", d.rule.name())),
                message: d.message.clone(),
                hint: (!d.hint.is_empty()).then(|| d.hint.clone()),
                source_line: at.and_then(|(l, _)| source_line(self.text, l)),
            });
        }
    }
}

fn summary(f: &redlua_compiler::ir::Function) -> FunctionSummary {
    FunctionSummary { name: f.name.clone(), keys: f.num_keys, args: f.num_args, flags: redlua_compiler::codegen::flags(f) }
}

fn syntax_problem(file: &Path, text: &str, e: &syn::Error) -> Problem {
    let (start, end) = (e.span().start(), e.span().end());
    let at = (start.line > 0).then_some((start.line, start.column + 1));
    Problem {
        file: file.to_path_buf(),
        at,
        end_column: (start.line > 0 && end.line == start.line && end.column > start.column).then_some(end.column + 1),
        rule: None,
        message: e.to_string(),
        hint: None,
        source_line: at.and_then(|(l, _)| source_line(text, l)),
    }
}

fn source_line(text: &str, line: usize) -> Option<String> {
    text.lines().nth(line.checked_sub(1)?).map(str::to_string)
}

/// The tokens between the parentheses of `#[attr(..)]`; nothing for `#[attr]`.
fn attr_args(attr: &syn::Attribute) -> TokenStream {
    match &attr.meta {
        syn::Meta::List(list) => list.tokens.clone(),
        syn::Meta::NameValue(nv) => nv.value.to_token_stream(),
        syn::Meta::Path(_) => TokenStream::new(),
    }
}

/// `#[redlua::library(..)]`, or `#[library(..)]` when imported.
fn is_library_attr(attr: &syn::Attribute) -> bool {
    let segments = &attr.path().segments;
    match segments.len() {
        1 => segments[0].ident == "library",
        2 => segments[0].ident == "redlua" && segments[1].ident == "library",
        _ => false,
    }
}

/// `#[cfg(test)]`.
fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && matches!(&a.meta, syn::Meta::List(list) if list.tokens.to_string().trim() == "test")
    })
}

/// The file name without directories, as the compiler writes it in the Lua.
pub fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| UNNAMED.to_string())
}

/// The directory of the crate `file` belongs to (the nearest one up with a `Cargo.toml`):
/// what a library's `helpers = ".."` path is relative to.
fn crate_dir(file: &Path) -> PathBuf {
    let dir = file.parent().map_or_else(PathBuf::new, Path::to_path_buf);
    dir.ancestors().find(|d| d.join("Cargo.toml").is_file()).map_or(dir.clone(), Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lua_names_the_file_in_its_header_and_line_comments_only() {
        let text = "#[redis_function]\npub fn tag(k: Key) -> String {\n    set(&k, \"  -- source.rs:1 is data\");\n    \"source.rs\".to_string()\n}\n";
        let mut found = Found::default();
        compile_file(Path::new("src/bank.rs"), text, &mut found);
        assert!(found.problems.is_empty(), "{:?}", found.problems);
        let lua = &found.items[0].lua;
        assert!(lua.lines().nth(1).is_some_and(|l| l.ends_with(", generated from bank.rs: edit the Rust source, not this file.")), "{lua}");
        assert!(lua.contains("  -- bank.rs:3\n"), "{lua}");
        // Strings of the program keep what they say.
        assert!(lua.contains("source.rs:1 is data") && lua.contains("'source.rs'"), "{lua}");
        assert_eq!(found.items[0].sha1, redlua_compiler::sha1_hex(lua));
    }

    #[test]
    fn libraries_and_scripts_are_found_in_modules_but_not_in_tests() {
        let text = r#"
use redlua::prelude::*;

#[redlua::library(name = "counters")]
pub mod counters {
    use redlua::prelude::*;

    #[redis_function]
    pub fn bump(counter: Key) -> i64 {
        incr(&counter)
    }
}

pub mod scripts {
    use redlua::prelude::*;

    #[redis_function(read_only)]
    pub fn peek(counter: Key) -> i64 {
        get::<i64>(&counter).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    #[redlua::library(name = "only_in_tests")]
    mod t {
        #[redis_function]
        pub fn f(k: Key) -> i64 { incr(&k) }
    }
}
"#;
        let mut found = Found::default();
        compile_file(Path::new("src/counting.rs"), text, &mut found);
        assert!(found.problems.is_empty(), "{:?}", found.problems);
        let names: Vec<(String, String, usize)> = found.items.iter().map(|i| (i.kind.to_string(), i.name.clone(), i.line)).collect();
        assert_eq!(names, [("library".to_string(), "counters".to_string(), 5), ("script".to_string(), "peek".to_string(), 18)]);
        let counters = &found.items[0];
        assert!(counters.lua.contains("  -- counting.rs:10"), "{}", counters.lua);
        assert!(!counters.lua.contains(UNNAMED), "{}", counters.lua);
        assert_eq!(counters.functions[0], FunctionSummary { name: "bump".into(), keys: 1, args: 0, flags: vec![] });
        assert_eq!(found.items[1].functions[0].flags, ["no-writes"]);
        assert_eq!(found.items[1].sha1, redlua_compiler::sha1_hex(&found.items[1].lua));
    }

    #[test]
    fn compile_errors_carry_their_position_rule_and_hint() {
        let text = "use redlua::prelude::*;\n\n#[redis_function]\npub fn visits(user: String) -> i64 {\n    incr(&Key::new(format!(\"user:{user}\")))\n}\n";
        let mut found = Found::default();
        compile_file(Path::new("src/lib.rs"), text, &mut found);
        assert!(found.items.is_empty());
        let p = &found.problems[0];
        assert_eq!(p.rule.as_deref(), Some("redlua::dynamic-key"), "{p:?}");
        assert_eq!(p.at.map(|(l, _)| l), Some(5), "{p:?}");
        assert!(p.hint.as_deref().is_some_and(|h| h.contains("dynamic_keys")), "{p:?}");
    }

    #[test]
    fn a_syntax_error_is_a_problem_with_a_position() {
        let mut found = Found::default();
        compile_file(Path::new("src/lib.rs"), "fn f( {\n", &mut found);
        assert_eq!(found.problems.len(), 1);
        assert!(found.problems[0].rule.is_none());
        assert_eq!(found.problems[0].at.map(|(l, _)| l), Some(1));
    }
}
