//! Strings and collections: `Vec` (`vec![..]`, `Vec::new()`, indexing, `v[i] = x`),
//! `HashMap` / `HashSet` (`new`, the `entry` idiom), and the library methods of `String`,
//! `Vec`, `HashMap`, the numbers and `Option` that the table of `builtins.rs` describes.
//!
//! A `Vec` is a Lua array (index `i` is `t[i + 1]`, bounds checked like Rust's); a map a
//! Lua table keyed by the Rust key. A builtin method is looked up in
//! [`crate::builtins`] by lowering and emitted from its row by codegen ([`MethodOut`]).

use crate::builtins;
use crate::codegen::*;
use crate::diag::Rule;
use crate::ir::{self, *};
use crate::lower::{line_of, poison, usize_ty, Lowerer};
use crate::lua::{Expr as L, Stmt as LS};
use crate::lualib::Helper;
use proc_macro2::Span;
use syn::spanned::Spanned;

impl Lowerer<'_> {
    pub(crate) fn empty_collection(&mut self, what: &str, expect: Option<&Ty>, span: Span) -> Expr {
        if what == "String" {
            return self.mk(ExprKind::Str(Vec::new()), Ty::Str, span);
        }
        if what == "HashMap" {
            // The value type comes from the annotation or from the first insert.
            let t = match expect {
                Some(t @ Ty::Map(_)) => t.clone(),
                _ => Ty::Map(Box::new(Ty::Never)),
            };
            return self.mk(ExprKind::VecLit(Vec::new()), t, span);
        }
        match expect {
            Some(t @ Ty::Vec(_)) => self.mk(ExprKind::VecLit(Vec::new()), t.clone(), span),
            // The element type is learnt from the first `push` (as rustc infers it).
            _ => self.mk(ExprKind::VecLit(Vec::new()), Ty::Vec(Box::new(Ty::Never)), span),
        }
    }

    pub(crate) fn vec_macro(&mut self, mac: &syn::Macro, span: Span) -> Expr {
        // `vec![x; n]`: n copies of x.
        let body = &mac.tokens;
        if let Ok(syn::Expr::Repeat(r)) = syn::parse2::<syn::Expr>(quote::quote!([#body])) {
            let x = self.expr(&r.expr, None);
            let n = self.expr(&r.len, Some(&usize_ty()));
            if !n.ty.is_int() && n.ty != Ty::Never {
                let t = n.ty.clone();
                self.err(Rule::Type, n.span, format!("expected a length, found `{t}`"), "the length of `vec![x; n]` is an integer (a `usize`)");
            }
            if matches!(x.ty, Ty::Option(_) | Ty::Result(_) | Ty::Unit | Ty::Reject) {
                let t = x.ty.clone();
                self.err(Rule::UnsupportedType, span, format!("`Vec<{t}>` is not supported"), "Lua arrays end at the first nil: a Vec cannot hold `None`");
            }
            let ty = Ty::Vec(Box::new(x.ty.clone()));
            return self.mk(ExprKind::Method(Method::VecFill, vec![x, n]), ty, span);
        }
        let elems = match mac.parse_body_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated) {
            Ok(p) => p,
            Err(_) => return self.unsupported(crate::lower::macro_args_span(mac), "this form of `vec!`", "list the elements: `vec![a, b, c]`"),
        };
        if elems.is_empty() {
            return self.unsupported(span, "an empty `vec![]`", "write `Vec::new()`, with the type on the binding: `let v: Vec<i64> = Vec::new();`");
        }
        let mut es = Vec::new();
        let mut ty: Option<Ty> = None;
        for e in &elems {
            let x = self.expr(e, ty.as_ref());
            ty = Some(self.join(ty, &x));
            es.push(x);
        }
        let elem = ty.unwrap_or(Ty::Never);
        if matches!(elem, Ty::Option(_) | Ty::Result(_) | Ty::Unit | Ty::Reject) {
            self.err(Rule::UnsupportedType, span, format!("`Vec<{elem}>` is not supported"), "Lua arrays end at the first nil: a Vec cannot hold `None`");
        }
        self.mk(ExprKind::VecLit(es), Ty::Vec(Box::new(elem)), span)
    }

    pub(crate) fn index(&mut self, i: &syn::ExprIndex) -> Expr {
        let span = i.span();
        let base = self.expr(&i.expr, None);
        if let (Ty::Str | Ty::Vec(_), syn::Expr::Range(r)) = (&base.ty, &*i.index) {
            // `&s[a..b]`, `&s[a..]`, `&s[..b]`, `&s[a..=b]`: byte offsets, as in Rust.
            let start = match &r.start {
                Some(a) => self.expr(a, Some(&usize_ty())),
                None => self.mk(ExprKind::Int(0), usize_ty(), span),
            };
            let end = match &r.end {
                Some(b) => {
                    let e = self.expr(b, Some(&usize_ty()));
                    if matches!(r.limits, syn::RangeLimits::Closed(_)) {
                        let one = self.mk(ExprKind::Int(1), Ty::Int, span);
                        self.arith(BinOp::Add, e, one, span)
                    } else {
                        e
                    }
                }
                None => self.mk(ExprKind::None, usize_ty().option(), span),
            };
            for x in [&start, &end] {
                if !x.ty.is_int() && !matches!(&x.ty, Ty::Option(t) if t.is_int()) && x.ty != Ty::Never {
                    let t = x.ty.clone();
                    self.err(Rule::Type, x.span, format!("expected a byte offset, found `{t}`"), "slice with integer (`usize`) offsets: `&s[a..b]`");
                }
            }
            // A Vec's slice is a new array: the Vec cannot change while the slice is
            // borrowed, so a copy reads the same.
            let (m, ty) = if base.ty == Ty::Str { (Method::StrSlice, Ty::Str) } else { (Method::VecSlice, base.ty.clone()) };
            return self.mk(ExprKind::Method(m, vec![base, start, end]), ty, span);
        }
        if let Ty::Map(_) = &base.ty {
            return self.map_index(base, &i.index, span);
        }
        let idx = self.expr(&i.index, Some(&usize_ty()));
        if !idx.ty.is_int() && idx.ty != Ty::Never {
            let t = idx.ty.clone();
            self.err(Rule::Type, idx.span, format!("expected an integer index, found `{t}`"), "index a Vec with an integer (a `usize`); to look values up by a string, use a `HashMap<String, _>`");
        }
        match &base.ty {
            Ty::Vec(t) => {
                let t = (**t).clone();
                self.mk(ExprKind::Index(Box::new(base), Box::new(idx)), t, span)
            }
            Ty::Never => base,
            other => {
                let t = other.clone();
                self.err(Rule::Unsupported, span, format!("indexing `{t}` is not supported"), "index a `Vec`");
                poison(span)
            }
        }
    }

    /// `x = e` / `x op= e` as an expression of type `()`.
    pub(crate) fn assignment_expr(&mut self, e: &syn::Expr, span: Span) -> Expr {
        let Some(st) = self.assignment(e) else { return crate::lower::poison(span) };
        let block = Block { stmts: vec![st], tail: None, ty: Ty::Unit };
        self.mk(ExprKind::Block(block), Ty::Unit, span)
    }

    pub(crate) fn assign_index(&mut self, ix: &syn::ExprIndex, rhs: &syn::Expr, line: u32) -> Option<Stmt> {
        let syn::Expr::Path(p) = &*ix.expr else {
            self.unsupported(ix.span(), "assigning into this place", "assign into a `let mut` Vec variable");
            return None;
        };
        let name = p.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
        let Some(var) = self.lookup(&name) else {
            self.err(Rule::UnknownName, p.span(), format!("cannot find variable `{name}`"), format!("declare it first: `let mut {name} = vec![..];`"));
            return None;
        };
        let v = self.vars[var.0].clone();
        let Ty::Vec(elem) = v.ty.clone() else {
            if let Ty::Map(_) = v.ty {
                self.err(Rule::Type, ix.span(), "a `HashMap` cannot be assigned through an index (Rust has no `IndexMut` for it)", "write `map.insert(k, v)`, or `*map.get_mut(&k).unwrap() = v`");
                return None;
            }
            self.err(Rule::Type, p.span(), format!("cannot index `{}`", v.ty), "only a `Vec` is assigned through an index: `v[i] = x` on a `let mut` Vec");
            return None;
        };
        if let Ty::Option(_) = &*elem {
            self.err(Rule::UnsupportedType, ix.span(), format!("assigning into a `Vec<{elem}>`"), "such a Vec holds `None` as `false` and is not changed in the body: build a new Vec");
            return None;
        }
        if !v.mutable {
            self.err(Rule::Type, p.span(), format!("cannot assign into immutable `{name}`"), format!("declare it with `let mut {name}`"));
        }
        let idx = self.expr(&ix.index, Some(&usize_ty()));
        if !idx.ty.is_int() && idx.ty != Ty::Never {
            let t = idx.ty.clone();
            self.err(Rule::Type, idx.span, format!("expected an integer index, found `{t}`"), "index a Vec with an integer (a `usize`); to look values up by a string, use a `HashMap<String, _>`");
        }
        let val = self.expr(rhs, Some(&elem));
        if !val.ty.fits(&elem) {
            self.err(Rule::Type, val.span, format!("expected `{elem}`, found `{}`", val.ty), "");
        }
        Some(Stmt { kind: StmtKind::AssignIndex(var, idx, val), line })
    }

    /// A method of a `String`, `Vec`, `HashMap`, integer, `f64` or `Option`: a row of
    /// the table of builtins ([`crate::builtins`]), or one of the methods below that are
    /// not one call with fixed types.
    pub(crate) fn library_method(&mut self, m: &syn::ExprMethodCall, recv: Expr, _expect: Option<&Ty>) -> Expr {
        let span = m.span();
        let name = m.method.to_string();
        let rty = recv.ty.clone();
        let argc = m.args.len();
        match (&rty, name.as_str(), argc) {
            (Ty::Map(t), "insert", 2) => {
                let k = self.expr(&m.args[0], Some(&Ty::Str));
                let want = if **t == Ty::Never { None } else { Some((**t).clone()) };
                let v = self.expr(&m.args[1], want.as_ref());
                let vt = if **t == Ty::Never { v.ty.clone() } else { (**t).clone() };
                if **t == Ty::Never {
                    if let ExprKind::Var(var) = &recv.kind {
                        self.vars[var.0].ty = Ty::Map(Box::new(vt.clone()));
                    }
                } else if !v.ty.fits(&vt) {
                    self.err(Rule::Type, v.span, format!("expected `{vt}`, found `{}`", v.ty), "");
                }
                if !k.ty.fits(&Ty::Str) {
                    let kt = k.ty.clone();
                    self.err(Rule::Type, k.span, format!("map keys are strings, found `{kt}`"), "make the key a `String`, e.g. with `.to_string()`");
                }
                if !matches!(&recv.kind, ExprKind::Var(var) if self.vars[var.0].mutable) {
                    self.err(Rule::Type, recv.span, "`.insert()` changes the map: it must be a `let mut` variable", "declare it with `let mut`");
                }
                let recv = Expr { ty: Ty::Map(Box::new(vt.clone())), ..recv };
                return self.mk(ExprKind::Method(Method::MapInsert, vec![recv, k, v]), vt.option(), span);
            }
            (Ty::Map(_), "clone", 0) => return self.mk(ExprKind::Method(Method::DeepCopy, vec![recv]), rty, span),
            (Ty::Vec(t), "push", 1) if **t == Ty::Never => {
                // `let mut v = Vec::new(); v.push(x)`: the Vec's type comes from `x`.
                let x = self.expr(&m.args[0], None);
                if let ExprKind::Var(v) = &recv.kind {
                    self.vars[v.0].ty = Ty::Vec(Box::new(x.ty.clone()));
                }
                let recv = Expr { ty: Ty::Vec(Box::new(x.ty.clone())), ..recv };
                if !matches!(&recv.kind, ExprKind::Var(v) if self.vars[v.0].mutable) {
                    self.not_let_mut(&recv, "push", "Vec");
                }
                return self.mk(ExprKind::Method(Method::VecPush, vec![recv, x]), Ty::Unit, span);
            }
            (Ty::Enum(e), "clone", 0) if e.unit_only() => return recv,
            (Ty::Struct(_) | Ty::Enum(_), "clone", 0) => return self.mk(ExprKind::Method(Method::DeepCopy, vec![recv]), rty, span),
            // Elements that are tables which can change (structs, Vecs, maps) are copied
            // too, as Rust clones them: a shallow copy would share them.
            (Ty::Vec(t), "to_vec", 0) if holds_tables(t) => return self.mk(ExprKind::Method(Method::DeepCopy, vec![recv]), rty, span),
            (Ty::Vec(_), "to_vec", 0) => {
                return self.mk(ExprKind::Method(Method::VecExtend, vec![self.mk(ExprKind::VecLit(Vec::new()), rty.clone(), span), recv]), rty, span);
            }
            (Ty::Option(t), "cloned" | "clone", 0) if matches!(**t, Ty::Vec(_) | Ty::Map(_) | Ty::Struct(_) | Ty::Tuple(_)) => {
                // A copy that shares no table with the original, as Rust's clone.
                return self.mk(ExprKind::Method(Method::OptionDeepCopy, vec![recv]), rty, span);
            }
            (Ty::Option(_), "copied" | "cloned" | "clone", 0) => return recv,
            // The default of `f64` is `0.0`, of a Vec or a map a new empty one (the scalar
            // types are rows of the builtins table).
            (Ty::Option(t), "unwrap_or_default", 0) if matches!(**t, Ty::Float | Ty::Vec(_) | Ty::Map(_)) => {
                let d = match &**t {
                    Ty::Float => self.mk(ExprKind::Float(0.0), Ty::Float, span),
                    t => self.mk(ExprKind::VecLit(Vec::new()), t.clone(), span),
                };
                return self.mk(ExprKind::UnwrapOr(Box::new(recv), Box::new(d)), (**t).clone(), span);
            }
            (Ty::Tuple(_), "clone", 0) => return self.mk(ExprKind::Method(Method::DeepCopy, vec![recv]), rty, span),
            // A Vec of Vecs, structs or maps: every inner table copied, as Rust clones them.
            (Ty::Vec(t), "clone", 0) if holds_tables(t) => return self.mk(ExprKind::Method(Method::DeepCopy, vec![recv]), rty, span),
            (Ty::Vec(t), "clone", 0) if !matches!(**t, Ty::Vec(_)) => {
                // A copy, so that changing one does not change the other.
                return self.mk(ExprKind::Method(Method::VecExtend, vec![self.mk(ExprKind::VecLit(Vec::new()), rty.clone(), span), recv]), rty, span);
            }
            (Ty::Vec(t), "retain", 1) => {
                let f = match self.vec_closure(&recv, m, t, "a predicate", "`v.retain(|x| *x > 0)`") {
                    Ok(f) => f,
                    Err(refused) => return refused,
                };
                if let Ty::Fn(_, ret) = &f.ty {
                    if !ret.fits(&Ty::Bool) {
                        let r = (**ret).clone();
                        self.err(Rule::Type, f.span, format!("a predicate returns `bool`, this one `{r}`"), "return whether to keep the element, e.g. `v.retain(|x| *x > 0)`");
                    }
                }
                return self.mk(ExprKind::Method(Method::VecRetain, vec![recv, f]), Ty::Unit, span);
            }
            (Ty::Vec(t), "sort_by_key", 1) => {
                let f = match self.vec_closure(&recv, m, t, "a key function", "`v.sort_by_key(|x| x.1)`") {
                    Ok(f) => f,
                    Err(refused) => return refused,
                };
                let Ty::Fn(_, key) = f.ty.clone() else { return f };
                if let Some(what) = key_effect(&f) {
                    return self.unsupported(
                        f.span,
                        &format!("a `sort_by_key` key function that {what}"),
                        "Rust calls the key function an unspecified number of times (once or twice per comparison), the Lua once per element: compute the keys first (`let mut keyed: Vec<(i64, T)> = v.iter().map(|x| (key(x), x.clone())).collect();`, then `keyed.sort_by_key(|p| p.0)`)",
                    );
                }
                let strings = match *key {
                    Ty::Int | Ty::IntN(_) => false,
                    Ty::Str => true,
                    other => {
                        return self.unsupported(f.span, &format!("sorting by a `{other}` key"), "sort by an integer or a string key");
                    }
                };
                let flag = self.mk(ExprKind::Bool(strings), Ty::Bool, span);
                return self.mk(ExprKind::Method(Method::VecSortByKey, vec![recv, f, flag]), Ty::Unit, span);
            }
            (Ty::Str, "trim_matches", 1) => {
                // Both ends (Rust takes only a char here: one pattern that is never empty).
                let p = self.expr(&m.args[0], Some(&Ty::Str));
                let sp = p.span;
                let tmp = self.hidden_let("pattern", p);
                let start = self.mk(ExprKind::Method(Method::StrTrimStartMatches, vec![recv, tmp.1.clone()]), Ty::Str, span);
                let both = self.mk(ExprKind::Method(Method::StrTrimEndMatches, vec![start, tmp.1]), Ty::Str, span);
                let block = Block { stmts: vec![tmp.0], tail: Some(Box::new(both)), ty: Ty::Str };
                return self.mk(ExprKind::Block(block), Ty::Str, sp);
            }
            (Ty::Str, "push_str" | "push", 1) => {
                // `s.push_str(t)`: s = s .. t, on a `let mut` String.
                let ExprKind::Var(var) = recv.kind else {
                    return self.unsupported(recv.span, &format!("`.{name}()` on a temporary value"), &format!("keep the String in a `let mut` variable first, and push onto that: `let mut text = ..; text.{name}(..);`"));
                };
                if !self.vars[var.0].mutable {
                    self.err(Rule::Type, recv.span, format!("`.{name}()` changes the String: it must be a `let mut` variable"), "declare it with `let mut`");
                }
                let t = self.expr(&m.args[0], Some(&Ty::Str));
                if !t.ty.fits(&Ty::Str) {
                    let ty = t.ty.clone();
                    self.err(Rule::Type, t.span, format!("expected `&str`, found `{ty}`"), "");
                }
                let line = recv.line;
                let joined = self.mk(ExprKind::Method(Method::StrConcat, vec![recv, t]), Ty::Str, span);
                let block = Block { stmts: vec![Stmt { kind: StmtKind::Assign(var, joined), line }], tail: None, ty: Ty::Unit };
                return self.mk(ExprKind::Block(block), Ty::Unit, span);
            }
            (t, "is_positive", 0) | (t, "is_negative", 0) if t.is_int() => {
                let zero = self.mk(ExprKind::Int(0), t.clone(), span);
                let op = if name == "is_positive" { BinOp::Gt } else { BinOp::Lt };
                return self.mk(ExprKind::Binary(op, Box::new(recv), Box::new(zero)), Ty::Bool, span);
            }
            _ => {}
        }
        let Some((row, sig)) = builtins::find(&rty, &name, argc) else {
            if let (Ty::Vec(t), "sort" | "sort_unstable", 0) = (&rty, name.as_str(), argc) {
                let t = (**t).clone();
                return self.unsupported(m.method.span(), &format!("sorting a `Vec<{t}>`"), "sort integers or strings (f64 is not `Ord` in Rust)");
            }
            let hint = match (&rty, name.as_str()) {
                (Ty::Str, "to_uppercase" | "to_lowercase") => {
                    let ascii = name.replace("to_", "to_ascii_");
                    return self.unsupported(
                        m.method.span(),
                        &format!("`.{name}()` (Unicode case mapping)"),
                        &format!("write `.{ascii}()`: it changes only the ASCII letters, as Lua's string library can (Rust's `{name}` maps every Unicode letter; `string.upper` would follow the server's C locale)"),
                    );
                }
                _ => "see the language reference for the supported methods",
            };
            return self.unsupported(m.method.span(), &format!("the method `.{name}()` with {argc} argument(s) on `{rty}`"), hint);
        };
        if matches!(&rty, Ty::Vec(t) if matches!(**t, Ty::Option(_))) && row.has(builtins::NO_OPTION_ELEMS) {
            return self.unsupported(m.method.span(), &format!("`.{name}()` on a `{rty}`"), "read it with indexing or a `for` loop");
        }
        if row.has(builtins::LET_MUT) && !matches!(&recv.kind, ExprKind::Var(v) if self.vars[v.0].mutable) {
            let what = if matches!(rty, Ty::Map(_)) { "map" } else { "Vec" };
            if matches!(recv.kind, ExprKind::Index(..) | ExprKind::TupleField(..)) {
                // `rows[0].push(5)`, `s.items.push(5)`: a change through a place.
                self.err(
                    Rule::Unsupported,
                    m.method.span(),
                    format!("`.{name}()` on a {what} inside another value (an element or a field) is not supported inside a redis function"),
                    format!("change a {what} held in a `let mut` variable, then store it: `let mut row = rows[i].to_vec(); row.{name}(..); rows[i] = row;`"),
                );
            } else {
                self.not_let_mut(&recv, &name, what);
            }
        }
        let mut args = vec![recv];
        for (a, t) in m.args.iter().zip(sig.args) {
            let t = t.resolve(&rty);
            let e = self.expr(a, Some(&t));
            if !e.ty.fits(&t) {
                self.err(Rule::Type, e.span, format!("expected `{t}`, found `{}`", e.ty), "");
            }
            args.push(e);
        }
        self.mk(ExprKind::Method(row.id, args), sig.ret.resolve(&rty), span)
    }

    /// `*map.entry(k).or_insert(d) op= rhs;` (and `.or_default()`, and plain `=`): the
    /// counting idiom, as `map[k] = (map[k] or d) op rhs`.
    pub(crate) fn assign_entry(&mut self, lhs: &syn::Expr, rhs: &syn::Expr, op: Option<BinOp>, span: Span, line: u32) -> Option<Stmt> {
        let syn::Expr::Unary(syn::ExprUnary { op: syn::UnOp::Deref(_), expr, .. }) = lhs else { return None };
        let syn::Expr::MethodCall(or) = &**expr else { return None };
        let e = self.entry(or)?;
        let vt = e.vt.clone();
        if vt == Ty::Never {
            // The entry was refused (already reported): the right side alone is checked.
            self.expr(rhs, None);
            return Some(Stmt { kind: StmtKind::Expr(poison(span)), line });
        }
        let current = self.mk(ExprKind::Method(Method::MapGet, vec![e.map.clone(), e.key.clone()]), vt.clone().option(), span);
        let current = self.mk(ExprKind::UnwrapOr(Box::new(current), Box::new(e.default.clone())), vt.clone(), span);
        let rhs_e = self.expr(rhs, Some(&vt));
        // Rust computes the right side first, then the key and the default (which it
        // computes even for `=`).
        let mut stmts = Vec::new();
        let key = match &e.key_let.kind {
            StmtKind::Let(_, k) => k,
            _ => &e.key,
        };
        let rhs_e = if order_matters(&rhs_e, key) || order_matters(&rhs_e, &e.default) || rhs_e.may_change(map_var(&e.map)) {
            let (s, v) = self.hidden_let("value", rhs_e);
            stmts.push(s);
            v
        } else {
            rhs_e
        };
        stmts.push(e.key_let);
        if op.is_none() && !e.default.is_pure() {
            stmts.push(Stmt { kind: StmtKind::Expr(e.default.clone()), line });
        }
        let value = match op {
            None => rhs_e,
            Some(BinOp::Add) if vt == Ty::Str => self.mk(ExprKind::Method(Method::StrConcat, vec![current, rhs_e]), Ty::Str, span),
            Some(op) if vt == Ty::Float => self.mk(ExprKind::Binary(op, Box::new(current), Box::new(rhs_e)), Ty::Float, span),
            Some(op) if vt == Ty::Bool && matches!(op, BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor) => self.bool_bits(op, current, rhs_e, span),
            Some(op) if op.is_bitwise() => self.bits(op, current, rhs_e, span),
            Some(op) => self.arith(op, current, rhs_e, span),
        };
        if !value.ty.fits(&vt) {
            self.err(Rule::Type, value.span, format!("expected `{vt}`, found `{}`", value.ty), "");
        }
        let insert = self.mk(ExprKind::Method(Method::MapInsert, vec![e.map, e.key, value]), vt.option(), span);
        stmts.push(Stmt { kind: StmtKind::Expr(insert), line });
        let block = Block { stmts, tail: None, ty: Ty::Unit };
        Some(Stmt { kind: StmtKind::Expr(self.mk(ExprKind::Block(block), Ty::Unit, span)), line })
    }

    /// `map.entry(k).or_insert(d)` (or `.or_default()`) as a value: inserts `d` when the
    /// key is absent, then gives the value the key holds.
    pub(crate) fn entry_value(&mut self, or: &syn::ExprMethodCall) -> Option<Expr> {
        let span = or.span();
        let line = line_of(span);
        let e = self.entry(or)?;
        let vt = e.vt.clone();
        let placeholder = self.mk(e.placeholder(), vt.clone(), span);
        let current = self.mk(ExprKind::Method(Method::MapGet, vec![e.map.clone(), e.key.clone()]), vt.clone().option(), span);
        let absent = self.mk(ExprKind::IsNone(Box::new(current.clone())), Ty::Bool, span);
        let insert = self.mk(ExprKind::Method(Method::MapInsert, vec![e.map.clone(), e.key.clone(), e.default]), vt.clone().option(), span);
        let then = Block { stmts: vec![Stmt { kind: StmtKind::Expr(insert), line }], tail: None, ty: Ty::Unit };
        let fill = self.mk(ExprKind::If(Box::new(absent), then, None), Ty::Unit, span);
        let value = self.mk(ExprKind::UnwrapOr(Box::new(current), Box::new(placeholder)), vt.clone(), span);
        let block = Block { stmts: vec![e.key_let, Stmt { kind: StmtKind::Expr(fill), line }], tail: Some(Box::new(value)), ty: vt.clone() };
        Some(self.mk(ExprKind::Block(block), vt, span))
    }

    /// The parts of `map.entry(k).or_insert(d)` / `.or_default()`: `None` when `or` is not
    /// that shape.
    pub(crate) fn entry(&mut self, or: &syn::ExprMethodCall) -> Option<Entry> {
        let span = or.span();
        let default_arg = match (or.method.to_string().as_str(), or.args.len()) {
            ("or_insert", 1) => Some(&or.args[0]),
            ("or_default", 0) => None,
            _ => return None,
        };
        let syn::Expr::MethodCall(entry) = &*or.receiver else { return None };
        if entry.method != "entry" || entry.args.len() != 1 {
            return None;
        }
        let map = self.expr(&entry.receiver, None);
        let Ty::Map(vt) = map.ty.clone() else {
            let t = map.ty.clone();
            self.err(Rule::Unsupported, entry.receiver.span(), format!("`.entry()` on `{t}`: only a map has entries"), "the entry idiom works on a `HashMap<String, _>`");
            let (key_let, key) = self.hidden_let("entry_key", poison(span));
            return Some(Entry { map, key, key_let, vt: Ty::Never, default: poison(span) });
        };
        let mut vt = (*vt).clone();
        if !matches!(&map.kind, ExprKind::Var(v) if self.vars[v.0].mutable) {
            self.err(Rule::Type, map.span, "`.entry()` changes the map: it must be a `let mut` variable", "declare it with `let mut`");
        }
        // `let mut m = HashMap::new();` then the entry idiom: the value type comes from the
        // default, as rustc infers it.
        let infer = vt == Ty::Never;
        let default = match default_arg {
            Some(d) if infer => {
                let d = self.expr(d, None);
                vt = d.ty.clone();
                d
            }
            Some(d) => self.expr(d, Some(&vt)),
            None => match vt {
                Ty::Int | Ty::IntN(_) => self.mk(ExprKind::Int(0), vt.clone(), span),
                Ty::Float => self.mk(ExprKind::Float(0.0), Ty::Float, span),
                Ty::Str => self.mk(ExprKind::Str(Vec::new()), Ty::Str, span),
                Ty::Bool => self.mk(ExprKind::Bool(false), Ty::Bool, span),
                Ty::Never => {
                    self.err(
                        Rule::Type,
                        or.method.span(),
                        "cannot infer the type of this map's values",
                        "declare the map with its type: `let mut m: HashMap<String, i64> = HashMap::new();`",
                    );
                    poison(span)
                }
                ref t => {
                    let t = t.clone();
                    self.err(
                        Rule::Unsupported,
                        or.method.span(),
                        format!("`.or_default()` of `{t}` is not supported inside a redis function"),
                        format!(
                            "`.or_default()` gives integers, floats, strings and bools; insert the `{t}` first (`if !m.contains_key(&k) {{ m.insert(k.clone(), {}); }}`) and change it through `m.get_mut(&k)`",
                            match t {
                                Ty::Vec(_) => "Vec::new()",
                                Ty::Map(_) => "HashMap::new()",
                                _ => "value",
                            }
                        ),
                    );
                    poison(span)
                }
            },
        };
        if default_arg.is_none() && default.ty == Ty::Never {
            // A refused `.or_default()`: what uses the value reports nothing more.
            vt = Ty::Never;
        }
        if infer && vt != Ty::Never {
            if let ExprKind::Var(var) = &map.kind {
                self.vars[var.0].ty = Ty::Map(Box::new(vt.clone()));
            }
        }
        let map = Expr { ty: Ty::Map(Box::new(vt.clone())), ..map };
        let key = self.expr(&entry.args[0], Some(&Ty::Str));
        if !key.ty.fits(&Ty::Str) {
            let t = key.ty.clone();
            self.err(Rule::Type, key.span, format!("map keys are strings, found `{t}`"), "make the key a `String`, e.g. with `.to_string()`");
        }
        let (key_let, key) = self.hidden_let("entry_key", key);
        Some(Entry { map, key, key_let, vt, default })
    }

    /// The refusal of `.{name}()`, which changes its receiver, on a receiver that is not a
    /// `let mut` variable: an immutable variable, or a temporary value (such as
    /// `map.entry(k).or_insert(Vec::new())`), whose change Rust would keep in the map.
    fn not_let_mut(&mut self, recv: &Expr, name: &str, what: &str) {
        if matches!(recv.kind, ExprKind::Var(_)) || recv.ty == Ty::Never {
            self.err(Rule::Type, recv.span, format!("`.{name}()` changes the {what}: it must be a `let mut` variable"), "declare it with `let mut`");
        } else {
            self.err(
                Rule::Unsupported,
                recv.span,
                format!("`.{name}()` on a {what} that is not held by a variable (such as `map.entry(k).or_insert(..)`) is not supported inside a redis function"),
                format!("change it through the map: `if !m.contains_key(&k) {{ m.insert(k.clone(), Vec::new()); }}` then `m.get_mut(&k).unwrap().{name}(..)`, or keep the {what} in a `let mut` variable"),
            );
        }
    }

    /// The closure argument of a method that changes a Vec in place with it (`retain`,
    /// `sort_by_key`): the Vec must be a `let mut` variable and the argument a closure
    /// literal, lowered with the element type as its parameter's. `Err` is the refusal.
    fn vec_closure(&mut self, recv: &Expr, m: &syn::ExprMethodCall, elem: &Ty, what: &str, example: &str) -> Result<Expr, Expr> {
        let name = m.method.to_string();
        if !matches!(&recv.kind, ExprKind::Var(v) if self.vars[v.0].mutable) {
            self.err(Rule::Type, recv.span, format!("`.{name}()` changes the Vec: it must be a `let mut` variable"), "declare it with `let mut`");
        }
        let syn::Expr::Closure(c) = &m.args[0] else {
            return Err(self.unsupported(m.args[0].span(), &format!("{what} that is not a closure literal"), &format!("write the closure in place: {example}")));
        };
        Ok(self.closure_with(c, Some(std::slice::from_ref(elem))))
    }
}

impl Gen<'_> {
    /// A builtin method, emitted as its row of the table says.
    pub(crate) fn method(&mut self, m: ir::Method, args: &[ir::Expr], out: &mut Vec<LS>) -> L {
        let refs: Vec<&ir::Expr> = args.iter().collect();
        let v = self.operands(&refs, out);
        let mut gen = MethodOut { gen: self, out };
        let tys: Vec<Ty> = args.iter().map(|a| a.ty.clone()).collect();
        let mut cx = builtins::Cx { tys: &tys, v, gen: &mut gen };
        builtins::emit(m.row(), &mut cx)
    }
}

/// What a `sort_by_key` key function does that the number of its calls would show: a
/// command it sends, or a helper it calls (which may send one). `None` when neither.
fn key_effect(f: &Expr) -> Option<&'static str> {
    let mut found = None;
    crate::ir::visit_expr(f, &mut |e| {
        found = found.or(match &e.kind {
            ExprKind::Command(_) | ExprKind::DynCall(_) => Some("sends a command"),
            ExprKind::Record(op, _) if op.command().is_some() => Some("sends a command"),
            ExprKind::CallHelper(..) => Some("calls a helper function"),
            _ => None,
        });
    });
    found
}

/// Values of `t` hold Lua tables that can change in place (structs, Vecs, maps).
pub(crate) fn holds_tables(t: &Ty) -> bool {
    match t {
        Ty::Struct(_) | Ty::Vec(_) | Ty::Map(_) => true,
        Ty::Tuple(ts) => ts.iter().any(holds_tables),
        Ty::Enum(e) => !e.unit_only(),
        Ty::Option(t) => holds_tables(t),
        _ => false,
    }
}

/// `map.entry(key).or_insert(default)`, lowered: the map, the key (bound once), and the
/// value type.
pub(crate) struct Entry {
    map: Expr,
    key: Expr,
    key_let: Stmt,
    vt: Ty,
    default: Expr,
}

impl Entry {
    /// A value of the map's type that is never used: after the insert, the key is present.
    pub(crate) fn placeholder(&self) -> ExprKind {
        match self.vt {
            Ty::Int | Ty::IntN(_) => ExprKind::Int(0),
            Ty::Float => ExprKind::Float(0.0),
            Ty::Bool => ExprKind::Bool(false),
            _ => ExprKind::Str(Vec::new()),
        }
    }
}

/// The variable of a map expression (the entry idiom's map is a `let mut` variable).
pub(crate) fn map_var(e: &Expr) -> VarId {
    match e.kind {
        ExprKind::Var(v) => v,
        _ => VarId(usize::MAX),
    }
}

/// The code generator as the table of builtin methods sees it, while it emits a call:
/// statements it needs go to `out`.
pub(crate) struct MethodOut<'g, 'a, 'o> {
    gen: &'g mut Gen<'a>,
    out: &'o mut Vec<LS>,
}

impl builtins::Emitter for MethodOut<'_, '_, '_> {
    fn helper(&mut self, h: Helper, args: Vec<L>) -> L {
        self.gen.helper(h, args)
    }

    fn helper_ref(&mut self, h: Helper) -> L {
        L::name(h.name())
    }

    fn spill(&mut self, v: L) -> L {
        self.gen.spill(v, self.out)
    }
}

impl Lowerer<'_> {
    /// `x = e` or `x op= e`.
    pub(crate) fn is_assignment(&self, e: &syn::Expr) -> bool {
        is_assignment(e)
    }
}

/// `x = e` or `x op= e`.
fn is_assignment(e: &syn::Expr) -> bool {
    use syn::BinOp as B;
    match e {
        syn::Expr::Assign(_) => true,
        syn::Expr::Binary(b) => matches!(
            b.op,
            B::AddAssign(_) | B::SubAssign(_) | B::MulAssign(_) | B::DivAssign(_) | B::RemAssign(_) | B::BitAndAssign(_) | B::BitOrAssign(_) | B::BitXorAssign(_) | B::ShlAssign(_) | B::ShrAssign(_)
        ),
        _ => false,
    }
}


impl Lowerer<'_> {
    /// `Vec::new()`, `String::new()`, `HashMap::new()` and their `with_capacity(n)` (a
    /// capacity is a hint to Rust's allocator: the collection starts empty).
    pub(crate) fn collection_ctor(&mut self, segs: &[String], args: &[&syn::Expr], expect: Option<&Ty>, span: Span) -> Option<Expr> {
        // Also by their full paths: `std::collections::HashMap::new()`, `std::vec::Vec`, ..
        let full = matches!(segs, [std, module, name, _] if std == "std" && matches!((module.as_str(), name.as_str()), ("collections", "HashMap") | ("vec", "Vec") | ("string", "String")));
        let segs = if full { &segs[2..] } else { segs };
        if segs.len() != 2 || !matches!(segs[0].as_str(), "Vec" | "String" | "HashMap") {
            return None;
        }
        if args.is_empty() && segs[1] == "new" {
            return Some(self.empty_collection(&segs[0], expect, span));
        }
        if args.len() == 1 && segs[1] == "with_capacity" {
            let n = self.expr(args[0], Some(&usize_ty()));
            if !n.ty.is_int() && n.ty != Ty::Never {
                let t = n.ty.clone();
                self.err(Rule::Type, n.span, format!("expected a capacity, found `{t}`"), "a capacity is an integer (a `usize`)");
            }
            return Some(self.empty_collection(&segs[0], expect, span));
        }
        None
    }
}
