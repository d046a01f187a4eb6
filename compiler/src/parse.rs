//! Parsing: attribute arguments and the items they are attached to.
//!
//! Attribute parsing returns values and records errors, so every bad attribute is
//! reported in one pass.

use crate::diag::{Errors, Rule};
use crate::ir::FnOptions;
use proc_macro2::{Span, TokenStream};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, Item, ItemFn, ItemMod, Lit, Meta, Token};

/// The name of the function attribute.
pub const REDIS_FUNCTION: &str = "redis_function";

/// Options of `#[redlua::library(...)]`.
#[derive(Debug, Clone)]
pub struct LibraryOptions {
    /// The library name (`#!lua name=<name>`).
    pub name: String,
    /// Its span, for diagnostics.
    pub span: Span,
    /// `separate_server`: never loaded on a server with the crate's other libraries, so
    /// its function names may repeat theirs (no crate-wide check).
    pub separate_server: bool,
    /// `helpers = "src/shared.rs"`: a file of helper `fn`s shared with other libraries.
    pub helpers: Option<crate::shared::HelpersArg>,
}

/// A module annotated with `#[redlua::library]`, split into functions and other items.
pub struct LibraryInput {
    /// Library options.
    pub options: LibraryOptions,
    /// The module (its items are replaced during expansion).
    pub module: ItemMod,
    /// The redis functions, in source order.
    pub functions: Vec<(ItemFn, FnOptions)>,
    /// Everything else in the module, kept as written.
    pub other_items: Vec<Item>,
}

fn parse_metas(attr: TokenStream, errors: &mut Errors) -> Vec<Meta> {
    match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(attr) {
        Ok(p) => p.into_iter().collect(),
        Err(e) => {
            errors.syn(e);
            Vec::new()
        }
    }
}

/// Parses `name = "..."` of the library attribute.
pub fn library_options(attr: TokenStream, errors: &mut Errors) -> Option<LibraryOptions> {
    let call_site = Span::call_site();
    let mut name = None;
    let mut separate_server = false;
    let mut helpers = None;
    for meta in parse_metas(attr, errors) {
        match &meta {
            Meta::Path(p) if p.is_ident("separate_server") => separate_server = true,
            Meta::NameValue(nv) if nv.path.is_ident("helpers") => match &nv.value {
                Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => helpers = Some(crate::shared::HelpersArg { path: s.value(), span: s.span() }),
                other => errors.push(Rule::Attribute, syn::spanned::Spanned::span(other), "the helper file must be a string literal", "write #[redlua::library(name = \"bank\", helpers = \"src/shared.rs\")]"),
            },
            Meta::NameValue(nv) if nv.path.is_ident("name") => match &nv.value {
                Expr::Lit(ExprLit { lit: Lit::Str(s), .. }) => {
                    let v = s.value();
                    if !valid_redis_name(&v) {
                        errors.push(
                            Rule::InvalidName,
                            s.span(),
                            format!("`{}` is not a valid Redis library name", v.escape_debug()),
                            "library names may contain only letters, digits and underscores",
                        );
                    }
                    name = Some(LibraryOptions { name: v, span: s.span(), separate_server: false, helpers: None });
                }
                other => errors.push(Rule::Attribute, syn::spanned::Spanned::span(other), "the library name must be a string literal", "write #[redlua::library(name = \"bank\")]"),
            },
            other => errors.push(
                Rule::Attribute,
                syn::spanned::Spanned::span(other),
                "unknown library option",
                "the supported options are `name = \"...\"`, `helpers = \"...\"` and `separate_server`",
            ),
        }
    }
    if name.is_none() && errors.is_empty() {
        errors.push(Rule::Attribute, call_site, "a library needs a name", "write #[redlua::library(name = \"bank\")]");
    }
    name.map(|n| LibraryOptions { separate_server, helpers, ..n })
}

/// Parses the arguments of `#[redis_function(...)]`.
pub fn function_options(attr: TokenStream, errors: &mut Errors) -> FnOptions {
    let mut o = FnOptions::default();
    for meta in parse_metas(attr, errors) {
        let span = syn::spanned::Spanned::span(&meta);
        if let Meta::Path(p) = &meta {
            for name in ["read_only", "nondeterministic", "allow_oom", "allow_stale", "no_cluster", "allow_cross_slot_keys", "dynamic_keys"] {
                if p.is_ident(name) {
                    o.spans.push((name, span));
                }
            }
        }
        match &meta {
            Meta::Path(p) if p.is_ident("read_only") => {
                o.read_only = true;
                o.read_only_span = Some(span);
            }
            Meta::Path(p) if p.is_ident("nondeterministic") => o.nondeterministic = true,
            Meta::Path(p) if p.is_ident("allow_oom") => o.allow_oom = true,
            Meta::Path(p) if p.is_ident("allow_stale") => o.allow_stale = true,
            Meta::Path(p) if p.is_ident("no_cluster") => o.no_cluster = true,
            Meta::Path(p) if p.is_ident("allow_cross_slot_keys") => o.allow_cross_slot_keys = true,
            Meta::Path(p) if p.is_ident("dynamic_keys") => o.dynamic_keys = true,
            _ => errors.push(
                Rule::Attribute,
                span,
                "unknown redis_function option",
                "supported options: read_only, nondeterministic, allow_oom, allow_stale, no_cluster, allow_cross_slot_keys, dynamic_keys",
            ),
        }
    }
    o
}

/// True for names Redis accepts for libraries and functions: `[A-Za-z0-9_]+`.
pub fn valid_redis_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// True when `attr` is `#[redis_function]` or `#[redlua::redis_function]`.
pub fn is_redis_function_attr(attr: &syn::Attribute) -> bool {
    attr.path().segments.last().is_some_and(|s| s.ident == REDIS_FUNCTION)
}

/// Splits a library module into its redis functions and other items.
pub fn library_input(attr: TokenStream, item: TokenStream, errors: &mut Errors) -> Option<LibraryInput> {
    let options = library_options(attr, errors);
    let module: ItemMod = match syn::parse2(item) {
        Ok(m) => m,
        Err(e) => {
            errors.push(Rule::Attribute, e.span(), "#[redlua::library] goes on a module", "write #[redlua::library(name = \"bank\")] pub mod bank { ... }");
            return None;
        }
    };
    let Some((_, items)) = &module.content else {
        errors.push(Rule::Attribute, module.ident.span(), "#[redlua::library] needs an inline module body", "write `mod bank { ... }` instead of `mod bank;`");
        return None;
    };
    let mut functions = Vec::new();
    let mut other_items = Vec::new();
    for item in items {
        match item {
            Item::Fn(f) if f.attrs.iter().any(is_redis_function_attr) => {
                let mut f = f.clone();
                let mut opts = FnOptions::default();
                let mut kept = Vec::new();
                for a in std::mem::take(&mut f.attrs) {
                    if is_redis_function_attr(&a) {
                        let args = match &a.meta {
                            Meta::List(l) => l.tokens.clone(),
                            _ => TokenStream::new(),
                        };
                        opts = function_options(args, errors);
                    } else {
                        kept.push(a);
                    }
                }
                f.attrs = kept;
                functions.push((f, opts));
            }
            other => other_items.push(other.clone()),
        }
    }
    if functions.is_empty() {
        errors.push(Rule::Attribute, module.ident.span(), "this library has no #[redis_function]", "mark the functions to register with #[redis_function]");
    }
    // Redis looks function names up without regard to case: `total` and `Total` would be
    // one function on the server, the second unreachable.
    let mut seen = std::collections::HashMap::new();
    for (f, _) in &functions {
        let name = f.sig.ident.to_string();
        match seen.insert(name.to_ascii_lowercase(), name.clone()) {
            Some(prev) if prev == name => errors.push(Rule::InvalidName, f.sig.ident.span(), "two functions with the same name", "rename one of them"),
            Some(prev) => errors.push(
                Rule::InvalidName,
                f.sig.ident.span(),
                format!("`{name}` and `{prev}` differ only in case, and Redis looks function names up without regard to case"),
                "rename one of them: FCALL would reach only one of the two",
            ),
            None => {}
        }
    }
    options.map(|options| LibraryInput { options, module, functions, other_items })
}
