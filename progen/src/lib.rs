//! Random whole-program differential testing of redlua (in the spirit of Csmith and YARPGen).
//!
//! - [`gen`]: a seeded generator of well-typed redlua libraries over the language reference;
//! - [`ast`]: its program representation and the printer to Rust;
//! - [`harness`]: writes batches of programs into a scratch crate, builds it and runs it;
//! - [`check`]: the comparison each program × input goes through (a real server for the
//!   Lua, another for the native twin: reply, keyspace and the commands each side sent);
//! - [`shrink`]: reduces a failing program to a minimal one.

pub mod ast;
pub mod check;
pub mod inputs;
pub mod gen;
pub mod harness;
pub mod runner;
pub mod shrink;
pub mod rng;

/// Compiles a library module's source with redlua's compiler: `Err` with the messages when
/// the compiler refuses it.
pub fn compile(name: &str, module_source: &str) -> Result<String, Vec<String>> {
    let attr: proc_macro2::TokenStream = format!("name = \"{name}\"").parse().map_err(|e| vec![format!("attr: {e}")])?;
    // The source printed by `Program::to_rust` starts with the attribute: the compiler takes
    // the module item only.
    let item_src = match module_source.find("pub mod ") {
        Some(i) => &module_source[i..],
        None => module_source,
    };
    let item: proc_macro2::TokenStream = item_src.parse().map_err(|e| vec![format!("tokens: {e}")])?;
    match redlua_compiler::compile_library(attr, item) {
        Ok(lib) => Ok(lib.lua),
        Err(diags) => Err(diags
            .iter()
            .map(|d| {
                // Lines are counted in the module source (from `pub mod`).
                let at = d.span.start();
                let skipped = module_source[..module_source.len() - item_src.len()].lines().count();
                format!("line {}:{}: {d}", at.line + skipped, at.column + 1)
            })
            .collect()),
    }
}
