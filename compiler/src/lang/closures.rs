//! Closures: `|x| body` as an argument of a method or an iterator adapter, and stored
//! in a `let` and called.
//!
//! A closure passed to a method is inlined where it is applied, its parameters naming
//! the arguments, unless its body has a `return`; then (and for a stored closure) it
//! is a Lua `function`. A closure's `return` gives the Lua value, not an encoded reply.

use crate::builtins;
use crate::codegen::*;
use crate::diag::Rule;
use crate::ir::{self, *};
use crate::lower::{poison, Lowerer};
use crate::lua::{Expr as L, Stmt as LS, StmtKind as K};
use proc_macro2::Span;
use syn::spanned::Spanned;

impl Lowerer<'_> {
    pub(crate) fn closure(&mut self, c: &syn::ExprClosure) -> Expr {
        self.closure_with(c, None)
    }

    /// A closure whose untyped parameters take the types in `hint`.
    pub(crate) fn closure_with(&mut self, c: &syn::ExprClosure, hint: Option<&[Ty]>) -> Expr {
        let span = c.span();
        if c.capture.is_some() {
            return self.unsupported(span, "a `move` closure", "drop `move`: closures see their variables by reference, as in Lua");
        }
        if c.asyncness.is_some() || c.constness.is_some() || c.movability.is_some() || c.lifetimes.is_some() {
            return self.unsupported(span, "this closure form", "drop `async`, `static`, `const` and `for<..>`: write a plain closure, `|x| ...`");
        }
        self.scopes.push(Vec::new());
        let mut params = Vec::new();
        let mut ptys = Vec::new();
        if let Some(h) = hint {
            if h.len() != c.inputs.len() {
                // `||` has no parameters to point at: point at the bars.
                let at = if c.inputs.is_empty() { c.or1_token.span.join(c.or2_token.span).unwrap_or(c.or1_token.span) } else { c.inputs.span() };
                let hint = match h.len() {
                    0 => "write `|| ...`".to_string(),
                    1 => "take one parameter, `|x| ...` (a pair unpacks as `|(a, b)| ...`)".to_string(),
                    2 => "take two parameters, `|acc, x| ...`".to_string(),
                    n => format!("take {n} parameters"),
                };
                self.err(Rule::Arity, at, format!("this closure must take {} parameter(s)", h.len()), hint);
                self.scopes.pop();
                return poison(span);
            }
        }
        let mut destructure: Vec<(VarId, Vec<Option<VarId>>, Ty)> = Vec::new();
        for (i, p) in c.inputs.iter().enumerate() {
            if let Some(h) = hint {
                // `|x|`, `|&x|`, `|(i, x)|`, `|&(a, b)|`, `|_|`: the type comes from the iterator.
                let mut pat = p;
                while let syn::Pat::Reference(r) = pat {
                    pat = &r.pat;
                }
                match pat {
                    syn::Pat::Ident(pi) if pi.subpat.is_none() => {
                        params.push(self.declare(&pi.ident.to_string(), h[i].clone(), pi.mutability.is_some()));
                        ptys.push(h[i].clone());
                        continue;
                    }
                    syn::Pat::Wild(_) => {
                        params.push(self.declare("_", h[i].clone(), false));
                        ptys.push(h[i].clone());
                        continue;
                    }
                    syn::Pat::Tuple(t) => {
                        let Ty::Tuple(ts) = h[i].clone() else {
                            self.err(Rule::Type, p.span(), format!("a tuple pattern for a closure parameter of type `{}`", h[i]), format!("bind the `{}` with a plain name: `|x| ...`", h[i]));
                            self.scopes.pop();
                            return poison(span);
                        };
                        if ts.len() != t.elems.len() {
                            let names: Vec<String> = (0..ts.len()).map(|k| char::from(b'a' + (k % 26) as u8).to_string()).collect();
                            self.err(
                                Rule::Type,
                                p.span(),
                                format!("this pattern has {} elements, the tuple {}", t.elems.len(), ts.len()),
                                format!("bind one name (or `_`) per element of the tuple: `|({})| ...`", names.join(", ")),
                            );
                            self.scopes.pop();
                            return poison(span);
                        }
                        let hidden = self.declare("arg", h[i].clone(), false);
                        let mut vars = Vec::new();
                        for (el, et) in t.elems.iter().zip(ts) {
                            let mut el = el;
                            while let syn::Pat::Reference(r) = el {
                                el = &r.pat;
                            }
                            match el {
                                syn::Pat::Ident(pi) => vars.push(Some(self.declare(&pi.ident.to_string(), et, false))),
                                syn::Pat::Wild(_) => vars.push(None),
                                other => {
                                    self.err(
                                        Rule::Unsupported,
                                        other.span(),
                                        "a nested pattern in a closure parameter is not supported inside a redis function",
                                        "bind a plain name and unpack it in the body: `|(a, bc)| { let (b, c) = bc; ... }`",
                                    );
                                    self.scopes.pop();
                                    return poison(span);
                                }
                            }
                        }
                        params.push(hidden);
                        ptys.push(h[i].clone());
                        destructure.push((hidden, vars, h[i].clone()));
                        continue;
                    }
                    _ => {}
                }
            }
            let syn::Pat::Type(pt) = p else {
                self.err(Rule::Type, p.span(), "closure parameters need a type", "write `|x: i64| ...`");
                self.scopes.pop();
                return poison(span);
            };
            let syn::Pat::Ident(pi) = &*pt.pat else {
                self.err(
                    Rule::Unsupported,
                    pt.pat.span(),
                    "this pattern in a closure parameter is not supported inside a redis function",
                    "bind a plain name and unpack it in the body: `|p: (i64, i64)| { let (a, b) = p; ... }`",
                );
                self.scopes.pop();
                return poison(span);
            };
            let Some(t) = self.local_type(&pt.ty) else {
                self.scopes.pop();
                return poison(span);
            };
            params.push(self.declare(&pi.ident.to_string(), t.clone(), pi.mutability.is_some()));
            ptys.push(t);
        }
        let declared = match &c.output {
            syn::ReturnType::Default => None,
            syn::ReturnType::Type(_, t) => Some(self.local_type(t).unwrap_or(Ty::Never)),
        };
        // A closure has its own `return` and no enclosing loops.
        let saved_ret = std::mem::replace(&mut self.ret, declared.clone().unwrap_or(Ty::Never));
        let saved_loops = std::mem::take(&mut self.loops);
        let saved_method = self.method_self.take();
        let mut body = self.expr(&c.body, declared.as_ref());
        self.method_self = saved_method;
        if !destructure.is_empty() {
            let line = body.line;
            let stmts = destructure
                .into_iter()
                .map(|(hidden, vars, ty)| Stmt { kind: StmtKind::LetTuple(vars, Expr { kind: ExprKind::Var(hidden), ty, span: body.span, line }), line })
                .collect();
            let (ty, bspan) = (body.ty.clone(), body.span);
            body = Expr { kind: ExprKind::Block(Block { stmts, tail: Some(Box::new(body)), ty: ty.clone() }), ty, span: bspan, line };
        }
        self.loops = saved_loops;
        let inferred_ret = std::mem::replace(&mut self.ret, saved_ret);
        self.scopes.pop();
        let ret = declared.unwrap_or_else(|| if body.ty == Ty::Never { inferred_ret } else { body.ty.clone() });
        if matches!(ret, Ty::Result(_) | Ty::Reject) {
            self.err(Rule::Unsupported, span, "a closure returning `Result`", "return a plain value or an Option");
        }
        if !body.ty.fits(&ret) {
            let found = body.ty.clone();
            self.err(Rule::Type, body.span, format!("the closure returns `{ret}`, found `{found}`"), format!("make the body produce a `{ret}`, or declare the closure `-> {found}`"));
        }
        self.mk(ExprKind::Closure(params, Box::new(body)), Ty::Fn(ptys, Box::new(ret)), span)
    }

    pub(crate) fn call_closure(&mut self, var: VarId, args: &[&syn::Expr], span: Span) -> Expr {
        if self.vars[var.0].ty == Ty::Never {
            // A closure that did not compile (already reported).
            return poison(span);
        }
        let Ty::Fn(ptys, ret) = self.vars[var.0].ty.clone() else {
            let t = self.vars[var.0].ty.clone();
            let name = self.vars[var.0].name.clone();
            self.err(Rule::Type, span, format!("`{name}` is a `{t}`, not a closure"), format!("use `{name}` without `(..)`, or call a closure (`let g = |x: i64| ...;`) or a helper function of the library"));
            return poison(span);
        };
        if ptys.len() != args.len() {
            return self.arity(span, &self.vars[var.0].name.clone(), ptys.len());
        }
        let mut es = Vec::new();
        for (a, t) in args.iter().zip(&ptys) {
            let e = self.expr(a, Some(t));
            if !e.ty.fits(t) {
                self.err(Rule::Type, e.span, format!("expected `{t}`, found `{}`", e.ty), "");
            }
            es.push(e);
        }
        self.mk(ExprKind::CallClosure(var, es), *ret, span)
    }
}

impl Gen<'_> {
    /// A parameter of an inlined closure: a name for the argument, or, when the body
    /// changes the parameter (`|mut x| ..`), a local of its own.
    pub(crate) fn bind_param(&mut self, p: ir::VarId, a: L, out: &mut Vec<LS>) {
        if self.vars[p.0].mutable {
            self.aliases.remove(&p);
            self.locals += 1;
            out.push(self.stmt(K::Local(vec![self.vars[p.0].lua.clone()], vec![a])));
            return;
        }
        let a = if a.is_trivial() { a } else { self.spill(a, out) };
        self.aliases.insert(p, a);
    }

    /// Applies a closure to `args`: its body inlined (parameters naming the arguments)
    /// when it has no `return`, else a call of the Lua function.
    pub(crate) fn apply(&mut self, f: &ir::Expr, args: Vec<L>, out: &mut Vec<LS>) -> L {
        let ExprKind::Closure(params, body) = &f.kind else { return L::Nil };
        let inline = !block_has_expr(body, |k| matches!(k, ExprKind::Return(_) | ExprKind::Try(..)));
        if inline {
            for (p, a) in params.iter().zip(args) {
                self.bind_param(*p, a, out);
            }
            return self.expr(body, out);
        }
        let func = self.expr(f, out);
        L::Call(Box::new(L::Paren(Box::new(func))), args)
    }
}

/// True when running the closure `f` has no effect: no command, no assignment, no call,
/// nothing that can fail but an integer beyond ±(2^53 − 1) (which the Lua refuses where
/// Rust computes it anyway): whether it runs once more or not cannot be told.
pub(crate) fn closure_is_quiet(f: &Expr) -> bool {
    let ExprKind::Closure(_, body) = &f.kind else { return false };
    let mut quiet = true;
    crate::ir::visit_expr(body, &mut |e| {
        quiet &= match &e.kind {
            ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) | ExprKind::Str(_) | ExprKind::Unit | ExprKind::None | ExprKind::Var(_) => true,
            ExprKind::Unary(..) | ExprKind::Some(_) | ExprKind::IsSome(_) | ExprKind::IsNone(_) | ExprKind::UnwrapOr(..) | ExprKind::IntToString(_) => true,
            ExprKind::Tuple(_) | ExprKind::TupleField(..) | ExprKind::VecLit(_) | ExprKind::StructLit(_) => true,
            // A division by a variable may divide by zero.
            ExprKind::Binary(BinOp::Div | BinOp::Rem, _, b) => e.ty == Ty::Float || matches!(b.kind, ExprKind::Int(n) if n != 0),
            ExprKind::Binary(..) => true,
            ExprKind::If(_, b, _) | ExprKind::Block(b) => b.stmts.is_empty(),
            // `v.to_vec()` of plain elements: the extension of a new empty table.
            ExprKind::Method(Method::VecExtend, args) if matches!(&args[0].kind, ExprKind::VecLit(v) if v.is_empty()) => true,
            ExprKind::Method(m, _) => m.row().has(builtins::QUIET),
            _ => false,
        };
    });
    quiet
}
