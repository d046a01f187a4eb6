//! Structs and tuples: `struct` declarations of the module, struct literals (with
//! `..base`), field reads and writes, tuples, `.0` fields, and `let (a, b) = ..`.
//!
//! A struct is a Lua table with one field per Rust field; a tuple a table with fields
//! `[1]`, `[2]`, ...; destructuring assigns one local per part.

use crate::diag::Rule;
use crate::ir::*;
use crate::ir::{ExprKind, Ty};
use crate::lower::{poison, Lowerer};
use proc_macro2::Span;
use syn::spanned::Spanned;

impl Lowerer<'_> {
    /// The type of a plain struct of the library, lowering its fields on first use.
    pub(crate) fn struct_type(&mut self, name: &str, span: Span) -> Option<Ty> {
        if let Some(st) = self.ctx.structs.get(name) {
            return Some(Ty::Struct(Box::new(st.clone())));
        }
        let item = self.ctx.struct_items.get(name)?.clone();
        if !item.generics.params.is_empty() {
            self.err(Rule::Unsupported, item.generics.span(), format!("the generic struct `{name}`"), "give its fields concrete types (`pub a: i64`)");
            return None;
        }
        let syn::Fields::Named(named) = &item.fields else {
            self.err(Rule::Unsupported, item.ident.span(), format!("the tuple or unit struct `{name}`"), format!("name its fields (`pub struct {name} {{ pub value: i64 }}`), or use a tuple"));
            return None;
        };
        // Guard against a struct that contains itself.
        self.ctx.structs.insert(name.to_string(), StructTy { name: name.to_string(), fields: Vec::new(), record: false, json: false });
        let mut fields = Vec::new();
        for f in &named.named {
            let fname = f.ident.as_ref().map(|i| i.to_string()).unwrap_or_default();
            let t = self.local_type(&f.ty);
            let Some(t) = t else {
                self.ctx.structs.remove(name);
                return None;
            };
            if matches!(t, Ty::Result(_) | Ty::Unit | Ty::Fn(..) | Ty::CallResult) {
                self.err(
                    Rule::UnsupportedType,
                    f.ty.span(),
                    format!("a `{t}` field is not supported"),
                    "give the field a value type: i64, f64, bool, String, Option, Vec, a tuple, a `HashMap<String, T>` or a struct",
                );
                self.ctx.structs.remove(name);
                return None;
            }
            fields.push((fname, t));
        }
        let _ = span;
        let st = StructTy { name: name.to_string(), fields, record: crate::record_derive::is_record(&item.attrs), json: crate::record_derive::is_json(&item.attrs) };
        self.ctx.structs.insert(name.to_string(), st.clone());
        Some(Ty::Struct(Box::new(st)))
    }

    /// `S { a: x, b }`.
    pub(crate) fn struct_literal(&mut self, e: &syn::ExprStruct) -> Expr {
        let span = e.span();
        if let Some(v) = self.variant_literal(e) {
            return v;
        }
        if let Some(r) = &e.rest {
            return self.unsupported(r.span(), "struct update syntax (`..base`)", "write every field");
        }
        let name = e.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        let Some(Ty::Struct(st)) = self.struct_type(&name, e.path.span()) else {
            if self.ctx.struct_items.contains_key(&name) {
                // A struct of the library whose declaration was refused (already reported).
                return poison(span);
            }
            return self.unsupported(e.path.span(), &format!("the struct `{name}`"), "define plain structs in the library module");
        };
        let mut values: Vec<Option<Expr>> = vec![None; st.fields.len()];
        // A field refused: the fields left without a value report nothing more.
        let mut refused = false;
        for fv in &e.fields {
            let syn::Member::Named(fname) = &fv.member else {
                let first = st.fields.first().map(|f| f.0.as_str()).unwrap_or("field");
                self.err(Rule::Unsupported, fv.member.span(), format!("`{name}` has no numbered fields"), format!("name the fields: `{name} {{ {first}: .. }}`"));
                refused = true;
                continue;
            };
            let Some(i) = st.fields.iter().position(|(n, _)| fname == n) else {
                self.err(Rule::Type, fname.span(), format!("`{name}` has no field `{fname}`"), fields_hint(&st));
                refused = true;
                continue;
            };
            let want = st.fields[i].1.clone();
            let v = self.expr(&fv.expr, Some(&want));
            if !v.ty.fits(&want) {
                self.err(Rule::Type, v.span, format!("expected `{want}`, found `{}`", v.ty), "");
            }
            values[i] = Some(v);
        }
        let mut out = Vec::new();
        for (i, v) in values.into_iter().enumerate() {
            match v {
                Some(v) => out.push(v),
                None => {
                    if !refused {
                        self.err(Rule::Type, span, format!("missing field `{}` in `{name}`", st.fields[i].0), "give every field a value");
                    }
                    out.push(poison(span));
                }
            }
        }
        // Rust evaluates the fields in the order written; the Lua table lists them in
        // declaration order. When the two orders could differ in effect, the values are
        // computed first, in the order written, into hidden locals.
        let written: Vec<usize> = e.fields.iter().filter_map(|fv| if let syn::Member::Named(n) = &fv.member { st.fields.iter().position(|(f, _)| n == f) } else { None }).collect();
        let inverted = |a: usize, b: usize| written[a] > written[b] && crate::ir::order_matters(&out[written[a]], &out[written[b]]);
        let ty = Ty::Struct(st);
        if !(0..written.len()).any(|a| (a + 1..written.len()).any(|b| inverted(a, b))) {
            return self.mk(ExprKind::StructLit(out), ty, span);
        }
        let mut stmts = Vec::new();
        for &d in &written {
            let v = std::mem::replace(&mut out[d], poison(span));
            out[d] = if matches!(v.kind, ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) | ExprKind::Str(_)) {
                v
            } else {
                let (s, x) = self.hidden_let("field", v);
                stmts.push(s);
                x
            };
        }
        let lit = self.mk(ExprKind::StructLit(out), ty.clone(), span);
        self.mk(ExprKind::Block(Block { stmts, tail: Some(Box::new(lit)), ty: ty.clone() }), ty, span)
    }

    /// `s.f = e;` / `s.f += e;`
    pub(crate) fn assign_field(&mut self, fe: &syn::ExprField, rhs: &syn::Expr, op: Option<BinOp>, span: Span, line: u32) -> Option<Stmt> {
        let syn::Expr::Path(p) = &*fe.base else {
            self.unsupported(fe.span(), "assigning into this place", "assign a field of a `let mut` variable");
            return None;
        };
        let name = p.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
        let Some(var) = self.lookup(&name) else {
            self.err(Rule::UnknownName, p.span(), format!("cannot find variable `{name}`"), format!("declare it first: `let mut {name} = ..;`"));
            self.expr(rhs, None);
            return None;
        };
        let v = self.vars[var.0].clone();
        let Ty::Struct(st) = &v.ty else {
            // A variable whose type was refused (and reported) reports nothing more.
            if v.ty != Ty::Never {
                self.unsupported(fe.span(), &format!("assigning a field of `{}`", v.ty), "only a struct has named fields: assign a field of a `let mut` struct variable");
            }
            return None;
        };
        let syn::Member::Named(fname) = &fe.member else {
            self.unsupported(fe.member.span(), "a numbered field", "");
            return None;
        };
        let Some(i) = st.fields.iter().position(|(n, _)| fname == n) else {
            self.err(Rule::Type, fname.span(), format!("no field `{fname}` on `{}`", st.name), fields_hint(st));
            return None;
        };
        if !v.mutable {
            self.err(Rule::Type, p.span(), format!("cannot assign to a field of immutable `{name}`"), format!("declare it with `let mut {name}`"));
        }
        let want = st.fields[i].1.clone();
        let r = self.expr(rhs, Some(&want));
        // `s.f op= e`: Rust computes `e` before it reads `s.f`.
        let (first, r) = self.value_first(op, r, var);
        let value = match op {
            None => r,
            Some(op) => {
                let cur = self.mk(ExprKind::TupleField(Box::new(self.mk(ExprKind::Var(var), v.ty.clone(), p.span())), i), want.clone(), fe.span());
                if want == Ty::Float {
                    self.mk(ExprKind::Binary(op, Box::new(cur), Box::new(r)), Ty::Float, span)
                } else {
                    self.arith(op, cur, r, span)
                }
            }
        };
        if !value.ty.fits(&want) {
            self.err(Rule::Type, value.span, format!("expected `{want}`, found `{}`", value.ty), "");
        }
        Some(self.after(first, Stmt { kind: StmtKind::AssignField(var, i, value), line }, span))
    }

    pub(crate) fn tuple(&mut self, t: &syn::ExprTuple, expect: Option<&Ty>) -> Expr {
        let span = t.span();
        let wants: Vec<Option<Ty>> = match expect {
            Some(Ty::Tuple(ts)) if ts.len() == t.elems.len() => ts.iter().cloned().map(Some).collect(),
            _ => vec![None; t.elems.len()],
        };
        let es: Vec<Expr> = t.elems.iter().zip(wants).map(|(e, w)| self.expr(e, w.as_ref())).collect();
        for e in &es {
            if matches!(e.ty, Ty::Result(_) | Ty::Reject | Ty::Unit) {
                let t = e.ty.clone();
                let hint = if t == Ty::Unit { "a tuple holds values: leave the `()` out" } else { "take the value out first, with `?`" };
                self.err(Rule::UnsupportedType, e.span, format!("`{t}` inside a tuple is not supported"), hint);
            }
        }
        let ty = Ty::Tuple(es.iter().map(|e| e.ty.clone()).collect());
        self.mk(ExprKind::Tuple(es), ty, span)
    }

    pub(crate) fn tuple_field(&mut self, f: &syn::ExprField) -> Expr {
        let span = f.span();
        let base = self.expr(&f.base, None);
        // `n.0` of a `LuaNumber` parameter (held as its `f64`; rustc refuses `.0` of an `f64`).
        if let (syn::Member::Unnamed(i), Ty::Float) = (&f.member, &base.ty) {
            if i.index == 0 {
                return Expr { span, ..base };
            }
        }
        let idx = match &f.member {
            syn::Member::Unnamed(idx) => idx,
            syn::Member::Named(name) => {
                return match &base.ty {
                    Ty::Struct(st) => match st.fields.iter().position(|(n, _)| name == n) {
                        Some(i) => {
                            let t = st.fields[i].1.clone();
                            self.mk(ExprKind::TupleField(Box::new(base), i), t, span)
                        }
                        None => {
                            self.err(Rule::Type, name.span(), format!("no field `{name}` on `{}`", st.name), fields_hint(st));
                            poison(span)
                        }
                    },
                    Ty::Never => base,
                    other => {
                        let t = other.clone();
                        self.err(Rule::Type, span, format!("no field `{name}` on `{t}`"), format!("`.{name}` reads a field of a struct; a `{t}` has none"));
                        poison(span)
                    }
                };
            }
        };
        let i = idx.index as usize;
        match &base.ty {
            Ty::Tuple(ts) if i < ts.len() => {
                let t = ts[i].clone();
                self.mk(ExprKind::TupleField(Box::new(base), i), t, span)
            }
            Ty::Never => base,
            other => {
                let t = other.clone();
                let hint = match &t {
                    Ty::Tuple(ts) => format!("the tuple has {} elements: `.0` to `.{}`", ts.len(), ts.len().saturating_sub(1)),
                    _ => format!("`.0`, `.1`, .. read the elements of a tuple; a `{t}` has none"),
                };
                self.err(Rule::Type, span, format!("no field `{i}` on `{t}`"), hint);
                poison(span)
            }
        }
    }

    /// `let (a, b) = e;` and `let S { f, g: x, .. } = e;`: one local per part bound, in
    /// the order of the tuple's elements or the struct's fields.
    pub(crate) fn let_parts(&mut self, l: &syn::Local, pat: &syn::Pat, annot: Option<&syn::Type>, line: u32) -> Option<Stmt> {
        let want = match annot {
            Some(t) => Some(self.local_type(t)?),
            None => None,
        };
        let Some(init) = &l.init else {
            self.err(Rule::Unsupported, l.span(), "`let` without a value is not supported", "");
            self.declare_poisoned(pat);
            return None;
        };
        let e = self.expr(&init.expr, want.as_ref());
        // Each part's pattern (`None`: not named) and type.
        let parts: Vec<(Option<&syn::Pat>, Ty)> = match (pat, &e.ty) {
            (syn::Pat::Tuple(pt), Ty::Tuple(ts)) if ts.len() == pt.elems.len() => pt.elems.iter().map(Some).zip(ts.iter().cloned()).collect(),
            (syn::Pat::Tuple(pt), other) => {
                let t = other.clone();
                let hint = match &t {
                    Ty::Tuple(_) => format!("write one name (or `_`) per element of the `{t}`"),
                    _ => format!("`let (a, b) = ..` takes a tuple apart; this is a `{t}`"),
                };
                self.err(Rule::Type, e.span, format!("expected a tuple of {} elements, found `{t}`", pt.elems.len()), hint);
                self.declare_poisoned(pat);
                return None;
            }
            (syn::Pat::Struct(ps), Ty::Struct(st)) => {
                let st = (**st).clone();
                let named = self.struct_pattern_fields(ps, &st)?;
                named.into_iter().zip(st.fields.iter().map(|f| f.1.clone())).collect()
            }
            (_, other) => {
                let t = other.clone();
                self.err(Rule::Type, pat.span(), format!("this pattern does not match a `{t}`"), "");
                self.declare_poisoned(pat);
                return None;
            }
        };
        let mut vars = Vec::new();
        for (p, t) in parts {
            match p {
                Some(syn::Pat::Ident(pi)) if pi.by_ref.is_none() && pi.subpat.is_none() => vars.push(Some(self.declare(&pi.ident.to_string(), t, pi.mutability.is_some()))),
                Some(syn::Pat::Wild(_)) | None => vars.push(None),
                Some(other) => {
                    self.err(
                        Rule::Unsupported,
                        other.span(),
                        "a nested pattern in `let` is not supported inside a redis function",
                        "bind plain names, then take them apart with another `let`: `let (a, bc) = ..; let (b, c) = bc;`",
                    );
                    self.declare_poisoned(pat);
                    return None;
                }
            }
        }
        Some(Stmt { kind: StmtKind::LetTuple(vars, e), line })
    }

    /// `S { f: p, g, .. }` in a `match`, `if let` or `matches!` on a struct: the fields'
    /// patterns in the order of the struct's fields (a struct is a table of its fields in
    /// that order, as a tuple), `_` for the fields left to `..`.
    pub(crate) fn struct_pattern(&mut self, ps: &syn::PatStruct, ty: &Ty) -> Pat {
        let Ty::Struct(st) = ty else { return Pat::Wild };
        let st = (**st).clone();
        let Some(named) = self.struct_pattern_fields(ps, &st) else { return Pat::Wild };
        Pat::Tuple(named.into_iter().zip(&st.fields).map(|(p, (_, t))| p.map_or(Pat::Wild, |p| self.pattern(p, t))).collect())
    }

    /// The sub-pattern of each field of `st` named by the struct pattern `ps`, in field
    /// order; `None` (after an error, with the pattern's names declared) when `ps` names
    /// another type, a field `st` lacks or a field twice, or leaves a field out without `..`.
    pub(crate) fn struct_pattern_fields<'p>(&mut self, ps: &'p syn::PatStruct, st: &StructTy) -> Option<Vec<Option<&'p syn::Pat>>> {
        let last = ps.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        let fail = |lw: &mut Self| {
            ps.fields.iter().for_each(|f| lw.declare_poisoned(&f.pat));
            None
        };
        if ps.qself.is_some() || ps.path.segments.len() != 1 || last != st.name && last != "Self" {
            self.err(Rule::Type, ps.path.span(), format!("this pattern does not match a `{}`", st.name), format!("name the struct: `{} {{ .. }}`", st.name));
            return fail(self);
        }
        let mut named: Vec<Option<&syn::Pat>> = vec![None; st.fields.len()];
        for f in &ps.fields {
            let syn::Member::Named(fname) = &f.member else {
                let first = st.fields.first().map(|f| f.0.as_str()).unwrap_or("field");
                self.err(Rule::Type, f.member.span(), format!("`{}` has no numbered fields", st.name), format!("name the fields: `{} {{ {first}: x, .. }}`", st.name));
                return fail(self);
            };
            let Some(k) = st.fields.iter().position(|(n, _)| fname == n) else {
                self.err(Rule::Type, fname.span(), format!("no field `{fname}` on `{}`", st.name), fields_hint(st));
                return fail(self);
            };
            if named[k].replace(&f.pat).is_some() {
                self.err(Rule::Type, fname.span(), format!("the field `{fname}` is named twice in this pattern"), format!("name each field once; `{fname}: x` binds it to another name"));
                return fail(self);
            }
        }
        if ps.rest.is_none() {
            if let Some(k) = named.iter().position(Option::is_none) {
                self.err(Rule::Type, ps.span(), format!("this pattern does not name the field `{}` of `{}`", st.fields[k].0, st.name), "name every field, or end the pattern with `..`");
                return fail(self);
            }
        }
        Some(named)
    }
}

/// The hint for a field `st` lacks: the fields it has.
fn fields_hint(st: &StructTy) -> String {
    let names: Vec<String> = st.fields.iter().map(|(n, _)| format!("`{n}`")).collect();
    if names.is_empty() {
        format!("`{}` has no fields", st.name)
    } else {
        format!("the fields of `{}` are {}", st.name, names.join(", "))
    }
}

#[cfg(test)]
mod tests {
    /// The messages of the errors compiling `body` in a function with a `Copy` struct
    /// `P { a: i64, b: i64 }` and `p: P` in scope.
    fn errors(body: &str) -> Vec<String> {
        let src = format!(
            r#"mod m {{ use redlua::prelude::*;
                #[derive(Clone, Copy)] pub struct P {{ pub a: i64, pub b: i64 }}
                #[derive(Clone, Copy)] pub struct Q {{ pub a: i64 }}
                #[redis_function] pub fn f(n: i64) -> i64 {{ let p = P {{ a: n, b: 2 }}; {body} }} }}"#
        );
        match crate::compile_library(r#"name = "m""#.parse().unwrap(), src.parse().unwrap()) {
            Ok(_) => Vec::new(),
            Err(es) => es.into_iter().map(|e| format!("{} | {}", e.message, e.hint)).collect(),
        }
    }

    #[test]
    fn struct_patterns_are_checked_against_the_struct() {
        let cases = [
            ("match p { P { a: 1, b } => b, P { .. } => 0 }", ""),
            ("match p { Self { a, .. } => a }", ""),
            ("match p { Q { a } => a, _ => 0 }", "this pattern does not match a `P` | name the struct: `P { .. }`"),
            ("match p { m::P { a, .. } => a }", "this pattern does not match a `P`"),
            ("match p { P { 0: a, .. } => a }", "`P` has no numbered fields | name the fields"),
            ("match p { P { c, .. } => c }", "no field `c` on `P`"),
            ("match p { P { a, a: x, .. } => a + x }", "the field `a` is named twice in this pattern"),
            ("match p { P { b } => b }", "this pattern does not name the field `a` of `P` | name every field, or end the pattern with `..`"),
            ("match p { P { a: 1 } => 1, _ => 0 }", "this pattern does not name the field `b` of `P`"),
            ("let P { a, b: x } = p; a + x", ""),
            ("let P { b, .. } = p; b", ""),
            ("let P { a: 1, .. } = p; 0", "a nested pattern in `let` is not supported inside a redis function | bind plain names, then take them apart"),
            ("let Q { a } = p; a", "this pattern does not match a `P`"),
            ("let (a, b) = p; a + b", "expected a tuple of 2 elements, found `P`"),
            ("let P { a, .. } = (1, 2); a", "this pattern does not match a `(i64, i64)`"),
            ("if let P { a: 1..=3, b } = p { b } else { 0 }", ""),
            ("if matches!(p, P { a: ..=0, .. } | P { b: 5, .. }) { 1 } else { 0 }", ""),
        ];
        for (body, want) in cases {
            let got = errors(body);
            if want.is_empty() {
                assert!(got.is_empty(), "{body}: {got:?}");
            } else {
                assert_eq!(got.len(), 1, "{body}: {got:?}");
                assert!(got[0].contains(want), "{body}: {got:?}");
            }
        }
    }
}

