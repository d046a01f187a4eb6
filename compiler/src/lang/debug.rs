//! `{:?}` and `{:#?}` (Debug) in `format!` and `reject!`, with Rust's exact text.
//!
//! Integers and bools are their `{}` text; a unit enum is its variant's name (its Lua
//! value); a string goes through `redlua_debug_str` (quotes and Rust's escapes, from
//! Rust's own tables: `compiler/lualib/debug_escapes.lua`), a float through
//! `redlua_debug_float`. `Option`, `Vec`, tuples, structs and enums with data (and the
//! pretty `{:#?}` of anything) go through `redlua_debug` with a descriptor of the type,
//! a table literal such as `{ 'Vec', { 'Option', redlua_debug_str } }` (see the helper's
//! comment). A struct or an enum must derive `Debug`, as rustc requires; a `HashMap`
//! (whose order Rust does not fix), a `Value` and a `Key` are refused.

use crate::codegen::*;
use crate::diag::Rule;
use crate::ir::*;
use crate::ir::{ExprKind, RecordOp, Ty};
use crate::lower::{poison, Lowerer};
use crate::lua::Expr as L;
use crate::lualib::Helper;
use proc_macro2::Span;

impl Lowerer<'_> {
    /// The text of `{:?}` (`{:#?}` when `pretty`) of `value`, or a poisoned value after
    /// reporting why it cannot be written, at `at` (the format string).
    pub(crate) fn debug_text(&mut self, value: Expr, pretty: bool, at: Span) -> Expr {
        let ty = value.ty.clone();
        if let Some((problem, hint)) = self.debug_problem(&ty) {
            self.err(Rule::Unsupported, at, format!("`{{:?}}` of `{ty}`: {problem}"), hint);
            return poison(value.span);
        }
        let sp = value.span;
        self.mk(ExprKind::Record(RecordOp::Debug(ty, pretty), vec![value]), Ty::Str, sp)
    }

    /// Why `{:?}` of a `t` is not translated (the problem, and the hint), or `None`.
    fn debug_problem(&self, t: &Ty) -> Option<(String, String)> {
        match t {
            Ty::Int | Ty::IntN(_) | Ty::Float | Ty::Bool | Ty::Str | Ty::Never => None,
            Ty::Option(i) | Ty::Vec(i) => self.debug_problem(i),
            Ty::Tuple(ts) => ts.iter().find_map(|t| self.debug_problem(t)),
            Ty::Struct(st) => {
                let derives = self.ctx.struct_items.get(&st.name).is_some_and(|it| crate::record_derive::derives(&it.attrs, "Debug"));
                if !derives {
                    return Some((format!("`{}` does not implement `Debug`", st.name), format!("add `#[derive(Debug)]` to `struct {}`", st.name)));
                }
                st.fields.iter().find_map(|(_, t)| self.debug_problem(t))
            }
            Ty::Enum(en) => {
                let derives = self.ctx.enum_items.get(&en.name).is_some_and(|it| crate::record_derive::derives(&it.attrs, "Debug"));
                if !derives {
                    return Some((format!("`{}` does not implement `Debug`", en.name), format!("add `#[derive(Debug)]` to `enum {}`", en.name)));
                }
                en.variants.iter().flat_map(|v| &v.fields).find_map(|(_, t)| self.debug_problem(t))
            }
            Ty::Map(_) => Some((
                "a `HashMap`'s Debug lists its entries in an order Rust does not fix".to_string(),
                "format the entries in an order of your own: collect `map.keys()` into a Vec, sort it, and format each `k` and `map[k]`".to_string(),
            )),
            other => Some((format!("`{other}` has no Debug text redlua translates"), "`{:?}` is translated for integers, floats, bools, strings, `Option`, `Vec`, tuples, and structs and enums that derive `Debug`".to_string())),
        }
    }
}

impl Gen<'_> {
    /// The Lua of `{:?}` (`{:#?}` when `pretty`) of the value `v` of type `t`.
    pub(crate) fn debug_expr(&mut self, t: &Ty, pretty: bool, v: L) -> L {
        match t {
            Ty::Int | Ty::IntN(_) => L::call("string.format", vec![L::str("%d"), v]),
            Ty::Bool => L::call("tostring", vec![v]),
            Ty::Str => self.helper(Helper::DebugStr, vec![v]),
            Ty::Float => self.helper(Helper::DebugFloat, vec![v]),
            Ty::Enum(e) if e.unit_only() => v,
            _ => {
                let mut args = vec![v, debug_desc(t)];
                if pretty {
                    args.push(L::str(""));
                }
                self.helper(Helper::Debug, args)
            }
        }
    }
}

/// The descriptor `redlua_debug` reads for a `t` (see its comment).
fn debug_desc(t: &Ty) -> L {
    let list = |items: Vec<L>| L::Table(items, vec![]);
    match t {
        Ty::Int | Ty::IntN(_) => L::str("int"),
        Ty::Bool => L::str("bool"),
        Ty::Str => L::name(Helper::DebugStr.name()),
        Ty::Float => L::name(Helper::DebugFloat.name()),
        Ty::Enum(e) if e.unit_only() => L::str("name"),
        Ty::Option(i) => list(vec![L::str("Option"), debug_desc(i)]),
        Ty::Vec(i) => list(vec![L::str("Vec"), debug_desc(i)]),
        Ty::Tuple(ts) => list(std::iter::once(L::str("tuple")).chain(ts.iter().map(debug_desc)).collect()),
        Ty::Struct(st) => {
            let mut items = vec![L::str("struct"), L::str(&st.name)];
            for (name, ft) in &st.fields {
                items.push(L::str(name));
                items.push(debug_desc(ft));
            }
            list(items)
        }
        Ty::Enum(e) => {
            let variants = e
                .variants
                .iter()
                .map(|v| {
                    let mut items = vec![L::Bool(v.braces)];
                    for (name, ft) in &v.fields {
                        if let Some(n) = name {
                            items.push(L::str(n));
                        }
                        items.push(debug_desc(ft));
                    }
                    (v.name.clone(), list(items))
                })
                .collect();
            L::Table(vec![L::str("enum")], variants)
        }
        // Lowering admits only the types above (`debug_problem`).
        _ => L::Nil,
    }
}
