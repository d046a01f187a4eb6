//! `Option` and `Result`: `Some(x)`, `Ok(x)` / `Err(..)`, their methods (`map`,
//! `and_then`, `unwrap_or`, `ok_or`, `is_some`, `take`, ...), and the `?` operator.
//!
//! `None` is Lua's `nil`, `Some(x)` is `x`; a `Result` is `{ ok = v }` or `{ err = e }`
//! as Redis replies are. `?` on an `Option` or a `Result` returns early from the
//! function (or closure) with the `None` / `Err`.

use crate::codegen::*;
use crate::diag::Rule;
use crate::ir::{self, *};
use crate::lower::{poison, Lowerer};
use crate::lua::{BinOp as LB, Expr as L, Stmt as LS, StmtKind as K};
use proc_macro2::Span;
use syn::spanned::Spanned;

impl Lowerer<'_> {
    /// `opt?` and `opt.ok_or(reject!(..))?` / `.ok_or_else(|| reject!(..))?`.
    pub(crate) fn try_expr(&mut self, t: &syn::ExprTry) -> Expr {
        if self.method_self.is_some() {
            // The early return would lose the receiver's changes (see lang/impls.rs).
            self.err(Rule::Unsupported, t.question_token.span, "`?` inside a `&mut self` method", "`match` the value and `return` from the method, or move the fallible part into a method taking `&self`");
            return crate::lower::poison(t.span());
        }
        let span = t.span();
        if let syn::Expr::MethodCall(m) = &*t.expr {
            let name = m.method.to_string();
            if (name == "ok_or" || name == "ok_or_else") && m.args.len() == 1 {
                let opt = self.expr(&m.receiver, None);
                let inner = match &opt.ty {
                    Ty::Option(i) => (**i).clone(),
                    Ty::Never => Ty::Never,
                    other => {
                        let t = other.clone();
                        self.err(Rule::Type, opt.span, format!("`.{name}()` on `{t}`, not an Option"), format!("`.{name}(..)` turns a `None` into a rejection; a value of type `{t}` is always there: use it as it is"));
                        return poison(span);
                    }
                };
                let arg = match (&m.args[0], name.as_str()) {
                    (syn::Expr::Closure(c), "ok_or_else") if c.inputs.is_empty() => &*c.body,
                    (a, "ok_or") => a,
                    (a, _) => return self.unsupported(a.span(), "this argument of `ok_or_else`", "write `|| reject!(\"message\")`"),
                };
                let rej = self.expr(arg, Some(&Ty::Reject));
                if !matches!(rej.kind, ExprKind::Reject(_) | ExprKind::RejectWith(..)) && rej.ty != Ty::Never {
                    self.err(Rule::Type, rej.span, "expected `reject!(..)`", "write `.ok_or(reject!(\"message\"))?`");
                }
                if !matches!(self.ret, Ty::Result(_)) {
                    let r = self.ret.clone();
                    self.err(Rule::Type, t.question_token.span, format!("`?` with a rejection in a function returning `{r}`"), "declare the function `-> Result<T, Reject>`");
                }
                // `ok_or` computes its rejection's message before the test, as Rust does:
                // the option first, then the message, each into a local.
                if let (ExprKind::RejectWith(code, msg), "ok_or") = (&rej.kind, name.as_str()) {
                    if !msg.is_pure() {
                        let (code, msg, rej_span) = (code.clone(), (**msg).clone(), rej.span);
                        let (s1, o) = self.hidden_let("opt", opt);
                        let (s2, m) = self.hidden_let("msg", msg);
                        let rej = self.mk(ExprKind::RejectWith(code, Box::new(m)), Ty::Reject, rej_span);
                        let t = self.mk(ExprKind::Try(Box::new(o), Some(Box::new(rej))), inner.clone(), span);
                        return self.mk(ExprKind::Block(Block { stmts: vec![s1, s2], tail: Some(Box::new(t)), ty: inner.clone() }), inner, span);
                    }
                }
                return self.mk(ExprKind::Try(Box::new(opt), Some(Box::new(rej))), inner, span);
            }
        }
        let opt = self.expr(&t.expr, None);
        match &opt.ty {
            // A helper returning `Result<_, Reject>`: its rejection is this function's.
            Ty::Result(inner) if matches!(opt.kind, ExprKind::CallHelper(..)) => {
                let inner = (**inner).clone();
                if !matches!(self.ret, Ty::Result(_)) {
                    let r = self.ret.clone();
                    self.err(Rule::Type, t.question_token.span, format!("`?` on a helper's `Result` in a function returning `{r}`"), "declare the function `-> Result<T, Reject>`, so that the helper's rejection is its own");
                }
                self.mk(ExprKind::Try(Box::new(opt), None), inner, span)
            }
            Ty::Option(inner) => {
                let inner = (**inner).clone();
                if !matches!(self.ret, Ty::Option(_)) {
                    let r = self.ret.clone();
                    self.err(Rule::Type, t.question_token.span, format!("`?` on an Option in a function returning `{r}`"), "return an `Option`, or use `.ok_or(reject!(..))?` in a function returning `Result<T, Reject>`");
                }
                self.mk(ExprKind::Try(Box::new(opt), None), inner, span)
            }
            Ty::Never => opt,
            other => {
                let t2 = other.clone();
                self.err(Rule::Unsupported, span, format!("`?` on `{t2}`"), "`?` works on Options");
                poison(span)
            }
        }
    }

    /// Where a run-time panic happens, as Rust's panic message names it (` at lib.rs:12:7`).
    pub(crate) fn panic_place(&self, span: Span) -> String {
        let at = span.start();
        let file = self.ctx.file.as_deref().unwrap_or("source.rs");
        format!(" at {file}:{}:{}", at.line, at.column + 1)
    }

    /// `opt.unwrap()`, `opt.expect(msg)`, `opt.map_or(d, |x| ..)`, `opt.map_or_else(|| d, |x| ..)`.
    pub(crate) fn option_method(&mut self, m: &syn::ExprMethodCall, recv: Expr) -> Option<Expr> {
        let name = m.method.to_string();
        let Ty::Option(inner) = recv.ty.clone() else { return None };
        let span = m.span();
        match name.as_str() {
            "unwrap" | "expect" => {
                let want = usize::from(name == "expect");
                if m.args.len() != want {
                    return Some(self.arity(span, &name, want));
                }
                // Rust's panic message, and where it happened as a panic names it.
                let place = self.panic_place(m.method.span());
                let msg = if name == "unwrap" {
                    self.mk(ExprKind::Str(format!("redlua: called `Option::unwrap()` on a `None` value{place}").into_bytes()), Ty::Str, span)
                } else {
                    let msg = self.expr(&m.args[0], Some(&Ty::Str));
                    if !msg.ty.fits(&Ty::Str) {
                        let t = msg.ty.clone();
                        self.err(Rule::Type, msg.span, format!("`expect` takes the panic's message, a string, found `{t}`"), "write `.expect(\"what was expected\")`");
                    }
                    match &msg.kind {
                        ExprKind::Str(s) => {
                            let mut text = b"redlua: ".to_vec();
                            text.extend_from_slice(s);
                            text.extend_from_slice(place.as_bytes());
                            self.mk(ExprKind::Str(text), Ty::Str, msg.span)
                        }
                        _ => {
                            let head = self.mk(ExprKind::Str(b"redlua: ".to_vec()), Ty::Str, msg.span);
                            let tail = self.mk(ExprKind::Str(place.into_bytes()), Ty::Str, msg.span);
                            let first = self.mk(ExprKind::Method(Method::StrConcat, vec![head, msg]), Ty::Str, span);
                            self.mk(ExprKind::Method(Method::StrConcat, vec![first, tail]), Ty::Str, span)
                        }
                    }
                };
                Some(self.mk(ExprKind::Method(Method::OptionUnwrap, vec![recv, msg]), (*inner).clone(), span))
            }
            "map_or" | "map_or_else" => {
                if m.args.len() != 2 {
                    return Some(self.arity(span, &name, 2));
                }
                let syn::Expr::Closure(c) = &m.args[1] else {
                    return Some(self.unsupported(m.args[1].span(), "a function that is not a closure literal here", "write the closure in place: `.map_or(d, |x| ..)`"));
                };
                let f = self.closure_with(c, Some(&[(*inner).clone()]));
                let Ty::Fn(_, ret) = f.ty.clone() else { return Some(f) };
                if matches!(*ret, Ty::Option(_) | Ty::Unit | Ty::Result(_)) {
                    self.err(Rule::UnsupportedType, f.span, format!("`.{name}(..)` giving `{ret}` is not supported"), "give a plain value, or use `.and_then(..)` for an Option");
                }
                let mapped = self.mk(ExprKind::OptionCall(OptionOp::Map, Box::new(recv), Box::new(f)), ret.clone().option(), span);
                if name == "map_or_else" {
                    let syn::Expr::Closure(dc) = &m.args[0] else {
                        return Some(self.unsupported(m.args[0].span(), "a function that is not a closure literal here", "write the closure in place: `.map_or_else(|| d, |x| ..)`"));
                    };
                    let d = self.closure_with(dc, Some(&[]));
                    if let Ty::Fn(_, dret) = &d.ty {
                        if !dret.fits(&ret) {
                            let t = (**dret).clone();
                            self.err(Rule::Type, d.span, format!("expected a closure returning `{ret}`, found `{t}`"), "both closures of `map_or_else` return the same type");
                        }
                    }
                    return Some(self.mk(ExprKind::OptionCall(OptionOp::UnwrapOrElse, Box::new(mapped), Box::new(d)), *ret, span));
                }
                let d = self.expr(&m.args[0], Some(&ret));
                if !d.ty.fits(&ret) {
                    let t = d.ty.clone();
                    self.err(Rule::Type, d.span, format!("expected `{ret}` (what the closure gives), found `{t}`"), format!("give a default of type `{ret}`: the default and the closure's value have one type"));
                }
                if d.is_pure() {
                    return Some(self.mk(ExprKind::UnwrapOr(Box::new(mapped), Box::new(d)), *ret, span));
                }
                // Rust computes the default before it calls the closure.
                let ExprKind::OptionCall(op, o, f) = mapped.kind else { return None };
                let (lo, ov) = self.hidden_let("option", *o);
                let (ld, dv) = self.hidden_let("default", d);
                let mapped = self.mk(ExprKind::OptionCall(op, Box::new(ov), f), ret.clone().option(), span);
                let value = self.mk(ExprKind::UnwrapOr(Box::new(mapped), Box::new(dv)), (*ret).clone(), span);
                let block = Block { stmts: vec![lo, ld], tail: Some(Box::new(value)), ty: (*ret).clone() };
                Some(self.mk(ExprKind::Block(block), *ret, span))
            }
            _ => None,
        }
    }

    /// `opt.map(|x| ..)`, `.and_then`, `.filter`, `.is_some_and`, `.unwrap_or_else(|| ..)`.
    pub(crate) fn option_call(&mut self, m: &syn::ExprMethodCall, recv: Expr) -> Option<Expr> {
        let op = match m.method.to_string().as_str() {
            "map" => OptionOp::Map,
            "and_then" => OptionOp::AndThen,
            "filter" => OptionOp::Filter,
            "is_some_and" => OptionOp::IsSomeAnd,
            "unwrap_or_else" => OptionOp::UnwrapOrElse,
            _ => return None,
        };
        let Ty::Option(inner) = recv.ty.clone() else { return None };
        let span = m.span();
        if m.args.len() != 1 {
            return Some(self.arity(span, &m.method.to_string(), 1));
        }
        let syn::Expr::Closure(c) = &m.args[0] else {
            return Some(self.unsupported(m.args[0].span(), "a function that is not a closure literal here", "write the closure in place: `.map(|x| ..)`"));
        };
        let hint = if op == OptionOp::UnwrapOrElse { vec![] } else { vec![(*inner).clone()] };
        let f = self.closure_with(c, Some(&hint));
        let Ty::Fn(_, ret) = f.ty.clone() else { return Some(f) };
        let ty = match op {
            OptionOp::Map => {
                if matches!(*ret, Ty::Option(_) | Ty::Unit | Ty::Result(_)) {
                    self.err(Rule::UnsupportedType, f.span, format!("`Option<{ret}>` is not supported"), "use `.and_then(..)` to return an Option");
                }
                ret.option()
            }
            OptionOp::AndThen => match *ret {
                Ty::Option(_) => *ret,
                other => {
                    self.err(Rule::Type, f.span, format!("`and_then` needs a closure returning an Option, this one returns `{other}`"), "return `Some(..)` or `None` from the closure, or use `.map(..)`, which wraps the closure's value");
                    Ty::Never
                }
            },
            OptionOp::Filter | OptionOp::IsSomeAnd => {
                if !ret.fits(&Ty::Bool) {
                    self.err(Rule::Type, f.span, format!("expected a closure returning `bool`, found `{ret}`"), "return a condition from the closure, e.g. `|x| *x > 0`");
                }
                if op == OptionOp::Filter {
                    recv.ty.clone()
                } else {
                    Ty::Bool
                }
            }
            OptionOp::UnwrapOrElse => {
                if !ret.fits(&inner) {
                    self.err(Rule::Type, f.span, format!("expected a closure returning `{inner}`, found `{ret}`"), format!("return a value of type `{inner}` from the closure: it gives the value when the Option is `None`"));
                }
                (*inner).clone()
            }
        };
        Some(self.mk(ExprKind::OptionCall(op, Box::new(recv), Box::new(f)), ty, span))
    }
}

impl Gen<'_> {
    /// `opt.map(f)` and friends, with the closure's body inlined where it has no `return`.
    pub(crate) fn option_call(&mut self, op: ir::OptionOp, opt: &ir::Expr, f: &ir::Expr, out: &mut Vec<LS>) -> L {
        use ir::OptionOp as O;
        let v = self.expr(opt, out);
        let t = self.spill(v, out);
        let ExprKind::Closure(params, body) = &f.kind else { return L::Nil };
        let result = match op {
            O::UnwrapOrElse => t.clone(),
            O::IsSomeAnd => {
                let r = self.temp();
                out.push(self.stmt(K::Local(vec![r.clone()], vec![L::Bool(false)])));
                L::Name(r)
            }
            _ => {
                let r = self.temp();
                out.push(self.stmt(K::Local(vec![r.clone()], vec![])));
                L::Name(r)
            }
        };
        let L::Name(rname) = result.clone() else { return L::Nil };
        let mut inner = Vec::new();
        let inline = !block_has_expr(body, |k| matches!(k, ExprKind::Return(_) | ExprKind::Try(..)));
        let value = if inline {
            for p in params {
                self.bind_param(*p, t.clone(), &mut inner);
            }
            if op == O::Filter {
                let c = self.expr(body, &mut inner);
                Some(c)
            } else {
                self.expr_into(body, &Dest::Assign(rname.clone()), &mut inner);
                None
            }
        } else {
            let func = self.expr(f, &mut inner);
            let args = if op == O::UnwrapOrElse { vec![] } else { vec![t.clone()] };
            let call = L::Call(Box::new(L::Paren(Box::new(func))), args);
            if op == O::Filter {
                Some(call)
            } else {
                inner.push(self.stmt(K::Assign(vec![result.clone()], vec![call])));
                None
            }
        };
        if let Some(c) = value {
            inner.push(self.stmt(K::If(vec![(c, vec![self.stmt(K::Assign(vec![result.clone()], vec![t.clone()]))])], None)));
        }
        let cond = if op == O::UnwrapOrElse { L::bin(LB::Eq, t, L::Nil) } else { L::bin(LB::Ne, t, L::Nil) };
        out.push(self.stmt(K::If(vec![(cond, inner)], None)));
        result
    }
}

impl Lowerer<'_> {
    /// `Some(x)`: options do not nest (Lua has one `nil`).
    pub(crate) fn some_ctor(&mut self, args: &[&syn::Expr], expect: Option<&Ty>, span: Span) -> Expr {
        if args.len() != 1 {
            return self.arity(span, "Some", 1);
        }
        let inner_expect = match expect {
            Some(Ty::Option(t)) => Some((**t).clone()),
            _ => None,
        };
        let a = self.expr(args[0], inner_expect.as_ref());
        if matches!(a.ty, Ty::Option(_) | Ty::Result(_) | Ty::Unit | Ty::Reject) {
            let t = a.ty.clone();
            self.err(Rule::UnsupportedType, a.span, format!("`Option<{t}>` is not supported"), "Lua represents `None` as nil, so options cannot nest");
            return poison(span);
        }
        let t = a.ty.clone().option();
        self.mk(ExprKind::Some(Box::new(a)), t, span)
    }
}

impl Lowerer<'_> {
    /// `Ok(x)` / `Err(reject!(..))`: only where a `Result<T, Reject>` is expected.
    pub(crate) fn result_ctor(&mut self, last: &str, args: &[&syn::Expr], expect: Option<&Ty>, span: Span) -> Expr {
        if args.len() != 1 {
            return self.arity(span, last, 1);
        }
        let Some(Ty::Result(inner)) = expect.cloned() else {
            self.err(Rule::Unsupported, span, format!("`{last}(..)` outside the return value of a function returning `Result`"), "return `Ok(..)`/`Err(..)` from a function declared `-> Result<T, Reject>`");
            return poison(span);
        };
        if last == "Ok" {
            let a = self.expr(args[0], Some(&inner));
            if !a.ty.fits(&inner) {
                let t = a.ty.clone();
                self.err(Rule::Type, a.span, format!("expected `{inner}`, found `{t}`"), "");
            }
            self.mk(ExprKind::Ok(Box::new(a)), Ty::Result(inner), span)
        } else {
            let a = self.expr(args[0], Some(&Ty::Reject));
            if !a.ty.fits(&Ty::Reject) {
                let t = a.ty.clone();
                self.err(Rule::Type, a.span, format!("expected `Reject`, found `{t}`"), "write `Err(reject!(\"message\"))`");
            }
            self.mk(ExprKind::Err(Box::new(a)), Ty::Result(inner), span)
        }
    }
}
