//! The pipeline, once: parse → lower → checks → codegen, for every entry point (the
//! `compile_*` functions the CLI and tests call, the `expand_*` functions the macros call).
//!
//! [`run`] takes what the user wrote (a library module, or one function with its
//! options) and the source file's name, and gives everything each entry point needs: the
//! parsed library (for the macro expansion), the lowered functions (also when some have
//! errors, for the typed stubs), the Lua, and the diagnostics of each phase. Errors
//! accumulate within a phase; a phase runs only when the ones before it found nothing,
//! except lowering, which also runs after errors in the attribute options so that the
//! macros report both at once.

use crate::diag::{Diagnostic, Errors};
use crate::{checks, codegen, copies, ir, lower, lua, parse, shared};
use proc_macro2::{Span, TokenStream};

/// What to compile.
pub enum Input {
    /// A `#[redlua::library(..)]` module: the attribute's arguments and the module.
    Library {
        /// The attribute's arguments (`name = ".."`).
        attr: TokenStream,
        /// The module.
        item: TokenStream,
    },
    /// One `#[redis_function(..)]` compiled alone, as an EVAL script.
    Script {
        /// The function options (the attribute's arguments).
        options: TokenStream,
        /// The function.
        item: Box<syn::ItemFn>,
    },
}

/// A phase of the pipeline, for the diagnostics it gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// The attribute and the module's shape ([`parse`]).
    Parse,
    /// Types and constructs ([`lower`]), with the key rules ([`checks::keys`]).
    Lower,
    /// Effects and function flags ([`checks`]).
    Check,
    /// Lua limits ([`codegen`]).
    Codegen,
}

/// The result of [`run`].
pub struct Run {
    /// The parsed library module (`None` for a script, or when the module is unusable).
    pub library: Option<parse::LibraryInput>,
    /// The functions whose signature lowered (their bodies may have errors).
    pub functions: Vec<ir::Function>,
    /// For each of `functions`, its position among the library's functions.
    pub index: Vec<usize>,
    /// The helper functions the functions call.
    pub helpers: Vec<ir::HelperFn>,
    /// The file name the Lua names.
    pub file: String,
    /// The Lua, when every phase passed.
    pub printed: Option<lua::Printed>,
    /// The diagnostics, by phase, in the order found.
    pub diagnostics: Vec<(Phase, Diagnostic)>,
}

impl Run {
    /// Every diagnostic, of every phase that ran (what the macros report).
    pub fn all_diagnostics(&self) -> Vec<Diagnostic> {
        self.diagnostics.iter().map(|(_, d)| d.clone()).collect()
    }

    /// The diagnostics of the first phase that failed (what the `compile_*` functions
    /// report: the pipeline stops there).
    pub fn first_failure(&self) -> Vec<Diagnostic> {
        let Some(first) = self.diagnostics.iter().map(|(p, _)| *p).min() else { return Vec::new() };
        self.diagnostics.iter().filter(|(p, _)| *p == first).map(|(_, d)| d.clone()).collect()
    }
}

/// The file name (without directories) a span comes from, as the Lua names it: the real
/// file inside a procedural macro; `source.rs` when the span carries none (code parsed
/// from a string).
pub fn file_of_span(span: Span) -> String {
    let f = span.file();
    let base = f.rsplit(['/', '\\']).next().unwrap_or("").to_string();
    if base.ends_with(".rs") {
        base
    } else {
        "source.rs".to_string()
    }
}

/// The stack the compiler runs on: room for [`lower::MAX_NESTING`] levels of the
/// deepest-recursing construct in every phase of a debug build, several times over.
const STACK_SIZE: usize = 256 << 20;

/// Runs `f` (a whole entry point of the compiler) on a stack of `STACK_SIZE` bytes.
///
/// The phases recurse over the nesting of the user's code, and a debug build of the
/// macros takes tens of kilobytes of stack per level, more than the thread rustc runs the
/// macros on has for a few hundred levels. A thread of our own cannot be used: the
/// macros' tokens and spans belong to rustc's thread (`proc_macro` panics elsewhere). So
/// the same thread switches to a stack of its own for the call (the memory is mapped,
/// and only the pages used are ever touched), when less than that is left.
pub fn on_large_stack<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(STACK_SIZE, STACK_SIZE, f)
}

/// Runs the pipeline on `input`. `file` is the source file's name (without
/// directories) that the Lua names in its header and line comments; `None` takes it from
/// the spans ([`file_of_span`]).
pub fn run(input: Input, file: Option<&str>) -> Run {
    let mut out = Run { library: None, functions: Vec::new(), index: Vec::new(), helpers: Vec::new(), file: String::new(), printed: None, diagnostics: Vec::new() };
    // Parse.
    let mut errors = Errors::new();
    // The functions to lower with their options, the helpers and structs they may use,
    // and what a library adds (its structs for the copy pass, its name).
    let (units, mut ctx, library) = match input {
        Input::Library { attr, item } => {
            let Some(lib) = parse::library_input(attr, item, &mut errors) else {
                record(&mut out, Phase::Parse, errors);
                out.file = file.map_or_else(|| "source.rs".to_string(), str::to_string);
                return out;
            };
            let structs = items(&lib, |it| if let syn::Item::Struct(s) = it { Some(s.clone()) } else { None });
            let ctx = lower::HelperCtx::new(items(&lib, |it| if let syn::Item::Fn(f) = it { Some(f.clone()) } else { None })).with_structs(structs.clone()).with_consts(items(&lib, |it| if let syn::Item::Const(c) = it { Some(c.clone()) } else { None }))
                .with_enums(items(&lib, |it| if let syn::Item::Enum(e) = it { Some(e.clone()) } else { None }))
                .with_impls(items(&lib, |it| if let syn::Item::Impl(i) = it { Some(i.clone()) } else { None }));
            let (units, name) = (lib.functions.clone(), lib.options.name.clone());
            let shared_files: Vec<shared::SharedFile> = lib.options.helpers.iter().filter_map(|arg| shared::load(arg, &mut errors)).collect();
            out.library = Some(lib);
            (units, ctx, Some(LibraryParts { structs, name, shared_files }))
        }
        Input::Script { options, item } => {
            let options = parse::function_options(options, &mut errors);
            (vec![(*item, options)], lower::HelperCtx::default(), None)
        }
    };
    record(&mut out, Phase::Parse, errors);
    ctx.file = Some(match (file, units.first()) {
        (Some(f), _) => f.to_string(),
        (None, Some((item, _))) => file_of_span(item.sig.ident.span()),
        (None, None) => "source.rs".to_string(),
    });
    // Lower, with the key rules.
    let mut errors = Errors::new();
    let shared_at = match &library {
        Some(lib) => shared::add(&mut ctx, &lib.shared_files),
        None => Default::default(),
    };
    for (i, (item, opts)) in units.iter().enumerate() {
        if let Some(f) = lower::lower_function(item, opts.clone(), &mut errors, &mut ctx) {
            out.functions.push(f);
            out.index.push(i);
        }
    }
    shared::finish(&mut ctx, &shared_at, &mut errors);
    if let Some(lib) = &library {
        copies::apply(&mut out.functions, &mut ctx.fns, &copies::copy_structs(&lib.structs));
    }
    out.helpers = ctx.fns;
    checks::keys::check(&out.functions, &out.helpers, &mut errors);
    record(&mut out, Phase::Lower, errors);
    if let Some(lib) = &library {
        let mut ds: Vec<Diagnostic> = out.diagnostics.iter().map(|(_, d)| d.clone()).collect();
        shared::name_file(&mut ds, &lib.shared_files);
        for ((_, d), named) in out.diagnostics.iter_mut().zip(ds) {
            *d = named;
        }
    }
    out.file = match (file, out.functions.first()) {
        (Some(f), _) => f.to_string(),
        (None, Some(f)) => file_of_span(f.span),
        (None, None) => "source.rs".to_string(),
    };
    if !out.diagnostics.is_empty() {
        return out;
    }
    // Checks.
    let mut errors = Errors::new();
    checks::check_chunk(&out.functions, &out.helpers, &mut errors);
    let mut ds = errors.into_vec();
    if let Some(lib) = &library {
        shared::name_file(&mut ds, &lib.shared_files);
    }
    out.diagnostics.extend(ds.into_iter().map(|d| (Phase::Check, d)));
    if !out.diagnostics.is_empty() {
        return out;
    }
    // Code generation.
    let printed = match (&library, out.functions.first()) {
        (Some(lib), _) => codegen::library(&lib.name, &out.file, &out.functions, &out.helpers),
        (None, Some(f)) => codegen::script(&out.file, f, &out.helpers),
        (None, None) => return out,
    };
    match printed {
        Ok(p) => out.printed = Some(p),
        Err(ds) => out.diagnostics.extend(ds.into_iter().map(|d| (Phase::Codegen, d))),
    }
    out
}

/// What a library adds to its functions: its plain structs (for the copy pass) and its name.
struct LibraryParts {
    structs: Vec<syn::ItemStruct>,
    name: String,
    /// The helper files it names (`helpers = ".."`).
    shared_files: Vec<shared::SharedFile>,
}

fn record(out: &mut Run, phase: Phase, errors: Errors) {
    out.diagnostics.extend(errors.into_vec().into_iter().map(|d| (phase, d)));
}

/// The items of a library module that `pick` keeps (its plain functions, its structs).
pub(crate) fn items<T>(lib: &parse::LibraryInput, pick: impl Fn(&syn::Item) -> Option<T>) -> Vec<T> {
    lib.other_items.iter().filter_map(pick).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Rule;

    fn library(options: &str, body: &str) -> Input {
        Input::Library { attr: r#"name = "m""#.parse().unwrap(), item: format!("mod m {{ use redlua::prelude::*; #[redis_function({options})] pub fn f(k: Key) -> i64 {{ {body} }} }}").parse().unwrap() }
    }

    fn rules(ds: &[Diagnostic]) -> Vec<Rule> {
        ds.iter().map(|d| d.rule).collect()
    }

    #[test]
    fn the_file_name_given_is_the_one_the_lua_names() {
        let r = run(library("", "incr(&k)"), Some("bank.rs"));
        let lua = r.printed.map(|p| p.code).unwrap_or_default();
        assert!(lua.contains("generated from bank.rs: edit the Rust source") && lua.contains("  -- bank.rs:1"), "{lua}");
        assert!(!lua.contains("source.rs"), "{lua}");
        // Without a name, the spans' file: none here.
        let r = run(library("", "incr(&k)"), None);
        assert_eq!(r.file, "source.rs");
    }

    #[test]
    fn lowering_runs_after_option_errors_but_the_checks_do_not() {
        // An unknown option, a type error, and a write in a read-only function.
        let r = run(library("read_only, fast", "let x: i64 = \"a\"; incr(&k) + x"), None);
        assert_eq!(r.diagnostics.iter().map(|(p, d)| (*p, d.rule)).collect::<Vec<_>>(), [(Phase::Parse, Rule::Attribute), (Phase::Lower, Rule::Type)]);
        // The macros report both; the compile functions stop at the first phase.
        assert_eq!(rules(&r.all_diagnostics()), [Rule::Attribute, Rule::Type]);
        assert_eq!(rules(&r.first_failure()), [Rule::Attribute]);
        assert!(r.printed.is_none() && r.functions.len() == 1, "the stub still has its function");
        let r = run(library("read_only", "incr(&k)"), None);
        assert_eq!(r.diagnostics.iter().map(|(p, d)| (*p, d.rule)).collect::<Vec<_>>(), [(Phase::Check, Rule::ReadOnlyWrite)]);
    }

    /// `a` nested `n` levels deep by `wrap` (each level is one expression, `a` the last).
    fn nested(n: usize, wrap: &str) -> String {
        let (open, close) = wrap.split_once('#').unwrap_or((wrap, ""));
        format!("{}a{}", open.repeat(n - 1), close.repeat(n - 1))
    }

    #[test]
    fn every_construct_nests_to_the_limit_and_no_further() {
        // Nested so deep that the limit refuses it, and one level less: compiled without
        // an overflow of the stack (the tests' threads have 2 MiB of stack, far from
        // enough without the compiler's own). With how many levels of each the limit is
        // reached (a level is one expression or two).
        let wraps = [
            ("(#)", 513),
            ("{ #}", 513),
            ("-(#)", 257),
            ("a + #", 513),
            ("# + a", 513),
            ("#.abs()", 513),
            ("h(#)", 513),
            ("if a > 0 { # } else { 0 }", 512),
            ("vec![#][0]", 257),
            ("Some(#).unwrap_or(0)", 257),
        ];
        let compile = |n: usize, wrap: &str| {
            let body = nested(n, wrap);
            let item = format!("mod m {{ use redlua::prelude::*; fn h(x: i64) -> i64 {{ x }} #[redis_function] pub fn f(a: i64) -> i64 {{ {body} }} }}");
            let r = on_large_stack(|| run(Input::Library { attr: r#"name = "m""#.parse().unwrap(), item: item.parse().unwrap() }, None));
            assert!(r.printed.is_some() || !r.diagnostics.is_empty());
            r.all_diagnostics()
        };
        for (wrap, refused) in wraps {
            let errors = compile(refused - 1, wrap);
            assert!(errors.is_empty(), "{wrap} x {}: {errors:?}", refused - 1);
            let errors = compile(refused, wrap);
            assert_eq!(rules(&errors), [Rule::LuaLimit], "{wrap} x {refused}");
            assert!(errors[0].message.contains("nested more than 512 levels") && errors[0].hint.contains("split the expression with `let`"), "{:?}", errors[0]);
        }
    }

    #[test]
    fn a_script_runs_the_same_phases() {
        let item: syn::ItemFn = syn::parse_quote!(fn hit(k: Key) -> i64 { incr(&k) });
        let r = run(Input::Script { options: "read_only".parse().unwrap(), item: Box::new(item.clone()) }, Some("hits.rs"));
        assert_eq!(r.diagnostics.iter().map(|(p, d)| (*p, d.rule)).collect::<Vec<_>>(), [(Phase::Check, Rule::ReadOnlyWrite)]);
        let r = run(Input::Script { options: TokenStream::new(), item: Box::new(item) }, Some("hits.rs"));
        assert!(r.printed.is_some_and(|p| p.code.contains("generated from hits.rs:")));
    }
}
