//! The shrinker: reduces a program that shows a difference to a minimal one that still
//! shows it, then writes it as a regression test.
//!
//! Each round makes every one-step simplification of the current program — delete a run of
//! statements or one statement, replace an expression by the simplest literal of its type
//! or by one of its operands of the same type, drop a helper, a struct, a parameter or a
//! command of the initial keyspace — keeps those the redlua compiler accepts, writes them
//! all into one scratch crate (rustc refusals are dropped as in a normal batch), runs them
//! on the failing input, and continues from the smallest candidate that still fails the
//! same way. It stops when no candidate does.

use crate::ast::{Block, Expr, Kind, Program, Stmt, Ty};
use crate::gen::simplest;
use crate::harness::{Prepared, Scratch};
use crate::inputs::Input;
use crate::runner::{build_batch, Stats};
use std::time::{Duration, Instant};

/// How many candidates one round builds at most.
const PER_ROUND: usize = 48;

/// The first line of a difference: what kind of difference it is.
pub fn signature(detail: &str) -> String {
    detail.lines().next().unwrap_or("").to_string()
}

/// Every node of `e` in pre-order, with a way to rebuild `e` with one node replaced.
fn count(e: &Expr) -> usize {
    1 + match &e.kind {
        Kind::Lit(_) | Kind::Var(_) => 0,
        Kind::Tpl { kids, .. } => kids.iter().map(count).sum(),
        Kind::Block(b) => count_block(b),
    }
}

fn count_block(b: &Block) -> usize {
    b.stmts.iter().map(|s| count(&s.expr)).sum::<usize>() + b.tail.as_ref().map_or(0, |t| count(t))
}

fn node_at(e: &Expr, target: usize, i: &mut usize) -> Option<Expr> {
    if *i == target {
        return Some(e.clone());
    }
    *i += 1;
    match &e.kind {
        Kind::Lit(_) | Kind::Var(_) => None,
        Kind::Tpl { kids, .. } => kids.iter().find_map(|k| node_at(k, target, i)),
        Kind::Block(b) => node_at_block(b, target, i),
    }
}

fn node_at_block(b: &Block, target: usize, i: &mut usize) -> Option<Expr> {
    for s in &b.stmts {
        if let Some(e) = node_at(&s.expr, target, i) {
            return Some(e);
        }
    }
    b.tail.as_ref().and_then(|t| node_at(t, target, i))
}

fn replace_at(e: &Expr, target: usize, i: &mut usize, with: &Expr) -> Expr {
    if *i == target {
        *i += count(e);
        return with.clone();
    }
    *i += 1;
    match &e.kind {
        Kind::Lit(_) | Kind::Var(_) => e.clone(),
        Kind::Tpl { tag, text, kids, atomic } => Expr {
            ty: e.ty.clone(),
            kind: Kind::Tpl { tag, text: text.clone(), kids: kids.iter().map(|k| replace_at(k, target, i, with)).collect(), atomic: *atomic },
        },
        Kind::Block(b) => Expr { ty: e.ty.clone(), kind: Kind::Block(replace_in_block(b, target, i, with)) },
    }
}

fn replace_in_block(b: &Block, target: usize, i: &mut usize, with: &Expr) -> Block {
    Block {
        stmts: b.stmts.iter().map(|s| Stmt { expr: replace_at(&s.expr, target, i, with), semi: s.semi }).collect(),
        tail: b.tail.as_ref().map(|t| Box::new(replace_at(t, target, i, with))),
    }
}

/// The blocks of `b` (itself included), in pre-order, as a list of statement counts.
fn blocks(b: &Block, out: &mut Vec<usize>) {
    out.push(b.stmts.len());
    for s in &b.stmts {
        blocks_expr(&s.expr, out);
    }
    if let Some(t) = &b.tail {
        blocks_expr(t, out);
    }
}

fn blocks_expr(e: &Expr, out: &mut Vec<usize>) {
    match &e.kind {
        Kind::Lit(_) | Kind::Var(_) => {}
        Kind::Tpl { kids, .. } => kids.iter().for_each(|k| blocks_expr(k, out)),
        Kind::Block(b) => blocks(b, out),
    }
}

/// `b` with statements `from..to` of block number `target` removed.
fn delete_stmts(b: &Block, target: usize, i: &mut usize, from: usize, to: usize) -> Block {
    let me = *i;
    *i += 1;
    let mut stmts = Vec::new();
    for (j, s) in b.stmts.iter().enumerate() {
        let e = delete_expr(&s.expr, target, i, from, to);
        if me == target && j >= from && j < to {
            continue;
        }
        stmts.push(Stmt { expr: e, semi: s.semi });
    }
    let tail = b.tail.as_ref().map(|t| Box::new(delete_expr(t, target, i, from, to)));
    Block { stmts, tail }
}

fn delete_expr(e: &Expr, target: usize, i: &mut usize, from: usize, to: usize) -> Expr {
    match &e.kind {
        Kind::Lit(_) | Kind::Var(_) => e.clone(),
        Kind::Tpl { tag, text, kids, atomic } => Expr {
            ty: e.ty.clone(),
            kind: Kind::Tpl { tag, text: text.clone(), kids: kids.iter().map(|k| delete_expr(k, target, i, from, to)).collect(), atomic: *atomic },
        },
        Kind::Block(b) => Expr { ty: e.ty.clone(), kind: Kind::Block(delete_stmts(b, target, i, from, to)) },
    }
}

/// The simplifications of one node: the simplest literal of its type, and its operands of
/// the same type.
fn node_variants(e: &Expr, structs: &[crate::ast::StructDef]) -> Vec<Expr> {
    let mut out = Vec::new();
    if matches!(e.kind, Kind::Lit(_)) {
        return out;
    }
    // Statements (unit) are deleted rather than replaced; blocks of loops stay blocks.
    if e.ty != Ty::Unit && !matches!(e.ty, Ty::Res(_)) {
        let s = simplest(&e.ty, structs);
        if s != *e {
            out.push(s);
        }
    }
    if let Kind::Tpl { kids, .. } = &e.kind {
        for k in kids {
            if k.ty == e.ty && e.ty != Ty::Unit && !matches!(k.kind, Kind::Lit(_)) {
                out.push(k.clone());
            }
        }
    }
    out
}

/// A body of the program: the redis function or helper `i`.
fn body(p: &Program, which: usize) -> &Block {
    if which == 0 {
        &p.main.body
    } else {
        &p.helpers[which - 1].body
    }
}

fn with_body(p: &Program, which: usize, b: Block) -> Program {
    let mut q = p.clone();
    if which == 0 {
        q.main.body = b;
    } else {
        q.helpers[which - 1].body = b;
    }
    q
}

/// Every one-step simplification of (`p`, `input`), the biggest reductions first.
pub fn candidates(p: &Program, input: &Input) -> Vec<(Program, Input)> {
    let mut out: Vec<(Program, Input)> = Vec::new();
    // Drop a helper, a struct (the compiler refuses the program when still used).
    for i in 0..p.helpers.len() {
        let mut q = p.clone();
        q.helpers.remove(i);
        out.push((q, input.clone()));
    }
    if !p.structs.is_empty() {
        // Only the last one: the others' indices name them.
        let mut q = p.clone();
        q.structs.pop();
        out.push((q, input.clone()));
    }
    // Drop a parameter and its argument.
    for i in 0..p.main.params.len() {
        let mut q = p.clone();
        q.main.params.remove(i);
        let mut inp = input.clone();
        if i < inp.args.len() {
            inp.args.remove(i);
        }
        out.push((q, inp));
    }
    // Drop commands of the initial keyspace: half, then one by one.
    let n = input.seed.len();
    if n > 1 {
        for (a, b) in [(0, n / 2), (n / 2, n)] {
            let mut inp = input.clone();
            inp.seed.drain(a..b);
            out.push((p.clone(), inp));
        }
    }
    for i in 0..n {
        let mut inp = input.clone();
        inp.seed.remove(i);
        out.push((p.clone(), inp));
    }
    let nbodies = 1 + p.helpers.len();
    // Delete statements: halves of each block, then each one.
    for which in 0..nbodies {
        let mut sizes = Vec::new();
        blocks(body(p, which), &mut sizes);
        for (bi, &len) in sizes.iter().enumerate() {
            let mut ranges = Vec::new();
            if len > 1 {
                ranges.push((0, len / 2));
                ranges.push((len / 2, len));
            }
            for j in 0..len {
                ranges.push((j, j + 1));
            }
            for (a, b) in ranges {
                let nb = delete_stmts(body(p, which), bi, &mut 0, a, b);
                out.push((with_body(p, which, nb), input.clone()));
            }
        }
    }
    // Replace expressions.
    for which in 0..nbodies {
        let b = body(p, which);
        let total = count_block(b);
        for t in 0..total {
            let Some(node) = node_at_block(b, t, &mut 0) else { continue };
            for v in node_variants(&node, &p.structs) {
                let nb = replace_in_block(b, t, &mut 0, &v);
                out.push((with_body(p, which, nb), input.clone()));
            }
        }
    }
    // Fewer and smaller first; duplicates out.
    let mut seen = std::collections::HashSet::new();
    out.retain(|(q, i)| seen.insert(format!("{}{:?}", q.to_rust(), i)));
    out.sort_by_key(|(q, i)| q.size() * 4 + i.seed.len() + i.args.len());
    out
}

fn renamed(p: &Program, name: &str) -> Program {
    let mut q = p.clone();
    q.name = name.to_string();
    q.main.name = format!("f_{name}");
    q
}

/// Whether `p` still fails on `input` the way `sig` says (built and run alone).
fn still_fails(scratch: &Scratch, p: &Program, input: &Input, sig: &str) -> bool {
    let mut stats = Stats::default();
    let Ok(built) = build_batch(scratch, vec![Prepared { program: p.clone(), inputs: vec![input.clone()] }], &mut stats) else { return false };
    if built.is_empty() {
        return false;
    }
    let result = scratch.run(None, Duration::from_secs(60));
    result.cases.iter().any(|c| c.verdict == "DIFF" && signature(&c.detail) == sig)
}

/// Shrinks `prepared` (failing on input `input` with a difference of signature `sig`);
/// returns the minimal program, its input and the last difference text, or `None` when
/// the program no longer fails (the code changed since the run found it).
pub fn shrink(scratch: &Scratch, prepared: &Prepared, input: usize, detail: &str, budget: Duration, log: &mut dyn FnMut(&str)) -> Option<(Program, Input, String)> {
    let started = Instant::now();
    let sig = signature(detail);
    if !still_fails(scratch, &prepared.program, &prepared.inputs[input], &sig) {
        log("the program no longer shows the difference: not shrunk");
        return None;
    }
    let mut best = (prepared.program.clone(), prepared.inputs[input].clone(), detail.to_string());
    let mut round = 0;
    loop {
        if started.elapsed() > budget {
            log("shrink: time budget spent");
            break;
        }
        round += 1;
        let mut cands = Vec::new();
        for (k, (q, inp)) in candidates(&best.0, &best.1).into_iter().enumerate() {
            let name = format!("s{round}_{k}");
            let q = renamed(&q, &name);
            if crate::compile(&name, &q.to_rust()).is_ok() {
                cands.push(Prepared { program: q, inputs: vec![inp] });
            }
            if cands.len() >= PER_ROUND {
                break;
            }
        }
        if cands.is_empty() {
            break;
        }
        let mut stats = Stats::default();
        let Ok(built) = build_batch(scratch, cands, &mut stats) else {
            log("shrink: the candidates did not build");
            break;
        };
        let result = scratch.run(None, Duration::from_secs(60 + 2 * built.len() as u64));
        // The smallest candidate that still fails the same way (candidates are sorted).
        let failing: Vec<&crate::harness::CaseResult> = result.cases.iter().filter(|c| c.verdict == "DIFF" && signature(&c.detail) == sig).collect();
        let next = built.iter().find(|b| failing.iter().any(|c| c.program == b.program.name));
        match next {
            Some(b) => {
                let d = failing.iter().find(|c| c.program == b.program.name).map(|c| c.detail.clone()).unwrap_or_default();
                log(&format!("shrink round {round}: size {} -> {}", best.0.size(), b.program.size()));
                best = (b.program.clone(), b.inputs[0].clone(), d);
            }
            None => break,
        }
    }
    Some(best)
}

/// The regression test of a minimal program: the library and a test that runs the same
/// comparison. `open` marks it ignored (a difference not fixed yet).
pub fn regression_test(p: &Program, input: &Input, detail: &str, origin: &str, open: bool) -> String {
    let mut out = String::new();
    out.push_str(&format!("\n/// Found by redlua-progen ({origin}).\n///\n"));
    for l in detail.lines().take(6) {
        out.push_str(&format!("/// {}\n", l.replace('`', "'")));
    }
    out.push_str(&p.to_rust());
    out.push_str(&crate::harness::canon_impls(p));
    out.push_str("\n#[test]\n");
    if open {
        out.push_str("#[ignore = \"an open difference found by redlua-progen: remove this line once it is fixed\"]\n");
    }
    let call = crate::harness::case_call(p, 0, input).replacen("h.case(", "harness().case(", 1);
    let call = call.trim_end_matches(';');
    out.push_str(&format!("fn {}() {{\n    let v = {call};\n    assert_eq!(v, Verdict::Same);\n}}\n", p.name));
    out
}
