//! The language, one construct family per module. Each module holds both halves of its
//! constructs: the lowering (`impl Lowerer`: syn → typed IR, with the type rules) and the
//! code generation (`impl Gen`: IR → Lua) of the IR nodes it introduces.
//!
//! The cores stay in `lower.rs` (scopes, variables, `let`, assignment, blocks and the
//! dispatch of expressions, calls, methods and macros) and `codegen.rs` (temporaries,
//! spills, statements, `block_into` / `expr_into` and the dispatch of expression kinds).
//! A family module may use the cores and the shared modules (`ir`, `lua`, `diag`,
//! `builtins`, `commands`, ...); the cores never `use` a family module: they reach it
//! only by calling the inherent methods it adds to `Lowerer` and `Gen`.

pub(crate) mod closures;
pub(crate) mod collections;
pub(crate) mod commands;
pub(crate) mod debug;
pub(crate) mod enums;
pub(crate) mod formatting;
pub(crate) mod functions;
pub(crate) mod impls;
pub(crate) mod iterators;
pub(crate) mod json;
pub(crate) mod loops;
pub(crate) mod luanumbers;
pub(crate) mod matching;
pub(crate) mod mutrefs;
pub(crate) mod numbers;
pub(crate) mod options;
pub(crate) mod places;
pub(crate) mod records;
pub(crate) mod rejections;
pub(crate) mod structs;
pub(crate) mod values;
