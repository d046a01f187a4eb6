//! Assignment through a place: `v[i] op= e`, `v[i].x = e`, `t.0 = e`, `v[i][j] = e`,
//! `s.a.b = e`, `*map.get_mut(&k).unwrap() op= e`; and reading `map[&k]`.
//!
//! No new IR: a place assignment is a block of hidden `let`s and one of the assignments
//! the core already has, in Rust's order: the value first (for `op=` on a primitive type;
//! a `String`'s `+=` is a method, which evaluates the place first), then the indices left
//! to right, each `Vec` step bounds-checked as it is reached (as `IndexMut` panics before
//! the next index runs). A `Vec` is changed in place (`redlua_set_index`), since a Vec
//! has one owner; the structs and tuples under the last `Vec` step (or under a tuple
//! variable) are rebuilt as new tables with the one field replaced, so no table that a
//! copy of a `Copy` struct shares is changed (see `copies.rs`). A struct variable's own
//! field is still assigned in place, as `s.f = e` is.
//!
//! ```lua
//! -- v[i].x += n
//! local elem = redlua_index(v, i)
//! redlua_set_index(v, i, { elem[1] + n, elem[2] })
//! ```

use crate::diag::Rule;
use crate::ir::*;
use crate::lower::{usize_ty, Lowerer};
use proc_macro2::Span;
use syn::spanned::Spanned;

/// One step of a place, as written.
pub(crate) enum Step<'a> {
    Index(&'a syn::Expr),
    Field(&'a syn::Member),
}

/// Where the new value of the place's top is stored.
pub(crate) enum Anchor {
    /// The variable itself (a tuple is rebuilt, a struct's field assigned in place).
    Root,
    /// An element of a Vec held in a variable: `redlua_set_index(vec, i, ..)`.
    Slot(VarId, Expr),
    /// The value of a key of a map (through a `&mut` binding, `lang/mutrefs.rs`): the map
    /// and the key, whose value is replaced.
    Key(Expr, Expr),
}

/// Where a place assignment starts: the root variable, and what the steps written after
/// it apply to (the variable itself, or the place a `&mut` binding borrows).
pub(crate) struct Start {
    /// The variable under everything (assigned when the anchor is [`Anchor::Root`]).
    pub(crate) var: VarId,
    /// The value at the start.
    pub(crate) cur: Expr,
    pub(crate) anchor: Anchor,
    /// The structs and tuples between the anchor and `cur`: (the aggregate, field).
    pub(crate) frames: Vec<(Expr, usize)>,
}

/// `e` as a root variable and the steps after it, or `None` when `e` is no such place.
pub(crate) fn place_steps(e: &syn::Expr) -> Option<(&syn::ExprPath, Vec<Step<'_>>)> {
    match e {
        syn::Expr::Path(p) => Some((p, Vec::new())),
        syn::Expr::Paren(p) => place_steps(&p.expr),
        // `(*x).f`: the place a `&mut` binding borrows (`lang/mutrefs.rs`).
        syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) && matches!(&*u.expr, syn::Expr::Path(_)) => place_steps(&u.expr),
        syn::Expr::Index(ix) => {
            let (root, mut steps) = place_steps(&ix.expr)?;
            steps.push(Step::Index(&ix.index));
            Some((root, steps))
        }
        syn::Expr::Field(f) => {
            let (root, mut steps) = place_steps(&f.base)?;
            steps.push(Step::Field(&f.member));
            Some((root, steps))
        }
        _ => None,
    }
}

impl Lowerer<'_> {
    /// A place assignment that the simple forms (`v[i] = e` and `s.f op= e` on a variable)
    /// do not take: `None` when `lhs` is one of those (or no place of this family).
    pub(crate) fn assign_place(&mut self, lhs: &syn::Expr, rhs: &syn::Expr, op: Option<BinOp>, span: Span, line: u32) -> Option<Option<Stmt>> {
        if let Some(st) = self.assign_through(lhs, rhs, op, span, line) {
            return Some(st);
        }
        if let syn::Expr::Unary(syn::ExprUnary { op: syn::UnOp::Deref(_), expr, .. }) = lhs {
            return self.assign_get_mut(expr, rhs, op, span, line);
        }
        match lhs {
            syn::Expr::Index(ix) if op.is_none() && matches!(&*ix.expr, syn::Expr::Path(_)) => return None,
            syn::Expr::Field(f) if matches!(&*f.base, syn::Expr::Path(_)) && matches!(f.member, syn::Member::Named(_)) => return None,
            syn::Expr::Index(_) | syn::Expr::Field(_) => {}
            _ => return None,
        }
        let Some((root, steps)) = place_steps(lhs) else {
            self.unsupported(lhs.span(), "assigning into this place", "assign into a `let mut` variable, its fields and its elements");
            return Some(None);
        };
        let name = root.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
        let Some(var) = self.lookup(&name) else {
            self.err(Rule::UnknownName, root.span(), format!("cannot find variable `{name}`"), format!("declare it first: `let mut {name} = ..;`"));
            return Some(None);
        };
        let rty = self.vars[var.0].ty.clone();
        if !self.vars[var.0].mutable {
            self.err(Rule::Type, root.span(), format!("cannot assign into immutable `{name}`"), format!("declare it with `let mut {name}`"));
        }
        let cur = self.mk(ExprKind::Var(var), rty, root.span());
        self.assign_steps(Start { var, cur, anchor: Anchor::Root, frames: Vec::new() }, &steps, lhs, rhs, op, span, line)
    }

    /// The place `start` followed by `steps`, assigned `rhs` (with `op`), in Rust's order.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn assign_steps(&mut self, start: Start, steps: &[Step<'_>], lhs: &syn::Expr, rhs: &syn::Expr, op: Option<BinOp>, span: Span, line: u32) -> Option<Option<Stmt>> {
        let Start { var, cur, anchor, frames } = start;
        // The type of each step, before anything is lowered: the value's type is the last.
        let mut tys = vec![cur.ty.clone()];
        for s in steps {
            let Some(cur) = tys.last().cloned() else { return Some(None) };
            let next = match (s, &cur) {
                (Step::Index(_), Ty::Vec(t)) if matches!(**t, Ty::Option(_)) => {
                    self.err(Rule::UnsupportedType, lhs.span(), format!("assigning into a `Vec<{t}>`"), "such a Vec holds `None` as `false` and is not changed in the body: build a new Vec");
                    return Some(None);
                }
                (Step::Index(_), Ty::Vec(t)) if **t != Ty::Never => (**t).clone(),
                (Step::Index(_), Ty::Map(_)) => {
                    self.err(Rule::Type, lhs.span(), "a `HashMap` cannot be assigned through an index (Rust has no `IndexMut` for it)", "write `map.insert(k, v)`, or `*map.get_mut(&k).unwrap() = v`");
                    return Some(None);
                }
                (Step::Field(syn::Member::Named(f)), Ty::Struct(st)) => match st.fields.iter().find(|(n, _)| f == n) {
                    Some((_, t)) => t.clone(),
                    None => {
                        self.err(Rule::Type, f.span(), format!("no field `{f}` on `{}`", st.name), format!("the fields of `{}` are {}", st.name, st.fields.iter().map(|(n, _)| format!("`{n}`")).collect::<Vec<_>>().join(", ")));
                        return Some(None);
                    }
                },
                (Step::Field(syn::Member::Unnamed(i)), Ty::Tuple(ts)) => match ts.get(i.index as usize) {
                    Some(t) => t.clone(),
                    None => {
                        self.err(Rule::Type, i.span(), format!("no field `{}` on a tuple of {} elements", i.index, ts.len()), format!("the fields of this tuple are numbered from 0 to {}", ts.len().saturating_sub(1)));
                        return Some(None);
                    }
                },
                // An earlier error gave the variable no type: nothing more to say.
                (_, Ty::Never) => return Some(None),
                (Step::Index(e), t) => {
                    self.err(Rule::Type, e.span(), format!("cannot index `{t}` here"), "index a `Vec`");
                    return Some(None);
                }
                (Step::Field(m), t) => {
                    self.err(Rule::Type, m.span(), format!("no such field on `{t}`"), "fields belong to structs (`s.name`) and tuples (`t.0`)");
                    return Some(None);
                }
            };
            tys.push(next);
        }
        let want = tys.last().cloned().unwrap_or(Ty::Never);
        let rhs_e = self.expr(rhs, Some(&want));
        // Rust evaluates the value first, except for the `+=` of a `String` (a method call).
        let value_first = !(op.is_some() && want == Ty::Str);
        let mut idxs = Vec::new();
        for s in steps {
            if let Step::Index(e) = s {
                let i = self.expr(e, Some(&usize_ty()));
                if !i.ty.is_int() && i.ty != Ty::Never {
                    let t = i.ty.clone();
                    self.err(Rule::Type, i.span, format!("expected an integer index, found `{t}`"), "index a Vec with an integer: `v[i]` with `i: usize`");
                }
                idxs.push(i);
            }
        }
        let mut stmts = Vec::new();
        // Whether code with effects runs after the `k`-th index (so the index, and the
        // value before it, must be kept in a local).
        let pure: Vec<bool> = idxs.iter().map(Expr::is_pure).collect();
        let late_pure = value_first || rhs_e.is_pure();
        let later_effects = |k: usize| pure[k..].iter().any(|p| !p) || !late_pure;
        let (mut value, rhs_late) = if value_first {
            let keep = !is_literal(&rhs_e) && (!rhs_e.is_pure() || later_effects(0));
            (Some(self.bind(rhs_e, keep, &mut stmts)), None)
        } else {
            (None, Some(rhs_e))
        };
        let (mut cur, mut anchor, mut frames) = (cur, anchor, frames);
        let mut idxs = idxs.into_iter();
        let mut k = 0;
        for (n, s) in steps.iter().enumerate() {
            let last = n + 1 == steps.len();
            let ty = tys[n + 1].clone();
            match s {
                Step::Field(m) => {
                    let i = match m {
                        syn::Member::Named(f) => match &tys[n] {
                            Ty::Struct(st) => st.fields.iter().position(|(x, _)| f == x).unwrap_or(0),
                            _ => 0,
                        },
                        syn::Member::Unnamed(i) => i.index as usize,
                    };
                    frames.push((cur.clone(), i));
                    cur = self.mk(ExprKind::TupleField(Box::new(cur), i), ty, span);
                }
                Step::Index(_) => {
                    let Some(i) = idxs.next() else { return Some(None) };
                    k += 1;
                    let keep = !is_literal(&i) && (!i.is_pure() || later_effects(k));
                    let i = self.bind(i, keep, &mut stmts);
                    let vec = match &cur.kind {
                        ExprKind::Var(v) => *v,
                        _ => {
                            let (s, x) = self.hidden_let("vec", cur.clone());
                            stmts.push(s);
                            let ExprKind::Var(v) = x.kind else { return Some(None) };
                            v
                        }
                    };
                    let vec_e = self.mk(ExprKind::Var(vec), tys[n].clone(), span);
                    let elem = self.mk(ExprKind::Index(Box::new(vec_e), Box::new(i.clone())), ty, span);
                    anchor = Anchor::Slot(vec, i);
                    frames.clear();
                    // The element is read (and so bounds-checked) where Rust reaches it,
                    // unless it is the place itself.
                    cur = if last { elem } else { self.bind(elem, true, &mut stmts) };
                }
            }
        }
        // `+=` on a String: the place is reached (and checked) before the value runs.
        if let Some(r) = rhs_late {
            if op.is_some() && matches!(cur.kind, ExprKind::Index(..)) {
                cur = self.bind(cur, true, &mut stmts);
            }
            value = Some(self.bind(r, false, &mut stmts));
        }
        let value = value?;
        let mut new = match op {
            None => value,
            Some(op) => self.compound(op, cur, value, span),
        };
        if want != Ty::Never && !new.ty.fits(&want) {
            self.err(Rule::Type, new.span, format!("expected `{want}`, found `{}`", new.ty), "");
        }
        // A struct variable's own field is assigned in place; every table below is rebuilt.
        let in_place = matches!(anchor, Anchor::Root) && matches!(self.vars[var.0].ty, Ty::Struct(_));
        let keep_first = usize::from(in_place);
        while frames.len() > keep_first {
            let Some((agg, i)) = frames.pop() else { break };
            new = self.rebuild(agg, i, new, span);
        }
        let last = match anchor {
            Anchor::Slot(vec, i) => StmtKind::AssignIndex(vec, i, new),
            Anchor::Key(map, key) => {
                let vt = new.ty.clone().option();
                StmtKind::Expr(self.mk(ExprKind::Method(Method::MapInsert, vec![map, key, new]), vt, span))
            }
            Anchor::Root => match frames.pop() {
                Some((_, i)) => StmtKind::AssignField(var, i, new),
                None => StmtKind::Assign(var, new),
            },
        };
        stmts.push(Stmt { kind: last, line });
        let block = Block { stmts, tail: None, ty: Ty::Unit };
        Some(Some(Stmt { kind: StmtKind::Expr(self.mk(ExprKind::Block(block), Ty::Unit, span)), line }))
    }

    /// `e` kept in a hidden local (`keep`), or as it is.
    pub(crate) fn bind(&mut self, e: Expr, keep: bool, stmts: &mut Vec<Stmt>) -> Expr {
        if !keep {
            return e;
        }
        let (s, x) = self.hidden_let("place", e);
        stmts.push(s);
        x
    }

    /// The struct or tuple `agg` with its field `i` replaced by `x`: a new table.
    pub(crate) fn rebuild(&mut self, agg: Expr, i: usize, x: Expr, span: Span) -> Expr {
        let ty = agg.ty.clone();
        let n = match &ty {
            Ty::Struct(st) => st.fields.len(),
            Ty::Tuple(ts) => ts.len(),
            _ => 0,
        };
        let mut x = Some(x);
        let mut es = Vec::new();
        for j in 0..n {
            let fty = match &ty {
                Ty::Struct(st) => st.fields[j].1.clone(),
                Ty::Tuple(ts) => ts[j].clone(),
                _ => Ty::Never,
            };
            match (j == i, x.take()) {
                (true, Some(v)) => es.push(v),
                (_, keep) => {
                    x = keep;
                    es.push(self.mk(ExprKind::TupleField(Box::new(agg.clone()), j), fty, span));
                }
            }
        }
        let kind = if matches!(ty, Ty::Struct(_)) { ExprKind::StructLit(es) } else { ExprKind::Tuple(es) };
        self.mk(kind, ty, span)
    }

    /// `cur op value`, with the checks of the type (overflow of the narrow integers).
    pub(crate) fn compound(&mut self, op: BinOp, cur: Expr, value: Expr, span: Span) -> Expr {
        match &cur.ty {
            Ty::Float => {
                if !value.ty.fits(&Ty::Float) {
                    let t = value.ty.clone();
                    self.err(Rule::Type, value.span, format!("expected `f64`, found `{t}`"), "Rust does not mix integers and floats: convert with `as f64`");
                }
                self.mk(ExprKind::Binary(op, Box::new(cur), Box::new(value)), Ty::Float, span)
            }
            Ty::Str if op == BinOp::Add => self.mk(ExprKind::Method(Method::StrConcat, vec![cur, value]), Ty::Str, span),
            Ty::Bool if matches!(op, BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor) => self.bool_bits(op, cur, value, span),
            _ if op.is_bitwise() => self.bits(op, cur, value, span),
            _ => self.arith(op, cur, value, span),
        }
    }

    /// `*map.get_mut(&k).unwrap() op= e` (or `.expect("..")`): the key's value, which
    /// must be there (else Rust's panic), replaced by the new one.
    fn assign_get_mut(&mut self, inner: &syn::Expr, rhs: &syn::Expr, op: Option<BinOp>, span: Span, line: u32) -> Option<Option<Stmt>> {
        // `*self = ..` in a `&mut self` method: the receiver itself (lang/impls.rs).
        if matches!(inner, syn::Expr::Path(p) if p.path.is_ident("self")) {
            return None;
        }
        if let syn::Expr::Path(p) = inner {
            // A name whose type an earlier error left unknown: nothing more to say.
            let poisoned = p.path.get_ident().and_then(|i| self.lookup(&i.to_string())).is_some_and(|v| self.vars[v.0].ty == Ty::Never);
            if !poisoned {
                self.unsupported(
                    inner.span(),
                    "assigning through a reference that is not a `&mut` binding of a place",
                    "bind the place with `for x in v.iter_mut()`, `if let Some(x) = map.get_mut(&k)`, `let x = &mut v[i];` or `let x = map.get_mut(&k).unwrap();`, or assign the place itself (`v[i] += 1`)",
                );
            }
            return Some(None);
        }
        let syn::Expr::MethodCall(unwrap) = inner else {
            // `*refs[0] = e`, `*pair.0 += e`: a `&mut` kept in a Vec, a tuple or a struct.
            self.unsupported(
                inner.span(),
                "assigning through a `&mut` kept in a value (a Vec, a tuple, a struct)",
                "bind the place where you change it: `let x = &mut v[i]; *x += 1;`, `for x in v.iter_mut()`, or assign the place itself (`v[i] += 1`)",
            );
            return Some(None);
        };
        let syn::Expr::MethodCall(get) = &*unwrap.receiver else { return None };
        if (get.method == "first_mut" || get.method == "last_mut") && get.args.is_empty() {
            return Some(self.assign_unwrapped(inner, rhs, op, span, line));
        }
        if get.method != "get_mut" || get.args.len() != 1 {
            return None;
        }
        let msg = match (unwrap.method.to_string().as_str(), unwrap.args.first()) {
            ("unwrap", None) => "called `Option::unwrap()` on a `None` value".to_string(),
            ("expect", Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }))) if unwrap.args.len() == 1 => s.value(),
            _ => {
                self.unsupported(unwrap.span(), "assigning through this `get_mut`", "write `*map.get_mut(&k).unwrap() = v` (or `.expect(\"..\")` with a literal message)");
                return Some(None);
            }
        };
        let map = self.expr(&get.receiver, None);
        let Ty::Map(vt) = map.ty.clone() else {
            if let Ty::Vec(_) = map.ty {
                // A Vec's element (`lang/mutrefs.rs`).
                return Some(self.assign_unwrapped(inner, rhs, op, span, line));
            }
            let t = map.ty.clone();
            self.err(Rule::Unsupported, get.receiver.span(), format!("`.get_mut()` on `{t}` is not supported inside a redis function"), "assign through `get_mut` on a `HashMap<String, _>`");
            return Some(None);
        };
        let vt = (*vt).clone();
        if !matches!(&map.kind, ExprKind::Var(v) if self.vars[v.0].mutable) {
            self.err(Rule::Type, map.span, "`.get_mut()` changes the map: it must be a `let mut` variable", "declare it with `let mut`");
        }
        let rhs_e = self.expr(rhs, Some(&vt));
        let key = self.expr(&get.args[0], Some(&Ty::Str));
        if !key.ty.fits(&Ty::Str) {
            let kt = key.ty.clone();
            self.err(Rule::Type, key.span, format!("map keys are strings, found `{kt}`"), "look a map up with a string: `map.get_mut(&k)`, `map.get_mut(\"name\")`");
        }
        let mut stmts = Vec::new();
        // The value first (a String's `+=` is a method: the place first), then the key.
        let value_first = !(op.is_some() && vt == Ty::Str);
        let keep_value = !is_literal(&rhs_e) && !(rhs_e.is_pure() && key.is_pure());
        let (value, late) = if value_first { (Some(self.bind(rhs_e, keep_value, &mut stmts)), None) } else { (None, Some(rhs_e)) };
        let keep_key = !is_literal(&key) && !matches!(key.kind, ExprKind::Var(_));
        let key = self.bind(key, keep_key, &mut stmts);
        let place = self.panic_place(unwrap.method.span());
        let text = self.mk(ExprKind::Str(format!("redlua: {msg}{place}").into_bytes()), Ty::Str, span);
        let got = self.mk(ExprKind::Method(Method::MapGet, vec![map.clone(), key.clone()]), vt.clone().option(), span);
        let cur = self.mk(ExprKind::Method(Method::OptionUnwrap, vec![got, text]), vt.clone(), span);
        // The panic comes where Rust reaches the place: before the value of `=`'s String
        // `+=`, after the value otherwise.
        let cur = self.bind(cur, true, &mut stmts);
        let value = match (value, late) {
            (Some(v), _) => v,
            (None, Some(r)) => r,
            (None, None) => return Some(None),
        };
        let new = match op {
            None => value,
            Some(op) => self.compound(op, cur, value, span),
        };
        if vt != Ty::Never && !new.ty.fits(&vt) {
            self.err(Rule::Type, new.span, format!("expected `{vt}`, found `{}`", new.ty), "");
        }
        let insert = self.mk(ExprKind::Method(Method::MapInsert, vec![map, key, new]), vt.option(), span);
        stmts.push(Stmt { kind: StmtKind::Expr(insert), line });
        let block = Block { stmts, tail: None, ty: Ty::Unit };
        Some(Some(Stmt { kind: StmtKind::Expr(self.mk(ExprKind::Block(block), Ty::Unit, span)), line }))
    }

    /// `map[&k]`: the key's value; Rust panics when the key is missing.
    pub(crate) fn map_index(&mut self, map: Expr, index: &syn::Expr, span: Span) -> Expr {
        let Ty::Map(vt) = map.ty.clone() else { return map };
        let key = self.expr(index, Some(&Ty::Str));
        if !key.ty.fits(&Ty::Str) {
            let kt = key.ty.clone();
            self.err(Rule::Type, key.span, format!("map keys are strings, found `{kt}`"), "index a map with a string: `map[&k]`, `map[\"name\"]`");
        }
        let place = self.panic_place(span);
        let text = self.mk(ExprKind::Str(format!("redlua: no entry found for key{place}").into_bytes()), Ty::Str, span);
        let got = self.mk(ExprKind::Method(Method::MapGet, vec![map, key]), (*vt).clone().option(), span);
        self.mk(ExprKind::Method(Method::OptionUnwrap, vec![got, text]), *vt, span)
    }
}

/// A literal, which no effect can change.
fn is_literal(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) | ExprKind::Str(_) | ExprKind::Unit)
}
