//! Procedural macros of redlua. Thin entry points: all the work is in
//! `redlua-compiler`. Use them through the `redlua` crate.
#![warn(missing_docs)]

use proc_macro::TokenStream;

/// Turns a module of `#[redis_function]`s into one Redis Functions library.
///
/// See the `redlua` crate documentation.
#[proc_macro_attribute]
pub fn library(attr: TokenStream, item: TokenStream) -> TokenStream {
    redlua_compiler::expand_library(attr.into(), item.into()).into()
}

/// Marks a function to translate to Lua. Inside a `#[redlua::library]` module it
/// becomes a library function; on its own it becomes an EVAL script.
///
/// See the `redlua` crate documentation.
#[proc_macro_attribute]
pub fn redis_function(attr: TokenStream, item: TokenStream) -> TokenStream {
    redlua_compiler::expand_script(attr.into(), item.into()).into()
}

/// An EVAL script written inline as a closure:
/// `let capped = redlua::script!(|counter: Key, max: i64| -> i64 { .. });`, then
/// `capped.prepare("hits", 10).call(&mut con)`. Options go first:
/// `script!(read_only; |..| -> T { .. })`.
///
/// See the `redlua` crate documentation.
#[proc_macro]
pub fn script(input: TokenStream) -> TokenStream {
    redlua_compiler::expand_script_closure(input.into()).into()
}
