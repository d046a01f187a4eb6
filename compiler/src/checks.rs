//! Checks over the typed IR, one per rule: read-only and determinism.
//!
//! Key discipline is enforced during lowering (a key position accepts only a `Key`
//! parameter, and `Key` values cannot be made inside a body).

use crate::diag::{Errors, Rule};
use crate::ir::*;
use crate::ir::ParamSource;

/// The Redis command an expression sends, with its write and nondeterministic flags.
fn command_of(e: &Expr) -> Option<(&'static str, bool, bool)> {
    match &e.kind {
        ExprKind::Command(c) => Some((c.command.redis, c.command.is_write(), c.command.is_nondeterministic())),
        ExprKind::DynCall(c) => Some((c.spec.name, c.spec.is_write(), c.spec.is_nondeterministic())),
        _ => None,
    }
}

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
            visit_block(body, &mut |e| {
                if let Some((name, write, nondet)) = command_of(e) {
                    if write && cur.0.is_none() {
                        cur.0 = Some(name);
                    }
                    if nondet && cur.1.is_none() {
                        cur.1 = Some(name);
                    }
                }
                if let ExprKind::CallHelper(j, _) = &e.kind {
                    let (w, n) = eff[*j];
                    cur.0 = cur.0.or(w);
                    cur.1 = cur.1.or(n);
                }
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
        // The command sent here, or the first one a called helper sends.
        let (direct, write, nondet) = match (command_of(e), &e.kind) {
            (Some((name, w, n)), _) => (true, w.then_some(name), n.then_some(name)),
            (None, ExprKind::CallHelper(i, _)) => (false, effects[*i].0, effects[*i].1),
            _ => return,
        };
        let helper = match &e.kind {
            ExprKind::CallHelper(i, _) if !direct => Some(helpers[*i].name.as_str()),
            _ => None,
        };
        if let (true, Some(cmd)) = (f.options.read_only, write) {
            let what = match helper {
                Some(h) => format!("`{}` is declared `read_only` but calls `{h}`, which sends {cmd} (a write)", f.name),
                None => format!("{cmd} writes, but `{}` is declared `read_only`", f.name),
            };
            errors.push(Rule::ReadOnlyWrite, e.span, what, "remove `read_only` from #[redis_function(..)] (the function is then called with FCALL), or do not write here");
        }
        if let (false, Some(cmd)) = (f.options.nondeterministic, nondet) {
            let what = match helper {
                Some(h) => format!("`{}` calls `{h}`, which sends {cmd} (nondeterministic output)", f.name),
                None => format!("{cmd} has nondeterministic output"),
            };
            errors.push(Rule::Nondeterministic, e.span, what, "opt in with #[redis_function(nondeterministic)] if the function really needs it");
        }
    });
}

/// Calls `f` on every expression of a block.
pub fn visit_block(b: &Block, f: &mut dyn FnMut(&Expr)) {
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
                    IterStage::Map(e) | IterStage::Filter(e) | IterStage::Take(e) | IterStage::Skip(e) | IterStage::Zip(e, _) => visit_expr(e, f),
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
    visit_block(&f.body, &mut |e| {
        if let Some((name, true, _)) = command_of(e) {
            first_write.get_or_insert(name);
        }
        if let ExprKind::CallHelper(i, _) = &e.kind {
            if let Some(w) = effects[*i].0 {
                first_write.get_or_insert(w);
            }
        }
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
