//! Copies of `Copy` structs: where Rust copies a value, Lua would share one table.
//!
//! A struct is a Lua table, and a Lua assignment shares the table where Rust copies a
//! `Copy` struct. Every other value that lives in a table is shared harmlessly: a `Vec`,
//! a `HashMap` or a struct that is not `Copy` is moved (its old name is dead), `.clone()`
//! copies it, and a tuple or an `Option` is never changed in place.
//!
//! A table changes in place only through a `mut` variable that holds it (`s.f = ..`; the
//! Vec and map methods that change their receiver want a `let mut` variable too), never
//! through a field or an element: `a.b.c = ..` and `v[0].x = ..` rebuild the struct or
//! tuple tables under the variable or the Vec (`lang/places.rs`). So the Rust
//! meaning holds when the table of a `mut` variable of a `Copy` struct type is held by that
//! variable alone. This pass keeps it so, on the typed IR, before code generation:
//!
//! 1. Such a variable receives a copy of its value (`let mut b = ..`, `b = ..`, a `mut`
//!    parameter of a helper or a closure, a `mut` loop variable, a `mut` name of a tuple
//!    pattern), unless the value is a table no one else holds: a struct literal, a
//!    `.clone()`, a call of a helper all of whose returns are such tables.
//! 2. Such a variable read as a whole where the value is kept gives a copy: bound to
//!    another name, stored in a Vec, a map, a tuple, a struct or an `Option`, returned from
//!    a closure, passed to a helper that keeps its parameter (binds it, stores it or returns
//!    it), matched by a pattern that binds it. Reading a field, comparing, replying and
//!    passing to a helper that only reads its parameter copy nothing; nor does returning
//!    a variable from a helper (the variable ends there), nor keeping the value of a
//!    variable whose fields are not assigned afterwards (then no one can tell the two
//!    apart: the other holder is never changed in place either). "Afterwards" is judged
//!    block by block, from the end: a field assignment later in the block or in an
//!    enclosing one, anywhere in an enclosing loop the variable outlives, or in any
//!    closure.
//!
//! A library without `Copy` structs is left as it is.

use crate::ir::*;
use std::collections::HashSet;

/// The structs of a library module that derive `Copy`.
pub(crate) fn copy_structs(items: &[syn::ItemStruct]) -> HashSet<String> {
    let mut out = HashSet::new();
    for it in items {
        let mut copy = false;
        for attr in it.attrs.iter().filter(|a| a.path().is_ident("derive")) {
            let _ = attr.parse_nested_meta(|m| {
                if m.path.segments.last().is_some_and(|s| s.ident == "Copy") {
                    copy = true;
                }
                Ok(())
            });
        }
        if copy {
            out.insert(it.ident.to_string());
        }
    }
    out
}

/// Adds the copies to the functions and helpers of one library.
pub(crate) fn apply(functions: &mut [Function], helpers: &mut [HelperFn], copy: &HashSet<String>) {
    if copy.is_empty() {
        return;
    }
    // What the helpers do with their parameters and return, to a fixed point (helpers call
    // each other, also recursively): facts only ever go from "fresh" to "not fresh" and
    // from "reads" to "keeps", so the loop ends.
    let mut facts = Facts { returns_fresh: vec![true; helpers.len()], keeps: helpers.iter().map(|h| vec![false; h.params.len()]).collect() };
    loop {
        let mut changed = false;
        for (i, h) in helpers.iter().enumerate() {
            let Some(body) = &h.body else { continue };
            let mut body = body.clone();
            let mut w = Walker::new(copy, &h.vars, &facts, true);
            w.body(&mut body, Ctx::Return);
            let (fresh, kept) = (w.returns_fresh, w.kept);
            if facts.returns_fresh[i] && !fresh {
                facts.returns_fresh[i] = false;
                changed = true;
            }
            for (j, p) in h.params.iter().enumerate() {
                if !h.vars[p.0].mutable && kept.contains(p) && !facts.keeps[i][j] {
                    facts.keeps[i][j] = true;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    for h in helpers.iter_mut() {
        let Some(body) = &mut h.body else { continue };
        let mut w = Walker::new(copy, &h.vars, &facts, true);
        w.body(body, Ctx::Return);
        // A `mut` parameter is the helper's own: it starts as a copy of the argument.
        let entry: Vec<Stmt> = h.params.iter().filter(|p| w.owns(**p)).map(|p| copy_stmt(*p, &h.vars[p.0].ty, h.span, h.line)).collect();
        body.stmts.splice(0..0, entry);
    }
    for f in functions.iter_mut() {
        let mut w = Walker::new(copy, &f.vars, &facts, false);
        w.body(&mut f.body, Ctx::Read);
    }
}

/// What each helper does, as its callers need to know.
struct Facts {
    /// Every value the helper returns is a table no one else holds.
    returns_fresh: Vec<bool>,
    /// Per parameter: the helper keeps the argument's table (binds, stores or returns it).
    keeps: Vec<Vec<bool>>,
}

/// Where a value goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// Used and dropped: a field read, a comparison, a reply, a command argument.
    Read,
    /// Kept: bound, stored, passed on.
    Keep,
    /// Returned from the helper or the closure being walked: its own variables end
    /// there, so their tables may go as they are.
    Return,
}

struct Walker<'a> {
    copy: &'a HashSet<String>,
    vars: &'a [Var],
    facts: &'a Facts,
    /// Walking a helper (its returns go to a caller; a function's go to the reply).
    helper: bool,
    /// Per closure around the current expression, the `mut` variables it declares.
    closures: Vec<HashSet<VarId>>,
    /// Variables whose fields may be assigned after the current point.
    after: HashSet<VarId>,
    /// Variables whose fields a closure assigns (at any call).
    always: HashSet<VarId>,
    /// Variables read as a whole where the value is kept.
    kept: HashSet<VarId>,
    /// Every return seen so far gives a fresh table.
    returns_fresh: bool,
}

impl<'a> Walker<'a> {
    fn new(copy: &'a HashSet<String>, vars: &'a [Var], facts: &'a Facts, helper: bool) -> Self {
        Walker { copy, vars, facts, helper, closures: Vec::new(), after: HashSet::new(), always: HashSet::new(), kept: HashSet::new(), returns_fresh: true }
    }

    /// A `Copy` struct type.
    fn is_copy(&self, t: &Ty) -> bool {
        matches!(t, Ty::Struct(st) if self.copy.contains(&st.name))
    }

    /// A type whose value may be the table of a `Copy` struct (possibly in an `Option`).
    fn holds_copy(&self, t: &Ty) -> bool {
        match t {
            Ty::Option(t) | Ty::Result(t) => self.holds_copy(t),
            t => self.is_copy(t),
        }
    }

    /// `v` is a `mut` variable of a `Copy` struct type: its table must be its own.
    fn owns(&self, v: VarId) -> bool {
        let var = &self.vars[v.0];
        var.mutable && self.is_copy(&var.ty)
    }

    /// Walks the body of a function or a helper.
    fn body(&mut self, b: &mut Block, tail: Ctx) {
        let mut always = HashSet::new();
        for_each_block(b, &mut |blk, in_closure| {
            if in_closure {
                assigned_fields(blk, &mut always);
            }
        });
        self.always = always;
        self.block(b, tail);
    }

    /// The value of `v`, kept elsewhere, must be a copy: `v`'s fields may change later.
    fn changes_later(&self, v: VarId) -> bool {
        self.after.contains(&v) || self.always.contains(&v) || !self.ends_here(v)
    }

    /// `v` ends with the innermost closure (or helper) being walked.
    fn ends_here(&self, v: VarId) -> bool {
        self.closures.last().is_none_or(|c| c.contains(&v))
    }

    /// The value of `e` is a table no one else holds (`ret`: as returned from the helper
    /// being walked, where a `mut` variable's own table may go as it is).
    fn fresh(&self, e: &Expr, ret: bool) -> bool {
        if e.ty == Ty::Never || !self.holds_copy(&e.ty) {
            return true;
        }
        match &e.kind {
            ExprKind::StructLit(_) | ExprKind::Method(Method::DeepCopy | Method::OptionDeepCopy, _) | ExprKind::None | ExprKind::Err(_) => true,
            ExprKind::Var(v) => ret && self.owns(*v),
            ExprKind::Some(x) | ExprKind::Ok(x) | ExprKind::Try(x, _) => self.fresh(x, ret),
            ExprKind::UnwrapOr(a, b) => self.fresh(a, ret) && self.fresh(b, ret),
            ExprKind::CallHelper(h, _) => self.facts.returns_fresh.get(*h).copied().unwrap_or(false),
            ExprKind::If(_, t, els) => t.tail.as_ref().is_none_or(|x| self.fresh(x, ret)) && els.as_ref().is_none_or(|x| self.fresh(x, ret)),
            ExprKind::Block(b) => b.tail.as_ref().is_none_or(|x| self.fresh(x, ret)),
            ExprKind::Match(_, arms) => arms.iter().all(|a| self.fresh(&a.body, ret)),
            _ => false,
        }
    }

    /// Makes the value of `e` (a `Copy` struct) a table no one else holds: a copy, put
    /// in the branches of an `if`, a block or a `match` so that each copies only if it must.
    fn ensure_fresh(&self, e: &mut Expr) {
        if self.fresh(e, false) {
            return;
        }
        match &mut e.kind {
            ExprKind::If(_, t, els) => {
                if let Some(x) = &mut t.tail {
                    self.ensure_fresh(x);
                }
                if let Some(x) = els {
                    self.ensure_fresh(x);
                }
            }
            ExprKind::Block(b) => {
                if let Some(x) = &mut b.tail {
                    self.ensure_fresh(x);
                }
            }
            ExprKind::Match(_, arms) => {
                for a in arms {
                    self.ensure_fresh(&mut a.body);
                }
            }
            _ => wrap_copy(e),
        }
    }

    /// A block, from its end: each statement sees the field assignments that follow it.
    fn block(&mut self, b: &mut Block, tail: Ctx) {
        let outer = self.after.clone();
        // Variables declared in the block start afresh each time it runs.
        let mut declared = HashSet::new();
        declared_in(b, &mut declared);
        let mut later: HashSet<VarId> = outer.difference(&declared).copied().collect();
        if let Some(t) = &mut b.tail {
            let mut own = HashSet::new();
            expr_fields(t, &mut own);
            self.after = later.union(&own).copied().collect();
            self.expr(t, tail);
            later.extend(own);
        }
        let mut rev: Vec<Vec<Stmt>> = Vec::with_capacity(b.stmts.len());
        for mut s in std::mem::take(&mut b.stmts).into_iter().rev() {
            let mut own = HashSet::new();
            stmt_fields(&s, &mut own);
            self.after = later.union(&own).copied().collect();
            later.extend(own);
            let mut after = Vec::new();
            match &mut s.kind {
                StmtKind::Let(v, e) => self.bound(*v, e),
                StmtKind::Assign(v, e) => self.bound(*v, e),
                StmtKind::LetTuple(names, e) => {
                    let owned: Vec<(usize, VarId)> = names.iter().enumerate().filter_map(|(i, v)| v.filter(|v| self.owns(*v)).map(|v| (i, v))).collect();
                    if let ExprKind::Tuple(es) = &mut e.kind {
                        for (i, _) in &owned {
                            if let Some(x) = es.get_mut(*i) {
                                self.ensure_fresh(x);
                            }
                        }
                    } else {
                        // The parts are those of a tuple held elsewhere: copy each owned one.
                        after = owned.iter().map(|(_, v)| copy_stmt(*v, &self.vars[v.0].ty, e.span, s.line)).collect();
                    }
                    self.expr(e, Ctx::Keep);
                }
                StmtKind::AssignIndex(_, i, e) => {
                    self.expr(i, Ctx::Read);
                    self.expr(e, Ctx::Keep);
                }
                StmtKind::AssignField(_, _, e) => self.expr(e, Ctx::Keep),
                StmtKind::LetElse(pat, e, els) => {
                    let ctx = if binds(pat) { Ctx::Keep } else { Ctx::Read };
                    self.expr(e, ctx);
                    self.block(els, Ctx::Read);
                }
                StmtKind::Expr(e) => self.expr(e, Ctx::Read),
            }
            let mut group = vec![s];
            group.extend(after);
            rev.push(group);
        }
        b.stmts = rev.into_iter().rev().flatten().collect();
        self.after = outer;
    }

    /// `v` takes the value of `e` (`let v = e;`, `v = e;`).
    fn bound(&mut self, v: VarId, e: &mut Expr) {
        if self.owns(v) {
            self.ensure_fresh(e);
        }
        self.expr(e, Ctx::Keep);
    }

    /// A loop body whose variable `v` may need its own copy of the element.
    fn loop_body(&mut self, v: VarId, body: &mut Block, span: proc_macro2::Span, line: u32) {
        // Each turn has its own loop variable.
        let outer = self.after.clone();
        self.after.remove(&v);
        self.block(body, Ctx::Read);
        self.after = outer;
        if self.owns(v) {
            body.stmts.insert(0, copy_stmt(v, &self.vars[v.0].ty, span, line));
        }
    }

    fn expr(&mut self, e: &mut Expr, ctx: Ctx) {
        if ctx == Ctx::Return && self.closures.is_empty() && self.holds_copy(&e.ty) && !self.fresh(e, true) && !matches!(e.kind, ExprKind::If(..) | ExprKind::Block(_) | ExprKind::Match(..)) {
            self.returns_fresh = false;
        }
        let (span, line) = (e.span, e.line);
        match &mut e.kind {
            ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) | ExprKind::Str(_) | ExprKind::Unit | ExprKind::None | ExprKind::Reject(_) | ExprKind::Break(_) | ExprKind::Continue(_) => {}
            ExprKind::Var(v) => {
                let v = *v;
                if ctx != Ctx::Read {
                    self.kept.insert(v);
                }
                if self.owns(v) && (ctx == Ctx::Keep && self.changes_later(v) || ctx == Ctx::Return && !self.ends_here(v)) {
                    wrap_copy(e);
                }
            }
            ExprKind::Binary(_, a, b) => {
                self.expr(a, Ctx::Read);
                self.expr(b, Ctx::Read);
            }
            ExprKind::Unary(_, a) | ExprKind::IsSome(a) | ExprKind::IsNone(a) | ExprKind::IntToString(a) | ExprKind::TupleField(a, _) | ExprKind::DynMethod(_, a) => self.expr(a, Ctx::Read),
            ExprKind::Some(a) | ExprKind::Ok(a) | ExprKind::Err(a) => self.expr(a, ctx),
            ExprKind::RejectWith(_, a) => self.expr(a, Ctx::Read),
            ExprKind::UnwrapOr(a, b) => {
                self.expr(a, ctx);
                self.expr(b, ctx);
            }
            ExprKind::Try(a, r) => {
                self.expr(a, ctx);
                if let Some(r) = r {
                    self.expr(r, Ctx::Read);
                }
            }
            ExprKind::If(c, t, els) => {
                self.expr(c, Ctx::Read);
                self.block(t, ctx);
                if let Some(x) = els {
                    self.expr(x, ctx);
                }
            }
            ExprKind::Block(b) => self.block(b, ctx),
            ExprKind::Command(c) => {
                for a in &mut c.args {
                    self.command_arg(a);
                }
            }
            ExprKind::DynCall(c) => {
                for a in &mut c.args {
                    self.command_arg(a);
                }
            }
            // A record is read (written to a hash, or encoded): nothing keeps it.
            ExprKind::Record(_, es) => {
                for x in es {
                    self.expr(x, Ctx::Read);
                }
            }
            ExprKind::Return(x) => {
                if let Some(x) = x {
                    // A function's value is its reply.
                    let ctx = if self.closures.is_empty() && !self.helper { Ctx::Read } else { Ctx::Return };
                    self.expr(x, ctx);
                }
            }
            ExprKind::While(c, b, _) => {
                self.expr(c, Ctx::Read);
                self.block(b, Ctx::Read);
            }
            ExprKind::Loop(b, _) => self.block(b, Ctx::Read),
            ExprKind::ForRange(r) => {
                self.expr(&mut r.start, Ctx::Read);
                self.expr(&mut r.end, Ctx::Read);
                if let Some(s) = &mut r.step {
                    self.expr(s, Ctx::Read);
                }
                self.block(&mut r.body, Ctx::Read);
            }
            ExprKind::ForEach(v, src, body, _) => {
                self.expr(src, Ctx::Read);
                self.loop_body(*v, body, span, line);
            }
            ExprKind::ForMap(_, v, src, body, _) => {
                self.expr(src, Ctx::Read);
                self.loop_body(*v, body, span, line);
            }
            ExprKind::WhileLet(pat, x, body, _) => {
                let c = if binds(pat) { Ctx::Keep } else { Ctx::Read };
                self.expr(x, c);
                self.block(body, Ctx::Read);
            }
            ExprKind::Match(s, arms) => {
                let c = if arms.iter().any(|a| binds(&a.pat)) { Ctx::Keep } else { Ctx::Read };
                self.expr(s, c);
                for a in arms {
                    if let Some(g) = &mut a.guard {
                        self.expr(g, Ctx::Read);
                    }
                    self.expr(&mut a.body, ctx);
                }
            }
            // The parts of a new value go where the value goes.
            ExprKind::VecLit(es) | ExprKind::Tuple(es) | ExprKind::StructLit(es) | ExprKind::MakeValue(_, es) => {
                for x in es {
                    self.expr(x, ctx);
                }
            }
            ExprKind::Index(a, i) => {
                self.expr(a, Ctx::Read);
                self.expr(i, Ctx::Read);
            }
            ExprKind::Closure(params, body) => {
                // A closure runs when it is called: its own variables are judged inside
                // it; those it captures are always copied.
                let mut own: HashSet<VarId> = params.iter().copied().collect();
                for_each_block_in(body, &mut |blk, _| declared_in(blk, &mut own));
                own.retain(|v| self.owns(*v));
                let outer = std::mem::take(&mut self.after);
                self.closures.push(own);
                self.expr(body, Ctx::Return);
                self.closures.pop();
                self.after = outer;
                let entry: Vec<Stmt> = params.iter().filter(|p| self.owns(**p)).map(|p| copy_stmt(*p, &self.vars[p.0].ty, span, line)).collect();
                if !entry.is_empty() {
                    prepend(body, entry);
                }
            }
            ExprKind::CallClosure(_, args) => {
                for a in args {
                    self.expr(a, Ctx::Keep);
                }
            }
            ExprKind::CallHelper(h, args) => {
                let keeps = self.facts.keeps.get(*h);
                for (i, a) in args.iter_mut().enumerate() {
                    let c = if keeps.and_then(|k| k.get(i)).copied().unwrap_or(true) { Ctx::Keep } else { Ctx::Read };
                    self.expr(a, c);
                }
            }
            ExprKind::Method(m, args) => {
                let m = *m;
                for (i, a) in args.iter_mut().enumerate() {
                    self.expr(a, method_arg(m, i));
                }
            }
            ExprKind::OptionCall(_, opt, f) => {
                self.expr(opt, Ctx::Keep);
                self.expr(f, Ctx::Read);
            }
            ExprKind::Iter(ch) => {
                match &mut ch.source {
                    IterSource::Vec(a) => self.expr(a, Ctx::Read),
                    IterSource::Range(a, b, _) | IterSource::Split(a, b) | IterSource::Chunks(a, b) => {
                        self.expr(a, Ctx::Read);
                        self.expr(b, Ctx::Read);
                    }
                }
                for st in &mut ch.stages {
                    match st {
                        IterStage::Map(x) | IterStage::Filter(x) | IterStage::FilterMap(x) | IterStage::TakeWhile(x) | IterStage::SkipWhile(x) | IterStage::Take(x) | IterStage::Skip(x) | IterStage::Zip(x, _) => self.expr(x, Ctx::Read),
                        IterStage::Enumerate => {}
                    }
                }
                match &mut ch.sink {
                    IterSink::Any(x) | IterSink::All(x) | IterSink::Find(x) | IterSink::Position(x) | IterSink::MaxByKey(x) | IterSink::MinByKey(x) | IterSink::ForEach(x) => self.expr(x, Ctx::Read),
                    IterSink::Collect | IterSink::CollectMap | IterSink::CollectString | IterSink::Sum | IterSink::Count | IterSink::Min | IterSink::Max => {}
                }
            }
        }
    }

    fn command_arg(&mut self, a: &mut CommandArg) {
        match a {
            CommandArg::Value(v) | CommandArg::Spread(v) | CommandArg::SpreadPairs(v) => self.expr(v, Ctx::Read),
            CommandArg::Word(_) => {}
        }
    }
}

/// Where the arguments of a library method go (the receiver first).
fn method_arg(m: Method, i: usize) -> Ctx {
    let row = m.row();
    match i {
        0 => Ctx::Read,
        // Compared, or copied by the method itself (`vec![x; n]` copies each element).
        _ if row.has(crate::builtins::ARGS_READ) => Ctx::Read,
        1 if row.has(crate::builtins::KEY_READ) => Ctx::Read,
        _ => Ctx::Keep,
    }
}

/// The pattern binds a name to (a part of) the matched value.
pub(crate) fn binds(p: &Pat) -> bool {
    match p {
        Pat::Bind(_) => true,
        Pat::Or(ps) | Pat::Tuple(ps) => ps.iter().any(binds),
        Pat::Some(p) | Pat::CallOk(p) | Pat::CallErr(p) => binds(p),
        Pat::Wild | Pat::Int(_) | Pat::Str(_) | Pat::Bool(_) | Pat::Range(..) | Pat::None => false,
    }
}

/// `e` becomes a copy of itself.
fn wrap_copy(e: &mut Expr) {
    let (ty, span, line) = (e.ty.clone(), e.span, e.line);
    let method = if matches!(ty, Ty::Option(_)) { Method::OptionDeepCopy } else { Method::DeepCopy };
    let inner = std::mem::replace(e, Expr { kind: ExprKind::Unit, ty: Ty::Unit, span, line });
    *e = Expr { kind: ExprKind::Method(method, vec![inner]), ty, span, line };
}

/// `v = copy(v)`.
fn copy_stmt(v: VarId, ty: &Ty, span: proc_macro2::Span, line: u32) -> Stmt {
    let mut value = Expr { kind: ExprKind::Var(v), ty: ty.clone(), span, line };
    wrap_copy(&mut value);
    Stmt { kind: StmtKind::Assign(v, value), line }
}

/// Puts `stmts` before the body of a closure.
fn prepend(body: &mut Expr, stmts: Vec<Stmt>) {
    if let ExprKind::Block(b) = &mut body.kind {
        b.stmts.splice(0..0, stmts);
        return;
    }
    let (ty, span, line) = (body.ty.clone(), body.span, body.line);
    let inner = std::mem::replace(body, Expr { kind: ExprKind::Unit, ty: Ty::Unit, span, line });
    *body = Expr { kind: ExprKind::Block(Block { stmts, tail: Some(Box::new(inner)), ty: ty.clone() }), ty, span, line };
}

/// Calls `f` on every block inside `e` (also in closures: `f` is told so).
fn for_each_block_in(e: &Expr, f: &mut dyn FnMut(&Block, bool)) {
    blocks_of_expr(e, false, f);
}

/// Calls `f` on `b` and every block inside it.
fn for_each_block(b: &Block, f: &mut dyn FnMut(&Block, bool)) {
    blocks_of_block(b, false, f);
}

fn blocks_of_block(b: &Block, in_closure: bool, f: &mut dyn FnMut(&Block, bool)) {
    f(b, in_closure);
    for s in &b.stmts {
        match &s.kind {
            StmtKind::Let(_, e) | StmtKind::Assign(_, e) | StmtKind::Expr(e) | StmtKind::LetTuple(_, e) | StmtKind::AssignField(_, _, e) => blocks_of_expr(e, in_closure, f),
            StmtKind::AssignIndex(_, i, e) => {
                blocks_of_expr(i, in_closure, f);
                blocks_of_expr(e, in_closure, f);
            }
            StmtKind::LetElse(_, e, els) => {
                blocks_of_expr(e, in_closure, f);
                blocks_of_block(els, in_closure, f);
            }
        }
    }
    if let Some(t) = &b.tail {
        blocks_of_expr(t, in_closure, f);
    }
}

/// The blocks inside `e`.
fn blocks_of_expr(e: &Expr, in_closure: bool, f: &mut dyn FnMut(&Block, bool)) {
    let mut direct: Vec<(&Block, bool)> = Vec::new();
    // The outermost ones: `blocks_of_block` goes on into each.
    collect_blocks(e, in_closure, &mut direct);
    for (b, c) in direct {
        blocks_of_block(b, c, f);
    }
}

/// The blocks of `e` that are not inside another block of `e`.
fn collect_blocks<'e>(e: &'e Expr, in_closure: bool, out: &mut Vec<(&'e Block, bool)>) {
    let sub = |x: &'e Expr, out: &mut Vec<(&'e Block, bool)>| collect_blocks(x, in_closure, out);
    match &e.kind {
        ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) | ExprKind::Str(_) | ExprKind::Unit | ExprKind::Var(_) | ExprKind::None | ExprKind::Reject(_) | ExprKind::Break(_) | ExprKind::Continue(_) => {}
        ExprKind::Binary(_, a, b) | ExprKind::UnwrapOr(a, b) | ExprKind::Index(a, b) | ExprKind::OptionCall(_, a, b) => {
            sub(a, out);
            sub(b, out);
        }
        ExprKind::Unary(_, a) | ExprKind::Some(a) | ExprKind::Ok(a) | ExprKind::Err(a) | ExprKind::IsSome(a) | ExprKind::IsNone(a) | ExprKind::IntToString(a) | ExprKind::TupleField(a, _) | ExprKind::DynMethod(_, a) | ExprKind::RejectWith(_, a) => sub(a, out),
        ExprKind::Try(a, b) => {
            sub(a, out);
            if let Some(b) = b {
                sub(b, out);
            }
        }
        ExprKind::Return(a) => {
            if let Some(a) = a {
                sub(a, out);
            }
        }
        ExprKind::If(c, t, els) => {
            sub(c, out);
            out.push((t, in_closure));
            if let Some(x) = els {
                sub(x, out);
            }
        }
        ExprKind::Block(b) | ExprKind::Loop(b, _) => out.push((b, in_closure)),
        ExprKind::While(c, b, _) => {
            sub(c, out);
            out.push((b, in_closure));
        }
        ExprKind::WhileLet(_, c, b, _) | ExprKind::ForEach(_, c, b, _) | ExprKind::ForMap(_, _, c, b, _) => {
            sub(c, out);
            out.push((b, in_closure));
        }
        ExprKind::ForRange(r) => {
            sub(&r.start, out);
            sub(&r.end, out);
            if let Some(st) = &r.step {
                sub(st, out);
            }
            out.push((&r.body, in_closure));
        }
        ExprKind::Match(s, arms) => {
            sub(s, out);
            for a in arms {
                if let Some(g) = &a.guard {
                    sub(g, out);
                }
                sub(&a.body, out);
            }
        }
        ExprKind::VecLit(es) | ExprKind::Tuple(es) | ExprKind::StructLit(es) | ExprKind::Method(_, es) | ExprKind::CallClosure(_, es) | ExprKind::CallHelper(_, es) | ExprKind::MakeValue(_, es) | ExprKind::Record(_, es) => {
            for x in es {
                sub(x, out);
            }
        }
        ExprKind::Closure(_, body) => collect_blocks(body, true, out),
        ExprKind::Command(c) => {
            for a in &c.args {
                if let CommandArg::Value(v) | CommandArg::Spread(v) | CommandArg::SpreadPairs(v) = a {
                    sub(v, out);
                }
            }
        }
        ExprKind::DynCall(c) => {
            for a in &c.args {
                if let CommandArg::Value(v) | CommandArg::Spread(v) | CommandArg::SpreadPairs(v) = a {
                    sub(v, out);
                }
            }
        }
        ExprKind::Iter(ch) => {
            match &ch.source {
                IterSource::Vec(a) => sub(a, out),
                IterSource::Range(a, b, _) | IterSource::Split(a, b) | IterSource::Chunks(a, b) => {
                    sub(a, out);
                    sub(b, out);
                }
            }
            for st in &ch.stages {
                match st {
                    IterStage::Map(x) | IterStage::Filter(x) | IterStage::FilterMap(x) | IterStage::TakeWhile(x) | IterStage::SkipWhile(x) | IterStage::Take(x) | IterStage::Skip(x) | IterStage::Zip(x, _) => sub(x, out),
                    IterStage::Enumerate => {}
                }
            }
            match &ch.sink {
                IterSink::Any(x) | IterSink::All(x) | IterSink::Find(x) | IterSink::Position(x) | IterSink::MaxByKey(x) | IterSink::MinByKey(x) | IterSink::ForEach(x) => sub(x, out),
                IterSink::Collect | IterSink::CollectMap | IterSink::CollectString | IterSink::Sum | IterSink::Count | IterSink::Min | IterSink::Max => {}
            }
        }
    }
}

/// The variables whose fields the statements of `b` itself assign (not those of the
/// blocks inside).
fn assigned_fields(b: &Block, out: &mut HashSet<VarId>) {
    for s in &b.stmts {
        if let StmtKind::AssignField(v, ..) = s.kind {
            out.insert(v);
        }
    }
}

/// The variables whose fields `s` assigns, directly or in a block inside it.
fn stmt_fields(s: &Stmt, out: &mut HashSet<VarId>) {
    if let StmtKind::AssignField(v, ..) = s.kind {
        out.insert(v);
    }
    match &s.kind {
        StmtKind::Let(_, e) | StmtKind::Assign(_, e) | StmtKind::Expr(e) | StmtKind::LetTuple(_, e) | StmtKind::AssignField(_, _, e) => expr_fields(e, out),
        StmtKind::AssignIndex(_, i, e) => {
            expr_fields(i, out);
            expr_fields(e, out);
        }
        StmtKind::LetElse(_, e, els) => {
            expr_fields(e, out);
            for_each_block(els, &mut |blk, _| assigned_fields(blk, out));
        }
    }
}

/// The variables whose fields a block inside `e` assigns.
fn expr_fields(e: &Expr, out: &mut HashSet<VarId>) {
    for_each_block_in(e, &mut |blk, _| assigned_fields(blk, out));
}

/// The variables the statements of `b` itself declare (`let`, tuple patterns).
fn declared_in(b: &Block, out: &mut HashSet<VarId>) {
    for s in &b.stmts {
        match &s.kind {
            StmtKind::Let(v, _) => {
                out.insert(*v);
            }
            StmtKind::LetTuple(vs, _) => out.extend(vs.iter().flatten().copied()),
            _ => {}
        }
    }
}
