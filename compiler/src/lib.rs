//! The redlua compiler: a checked subset of Rust → Lua for Redis Functions and scripts.
//!
//! A plain library (no `proc_macro` in its API) so tests, fuzzers and tools drive it
//! directly. The pipeline, by phase:
//!
//! 1. [`parse`]: attribute options and items (syn);
//! 2. [`lower`]: syn → typed IR ([`ir`]), refusing every construct whose Lua meaning
//!    would differ from its Rust meaning, and checking types (a key position takes a
//!    `Key`);
//! 3. [`checks`]: the rules over the IR, one module each: keys, effects (read-only and
//!    determinism, through helpers), function flags;
//! 4. [`codegen`]: IR → Lua AST → text ([`lua`]), with a Rust line per Lua statement;
//! 5. [`expand`]: the Rust items the macros emit (consts, typed stubs, native twins).
//!
//! [`driver`] runs phases 1 to 4, once, for every entry point below. Errors accumulate
//! within a phase ([`diag::Errors`]) and the pipeline stops between phases.
//!
//! This crate is redlua's implementation; applications use the `redlua` crate. Its entry
//! points ([`compile_library`], [`compile_script`], the `expand_*` functions the macros
//! call, [`sha1_hex`]) have examples; the phase modules are documented for contributors.
//!
//! ```
//! let attr = r#"name = "counters""#.parse().unwrap();
//! let item = r#"
//!     mod counters {
//!         use redlua::prelude::*;
//!         #[redis_function]
//!         pub fn bump(counter: Key, by: i64) -> i64 { incr_by(&counter, by) }
//!     }
//! "#.parse().unwrap();
//! let lib = redlua_compiler::compile_library(attr, item).unwrap();
//! assert!(lib.lua.starts_with("#!lua name=counters"));
//! assert!(lib.lua.contains("redis.register_function"));
//! ```
#![warn(missing_docs)]

mod builtins;
/// The builtin methods' table as plain data, for the generator of the method matrix.
#[doc(hidden)]
pub use builtins::{rows as builtin_rows, RowInfo as BuiltinRow};
pub mod checks;
pub mod codegen;
pub mod command_spec;
mod command_table;
pub mod commands;
mod copies;
pub mod diag;
pub mod driver;
pub mod expand;
pub mod ir;
mod lang;
pub mod lower;
pub mod lua;
pub mod lualib;
pub mod parse;
pub mod record_derive;
pub mod shared;
pub mod types;

use diag::{Diagnostic, Errors};
use proc_macro2::{Span, TokenStream};
use quote::quote;

/// A compiled library.
///
/// ```
/// let lib = redlua_compiler::compile_library(
///     r#"name = "greet""#.parse().unwrap(),
///     "mod greet { use redlua::prelude::*; #[redis_function(read_only)] pub fn hello(name: String) -> String { format!(\"hello {name}\") } }".parse().unwrap(),
/// ).unwrap();
/// assert_eq!(lib.name, "greet");
/// assert_eq!(lib.functions.len(), 1);
/// assert!(lib.lua.contains("flags = { 'no-writes' }"), "{}", lib.lua);
/// // Every Lua line that comes from Rust names it: (Lua line, Rust line).
/// assert!(!lib.lines.is_empty());
/// ```
#[derive(Debug, Clone)]
pub struct CompiledLibrary {
    /// The library name.
    pub name: String,
    /// The Lua source.
    pub lua: String,
    /// `(lua_line, rust_line)` pairs.
    pub lines: Vec<(u32, u32)>,
    /// The lowered functions.
    pub functions: Vec<ir::Function>,
    /// The helper functions they call.
    pub helpers: Vec<ir::HelperFn>,
}

/// A compiled EVAL script.
///
/// ```
/// let script = redlua_compiler::compile_script(
///     proc_macro2::TokenStream::new(),
///     "fn capped(counter: Key, max: i64) -> i64 { let n = get::<i64>(&counter).unwrap_or(0); if n < max { incr(&counter) } else { n } }".parse().unwrap(),
/// ).unwrap();
/// assert_eq!(script.sha1, redlua_compiler::sha1_hex(&script.lua));
/// assert_eq!(script.function.name, "capped");
/// ```
#[derive(Debug, Clone)]
pub struct CompiledScript {
    /// The Lua source.
    pub lua: String,
    /// Its SHA1, hex.
    pub sha1: String,
    /// `(lua_line, rust_line)` pairs.
    pub lines: Vec<(u32, u32)>,
    /// The lowered function.
    pub function: ir::Function,
}

/// SHA1 of `s`, lower-case hex (what Redis uses for scripts).
///
/// ```
/// assert_eq!(redlua_compiler::sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
/// ```
pub fn sha1_hex(s: &str) -> String {
    use sha1::Digest;
    let d = sha1::Sha1::digest(s.as_bytes());
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// The file name (without directories) a span comes from; used in Lua comments.
///
/// Outside a macro expansion (as here) spans carry no file: the name is `source.rs`.
///
/// ```
/// assert_eq!(redlua_compiler::file_name(proc_macro2::Span::call_site()), "source.rs");
/// ```
pub fn file_name(span: Span) -> String {
    driver::file_of_span(span)
}

/// Compiles a `#[redlua::library]` module: the attribute's arguments and the module.
///
/// A rule broken gives every diagnostic of the phase, each naming its rule:
///
/// ```
/// let errors = redlua_compiler::compile_library(
///     r#"name = "bad""#.parse().unwrap(),
///     "mod bad { use redlua::prelude::*; #[redis_function] pub fn f(k: Key) -> i64 { let x = Key::new(\"other\"); 1 } }".parse().unwrap(),
/// ).unwrap_err();
/// assert!(!errors.is_empty());
/// assert!(errors.iter().any(|d| d.to_string().contains("key")), "{errors:?}");
/// ```
pub fn compile_library(attr: TokenStream, item: TokenStream) -> Result<CompiledLibrary, Vec<Diagnostic>> {
    driver::on_large_stack(|| library_result(driver::run(driver::Input::Library { attr, item }, None)))
}

/// [`compile_library`] for a module read from the file `file` (its name, without
/// directories), which the Lua names in its header and line comments.
///
/// ```
/// let lib = redlua_compiler::compile_library_in_file(
///     "bank.rs",
///     r#"name = "bank""#.parse().unwrap(),
///     "mod bank { use redlua::prelude::*; #[redis_function] pub fn bump(c: Key) -> i64 { incr(&c) } }".parse().unwrap(),
/// ).unwrap();
/// assert!(lib.lua.contains("generated from bank.rs:") && lib.lua.contains("  -- bank.rs:1"), "{}", lib.lua);
/// ```
pub fn compile_library_in_file(file: &str, attr: TokenStream, item: TokenStream) -> Result<CompiledLibrary, Vec<Diagnostic>> {
    driver::on_large_stack(|| library_result(driver::run(driver::Input::Library { attr, item }, Some(file))))
}

/// [`compile_library_in_file`] for a module of the crate in `manifest_dir`: the
/// directory its `helpers = ".."` file is relative to (cargo's `CARGO_MANIFEST_DIR` when
/// the macro runs).
pub fn compile_library_in_crate(manifest_dir: &std::path::Path, file: &str, attr: TokenStream, item: TokenStream) -> Result<CompiledLibrary, Vec<Diagnostic>> {
    shared::with_base_dir(manifest_dir, || compile_library_in_file(file, attr, item))
}

fn library_result(mut run: driver::Run) -> Result<CompiledLibrary, Vec<Diagnostic>> {
    let (Some(printed), Some(lib)) = (run.printed.take(), run.library.take()) else {
        return Err(run.first_failure());
    };
    Ok(CompiledLibrary { name: lib.options.name, lua: printed.code, lines: printed.lines, functions: run.functions, helpers: run.helpers })
}

/// Compiles a free-standing `#[redis_function]` into an EVAL script; the attribute's
/// arguments are the function options.
///
/// ```
/// let script = redlua_compiler::compile_script(
///     "read_only".parse().unwrap(),
///     "fn peek(counter: Key) -> Option<i64> { get::<i64>(&counter) }".parse().unwrap(),
/// ).unwrap();
/// assert!(script.lua.starts_with("#!lua flags=no-writes"));
/// ```
pub fn compile_script(attr: TokenStream, item: TokenStream) -> Result<CompiledScript, Vec<Diagnostic>> {
    driver::on_large_stack(|| script_result(attr, item, None))
}

/// [`compile_script`] for a function read from the file `file` (its name, without
/// directories), which the Lua names in its header and line comments.
///
/// ```
/// let script = redlua_compiler::compile_script_in_file(
///     "hits.rs",
///     proc_macro2::TokenStream::new(),
///     "fn hit(counter: Key) -> i64 { incr(&counter) }".parse().unwrap(),
/// ).unwrap();
/// assert!(script.lua.contains("generated from hits.rs:"), "{}", script.lua);
/// ```
pub fn compile_script_in_file(file: &str, attr: TokenStream, item: TokenStream) -> Result<CompiledScript, Vec<Diagnostic>> {
    driver::on_large_stack(|| script_result(attr, item, Some(file)))
}

fn script_result(attr: TokenStream, item: TokenStream, file: Option<&str>) -> Result<CompiledScript, Vec<Diagnostic>> {
    let item: syn::ItemFn = syn::parse2(item).map_err(|e| {
        let mut es = Errors::new();
        es.syn(e);
        es.into_vec()
    })?;
    let mut run = driver::run(driver::Input::Script { options: attr, item: Box::new(item) }, file);
    let (Some(printed), Some(function)) = (run.printed.take(), run.functions.pop()) else {
        return Err(run.first_failure());
    };
    Ok(CompiledScript { sha1: sha1_hex(&printed.code), lua: printed.code, lines: printed.lines, function })
}

/// The expansion of `#[derive(Record)]`.
pub fn expand_record(item: TokenStream) -> TokenStream {
    record_derive::expand(item)
}

/// The expansion of `#[derive(Json)]`.
pub fn expand_json(item: TokenStream) -> TokenStream {
    record_derive::expand_json(item)
}

/// Expansion of `#[redlua::library(name = "..")] mod m { .. }`: the module with its
/// `LIBRARY`, typed stubs and twins, or `compile_error!`s pointing at the user's code.
///
/// ```
/// let out = redlua_compiler::expand_library(
///     r#"name = "counters""#.parse().unwrap(),
///     "mod counters { use redlua::prelude::*; #[redis_function] pub fn bump(c: Key) -> i64 { incr(&c) } }".parse().unwrap(),
/// ).to_string();
/// assert!(out.contains("LIBRARY") && out.contains("fn bump"));
/// assert!(!out.contains("compile_error"));
/// ```
pub fn expand_library(attr: TokenStream, item: TokenStream) -> TokenStream {
    driver::on_large_stack(|| expand::library_module(&driver::run(driver::Input::Library { attr, item }, None)))
}

/// Expansion of `redlua::script!([options;] |params| -> T { body })`: an expression whose
/// value has `prepare(args..)` (a typed `redlua::ScriptCall`), `script()` and `twin(args..)`.
///
/// ```
/// let out = redlua_compiler::expand_script_closure("read_only; |k: Key| -> Option<i64> { get::<i64>(&k) }".parse().unwrap()).to_string();
/// assert!(out.contains("prepare") && out.contains("twin"));
/// assert!(!out.contains("compile_error"));
/// ```
pub fn expand_script_closure(input: TokenStream) -> TokenStream {
    // The expansion is an expression: several `compile_error!`s side by side would not be
    // one, and rustc would keep only the first. A block holds any number of them.
    let out = driver::on_large_stack(|| match expand::closure_function(input) {
        Ok((options, item)) => expand::script_closure(&item, &driver::run(driver::Input::Script { options, item: Box::new(item.clone()) }, None)),
        Err(errors) => errors,
    });
    quote! {{ #out }}
}

/// Expansion of a free-standing `#[redis_function] fn f(..) { .. }`: the typed stub `f`
/// and a module `f` with its `SCRIPT` and `twin`.
///
/// ```
/// let out = redlua_compiler::expand_script(
///     proc_macro2::TokenStream::new(),
///     "pub fn hit(counter: Key) -> i64 { incr(&counter) }".parse().unwrap(),
/// ).to_string();
/// assert!(out.contains("SCRIPT") && out.contains("mod hit"));
/// ```
pub fn expand_script(attr: TokenStream, item: TokenStream) -> TokenStream {
    driver::on_large_stack(|| expand_script_item(attr, item))
}

fn expand_script_item(attr: TokenStream, item: TokenStream) -> TokenStream {
    let parsed: syn::ItemFn = match syn::parse2(item) {
        Ok(f) => f,
        Err(e) => {
            let mut es = Errors::new();
            es.push(diag::Rule::Attribute, e.span(), "#[redis_function] goes on a function", "");
            return diag::to_compile_errors(&es.into_vec());
        }
    };
    expand::script_item(&parsed, &driver::run(driver::Input::Script { options: attr, item: Box::new(parsed.clone()) }, None))
}
