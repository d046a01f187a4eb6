//! `impl` blocks on the structs and enums of the library module: methods (`&self`,
//! `&mut self`, `self`) and associated functions (`Point::new(x, y)`, `Self { .. }`,
//! `Self::Idle`).
//!
//! Each function of an `impl Type` block becomes a helper named `Type::name` (Lua
//! `h_Type_name`), `Self` replaced by `Type` and the receiver made its first parameter:
//! `&self` is `self: &Type`, `self` is `self: Type`. `x.m(a)` on a value of `Type` and
//! `Type::m(x, a)` call it with `x` first.
//!
//! A `&mut self` method changes its receiver: as Lua cannot hand out a reference to a
//! variable, the helper takes the receiver's value as a `mut` parameter (a `Copy` struct
//! is copied on entry, as the copy pass does for every `mut` parameter) and returns it
//! changed, with the method's value: `p.bump()` is `p = h_Point_bump(p)`, and
//! `let n = p.take(2)` is `local r = h_Point_take(p, 2); p = r[2]; n = r[1]`. The
//! receiver must be a `let mut` variable (or `self` in another `&mut self` method).
//! `*self = Self::Done` assigns the whole receiver (a unit enum is a string in Lua, which
//! cannot change in place).

use crate::diag::Rule;
use crate::ir::*;
use crate::lower::{poison, HelperCtx, Lowerer};
use proc_macro2::{Span, TokenStream, TokenTree};
use syn::spanned::Spanned;

/// How a method takes its receiver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Receiver {
    /// An associated function (no receiver).
    None,
    /// `&self` or `self`.
    Value,
    /// `&mut self`.
    Mut,
}

/// `Self` replaced by `name`, everywhere in `tokens` (types, paths, struct literals).
fn replace_self(tokens: TokenStream, name: &str) -> TokenStream {
    tokens
        .into_iter()
        .map(|t| match t {
            TokenTree::Ident(i) if i == "Self" => TokenTree::Ident(proc_macro2::Ident::new(name, i.span())),
            TokenTree::Group(g) => {
                let mut ng = proc_macro2::Group::new(g.delimiter(), replace_self(g.stream(), name));
                ng.set_span(g.span());
                TokenTree::Group(ng)
            }
            t => t,
        })
        .collect()
}

/// The helper that a function of `impl name { .. }` becomes (see the module comment).
fn method_helper(name: &str, f: &syn::ImplItemFn) -> Option<syn::ItemFn> {
    let f: syn::ImplItemFn = syn::parse2(replace_self(quote::ToTokens::to_token_stream(f), name)).ok()?;
    let mut sig = f.sig.clone();
    if let Some(syn::FnArg::Receiver(r)) = sig.inputs.first() {
        let span = r.self_token.span;
        let ty_ident = proc_macro2::Ident::new(name, span);
        let base: syn::Type = syn::parse_quote_spanned!(span=> #ty_ident);
        let (ty, mutable): (syn::Type, bool) = match (&r.reference, r.mutability.is_some()) {
            (Some(_), true) => (syn::parse_quote_spanned!(span=> &mut #base), true),
            (Some(_), false) => (syn::parse_quote_spanned!(span=> &#base), false),
            (None, m) => (base, m),
        };
        let pat = syn::Pat::Ident(syn::PatIdent { attrs: Vec::new(), by_ref: None, mutability: mutable.then(|| syn::Token![mut](span)), ident: proc_macro2::Ident::new("self", span), subpat: None });
        let typed = syn::FnArg::Typed(syn::PatType { attrs: Vec::new(), pat: Box::new(pat), colon_token: syn::Token![:](span), ty: Box::new(ty) });
        let rest: Vec<syn::FnArg> = sig.inputs.iter().skip(1).cloned().collect();
        sig.inputs = std::iter::once(typed).chain(rest).collect();
    }
    Some(syn::ItemFn { attrs: f.attrs, vis: f.vis, sig, block: Box::new(f.block) })
}

/// How the helper `item` (made by [`method_helper`]) takes its receiver.
fn receiver_of(item: &syn::ItemFn) -> Receiver {
    match item.sig.inputs.first() {
        Some(syn::FnArg::Typed(pt)) if matches!(&*pt.pat, syn::Pat::Ident(pi) if pi.ident == "self") => match &*pt.ty {
            syn::Type::Reference(r) if r.mutability.is_some() => Receiver::Mut,
            _ => Receiver::Value,
        },
        _ => Receiver::None,
    }
}

impl HelperCtx {
    /// Makes the functions of the module's `impl` blocks usable, as helpers named
    /// `Type::name` (also of trait impls: `T::default()`, a trait of the module). Generic
    /// impls, impls of other types and of the traits behind operators, `Clone` and
    /// formatting are left to rustc (the twin).
    pub fn with_impls(mut self, items: impl IntoIterator<Item = syn::ItemImpl>) -> Self {
        for it in items {
            if !it.generics.params.is_empty() {
                continue;
            }
            let syn::Type::Path(tp) = &*it.self_ty else { continue };
            let (Some(seg), None) = (tp.path.segments.last(), &tp.qself) else { continue };
            if tp.path.segments.len() != 1 || !seg.arguments.is_none() {
                continue;
            }
            // Traits whose methods Rust calls for operators, formatting or copies: `.clone()`
            // and `==` keep their own translation.
            let derived = ["Clone", "Copy", "PartialEq", "Eq", "PartialOrd", "Ord", "Hash", "Debug", "Display", "Drop"];
            if it.trait_.as_ref().is_some_and(|(_, p, _)| p.segments.last().is_some_and(|s| derived.iter().any(|d| s.ident == d))) {
                continue;
            }
            let name = seg.ident.to_string();
            for ii in &it.items {
                if let syn::ImplItem::Fn(f) = ii {
                    if let Some(h) = method_helper(&name, f) {
                        self.items.entry(format!("{name}::{}", f.sig.ident)).or_insert(h);
                    }
                }
            }
        }
        self
    }
}

impl Lowerer<'_> {
    /// The name of the struct or enum type `t`, whose methods `x.m()` may call.
    fn type_name(t: &Ty) -> Option<&str> {
        match t {
            Ty::Struct(st) => Some(&st.name),
            Ty::Enum(e) => Some(&e.name),
            _ => None,
        }
    }

    /// `x.name(..)` on a value of a type with a method `name`.
    pub(crate) fn has_method(&self, t: &Ty, name: &str) -> bool {
        Self::type_name(t).is_some_and(|n| self.ctx.items.contains_key(&format!("{n}::{name}")))
    }

    /// Whether some type of the module has a `&mut self` method `name`.
    pub(crate) fn any_mut_method(&self, name: &str) -> bool {
        let suffix = format!("::{name}");
        self.ctx.items.iter().any(|(k, item)| k.ends_with(&suffix) && receiver_of(item) == Receiver::Mut)
    }

    /// `recv.name(args)`: a call of the method's helper with the receiver first.
    pub(crate) fn method_of_type(&mut self, recv: Expr, m: &syn::ExprMethodCall, span: Span) -> Expr {
        match self.method_args(recv, m, span) {
            Some((i, es, item, true)) => self.mut_method_call(i, es, &item, &m.receiver, span),
            Some((i, es, _, false)) => {
                let ret = self.ctx.fns[i].ret.clone();
                self.mk(ExprKind::CallHelper(i, es), ret, span)
            }
            None => poison(span),
        }
    }

    /// The helper of the method `recv.name(args)` and its arguments, the receiver first,
    /// and whether it takes `&mut self`; `None` (reported) when it cannot be called so.
    pub(crate) fn method_args(&mut self, recv: Expr, m: &syn::ExprMethodCall, span: Span) -> Option<(usize, Vec<Expr>, syn::ItemFn, bool)> {
        let key = format!("{}::{}", Self::type_name(&recv.ty).unwrap_or_default(), m.method);
        let item = self.ctx.items.get(&key).cloned()?;
        let how = receiver_of(&item);
        if how == Receiver::None {
            self.err(
                Rule::Unsupported,
                m.method.span(),
                format!("`{key}` is an associated function, not a method"),
                format!("call it as `{key}(..)`, or give it a `self` parameter"),
            );
            return None;
        }
        let i = self.helper_index(&key, m.method.span())?;
        let args: Vec<&syn::Expr> = m.args.iter().collect();
        let tys = self.ctx.fns[i].param_tys.clone();
        if tys.len() != args.len() + 1 {
            self.arity(span, &format!(".{}", m.method), tys.len() - 1);
            return None;
        }
        let mut es = vec![recv];
        for (a, t) in args.iter().zip(&tys[1..]) {
            let e = self.expr(a, Some(t));
            if !e.ty.fits(t) {
                self.err(Rule::Type, e.span, format!("expected `{t}`, found `{}`", e.ty), "");
            }
            es.push(e);
        }
        Some((i, es, item, how == Receiver::Mut))
    }

    /// `Type::name(args)`: an associated function, or a method called by its path.
    pub(crate) fn assoc_call(&mut self, segs: &[String], args: &[&syn::Expr], span: Span) -> Option<Expr> {
        let [t, f] = segs else { return None };
        let key = format!("{t}::{f}");
        let item = self.ctx.items.get(&key)?.clone();
        if receiver_of(&item) == Receiver::Mut {
            self.err(Rule::Unsupported, span, format!("`{key}` called by its path takes `&mut self`"), format!("call it as a method: `x.{f}(..)` on a `let mut` variable"));
            return Some(poison(span));
        }
        let Some(i) = self.helper_index(&key, span) else { return Some(poison(span)) };
        Some(self.call_helper(i, args, span))
    }

    /// A `&mut self` method called on `recv` (lowered as `es[0]`): the receiver takes the
    /// value the helper returns.
    fn mut_method_call(&mut self, i: usize, es: Vec<Expr>, item: &syn::ItemFn, recv: &syn::Expr, span: Span) -> Expr {
        let var = match es[0].kind {
            ExprKind::Var(v) if self.vars[v.0].mutable => Some(v),
            _ => None,
        };
        let Some(var) = var else {
            let what = match &es[0].kind {
                ExprKind::Var(v) => format!("`{}` is not declared `mut`", self.vars[v.0].name),
                _ => "its receiver is not a variable".to_string(),
            };
            self.err(
                Rule::Unsupported,
                recv.span(),
                format!("`{}` takes `&mut self`, and {what}", item.sig.ident),
                "call it on a `let mut` variable: `let mut x = ..; x.method(..);` (and store `x` back where it came from)",
            );
            return poison(span);
        };
        let (ret, line) = (self.ctx.fns[i].ret.clone(), es[0].line);
        let recv_ty = self.vars[var.0].ty.clone();
        let call = self.mk(ExprKind::CallHelper(i, es), ret.clone(), span);
        let Ty::Tuple(parts) = &ret else {
            // A method without a value: `x = h(x, ..)`.
            let st = Stmt { kind: StmtKind::Assign(var, call), line };
            return self.mk(ExprKind::Block(Block { stmts: vec![st], tail: None, ty: Ty::Unit }), Ty::Unit, span);
        };
        let value_ty = parts.first().cloned().unwrap_or(Ty::Unit);
        let (first, r) = self.hidden_let("ret", call);
        let changed = self.mk(ExprKind::TupleField(Box::new(r.clone()), 1), recv_ty, span);
        let st = Stmt { kind: StmtKind::Assign(var, changed), line };
        let value = self.mk(ExprKind::TupleField(Box::new(r), 0), value_ty.clone(), span);
        self.mk(ExprKind::Block(Block { stmts: vec![first, st], tail: Some(Box::new(value)), ty: value_ty.clone() }), value_ty, span)
    }

    /// The return type of the helper of `item`, given the method's own: a `&mut self`
    /// method also returns its receiver (`(R, Type)`, or `Type` for `()`). `None` (with an
    /// error) for what such a method cannot return.
    pub(crate) fn method_ret(&mut self, item: &syn::ItemFn, ret: Ty, self_ty: Option<&Ty>) -> Option<Ty> {
        if receiver_of(item) != Receiver::Mut {
            return Some(ret);
        }
        let self_ty = self_ty?.clone();
        if matches!(ret, Ty::Result(_)) {
            self.err(
                Rule::Unsupported,
                match &item.sig.output {
                    syn::ReturnType::Type(_, t) => t.span(),
                    syn::ReturnType::Default => item.sig.ident.span(),
                },
                "a `&mut self` method returning `Result`",
                "return a value (or an `Option`) and reject at the call site, or take `self` by value and return the changed value",
            );
            return None;
        }
        Some(if ret == Ty::Unit { self_ty } else { Ty::Tuple(vec![ret, self_ty]) })
    }

    /// The body of helper `item` returning `ret`: a `&mut self` method's value goes with
    /// its receiver's (see [`Lowerer::method_ret`]).
    pub(crate) fn helper_body(&mut self, item: &syn::ItemFn, ret: &Ty) -> Block {
        let self_var = self.lookup("self");
        let (Receiver::Mut, Some(sv)) = (receiver_of(item), self_var) else { return self.block(&item.block, Some(ret)) };
        let user_ret = match ret {
            Ty::Tuple(parts) if parts.len() == 2 => parts[0].clone(),
            _ => Ty::Unit,
        };
        let saved = self.method_self.replace((sv, user_ret.clone()));
        let mut b = self.block(&item.block, Some(&user_ret));
        self.method_self = saved;
        if b.ty == Ty::Never {
            return Block { ty: ret.clone(), ..b };
        }
        if !(b.ty.fits(&user_ret) || user_ret == Ty::Unit && b.tail.is_none()) {
            let span = b.tail.as_ref().map_or(item.block.span(), |t| t.span);
            self.err(Rule::Type, span, format!("`{}` returns `{user_ret}` but its body evaluates to `{}`", item.sig.ident, b.ty), "make the last expression of the body the value to return");
        }
        let span = item.block.span();
        let me = self.mk(ExprKind::Var(sv), self.vars[sv.0].ty.clone(), span);
        let tail = match (b.tail.take(), user_ret == Ty::Unit) {
            (Some(t), true) => {
                let line = t.line;
                b.stmts.push(Stmt { kind: StmtKind::Expr(*t), line });
                me
            }
            (None, _) => me,
            (Some(t), false) => self.mk(ExprKind::Tuple(vec![*t, me]), ret.clone(), span),
        };
        Block { stmts: b.stmts, tail: Some(Box::new(tail)), ty: ret.clone() }
    }

    /// `return v` in a `&mut self` method: `return v, self` (see [`Lowerer::method_ret`]).
    pub(crate) fn method_return(&mut self, r: &syn::ExprReturn, span: Span) -> Option<Expr> {
        let (sv, ret) = self.method_self.clone()?;
        let v = match &r.expr {
            Some(v) => {
                let v = self.expr(v, Some(&ret));
                if !v.ty.fits(&ret) {
                    self.err(Rule::Type, v.span, format!("the method returns `{ret}`, found `{}`", v.ty), format!("return a value of type `{ret}`, as the method declares"));
                }
                Some(v)
            }
            None => {
                if ret != Ty::Unit {
                    self.err(Rule::Type, span, format!("`return` without a value in a method returning `{ret}`"), format!("return a value: `return x;` with `x` of type `{ret}`"));
                }
                None
            }
        };
        let me = self.mk(ExprKind::Var(sv), self.vars[sv.0].ty.clone(), span);
        let value = match v {
            Some(v) if ret != Ty::Unit => {
                let t = Ty::Tuple(vec![ret, me.ty.clone()]);
                self.mk(ExprKind::Tuple(vec![v, me]), t, span)
            }
            Some(v) => {
                // `return ();`: the value, then the receiver.
                let line = v.line;
                let ty = me.ty.clone();
                self.mk(ExprKind::Block(Block { stmts: vec![Stmt { kind: StmtKind::Expr(v), line }], tail: Some(Box::new(me)), ty: ty.clone() }), ty, span)
            }
            None => me,
        };
        Some(self.mk(ExprKind::Return(Some(Box::new(value))), Ty::Never, span))
    }

    /// `*self = v` in a `&mut self` method assigns the receiver (the place `self`).
    pub(crate) fn deref_self(lhs: &syn::Expr) -> &syn::Expr {
        match lhs {
            syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) && matches!(&*u.expr, syn::Expr::Path(p) if p.path.is_ident("self")) => &u.expr,
            _ => lhs,
        }
    }
}
