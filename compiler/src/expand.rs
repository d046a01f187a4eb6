//! The Rust expansion: consts with the Lua, typed call stubs, and native twins.
//!
//! Generated code reaches the runtime only through `::redlua` public items and
//! `::redlua::__private`, so macro and runtime versions stay in step.

use crate::diag::{self, Errors};
use crate::driver;
use crate::ir::{self, Function, HelperFn, ParamSource, Ty};
use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};

/// The Rust type of a reply of type `t` (the `Ok` side of a `Result`).
fn reply_type(t: &Ty) -> TokenStream {
    match t {
        Ty::Int => quote!(i64),
        Ty::IntN(k) => {
            let n = format_ident!("{}", k.name());
            quote!(#n)
        }
        Ty::Float => quote!(f64),
        Ty::Bool => quote!(bool),
        Ty::Str | Ty::Key => quote!(::std::string::String),
        Ty::Option(inner) => {
            let i = reply_type(inner);
            quote!(::std::option::Option<#i>)
        }
        Ty::Result(inner) => reply_type(inner),
        Ty::Vec(inner) => {
            let i = reply_type(inner);
            quote!(::std::vec::Vec<#i>)
        }
        Ty::Tuple(ts) => {
            let ts = ts.iter().map(reply_type);
            quote!((#(#ts,)*))
        }
        Ty::Dyn => quote!(::redlua::Value),
        Ty::Map(inner) => {
            let i = reply_type(inner);
            quote!(::std::collections::HashMap<::std::string::String, #i>)
        }
        Ty::Struct(st) => {
            let n = format_ident!("{}", st.name);
            quote!(#n)
        }
        Ty::Enum(e) => {
            let n = format_ident!("{}", e.name);
            quote!(#n)
        }
        Ty::Unit | Ty::Never | Ty::Reject | Ty::Fn(..) | Ty::CallResult => quote!(()),
    }
}

/// The stub's parameters and the statements that encode them.
fn stub_params(f: &Function) -> (Vec<TokenStream>, Vec<TokenStream>) {
    let mut params = Vec::new();
    let mut pushes = Vec::new();
    for p in &f.params {
        // A keyword written as a raw identifier (`r#type`) stays raw in the stub.
        let bare = p.name.strip_prefix("r#").unwrap_or(&p.name);
        let name = if syn::parse_str::<syn::Ident>(bare).is_ok() { format_ident!("{}", bare, span = p.span) } else { proc_macro2::Ident::new_raw(bare, p.span) };
        let single = quote!(impl ::redlua::__private::redis::ToSingleRedisArg);
        let (ty, push) = match (&p.ty, p.source) {
            (Ty::Key, _) => (single.clone(), quote!(__redlua_args.key(&#name);)),
            // A `LuaNumber`: the caller's text, which the Lua reads with `tonumber`.
            (Ty::Float, _) if p.lua_number => (single.clone(), quote!(__redlua_args.arg(&#name);)),
            (Ty::Int, _) => (quote!(i64), quote!(__redlua_args.int(#name);)),
            // Sent as an i64 (a u64 beyond i64::MAX fails like any value beyond 2^53 - 1).
            (Ty::IntN(k), _) => {
                let n = format_ident!("{}", k.name());
                (quote!(#n), quote!(__redlua_args.int(::std::convert::TryFrom::try_from(#name).unwrap_or(i64::MAX));))
            }
            (Ty::Bool, _) => (quote!(bool), quote!(__redlua_args.bool(#name);)),
            // A unit enum: the variant's name, which the Lua checks against the variants.
            (Ty::Enum(e), _) => {
                let n = format_ident!("{}", e.name);
                let vs: Vec<_> = e.variants.iter().map(|v| format_ident!("{}", v.name)).collect();
                let texts: Vec<_> = e.variants.iter().map(|v| v.name.clone()).collect();
                (quote!(#n), quote!(__redlua_args.arg(&match #name { #(#n::#vs => #texts,)* });))
            }
            // Rust's Display, which the Lua side parses back exactly.
            (Ty::Float, _) => (quote!(f64), quote!(__redlua_args.arg(&#name.to_string());)),
            (Ty::Vec(t), ParamSource::KeysFrom(_)) if **t == Ty::Key => (
                quote!(impl ::std::iter::IntoIterator<Item = #single>),
                quote!(for __redlua_k in #name { __redlua_args.key(&__redlua_k); }),
            ),
            (Ty::Vec(t), ParamSource::ArgsFrom(_)) => match &**t {
                Ty::Int => (quote!(impl ::std::iter::IntoIterator<Item = i64>), quote!(for __redlua_a in #name { __redlua_args.int(__redlua_a); })),
                Ty::Bool => (quote!(impl ::std::iter::IntoIterator<Item = bool>), quote!(for __redlua_a in #name { __redlua_args.bool(__redlua_a); })),
                Ty::Float => (
                    quote!(impl ::std::iter::IntoIterator<Item = f64>),
                    quote!(for __redlua_a in #name { __redlua_args.arg(&__redlua_a.to_string()); }),
                ),
                _ => (quote!(impl ::std::iter::IntoIterator<Item = #single>), quote!(for __redlua_a in #name { __redlua_args.arg(&__redlua_a); })),
            },
            (Ty::Option(t), ParamSource::OptArg(_)) => {
                let n = bare.to_string();
                match &**t {
                    Ty::Int => (quote!(::std::option::Option<i64>), quote!(__redlua_args.opt_int(#n, #name);)),
                    Ty::Bool => (quote!(::std::option::Option<bool>), quote!(__redlua_args.opt_bool(#n, #name);)),
                    Ty::Float => (
                        quote!(::std::option::Option<f64>),
                        quote!(__redlua_args.opt_arg(#n, #name.map(|__redlua_x: f64| __redlua_x.to_string()));),
                    ),
                    _ => (quote!(::std::option::Option<&str>), quote!(__redlua_args.opt_arg(#n, #name);)),
                }
            }
            _ => (single.clone(), quote!(__redlua_args.arg(&#name);)),
        };
        params.push(quote!(#name: #ty));
        pushes.push(push);
    }
    (params, pushes)
}

fn doc_attrs(f: &syn::ItemFn) -> Vec<&syn::Attribute> {
    f.attrs.iter().filter(|a| a.path().is_ident("doc")).collect()
}

fn lines_tokens(lines: &[(u32, u32)]) -> TokenStream {
    let pairs = lines.iter().map(|(a, b)| quote!((#a, #b)));
    quote!(&[#(#pairs),*])
}

/// The stub of one library function.
pub fn library_stub(item: &syn::ItemFn, f: &Function) -> TokenStream {
    let (params, pushes) = stub_params(f);
    let docs = doc_attrs(item);
    let vis = &item.vis;
    let ident = &item.sig.ident;
    let reply = reply_type(&f.ret);
    let name = &f.name;
    let (nk, na) = (f.num_keys, f.num_args);
    let ro = f.options.read_only;
    let call_doc = if ro {
        format!("Calls `{name}` with `FCALL_RO` (a read-only function).")
    } else {
        format!("Calls `{name}` with `FCALL`.")
    };
    quote_spanned! {Span::call_site()=>
        #(#docs)*
        #[doc = ""]
        #[doc = #call_doc]
        #[allow(dead_code, clippy::too_many_arguments)]
        #vis fn #ident(#(#params),*) -> ::redlua::FunctionCall<#reply> {
            let mut __redlua_args = ::redlua::__private::Args::new(#nk, #na);
            #(#pushes)*
            ::redlua::FunctionCall::__new(&LIBRARY, #name, #ro, __redlua_args)
        }
    }
}

/// A crate-wide marker of the Redis function name `f.name`: a `#[macro_export]` macro,
/// named after the function and placed on the user's `fn` name, so that two libraries of
/// one crate registering the same name (function names are global to a server, and
/// case-insensitive) fail to compile with rustc's "defined multiple times" at both.
pub fn function_name_marker(item: &syn::ItemFn, f: &Function) -> TokenStream {
    let span = item.sig.ident.span();
    let mac = format_ident!("redis_function_{}_is_registered_by_two_libraries", f.name.to_ascii_lowercase(), span = span);
    let doc = format!(
        "Redis function `{}`: a second library of this crate registering the same name fails to compile here (function names are global to a server). Give one of them another name, or mark a library that never shares a server with the others `#[redlua::library(name = .., separate_server)]`.",
        f.name
    );
    quote_spanned! {span=>
        #[doc = #doc]
        #[doc(hidden)]
        #[macro_export]
        macro_rules! #mac { () => {}; }
    }
}

/// The consts and static describing a library.
pub fn library_items(name: &str, code: &str, lines: &[(u32, u32)], file: &str, functions: &[Function], helpers: &[HelperFn]) -> TokenStream {
    let stamp = crate::sha1_hex(code);
    let lines = lines_tokens(lines);
    let infos = functions.iter().map(|f| {
        let n = &f.name;
        let flags = crate::codegen::flags(f);
        let (nk, na) = (f.num_keys, f.num_args);
        let derived = crate::checks::keys::derive_bases(f, helpers);
        quote!(::redlua::FunctionInfo::__new(#n, &[#(#flags),*], #nk, #na, &[#(#derived),*]))
    });
    let lua_doc = format!("The Lua source of library `{name}`, as sent with `FUNCTION LOAD`.");
    let lib_doc = format!("Library `{name}`: its code, version stamp and functions, for loading and management.");
    quote! {
        #[doc = #lua_doc]
        #[allow(dead_code)]
        pub const LUA: &str = #code;

        #[doc = #lib_doc]
        #[allow(dead_code)]
        pub static LIBRARY: ::redlua::Library = ::redlua::Library::__new(#name, LUA, #stamp, #file, #lines, &[#(#infos),*]);
    }
}

/// The native twin of a function: the same body, as Rust, run client-side.
pub fn twin(item: &syn::ItemFn, name: Option<&str>) -> TokenStream {
    let mut f = item.clone();
    f.vis = syn::parse_quote!(pub);
    f.attrs.retain(|a| !crate::parse::is_redis_function_attr(a));
    if let Some(n) = name {
        f.sig.ident = format_ident!("{}", n, span = item.sig.ident.span());
    }
    quote! {
        #[allow(dead_code, unused_mut, unused_variables, unreachable_code, clippy::all)]
        #f
    }
}

/// A twin with the function's signature only, emitted when its body did not compile.
pub fn twin_signature(item: &syn::ItemFn, name: Option<&str>) -> TokenStream {
    let mut f = item.clone();
    f.block = syn::parse_quote!({ ::core::panic!("redlua: this function did not compile") });
    twin(&f, name)
}

/// The expansion of a free-standing `#[redis_function]`: an EVAL script.
pub fn script(item: &syn::ItemFn, f: &Function, helpers: &[HelperFn], code: &str, lines: &[(u32, u32)], file: &str, with_twin: bool) -> TokenStream {
    let (params, pushes) = stub_params(f);
    let docs = doc_attrs(item);
    let vis = &item.vis;
    let ident = &item.sig.ident;
    let reply = reply_type(&f.ret);
    let name = &f.name;
    let (nk, na) = (f.num_keys, f.num_args);
    let ro = f.options.read_only;
    let sha = crate::sha1_hex(code);
    let lines = lines_tokens(lines);
    let derived = crate::checks::keys::derive_bases(f, helpers);
    let twin = if with_twin { twin(item, Some("twin")) } else { twin_signature(item, Some("twin")) };
    let call_doc = if ro {
        format!("Runs script `{name}` with `EVALSHA_RO` (loading it on `NOSCRIPT`).")
    } else {
        format!("Runs script `{name}` with `EVALSHA` (loading it on `NOSCRIPT`).")
    };
    let mod_doc = format!("The Lua, SHA1 and native twin of script `{name}`.");
    quote! {
        #(#docs)*
        #[doc = ""]
        #[doc = #call_doc]
        #[allow(dead_code, clippy::too_many_arguments)]
        #vis fn #ident(#(#params),*) -> ::redlua::ScriptCall<#reply> {
            let mut __redlua_args = ::redlua::__private::Args::new(#nk, #na);
            #(#pushes)*
            ::redlua::ScriptCall::__new(&#ident::SCRIPT, __redlua_args)
        }

        #[doc = #mod_doc]
        #[allow(dead_code, non_snake_case, unused_imports)]
        #vis mod #ident {
            use super::*;
            /// The Lua source of the script.
            pub const LUA: &str = #code;
            /// The script's SHA1 (what `EVALSHA` sends).
            pub const SHA1: &str = #sha;
            /// The script, for loading and management.
            pub static SCRIPT: ::redlua::Script = ::redlua::Script::__new(#name, LUA, SHA1, #file, #lines, #ro, #nk, #na, &[#(#derived),*]);
            #twin
        }
    }
}

/// The value `script!` evaluates to: a unit struct with `prepare`, `script` and `twin`.
pub fn script_value(item: &syn::ItemFn, f: &Function, helpers: &[HelperFn], code: &str, lines: &[(u32, u32)], file: &str, with_twin: bool) -> TokenStream {
    let (params, pushes) = stub_params(f);
    let reply = reply_type(&f.ret);
    let name = &f.name;
    let (nk, na) = (f.num_keys, f.num_args);
    let ro = f.options.read_only;
    let sha = crate::sha1_hex(code);
    let lines = lines_tokens(lines);
    let derived = crate::checks::keys::derive_bases(f, helpers);
    let inputs = &item.sig.inputs;
    let output = &item.sig.output;
    let block = &item.block;
    let twin_body = if with_twin { quote!(#block) } else { quote!({ ::core::panic!("redlua: this script did not compile") }) };
    quote! {
        /// A script written with `redlua::script!`.
        #[derive(Debug, Clone, Copy)]
        struct __RedluaScript;
        static __REDLUA_SCRIPT: ::redlua::Script = ::redlua::Script::__new(#name, #code, #sha, #file, #lines, #ro, #nk, #na, &[#(#derived),*]);
        #[allow(dead_code, clippy::too_many_arguments)]
        impl __RedluaScript {
            /// One run of the script with these arguments: `.call(&mut con)` sends it.
            fn prepare(&self, #(#params),*) -> ::redlua::ScriptCall<#reply> {
                let mut __redlua_args = ::redlua::__private::Args::new(#nk, #na);
                #(#pushes)*
                ::redlua::ScriptCall::__new(&__REDLUA_SCRIPT, __redlua_args)
            }
            /// The script: its Lua, SHA1 and arity.
            fn script(&self) -> &'static ::redlua::Script {
                &__REDLUA_SCRIPT
            }
            /// The native twin: the same body as Rust (see `redlua::twin`).
            #[allow(unused_mut, unused_variables, unreachable_code, clippy::all)]
            fn twin(&self, #inputs) #output #twin_body
        }
        __RedluaScript
    }
}

/// `FromRedisValue` for a plain struct returned by a redis function: its reply is an
/// array in field order.
pub fn struct_from_reply(item: &syn::ItemStruct) -> TokenStream {
    let name = &item.ident;
    let syn::Fields::Named(named) = &item.fields else { return TokenStream::new() };
    let idents: Vec<_> = named.named.iter().filter_map(|f| f.ident.clone()).collect();
    let tys: Vec<_> = named.named.iter().map(|f| f.ty.clone()).collect();
    quote! {
        impl ::redlua::__private::redis::FromRedisValue for #name {
            fn from_redis_value(v: ::redlua::__private::redis::Value) -> ::std::result::Result<Self, ::redlua::__private::redis::ParsingError> {
                let (#(#idents,)*): (#(#tys,)*) = ::redlua::__private::redis::FromRedisValue::from_redis_value(v)?;
                ::std::result::Result::Ok(#name { #(#idents),* })
            }
        }
    }
}

/// `FromRedisValue` for a unit enum returned by a redis function: its reply is the
/// variant's name.
pub fn enum_from_reply(item: &syn::ItemEnum) -> TokenStream {
    let name = &item.ident;
    let vs: Vec<_> = item.variants.iter().map(|v| v.ident.clone()).collect();
    let texts: Vec<_> = vs.iter().map(|v| v.to_string()).collect();
    quote! {
        impl ::redlua::__private::redis::FromRedisValue for #name {
            fn from_redis_value(v: ::redlua::__private::redis::Value) -> ::std::result::Result<Self, ::redlua::__private::redis::ParsingError> {
                let s: ::std::string::String = ::redlua::__private::redis::FromRedisValue::from_redis_value(v)?;
                match s.as_str() {
                    #(#texts => ::std::result::Result::Ok(#name::#vs),)*
                    _ => ::std::result::Result::Err(::redlua::__private::redis::ParsingError::from(::std::format!("redlua: `{}` is not a variant of `{}`", s, ::std::stringify!(#name)))),
                }
            }
        }
    }
}

/// The expansion of `#[redlua::library]`, from the driver's run: the module with its
/// `LIBRARY`, typed stubs and twins, or `compile_error!`s pointing at the user's code.
pub fn library_module(run: &driver::Run) -> TokenStream {
    let diags = run.all_diagnostics();
    let Some(input) = &run.library else {
        return diag::to_compile_errors(&diags);
    };
    let (functions, index, compiled) = (&run.functions, &run.index, run.printed.as_ref());
    // On error, the stubs are still emitted (with an empty library) so that callers
    // see one error, not one per use.
    let stubs = functions.iter().zip(index).map(|(f, &i)| library_stub(&input.functions[i].0, f));
    // One marker per function name, colliding with another library's of this crate.
    let markers: Vec<TokenStream> = if input.options.separate_server {
        Vec::new()
    } else {
        // Names that differ only in case within the library have their own error.
        let mut seen = std::collections::BTreeSet::new();
        functions
            .iter()
            .zip(index)
            .filter(|(f, _)| seen.insert(f.name.to_ascii_lowercase()))
            .map(|(f, &i)| function_name_marker(&input.functions[i].0, f))
            .collect()
    };
    // Structs returned by a function decode from their reply.
    let mut returned = std::collections::BTreeSet::new();
    for f in functions {
        collect_structs(&f.ret, &mut returned);
    }
    let mut struct_impls: Vec<TokenStream> = driver::items(input, |it| if let syn::Item::Struct(s) = it { Some(s.clone()) } else { None }).iter().filter(|s| returned.contains(&s.ident.to_string()) && !crate::record_derive::is_record(&s.attrs)).map(struct_from_reply).collect();
    struct_impls.extend(driver::items(input, |it| if let syn::Item::Enum(e) = it { Some(e.clone()) } else { None }).iter().filter(|e| returned.contains(&e.ident.to_string())).map(enum_from_reply));
    let (code, lines) = compiled.map_or((String::new(), Vec::new()), |c| (c.code.clone(), c.lines.clone()));
    let lib_items = library_items(&input.options.name, &code, &lines, &run.file, functions, &run.helpers);
    // On error the twins keep their signatures (so the module's imports stay used and
    // no warning adds to the error) but not their bodies.
    let twins = {
        let imports = twin_imports(&input.other_items);
        let ts = input.functions.iter().map(|(item, _)| if compiled.is_some() { twin(item, None) } else { twin_signature(item, None) });
        quote! {
            /// Native Rust twins of this library's functions: the same bodies, run
            /// client-side against a connection (see `redlua::twin`). For tests.
            #[allow(dead_code, unused_imports)]
            pub mod twin {
                #imports
                #(#ts)*
            }
        }
    };
    let errs = diag::to_compile_errors(&diags);
    let m = &input.module;
    let attrs = &m.attrs;
    let vis = &m.vis;
    let ident = &m.ident;
    let mut others = input.other_items.clone();
    let (mut in_module, mut in_twins) = (std::collections::HashSet::new(), std::collections::HashSet::new());
    for it in others.iter().filter(|it| !matches!(it, syn::Item::Use(_))) {
        idents_of(quote::ToTokens::to_token_stream(it), &mut in_module);
    }
    for (f, _) in &input.functions {
        idents_of(quote::ToTokens::to_token_stream(f), &mut in_twins);
    }
    for it in &mut others {
        if let syn::Item::Use(u) = it {
            // When the bodies are not emitted (errors), or use nothing of the prelude, the
            // module's imports would be reported as unused: they are there for the bodies.
            let prelude = quote::ToTokens::to_token_stream(&u.tree).to_string().replace(' ', "").contains("prelude");
            if compiled.is_none() || prelude || used_by_twins_only(u, &in_module, &in_twins) {
                u.attrs.push(syn::parse_quote!(#[allow(unused_imports)]));
            }
        }
    }
    // Cargo rebuilds the crate when a shared helper file changes: the expansion reads it.
    let tracked = input.options.helpers.iter().filter(|h| crate::shared::readable(h)).map(|h| {
        let path = format!("/{}", h.path);
        quote::quote_spanned!(h.span=> const _: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), #path));)
    });
    quote! {
        #errs
        #(#attrs)*
        #vis mod #ident {
            #(#tracked)*
            #(#others)*
            #lib_items
            #(#struct_impls)*
            #(#stubs)*
            #(#markers)*
            #twins
        }
    }
}

/// What the twins see of their library module: its own `use` items, written again for
/// the `twin` module inside it, and its items by name. Not `use super::*`, which would
/// also re-export the module's imports from `twin` (rustc then names `crate::m::twin::HashMap`
/// in its notes when another module forgets an import).
fn twin_imports(items: &[syn::Item]) -> TokenStream {
    // Items made by a macro invocation have names only the expansion knows.
    if items.iter().any(|it| matches!(it, syn::Item::Macro(m) if m.ident.is_none()) || matches!(it, syn::Item::Verbatim(_))) {
        return quote!(use super::*;);
    }
    let mut names = Vec::new();
    for it in items {
        let ident = match it {
            syn::Item::Const(i) => &i.ident,
            syn::Item::Enum(i) => &i.ident,
            syn::Item::Fn(i) => &i.sig.ident,
            syn::Item::Mod(i) => &i.ident,
            syn::Item::Static(i) => &i.ident,
            syn::Item::Struct(i) => &i.ident,
            syn::Item::Trait(i) => &i.ident,
            syn::Item::Type(i) => &i.ident,
            syn::Item::Union(i) => &i.ident,
            _ => continue,
        };
        names.push(ident.clone());
    }
    let local: std::collections::HashSet<String> = names.iter().map(|i| i.to_string()).collect();
    // Its imports written again: a `use super::HashMap` would bring the note back.
    let uses = items.iter().filter_map(|it| match it {
        syn::Item::Use(u) => {
            let mut u = u.clone();
            u.vis = syn::Visibility::Inherited;
            u.tree = twin_use_tree(u.tree, &local);
            Some(u)
        }
        _ => None,
    });
    let group = quote!({ #(#names),* });
    quote! {
        #(#uses)*
        #[allow(unused_imports)]
        use super::#group;
    }
}

/// The names a `use` tree binds (`HashMap`, `Map` of `HashMap as Map`, `a` of
/// `a::{self}`), and whether it has a glob.
fn use_leaves(tree: &syn::UseTree, names: &mut Vec<String>, glob: &mut bool) {
    match tree {
        syn::UseTree::Name(n) => names.push(n.ident.to_string()),
        syn::UseTree::Rename(r) => names.push(r.rename.to_string()),
        syn::UseTree::Glob(_) => *glob = true,
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| use_leaves(t, names, glob)),
        syn::UseTree::Path(p) => {
            let mut inner = Vec::new();
            use_leaves(&p.tree, &mut inner, glob);
            names.extend(inner.into_iter().map(|n| if n == "self" { p.ident.to_string() } else { n }));
        }
    }
}

/// The identifiers of `tokens`, at any depth.
fn idents_of(tokens: TokenStream, out: &mut std::collections::HashSet<String>) {
    for t in tokens {
        match t {
            proc_macro2::TokenTree::Ident(i) => {
                out.insert(i.to_string());
            }
            proc_macro2::TokenTree::Group(g) => idents_of(g.stream(), out),
            _ => {}
        }
    }
}

/// A `use` of the library module that only the twins may use: rustc would call it unused
/// in the module (the twins have their own copy, see [`twin_imports`]). A glob may be.
fn used_by_twins_only(u: &syn::ItemUse, in_module: &std::collections::HashSet<String>, in_twins: &std::collections::HashSet<String>) -> bool {
    let (mut names, mut glob) = (Vec::new(), false);
    use_leaves(&u.tree, &mut names, &mut glob);
    glob || names.iter().any(|n| in_twins.contains(n) && !in_module.contains(n))
}

/// A `use` tree of the library module, as the `twin` module inside it must write it:
/// `self::` and the module's own items are reached through `super::`, `super::` through
/// `super::super::`.
fn twin_use_tree(tree: syn::UseTree, local: &std::collections::HashSet<String>) -> syn::UseTree {
    let first = match &tree {
        syn::UseTree::Path(p) => p.ident.to_string(),
        syn::UseTree::Name(n) => n.ident.to_string(),
        syn::UseTree::Rename(r) => r.ident.to_string(),
        _ => return tree,
    };
    let span = match &tree {
        syn::UseTree::Path(p) => p.ident.span(),
        syn::UseTree::Name(n) => n.ident.span(),
        syn::UseTree::Rename(r) => r.ident.span(),
        _ => Span::call_site(),
    };
    let wrap = |tree: syn::UseTree| syn::UseTree::Path(syn::UsePath { ident: syn::Ident::new("super", span), colon2_token: Default::default(), tree: Box::new(tree) });
    match first.as_str() {
        "super" => wrap(tree),
        "self" => match tree {
            syn::UseTree::Path(p) => wrap(*p.tree),
            other => other,
        },
        name if local.contains(name) => wrap(tree),
        _ => tree,
    }
}

fn collect_structs(t: &ir::Ty, out: &mut std::collections::BTreeSet<String>) {
    match t {
        ir::Ty::Struct(st) => {
            out.insert(st.name.clone());
            for (_, f) in &st.fields {
                collect_structs(f, out);
            }
        }
        ir::Ty::Enum(e) => {
            out.insert(e.name.clone());
        }
        ir::Ty::Option(i) | ir::Ty::Vec(i) | ir::Ty::Result(i) => collect_structs(i, out),
        ir::Ty::Tuple(ts) => ts.iter().for_each(|t| collect_structs(t, out)),
        _ => {}
    }
}

/// The function a `script!` closure stands for (`fn script_<line>(..) -> T { body }`), and
/// the options written before it; or the `compile_error!`s of a closure that is not one.
pub fn closure_function(input: TokenStream) -> Result<(TokenStream, syn::ItemFn), TokenStream> {
    let mut errors = Errors::new();
    let parsed = syn::parse::Parser::parse2(
        |stream: syn::parse::ParseStream<'_>| -> syn::Result<(TokenStream, syn::ExprClosure)> {
            let mut opts = TokenStream::new();
            let fork = stream.fork();
            if fork.parse::<syn::ExprClosure>().is_err() {
                // `read_only, nondeterministic; |..| ..`
                while !stream.peek(syn::Token![;]) {
                    let tt: proc_macro2::TokenTree = stream.parse()?;
                    opts.extend(std::iter::once(tt));
                }
                stream.parse::<syn::Token![;]>()?;
            }
            let c: syn::ExprClosure = stream.parse()?;
            Ok((opts, c))
        },
        input,
    );
    let (opts, closure) = match parsed {
        Ok(p) => p,
        Err(e) => {
            errors.push(diag::Rule::Attribute, e.span(), "script! takes a closure: `script!(|counter: Key, max: i64| -> i64 { .. })`", "options go first: `script!(read_only; |..| ..)`");
            return Err(diag::to_compile_errors(&errors.into_vec()));
        }
    };
    let syn::ReturnType::Type(_, ret) = &closure.output else {
        errors.push(diag::Rule::Attribute, closure.or1_token.span, "the closure of script! needs a return type", "write `|..| -> i64 { .. }` (or `-> ()`)");
        return Err(diag::to_compile_errors(&errors.into_vec()));
    };
    let mut inputs = Vec::new();
    for p in &closure.inputs {
        match p {
            syn::Pat::Type(pt) if matches!(&*pt.pat, syn::Pat::Ident(i) if i.ident != "self" && i.by_ref.is_none() && i.subpat.is_none()) => inputs.push(pt.clone()),
            syn::Pat::Type(pt) => {
                errors.push(diag::Rule::Type, syn::spanned::Spanned::span(&pt.pat), "a parameter of script! must be a plain name", "write `|counter: Key, max: i64|`; `self` and patterns are not parameters");
            }
            other => {
                errors.push(diag::Rule::Type, syn::spanned::Spanned::span(other), "the parameters of script! need types", "write `|counter: Key, max: i64|`");
            }
        }
    }
    if !errors.is_empty() {
        return Err(diag::to_compile_errors(&errors.into_vec()));
    }
    let line = crate::lower::line_of(closure.or1_token.span);
    let name = quote::format_ident!("script_{}", line, span = closure.or1_token.span);
    let body = &closure.body;
    let block: syn::Block = match &**body {
        syn::Expr::Block(b) => b.block.clone(),
        e => syn::parse_quote!({ #e }),
    };
    let item: syn::ItemFn = match syn::parse2(quote::quote! { fn #name(#(#inputs),*) -> #ret #block }) {
        Ok(item) => item,
        Err(e) => {
            errors.push(diag::Rule::Attribute, closure.or1_token.span, format!("script! could not read this closure as a function: {e}"), "write `script!(|counter: Key, max: i64| -> i64 { .. })`");
            return Err(diag::to_compile_errors(&errors.into_vec()));
        }
    };
    Ok((opts, item))
}

/// The expansion of `script!`, from the driver's run of the closure's function `item`.
pub fn script_closure(item: &syn::ItemFn, run: &driver::Run) -> TokenStream {
    let errs = diag::to_compile_errors(&run.all_diagnostics());
    let Some(f) = run.functions.first() else {
        return errs;
    };
    let (code, lines) = run.printed.as_ref().map_or((String::new(), Vec::new()), |p| (p.code.clone(), p.lines.clone()));
    let value = script_value(item, f, &run.helpers, &code, &lines, &run.file, run.printed.is_some());
    quote! {{
        #errs
        #value
    }}
}

/// The expansion of a free-standing `#[redis_function]`, from the driver's run of `item`.
pub fn script_item(item: &syn::ItemFn, run: &driver::Run) -> TokenStream {
    let errs = diag::to_compile_errors(&run.all_diagnostics());
    let Some(f) = run.functions.first() else {
        return errs;
    };
    let (code, lines) = run.printed.as_ref().map_or((String::new(), Vec::new()), |p| (p.code.clone(), p.lines.clone()));
    let body = script(item, f, &run.helpers, &code, &lines, &run.file, run.printed.is_some());
    quote! {
        #errs
        #body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn twin_uses(module: &str) -> String {
        let m: syn::ItemMod = syn::parse_str(module).unwrap();
        let items = m.content.map(|(_, i)| i).unwrap_or_default();
        twin_imports(&items).to_string().replace(' ', "")
    }

    #[test]
    fn the_twin_writes_the_modules_imports_again_and_names_its_items() {
        let out = twin_uses("mod m { use redlua::prelude::*; pub use std::collections::{HashMap, HashSet as Set}; use super::Outer; use self::util::f; mod util { pub fn f() {} } struct S; fn h() {} }");
        assert!(out.contains("useredlua::prelude::*;"), "{out}");
        assert!(out.contains("usestd::collections::{HashMap,HashSetasSet};") && !out.contains("pubuse"), "{out}");
        assert!(out.contains("usesuper::super::Outer;") && out.contains("usesuper::util::f;"), "{out}");
        assert!(out.contains("usesuper::{util,S,h};") && !out.contains("super::*"), "{out}");
        // Items a macro makes: only a glob reaches them.
        assert_eq!(twin_uses("mod m { some_items!(); fn h() {} }"), "usesuper::*;");
    }
}
