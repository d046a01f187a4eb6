//! `&mut` bindings to places: `for x in v.iter_mut()` (also `&mut v`, `.enumerate()`,
//! `.rev()`, a map's `values_mut()` / `iter_mut()`), `if let Some(x) = map.get_mut(&k)`
//! (also a Vec's `get_mut(i)`, `first_mut()`, `last_mut()`), `let x = &mut v[i];`,
//! `let x = map.get_mut(&k).unwrap();`, and changes through places (`v[i].push(e)`,
//! `x.bump()` for a `&mut self` method, `v[i].bump()`).
//!
//! While a `&mut` binding lives, rustc lets nothing else touch the container it borrows:
//! so the binding is not a value but the place itself, its container in a local and its
//! index (or key) computed once, where Rust computes it (and bounds-checked there, as
//! `IndexMut` panics there). Each use of the binding reads the place again, so a read
//! sees the writes made through it; each write is a place assignment (`lang/places.rs`),
//! which rebuilds the structs and tuples inside a Vec or a map, so a copy of a `Copy`
//! struct taken before keeps its value. A Vec or a map reached through a place has one
//! owner, so it is changed in place.
//!
//! ```lua
//! -- for s in items.iter_mut() { s.count += 1 }
//! for i = 0, #items - 1 do
//!   local place = redlua_checked_add(redlua_index(items, i)[2], 1)
//!   redlua_set_index(items, i, { redlua_index(items, i)[1], place })
//! end
//! ```
//!
//! The binding itself is never a value: `let y = x;` and `x = &mut ..` are refused.

use crate::diag::Rule;
use crate::ir::*;
use crate::lang::places::{place_steps, Anchor, Start};
use crate::lower::{line_of, poison, usize_ty, Lowerer};
use proc_macro2::Span;
use syn::spanned::Spanned;

/// The branch taken when the place is there: an `if let`'s block or a `match` arm's body.
enum Branch<'a> {
    Block(&'a syn::Block),
    Expr(&'a syn::Expr),
}

const NOT_A_VALUE: &str = "a `&mut` binding stands for the place it borrows: use it as `*x`, `x.field`, `x[i]` or a method's receiver (reborrow with `&mut *x`)";

/// `e` without parentheses.
fn bare(e: &syn::Expr) -> &syn::Expr {
    match e {
        syn::Expr::Paren(p) => bare(&p.expr),
        syn::Expr::Group(g) => bare(&g.expr),
        e => e,
    }
}

/// The Rust message of `unwrap()` / `expect("..")` on `None`, when `m` is one of them.
fn unwrap_message(m: &syn::ExprMethodCall) -> Option<String> {
    match (m.method.to_string().as_str(), m.args.first()) {
        ("unwrap", None) => Some("called `Option::unwrap()` on a `None` value".to_string()),
        ("expect", Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }))) if m.args.len() == 1 => Some(s.value()),
        _ => None,
    }
}

/// Whether `a` and `b` read the same element `v[i]` (a variable indexed by a variable
/// or a literal).
fn same_read(a: &Expr, b: &Expr) -> bool {
    let key = |e: &Expr| match &e.kind {
        ExprKind::Index(v, i) => match (&v.kind, &i.kind) {
            (ExprKind::Var(v), ExprKind::Var(i)) => Some((v.0, Some(i.0), 0)),
            (ExprKind::Var(v), ExprKind::Int(n)) => Some((v.0, None, *n)),
            _ => None,
        },
        _ => None,
    };
    key(a).is_some() && key(a) == key(b)
}

impl Lowerer<'_> {
    /// A variable as a value: a `&mut` binding reads its place.
    pub(crate) fn var_expr(&mut self, var: VarId, span: Span) -> Expr {
        match self.mut_refs.get(&var) {
            Some(place) => Expr { span, line: line_of(span), ..place.clone() },
            None => {
                let ty = self.vars[var.0].ty.clone();
                self.mk(ExprKind::Var(var), ty, span)
            }
        }
    }

    /// The `&mut` binding `p` names, if it names one.
    fn binding_of(&self, p: &syn::Expr) -> Option<VarId> {
        let syn::Expr::Path(p) = bare(p) else { return None };
        let var = self.lookup(&p.path.get_ident()?.to_string())?;
        self.mut_refs.contains_key(&var).then_some(var)
    }

    /// Declares `name` as a `&mut` binding to `place`.
    fn bind_place(&mut self, name: &str, place: Expr) -> VarId {
        let var = self.declare(name, place.ty.clone(), false);
        self.mut_refs.insert(var, place);
        var
    }

    /// `e` kept in a new local (a container: the same table, so changes through the
    /// local change the container), unless it is a variable already.
    fn container(&mut self, e: Expr, stmts: &mut Vec<Stmt>) -> Expr {
        if matches!(e.kind, ExprKind::Var(_)) {
            return e;
        }
        // The bounds check of `&mut g[i]` just made: the local's read checks the same.
        if matches!(stmts.last().map(|s| &s.kind), Some(StmtKind::Expr(c)) if same_read(c, &e)) {
            stmts.pop();
        }
        let (s, x) = self.hidden_let("vec", e);
        stmts.push(s);
        x
    }

    /// `e` (an index or a key) computed now, into a local unless it is a literal.
    fn once(&mut self, e: Expr, stmts: &mut Vec<Stmt>) -> Expr {
        if matches!(e.kind, ExprKind::Int(_) | ExprKind::Str(_)) {
            return e;
        }
        let (s, x) = self.hidden_let("at", e);
        stmts.push(s);
        x
    }

    /// The place `e` names, for a `&mut` borrow of it, as an expression that reads it
    /// (its containers in locals, its indices computed and checked now, in Rust's order,
    /// with their statements in `stmts`). `None` after an error.
    pub(crate) fn mut_place(&mut self, e: &syn::Expr, stmts: &mut Vec<Stmt>) -> Option<Expr> {
        let span = e.span();
        match bare(e) {
            syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => self.mut_place(&u.expr, stmts),
            syn::Expr::Path(p) => {
                let name = p.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
                let Some(var) = self.lookup(&name) else {
                    self.err(Rule::UnknownName, span, format!("cannot find variable `{name}`"), format!("declare it first: `let mut {name} = ..;`"));
                    return None;
                };
                if let Some(place) = self.mut_refs.get(&var) {
                    return Some(Expr { span, ..place.clone() });
                }
                if !self.vars[var.0].mutable && self.vars[var.0].ty != Ty::Never {
                    self.err(Rule::Type, span, format!("cannot borrow `{name}` as mutable: it is not declared `mut`"), format!("declare it with `let mut {name}`"));
                }
                let ty = self.vars[var.0].ty.clone();
                Some(self.mk(ExprKind::Var(var), ty, span))
            }
            syn::Expr::Field(f) => {
                let base = self.mut_place(&f.base, stmts)?;
                let (i, ty) = match (&f.member, &base.ty) {
                    (syn::Member::Named(n), Ty::Struct(st)) => match st.fields.iter().position(|(x, _)| n == x) {
                        Some(i) => (i, st.fields[i].1.clone()),
                        None => {
                            let names: Vec<String> = st.fields.iter().map(|(x, _)| format!("`{x}`")).collect();
                            self.err(Rule::Type, n.span(), format!("no field `{n}` on `{}`", st.name), format!("the fields of `{}` are {}", st.name, names.join(", ")));
                            return None;
                        }
                    },
                    (syn::Member::Unnamed(ix), Ty::Tuple(ts)) if (ix.index as usize) < ts.len() => (ix.index as usize, ts[ix.index as usize].clone()),
                    (_, Ty::Never) => return None,
                    (m, t) => {
                        let f = match m {
                            syn::Member::Named(n) => n.to_string(),
                            syn::Member::Unnamed(i) => i.index.to_string(),
                        };
                        self.err(Rule::Type, m.span(), format!("no field `{f}` on `{t}`"), "borrow a field of a struct (`&mut s.field`) or an element of a tuple that has it (`&mut t.0`)");
                        return None;
                    }
                };
                Some(self.mk(ExprKind::TupleField(Box::new(base), i), ty, span))
            }
            syn::Expr::Index(ix) => {
                let base = self.mut_place(&ix.expr, stmts)?;
                let elem = self.element_ty(&base.ty, ix.expr.span())?;
                let vec = self.container(base, stmts);
                let i = self.expr(&ix.index, Some(&usize_ty()));
                if !i.ty.is_int() && i.ty != Ty::Never {
                    let t = i.ty.clone();
                    self.err(Rule::Type, i.span, format!("expected an integer index, found `{t}`"), "index a Vec with an integer (a `usize`)");
                }
                let i = self.once(i, stmts);
                let read = self.mk(ExprKind::Index(Box::new(vec), Box::new(i)), elem, span);
                // `IndexMut` panics here when the index is out of bounds.
                stmts.push(Stmt { kind: StmtKind::Expr(read.clone()), line: line_of(span) });
                Some(read)
            }
            syn::Expr::MethodCall(m) if unwrap_message(m).is_some() => {
                let syn::Expr::MethodCall(get) = bare(&m.receiver) else { return self.not_a_place(e) };
                let msg = unwrap_message(m).unwrap_or_default();
                let (cond, place) = self.opt_place(get, stmts)?;
                // `unwrap()` panics here when there is no such element or key.
                let text = format!("redlua: {msg}{}", self.panic_place(m.method.span()));
                let text = self.mk(ExprKind::Str(text.into_bytes()), Ty::Str, span);
                if let ExprKind::Method(Method::MapGet, _) = &place.kind {
                    let got = Expr { ty: place.ty.clone().option(), ..place.clone() };
                    let check = self.mk(ExprKind::Method(Method::OptionUnwrap, vec![got, text]), place.ty.clone(), span);
                    stmts.push(Stmt { kind: StmtKind::Expr(check), line: line_of(span) });
                    return Some(place);
                }
                let none = self.mk(ExprKind::None, place.ty.clone().option(), span);
                let fail = self.mk(ExprKind::Method(Method::OptionUnwrap, vec![none, text]), place.ty.clone(), span);
                let fail = Block { stmts: vec![Stmt { kind: StmtKind::Expr(fail), line: line_of(span) }], tail: None, ty: Ty::Unit };
                let missing = self.mk(ExprKind::Unary(UnOp::Not, Box::new(cond)), Ty::Bool, span);
                stmts.push(Stmt { kind: StmtKind::Expr(self.mk(ExprKind::If(Box::new(missing), fail, None), Ty::Unit, span)), line: line_of(span) });
                let place = self.at_place(place, stmts);
                Some(place)
            }
            _ => self.not_a_place(e),
        }
    }

    fn not_a_place(&mut self, e: &syn::Expr) -> Option<Expr> {
        self.unsupported(
            e.span(),
            "a `&mut` borrow of this expression",
            "borrow a place: a `let mut` variable, its fields and its Vec elements (`&mut v[i]`, `&mut s.items[j].count`), or `map.get_mut(&k).unwrap()`; keep a computed value in a `let mut` variable first",
        );
        None
    }

    /// The element type of a Vec being indexed through a place.
    fn element_ty(&mut self, t: &Ty, span: Span) -> Option<Ty> {
        match t {
            Ty::Vec(e) if matches!(**e, Ty::Option(_)) => {
                self.err(Rule::UnsupportedType, span, format!("a `&mut` into a `{t}` is not supported"), "such a Vec holds `None` as `false` and is not changed in the body: build a new Vec");
                None
            }
            Ty::Vec(e) if **e != Ty::Never => Some((**e).clone()),
            Ty::Map(_) => {
                self.err(Rule::Type, span, "a `HashMap` cannot be borrowed through an index (Rust has no `IndexMut` for it)", "write `map.get_mut(&k).unwrap()` or `if let Some(x) = map.get_mut(&k) { .. }`");
                None
            }
            Ty::Never => None,
            t => {
                self.err(Rule::Type, span, format!("cannot index `{t}` here"), "only a `Vec` is borrowed through an index: `&mut v[i]`");
                None
            }
        }
    }

    /// `v.get_mut(i)`, `v.first_mut()`, `v.last_mut()`, `map.get_mut(&k)`: whether the
    /// element is there, and its place (valid where it is), with the container and the
    /// index or key in `stmts`. `None` (with an error) for anything else.
    fn opt_place(&mut self, get: &syn::ExprMethodCall, stmts: &mut Vec<Stmt>) -> Option<(Expr, Expr)> {
        let span = get.span();
        let name = get.method.to_string();
        let form = matches!((name.as_str(), get.args.len()), ("get_mut", 1) | ("first_mut" | "last_mut", 0));
        if !form {
            self.unsupported(
                get.method.span(),
                &format!("a `&mut` from `.{name}()`"),
                "the `&mut` bindings are `map.get_mut(&k)`, `v.get_mut(i)`, `v.first_mut()`, `v.last_mut()` (with `if let Some(x) = ..` or `.unwrap()`), `for x in v.iter_mut()` and `&mut place`",
            );
            return None;
        }
        let base = self.mut_place(&get.receiver, stmts)?;
        if let Ty::Map(vt) = base.ty.clone() {
            if name != "get_mut" {
                self.err(Rule::Type, get.method.span(), format!("no method `.{name}()` on `{}`", base.ty), "a map's value is borrowed by its key: `map.get_mut(&k)`");
                return None;
            }
            let map = self.container(base, stmts);
            let key = self.expr(&get.args[0], Some(&Ty::Str));
            if !key.ty.fits(&Ty::Str) {
                let kt = key.ty.clone();
                self.err(Rule::Type, key.span, format!("map keys are strings, found `{kt}`"), "make the key a `String`, e.g. with `.to_string()`");
            }
            let key = self.once(key, stmts);
            let got = self.mk(ExprKind::Method(Method::MapGet, vec![map.clone(), key.clone()]), (*vt).clone().option(), span);
            let cond = self.mk(ExprKind::IsSome(Box::new(got.clone())), Ty::Bool, span);
            // Where the key is known to be there, `map[key]` reads its value.
            return Some((cond, Expr { ty: *vt, ..got }));
        }
        let elem = self.element_ty(&base.ty, get.receiver.span())?;
        let vec = self.container(base, stmts);
        let len = self.mk(ExprKind::Method(Method::VecLen, vec![vec.clone()]), usize_ty(), span);
        let zero = self.mk(ExprKind::Int(0), usize_ty(), span);
        let (cond, i) = match name.as_str() {
            "get_mut" => {
                let i = self.expr(&get.args[0], Some(&usize_ty()));
                if !i.ty.is_int() && i.ty != Ty::Never {
                    let t = i.ty.clone();
                    self.err(Rule::Type, i.span, format!("expected an integer index, found `{t}`"), "index a Vec with an integer (a `usize`)");
                }
                let i = self.once(i, stmts);
                (self.mk(ExprKind::Binary(BinOp::Lt, Box::new(i.clone()), Box::new(len)), Ty::Bool, span), i)
            }
            "first_mut" => (self.mk(ExprKind::Binary(BinOp::Gt, Box::new(len), Box::new(zero.clone())), Ty::Bool, span), zero),
            _ => {
                let one = self.mk(ExprKind::Int(1), usize_ty(), span);
                let last = self.mk(ExprKind::Binary(BinOp::Sub, Box::new(len.clone()), Box::new(one)), usize_ty(), span);
                (self.mk(ExprKind::Binary(BinOp::Gt, Box::new(len), Box::new(zero)), Ty::Bool, span), last)
            }
        };
        Some((cond, self.mk(ExprKind::Index(Box::new(vec), Box::new(i)), elem, span)))
    }

    /// The place `p` from [`Lowerer::opt_place`], once it is known to be there: a last
    /// index computed into a local.
    fn at_place(&mut self, p: Expr, stmts: &mut Vec<Stmt>) -> Expr {
        match p.kind {
            ExprKind::Index(v, i) if matches!(i.kind, ExprKind::Binary(..)) => {
                let i = self.once(*i, stmts);
                Expr { kind: ExprKind::Index(v, Box::new(i)), ..p }
            }
            kind => Expr { kind, ..p },
        }
    }

    /// The statements of `let ..;`: a `&mut` binding (`let x = &mut place;`,
    /// `let x = map.get_mut(&k).unwrap();`) is bound to its place.
    pub(crate) fn local_stmts(&mut self, l: &syn::Local) -> Vec<Stmt> {
        let (Some(init), syn::Pat::Ident(pi)) = (&l.init, &l.pat) else { return self.local(l).into_iter().collect() };
        if init.diverge.is_some() || pi.by_ref.is_some() || pi.subpat.is_some() {
            return self.local(l).into_iter().collect();
        }
        let name = pi.ident.to_string();
        let borrow = match bare(&init.expr) {
            syn::Expr::Reference(r) if r.mutability.is_some() => Some(&*r.expr),
            syn::Expr::MethodCall(m) if unwrap_message(m).is_some() && matches!(bare(&m.receiver), syn::Expr::MethodCall(g) if g.method.to_string().ends_with("_mut")) => Some(&*init.expr),
            e => {
                if self.binding_of(e).is_some() {
                    self.unsupported(e.span(), "moving a `&mut` binding into another name", NOT_A_VALUE);
                    self.declare(&name, Ty::Never, true);
                    return Vec::new();
                }
                None
            }
        };
        let Some(place) = borrow else { return self.local(l).into_iter().collect() };
        let mut stmts = Vec::new();
        match self.mut_place(place, &mut stmts) {
            Some(p) => {
                self.bind_place(&name, p);
            }
            None => {
                self.declare(&name, Ty::Never, true);
            }
        }
        stmts
    }

    /// `x = ..` where `x` is a `&mut` binding: refused (`None` for anything else).
    pub(crate) fn rebind_refused(&mut self, lhs: &syn::Expr) -> Option<Option<Stmt>> {
        self.binding_of(lhs)?;
        self.unsupported(lhs.span(), "assigning another reference to a `&mut` binding", "assign the place it borrows (`*x = ..`), or bind a new name: `let y = &mut b;`");
        Some(None)
    }

    /// An assignment through a `&mut` binding (`*x op= e`, `x.f op= e`, `x[j] = e`):
    /// `None` when `lhs` does not start at one.
    pub(crate) fn assign_through(&mut self, lhs: &syn::Expr, rhs: &syn::Expr, op: Option<BinOp>, span: Span, line: u32) -> Option<Option<Stmt>> {
        if let Some(refused) = self.rebind_refused(lhs) {
            return Some(refused);
        }
        let (root, steps) = place_steps(lhs)?;
        let is_deref = matches!(bare(lhs), syn::Expr::Unary(_));
        let var = self.binding_of(&syn::Expr::Path(root.clone()))?;
        if steps.is_empty() && !is_deref {
            return None;
        }
        let place = self.mut_refs.get(&var)?.clone();
        let start = self.start_of(place);
        Some(self.assign_steps(start, &steps, lhs, rhs, op, span, line).flatten())
    }

    /// `*v.get_mut(i).unwrap() op= e`, `*v.last_mut().unwrap() = e` (or `.expect("..")`,
    /// `first_mut()`): in Rust's order, the value first (but after the place for a
    /// String's `+=`, a method), then the index, the panic of a missing element, the place.
    pub(crate) fn assign_unwrapped(&mut self, unwrap: &syn::Expr, rhs: &syn::Expr, op: Option<BinOp>, span: Span, line: u32) -> Option<Stmt> {
        let mut reach = Vec::new();
        let place = self.mut_place(unwrap, &mut reach)?;
        let want = place.ty.clone();
        let value = self.expr(rhs, Some(&want));
        let mut stmts = Vec::new();
        let new = if op.is_some() && want == Ty::Str {
            stmts.append(&mut reach);
            let (s, cur) = self.hidden_let("place", place.clone());
            stmts.push(s);
            self.compound(BinOp::Add, cur, value, span)
        } else {
            // Kept in a local: the index that follows may change what the value reads.
            let value = self.once(value, &mut stmts);
            stmts.append(&mut reach);
            match op {
                Some(op) => self.compound(op, place.clone(), value, span),
                None => value,
            }
        };
        if want != Ty::Never && !new.ty.fits(&want) {
            self.err(Rule::Type, new.span, format!("expected `{want}`, found `{}`", new.ty), "");
        }
        self.store_place(&place, new, &mut stmts);
        let block = Block { stmts, tail: None, ty: Ty::Unit };
        Some(Stmt { kind: StmtKind::Expr(self.mk(ExprKind::Block(block), Ty::Unit, span)), line })
    }

    /// The anchor, root and frames of the place `p` reads (see [`Lowerer::mut_place`]).
    fn start_of(&mut self, p: Expr) -> Start {
        let mut fields = Vec::new();
        let mut base = &p;
        while let ExprKind::TupleField(inner, i) = &base.kind {
            fields.push(*i);
            base = inner;
        }
        let (var, anchor) = match &base.kind {
            ExprKind::Var(v) => (*v, Anchor::Root),
            ExprKind::Index(vec, i) => match vec.kind {
                ExprKind::Var(v) => (v, Anchor::Slot(v, (**i).clone())),
                _ => (VarId(0), Anchor::Root),
            },
            ExprKind::Method(Method::MapGet, mk) if mk.len() == 2 => match mk[0].kind {
                ExprKind::Var(v) => (v, Anchor::Key(mk[0].clone(), mk[1].clone())),
                _ => (VarId(0), Anchor::Root),
            },
            _ => (VarId(0), Anchor::Root),
        };
        let mut frames = Vec::new();
        let mut cur = base.clone();
        for i in fields.into_iter().rev() {
            let ty = match &cur.ty {
                Ty::Struct(st) => st.fields.get(i).map(|f| f.1.clone()).unwrap_or(Ty::Never),
                Ty::Tuple(ts) => ts.get(i).cloned().unwrap_or(Ty::Never),
                _ => Ty::Never,
            };
            frames.push((cur.clone(), i));
            cur = self.mk(ExprKind::TupleField(Box::new(cur), i), ty, p.span);
        }
        Start { var, cur, anchor, frames }
    }

    /// The statements that store `new` into the place `p` reads (see
    /// [`Lowerer::mut_place`]): a Vec slot or a map key takes it, a field of a struct
    /// variable is assigned in place, any other struct or tuple is rebuilt.
    pub(crate) fn store_place(&mut self, p: &Expr, new: Expr, stmts: &mut Vec<Stmt>) {
        let line = p.line;
        match &p.kind {
            ExprKind::Var(v) => stmts.push(Stmt { kind: StmtKind::Assign(*v, new), line }),
            ExprKind::TupleField(agg, i) => match agg.kind {
                ExprKind::Var(v) if matches!(self.vars[v.0].ty, Ty::Struct(_)) => stmts.push(Stmt { kind: StmtKind::AssignField(v, *i, new), line }),
                _ => {
                    let rebuilt = self.rebuild((**agg).clone(), *i, new, p.span);
                    self.store_place(agg, rebuilt, stmts);
                }
            },
            ExprKind::Index(vec, i) => {
                let vec = self.container((**vec).clone(), stmts);
                if let ExprKind::Var(v) = vec.kind {
                    stmts.push(Stmt { kind: StmtKind::AssignIndex(v, (**i).clone(), new), line });
                }
            }
            ExprKind::Method(Method::MapGet, mk) if mk.len() == 2 => {
                let vt = new.ty.clone().option();
                let insert = self.mk(ExprKind::Method(Method::MapInsert, vec![mk[0].clone(), mk[1].clone(), new]), vt, p.span);
                stmts.push(Stmt { kind: StmtKind::Expr(insert), line });
            }
            _ => {
                self.err(Rule::Unsupported, p.span, "changing this place", "change a `let mut` variable, its fields or its elements");
            }
        }
    }

    /// `for x in v.iter_mut()` (`&mut v`, `.enumerate()`, `.rev()`; a map's
    /// `values_mut()`, `iter_mut()`, `&mut map`): `None` for any other loop.
    pub(crate) fn for_mut(&mut self, f: &syn::ExprForLoop) -> Option<Expr> {
        let span = f.span();
        let mut it = bare(&f.expr);
        let (mut enumerate, mut rev) = (false, false);
        loop {
            match it {
                syn::Expr::MethodCall(m) if m.method == "enumerate" && m.args.is_empty() && !enumerate && !rev => enumerate = true,
                syn::Expr::MethodCall(m) if m.method == "rev" && m.args.is_empty() && !rev => rev = true,
                _ => break,
            }
            let syn::Expr::MethodCall(m) = it else { break };
            it = bare(&m.receiver);
        }
        let (container, method) = match it {
            syn::Expr::Reference(r) if r.mutability.is_some() => (&*r.expr, "iter_mut".to_string()),
            syn::Expr::MethodCall(m) if m.args.is_empty() && (m.method == "iter_mut" || m.method == "values_mut") => (&*m.receiver, m.method.to_string()),
            _ => return None,
        };
        if enumerate && rev {
            return Some(self.unsupported(f.expr.span(), "`.rev()` with `.enumerate()` over `iter_mut()`", "loop over the indices: `for i in (0..v.len()).rev() { let x = &mut v[i]; .. }`"));
        }
        let mut stmts = Vec::new();
        let Some(base) = self.mut_place(container, &mut stmts) else { return Some(poison(span)) };
        if let Ty::Map(vt) = base.ty.clone() {
            return Some(self.for_map_mut(f, base, (*vt).clone(), method == "values_mut", enumerate || rev, stmts));
        }
        if method == "values_mut" {
            return Some(self.unsupported(f.expr.span(), &format!("`.values_mut()` on `{}`", base.ty), "iterate a Vec with `.iter_mut()`"));
        }
        let Some(elem) = self.element_ty(&base.ty, container.span()) else { return Some(poison(span)) };
        let vec = self.container(base, &mut stmts);
        // The pattern: `x`, or `(i, x)` with `.enumerate()`.
        let (index_pat, elem_pat) = match (&*f.pat, enumerate) {
            (syn::Pat::Tuple(t), true) if t.elems.len() == 2 => (Some(&t.elems[0]), &t.elems[1]),
            (p, false) => (None, p),
            (p, true) => return Some(self.unsupported(p.span(), "this pattern over `.iter_mut().enumerate()`", "bind the index and the element: `for (i, x) in v.iter_mut().enumerate()`")),
        };
        let syn::Pat::Ident(x) = elem_pat else {
            return Some(self.unsupported(elem_pat.span(), "this pattern over `iter_mut()`", "bind a plain name: `for x in v.iter_mut()`, then use `*x`, `x.field`"));
        };
        self.scopes.push(Vec::new());
        let idx = self.hidden_var("idx", usize_ty());
        let at = self.mk(ExprKind::Var(idx), usize_ty(), f.pat.span());
        let mut pre = Vec::new();
        match index_pat {
            Some(syn::Pat::Ident(pi)) => {
                let i = self.declare(&pi.ident.to_string(), usize_ty(), pi.mutability.is_some());
                pre.push(Stmt { kind: StmtKind::Let(i, at.clone()), line: line_of(pi.span()) });
            }
            Some(syn::Pat::Wild(_)) | None => {}
            Some(p) => {
                self.scopes.pop();
                return Some(self.unsupported(p.span(), "this pattern for the index", "bind the index with a plain name: `for (i, x) in v.iter_mut().enumerate()`"));
            }
        }
        let read = self.mk(ExprKind::Index(Box::new(vec.clone()), Box::new(at)), elem, x.ident.span());
        let (body, id) = self.mut_loop_body(f, &x.ident, read, pre);
        let start = self.mk(ExprKind::Int(0), usize_ty(), span);
        let end = self.mk(ExprKind::Method(Method::VecLen, vec![vec]), usize_ty(), span);
        let fr = ForRange { var: idx, start, end, inclusive: false, rev, rev_first: false, step: None, body, id };
        let e = self.mk(ExprKind::ForRange(Box::new(fr)), Ty::Unit, span);
        let e = self.end_loop(id, e);
        Some(self.with_stmts(stmts, e))
    }

    /// The body of a loop over `&mut` places: `name` bound to the place `read`, the body
    /// lowered as a loop's, its scope closed, and the statements `pre` put before it.
    fn mut_loop_body(&mut self, f: &syn::ExprForLoop, name: &syn::Ident, read: Expr, mut pre: Vec<Stmt>) -> (Block, LoopId) {
        self.bind_place(&name.to_string(), read);
        let id = self.new_loop(f.label.as_ref());
        let mut body = self.block(&f.body, Some(&Ty::Unit));
        self.loops.pop();
        self.scopes.pop();
        self.unit_body(&body);
        pre.append(&mut body.stmts);
        body.stmts = pre;
        (body, id)
    }

    /// `for (k, v) in map.iter_mut()` / `&mut map`, `for v in map.values_mut()`.
    fn for_map_mut(&mut self, f: &syn::ExprForLoop, base: Expr, vt: Ty, values: bool, adapted: bool, mut stmts: Vec<Stmt>) -> Expr {
        let span = f.span();
        if adapted {
            return self.unsupported(f.expr.span(), "`.enumerate()` / `.rev()` over a map", "loop over the map itself: `for (k, v) in map.iter_mut()`");
        }
        let (key_pat, val_pat) = match (&*f.pat, values) {
            (syn::Pat::Tuple(t), false) if t.elems.len() == 2 => (Some(&t.elems[0]), &t.elems[1]),
            (p, true) => (None, p),
            (p, false) => return self.unsupported(p.span(), "this pattern over a map", "bind the key and the value: `for (k, v) in map.iter_mut()`"),
        };
        let syn::Pat::Ident(x) = val_pat else {
            return self.unsupported(val_pat.span(), "this pattern for a map's value", "bind a plain name, then use `*v`, `v.field`");
        };
        let map = self.container(base, &mut stmts);
        self.scopes.push(Vec::new());
        let key = match key_pat {
            Some(syn::Pat::Ident(pi)) => self.declare(&pi.ident.to_string(), Ty::Str, pi.mutability.is_some()),
            Some(syn::Pat::Wild(_)) | None => self.hidden_var("k", Ty::Str),
            Some(p) => {
                self.scopes.pop();
                return self.unsupported(p.span(), "this pattern for the key", "bind the key with a plain name: `for (k, v) in map.iter_mut()`");
            }
        };
        // The key's own variable may be assigned in the body: the place keeps a copy.
        let k = self.hidden_var("key", Ty::Str);
        let kv = self.mk(ExprKind::Var(key), Ty::Str, f.pat.span());
        let pre = vec![Stmt { kind: StmtKind::Let(k, kv), line: line_of(f.pat.span()) }];
        let value = self.hidden_var("value", vt.clone());
        let kx = self.mk(ExprKind::Var(k), Ty::Str, span);
        let read = self.mk(ExprKind::Method(Method::MapGet, vec![map.clone(), kx]), vt, x.ident.span());
        let (body, id) = self.mut_loop_body(f, &x.ident, read, pre);
        let e = self.mk(ExprKind::ForMap(key, value, Box::new(map), body, id), Ty::Unit, span);
        let e = self.end_loop(id, e);
        self.with_stmts(stmts, e)
    }

    /// `e` after `stmts` (as one block when there are any).
    fn with_stmts(&mut self, stmts: Vec<Stmt>, e: Expr) -> Expr {
        if stmts.is_empty() {
            return e;
        }
        let (ty, span) = (e.ty.clone(), e.span);
        self.mk(ExprKind::Block(Block { stmts, tail: Some(Box::new(e)), ty: ty.clone() }), ty, span)
    }

    /// `if let Some(x) = v.get_mut(i) { .. } else { .. }` (and `map.get_mut(&k)`,
    /// `first_mut()`, `last_mut()`): `None` for any other `if let`.
    pub(crate) fn if_let_mut(&mut self, i: &syn::ExprIf, l: &syn::ExprLet, expect: Option<&Ty>) -> Option<Expr> {
        let syn::Expr::MethodCall(get) = bare(&l.expr) else { return None };
        if !matches!(get.method.to_string().as_str(), "get_mut" | "first_mut" | "last_mut") {
            return None;
        }
        let els = i.else_branch.as_ref().map(|(_, e)| &**e);
        Some(self.opt_branches(get, &l.pat, Branch::Block(&i.then_branch), els, expect, i.span()))
    }

    /// `match v.get_mut(i) { Some(x) => .., None => .. }` (either order, `_` for `None`;
    /// `map.get_mut(&k)`, `first_mut()`, `last_mut()` too): `None` for any other `match`.
    pub(crate) fn match_mut(&mut self, m: &syn::ExprMatch, expect: Option<&Ty>) -> Option<Expr> {
        let syn::Expr::MethodCall(get) = bare(&m.expr) else { return None };
        if !matches!(get.method.to_string().as_str(), "get_mut" | "first_mut" | "last_mut") || m.arms.len() != 2 || m.arms.iter().any(|a| a.guard.is_some()) {
            return None;
        }
        let is_some = |p: &syn::Pat| matches!(p, syn::Pat::TupleStruct(ts) if ts.path.is_ident("Some"));
        let is_none = |p: &syn::Pat| matches!(p, syn::Pat::Wild(_)) || matches!(p, syn::Pat::Ident(pi) if pi.ident == "None");
        let (some, none) = match (&m.arms[0], &m.arms[1]) {
            (a, b) if is_some(&a.pat) && is_none(&b.pat) => (a, b),
            (a, b) if is_none(&a.pat) && is_some(&b.pat) => (b, a),
            _ => return None,
        };
        Some(self.opt_branches(get, &some.pat, Branch::Expr(&some.body), Some(&none.body), expect, m.span()))
    }

    /// The two branches over an optional place: `then` with `pat` (`Some(x)`) bound to the
    /// place when it is there, `els` otherwise.
    fn opt_branches(&mut self, get: &syn::ExprMethodCall, pat: &syn::Pat, then: Branch<'_>, els: Option<&syn::Expr>, expect: Option<&Ty>, span: Span) -> Expr {
        let x = match pat {
            syn::Pat::TupleStruct(ts) if ts.path.is_ident("Some") && ts.elems.len() == 1 => match &ts.elems[0] {
                syn::Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => pi.ident.to_string(),
                syn::Pat::Wild(_) => "_".to_string(),
                p => return self.unsupported(p.span(), "this pattern for a `&mut` binding", "bind a plain name: `Some(x)`, then use `*x`, `x.field`"),
            },
            p => return self.unsupported(p.span(), "this pattern over a `get_mut`", "write `if let Some(x) = ..`; to test that a key is absent, `!map.contains_key(&k)`"),
        };
        let mut stmts = Vec::new();
        let Some((cond, place)) = self.opt_place(get, &mut stmts) else { return poison(span) };
        self.scopes.push(Vec::new());
        let mut pre = Vec::new();
        let place = self.at_place(place, &mut pre);
        self.bind_place(&x, place);
        let (mut then, then_span) = match then {
            Branch::Block(b) => (self.block(b, expect), b.span()),
            Branch::Expr(e) => {
                let e = self.expr(e, expect);
                let ty = e.ty.clone();
                (Block { stmts: Vec::new(), tail: Some(Box::new(e)), ty }, span)
            }
        };
        self.scopes.pop();
        pre.append(&mut then.stmts);
        then.stmts = pre;
        let els = els.map(|e| {
            let want = if then.ty != Ty::Never { Some(then.ty.clone()) } else { expect.cloned() };
            Box::new(self.expr(e, want.as_ref()))
        });
        let ty = match &els {
            None => {
                if !matches!(then.ty, Ty::Unit | Ty::Never) {
                    self.err(Rule::Type, then_span, "`if let` without `else` must not produce a value", "add an `else` branch");
                }
                Ty::Unit
            }
            Some(e) => self.join(Some(then.ty.clone()), e),
        };
        let e = self.mk(ExprKind::If(Box::new(cond), then, els), ty, span);
        self.with_stmts(stmts, e)
    }

    /// A method that changes its receiver, called on a place reached through a `&mut`
    /// binding, a field or an element (`x.push(e)`, `v[i].push(e)`, `x.bump()`,
    /// `v[i].bump()`, `x.push_str(s)`): `None` for any other call.
    pub(crate) fn mut_ref_method(&mut self, m: &syn::ExprMethodCall) -> Option<Expr> {
        let name = m.method.to_string();
        let recv = bare(&m.receiver);
        // `v.iter_mut()` and friends anywhere but the forms above.
        if matches!(name.as_str(), "iter_mut" | "get_mut" | "first_mut" | "last_mut" | "values_mut") {
            let hint = "a `&mut` binding is made by `for x in v.iter_mut()` (or `&mut v`, `.enumerate()`, a map's `values_mut()`), `if let Some(x) = map.get_mut(&k)` or `match map.get_mut(&k) { Some(x) => .., None => .. }` (also a Vec's `get_mut(i)`, `first_mut()`, `last_mut()`), `let x = &mut v[i];` or `let x = map.get_mut(&k).unwrap();`";
            return Some(self.unsupported(m.method.span(), &format!("`.{name}()` outside the forms of a `&mut` binding"), hint));
        }
        let through_binding = place_steps(recv).is_some_and(|(root, _)| self.binding_of(&syn::Expr::Path(root.clone())).is_some());
        let through_place = through_binding || matches!(recv, syn::Expr::Index(_) | syn::Expr::Field(_)) && place_steps(recv).is_some();
        let get_unwrap = matches!(recv, syn::Expr::MethodCall(u) if unwrap_message(u).is_some() && matches!(bare(&u.receiver), syn::Expr::MethodCall(g) if g.method.to_string().ends_with("_mut")));
        if !(through_place || get_unwrap) || !self.changes_receiver(&name, m.args.len()) {
            return None;
        }
        let span = m.span();
        let mut stmts = Vec::new();
        let Some(place) = self.mut_place(recv, &mut stmts) else { return Some(poison(span)) };
        let e = match place.ty.clone() {
            t if self.has_method(&t, &name) => match self.method_args(place.clone(), m, span) {
                // `x.bump()`: the helper's changed receiver is stored back into the place.
                Some((i, es, _, true)) => self.store_back(&place, i, es, &mut stmts),
                Some((i, es, _, false)) => {
                    let ret = self.ctx.fns[i].ret.clone();
                    self.mk(ExprKind::CallHelper(i, es), ret, span)
                }
                None => poison(span),
            },
            Ty::Str if matches!(name.as_str(), "push_str" | "push") => {
                // `x.push_str(s)`: the place takes the longer string.
                let t = match m.args.first() {
                    Some(a) if m.args.len() == 1 => self.expr(a, Some(&Ty::Str)),
                    _ => return Some(self.arity(span, &name, 1)),
                };
                if !t.ty.fits(&Ty::Str) {
                    let ty = t.ty.clone();
                    self.err(Rule::Type, t.span, format!("expected `&str`, found `{ty}`"), "");
                }
                let t = self.once(t, &mut stmts);
                let joined = self.mk(ExprKind::Method(Method::StrConcat, vec![place.clone(), t]), Ty::Str, span);
                self.store_place(&place, joined, &mut stmts);
                self.mk(ExprKind::Unit, Ty::Unit, span)
            }
            Ty::Vec(_) | Ty::Map(_) => {
                // The Vec or map has one owner: changed in place, through a local that
                // holds the same table.
                let ty = place.ty.clone();
                let table = self.hidden_var("vec", ty.clone());
                stmts.push(Stmt { kind: StmtKind::Let(table, place), line: line_of(span) });
                let recv = self.mk(ExprKind::Var(table), ty, m.receiver.span());
                self.library_method(m, recv, None)
            }
            Ty::Never => poison(span),
            t => self.unsupported(m.method.span(), &format!("`.{name}()` on a `{t}` place"), &format!("`.{name}()` changes a Vec, a map or a String; this place holds a `{t}`")),
        };
        Some(self.with_stmts(stmts, e))
    }

    /// Whether `.name(..)` with `argc` arguments may change its receiver: a `&mut self`
    /// method of the module, or a method of a Vec, a map or a String that does.
    fn changes_receiver(&self, name: &str, argc: usize) -> bool {
        let builtin = [Ty::Vec(Box::new(Ty::Int)), Ty::Vec(Box::new(Ty::Str)), Ty::Map(Box::new(Ty::Int))]
            .iter()
            .any(|t| crate::builtins::find(t, name, argc).is_some_and(|(row, _)| row.has(crate::builtins::CHANGES)));
        builtin || matches!(name, "push" | "insert" | "retain" | "sort_by_key" | "push_str") || self.any_mut_method(name)
    }

    /// The call of helper `i` of a `&mut self` method (whose value is the changed
    /// receiver, or `(value, receiver)`) with the receiver stored into `place`.
    fn store_back(&mut self, place: &Expr, i: usize, es: Vec<Expr>, stmts: &mut Vec<Stmt>) -> Expr {
        let span = es.first().map_or(place.span, |e| e.span);
        let ret = self.ctx.fns[i].ret.clone();
        let call = self.mk(ExprKind::CallHelper(i, es), ret.clone(), span);
        match &ret {
            Ty::Tuple(parts) if parts.len() == 2 => {
                let (s, r) = self.hidden_let("ret", call);
                stmts.push(s);
                let changed = self.mk(ExprKind::TupleField(Box::new(r.clone()), 1), parts[1].clone(), span);
                self.store_place(place, changed, stmts);
                self.mk(ExprKind::TupleField(Box::new(r), 0), parts[0].clone(), span)
            }
            _ => {
                self.store_place(place, call, stmts);
                self.mk(ExprKind::Unit, Ty::Unit, span)
            }
        }
    }
}
