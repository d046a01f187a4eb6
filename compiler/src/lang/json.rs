//! JSON: structs of the library that `#[derive(Json)]`, read from and written to JSON text.
//! `json_decode::<Job>(&text)?` (a `Job`, or a rejection) and `json_encode(&value)` (a
//! `String`).
//!
//! Each use passes the type's descriptor, a table literal (`'String'`, `'bool'`, `'f64'`,
//! `{ 'int', 'u8', 0, 255 }`, `{ 'Option', d }`, `{ 'Vec', d, 'Vec<i64>' }`,
//! `{ 'HashMap', d, 'HashMap<String, i64>' }`, `{ 'struct', 'Job', { 'id', d }, .. }`), to
//! the helpers `redlua_json_decode` and `redlua_json_encode`. Decoding does not use
//! Redis's `cjson`, which reads more than JSON and loses what the Rust type needs (the
//! text of a number, duplicate keys, `null` in a table); encoding does not either: it
//! writes numbers with `%.14g`, `/` as `\/` and an empty array as `{}`. The twin's side
//! is `runtime/src/json.rs`.

use crate::codegen::*;
use crate::diag::Rule;
use crate::ir::*;
use crate::ir::{ExprKind, RecordOp, Ty};
use crate::lower::{poison, Lowerer};
use crate::lua::{Expr as L, Stmt as LS};
use crate::lualib::Helper;
use proc_macro2::Span;
use syn::spanned::Spanned;

/// The largest integer a Lua number holds exactly.
const MAX_SAFE: i64 = (1 << 53) - 1;

/// What the types JSON may hold are, for hints.
const JSON_TYPES: &str = "give JSON structs fields of integer types, `f64`, `bool`, `String`, `Vec<T>`, `HashMap<String, T>`, another struct that derives `Json`, or an `Option` of one of those";

impl Lowerer<'_> {
    /// `json_decode::<T>(&text)?`: the text read as a `T`; invalid JSON or a field of the
    /// wrong type rejects the call.
    pub(crate) fn json_decode_try(&mut self, t: &syn::ExprTry, c: &syn::ExprCall, p: &syn::ExprPath) -> Expr {
        let span = t.span();
        let Some(seg) = p.path.segments.last() else { return poison(span) };
        let syn::PathArguments::AngleBracketed(a) = &seg.arguments else {
            self.err(Rule::Record, p.span(), "`json_decode` needs the type it reads", "write `json_decode::<Job>(&text)?`, where `Job` derives `Json`");
            return poison(span);
        };
        let Some(syn::GenericArgument::Type(ty)) = a.args.first().filter(|_| a.args.len() == 1) else {
            self.err(Rule::Record, a.span(), "`json_decode` takes one type argument", "write `json_decode::<Job>(&text)?`");
            return poison(span);
        };
        let Some(want) = self.local_type(ty) else { return poison(span) };
        match &want {
            Ty::Struct(_) => {
                if !self.json_fits(&want, ty.span()) {
                    return poison(span);
                }
            }
            other => {
                let other = other.clone();
                self.err(Rule::Record, ty.span(), format!("`json_decode` reads a struct that derives `Json`, not a `{other}`"), "wrap the value in a struct: `#[derive(Json)] pub struct Ids { pub ids: Vec<i64> }`");
                return poison(span);
            }
        }
        if !matches!(self.ret, Ty::Result(_)) {
            let r = self.ret.clone();
            self.err(Rule::Record, t.question_token.span, format!("`json_decode(..)?` in a function returning `{r}`"), "invalid JSON or a field of the wrong type rejects the call: declare the function `-> Result<T, Reject>`");
        }
        if c.args.len() != 1 {
            return self.arity(c.span(), "json_decode", 1);
        }
        let text = self.expr(&c.args[0], Some(&Ty::Str));
        if !matches!(text.ty, Ty::Str | Ty::Never) {
            let found = text.ty.clone();
            self.err(Rule::Record, text.span, format!("`json_decode` reads a `String` or `&str`, found `{found}`"), "pass the JSON text: `json_decode::<Job>(&text)?`");
            return poison(span);
        }
        self.mk(ExprKind::Record(RecordOp::JsonDecode(want.clone()), vec![text]), want, span)
    }

    /// `json_decode` without `?` (refused) or `json_encode(&value)`.
    pub(crate) fn json_call(&mut self, name: &str, p: &syn::ExprPath, args: &[&syn::Expr], span: Span) -> Expr {
        if name == "json_decode" {
            self.err(Rule::Record, span, "`json_decode::<T>(..)` must be followed by `?`", "write `let job: Job = json_decode::<Job>(&text)?;` in a function returning `Result<_, Reject>`: invalid JSON rejects the call");
            return poison(span);
        }
        if p.path.segments.last().is_some_and(|s| !s.arguments.is_none()) {
            self.err(Rule::Record, p.span(), "`json_encode` takes no type argument", "write `json_encode(&value)`");
        }
        if args.len() != 1 {
            return self.arity(span, "json_encode", 1);
        }
        let v = self.expr(args[0], None);
        if matches!(v.ty, Ty::Never) {
            return v;
        }
        let ty = v.ty.clone();
        if !self.json_fits(&ty, v.span) {
            return poison(span);
        }
        self.mk(ExprKind::Record(RecordOp::JsonEncode(ty), vec![v]), Ty::Str, span)
    }

    /// True when JSON can hold `t` as Rust reads and writes it; else reports why, at `span`.
    fn json_fits(&mut self, t: &Ty, span: Span) -> bool {
        let Some(problem) = json_problem(t, true) else { return true };
        let t = t.clone();
        let hint = if problem.contains("does not derive") { "add `#[derive(Json)]` to the struct (every struct inside JSON derives it)" } else { JSON_TYPES };
        self.err(Rule::Record, span, format!("`{t}` cannot be JSON: {problem}"), hint);
        false
    }
}

/// Why JSON cannot hold `t`, or `None` when it can. `field`: `t` is a struct's field (or
/// the whole value), where an `Option` may stand.
fn json_problem(t: &Ty, field: bool) -> Option<String> {
    match t {
        Ty::Int | Ty::IntN(_) | Ty::Float | Ty::Bool | Ty::Str => None,
        Ty::Option(i) if field && !matches!(**i, Ty::Option(_)) => json_problem(i, false),
        Ty::Option(_) => Some(format!("`{t}` inside a `Vec`, a `HashMap` or an `Option` (a Lua table cannot hold `None`)")),
        Ty::Vec(i) | Ty::Map(i) => json_problem(i, false),
        Ty::Struct(st) if !st.json => Some(format!("`{}` does not derive `Json`", st.name)),
        Ty::Struct(st) => st.fields.iter().find_map(|(name, ft)| json_problem(ft, true).map(|p| format!("field `{name}` of `{}`: {p}", st.name))),
        other => Some(format!("JSON does not hold a `{other}`")),
    }
}

impl Gen<'_> {
    /// The Lua of `json_decode` and `json_encode`, given their operand.
    pub(crate) fn json_expr(&mut self, op: &RecordOp, v: L, out: &mut Vec<LS>) -> L {
        match op {
            RecordOp::JsonDecode(t) => {
                let call = self.helper(Helper::JsonDecode, vec![v, json_desc(t)]);
                self.rejecting(call, out)
            }
            RecordOp::JsonEncode(t) => self.helper(Helper::JsonEncode, vec![v, json_desc(t)]),
            // Lowering builds the JSON operations only.
            _ => L::Nil,
        }
    }
}

/// The descriptor of a type JSON holds (see the module's comment).
fn json_desc(t: &Ty) -> L {
    let int = |name: &str, (lo, hi): (i64, i64)| L::Table(vec![L::str("int"), L::str(name), L::int(lo), L::int(hi)], vec![]);
    match t {
        Ty::Int => int("i64", (-MAX_SAFE, MAX_SAFE)),
        Ty::IntN(k) => int(k.name(), k.lua_bounds()),
        Ty::Float => L::str("f64"),
        Ty::Bool => L::str("bool"),
        Ty::Str => L::str("String"),
        Ty::Option(i) => L::Table(vec![L::str("Option"), json_desc(i)], vec![]),
        Ty::Vec(i) => L::Table(vec![L::str("Vec"), json_desc(i), L::str(t.to_string())], vec![]),
        Ty::Map(i) => L::Table(vec![L::str("HashMap"), json_desc(i), L::str(t.to_string())], vec![]),
        Ty::Struct(st) => {
            let mut items = vec![L::str("struct"), L::str(&st.name)];
            items.extend(st.fields.iter().map(|(name, ft)| L::Table(vec![L::str(name), json_desc(ft)], vec![])));
            L::Table(items, vec![])
        }
        // Lowering admits only the types above (`json_problem`).
        _ => L::Nil,
    }
}
