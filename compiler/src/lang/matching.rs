//! Branches and patterns: `if` / `else` as a statement and as a value, `match`, `if let`,
//! `let .. else`, and the patterns they take (literals, ranges, `Some`/`None`,
//! `Ok`/`Err`, tuples, struct patterns, bindings, guards, `|`).
//!
//! They become `if .. elseif .. else .. end` chains: each pattern a Lua condition over
//! the matched value saved in a local ([`pat_test`]), each binding a name for a part of
//! that value ([`bind_aliases`]); an `if` or `match` used as a value assigns a temporary.

use crate::codegen::*;
use crate::diag::Rule;
use crate::ir::{self, *};
use crate::lower::{line_of, Lowerer};
use crate::lua::{BinOp as LB, Expr as L, Stmt as LS, StmtKind as K};
use syn::spanned::Spanned;

impl Lowerer<'_> {
    pub(crate) fn if_expr(&mut self, i: &syn::ExprIf, expect: Option<&Ty>) -> Expr {
        let span = i.span();
        if let syn::Expr::Let(l) = &*i.cond {
            return self.if_let(i, l, expect);
        }
        let cond = self.expr(&i.cond, Some(&Ty::Bool));
        if !cond.ty.fits(&Ty::Bool) {
            let t = cond.ty.clone();
            self.err(Rule::Type, cond.span, format!("expected `bool`, found `{t}`"), "conditions must be bools (in Lua, 0 and \"\" would count as true)");
        }
        // `if c { None } else { Some(x) }`: the else branch gives the type of `None`.
        let then_is_none = matches!(i.then_branch.stmts.last(), Some(syn::Stmt::Expr(syn::Expr::Path(p), None)) if p.path.is_ident("None"));
        if expect.is_none() && then_is_none {
            if let Some((_, e)) = &i.else_branch {
                let els = self.expr(e, None);
                let then = self.block(&i.then_branch, Some(&els.ty));
                let ty = if els.ty.fits(&then.ty) || then.ty == Ty::Never { els.ty.clone() } else { then.ty.clone() };
                return self.mk(ExprKind::If(Box::new(cond), then, Some(Box::new(els))), ty, span);
            }
        }
        let then = self.block(&i.then_branch, expect);
        let els = i.else_branch.as_ref().map(|(_, e)| {
            let want = if then.ty != Ty::Never { Some(then.ty.clone()) } else { expect.cloned() };
            Box::new(self.expr(e, want.as_ref()))
        });
        let ty = match &els {
            None => {
                if !matches!(then.ty, Ty::Unit | Ty::Never) {
                    let sp = then.tail.as_ref().map_or(span, |t| t.span);
                    self.err(Rule::Type, sp, format!("`if` without `else` must not produce a value, found `{}`", then.ty), "add an `else` branch or end the statement with `;`");
                    // Reported: its uses report nothing more.
                    Ty::Never
                } else {
                    Ty::Unit
                }
            }
            Some(e) => {
                if then.ty == Ty::Never {
                    e.ty.clone()
                } else if e.ty.fits(&then.ty) {
                    then.ty.clone()
                } else {
                    self.err(Rule::Type, e.span, format!("`if` and `else` have different types: `{}` and `{}`", then.ty, e.ty), "");
                    Ty::Never
                }
            }
        };
        self.mk(ExprKind::If(Box::new(cond), then, els), ty, span)
    }

    pub(crate) fn match_expr(&mut self, m: &syn::ExprMatch, expect: Option<&Ty>) -> Expr {
        if let Some(e) = self.match_mut(m, expect) {
            return e;
        }
        let span = m.span();
        let (scrut, parse) = self.scrutinee(&m.expr);
        let sty = scrut.ty.clone();
        let mut arms = Vec::new();
        let mut ty: Option<Ty> = None;
        for a in &m.arms {
            self.scopes.push(Vec::new());
            let pat = self.arm_pattern(&a.pat, &sty, parse);
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
    pub(crate) fn join(&mut self, so_far: Option<Ty>, body: &Expr) -> Ty {
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
        if let Some(e) = self.if_let_mut(i, l, expect) {
            return e;
        }
        let span = i.span();
        let (scrut, parse) = self.scrutinee(&l.expr);
        let sty = scrut.ty.clone();
        self.scopes.push(Vec::new());
        let pat = self.arm_pattern(&l.pat, &sty, parse);
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
        let ty = if i.else_branch.is_none() && !matches!(then_ty, Ty::Unit | Ty::Never) {
            self.err(Rule::Type, then_e.span, "`if let` without `else` must not produce a value", "add an `else` branch");
            Ty::Never
        } else {
            self.join(Some(then_ty), &els)
        };
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
            // `Ok(n)` on a value already refused (a parse result kept in a variable).
            syn::Pat::TupleStruct(ts) if (ts.path.is_ident("Ok") || ts.path.is_ident("Err")) && *ty == Ty::Never => {
                self.declare_poisoned(p);
                Pat::Wild
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
            syn::Pat::Struct(ps) if matches!(ty, Ty::Struct(_)) => self.struct_pattern(ps, ty),
            syn::Pat::Path(_) | syn::Pat::TupleStruct(_) | syn::Pat::Struct(_) if matches!(ty, Ty::Enum(_)) || *ty == Ty::Never && self.names_variant(p) => self.variant_pattern(p, ty),
            _ => {
                self.err(Rule::Unsupported, span, "this pattern is not supported", "use literals, ranges, `_`, names, `Some(..)`, `None`, tuples, structs (`S { f: p, .. }`), enum variants and `|`");
                self.declare_poisoned(p);
                Pat::Wild
            }
        }
    }

    /// `let PAT = e else { .. };`: the bindings stay in scope after the statement.
    pub(crate) fn let_else(&mut self, pat: &syn::Pat, init: &syn::Expr, els: &syn::Expr, line: u32) -> Option<Stmt> {
        let (e, parse) = self.scrutinee(init);
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
        let p = self.arm_pattern(pat, &ety, parse);
        Some(Stmt { kind: StmtKind::LetElse(p, e, blk), line })
    }

    /// The value a `match`, `if let` or `let .. else` tests, and whether it is a parse
    /// result (`s.parse::<i64>()`), an `Option` whose `None` stands for `Err`.
    fn scrutinee(&mut self, e: &syn::Expr) -> (Expr, bool) {
        if let syn::Expr::MethodCall(m) = e {
            if m.turbofish.is_some() {
                if let Some((parsed, _)) = self.parse_call(m) {
                    return (parsed, true);
                }
            }
        }
        (self.expr(e, None), false)
    }

    /// A pattern of a `match` arm (or `if let`, `let .. else`); on a parse result,
    /// `Ok(p)` is `Some(p)` and `Err(_)` is `None`.
    fn arm_pattern(&mut self, p: &syn::Pat, ty: &Ty, parse: bool) -> Pat {
        if !parse {
            return self.pattern(p, ty);
        }
        match p {
            syn::Pat::TupleStruct(ts) if ts.path.is_ident("Ok") && ts.elems.len() == 1 => {
                let inner = match ty {
                    Ty::Option(t) => (**t).clone(),
                    _ => Ty::Never,
                };
                Pat::Some(Box::new(self.pattern(&ts.elems[0], &inner)))
            }
            syn::Pat::TupleStruct(ts) if ts.path.is_ident("Err") && ts.elems.len() == 1 => {
                if !matches!(ts.elems[0], syn::Pat::Wild(_)) {
                    self.err(Rule::Unsupported, ts.elems[0].span(), "binding the error of a parse", "write `Err(_)`: the error's text is not translated");
                    self.declare_poisoned(&ts.elems[0]);
                }
                Pat::None
            }
            syn::Pat::Wild(_) => Pat::Wild,
            syn::Pat::Or(o) if !o.cases.iter().any(pat_binds) => Pat::Or(o.cases.iter().map(|c| self.arm_pattern(c, ty, true)).collect()),
            other => {
                self.err(Rule::Unsupported, other.span(), "this pattern on a parse result", "match `Ok(n)` and `Err(_)` (or `_`)");
                self.declare_poisoned(other);
                Pat::Wild
            }
        }
    }
}

impl Gen<'_> {
    pub(crate) fn if_into(&mut self, e: &ir::Expr, dest: &Dest, out: &mut Vec<LS>) {
        let line = self.line;
        let mut arms = Vec::new();
        let mut cur = e;
        let mut els = None;
        while let ExprKind::If(c, then, next) = &cur.kind {
            // Conditions after the first are evaluated only if earlier ones failed: a
            // condition that needs statements must go into a nested `else`.
            let mut pre = Vec::new();
            let cond = self.expr(c, &mut pre);
            if !arms.is_empty() && !pre.is_empty() {
                let mut inner = Vec::new();
                self.if_into(cur, dest, &mut inner);
                els = Some(inner);
                break;
            }
            out.extend(pre);
            let mut body = Vec::new();
            self.block_into(then, dest, &mut body);
            arms.push((cond, body));
            match next {
                Some(n) if matches!(n.kind, ExprKind::If(..)) => cur = n,
                Some(n) => {
                    let mut body = Vec::new();
                    self.expr_into(n, dest, &mut body);
                    els = Some(body);
                    break;
                }
                None => break,
            }
            self.line = line;
        }
        self.line = line;
        out.push(self.stmt(K::If(arms, els)));
    }

    pub(crate) fn match_into(&mut self, e: &ir::Expr, dest: &Dest, out: &mut Vec<LS>) {
        let ExprKind::Match(scrut, arms) = &e.kind else { return };
        let line = self.line;
        let v = self.expr(scrut, out);
        let subject = self.pattern_subject(scrut, v, arms.iter().map(|a| &a.pat), out);
        let mut chain: Vec<(Vec<LS>, Option<L>, Vec<LS>)> = Vec::new();
        for arm in arms {
            bind_aliases(&arm.pat, &subject, &mut self.aliases);
            let test = pat_test(&arm.pat, &subject);
            let mut pre = Vec::new();
            let cond = match (&arm.guard, test) {
                (None, t) => t,
                (Some(g), t) => {
                    let gv = self.expr(g, &mut pre);
                    match t {
                        // A guard that needs statements runs them only once the pattern
                        // matched, as Rust evaluates it (its bindings are nil otherwise).
                        Some(t) if !pre.is_empty() => {
                            let flag = self.temp();
                            let mut guarded = std::mem::take(&mut pre);
                            guarded.push(self.stmt(K::Assign(vec![L::name(flag.clone())], vec![gv])));
                            pre.push(self.stmt(K::Local(vec![flag.clone()], vec![L::Bool(false)])));
                            pre.push(self.stmt(K::If(vec![(t, guarded)], None)));
                            Some(L::name(flag))
                        }
                        Some(t) => Some(L::bin(LB::And, t, gv)),
                        None => Some(gv),
                    }
                }
            };
            let mut body = Vec::new();
            self.line = arm.body.line.max(line);
            self.expr_into(&arm.body, dest, &mut body);
            self.line = line;
            let always = cond.is_none();
            chain.push((pre, cond, body));
            if always {
                break;
            }
        }
        self.line = line;
        let stmts = self.chain(chain);
        out.extend(stmts);
    }
}

impl Gen<'_> {
    /// The local that the bindings of `pats` (matched against `scrut`, whose value is `v`)
    /// name: bindings refer to the matched value, so it is kept in a local nobody assigns.
    /// A struct can also change in place (`s.f = ..`) while the bindings live, where
    /// Rust's bindings keep the values they took: when a pattern binds a part of a struct
    /// held by a variable, the local is a table of its own with the struct's fields (the
    /// fields' own tables never change in place: `s.f.g = ..` replaces `s.f`).
    pub(crate) fn pattern_subject<'p>(&mut self, scrut: &ir::Expr, v: L, mut pats: impl Iterator<Item = &'p Pat>, out: &mut Vec<LS>) -> L {
        let ExprKind::Var(var) = &scrut.kind else { return self.spill(v, out) };
        match &scrut.ty {
            Ty::Struct(st) if pats.any(binds_part) => {
                let fields = (1..=st.fields.len()).map(|i| L::index(v.clone(), L::int(i as i64))).collect();
                self.spill(L::Table(fields, Vec::new()), out)
            }
            _ if matches!(v, L::Name(_)) && !self.vars[var.0].mutable => v,
            _ => self.spill(v, out),
        }
    }
}

/// The pattern binds a part of the matched value (not only the whole of it).
fn binds_part(p: &Pat) -> bool {
    use crate::copies::binds;
    match p {
        Pat::Tuple(ps) => ps.iter().any(binds),
        Pat::Or(ps) => ps.iter().any(binds_part),
        _ => false,
    }
}

pub(crate) fn pat_binds(p: &syn::Pat) -> bool {
    match p {
        syn::Pat::Ident(pi) => pi.ident != "None",
        syn::Pat::TupleStruct(t) => t.elems.iter().any(pat_binds),
        syn::Pat::Tuple(t) => t.elems.iter().any(pat_binds),
        syn::Pat::Struct(s) => s.fields.iter().any(|f| pat_binds(&f.pat)),
        syn::Pat::Or(o) => o.cases.iter().any(pat_binds),
        syn::Pat::Paren(p) => pat_binds(&p.pat),
        _ => false,
    }
}

impl Lowerer<'_> {
    /// `matches!(e, PAT)` / `matches!(e, PAT if guard)`: `match e { PAT => true, _ => false }`.
    pub(crate) fn matches_macro(&mut self, mac: &syn::Macro, span: proc_macro2::Span) -> Expr {
        let parser = |input: syn::parse::ParseStream<'_>| -> syn::Result<syn::ExprMatch> {
            let e: syn::Expr = input.parse()?;
            input.parse::<syn::Token![,]>()?;
            let pat = syn::Pat::parse_multi_with_leading_vert(input)?;
            let guard = if input.peek(syn::Token![if]) {
                input.parse::<syn::Token![if]>()?;
                let g: syn::Expr = input.parse()?;
                Some(g)
            } else {
                None
            };
            if input.peek(syn::Token![,]) {
                input.parse::<syn::Token![,]>()?;
            }
            let guard = guard.map(|g| quote::quote!(if #g));
            // In parentheses: a struct literal (`matches!(S { a: 1 }, ..)`, which the macro
            // takes as one expression) cannot be a bare `match` scrutinee.
            Ok(syn::parse_quote_spanned!(span=> match (#e) { #pat #guard => true, _ => false }))
        };
        match syn::parse::Parser::parse2(parser, mac.tokens.clone()) {
            Ok(m) => self.match_expr(&m, Some(&Ty::Bool)),
            Err(e) => {
                // An error at the end of the tokens has no token to point at: the macro's.
                let at_end = format!("{:?}", e.span()) == format!("{:?}", proc_macro2::Span::call_site());
                let at = if at_end { mac.path.span() } else { e.span() };
                self.err(Rule::Unsupported, at, format!("this `matches!`: {e}"), "write `matches!(value, PATTERN)` or `matches!(value, PATTERN if condition)`");
                crate::lower::poison(span)
            }
        }
    }
}
