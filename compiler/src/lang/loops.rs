//! Loops: `while`, `loop` (with a value from `break v`), `for` over ranges, slices,
//! `Vec`s, map iterators and `.iter().enumerate()`, `for_each`, and `break` / `continue`
//! with or without labels.
//!
//! They become Lua's `while` and numeric / generic `for` loops. Lua 5.1 has no
//! `continue` and no `goto`: a body that continues runs inside `repeat .. until true`
//! (a `break` leaves the `repeat`), and a labelled jump out of nested loops sets a flag
//! ([`ExitFlag`]) that each loop it crosses tests after its body.

use crate::codegen::*;
use crate::diag::Rule;
use crate::ir::{self, *};
use crate::lower::{line_of, poison, ExitFlag, Lowerer};
use crate::lua::{self, BinOp as LB, Expr as L, Stmt as LS, StmtKind as K};
use crate::lualib::Helper;
use proc_macro2::Span;
use syn::spanned::Spanned;

impl Lowerer<'_> {
    pub(crate) fn new_loop(&mut self, label: Option<&syn::Label>) -> LoopId {
        let id = LoopId(self.next_loop);
        self.next_loop += 1;
        self.loops.push((id, label.map(|l| l.name.ident.to_string())));
        id
    }

    pub(crate) fn expect_bool(&mut self, e: &Expr, what: &str) {
        if !e.ty.fits(&Ty::Bool) {
            let t = e.ty.clone();
            self.err(Rule::Type, e.span, format!("expected `bool` {what}, found `{t}`"), "conditions must be bools (in Lua, 0 and \"\" would count as true)");
        }
    }

    pub(crate) fn while_loop(&mut self, w: &syn::ExprWhile) -> Expr {
        let span = w.span();
        if let syn::Expr::Let(l) = &*w.cond {
            let scrut = self.expr(&l.expr, None);
            let sty = scrut.ty.clone();
            self.scopes.push(Vec::new());
            let pat = self.pattern(&l.pat, &sty);
            let id = self.new_loop(w.label.as_ref());
            let body = self.block(&w.body, Some(&Ty::Unit));
            self.loops.pop();
            self.scopes.pop();
            self.unit_body(&body);
            let e = self.mk(ExprKind::WhileLet(pat, Box::new(scrut), body, id), Ty::Unit, span);
            return self.end_loop(id, e);
        }
        let cond = self.expr(&w.cond, Some(&Ty::Bool));
        self.expect_bool(&cond, "as the loop condition");
        let id = self.new_loop(w.label.as_ref());
        let body = self.block(&w.body, Some(&Ty::Unit));
        self.loops.pop();
        self.unit_body(&body);
        let e = self.mk(ExprKind::While(Box::new(cond), body, id), Ty::Unit, span);
        self.end_loop(id, e)
    }

    pub(crate) fn loop_expr(&mut self, l: &syn::ExprLoop) -> Expr {
        let span = l.span();
        let id = self.new_loop(l.label.as_ref());
        let body = self.block(&l.body, Some(&Ty::Unit));
        self.loops.pop();
        self.unit_body(&body);
        // A `loop` without a `break` for it never ends normally.
        let breaks = block_breaks(&body, id);
        let ty = if breaks { Ty::Unit } else { Ty::Never };
        let e = self.mk(ExprKind::Loop(body, id), ty, span);
        self.end_loop(id, e)
    }

    pub(crate) fn unit_body(&mut self, body: &Block) {
        if !matches!(body.ty, Ty::Unit | Ty::Never) {
            let sp = body.tail.as_ref().map_or(Span::call_site(), |t| t.span);
            self.err(Rule::Type, sp, format!("a loop body must not produce a value, found `{}`", body.ty), "end the expression with `;`");
        }
    }

    pub(crate) fn for_loop(&mut self, f: &syn::ExprForLoop) -> Expr {
        if let Some(e) = self.for_mut(f) {
            return e;
        }
        let span = f.span();
        let mut tuple_pat: Option<&syn::Pat> = None;
        let (name, mutable) = match &*f.pat {
            syn::Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => (pi.ident.to_string(), pi.mutability.is_some()),
            syn::Pat::Wild(_) => ("_".to_string(), false),
            syn::Pat::Tuple(_) | syn::Pat::Struct(_) => {
                tuple_pat = Some(&*f.pat);
                ("item".to_string(), false)
            }
            other => return self.unsupported(other.span(), "this pattern in `for`", "bind a plain name or a tuple of names"),
        };
        // A chain of iterator adapters over a Vec: iterate over what it collects.
        if let syn::Expr::MethodCall(mc) = &*f.expr {
            if let Some(v) = self.iter_chain(mc, None, true) {
                return self.for_each(f, v, &name, mutable, tuple_pat, span);
            }
        }
        if tuple_pat.is_some() {
            let v = self.expr(&f.expr, None);
            return self.for_each(f, v, &name, mutable, tuple_pat, span);
        }
        // Peel `.rev()` and `.step_by(n)` off the iterated expression.
        let mut it = &*f.expr;
        let mut rev = false;
        let mut step = None;
        // `.rev().step_by(n)` (peeled last to first: the step is found first).
        let mut rev_first = false;
        loop {
            match it {
                syn::Expr::MethodCall(m) if m.method == "rev" && m.args.is_empty() && !rev => {
                    rev = true;
                    rev_first = step.is_some();
                    it = &m.receiver;
                }
                syn::Expr::MethodCall(m) if m.method == "step_by" && m.args.len() == 1 && step.is_none() => {
                    let st = self.expr(&m.args[0], Some(&Ty::IntN(IntTy::Usize)));
                    if let ExprKind::Int(n) = st.kind {
                        if n <= 0 {
                            self.err(Rule::Type, st.span, "`step_by` needs a positive step", "Rust panics on a zero step");
                        }
                    }
                    step = Some(st);
                    it = &m.receiver;
                }
                syn::Expr::MethodCall(m) if (m.method == "iter" || m.method == "into_iter") && m.args.is_empty() => it = &m.receiver,
                syn::Expr::Paren(p) => it = &p.expr,
                _ => break,
            }
        }
        if let syn::Expr::Range(r) = it {
            let (Some(a), Some(b)) = (&r.start, &r.end) else {
                return self.unsupported(r.span(), "an open range in `for`", "give both ends: `a..b`");
            };
            let mut start = self.expr(a, None);
            let mut end = self.expr(b, Some(&start.ty.clone()).filter(|t| t.is_int()));
            for x in [&start, &end] {
                if !x.ty.is_int() && x.ty != Ty::Never {
                    let t = x.ty.clone();
                    self.err(Rule::Type, x.span, format!("expected an integer range bound, found `{t}`"), "");
                }
            }
            // The loop variable has the type of the bounds (`0..v.len()` counts in usize).
            let var_ty = match self.unify_ints(&mut start, &mut end) {
                Some(Ty::Never) | None if !(start.ty.is_int() && end.ty.is_int()) => Ty::Int,
                Some(t) => t,
                None => {
                    self.int_mismatch(r.span(), &start.ty, &end.ty);
                    Ty::Int
                }
            };
            let (var_ty, flex) = self.range_var(&mut start, &mut end, var_ty, f.pat.span());
            let inclusive = matches!(r.limits, syn::RangeLimits::Closed(_));
            self.scopes.push(Vec::new());
            let var = self.declare(&name, var_ty, mutable);
            if let Some(pos) = flex {
                self.flex.insert(var, pos);
            }
            let id = self.new_loop(f.label.as_ref());
            let body = self.block(&f.body, Some(&Ty::Unit));
            self.loops.pop();
            self.scopes.pop();
            self.unit_body(&body);
            let fr = ForRange { var, start, end, inclusive, rev, rev_first, step, body, id };
            let e = self.mk(ExprKind::ForRange(Box::new(fr)), Ty::Unit, span);
            return self.end_loop(id, e);
        }
        if rev || step.is_some() {
            return self.unsupported(f.expr.span(), "`.rev()` / `.step_by()` over a Vec", "iterate over a range of indices instead");
        }
        let v = self.expr(it, None);
        self.for_each(f, v, &name, mutable, None, span)
    }

    /// `for name in v { .. }` over a Vec (or `for (a, b) in v` over a Vec of tuples).
    pub(crate) fn for_each(&mut self, f: &syn::ExprForLoop, v: Expr, name: &str, mutable: bool, parts_pat: Option<&syn::Pat>, span: Span) -> Expr {
        let tuple_pat = match parts_pat {
            Some(syn::Pat::Tuple(t)) => Some(t),
            _ => None,
        };
        if let Ty::Map(vt) = v.ty.clone() {
            // `for (k, v) in &map`: in the table's order (Rust's HashMap order is arbitrary too).
            let Some(t) = tuple_pat.filter(|t| t.elems.len() == 2) else {
                return self.unsupported(f.pat.span(), "iterating a map without a `(key, value)` pattern", "write `for (k, v) in &map`");
            };
            self.scopes.push(Vec::new());
            let mut names = Vec::new();
            for (el, ty) in t.elems.iter().zip([Ty::Str, (*vt).clone()]) {
                let (n, m) = match el {
                    syn::Pat::Ident(pi) => (pi.ident.to_string(), pi.mutability.is_some()),
                    syn::Pat::Wild(_) => ("_".to_string(), false),
                    other => {
                        self.scopes.pop();
                        return self.unsupported(other.span(), "a nested pattern in `for`", "bind plain names, then take the parts apart in the body: `for (a, bc) in v { let (b, c) = bc; .. }`");
                    }
                };
                names.push(self.declare(&n, ty, m));
            }
            let id = self.new_loop(f.label.as_ref());
            let body = self.block(&f.body, Some(&Ty::Unit));
            self.loops.pop();
            self.scopes.pop();
            self.unit_body(&body);
            let e = self.mk(ExprKind::ForMap(names[0], names[1], Box::new(v), body, id), Ty::Unit, span);
            return self.end_loop(id, e);
        }
        let elem = match &v.ty {
            Ty::Vec(t) => (**t).clone(),
            Ty::Never => Ty::Never,
            other => {
                let t = other.clone();
                self.err(Rule::Unsupported, v.span, format!("iterating over `{t}` is not supported"), "iterate over a range (`a..b`) or a `Vec`");
                return poison(span);
            }
        };
        self.scopes.push(Vec::new());
        let var = self.declare(name, elem.clone(), mutable);
        let mut destructure = None;
        if let Some(syn::Pat::Struct(ps)) = parts_pat {
            // `for S { f, g: x, .. } in v`: the fields bound, in the struct's order.
            let Ty::Struct(st) = &elem else {
                self.scopes.pop();
                if elem != Ty::Never {
                    self.err(Rule::Type, ps.span(), format!("this struct pattern does not match the `{elem}` elements"), "iterate over a Vec of that struct, or bind a plain name");
                }
                return poison(span);
            };
            let st = (**st).clone();
            let Some(named) = self.struct_pattern_fields(ps, &st) else {
                self.scopes.pop();
                return poison(span);
            };
            let mut vars = Vec::new();
            for (p, (_, ft)) in named.into_iter().zip(st.fields) {
                match p {
                    Some(syn::Pat::Ident(pi)) if pi.subpat.is_none() && pi.by_ref.is_none() => vars.push(Some(self.declare(&pi.ident.to_string(), ft, pi.mutability.is_some()))),
                    Some(syn::Pat::Wild(_)) | None => vars.push(None),
                    Some(other) => {
                        self.scopes.pop();
                        return self.unsupported(other.span(), "a nested pattern in `for`", "bind plain names, then match on them in the body");
                    }
                }
            }
            destructure = Some(vars);
        }
        if let Some(t) = tuple_pat {
            let Ty::Tuple(ts) = &elem else {
                self.scopes.pop();
                return self.unsupported(t.span(), &format!("a tuple pattern over `{elem}` elements"), "");
            };
            if ts.len() != t.elems.len() {
                self.scopes.pop();
                return self.unsupported(t.span(), "a tuple pattern of another size", "bind as many names as the tuples have elements");
            }
            let mut vars = Vec::new();
            for (el, et) in t.elems.iter().zip(ts.clone()) {
                match el {
                    syn::Pat::Ident(pi) if pi.subpat.is_none() => vars.push(Some(self.declare(&pi.ident.to_string(), et, pi.mutability.is_some()))),
                    syn::Pat::Wild(_) => vars.push(None),
                    other => {
                        self.scopes.pop();
                        return self.unsupported(other.span(), "a nested pattern in `for`", "bind plain names, then take the parts apart in the body: `for (a, bc) in v { let (b, c) = bc; .. }`");
                    }
                }
            }
            destructure = Some(vars);
        }
        let id = self.new_loop(f.label.as_ref());
        let mut body = self.block(&f.body, Some(&Ty::Unit));
        self.loops.pop();
        self.scopes.pop();
        self.unit_body(&body);
        if let Some(vars) = destructure {
            let line = line_of(f.pat.span());
            let item = Expr { kind: ExprKind::Var(var), ty: elem, span: f.pat.span(), line };
            body.stmts.insert(0, Stmt { kind: StmtKind::LetTuple(vars, item), line });
        }
        let e = self.mk(ExprKind::ForEach(var, Box::new(v), body, id), Ty::Unit, span);
        self.end_loop(id, e)
    }

    /// `break` / `continue` (`cont`), with or without a label.
    pub(crate) fn jump(&mut self, label: Option<&syn::Lifetime>, span: Span, cont: bool) -> Expr {
        let what = if cont { "continue" } else { "break" };
        let found = match label {
            None => self.loops.len().checked_sub(1),
            Some(l) => {
                let name = l.ident.to_string();
                self.loops.iter().rposition(|(_, n)| n.as_deref() == Some(&name))
            }
        };
        let Some(at) = found else {
            self.err(Rule::Unsupported, span, format!("`{what}` outside of a loop"), "use `return` to leave the function");
            return poison(span);
        };
        let target = self.loops[at].0;
        let innermost = self.loops[self.loops.len() - 1].0;
        if target == innermost {
            let kind = if cont { ExprKind::Continue(target) } else { ExprKind::Break(target) };
            return self.mk(kind, Ty::Never, span);
        }
        // Out of nested loops: set the target's flag and break the innermost loop; the
        // loops in between test the flag when they end (see `end_loop`).
        let crosses: Vec<LoopId> = self.loops[at + 1..].iter().map(|(id, _)| *id).collect();
        let var = match self.exit_flags.iter_mut().find(|f| f.target == target && f.cont == cont) {
            Some(f) => {
                for l in crosses {
                    if !f.crosses.contains(&l) {
                        f.crosses.push(l);
                    }
                }
                f.var
            }
            None => {
                let name = if cont { "continue_flag" } else { "break_flag" };
                let var = self.hidden_var(name, Ty::Bool);
                self.exit_flags.push(ExitFlag { target, cont, var, crosses });
                var
            }
        };
        let set = self.assign_flag(var, true, span);
        let brk = self.mk(ExprKind::Break(innermost), Ty::Never, span);
        let block = Block { stmts: vec![set], tail: Some(Box::new(brk)), ty: Ty::Never };
        self.mk(ExprKind::Block(block), Ty::Never, span)
    }

    /// `let <hidden> = e;` and a use of it, to evaluate `e` once.
    pub(crate) fn hidden_let(&mut self, name: &str, e: Expr) -> (Stmt, Expr) {
        let (span, line, ty) = (e.span, e.line, e.ty.clone());
        let var = self.hidden_var(name, ty.clone());
        self.vars[var.0].mutable = false;
        (Stmt { kind: StmtKind::Let(var, e), line }, self.mk(ExprKind::Var(var), ty, span))
    }

    /// A mutable local the user cannot name.
    pub(crate) fn hidden_var(&mut self, name: &str, ty: Ty) -> VarId {
        let lua = self.lua_name(name);
        let id = VarId(self.vars.len());
        self.vars.push(Var { name: format!("<{name}>"), lua, ty, mutable: true });
        id
    }

    pub(crate) fn assign_flag(&self, var: VarId, value: bool, span: Span) -> Stmt {
        let v = self.mk(ExprKind::Bool(value), Ty::Bool, span);
        Stmt { kind: StmtKind::Assign(var, v), line: line_of(span) }
    }

    /// Finishes the loop `id` (already popped off `self.loops`), lowered as `e`: after a
    /// loop that a labelled jump crosses, test its flag and pass the jump on to the
    /// enclosing loop; before a loop that is the target of one, declare the flag.
    pub(crate) fn end_loop(&mut self, id: LoopId, e: Expr) -> Expr {
        let span = e.span;
        let line = e.line;
        let mut stmts = Vec::new();
        let enclosing = self.loops.last().map(|(l, _)| *l);
        let crossing: Vec<ExitFlag> = self.exit_flags.iter().filter(|f| f.crosses.contains(&id)).cloned().collect();
        // Flags declared for this loop, as the target.
        let targeted: Vec<ExitFlag> = self.exit_flags.iter().filter(|f| f.target == id).cloned().collect();
        if crossing.is_empty() && targeted.is_empty() {
            return e;
        }
        for f in &targeted {
            let init = self.mk(ExprKind::Bool(false), Ty::Bool, span);
            stmts.push(Stmt { kind: StmtKind::Let(f.var, init), line });
        }
        let ty = e.ty.clone();
        stmts.push(Stmt { kind: StmtKind::Expr(e), line });
        for f in &crossing {
            let Some(outer) = enclosing else { continue };
            // In the target's own body: break it, or continue it with the flag cleared;
            // further in: break this level out too.
            let mut then = Vec::new();
            let jump = if outer == f.target && f.cont {
                then.push(self.assign_flag(f.var, false, span));
                ExprKind::Continue(outer)
            } else {
                ExprKind::Break(outer)
            };
            let jump = self.mk(jump, Ty::Never, span);
            let cond = self.mk(ExprKind::Var(f.var), Ty::Bool, span);
            let then = Block { stmts: then, tail: Some(Box::new(jump)), ty: Ty::Never };
            let test = self.mk(ExprKind::If(Box::new(cond), then, None), Ty::Unit, span);
            stmts.push(Stmt { kind: StmtKind::Expr(test), line });
        }
        self.exit_flags.retain(|f| f.target != id);
        let ty = if matches!(ty, Ty::Never) && !crossing.is_empty() { Ty::Unit } else { ty };
        self.mk(ExprKind::Block(Block { stmts, tail: None, ty: ty.clone() }), ty, span)
    }

    pub(crate) fn break_expr(&mut self, b: &syn::ExprBreak) -> Expr {
        let span = b.span();
        if let Some(e) = &b.expr {
            return self.unsupported(e.span(), "`break` with a value", "assign the value to a `let mut` variable before `break`");
        }
        self.jump(b.label.as_ref(), span, false)
    }

    pub(crate) fn continue_expr(&mut self, c: &syn::ExprContinue) -> Expr {
        self.jump(c.label.as_ref(), c.span(), true)
    }
}

impl Gen<'_> {
    pub(crate) fn loop_stmt(&mut self, e: &ir::Expr, out: &mut Vec<LS>) {
        let line = self.line;
        match &e.kind {
            ExprKind::While(cond, body, id) => {
                let mut pre = Vec::new();
                let c = self.expr(cond, &mut pre);
                let mut flag_decl = Vec::new();
                let mut inner = self.loop_body(body, *id, &mut flag_decl);
                out.extend(flag_decl);
                if pre.is_empty() {
                    self.line = line;
                    out.push(self.stmt(K::While(c, inner)));
                } else {
                    self.line = line;
                    pre.push(self.stmt(K::If(vec![(negate(c), vec![LS::new(K::Break)])], None)));
                    pre.append(&mut inner);
                    out.push(self.stmt(K::While(L::Bool(true), pre)));
                }
            }
            ExprKind::WhileLet(pat, v, body, id) => {
                // while true do local t = v; if not <matches> then break end; <body> end
                let mut inner = Vec::new();
                let val = self.expr(v, &mut inner);
                let subject = self.pattern_subject(v, val, std::iter::once(pat), &mut inner);
                bind_aliases(pat, &subject, &mut self.aliases);
                if let Some(test) = pat_test(pat, &subject) {
                    inner.push(self.stmt(K::If(vec![(negate(test), vec![LS::new(K::Break)])], None)));
                }
                let mut flag_decl = Vec::new();
                let mut body_lua = self.loop_body(body, *id, &mut flag_decl);
                out.extend(flag_decl);
                inner.append(&mut body_lua);
                self.line = line;
                out.push(self.stmt(K::While(L::Bool(true), inner)));
            }
            ExprKind::Loop(body, id) => {
                let mut flag_decl = Vec::new();
                let inner = self.loop_body(body, *id, &mut flag_decl);
                out.extend(flag_decl);
                self.line = line;
                out.push(self.stmt(K::While(L::Bool(true), inner)));
            }
            ExprKind::ForRange(r) => {
                let mut es = vec![&r.start, &r.end];
                if let Some(s) = &r.step {
                    es.push(s);
                }
                let vals = self.operands(&es, out);
                let (start, end) = (vals[0].clone(), vals[1].clone());
                // Rust's `a..b` excludes `b`.
                let last = if r.inclusive {
                    end
                } else if let L::Num(n) = &end {
                    n.parse::<i64>().map_or_else(|_| L::bin(LB::Sub, end.clone(), L::int(1)), |n| L::int(n - 1))
                } else {
                    L::bin(LB::Sub, end, L::int(1))
                };
                let step = match (&r.step, vals.get(2)) {
                    (Some(s), Some(v)) if matches!(s.kind, ExprKind::Int(_)) => Some(v.clone()),
                    (Some(_), Some(v)) => Some(self.helper(Helper::Step, vec![v.clone()])),
                    _ => None,
                };
                let (a, b, step) = match step {
                    _ if !r.rev => (start, last, step),
                    None => (last, start, Some(L::int(-1))),
                    // `(a..b).rev().step_by(s)`: from the last element down by `s`.
                    Some(s) if r.rev_first => (last, start, Some(negate_step(s))),
                    // `(a..b).step_by(s).rev()`: the elements of the step from the last
                    // one it reaches, `a + floor((last - a) / s) * s`, down to `a`.
                    Some(s) => {
                        let start = if start.is_trivial() { start } else { self.spill(start, out) };
                        let s = if s.is_trivial() { s } else { self.spill(s, out) };
                        let span = L::bin(LB::Sub, last, start.clone());
                        let steps = L::call("math.floor", vec![L::bin(LB::Div, span, s.clone())]);
                        (L::bin(LB::Add, start.clone(), L::bin(LB::Mul, steps, s.clone())), start, Some(negate_step(s)))
                    }
                };
                let name = self.vars[r.var.0].lua.clone();
                self.locals += 1;
                let mut flag_decl = Vec::new();
                let inner = self.loop_body(&r.body, r.id, &mut flag_decl);
                out.extend(flag_decl);
                self.line = line;
                let lua_loop = K::NumFor(name, a, b, step, inner);
                self.locals += loop_locals(&lua_loop);
                out.push(self.stmt(lua_loop));
            }
            ExprKind::ForMap(k, val, v, body, id) => {
                let t = self.expr(v, out);
                let names = vec![self.vars[k.0].lua.clone(), self.vars[val.0].lua.clone()];
                self.locals += 2;
                let mut flag_decl = Vec::new();
                let inner = self.loop_body(body, *id, &mut flag_decl);
                out.extend(flag_decl);
                self.line = line;
                let lua_loop = K::GenFor(names, vec![L::call("pairs", vec![t])], inner);
                self.locals += loop_locals(&lua_loop);
                out.push(self.stmt(lua_loop));
            }
            ExprKind::ForEach(var, v, body, id) => {
                // Over an iterator chain: the body runs as each element comes out of it.
                if let ExprKind::Iter(ch) = &v.kind {
                    if matches!(ch.sink, ir::IterSink::Collect) {
                        self.iter_chain(ch, &v.ty, Some((*var, body, *id)), out);
                        self.line = line;
                        return;
                    }
                }
                let t = self.expr(v, out);
                let name = self.vars[var.0].lua.clone();
                self.locals += 1;
                let mut flag_decl = Vec::new();
                let mut inner = self.loop_body(body, *id, &mut flag_decl);
                out.extend(flag_decl);
                self.line = line;
                let loop_var = if matches!(self.vars[var.0].ty, Ty::Option(_)) {
                    // Inside a Vec, `None` is stored as `false`.
                    let raw = self.temp();
                    inner.insert(0, self.stmt(K::Local(vec![name.clone()], vec![L::bin(LB::Or, L::name(raw.clone()), L::Nil)])));
                    raw
                } else {
                    name
                };
                let lua_loop = K::GenFor(vec!["_".into(), loop_var], vec![L::call("ipairs", vec![t])], inner);
                self.locals += loop_locals(&lua_loop);
                out.push(self.stmt(lua_loop));
            }
            _ => {}
        }
        self.line = line;
    }

    /// The Lua body of a loop. Lua 5.1 has no `continue`: a body that uses it runs in
    /// `repeat .. until true`, where `continue` is `break`; a real `break` then sets a
    /// flag that ends the loop after the `repeat`.
    pub(crate) fn loop_body(&mut self, body: &ir::Block, id: ir::LoopId, flag_decl: &mut Vec<LS>) -> lua::Block {
        let has_continue = block_has(body, |k| matches!(k, ExprKind::Continue(t) if *t == id));
        let mut inner = Vec::new();
        if !has_continue {
            self.block_into(body, &Dest::Discard, &mut inner);
            return inner;
        }
        let flag = if block_has(body, |k| matches!(k, ExprKind::Break(t) if *t == id)) {
            let f = self.temp();
            flag_decl.push(self.stmt(K::Local(vec![f.clone()], vec![L::Bool(false)])));
            Some(f)
        } else {
            None
        };
        self.wrapped.insert(id, flag.clone());
        self.block_into(body, &Dest::Discard, &mut inner);
        let mut wrapped = vec![self.stmt(K::Repeat(inner, L::Bool(true)))];
        if let Some(f) = flag {
            wrapped.push(self.stmt(K::If(vec![(L::name(f), vec![LS::new(K::Break)])], None)));
        }
        wrapped
    }
}

/// True when `b` contains a `break` that targets loop `id`.
pub(crate) fn block_breaks(b: &Block, id: LoopId) -> bool {
    let mut found = false;
    crate::ir::visit_block(b, &mut |e| {
        if let ExprKind::Break(t) = e.kind {
            if t == id {
                found = true;
            }
        }
    });
    found
}

/// The step of a loop that counts down by `s` (a positive step).
fn negate_step(s: L) -> L {
    match &s {
        L::Num(n) if n.parse::<i64>().is_ok() => L::int(-n.parse::<i64>().unwrap_or(1)),
        _ => L::Un(lua::UnOp::Neg, Box::new(s)),
    }
}

/// The locals a Lua `for` declares besides the names the compiler counts when it gives
/// them: its three hidden control variables, and `_` (every one is a local of the
/// function, within Lua's limit of 200).
pub(crate) fn loop_locals(lua_loop: &K) -> usize {
    match lua_loop {
        K::GenFor(names, ..) => 3 + names.iter().filter(|n| *n == "_").count(),
        K::NumFor(..) => 3,
        _ => 0,
    }
}
