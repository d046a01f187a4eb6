//! Walking the IR: every expression of a block, each before its parts, for the checks and
//! for the other phases that look for a kind of expression (a command, a helper call).

use crate::ir::*;

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
