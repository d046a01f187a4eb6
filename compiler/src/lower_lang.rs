//! Lowering of the richer language: loops, `match`, `if let`, `Vec`, tuples,
//! closures, casts, `format!` and library methods.

use crate::builtins;
use crate::diag::Rule;
use crate::ir::*;
use crate::lower::{line_of, poison, Lowerer, MAX_SAFE_INT};
use proc_macro2::Span;
use syn::spanned::Spanned;

/// A labelled `break 'outer` / `continue 'outer` from inside a nested loop. Lua 5.1 has
/// no `goto`: the jump sets a flag and breaks the innermost loop; after each loop it
/// crosses, a test of the flag breaks the next loop out, until the target's body, where
/// it breaks (or continues) the target itself.
#[derive(Debug, Clone)]
pub(crate) struct ExitFlag {
    /// The loop jumped to.
    target: LoopId,
    /// `continue` rather than `break`.
    cont: bool,
    /// The flag, declared `false` right before the target loop.
    var: VarId,
    /// The loops the jump leaves on its way out (all inside the target).
    crosses: Vec<LoopId>,
}

impl Lowerer<'_> {
    fn new_loop(&mut self, label: Option<&syn::Label>) -> LoopId {
        let id = LoopId(self.next_loop);
        self.next_loop += 1;
        self.loops.push((id, label.map(|l| l.name.ident.to_string())));
        id
    }

    fn expect_bool(&mut self, e: &Expr, what: &str) {
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

    fn unit_body(&mut self, body: &Block) {
        if !matches!(body.ty, Ty::Unit | Ty::Never) {
            let sp = body.tail.as_ref().map_or(Span::call_site(), |t| t.span);
            self.err(Rule::Type, sp, format!("a loop body must not produce a value, found `{}`", body.ty), "end the expression with `;`");
        }
    }

    pub(crate) fn for_loop(&mut self, f: &syn::ExprForLoop) -> Expr {
        let span = f.span();
        let mut tuple_pat: Option<&syn::PatTuple> = None;
        let (name, mutable) = match &*f.pat {
            syn::Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => (pi.ident.to_string(), pi.mutability.is_some()),
            syn::Pat::Wild(_) => ("_".to_string(), false),
            syn::Pat::Tuple(t) => {
                tuple_pat = Some(t);
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
        loop {
            match it {
                syn::Expr::MethodCall(m) if m.method == "rev" && m.args.is_empty() && !rev && step.is_none() => {
                    rev = true;
                    it = &m.receiver;
                }
                syn::Expr::MethodCall(m) if m.method == "step_by" && m.args.len() == 1 && step.is_none() && !rev => {
                    let st = self.expr(&m.args[0], Some(&Ty::IntN(IntTy::Usize)));
                    if let ExprKind::Int(n) = st.kind {
                        if n <= 0 {
                            self.err(Rule::Type, st.span, "`step_by` needs a positive step", "Rust panics on a zero step");
                        }
                    }
                    step = Some(st);
                    it = &m.receiver;
                }
                syn::Expr::MethodCall(m) if m.method == "iter" && m.args.is_empty() => it = &m.receiver,
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
            let fr = ForRange { var, start, end, inclusive, rev, step, body, id };
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
    fn for_each(&mut self, f: &syn::ExprForLoop, v: Expr, name: &str, mutable: bool, tuple_pat: Option<&syn::PatTuple>, span: Span) -> Expr {
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
                        return self.unsupported(other.span(), "nested patterns in `for`", "bind plain names");
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
        if let Some(t) = tuple_pat {
            let Ty::Tuple(ts) = &elem else {
                self.scopes.pop();
                return self.unsupported(t.span(), &format!("a tuple pattern over `{elem}` elements"), "");
            };
            if ts.len() != t.elems.len() {
                self.scopes.pop();
                return self.unsupported(t.span(), "a tuple pattern of another size", "");
            }
            let mut vars = Vec::new();
            for (el, et) in t.elems.iter().zip(ts.clone()) {
                match el {
                    syn::Pat::Ident(pi) if pi.subpat.is_none() => vars.push(Some(self.declare(&pi.ident.to_string(), et, pi.mutability.is_some()))),
                    syn::Pat::Wild(_) => vars.push(None),
                    other => {
                        self.scopes.pop();
                        return self.unsupported(other.span(), "nested patterns in `for`", "bind plain names");
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
    fn jump(&mut self, label: Option<&syn::Lifetime>, span: Span, cont: bool) -> Expr {
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

    /// `let <hidden> = e;` and a use of it, to evaluate `e` once.
    pub(crate) fn hidden_let(&mut self, name: &str, e: Expr) -> (Stmt, Expr) {
        let (span, line, ty) = (e.span, e.line, e.ty.clone());
        let var = self.hidden_var(name, ty.clone());
        self.vars[var.0].mutable = false;
        (Stmt { kind: StmtKind::Let(var, e), line }, self.mk(ExprKind::Var(var), ty, span))
    }

    /// A mutable local the user cannot name.
    fn hidden_var(&mut self, name: &str, ty: Ty) -> VarId {
        let lua = self.lua_name(name);
        let id = VarId(self.vars.len());
        self.vars.push(Var { name: format!("<{name}>"), lua, ty, mutable: true });
        id
    }

    fn assign_flag(&self, var: VarId, value: bool, span: Span) -> Stmt {
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

    // ----- match / if let ---------------------------------------------------------

    pub(crate) fn match_expr(&mut self, m: &syn::ExprMatch, expect: Option<&Ty>) -> Expr {
        let span = m.span();
        let scrut = self.expr(&m.expr, None);
        let sty = scrut.ty.clone();
        let mut arms = Vec::new();
        let mut ty: Option<Ty> = None;
        for a in &m.arms {
            self.scopes.push(Vec::new());
            let pat = self.pattern(&a.pat, &sty);
            let guard = a.guard.as_ref().map(|(_, g)| {
                let g = self.expr(g, Some(&Ty::Bool));
                self.expect_bool(&g, "in a match guard");
                g
            });
            let want = ty.clone().or_else(|| expect.cloned());
            let body = self.expr(&a.body, want.as_ref());
            self.scopes.pop();
            ty = Some(self.join(ty, &body));
            arms.push(Arm { pat, guard, body });
        }
        let ty = ty.unwrap_or(Ty::Never);
        self.mk(ExprKind::Match(Box::new(scrut), arms), ty, span)
    }

    /// The type of arms so far joined with one more arm's body.
    fn join(&mut self, so_far: Option<Ty>, body: &Expr) -> Ty {
        match so_far {
            None | Some(Ty::Never) => body.ty.clone(),
            Some(t) => {
                if !body.ty.fits(&t) {
                    self.err(Rule::Type, body.span, format!("match arms have different types: `{t}` and `{}`", body.ty), "");
                }
                t
            }
        }
    }

    pub(crate) fn if_let(&mut self, i: &syn::ExprIf, l: &syn::ExprLet, expect: Option<&Ty>) -> Expr {
        let span = i.span();
        let scrut = self.expr(&l.expr, None);
        let sty = scrut.ty.clone();
        self.scopes.push(Vec::new());
        let pat = self.pattern(&l.pat, &sty);
        let then = self.block(&i.then_branch, expect);
        self.scopes.pop();
        let then_ty = then.ty.clone();
        let then_e = Expr { ty: then_ty.clone(), span: i.then_branch.span(), line: line_of(i.then_branch.span()), kind: ExprKind::Block(then) };
        let els = match &i.else_branch {
            Some((_, e)) => {
                let want = if then_ty != Ty::Never { Some(then_ty.clone()) } else { expect.cloned() };
                self.expr(e, want.as_ref())
            }
            None => self.mk(ExprKind::Unit, Ty::Unit, span),
        };
        let ty = self.join(Some(then_ty), &els);
        if i.else_branch.is_none() && !matches!(ty, Ty::Unit | Ty::Never) {
            self.err(Rule::Type, then_e.span, "`if let` without `else` must not produce a value", "add an `else` branch");
        }
        let arms = vec![Arm { pat, guard: None, body: then_e }, Arm { pat: Pat::Wild, guard: None, body: els }];
        self.mk(ExprKind::Match(Box::new(scrut), arms), ty, span)
    }

    pub(crate) fn pattern(&mut self, p: &syn::Pat, ty: &Ty) -> Pat {
        let span = p.span();
        let bad = |lw: &mut Self, what: &str| {
            lw.err(Rule::Type, span, format!("this pattern does not match a `{ty}`: {what}"), "");
            Pat::Wild
        };
        match p {
            syn::Pat::Wild(_) => Pat::Wild,
            syn::Pat::Paren(pp) => self.pattern(&pp.pat, ty),
            syn::Pat::Ident(pi) if pi.subpat.is_none() && pi.by_ref.is_none() && pi.mutability.is_none() => {
                let name = pi.ident.to_string();
                if name == "None" {
                    return if matches!(ty, Ty::Option(_) | Ty::Never) { Pat::None } else { bad(self, "None") };
                }
                Pat::Bind(self.declare(&name, ty.clone(), false))
            }
            syn::Pat::Path(pp) if pp.path.is_ident("None") => {
                if matches!(ty, Ty::Option(_) | Ty::Never) {
                    Pat::None
                } else {
                    bad(self, "None")
                }
            }
            syn::Pat::Lit(l) => match (&l.lit, ty) {
                (syn::Lit::Int(i), Ty::Int | Ty::IntN(_) | Ty::Never) => match i.base10_parse::<i64>() {
                    Ok(n) if n.unsigned_abs() <= MAX_SAFE_INT.unsigned_abs() => Pat::Int(n),
                    _ => bad(self, "integer out of range"),
                },
                (syn::Lit::Str(s), Ty::Str | Ty::Never) => Pat::Str(s.value().into_bytes()),
                (syn::Lit::Bool(b), Ty::Bool | Ty::Never) => Pat::Bool(b.value),
                _ => bad(self, "literal of another type"),
            },
            syn::Pat::Range(r) => {
                let bound = |e: &Option<Box<syn::Expr>>| -> Option<i64> {
                    match e.as_deref() {
                        // The integer domain is ±(2^53 - 1): i64::MIN / MAX bound it.
                        Some(syn::Expr::Path(p)) if p.path.segments.len() == 2 && p.path.segments[0].ident == "i64" => match p.path.segments[1].ident.to_string().as_str() {
                            "MIN" => Some(-MAX_SAFE_INT),
                            "MAX" => Some(MAX_SAFE_INT),
                            _ => None,
                        },
                        Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(i), .. })) => i.base10_parse::<i64>().ok(),
                        Some(syn::Expr::Unary(u)) if matches!(u.op, syn::UnOp::Neg(_)) => match &*u.expr {
                            syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(i), .. }) => i.base10_parse::<i64>().ok().map(|n| -n),
                            _ => None,
                        },
                        _ => None,
                    }
                };
                if !matches!(ty, Ty::Int | Ty::IntN(_) | Ty::Never) {
                    return bad(self, "a range");
                }
                let (tlo, thi) = ty.int_n().map_or((-MAX_SAFE_INT, MAX_SAFE_INT), |k| k.lua_bounds());
                let lo = if r.start.is_none() { Some(tlo) } else { bound(&r.start) };
                let hi = if r.end.is_none() { Some(thi) } else { bound(&r.end) };
                match (lo, hi) {
                    (Some(lo), Some(hi)) => {
                        let hi = if matches!(r.limits, syn::RangeLimits::HalfOpen(_)) && r.end.is_some() { hi - 1 } else { hi };
                        Pat::Range(lo, hi)
                    }
                    _ => {
                        self.err(Rule::Unsupported, span, "range patterns need integer literal bounds", "use a guard instead: `x if x <= limit => ..`");
                        Pat::Wild
                    }
                }
            }
            syn::Pat::Or(o) => {
                if o.cases.iter().any(pat_binds) {
                    self.err(Rule::Unsupported, span, "bindings inside `|` patterns are not supported", "bind in separate arms");
                    self.declare_poisoned(p);
                    return Pat::Wild;
                }
                Pat::Or(o.cases.iter().map(|c| self.pattern(c, ty)).collect())
            }
            syn::Pat::TupleStruct(ts) if (ts.path.is_ident("Ok") || ts.path.is_ident("Err")) && ts.elems.len() == 1 && matches!(ty, Ty::CallResult) => {
                if ts.path.is_ident("Ok") {
                    Pat::CallOk(Box::new(self.pattern(&ts.elems[0], &Ty::Dyn)))
                } else {
                    Pat::CallErr(Box::new(self.pattern(&ts.elems[0], &Ty::Str)))
                }
            }
            syn::Pat::TupleStruct(ts) if ts.path.is_ident("Some") && ts.elems.len() == 1 => match ty {
                Ty::Option(inner) => Pat::Some(Box::new(self.pattern(&ts.elems[0], inner))),
                Ty::Never => Pat::Some(Box::new(self.pattern(&ts.elems[0], &Ty::Never))),
                _ => bad(self, "Some(..)"),
            },
            syn::Pat::Tuple(t) => match ty {
                Ty::Tuple(ts) if ts.len() == t.elems.len() => {
                    let ts = ts.clone();
                    Pat::Tuple(t.elems.iter().zip(ts.iter()).map(|(p, t)| self.pattern(p, t)).collect())
                }
                _ => bad(self, "a tuple of another size"),
            },
            _ => {
                self.err(Rule::Unsupported, span, "this pattern is not supported", "use literals, ranges, `_`, names, `Some(..)`, `None`, tuples and `|`");
                Pat::Wild
            }
        }
    }

    /// `let PAT = e else { .. };`: the bindings stay in scope after the statement.
    pub(crate) fn let_else(&mut self, pat: &syn::Pat, init: &syn::Expr, els: &syn::Expr, line: u32) -> Option<Stmt> {
        let e = self.expr(init, None);
        let ety = e.ty.clone();
        // The else block is lowered before the bindings exist, as in Rust.
        let syn::Expr::Block(b) = els else {
            self.err(Rule::Unsupported, els.span(), "this `else` of `let ... else`", "write a block that returns, breaks or continues");
            return None;
        };
        let blk = self.block(&b.block, None);
        if blk.ty != Ty::Never {
            self.err(Rule::Type, els.span(), "the `else` of `let ... else` must not fall through", "end it with `return`, `break` or `continue`");
        }
        let p = self.pattern(pat, &ety);
        Some(Stmt { kind: StmtKind::LetElse(p, e, blk), line })
    }

    /// `opt?` and `opt.ok_or(reject!(..))?` / `.ok_or_else(|| reject!(..))?`.
    pub(crate) fn try_expr(&mut self, t: &syn::ExprTry) -> Expr {
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
                        self.err(Rule::Type, opt.span, format!("`.{name}()` on `{t}`, not an Option"), "");
                        return poison(span);
                    }
                };
                let arg = match (&m.args[0], name.as_str()) {
                    (syn::Expr::Closure(c), "ok_or_else") if c.inputs.is_empty() => &*c.body,
                    (a, "ok_or") => a,
                    (a, _) => return self.unsupported(a.span(), "this argument of `ok_or_else`", "write `|| reject!(\"message\")`"),
                };
                let rej = self.expr(arg, Some(&Ty::Reject));
                if !matches!(rej.kind, ExprKind::Reject(_)) && rej.ty != Ty::Never {
                    self.err(Rule::Type, rej.span, "expected `reject!(..)`", "write `.ok_or(reject!(\"message\"))?`");
                }
                if !matches!(self.ret, Ty::Result(_)) {
                    let r = self.ret.clone();
                    self.err(Rule::Type, t.question_token.span, format!("`?` with a rejection in a function returning `{r}`"), "declare the function `-> Result<T, Reject>`");
                }
                return self.mk(ExprKind::Try(Box::new(opt), Some(Box::new(rej))), inner, span);
            }
        }
        let opt = self.expr(&t.expr, None);
        match &opt.ty {
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
                    self.err(Rule::Type, f.span, format!("`and_then` needs a closure returning an Option, this one returns `{other}`"), "");
                    Ty::Never
                }
            },
            OptionOp::Filter | OptionOp::IsSomeAnd => {
                if !ret.fits(&Ty::Bool) {
                    self.err(Rule::Type, f.span, format!("expected a closure returning `bool`, found `{ret}`"), "");
                }
                if op == OptionOp::Filter {
                    recv.ty.clone()
                } else {
                    Ty::Bool
                }
            }
            OptionOp::UnwrapOrElse => {
                if !ret.fits(&inner) {
                    self.err(Rule::Type, f.span, format!("expected a closure returning `{inner}`, found `{ret}`"), "");
                }
                (*inner).clone()
            }
        };
        Some(self.mk(ExprKind::OptionCall(op, Box::new(recv), Box::new(f)), ty, span))
    }

    /// The index of helper `name`, lowering its signature on first use.
    pub(crate) fn helper_index(&mut self, name: &str, span: Span) -> Option<usize> {
        if let Some(&i) = self.ctx.by_name.get(name) {
            return Some(i);
        }
        let item = self.ctx.items.get(name)?.clone();
        let sig = &item.sig;
        if !sig.generics.params.is_empty() || sig.asyncness.is_some() || sig.constness.is_some() || sig.unsafety.is_some() || sig.variadic.is_some() {
            self.err(Rule::Unsupported, sig.ident.span(), format!("helper `{name}` must be a plain, non-generic `fn`"), "");
            return None;
        }
        let mut tys = Vec::new();
        for input in &sig.inputs {
            let syn::FnArg::Typed(pt) = input else {
                self.err(Rule::Unsupported, input.span(), "a `self` parameter", "helpers are free functions");
                return None;
            };
            if !matches!(&*pt.pat, syn::Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none()) {
                self.err(Rule::Unsupported, pt.pat.span(), "a pattern in parameter position", "bind the parameter to a plain name");
                return None;
            }
            let ty = match &*pt.ty {
                syn::Type::Reference(r) if r.mutability.is_none() => match &*r.elem {
                    syn::Type::Slice(sl) => self.local_type(&sl.elem).map(|t| Ty::Vec(Box::new(t))),
                    syn::Type::Path(_) if Self::path_name(&r.elem).is_some_and(|(_, n)| n == "str") => Some(Ty::Str),
                    inner => self.local_type(inner),
                },
                t => self.local_type(t),
            };
            tys.push(ty?);
        }
        let ret = match &sig.output {
            syn::ReturnType::Default => Ty::Unit,
            syn::ReturnType::Type(_, t) => self.local_type(t)?,
        };
        if matches!(ret, Ty::Result(_) | Ty::Reject) {
            self.err(Rule::Unsupported, sig.output.span(), "a helper returning `Result`", "return an Option, or reject in the redis function itself");
            return None;
        }
        let _ = span;
        let base = format!("h_{}", name.strip_prefix("r#").unwrap_or(name));
        let mut lua = base.clone();
        let mut n = 2;
        while !self.ctx.lua_names.insert(lua.clone()) {
            lua = format!("{base}_{n}");
            n += 1;
        }
        let i = self.ctx.fns.len();
        self.ctx.fns.push(HelperFn {
            name: name.to_string(),
            lua,
            params: Vec::new(),
            param_tys: tys,
            ret,
            body: None,
            vars: Vec::new(),
            line: line_of(sig.fn_token.span),
            span: sig.ident.span(),
            key_origins: Vec::new(),
        });
        self.ctx.by_name.insert(name.to_string(), i);
        self.ctx.pending.push((i, item));
        Some(i)
    }

    pub(crate) fn call_helper(&mut self, i: usize, args: &[&syn::Expr], span: Span) -> Expr {
        let (tys, ret, name) = (self.ctx.fns[i].param_tys.clone(), self.ctx.fns[i].ret.clone(), self.ctx.fns[i].name.clone());
        if tys.len() != args.len() {
            return self.arity(span, &name, tys.len());
        }
        let mut es = Vec::new();
        for (a, t) in args.iter().zip(&tys) {
            let e = self.expr(a, Some(t));
            if !e.ty.fits(t) {
                self.err(Rule::Type, e.span, format!("expected `{t}`, found `{}`", e.ty), "");
            }
            es.push(e);
        }
        self.mk(ExprKind::CallHelper(i, es), ret, span)
    }

    /// `call!("CMD", args..)` / `try_call!(..)`: any command of the server's table,
    /// checked for existence, arity, key positions, `noscript` and blocking.
    pub(crate) fn dyn_call(&mut self, mac: &syn::Macro, span: Span, protected: bool) -> Expr {
        use crate::command_spec::{self, ArgShape, KeyIndexError};
        let what = if protected { "try_call!" } else { "call!" };
        let args = match mac.parse_body_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated) {
            Ok(a) => a,
            Err(_) => return self.unsupported(crate::lower::macro_args_span(mac), &format!("this form of `{what}`"), "write `call!(\"CMD\", &key, arg, ..)`"),
        };
        let lit = |e: &syn::Expr| match e {
            syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
            _ => None,
        };
        let mut it = args.iter();
        let Some(first) = it.next() else {
            return self.unsupported(crate::lower::macro_args_span(mac), &format!("an empty `{what}`"), "name the command: `call!(\"CMD\", ..)`");
        };
        let Some(name) = lit(first) else {
            self.err(Rule::UnknownCommand, first.span(), "the command name must be a string literal", "write `call!(\"HINCRBY\", ..)`: the name is checked at compile time");
            return poison(span);
        };
        let Some(mut spec) = command_spec::lookup(&name) else {
            self.err(Rule::UnknownCommand, first.span(), format!("`{name}` is not a command of Redis {}", crate::command_spec::SERVER_VERSION), "check the spelling; the command table is generated from a real server with `cargo xtask gen-commands`");
            return poison(span);
        };
        let rest: Vec<&syn::Expr> = it.collect();
        let mut words: Vec<&'static str> = vec![spec.name];
        let mut skip = 0;
        if spec.is_container() {
            let sub = rest.first().and_then(|e| lit(e));
            match sub.as_deref().and_then(|s| spec.subcommand(s)) {
                Some(s) => {
                    spec = s;
                    // "XINFO STREAM": the subcommand is the second word of its name.
                    words = spec.name.split(' ').collect();
                    skip = 1;
                }
                None => {
                    self.err(Rule::UnknownCommand, first.span(), format!("`{name}` needs a subcommand as its next argument, as a string literal"), format!("e.g. `call!(\"{name}\", \"<SUBCOMMAND>\", ..)`"));
                    return poison(span);
                }
            }
        }
        if spec.is_noscript() {
            self.err(Rule::NoScript, first.span(), format!("{} cannot run inside a script or function (the server flags it `noscript`)", spec.name), "call it from the client instead");
            return poison(span);
        }
        let values: Vec<Expr> = rest[skip..].iter().map(|a| self.expr(a, None)).collect();
        // The argv the server would see, for its own key-spec algorithm.
        let shapes_text: Vec<Option<String>> = values.iter().map(|v| if let ExprKind::Str(b) = &v.kind { String::from_utf8(b.clone()).ok() } else { None }).collect();
        let mut argv: Vec<ArgShape> = words.iter().map(|w| ArgShape::Literal(w)).collect();
        for (v, t) in values.iter().zip(&shapes_text) {
            argv.push(match (t, &v.kind, &v.ty) {
                (Some(s), _, _) => ArgShape::Literal(s.as_str()),
                (_, ExprKind::Int(_), _) | (_, _, Ty::Int) => ArgShape::Integer,
                _ => ArgShape::Unknown,
            });
        }
        if !spec.accepts_argc(argv.len()) {
            self.err(Rule::Arity, span, format!("wrong number of arguments for {}: {} given", spec.name, argv.len() - words.len()), format!("the server's arity for {} is {}", spec.name, spec.arity));
            return poison(span);
        }
        if spec.blocks_with(&argv) {
            self.err(Rule::Blocking, first.span(), format!("{} would block: Redis runs it without waiting inside a script, which changes its meaning", spec.name), "use the non-blocking form (e.g. LPOP instead of BLPOP, XREAD without BLOCK)");
            return poison(span);
        }
        let keys = match spec.key_indices(&argv) {
            Ok(k) => k,
            Err(KeyIndexError::Incomplete { found, .. }) => found,
            Err(e) => {
                crate::checks::keys::key_positions_unknown(self.errors, span, spec.name, &e);
                return poison(span);
            }
        };
        let mut out: Vec<CommandArg> = words[1..].iter().map(|w| CommandArg::Word(w)).collect();
        for (i, v) in values.into_iter().enumerate() {
            let pos = i + words.len();
            let is_key = keys.contains(&pos);
            match (&v.ty, is_key) {
                (Ty::Key | Ty::Never, true) => {}
                (_, true) => crate::checks::keys::not_a_key(self.errors, v.span, spec.name, &v.ty, Some(i + 1)),
                (Ty::Key, false) => crate::checks::keys::key_as_data(self.errors, v.span, spec.name, Some(i + 1)),
                (Ty::Int | Ty::Float | Ty::Str | Ty::Never, false) => {}
                (t, false) => {
                    let t = t.clone();
                    self.err(Rule::Type, v.span, format!("`{t}` cannot be a command argument"), "pass integers, floats or strings");
                }
            }
            out.push(CommandArg::Value(v));
        }
        let ty = if protected { Ty::CallResult } else { Ty::Dyn };
        self.mk(ExprKind::DynCall(DynCall { spec, args: out, protected }), ty, span)
    }

    /// Methods of `Value` and of `try_call!` results.
    pub(crate) fn dyn_method(&mut self, m: &syn::ExprMethodCall, recv: Expr) -> Expr {
        let span = m.span();
        let name = m.method.to_string();
        if !m.args.is_empty() {
            return self.arity(span, &name, 0);
        }
        let (op, ty) = match (&recv.ty, name.as_str()) {
            (Ty::Dyn, "is_nil") => (DynMethod::IsNil, Ty::Bool),
            (Ty::Dyn, "is_ok") => (DynMethod::IsOk, Ty::Bool),
            (Ty::Dyn, "as_int") => (DynMethod::AsInt, Ty::Int.option()),
            (Ty::Dyn, "as_string") => (DynMethod::AsString, Ty::Str.option()),
            (Ty::Dyn, "as_array") => (DynMethod::AsArray, Ty::Vec(Box::new(Ty::Dyn)).option()),
            (Ty::CallResult, "is_ok") => (DynMethod::ResultIsOk, Ty::Bool),
            (Ty::CallResult, "is_err") => (DynMethod::ResultIsErr, Ty::Bool),
            (Ty::CallResult, "ok") => (DynMethod::ResultOk, Ty::Dyn.option()),
            (Ty::CallResult, "err") => (DynMethod::ResultErr, Ty::Str.option()),
            (t, _) => {
                let t = t.clone();
                return self.unsupported(m.method.span(), &format!("the method `.{name}()` on `{t}`"), "`Value` has is_nil, is_ok, as_int, as_string, as_array; a `try_call!` result has is_ok, is_err, ok, err");
            }
        };
        self.mk(ExprKind::DynMethod(op, Box::new(recv)), ty, span)
    }

    /// An iterator chain ending in a consumer (`collect`, `sum`, `count`, `any`, ...), or,
    /// with `implicit_collect`, any chain of adapters (the iterated value of a `for`).
    pub(crate) fn iter_chain(&mut self, m: &syn::ExprMethodCall, expect: Option<&Ty>, implicit_collect: bool) -> Option<Expr> {
        const SINKS: &[&str] = &["collect", "sum", "count", "any", "all", "min", "max", "find", "position"];
        const STAGES: &[&str] = &["map", "filter", "enumerate", "take", "skip", "zip", "copied", "cloned"];
        let outer = m.method.to_string();
        let is_sink = SINKS.contains(&outer.as_str());
        let bare_source = implicit_collect && matches!(outer.as_str(), "split" | "chunks" | "lines" | "splitn" | "chars" | "keys" | "values");
        if !is_sink && !bare_source && !(implicit_collect && (STAGES.contains(&outer.as_str()) || outer == "rev")) {
            return None;
        }
        // Collect the chain, outermost first, down to its source.
        let mut calls: Vec<&syn::ExprMethodCall> = Vec::new();
        let mut cur = m;
        let source = loop {
            let name = cur.method.to_string();
            if matches!(name.as_str(), "iter" | "into_iter" | "split" | "chunks" | "lines" | "splitn" | "chars" | "keys" | "values") {
                break cur;
            }
            calls.push(cur);
            match &*cur.receiver {
                syn::Expr::MethodCall(inner) => cur = inner,
                _ => return None,
            }
        };
        let span = m.span();
        calls.reverse();
        let (sink_call, adapters) = if is_sink { (calls.pop(), calls) } else { (None, calls) };
        // Source.
        let src_name = source.method.to_string();
        // What rustc's specialisations do with the chain so far (checked against rustc
        // 1.95): `by_index` while every part is one that `zip`, `skip` and `take` reach by
        // index (`TrustedRandomAccess`: slice iterators, exclusive ranges, chunks, map,
        // enumerate, copied, cloned, skip, zip of such), so that `zip` runs no closure for
        // an element without a partner.
        let mut by_index = match src_name.as_str() {
            "iter" | "chunks" => true,
            "into_iter" => {
                let mut recv = &*source.receiver;
                while let syn::Expr::Paren(p) = recv {
                    recv = &p.expr;
                }
                matches!(recv, syn::Expr::Reference(_) | syn::Expr::Range(syn::ExprRange { limits: syn::RangeLimits::HalfOpen(_), .. }))
            }
            _ => false,
        };
        // `pulls_on`: some part pulls elements one by one whatever comes after (a filter,
        // a string or map source), so Rust's zip pulls one more element from this side
        // when the other side is shorter.
        let mut pulls_on = !matches!(src_name.as_str(), "iter" | "into_iter" | "chunks");
        // A closure before the point that may run code Rust could skip or run (a command,
        // an assignment, an error).
        let mut busy_closure = false;
        let (src, mut elem) = match src_name.as_str() {
            "iter" | "into_iter" => {
                let mut recv = &*source.receiver;
                while let syn::Expr::Paren(p) = recv {
                    recv = &p.expr;
                }
                if let syn::Expr::Range(r) = recv {
                    let (Some(a), Some(b)) = (&r.start, &r.end) else {
                        return Some(self.unsupported(r.span(), "an open range", "give both ends: `a..b`"));
                    };
                    let mut a = self.expr(a, None);
                    let mut b = self.expr(b, Some(&a.ty.clone()).filter(|t| t.is_int()));
                    // The elements have the type of the bounds.
                    let elem = match self.unify_ints(&mut a, &mut b) {
                        Some(t) if t.is_int() => t,
                        Some(_) => Ty::Int,
                        None => {
                            self.int_mismatch(r.span(), &a.ty, &b.ty);
                            Ty::Int
                        }
                    };
                    (IterSource::Range(a, b, matches!(r.limits, syn::RangeLimits::Closed(_))), elem)
                } else {
                    let v = self.expr(recv, None);
                    match v.ty.clone() {
                        Ty::Vec(t) => (IterSource::Vec(v), *t),
                        Ty::Never => (IterSource::Vec(v), Ty::Never),
                        other => return Some(self.unsupported(v.span, &format!("iterating over `{other}`"), "iterate over a `Vec` or a range")),
                    }
                }
            }
            "keys" | "values" => {
                // A map's keys or values, as a Vec (in the table's order; Rust's HashMap
                // order is arbitrary too).
                if !source.args.is_empty() {
                    return Some(self.arity(source.span(), &src_name, 0));
                }
                let map = self.expr(&source.receiver, None);
                let Ty::Map(vt) = map.ty.clone() else {
                    let t = map.ty.clone();
                    return Some(self.unsupported(map.span, &format!("`.{src_name}()` on `{t}`"), "keys and values are methods of a `HashMap<String, _>`"));
                };
                let (method, elem) = if src_name == "keys" { (Method::MapKeys, Ty::Str) } else { (Method::MapValues, *vt) };
                let v = self.mk(ExprKind::Method(method, vec![map]), Ty::Vec(Box::new(elem.clone())), source.span());
                (IterSource::Vec(v), elem)
            }
            "lines" | "splitn" | "chars" => {
                // The pieces, as a Vec of strings (chars are one-char strings).
                let want = if src_name == "splitn" { 2 } else { 0 };
                if source.args.len() != want {
                    return Some(self.arity(source.span(), &src_name, want));
                }
                let s = self.expr(&source.receiver, Some(&Ty::Str));
                if !s.ty.fits(&Ty::Str) {
                    let t = s.ty.clone();
                    self.err(Rule::Type, s.span, format!("`{src_name}` works on strings, found `{t}`"), "");
                }
                let sp = source.span();
                let pieces = if src_name == "lines" {
                    self.mk(ExprKind::Method(Method::StrLines, vec![s]), Ty::Vec(Box::new(Ty::Str)), sp)
                } else if src_name == "chars" {
                    self.mk(ExprKind::Method(Method::StrChars, vec![s]), Ty::Vec(Box::new(Ty::Str)), sp)
                } else {
                    let n = self.expr(&source.args[0], Some(&usize_ty()));
                    let sep = self.expr(&source.args[1], Some(&Ty::Str));
                    if !n.ty.is_int() || !sep.ty.fits(&Ty::Str) {
                        self.err(Rule::Type, sp, "`splitn` takes a count and a string separator", "");
                    }
                    if matches!(&sep.kind, ExprKind::Str(b) if b.is_empty()) {
                        self.err(Rule::Unsupported, sep.span, "splitting on an empty separator", "split on a non-empty string");
                    }
                    self.mk(ExprKind::Method(Method::StrSplitN, vec![s, n, sep]), Ty::Vec(Box::new(Ty::Str)), sp)
                };
                (IterSource::Vec(pieces), Ty::Str)
            }
            "split" => {
                if source.args.len() != 1 {
                    return Some(self.arity(source.span(), "split", 1));
                }
                let s = self.expr(&source.receiver, Some(&Ty::Str));
                let sep = self.expr(&source.args[0], Some(&Ty::Str));
                for x in [&s, &sep] {
                    if !x.ty.fits(&Ty::Str) {
                        let t = x.ty.clone();
                        self.err(Rule::Type, x.span, format!("`split` works on strings with a string separator, found `{t}`"), "");
                    }
                }
                if matches!(&sep.kind, ExprKind::Str(b) if b.is_empty()) {
                    self.err(Rule::Unsupported, sep.span, "splitting on an empty separator", "split on a non-empty string");
                }
                (IterSource::Split(s, sep), Ty::Str)
            }
            _ => {
                if source.args.len() != 1 {
                    return Some(self.arity(source.span(), "chunks", 1));
                }
                let v = self.expr(&source.receiver, None);
                let n = self.expr(&source.args[0], Some(&usize_ty()));
                let Ty::Vec(t) = v.ty.clone() else {
                    return Some(self.unsupported(v.span, "`chunks` on something that is not a Vec", ""));
                };
                if matches!(n.kind, ExprKind::Int(0)) {
                    self.err(Rule::Type, n.span, "`chunks(0)`", "Rust panics on a chunk size of zero");
                }
                (IterSource::Chunks(v, n), Ty::Vec(t))
            }
        };
        if matches!(elem, Ty::Option(_)) {
            return Some(self.unsupported(span, "iterator adapters over a `Vec<Option<_>>`", "use a `for` loop"));
        }
        let mut rev = false;
        let mut stages = Vec::new();
        for (i, a) in adapters.iter().enumerate() {
            let name = a.method.to_string();
            match (name.as_str(), a.args.len()) {
                ("rev", 0) if i == 0 && matches!(src, IterSource::Vec(_) | IterSource::Range(..)) => {
                    rev = true;
                    by_index = false;
                }
                ("zip", 1) => {
                    // The other side: a Vec, or its `.iter()` / `.into_iter()`.
                    let mut other = &a.args[0];
                    // Rust zips by index only with a slice iterator on this side too.
                    let mut other_by_index = matches!(other, syn::Expr::Reference(_));
                    while let syn::Expr::MethodCall(it) = other {
                        if matches!(it.method.to_string().as_str(), "iter" | "into_iter" | "copied" | "cloned") && it.args.is_empty() {
                            other_by_index |= it.method == "iter";
                            other = &it.receiver;
                        } else {
                            break;
                        }
                    }
                    let mut bare = other;
                    while let syn::Expr::Paren(p) = bare {
                        bare = &p.expr;
                    }
                    if matches!(bare, syn::Expr::Range(_)) {
                        return Some(self.unsupported(other.span(), "zipping with a range", "zip with a Vec, or use `.enumerate()` for indices"));
                    }
                    let v = self.expr(other, None);
                    let Ty::Vec(t) = v.ty.clone() else {
                        let t = v.ty.clone();
                        return Some(self.unsupported(v.span, &format!("zipping with `{t}`"), "zip with a Vec: `a.iter().zip(b.iter())`"));
                    };
                    elem = Ty::Tuple(vec![elem, *t]);
                    // When the other side is shorter, Rust's generic zip pulls one more
                    // element from this side (running its closures) and then finds no
                    // partner; zipping by index, it stops before. Between the two (a Vec
                    // by value, an inclusive range, `rev`, `take`), the consumer decides:
                    // refused when a closure could tell.
                    let exact = by_index && other_by_index;
                    if !pulls_on && !exact && busy_closure {
                        self.unsupported(
                            a.method.span(),
                            "`zip` after a closure with effects",
                            "Rust may or may not run that closure once more for an element the other side has no partner for: zip first and map after (`a.iter().zip(b.iter()).map(..)`), over `.iter()` of Vecs or exclusive ranges",
                        );
                    }
                    by_index = exact;
                    stages.push(IterStage::Zip(v, exact && busy_closure));
                }
                // Numbers, strings and bools are values in Lua: nothing to copy.
                ("copied" | "cloned", 0) if matches!(elem, Ty::Int | Ty::IntN(_) | Ty::Float | Ty::Bool | Ty::Str) => {}
                ("enumerate", 0) => {
                    stages.push(IterStage::Enumerate);
                    elem = Ty::Tuple(vec![usize_ty(), elem]);
                }
                ("take" | "skip", 1) => {
                    let n = self.expr(&a.args[0], Some(&usize_ty()));
                    if !n.ty.is_int() {
                        let t = n.ty.clone();
                        self.err(Rule::Type, n.span, format!("expected an integer count, found `{t}`"), "");
                    }
                    if name == "take" {
                        by_index = false;
                    } else if busy_closure {
                        // Rust runs them or not depending on what comes after (a `take` or
                        // `zip` by index, an in-place `collect` of an `into_iter`).
                        self.unsupported(
                            a.method.span(),
                            "`skip` after a closure with effects",
                            "Rust may or may not run that closure for the skipped elements: skip first and map after (`v.iter().skip(n).map(..)`)",
                        );
                    }
                    stages.push(if name == "take" { IterStage::Take(n) } else { IterStage::Skip(n) });
                }
                ("map" | "filter", 1) => {
                    let syn::Expr::Closure(c) = &a.args[0] else {
                        return Some(self.unsupported(a.args[0].span(), "a function that is not a closure literal here", "write the closure in place"));
                    };
                    let f = self.closure_with(c, Some(std::slice::from_ref(&elem)));
                    let Ty::Fn(_, ret) = f.ty.clone() else { return Some(f) };
                    if name == "map" {
                        if matches!(*ret, Ty::Option(_) | Ty::Unit) {
                            self.err(Rule::UnsupportedType, f.span, format!("mapping to `{ret}` is not supported here"), "");
                        }
                        elem = *ret;
                        busy_closure |= !closure_is_quiet(&f);
                        stages.push(IterStage::Map(f));
                    } else {
                        busy_closure |= !closure_is_quiet(&f);
                        by_index = false;
                        pulls_on = true;
                        if !ret.fits(&Ty::Bool) {
                            self.err(Rule::Type, f.span, format!("a filter returns `bool`, this one `{ret}`"), "");
                        }
                        stages.push(IterStage::Filter(f));
                    }
                }
                _ => return Some(self.unsupported(a.method.span(), &format!("the iterator adapter `.{name}()` here"), "supported: rev (first), map, filter, enumerate, take, skip, zip (with a Vec), copied, cloned")),
            }
        }
        let closure_sink = |lw: &mut Self, c: &syn::ExprMethodCall, elem: &Ty| -> Option<Expr> {
            let Some(syn::Expr::Closure(cl)) = c.args.first() else {
                lw.unsupported(c.span(), "this consumer without a closure literal", "write the closure in place");
                return None;
            };
            let f = lw.closure_with(cl, Some(std::slice::from_ref(elem)));
            if let Ty::Fn(_, r) = &f.ty {
                if !r.fits(&Ty::Bool) {
                    let r = (**r).clone();
                    lw.err(Rule::Type, f.span, format!("expected a closure returning `bool`, found `{r}`"), "");
                }
            }
            Some(f)
        };
        let (sink, ty) = match sink_call {
            None => (IterSink::Collect, Ty::Vec(Box::new(elem.clone()))),
            Some(c) => match c.method.to_string().as_str() {
                "collect" => {
                    let want = match (&c.turbofish, expect) {
                        (Some(_), _) => None,
                        (None, Some(t)) => Some(t.clone()),
                        (None, None) => None,
                    };
                    let turbofish_map = c.turbofish.as_ref().is_some_and(|t| quote::ToTokens::to_token_stream(t).to_string().contains("HashMap"));
                    let turbofish_string = c.turbofish.as_ref().is_some_and(|t| quote::ToTokens::to_token_stream(t).to_string().contains("String"))
                        && !turbofish_map
                        && !c.turbofish.as_ref().is_some_and(|t| quote::ToTokens::to_token_stream(t).to_string().contains("Vec"));
                    if matches!(want, Some(Ty::Str)) || turbofish_string {
                        if elem != Ty::Str {
                            return Some(self.unsupported(c.span(), &format!("collecting `{elem}` into a String"), "collect strings or chars into a String"));
                        }
                        (IterSink::CollectString, Ty::Str)
                    } else if matches!(want, Some(Ty::Map(_))) || turbofish_map {
                        let Ty::Tuple(kv) = &elem else {
                            return Some(self.unsupported(c.span(), "collecting into a map from something other than `(String, T)` pairs", ""));
                        };
                        if kv.len() != 2 || kv[0] != Ty::Str {
                            return Some(self.unsupported(c.span(), "collecting into a map from something other than `(String, T)` pairs", ""));
                        }
                        (IterSink::CollectMap, Ty::Map(Box::new(kv[1].clone())))
                    } else {
                        if let Some(w) = &want {
                            if !matches!(w, Ty::Vec(_)) {
                                return Some(self.unsupported(c.span(), &format!("collecting into `{w}`"), "collect into a `Vec` or a `HashMap<String, T>`"));
                            }
                        }
                        (IterSink::Collect, Ty::Vec(Box::new(elem.clone())))
                    }
                }
                "sum" => {
                    if !matches!(elem, Ty::Int | Ty::IntN(_) | Ty::Float) {
                        return Some(self.unsupported(c.span(), &format!("summing `{elem}`"), "sum integers or floats"));
                    }
                    (IterSink::Sum, elem.clone())
                }
                "count" => (IterSink::Count, usize_ty()),
                "min" | "max" => {
                    if !elem.is_int() {
                        return Some(self.unsupported(c.span(), &format!("`.min()`/`.max()` of `{elem}`"), "Rust has them for integers (f64 is not Ord; strings would compare by locale in Lua)"));
                    }
                    (if c.method == "min" { IterSink::Min } else { IterSink::Max }, elem.clone().option())
                }
                "any" | "all" => {
                    let f = closure_sink(self, c, &elem)?;
                    (if c.method == "any" { IterSink::Any(f) } else { IterSink::All(f) }, Ty::Bool)
                }
                "find" => {
                    let f = closure_sink(self, c, &elem)?;
                    (IterSink::Find(f), elem.clone().option())
                }
                _ => {
                    let f = closure_sink(self, c, &elem)?;
                    (IterSink::Position(f), usize_ty().option())
                }
            },
        };
        if let (IterSink::Collect, Ty::Vec(t)) = (&sink, &ty) {
            if matches!(**t, Ty::Option(_) | Ty::Unit) {
                return Some(self.unsupported(span, &format!("collecting `{t}` values"), ""));
            }
        }
        Some(self.mk(ExprKind::Iter(Box::new(IterChain { source: src, rev, stages, sink })), ty, span))
    }

    /// The type of a plain struct of the library, lowering its fields on first use.
    pub(crate) fn struct_type(&mut self, name: &str, span: Span) -> Option<Ty> {
        if let Some(st) = self.ctx.structs.get(name) {
            return Some(Ty::Struct(Box::new(st.clone())));
        }
        let item = self.ctx.struct_items.get(name)?.clone();
        if !item.generics.params.is_empty() {
            self.err(Rule::Unsupported, item.generics.span(), format!("the generic struct `{name}`"), "use a plain struct");
            return None;
        }
        let syn::Fields::Named(named) = &item.fields else {
            self.err(Rule::Unsupported, item.ident.span(), format!("the tuple or unit struct `{name}`"), "use named fields, or a tuple");
            return None;
        };
        // Guard against a struct that contains itself.
        self.ctx.structs.insert(name.to_string(), StructTy { name: name.to_string(), fields: Vec::new() });
        let mut fields = Vec::new();
        for f in &named.named {
            let fname = f.ident.as_ref().map(|i| i.to_string()).unwrap_or_default();
            let t = self.local_type(&f.ty);
            let Some(t) = t else {
                self.ctx.structs.remove(name);
                return None;
            };
            if matches!(t, Ty::Result(_) | Ty::Unit | Ty::Fn(..) | Ty::CallResult) {
                self.err(Rule::UnsupportedType, f.ty.span(), format!("a `{t}` field"), "");
                self.ctx.structs.remove(name);
                return None;
            }
            fields.push((fname, t));
        }
        let _ = span;
        let st = StructTy { name: name.to_string(), fields };
        self.ctx.structs.insert(name.to_string(), st.clone());
        Some(Ty::Struct(Box::new(st)))
    }

    /// `S { a: x, b }`.
    pub(crate) fn struct_literal(&mut self, e: &syn::ExprStruct) -> Expr {
        let span = e.span();
        if let Some(r) = &e.rest {
            return self.unsupported(r.span(), "struct update syntax (`..base`)", "write every field");
        }
        let name = e.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        let Some(Ty::Struct(st)) = self.struct_type(&name, e.path.span()) else {
            return self.unsupported(e.path.span(), &format!("the struct `{name}`"), "define plain structs in the library module");
        };
        let mut values: Vec<Option<Expr>> = vec![None; st.fields.len()];
        for fv in &e.fields {
            let syn::Member::Named(fname) = &fv.member else {
                self.err(Rule::Unsupported, fv.member.span(), "a numbered field", "");
                continue;
            };
            let Some(i) = st.fields.iter().position(|(n, _)| fname == n) else {
                self.err(Rule::Type, fname.span(), format!("`{name}` has no field `{fname}`"), "");
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
                    self.err(Rule::Type, span, format!("missing field `{}` in `{name}`", st.fields[i].0), "give every field a value");
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
        let var = self.lookup(&name)?;
        let v = self.vars[var.0].clone();
        let Ty::Struct(st) = &v.ty else {
            self.unsupported(fe.span(), &format!("assigning a field of `{}`", v.ty), "");
            return None;
        };
        let syn::Member::Named(fname) = &fe.member else {
            self.unsupported(fe.member.span(), "a numbered field", "");
            return None;
        };
        let Some(i) = st.fields.iter().position(|(n, _)| fname == n) else {
            self.err(Rule::Type, fname.span(), format!("no field `{fname}` on `{}`", st.name), "");
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

    // ----- tuples, vectors, indexing ---------------------------------------------

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
                self.err(Rule::UnsupportedType, e.span, format!("`{t}` inside a tuple is not supported"), "");
            }
        }
        let ty = Ty::Tuple(es.iter().map(|e| e.ty.clone()).collect());
        self.mk(ExprKind::Tuple(es), ty, span)
    }

    pub(crate) fn tuple_field(&mut self, f: &syn::ExprField) -> Expr {
        let span = f.span();
        let base = self.expr(&f.base, None);
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
                            self.err(Rule::Type, name.span(), format!("no field `{name}` on `{}`", st.name), "");
                            poison(span)
                        }
                    },
                    Ty::Never => base,
                    other => {
                        let t = other.clone();
                        self.err(Rule::Type, span, format!("no field `{name}` on `{t}`"), "");
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
                self.err(Rule::Type, span, format!("no field `{i}` on `{t}`"), "");
                poison(span)
            }
        }
    }

    pub(crate) fn let_tuple(&mut self, l: &syn::Local, pt: &syn::PatTuple, annot: Option<&syn::Type>, line: u32) -> Option<Stmt> {
        let want = match annot {
            Some(t) => Some(self.local_type(t)?),
            None => None,
        };
        let Some(init) = &l.init else {
            self.err(Rule::Unsupported, l.span(), "`let` without a value is not supported", "");
            return None;
        };
        let e = self.expr(&init.expr, want.as_ref());
        let tys = match &e.ty {
            Ty::Tuple(ts) if ts.len() == pt.elems.len() => ts.clone(),
            other => {
                let t = other.clone();
                self.err(Rule::Type, e.span, format!("expected a tuple of {} elements, found `{t}`", pt.elems.len()), "");
                return None;
            }
        };
        let mut vars = Vec::new();
        for (p, t) in pt.elems.iter().zip(tys) {
            match p {
                syn::Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => vars.push(Some(self.declare(&pi.ident.to_string(), t, pi.mutability.is_some()))),
                syn::Pat::Wild(_) => vars.push(None),
                other => {
                    self.err(Rule::Unsupported, other.span(), "nested patterns in `let` are not supported", "bind plain names");
                    return None;
                }
            }
        }
        Some(Stmt { kind: StmtKind::LetTuple(vars, e), line })
    }

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
                self.err(Rule::Type, n.span, format!("expected a length, found `{t}`"), "");
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
            return self.unsupported(span, "an empty `vec![]`", "write `Vec::new()` with a type annotation");
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
        if let (Ty::Str, syn::Expr::Range(r)) = (&base.ty, &*i.index) {
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
                    self.err(Rule::Type, x.span, format!("expected a byte offset, found `{t}`"), "");
                }
            }
            return self.mk(ExprKind::Method(Method::StrSlice, vec![base, start, end]), Ty::Str, span);
        }
        let idx = self.expr(&i.index, Some(&usize_ty()));
        if !idx.ty.is_int() && idx.ty != Ty::Never {
            let t = idx.ty.clone();
            self.err(Rule::Type, idx.span, format!("expected an integer index, found `{t}`"), "");
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

    pub(crate) fn assign_index(&mut self, ix: &syn::ExprIndex, rhs: &syn::Expr, line: u32) -> Option<Stmt> {
        let syn::Expr::Path(p) = &*ix.expr else {
            self.unsupported(ix.span(), "assigning into this place", "assign into a `let mut` Vec variable");
            return None;
        };
        let name = p.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
        let Some(var) = self.lookup(&name) else {
            self.err(Rule::UnknownName, p.span(), format!("cannot find variable `{name}`"), "");
            return None;
        };
        let v = self.vars[var.0].clone();
        let Ty::Vec(elem) = v.ty.clone() else {
            self.err(Rule::Type, p.span(), format!("cannot index `{}`", v.ty), "");
            return None;
        };
        if !v.mutable {
            self.err(Rule::Type, p.span(), format!("cannot assign into immutable `{name}`"), format!("declare it with `let mut {name}`"));
        }
        let idx = self.expr(&ix.index, Some(&usize_ty()));
        if !idx.ty.is_int() && idx.ty != Ty::Never {
            let t = idx.ty.clone();
            self.err(Rule::Type, idx.span, format!("expected an integer index, found `{t}`"), "");
        }
        let val = self.expr(rhs, Some(&elem));
        if !val.ty.fits(&elem) {
            self.err(Rule::Type, val.span, format!("expected `{elem}`, found `{}`", val.ty), "");
        }
        Some(Stmt { kind: StmtKind::AssignIndex(var, idx, val), line })
    }

    // ----- closures, casts ------------------------------------------------------

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
            return self.unsupported(span, "this closure form", "");
        }
        self.scopes.push(Vec::new());
        let mut params = Vec::new();
        let mut ptys = Vec::new();
        if let Some(h) = hint {
            if h.len() != c.inputs.len() {
                // `||` has no parameters to point at: point at the bars.
                let at = if c.inputs.is_empty() { c.or1_token.span.join(c.or2_token.span).unwrap_or(c.or1_token.span) } else { c.inputs.span() };
                self.err(Rule::Arity, at, format!("this closure must take {} parameter(s)", h.len()), "");
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
                            self.err(Rule::Type, p.span(), format!("a tuple pattern for a `{}`", h[i]), "");
                            self.scopes.pop();
                            return poison(span);
                        };
                        if ts.len() != t.elems.len() {
                            self.err(Rule::Type, p.span(), format!("this pattern has {} elements, the tuple {}", t.elems.len(), ts.len()), "");
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
                                    self.err(Rule::Unsupported, other.span(), "nested patterns in closure parameters", "bind plain names");
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
                self.err(Rule::Unsupported, pt.pat.span(), "this closure parameter pattern", "bind a plain name");
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
        let mut body = self.expr(&c.body, declared.as_ref());
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
            self.err(Rule::Type, body.span, format!("the closure returns `{ret}`, found `{}`", body.ty), "");
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
            self.err(Rule::Type, span, format!("`{}` is a `{t}`, not a closure", self.vars[var.0].name), "");
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

    pub(crate) fn cast(&mut self, c: &syn::ExprCast) -> Expr {
        let e = self.expr(&c.expr, None);
        let target = Self::path_name(&c.ty).map(|(_, n)| n);
        let int_target = Self::int_type_named(&c.ty);
        match (target.as_deref(), &e.ty) {
            // Between integer types: the low bits, as Rust keeps them (see lower_int).
            (_, t) if int_target.is_some() && (t.is_int() || *t == Ty::Never) => {
                let to = int_target.unwrap_or(Ty::Int);
                self.int_cast(e, to, c.span())
            }
            (_, Ty::Float) if int_target.is_some() => {
                let to = int_target.unwrap_or(Ty::Int);
                self.float_cast(e, to, c.span())
            }
            (Some("f64"), Ty::Float) => e,
            (Some("f64"), t) if t.is_int() => {
                let sp = e.span;
                Expr { ty: Ty::Float, ..self.mk(e.kind, Ty::Float, sp) }
            }
            (Some(t), ty) => {
                let ty = ty.clone();
                self.err(Rule::Unsupported, c.span(), format!("casting `{ty}` to `{t}` is not supported"), "casts between integer types are supported (values stay within ±(2^53 - 1))");
                poison(c.span())
            }
            (None, _) => self.unsupported(c.span(), "this cast", ""),
        }
    }

    // ----- format!, parse, library methods -------------------------------------

    pub(crate) fn format_macro(&mut self, mac: &syn::Macro, span: Span) -> Expr {
        let args = match mac.parse_body_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated) {
            Ok(a) => a,
            Err(_) => return self.unsupported(crate::lower::macro_args_span(mac), "this form of `format!`", "write `format!(\"{}:{}\", a, b)`"),
        };
        let mut it = args.iter();
        let Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(fmt), .. })) = it.next() else {
            return self.unsupported(crate::lower::macro_args_span(mac), "`format!` without a literal format string", "");
        };
        let rest: Vec<&syn::Expr> = it.collect();
        let text = fmt.value();
        // Rust computes the arguments in order, then reads the variables named in the
        // string (`{x}`). When an argument may change such a variable whose placeholder
        // comes before the argument's, the arguments are computed first, into hidden
        // locals, in order.
        let mut args: Vec<Option<Expr>> = rest.iter().map(|a| Some(self.expr(a, None))).collect();
        let mut first = Vec::new();
        let mut named_before: Vec<VarId> = Vec::new();
        let mut reorder = false;
        let mut next = 0;
        for name in format_placeholders(&text) {
            if name.is_empty() {
                if let Some(Some(a)) = args.get(next) {
                    reorder |= named_before.iter().any(|v| a.may_change(*v));
                }
                next += 1;
            } else if let Some(v) = self.lookup(&name) {
                named_before.push(v);
            }
        }
        if reorder {
            for a in args.iter_mut() {
                if let Some(e) = a.take() {
                    let (s, v) = self.hidden_let("arg", e);
                    first.push(s);
                    *a = Some(v);
                }
            }
        }
        let mut parts: Vec<Expr> = Vec::new();
        let mut lit = String::new();
        let mut next_arg = 0;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    lit.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    lit.push('}');
                }
                '{' => {
                    let mut name = String::new();
                    for c in chars.by_ref() {
                        if c == '}' {
                            break;
                        }
                        name.push(c);
                    }
                    if !lit.is_empty() {
                        parts.push(self.mk(ExprKind::Str(std::mem::take(&mut lit).into_bytes()), Ty::Str, fmt.span()));
                    }
                    let (name, spec) = match name.split_once(':') {
                        Some((n, s)) => (n.to_string(), Some(s.to_string())),
                        None => (name, None),
                    };
                    let spec = match spec.as_deref().map(FormatSpec::parse) {
                        None => None,
                        Some(Ok(s)) => Some(s),
                        Some(Err(())) => {
                            let shown = spec.unwrap_or_default();
                            return self.unsupported(fmt.span(), &format!("the format spec `{{{name}:{shown}}}`"), "use `{}`, `{:.2}` (floats), or a width with alignment and fill: `{:>8}`, `{:<8}`, `{:^8}`, `{:*>8}`, `{:08}`");
                        }
                    };
                    let value = if name.is_empty() {
                        let Some(a) = args.get_mut(next_arg).and_then(Option::take) else {
                            return self.unsupported(fmt.span(), "a `{}` without an argument", "");
                        };
                        next_arg += 1;
                        a
                    } else if name.chars().all(|c| c.is_alphanumeric() || c == '_') && !name.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                        match self.lookup(&name) {
                            Some(v) => {
                                let t = self.vars[v.0].ty.clone();
                                self.mk(ExprKind::Var(v), t, fmt.span())
                            }
                            None => {
                                self.err(Rule::UnknownName, fmt.span(), format!("cannot find `{name}` in this redis function"), "");
                                poison(fmt.span())
                            }
                        }
                    } else {
                        return self.unsupported(fmt.span(), &format!("the format spec `{{{name}}}`"), "use `{}` or `{name}` only");
                    };
                    let numeric = matches!(value.ty, Ty::Int | Ty::IntN(_) | Ty::Float);
                    if let Some(sp) = &spec {
                        if sp.precision.is_some() && value.ty != Ty::Float {
                            let t = value.ty.clone();
                            self.unsupported(fmt.span(), &format!("a precision for `{t}`"), "precision is for floats: `{:.2}`");
                        }
                        if sp.zero && !numeric {
                            let t = value.ty.clone();
                            self.unsupported(fmt.span(), &format!("zero padding of `{t}`"), "pad numbers with zeros, strings with a fill: `{:0>8}`");
                        }
                    }
                    let fixed = spec.as_ref().and_then(|s| s.precision);
                    let piece = match &value.ty {
                        Ty::Str | Ty::Never => value,
                        Ty::Float if fixed.is_some() => {
                            let sp = value.span;
                            let n = self.mk(ExprKind::Int(fixed.unwrap_or(0) as i64), Ty::Int, sp);
                            self.mk(ExprKind::Method(Method::FloatFixed, vec![value, n]), Ty::Str, sp)
                        }
                        Ty::Float => {
                            let sp = value.span;
                            self.mk(ExprKind::Method(Method::FloatToString, vec![value]), Ty::Str, sp)
                        }
                        Ty::Int | Ty::IntN(_) => {
                            let sp = value.span;
                            self.mk(ExprKind::IntToString(Box::new(value)), Ty::Str, sp)
                        }
                        other => {
                            let t = other.clone();
                            self.err(Rule::Unsupported, value.span, format!("formatting `{t}` is not supported"), "format integers and strings");
                            poison(value.span)
                        }
                    };
                    let piece = match spec {
                        Some(sp) if sp.width > 0 => {
                            let at = piece.span;
                            let align = sp.align.unwrap_or(if numeric { '>' } else { '<' });
                            let args = vec![
                                piece,
                                self.mk(ExprKind::Int(sp.width as i64), Ty::Int, at),
                                self.mk(ExprKind::Str(align.to_string().into_bytes()), Ty::Str, at),
                                self.mk(ExprKind::Str(sp.fill.to_string().into_bytes()), Ty::Str, at),
                                self.mk(ExprKind::Bool(sp.zero), Ty::Bool, at),
                            ];
                            self.mk(ExprKind::Method(Method::StrPad, args), Ty::Str, at)
                        }
                        _ => piece,
                    };
                    parts.push(piece);
                }
                c => lit.push(c),
            }
        }
        if next_arg != rest.len() {
            self.err(Rule::Arity, span, "`format!` has more arguments than `{}` placeholders", "add a `{}` for each argument, or remove the extra ones");
        }
        if !lit.is_empty() || parts.is_empty() {
            parts.push(self.mk(ExprKind::Str(lit.into_bytes()), Ty::Str, fmt.span()));
        }
        let mut acc = parts.remove(0);
        for p in parts {
            acc = self.mk(ExprKind::Method(Method::StrConcat, vec![acc, p]), Ty::Str, span);
        }
        if first.is_empty() {
            return acc;
        }
        self.mk(ExprKind::Block(Block { stmts: first, tail: Some(Box::new(acc)), ty: Ty::Str }), Ty::Str, span)
    }

    /// `s.parse::<i64>().ok()` / `.unwrap_or(d)` / `.is_ok()` / `.is_err()`.
    pub(crate) fn parse_method(&mut self, m: &syn::ExprMethodCall) -> Option<Expr> {
        let syn::Expr::MethodCall(inner) = &*m.receiver else { return None };
        if inner.method != "parse" {
            return None;
        }
        let span = m.span();
        let target = inner.turbofish.as_ref().and_then(|t| t.args.first()).and_then(|a| match a {
            syn::GenericArgument::Type(t) => Self::path_name(t).map(|(_, n)| n),
            _ => None,
        });
        let (method, ty) = match target.as_deref() {
            Some("i64") => (Method::ParseInt, Ty::Int),
            Some("f64") => (Method::ParseFloat, Ty::Float),
            _ => return Some(self.unsupported(inner.method.span(), "this `parse`", "write `s.parse::<i64>()` or `s.parse::<f64>()`")),
        };
        let s = self.expr(&inner.receiver, Some(&Ty::Str));
        if !s.ty.fits(&Ty::Str) {
            let t = s.ty.clone();
            self.err(Rule::Type, s.span, format!("expected a string to parse, found `{t}`"), "");
        }
        let parsed = self.mk(ExprKind::Method(method, vec![s]), ty.clone().option(), span);
        let name = m.method.to_string();
        Some(match (name.as_str(), m.args.len()) {
            ("ok", 0) => parsed,
            ("is_ok", 0) => self.mk(ExprKind::IsSome(Box::new(parsed)), Ty::Bool, span),
            ("is_err", 0) => self.mk(ExprKind::IsNone(Box::new(parsed)), Ty::Bool, span),
            ("unwrap_or", 1) => {
                let d = self.expr(&m.args[0], Some(&ty));
                if !d.ty.fits(&ty) {
                    let t = d.ty.clone();
                    self.err(Rule::Type, d.span, format!("expected `{ty}`, found `{t}`"), "");
                }
                self.mk(ExprKind::UnwrapOr(Box::new(parsed), Box::new(d)), ty, span)
            }
            _ => self.unsupported(m.method.span(), &format!("`.{name}()` on a parse result"), "use `.ok()`, `.unwrap_or(n)`, `.is_ok()` or `.is_err()`"),
        })
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
                    self.err(Rule::Type, k.span, format!("map keys are strings, found `{kt}`"), "");
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
                    self.err(Rule::Type, recv.span, "`.push()` changes the Vec: it must be a `let mut` variable", "declare it with `let mut`");
                }
                return self.mk(ExprKind::Method(Method::VecPush, vec![recv, x]), Ty::Unit, span);
            }
            (Ty::Struct(_), "clone", 0) => return self.mk(ExprKind::Method(Method::DeepCopy, vec![recv]), rty, span),
            // Elements that are tables which can change (structs, Vecs, maps) are copied
            // too, as Rust clones them: a shallow copy would share them.
            (Ty::Vec(t), "to_vec", 0) if holds_tables(t) => return self.mk(ExprKind::Method(Method::DeepCopy, vec![recv]), rty, span),
            (Ty::Vec(_), "to_vec", 0) => {
                return self.mk(ExprKind::Method(Method::VecExtend, vec![self.mk(ExprKind::VecLit(Vec::new()), rty.clone(), span), recv]), rty, span);
            }
            (Ty::Option(t), "cloned", 0) if matches!(**t, Ty::Vec(_) | Ty::Map(_) | Ty::Struct(_) | Ty::Tuple(_)) => {
                // A copy that shares no table with the original, as Rust's clone.
                return self.mk(ExprKind::Method(Method::OptionDeepCopy, vec![recv]), rty, span);
            }
            (Ty::Option(_), "copied" | "cloned", 0) => return recv,
            (Ty::Vec(t), "clone", 0) if !matches!(**t, Ty::Vec(_)) && holds_tables(t) => return self.mk(ExprKind::Method(Method::DeepCopy, vec![recv]), rty, span),
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
                        self.err(Rule::Type, f.span, format!("a predicate returns `bool`, this one `{r}`"), "");
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
                    return self.unsupported(recv.span, &format!("`.{name}()` on this place"), "push onto a `let mut` String variable");
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
            return self.unsupported(m.method.span(), &format!("the method `.{name}()` with {argc} argument(s) on `{rty}`"), "see the language reference for the supported methods");
        };
        if matches!(&rty, Ty::Vec(t) if matches!(**t, Ty::Option(_))) && row.has(builtins::NO_OPTION_ELEMS) {
            return self.unsupported(m.method.span(), &format!("`.{name}()` on a `{rty}`"), "read it with indexing or a `for` loop");
        }
        if row.has(builtins::LET_MUT) && !matches!(&recv.kind, ExprKind::Var(v) if self.vars[v.0].mutable) {
            let what = if matches!(rty, Ty::Map(_)) { "map" } else { "Vec" };
            self.err(Rule::Type, recv.span, format!("`.{name}()` changes the {what}: it must be a `let mut` variable"), "declare it with `let mut`");
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
}

/// Values of `t` hold Lua tables that can change in place (structs, Vecs, maps).
fn holds_tables(t: &Ty) -> bool {
    match t {
        Ty::Struct(_) | Ty::Vec(_) | Ty::Map(_) => true,
        Ty::Tuple(ts) => ts.iter().any(holds_tables),
        Ty::Option(t) => holds_tables(t),
        _ => false,
    }
}

/// `usize`: lengths, indices, counts and positions.
pub(crate) fn usize_ty() -> Ty {
    Ty::IntN(IntTy::Usize)
}

fn pat_binds(p: &syn::Pat) -> bool {
    match p {
        syn::Pat::Ident(pi) => pi.ident != "None",
        syn::Pat::TupleStruct(t) => t.elems.iter().any(pat_binds),
        syn::Pat::Tuple(t) => t.elems.iter().any(pat_binds),
        syn::Pat::Or(o) => o.cases.iter().any(pat_binds),
        syn::Pat::Paren(p) => pat_binds(&p.pat),
        _ => false,
    }
}

/// True when `b` contains a `break` that targets loop `id`.
pub(crate) fn block_breaks(b: &Block, id: LoopId) -> bool {
    let mut found = false;
    crate::checks::visit_block(b, &mut |e| {
        if let ExprKind::Break(t) = e.kind {
            if t == id {
                found = true;
            }
        }
    });
    found
}

/// The part of a `format!` spec after `:` that redlua translates:
/// `[[fill]align][0][width][.precision]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FormatSpec {
    fill: char,
    align: Option<char>,
    zero: bool,
    width: usize,
    precision: Option<usize>,
}

impl FormatSpec {
    fn parse(spec: &str) -> Result<FormatSpec, ()> {
        let mut out = FormatSpec { fill: ' ', align: None, zero: false, width: 0, precision: None };
        let chars: Vec<char> = spec.chars().collect();
        let mut i = 0;
        let is_align = |c: char| matches!(c, '<' | '>' | '^');
        if chars.len() >= 2 && is_align(chars[1]) {
            out.fill = chars[0];
            out.align = Some(chars[1]);
            i = 2;
        } else if chars.first().copied().is_some_and(is_align) {
            out.align = chars.first().copied();
            i = 1;
        }
        if chars.get(i) == Some(&'0') {
            out.zero = true;
            i += 1;
        }
        let digits = |i: &mut usize| -> Option<usize> {
            let start = *i;
            while chars.get(*i).is_some_and(char::is_ascii_digit) {
                *i += 1;
            }
            chars[start..*i].iter().collect::<String>().parse().ok()
        };
        out.width = digits(&mut i).unwrap_or(0);
        if chars.get(i) == Some(&'.') {
            i += 1;
            out.precision = Some(digits(&mut i).ok_or(())?);
        }
        // Lua's string.format takes at most two digits of precision.
        if i != chars.len() || out.precision.is_some_and(|p| p > 99) || (out.zero && out.align.is_some()) || out.width > 4096 {
            return Err(());
        }
        Ok(out)
    }
}

/// True when running the closure `f` has no effect: no command, no assignment, no call,
/// nothing that can fail but an integer beyond ±(2^53 − 1) (which the Lua refuses where
/// Rust computes it anyway): whether it runs once more or not cannot be told.
fn closure_is_quiet(f: &Expr) -> bool {
    let ExprKind::Closure(_, body) = &f.kind else { return false };
    let mut quiet = true;
    crate::checks::visit_expr(body, &mut |e| {
        quiet &= match &e.kind {
            ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) | ExprKind::Str(_) | ExprKind::Unit | ExprKind::None | ExprKind::Var(_) => true,
            ExprKind::Unary(..) | ExprKind::Some(_) | ExprKind::IsSome(_) | ExprKind::IsNone(_) | ExprKind::UnwrapOr(..) | ExprKind::IntToString(_) => true,
            ExprKind::Tuple(_) | ExprKind::TupleField(..) | ExprKind::VecLit(_) | ExprKind::StructLit(_) => true,
            // A division by a variable may divide by zero.
            ExprKind::Binary(BinOp::Div | BinOp::Rem, _, b) => e.ty == Ty::Float || matches!(b.kind, ExprKind::Int(n) if n != 0),
            ExprKind::Binary(..) => true,
            ExprKind::If(_, b, _) | ExprKind::Block(b) => b.stmts.is_empty(),
            ExprKind::Method(m, _) => m.row().has(builtins::QUIET),
            _ => false,
        };
    });
    quiet
}

/// The names inside the placeholders of a format string, in order (`""` for `{}`,
/// `"x"` for `{x}` and `{x:>4}`).
fn format_placeholders(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
            }
            '{' => {
                let inner: String = chars.by_ref().take_while(|c| *c != '}').collect();
                names.push(inner.split(':').next().unwrap_or_default().to_string());
            }
            _ => {}
        }
    }
    names
}
