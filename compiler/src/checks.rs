//! Checks over the typed IR, one per rule: read-only and determinism.
//!
//! Key discipline is enforced during lowering (a key position accepts only a `Key`
//! parameter, and `Key` values cannot be made inside a body).

use crate::diag::{Errors, Rule};
use crate::ir::*;
use crate::ir::ParamSource;

/// What a helper does, directly or through the helpers it calls: the first write
/// command and the first nondeterministic command, if any.
fn helper_effects(helpers: &[HelperFn]) -> Vec<(Option<&'static str>, Option<&'static str>)> {
    let mut eff: Vec<(Option<&'static str>, Option<&'static str>)> = vec![(None, None); helpers.len()];
    // Iterate to a fixpoint: helpers may call each other (also recursively).
    loop {
        let mut changed = false;
        for (i, h) in helpers.iter().enumerate() {
            let Some(body) = &h.body else { continue };
            let mut cur = eff[i];
            visit_block(body, &mut |e| match &e.kind {
                ExprKind::Command(c) => {
                    if c.command.is_write() && cur.0.is_none() {
                        cur.0 = Some(c.command.redis);
                    }
                    if c.command.is_nondeterministic() && cur.1.is_none() {
                        cur.1 = Some(c.command.redis);
                    }
                }
                ExprKind::DynCall(c) => {
                    if c.spec.is_write() && cur.0.is_none() {
                        cur.0 = Some(c.spec.name);
                    }
                    if c.spec.is_nondeterministic() && cur.1.is_none() {
                        cur.1 = Some(c.spec.name);
                    }
                }
                ExprKind::CallHelper(j, _) => {
                    let (w, n) = eff[*j];
                    cur.0 = cur.0.or(w);
                    cur.1 = cur.1.or(n);
                }
                _ => {}
            });
            if cur != eff[i] {
                eff[i] = cur;
                changed = true;
            }
        }
        if !changed {
            return eff;
        }
    }
}

/// Runs every IR check on `f`, given the helper functions of its chunk.
pub fn check_function(f: &Function, helpers: &[HelperFn], errors: &mut Errors) {
    let effects = helper_effects(helpers);
    check_flags(f, &effects, errors);
    visit_block(&f.body, &mut |e| {
        if let ExprKind::DynCall(c) = &e.kind {
            if f.options.read_only && c.spec.is_write() {
                errors.push(
                    Rule::ReadOnlyWrite,
                    e.span,
                    format!("{} writes, but `{}` is declared `read_only`", c.spec.name, f.name),
                    "remove `read_only` from #[redis_function(..)] (the function is then called with FCALL), or do not write here",
                );
            }
            if c.spec.is_nondeterministic() && !f.options.nondeterministic {
                errors.push(
                    Rule::Nondeterministic,
                    e.span,
                    format!("{} has nondeterministic output", c.spec.name),
                    "opt in with #[redis_function(nondeterministic)] if the function really needs it",
                );
            }
        }
        if let ExprKind::CallHelper(i, _) = &e.kind {
            let (w, n) = effects[*i];
            if let (true, Some(cmd)) = (f.options.read_only, w) {
                errors.push(
                    Rule::ReadOnlyWrite,
                    e.span,
                    format!("`{}` calls `{}`, which writes ({cmd}), but `{}` is declared `read_only`", f.name, helpers[*i].name, f.name),
                    "remove `read_only` from #[redis_function(..)], or call a helper that does not write",
                );
            }
            if let (false, Some(cmd)) = (f.options.nondeterministic, n) {
                errors.push(
                    Rule::Nondeterministic,
                    e.span,
                    format!("`{}` calls `{}`, which uses {cmd} (nondeterministic output)", f.name, helpers[*i].name),
                    "opt in with #[redis_function(nondeterministic)] if the function really needs it",
                );
            }
        }
        if let ExprKind::Command(c) = &e.kind {
            if f.options.read_only && c.command.is_write() {
                errors.push(
                    Rule::ReadOnlyWrite,
                    e.span,
                    format!("{} writes, but `{}` is declared `read_only`", c.command.redis, f.name),
                    "remove `read_only` from #[redis_function(..)] (the function is then called with FCALL), or do not write here",
                );
            }
            if c.command.is_nondeterministic() && !f.options.nondeterministic {
                errors.push(
                    Rule::Nondeterministic,
                    e.span,
                    format!("{} has nondeterministic output", c.command.redis),
                    "opt in with #[redis_function(nondeterministic)] if the function really needs it",
                );
            }
        }
    });
}

/// Calls `f` on every expression of a block.
pub fn visit_block_pub(b: &Block, f: &mut dyn FnMut(&Expr)) {
    visit_block(b, f)
}

fn visit_block(b: &Block, f: &mut dyn FnMut(&Expr)) {
    for s in &b.stmts {
        match &s.kind {
            StmtKind::Let(_, e) | StmtKind::Assign(_, e) | StmtKind::Expr(e) | StmtKind::LetTuple(_, e) => visit_expr(e, f),
            StmtKind::LetElse(_, e, b) => {
                visit_expr(e, f);
                visit_block(b, f);
            }
            StmtKind::AssignField(_, _, e) => visit_expr(e, f),
            StmtKind::AssignIndex(_, i, e) => {
                visit_expr(i, f);
                visit_expr(e, f);
            }
        }
    }
    if let Some(t) = &b.tail {
        visit_expr(t, f);
    }
}

/// Calls `f` on `e` and every expression inside it.
pub fn visit_expr(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    f(e);
    match &e.kind {
        ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) | ExprKind::Str(_) | ExprKind::Unit | ExprKind::Var(_) | ExprKind::None | ExprKind::Reject(_) => {}
        ExprKind::Binary(_, a, b) | ExprKind::UnwrapOr(a, b) => {
            visit_expr(a, f);
            visit_expr(b, f);
        }
        ExprKind::Unary(_, a) | ExprKind::Some(a) | ExprKind::Ok(a) | ExprKind::Err(a) | ExprKind::IsSome(a) | ExprKind::IsNone(a) | ExprKind::IntToString(a) => visit_expr(a, f),
        ExprKind::If(c, t, e2) => {
            visit_expr(c, f);
            visit_block(t, f);
            if let Some(e2) = e2 {
                visit_expr(e2, f);
            }
        }
        ExprKind::Block(b) => visit_block(b, f),
        ExprKind::Command(c) => {
            for a in &c.args {
                match a {
                    CommandArg::Value(v) | CommandArg::Spread(v) | CommandArg::SpreadPairs(v) => visit_expr(v, f),
                    CommandArg::Word(_) => {}
                }
            }
        }
        ExprKind::Return(v) => {
            if let Some(v) = v {
                visit_expr(v, f);
            }
        }
        ExprKind::While(c, b, _) => {
            visit_expr(c, f);
            visit_block(b, f);
        }
        ExprKind::Loop(b, _) => visit_block(b, f),
        ExprKind::ForRange(r) => {
            visit_expr(&r.start, f);
            visit_expr(&r.end, f);
            if let Some(s) = &r.step {
                visit_expr(s, f);
            }
            visit_block(&r.body, f);
        }
        ExprKind::ForMap(_, _, v, b, _) | ExprKind::ForEach(_, v, b, _) => {
            visit_expr(v, f);
            visit_block(b, f);
        }
        ExprKind::Break(_) | ExprKind::Continue(_) => {}
        ExprKind::Match(s, arms) => {
            visit_expr(s, f);
            for a in arms {
                if let Some(g) = &a.guard {
                    visit_expr(g, f);
                }
                visit_expr(&a.body, f);
            }
        }
        ExprKind::VecLit(es) | ExprKind::Tuple(es) | ExprKind::StructLit(es) | ExprKind::Method(_, es) | ExprKind::CallClosure(_, es) => {
            for e in es {
                visit_expr(e, f);
            }
        }
        ExprKind::Index(a, b) => {
            visit_expr(a, f);
            visit_expr(b, f);
        }
        ExprKind::TupleField(a, _) | ExprKind::Closure(_, a) => visit_expr(a, f),
        ExprKind::Try(a, b) => {
            visit_expr(a, f);
            if let Some(b) = b {
                visit_expr(b, f);
            }
        }
        ExprKind::WhileLet(_, v, b, _) => {
            visit_expr(v, f);
            visit_block(b, f);
        }
        ExprKind::OptionCall(_, a, b) => {
            visit_expr(a, f);
            visit_expr(b, f);
        }
        ExprKind::CallHelper(_, es) => {
            for e in es {
                visit_expr(e, f);
            }
        }
        ExprKind::DynCall(c) => {
            for a in &c.args {
                match a {
                    CommandArg::Value(v) | CommandArg::Spread(v) | CommandArg::SpreadPairs(v) => visit_expr(v, f),
                    CommandArg::Word(_) => {}
                }
            }
        }
        ExprKind::DynMethod(_, a) => visit_expr(a, f),
        ExprKind::Iter(ch) => {
            match &ch.source {
                IterSource::Vec(a) => visit_expr(a, f),
                IterSource::Range(a, b, _) | IterSource::Split(a, b) | IterSource::Chunks(a, b) => {
                    visit_expr(a, f);
                    visit_expr(b, f);
                }
            }
            for st in &ch.stages {
                match st {
                    IterStage::Map(e) | IterStage::Filter(e) | IterStage::Take(e) | IterStage::Skip(e) => visit_expr(e, f),
                    IterStage::Enumerate => {}
                }
            }
            match &ch.sink {
                IterSink::Any(e) | IterSink::All(e) | IterSink::Find(e) | IterSink::Position(e) => visit_expr(e, f),
                _ => {}
            }
        }
    }
}

/// The function flags must fit what the body does.
fn check_flags(f: &Function, effects: &[(Option<&'static str>, Option<&'static str>)], errors: &mut Errors) {
    let o = &f.options;
    let span_of = |name: &str| o.spans.iter().find(|(n, _)| *n == name).map_or(f.span, |(_, s)| *s);
    let mut first_write = None;
    visit_block(&f.body, &mut |e| match &e.kind {
        ExprKind::Command(c) if c.command.is_write() => {
            first_write.get_or_insert(c.command.redis);
        }
        ExprKind::DynCall(c) if c.spec.is_write() => {
            first_write.get_or_insert(c.spec.name);
        }
        ExprKind::CallHelper(i, _) => {
            if let Some(w) = effects[*i].0 {
                first_write.get_or_insert(w);
            }
        }
        _ => {}
    });
    if o.allow_stale {
        if let Some(w) = first_write {
            errors.push(
                Rule::Flags,
                span_of("allow_stale"),
                format!("`allow_stale` on `{}`, which writes ({w})", f.name),
                "a stale replica refuses writes anyway: keep `allow_stale` for read-only functions",
            );
        }
    }
    if o.allow_oom && o.read_only {
        errors.push(Rule::Flags, span_of("allow_oom"), format!("`allow_oom` has no effect on the read-only `{}`", f.name), "Redis only refuses functions that may write when out of memory: remove `allow_oom`");
    }
    let many_keys = f.num_keys >= 2 || f.params.iter().any(|p| matches!(p.source, ParamSource::KeysFrom(_))) || f.builds_keys;
    if o.allow_cross_slot_keys && !many_keys {
        errors.push(Rule::Flags, span_of("allow_cross_slot_keys"), format!("`allow_cross_slot_keys` has no effect: `{}` takes at most one key", f.name), "remove `allow_cross_slot_keys`");
    }
    if o.dynamic_keys && !f.builds_keys {
        errors.push(Rule::Flags, span_of("dynamic_keys"), format!("`dynamic_keys` on `{}`, which builds no key", f.name), "remove `dynamic_keys`: it makes the function cluster-unsafe (`no-cluster`) for nothing");
    }
}
