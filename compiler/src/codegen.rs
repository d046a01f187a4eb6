//! Codegen: typed IR → Lua AST → text.
//!
//! Rust expressions that Lua can only express with statements (`if` as a value,
//! blocks, short-circuits around commands) are lowered into temporaries, keeping
//! Rust's left-to-right evaluation order: when a later operand needs statements,
//! earlier operands are saved first.

use crate::commands::ReplyKind;
use crate::diag::{Diagnostic, Rule};
use crate::ir::{self, narrow, CommandArg, ExprKind, Function, ParamSource, Ty};
use crate::lua::{self, big_int, BinOp as LB, Expr as L, Printed, Printer, Stmt as LS, StmtKind as K, UnOp as LU};
use crate::lualib::{self, Helper};
use std::collections::{HashMap, HashSet};

/// Lua allows 200 active locals per function; stay clearly below.
pub(crate) const MAX_LOCALS: usize = 190;

/// Where the value of an expression goes.
#[derive(Debug, Clone)]
pub(crate) enum Dest {
    /// Evaluated for its effects only.
    Discard,
    /// Returned from the function as its reply.
    Return,
    /// Assigned to a Lua local.
    Assign(String),
}

pub(crate) struct Gen<'a> {
    pub(crate) vars: &'a [ir::Var],
    /// The declared return type of the function being generated.
    pub(crate) ret: Ty,
    /// The helper functions of the chunk.
    pub(crate) helper_fns: &'a [ir::HelperFn],
    pub(crate) names: HashSet<String>,
    pub(crate) locals: usize,
    pub(crate) line: u32,
    /// Pattern bindings, which name a part of the matched value.
    pub(crate) aliases: HashMap<ir::VarId, L>,
    /// Loops whose body runs inside `repeat .. until true` (for `continue`), with the
    /// flag that a `break` sets to leave the loop itself.
    pub(crate) wrapped: HashMap<ir::LoopId, Option<String>>,
    /// False inside closures: `return` gives the Lua value, not an encoded reply.
    pub(crate) reply: bool,
    /// In a library, the next free slot of `redlua_args` (see [`ARGS_MEMO`]); `None` in
    /// scripts, whose locals do not outlive the call.
    pub(crate) memo: Option<usize>,
    /// In a script: the checks of integer replies are written inline, in temporaries,
    /// rather than as calls of helpers that the script would create on every call.
    pub(crate) inline_checks: bool,
}

/// A library's memory of its numeric arguments: for each `i64`/`f64` parameter, the text
/// it last arrived as and the number it gave, so that an argument that repeats (a limit,
/// a window, an amount) is checked once per library load rather than on every call. It
/// only saves work: the same text always gives the same number. Only texts of at most
/// [`ARGS_MEMO_MAX_LEN`] bytes are kept, so it holds a few short strings per parameter.
/// Measured on the cookbook's transfer (in-server loop): about 0.2 µs of a 3 µs call.
pub(crate) const ARGS_MEMO: &str = "redlua_args";

/// The longest argument text `redlua_args` keeps: every i64 within +/-(2^53 - 1) and the
/// usual forms of an f64 fit.
pub(crate) const ARGS_MEMO_MAX_LEN: usize = 24;

/// The Lua text of one library.
pub fn library(name: &str, file: &str, functions: &[Function], helper_fns: &[ir::HelperFn]) -> Result<Printed, Vec<Diagnostic>> {
    let mut bodies = Vec::new();
    let mut errors = Vec::new();
    let mut fn_defs = Vec::new();
    if let Err(e) = push_helper_fns(helper_fns, &mut fn_defs) {
        errors.extend(e);
    }
    let mut memo = Some(1);
    for f in functions {
        match function(f, helper_fns, &mut memo) {
            Ok(b) => bodies.push(b),
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let helpers = lualib::in_order(&lualib::used(bodies.iter().chain([&fn_defs])));
    let mut p = Printer::new(file);
    p.raw_line(&format!("#!lua name={name}"));
    let mut top = vec![LS::new(K::Comment(format!(
        "redlua library `{name}`, generated from {file}: edit the Rust source, not this file."
    )))];
    push_helpers(&helpers, &mut top);
    if memo != Some(1) {
        top.push(LS::new(K::Blank));
        top.push(LS::new(K::Comment(format!(
            "The last text (of at most {ARGS_MEMO_MAX_LEN} bytes) of each numeric argument and the number it gave, kept\n\
             until the library is reloaded: an argument that repeats is checked once. The same text\n\
             always gives the same number, so replies never depend on what is kept here."
        ))));
        top.push(LS::new(K::Local(vec![ARGS_MEMO.into()], vec![L::Table(vec![], vec![])])));
    }
    top.extend(fn_defs);
    for (f, body) in functions.iter().zip(bodies) {
        top.push(LS::new(K::Blank));
        top.push(LS::new(K::Comment(signature_comment(f))));
        top.push(LS::at(K::LocalFunction(format!("fn_{}", f.name), vec!["keys".into(), "args".into()], body), Some(f.line)));
    }
    top.push(LS::new(K::Blank));
    top.push(LS::new(K::Comment(format!(
        "Each function under its own name and under `{}`, the name redlua's\n\
         typed calls use (only this library registers it).",
        call_name(name, "<name>")
    ))));
    // Two registrations per function; with more than one function, in a local helper.
    let reg = |n: L, typed: L, desc: L, cb: L, fl: L| -> Vec<LS> {
        let plain = vec![("function_name".into(), n), ("callback".into(), cb.clone()), ("flags".into(), fl.clone())];
        let typed = vec![("function_name".into(), typed), ("callback".into(), cb), ("flags".into(), fl), ("description".into(), desc)];
        [plain, typed].into_iter().map(|t| LS::new(K::Call(L::call("redis.register_function", vec![L::Table(vec![], t)])))).collect()
    };
    let fn_flags = |f: &Function| L::Table(flags(f).into_iter().map(L::str).collect(), vec![]);
    if let [f] = functions {
        let (typed, desc) = (L::str(call_name(name, &f.name)), L::str(format!("typed calls of {}", f.name)));
        top.extend(reg(L::str(&f.name), typed, desc, L::name(format!("fn_{}", f.name)), fn_flags(f)));
    } else {
        let n = L::name("name");
        let typed = L::bin(LB::Concat, L::str(call_name(name, "")), n.clone());
        let desc = L::bin(LB::Concat, L::str("typed calls of "), n.clone());
        let body = reg(n, typed, desc, L::name("callback"), L::name("flags"));
        top.push(LS::new(K::LocalFunction("redlua_register".into(), vec!["name".into(), "callback".into(), "flags".into()], body)));
        for f in functions {
            let args = vec![L::str(&f.name), L::name(format!("fn_{}", f.name)), fn_flags(f)];
            top.push(LS::new(K::Call(L::call("redlua_register", args))));
        }
    }
    p.block(&top);
    Ok(p.finish())
}

/// The name under which a library registers `function` a second time, for typed calls:
/// `<library>__<function>`. Another library registers a function of the same plain name,
/// never this one, so an `FCALL` of it reaches this library's code or fails with
/// "function not found" (and loading this library then reports the taken name). The
/// runtime builds the same name (`redlua::FunctionCall::command`).
pub fn call_name(library: &str, function: &str) -> String {
    format!("{library}__{function}")
}

/// The Lua text of one EVAL script.
pub fn script(file: &str, f: &Function, helper_fns: &[ir::HelperFn]) -> Result<Printed, Vec<Diagnostic>> {
    let mut fn_defs = Vec::new();
    push_helper_fns(helper_fns, &mut fn_defs)?;
    let mut locals = 0;
    // Inline checks take more locals: without them when the function would not fit.
    let body = match function_counted(f, helper_fns, &mut None, &mut locals, true) {
        Ok(b) => b,
        Err(_) => function_counted(f, helper_fns, &mut None, &mut locals, false).map_err(|d| vec![d])?,
    };
    let helpers = lualib::in_order(&lualib::used([&body, &fn_defs]));
    let mut p = Printer::new(file);
    let fl = flags(f);
    if fl.is_empty() {
        p.raw_line("#!lua");
    } else {
        p.raw_line(&format!("#!lua flags={}", fl.join(",")));
    }
    let mut top = vec![LS::new(K::Comment(format!(
        "redlua script `{}`, generated from {file}: edit the Rust source, not this file.",
        f.name
    )))];
    push_helpers(&helpers, &mut top);
    top.extend(fn_defs);
    top.push(LS::new(K::Blank));
    top.push(LS::new(K::Comment(signature_comment(f))));
    // The whole chunk runs on every call: the body goes at its top level when the locals
    // fit (one closure less to create per call), else in a function of its own.
    let top_locals = helpers.len() + helper_fns.len() + 2 + locals;
    if top_locals <= MAX_LOCALS {
        top.push(LS::at(K::Local(vec!["keys".into(), "args".into()], vec![L::name("KEYS"), L::name("ARGV")]), Some(f.line)));
        top.extend(body);
    } else {
        top.push(LS::at(K::LocalFunction(format!("fn_{}", f.name), vec!["keys".into(), "args".into()], body), Some(f.line)));
        top.push(LS::new(K::Blank));
        top.push(LS::new(K::Return(vec![L::call(&format!("fn_{}", f.name), vec![L::name("KEYS"), L::name("ARGV")])])));
    }
    p.block(&top);
    Ok(p.finish())
}

/// The Redis function flags of `f` (see [`crate::checks::flags`]).
pub fn flags(f: &Function) -> Vec<&'static str> {
    crate::checks::flags::redis_flags(f)
}

pub(crate) fn signature_comment(f: &Function) -> String {
    let params: Vec<String> = f
        .params
        .iter()
        .map(|p| {
            let src = match p.source {
                ParamSource::Key(i) => format!("KEYS[{i}]"),
                ParamSource::Arg(i) => format!("ARGV[{i}]"),
                ParamSource::KeysFrom(i) => format!("KEYS[{i}..]"),
                ParamSource::ArgsFrom(i) => format!("ARGV[{i}..]"),
                ParamSource::OptArg(i) => format!("ARGV[{i}] if given"),
            };
            format!("{}: {} ({src})", p.name, p.ty)
        })
        .collect();
    format!("fn {}({}) -> {}", f.name, params.join(", "), f.ret)
}

/// Emits the runtime helpers, in the order [`lualib::in_order`] gives.
pub(crate) fn push_helpers(helpers: &[Helper], out: &mut Vec<LS>) {
    for h in helpers {
        out.push(LS::new(K::Blank));
        out.push(LS::new(K::Raw(h.source().to_string())));
    }
}

pub(crate) fn function(f: &Function, helper_fns: &[ir::HelperFn], memo: &mut Option<usize>) -> Result<lua::Block, Diagnostic> {
    function_counted(f, helper_fns, memo, &mut 0, false)
}

/// [`function`], also giving the number of Lua locals the body declares.
pub(crate) fn function_counted(f: &Function, helper_fns: &[ir::HelperFn], memo: &mut Option<usize>, locals: &mut usize, inline_checks: bool) -> Result<lua::Block, Diagnostic> {
    let names = f.vars.iter().map(|v| v.lua.clone()).collect();
    let mut g = Gen { vars: &f.vars, ret: f.ret.clone(), helper_fns, names, locals: 0, line: f.line, aliases: HashMap::new(), wrapped: HashMap::new(), reply: true, memo: *memo, inline_checks };
    let mut out = Vec::new();
    g.prologue(f, &mut out);
    g.block_into(&f.body, &Dest::Return, &mut out);
    *memo = g.memo;
    *locals = g.locals;
    if g.locals > MAX_LOCALS {
        return Err(Diagnostic {
            rule: Rule::LuaLimit,
            span: f.span,
            message: format!("`{}` needs {} Lua locals; Lua allows 200 per function", f.name, g.locals),
            hint: "split the function, or reuse variables with `let mut`".into(),
        });
    }
    Ok(out)
}

/// The Lua of a helper function: `name = function(params) .. end` (declared before).
pub(crate) fn helper_fn(h: &ir::HelperFn, helper_fns: &[ir::HelperFn]) -> Result<LS, Diagnostic> {
    let names = h.vars.iter().map(|v| v.lua.clone()).collect();
    let mut g = Gen { vars: &h.vars, ret: h.ret.clone(), helper_fns, names, locals: h.params.len(), line: h.line, aliases: HashMap::new(), wrapped: HashMap::new(), reply: false, memo: None, inline_checks: false };
    let mut out = Vec::new();
    if let Some(body) = &h.body {
        g.block_into(body, &Dest::Return, &mut out);
    }
    if g.locals > MAX_LOCALS {
        return Err(Diagnostic {
            rule: Rule::LuaLimit,
            span: h.span,
            message: format!("`{}` needs {} Lua locals; Lua allows 200 per function", h.name, g.locals),
            hint: "split the function, or reuse variables with `let mut`".into(),
        });
    }
    let params = h.params.iter().map(|p| h.vars[p.0].lua.clone()).collect();
    Ok(LS::at(K::Assign(vec![L::name(h.lua.clone())], vec![L::Function(params, out)]), Some(h.line)))
}

/// Declarations and definitions of the helper functions of a chunk.
pub(crate) fn push_helper_fns(helper_fns: &[ir::HelperFn], top: &mut Vec<LS>) -> Result<(), Vec<Diagnostic>> {
    if helper_fns.is_empty() {
        return Ok(());
    }
    top.push(LS::new(K::Blank));
    top.push(LS::new(K::Comment("Helper functions (plain Rust `fn`s called by the functions below).".into())));
    top.push(LS::new(K::Local(helper_fns.iter().map(|h| h.lua.clone()).collect(), vec![])));
    let mut errors = Vec::new();
    for h in helper_fns {
        match helper_fn(h, helper_fns) {
            Ok(s) => {
                top.push(LS::new(K::Blank));
                top.push(s);
            }
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The error reply text of a rejection (`REJECT <message>` or `<CODE> <message>`, as
/// lowered), on one line (newlines would break the protocol).
pub(crate) fn reject_text(msg: &[u8]) -> L {
    L::Str(msg.iter().map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c }).collect())
}

/// How deeply a Lua expression may nest before [`Gen::expr`] keeps it in a local.
pub(crate) const MAX_LUA_NESTING: usize = 40;

/// How deeply `e` nests (a name or a literal is 1), counted up to `cap`.
pub(crate) fn lua_nesting(e: &L, cap: usize) -> usize {
    if cap <= 1 {
        return 1;
    }
    let inner = match e {
        L::Nil | L::Bool(_) | L::Num(_) | L::Str(_) | L::Name(_) | L::Function(..) => 0,
        L::Index(a, b) | L::Bin(_, a, b) => lua_nesting(a, cap - 1).max(lua_nesting(b, cap - 1)),
        L::Field(a, _) | L::Un(_, a) | L::Paren(a) => lua_nesting(a, cap - 1),
        L::Call(f, args) => args.iter().fold(lua_nesting(f, cap - 1), |m, a| m.max(lua_nesting(a, cap - 1))),
        L::Table(items, named) => items.iter().chain(named.iter().map(|(_, v)| v)).fold(0, |m, a| m.max(lua_nesting(a, cap - 1))),
    };
    1 + inner
}

pub(crate) fn lit_str(b: &[u8]) -> L {
    L::Str(b.to_vec())
}

impl Gen<'_> {
    pub(crate) fn stmt(&self, kind: K) -> LS {
        LS::at(kind, Some(self.line))
    }

    pub(crate) fn temp(&mut self) -> String {
        let mut i = 1;
        loop {
            let n = if i == 1 { "tmp".to_string() } else { format!("tmp_{i}") };
            if self.names.insert(n.clone()) {
                self.locals += 1;
                return n;
            }
            i += 1;
        }
    }

    /// Saves `v` in a fresh local, returning the local's name expression.
    pub(crate) fn spill(&mut self, v: L, out: &mut Vec<LS>) -> L {
        let t = self.temp();
        out.push(self.stmt(K::Local(vec![t.clone()], vec![v])));
        L::Name(t)
    }

    /// A call of the runtime helper `h` (emitted with the chunk: see [`lualib::used`]).
    pub(crate) fn helper(&mut self, h: Helper, args: Vec<L>) -> L {
        L::call(h.name(), args)
    }


    pub(crate) fn block_into(&mut self, b: &ir::Block, dest: &Dest, out: &mut Vec<LS>) {
        for s in &b.stmts {
            self.line = s.line;
            match &s.kind {
                ir::StmtKind::Let(var, e) => {
                    let name = self.vars[var.0].lua.clone();
                    self.locals += 1;
                    if matches!(e.kind, ExprKind::If(..) | ExprKind::Block(_)) {
                        out.push(self.stmt(K::Local(vec![name.clone()], vec![])));
                        self.expr_into(e, &Dest::Assign(name), out);
                    } else {
                        let v = self.expr(e, out);
                        out.push(self.stmt(K::Local(vec![name], vec![v])));
                    }
                }
                ir::StmtKind::Assign(var, e) => {
                    let name = self.vars[var.0].lua.clone();
                    self.expr_into(e, &Dest::Assign(name), out);
                }
                ir::StmtKind::Expr(e) => self.expr_into(e, &Dest::Discard, out),
                ir::StmtKind::LetTuple(vars, e) => {
                    let names: Vec<String> = vars
                        .iter()
                        .map(|v| match v {
                            Some(v) => self.vars[v.0].lua.clone(),
                            None => "_".to_string(),
                        })
                        .collect();
                    self.locals += names.len();
                    let vals = if let ExprKind::Tuple(es) = &e.kind {
                        let refs: Vec<&ir::Expr> = es.iter().collect();
                        self.operands(&refs, out)
                    } else {
                        let v = self.expr(e, out);
                        let t = if v.is_trivial() { v } else { self.spill(v, out) };
                        (0..names.len()).map(|i| L::index(t.clone(), L::int(i as i64 + 1))).collect()
                    };
                    out.push(self.stmt(K::Local(names, vals)));
                }
                ir::StmtKind::LetElse(pat, e, els) => {
                    let v = self.expr(e, out);
                    // The bindings name parts of this local for the rest of the block.
                    let subject = self.pattern_subject(e, v, std::iter::once(pat), out);
                    bind_aliases(pat, &subject, &mut self.aliases);
                    if let Some(test) = pat_test(pat, &subject) {
                        let mut body = Vec::new();
                        self.block_into(els, &Dest::Discard, &mut body);
                        self.line = s.line;
                        out.push(self.stmt(K::If(vec![(negate(test), body)], None)));
                    }
                }
                ir::StmtKind::AssignField(var, i, e) => {
                    let v = self.expr(e, out);
                    let name = L::name(self.vars[var.0].lua.clone());
                    out.push(self.stmt(K::Assign(vec![L::index(name, L::int(*i as i64 + 1))], vec![v])));
                }
                ir::StmtKind::AssignIndex(var, i, e) => {
                    // Rust computes the value first, then the index of the place.
                    let vals = self.operands(&[e, i], out);
                    let mut val = vals[0].clone();
                    if !val.is_trivial() && ir::order_matters(e, i) {
                        val = self.spill(val, out);
                    }
                    let name = L::name(self.vars[var.0].lua.clone());
                    let call = self.helper(Helper::SetIndex, vec![name, vals[1].clone(), val]);
                    out.push(self.stmt(K::Call(call)));
                }
            }
        }
        match &b.tail {
            Some(t) => {
                self.line = t.line;
                self.expr_into(t, dest, out)
            }
            None => {
                if matches!(dest, Dest::Return) && b.ty != Ty::Never {
                    // A unit function ends: its reply is nil.
                    out.push(self.stmt(K::Return(vec![])));
                }
            }
        }
    }

    pub(crate) fn expr_into(&mut self, e: &ir::Expr, dest: &Dest, out: &mut Vec<LS>) {
        match &e.kind {
            ExprKind::If(..) => self.if_into(e, dest, out),
            ExprKind::Block(b) => {
                if b.stmts.iter().any(|s| matches!(s.kind, ir::StmtKind::Let(..))) {
                    let mut inner = Vec::new();
                    self.block_into(b, dest, &mut inner);
                    out.push(self.stmt(K::Do(inner)));
                } else {
                    self.block_into(b, dest, out);
                }
            }
            ExprKind::Return(v) => match v {
                Some(v) => self.expr_into(v, &Dest::Return, out),
                None => out.push(self.stmt(K::Return(vec![]))),
            },
            ExprKind::While(..) | ExprKind::WhileLet(..) | ExprKind::Loop(..) | ExprKind::ForRange(_) | ExprKind::ForEach(..) | ExprKind::ForMap(..) => self.loop_stmt(e, out),
            ExprKind::Break(id) => {
                if let Some(Some(flag)) = self.wrapped.get(id).cloned() {
                    out.push(self.stmt(K::Assign(vec![L::name(flag)], vec![L::Bool(true)])));
                }
                out.push(self.stmt(K::Break));
            }
            ExprKind::Continue(_) => out.push(self.stmt(K::Break)),
            ExprKind::Match(..) => self.match_into(e, dest, out),
            ExprKind::Ok(x) if matches!(dest, Dest::Return) => self.expr_into(x, dest, out),
            ExprKind::Err(r) if matches!(dest, Dest::Return) => {
                if let ExprKind::RejectWith(code, msg) = &r.kind {
                    let m = self.expr(msg, out);
                    let reply = self.helper(Helper::Reject, vec![lit_str(code), m]);
                    out.push(self.reject_return(reply));
                    return;
                }
                let ExprKind::Reject(msg) = &r.kind else {
                    // Lowering admits only `reject!(..)` here.
                    out.push(self.stmt(K::Call(L::call("error", vec![L::str("redlua: invalid rejection")]))));
                    return;
                };
                out.push(self.reject_return(L::call("redis.error_reply", vec![reject_text(msg)])));
            }
            _ => match dest {
                Dest::Discard => self.discard(e, out),
                Dest::Assign(name) => {
                    if matches!(e.ty, Ty::Unit | Ty::Never) {
                        self.discard(e, out);
                    } else {
                        let v = self.expr(e, out);
                        out.push(self.stmt(K::Assign(vec![L::name(name.clone())], vec![v])));
                    }
                }
                Dest::Return => {
                    if e.ty == Ty::Never {
                        self.discard(e, out);
                        return;
                    }
                    // A helper's `Result`: its rejection returned at once, its value below.
                    let v = if matches!((&e.ty, &e.kind), (Ty::Result(_), ExprKind::CallHelper(..))) { self.try_helper(e, out) } else { self.expr(e, out) };
                    if !self.reply {
                        let vals = if matches!(e.ty, Ty::Unit) { vec![] } else { vec![v] };
                        out.push(self.stmt(K::Return(vals)));
                        return;
                    }
                    let ret = match &self.ret {
                        Ty::Result(t) => (**t).clone(),
                        t => t.clone(),
                    };
                    self.return_value(v, &ret, out);
                }
            },
        }
    }

    pub(crate) fn discard(&mut self, e: &ir::Expr, out: &mut Vec<LS>) {
        match &e.kind {
            ExprKind::If(..) | ExprKind::Block(_) | ExprKind::Return(_) | ExprKind::Match(..) | ExprKind::While(..) | ExprKind::WhileLet(..) | ExprKind::Loop(..) | ExprKind::ForRange(_) | ExprKind::ForEach(..) | ExprKind::ForMap(..) | ExprKind::Break(_) | ExprKind::Continue(_) => {
                self.expr_into(e, &Dest::Discard, out)
            }
            ExprKind::Command(c) if !matches!(c.command.reply, ReplyKind::Int | ReplyKind::OptionalValue) => {
                // The reply conversion cannot fail: send the command only.
                let call = self.command_call(c, out);
                out.push(self.stmt(K::Call(call)));
            }
            _ if e.is_pure() => {}
            _ => {
                let v = self.expr(e, out);
                self.push_effect(v, out);
            }
        }
    }

    /// Evaluates operands left to right; when a later one needs statements, earlier
    /// values are saved first so they are computed before those statements run.
    pub(crate) fn operands(&mut self, es: &[&ir::Expr], out: &mut Vec<LS>) -> Vec<L> {
        let mut parts: Vec<(Vec<LS>, L)> = Vec::new();
        for e in es {
            let mut pre = Vec::new();
            let v = self.expr(e, &mut pre);
            parts.push((pre, v));
        }
        let n = parts.len();
        let needs: Vec<bool> = (0..n).map(|i| parts[i + 1..].iter().any(|(p, _)| !p.is_empty())).collect();
        let mut vals = Vec::new();
        for (i, (pre, v)) in parts.into_iter().enumerate() {
            out.extend(pre);
            let literal = matches!(v, L::Nil | L::Bool(_) | L::Num(_) | L::Str(_));
            if needs[i] && !literal {
                vals.push(self.spill(v, out));
            } else {
                vals.push(v);
            }
        }
        vals
    }

    /// The Lua value of `e`, with statements it needs first in `out`. A value nested more
    /// than [`MAX_LUA_NESTING`] deep (a long sum is a call of `redlua_int` per term) is kept
    /// in a local first: Lua 5.1's parser refuses code nested about 200 levels deep
    /// ("chunk has too many syntax levels") and an expression needing more than 250 registers.
    pub(crate) fn expr(&mut self, e: &ir::Expr, out: &mut Vec<LS>) -> L {
        let v = self.expr_value(e, out);
        if lua_nesting(&v, MAX_LUA_NESTING + 1) > MAX_LUA_NESTING {
            return self.spill(v, out);
        }
        v
    }

    fn expr_value(&mut self, e: &ir::Expr, out: &mut Vec<LS>) -> L {
        // Lua 5.1 keeps one constant per value in a function and -0 == 0: a -0.0 literal (or
        // a constant expression Lua folds to -0.0, `0.0 * -1.0`) would share its slot with
        // the integer 0, turning one into the other. Compute it at run time instead.
        if e.ty == Ty::Float && const_float(e).is_some_and(|x| x == 0.0 && x.is_sign_negative()) {
            return neg_zero();
        }
        match &e.kind {
            ExprKind::Int(n) => L::int(*n),
            // `f64::INFINITY`, `f64::NAN`: Lua has no literal for them. A NaN keeps its sign
            // (`lua_tostring` writes it): `strtod` reads `nan` as the positive one, x86's `0 / 0` is negative.
            ExprKind::Float(x) if x.is_nan() && x.is_sign_negative() => L::un(LU::Neg, L::call("tonumber", vec![L::str("nan")])),
            ExprKind::Float(x) if x.is_nan() => L::call("tonumber", vec![L::str("nan")]),
            ExprKind::Float(x) if x.is_infinite() => {
                let huge = L::Field(Box::new(L::name("math")), "huge".into());
                if *x > 0.0 {
                    huge
                } else {
                    L::un(LU::Neg, huge)
                }
            }
            ExprKind::Float(x) => L::Num(float_literal(*x)),
            ExprKind::Bool(b) => L::Bool(*b),
            ExprKind::Str(s) => lit_str(s),
            ExprKind::Unit | ExprKind::None => L::Nil,
            ExprKind::Var(v) => match self.aliases.get(v) {
                Some(a) => a.clone(),
                None => L::name(self.vars[v.0].lua.clone()),
            },
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, out),
            ExprKind::Unary(op, a) => {
                let v = self.expr(a, out);
                // The operand's type decides (a cast may have retyped this node).
                let e = if a.ty == Ty::Never { e } else { &**a };
                match op {
                    ir::UnOp::Not => L::un(LU::Not, v),
                    // `0 - n` rather than `-n`: Lua's -0 would reach commands as "-0".
                    ir::UnOp::Neg if narrow(&e.ty).is_some() => {
                        let (lo, hi) = narrow(&e.ty).map(|k| k.lua_bounds()).unwrap_or_default();
                        self.helper(Helper::IntIn, vec![L::bin(LB::Sub, L::int(0), v), L::int(lo), L::int(hi)])
                    }
                    ir::UnOp::Neg if e.ty != Ty::Float => L::bin(LB::Sub, L::int(0), v),
                    ir::UnOp::Neg => L::un(LU::Neg, v),
                    // !n == -n - 1 in two's complement.
                    ir::UnOp::BitNot => match narrow(&e.ty) {
                        // Within the type's width: -1 - n for a signed type, MAX - n unsigned.
                        Some(k) if k.signed() => L::bin(LB::Sub, L::int(-1), v),
                        Some(k) if k.exact() => L::bin(LB::Sub, L::int(k.bounds().1 as i64), v),
                        Some(k) => self.helper(Helper::IntIn, vec![L::bin(LB::Sub, big_int(k.bounds().1), v), L::int(0), L::int(ir::MAX_SAFE_INT)]),
                        None => self.helper(Helper::Int, vec![L::bin(LB::Sub, L::un(LU::Neg, v), L::int(1))]),
                    },
                }
            }
            ExprKind::If(..) | ExprKind::Block(_) => {
                if matches!(e.ty, Ty::Unit | Ty::Never) {
                    self.expr_into(e, &Dest::Discard, out);
                    return L::Nil;
                }
                let t = self.temp();
                out.push(self.stmt(K::Local(vec![t.clone()], vec![])));
                self.expr_into(e, &Dest::Assign(t.clone()), out);
                L::Name(t)
            }
            ExprKind::Command(c) => {
                let call = self.command_call(c, out);
                if self.inline_checks {
                    if let Some(v) = self.inline_reply_check(c, &call, out) {
                        return v;
                    }
                }
                self.command_reply(c, call)
            }
            ExprKind::Some(x) | ExprKind::Ok(x) => self.expr(x, out),
            ExprKind::Err(_) | ExprKind::Reject(_) | ExprKind::RejectWith(..) => {
                // Lowering only admits these in return position.
                L::Nil
            }
            ExprKind::UnwrapOr(o, d) => {
                let vals = self.operands(&[o, d], out);
                let (mut ov, mut dv) = (vals[0].clone(), vals[1].clone());
                if !d.is_pure() {
                    // Rust evaluates the default eagerly, even when unused.
                    if !ov.is_trivial() {
                        ov = self.spill(ov, out);
                    }
                    dv = self.spill(dv, out);
                }
                if e.ty.always_truthy() {
                    L::bin(LB::Or, ov, dv)
                } else {
                    let t = self.spill(ov, out);
                    let assign = self.stmt(K::Assign(vec![t.clone()], vec![dv]));
                    out.push(self.stmt(K::If(vec![(L::bin(LB::Eq, t.clone(), L::Nil), vec![assign])], None)));
                    t
                }
            }
            ExprKind::IsSome(o) => {
                let v = self.expr(o, out);
                L::bin(LB::Ne, v, L::Nil)
            }
            ExprKind::IsNone(o) => {
                let v = self.expr(o, out);
                L::bin(LB::Eq, v, L::Nil)
            }
            ExprKind::IntToString(n) => {
                // `tostring` would print 2^53 - 1 as 9.007199254741e+15.
                let v = self.expr(n, out);
                L::call("string.format", vec![L::str("%d"), v])
            }
            ExprKind::Return(_) | ExprKind::While(..) | ExprKind::WhileLet(..) | ExprKind::Loop(..) | ExprKind::ForRange(_) | ExprKind::ForEach(..) | ExprKind::ForMap(..) | ExprKind::Break(_) | ExprKind::Continue(_) => {
                self.expr_into(e, &Dest::Discard, out);
                L::Nil
            }
            ExprKind::Match(..) => {
                if matches!(e.ty, Ty::Unit | Ty::Never) {
                    self.expr_into(e, &Dest::Discard, out);
                    return L::Nil;
                }
                let t = self.temp();
                out.push(self.stmt(K::Local(vec![t.clone()], vec![])));
                self.expr_into(e, &Dest::Assign(t.clone()), out);
                L::Name(t)
            }
            ExprKind::MakeValue(ctor, es) => self.make_value(*ctor, es, out),
            ExprKind::VecLit(es) | ExprKind::Tuple(es) | ExprKind::StructLit(es) => {
                let refs: Vec<&ir::Expr> = es.iter().collect();
                L::Table(self.operands(&refs, out), vec![])
            }
            ExprKind::TupleField(t, i) => {
                let v = self.expr(t, out);
                L::index(v, L::int(*i as i64 + 1))
            }
            ExprKind::Index(v, i) => {
                let vals = self.operands(&[v, i], out);
                let x = self.helper(Helper::Index, vals);
                // Inside a Vec, `None` is stored as `false`.
                if matches!(e.ty, Ty::Option(_)) {
                    L::bin(LB::Or, x, L::Nil)
                } else {
                    x
                }
            }
            ExprKind::Closure(params, body) => {
                let names: Vec<String> = params.iter().map(|p| self.vars[p.0].lua.clone()).collect();
                let saved = std::mem::replace(&mut self.reply, false);
                let saved_locals = std::mem::replace(&mut self.locals, 0);
                let mut inner = Vec::new();
                self.expr_into(body, &Dest::Return, &mut inner);
                self.reply = saved;
                self.locals = saved_locals;
                L::Function(names, inner)
            }
            ExprKind::CallClosure(var, args) => {
                let refs: Vec<&ir::Expr> = args.iter().collect();
                let vals = self.operands(&refs, out);
                L::Call(Box::new(L::name(self.vars[var.0].lua.clone())), vals)
            }
            ExprKind::Method(m, args) => self.method(*m, args, out),
            ExprKind::DynCall(c) if c.args.iter().any(|a| matches!(a, CommandArg::Spread(_) | CommandArg::SpreadPairs(_))) => self.dyn_call_spread(c, out),
            ExprKind::DynCall(c) => {
                let values: Vec<&ir::Expr> = c.args.iter().filter_map(|a| if let CommandArg::Value(v) = a { Some(v) } else { None }).collect();
                let vals = self.operands(&values, out);
                let mut vals = vals.into_iter().zip(&values).map(|(v, e)| if e.ty == Ty::Float { self.helper(Helper::FmtFloat, vec![v]) } else { v }).collect::<Vec<_>>().into_iter();
                let first = c.spec.name.split(' ').next().unwrap_or(c.spec.name);
                let mut args = vec![L::str(first)];
                for a in &c.args {
                    match a {
                        CommandArg::Word(w) => args.push(L::str(w)),
                        _ => args.push(vals.next().unwrap_or(L::Nil)),
                    }
                }
                L::call(if c.protected { "redis.pcall" } else { "redis.call" }, args)
            }
            ExprKind::DynMethod(op, v) => {
                use ir::DynMethod as D;
                let x = self.expr(v, out);
                let h = match op {
                    D::IsNil => return L::bin(LB::Eq, x, L::Bool(false)),
                    D::IsOk => Helper::DynIsOk,
                    D::AsInt => Helper::DynInt,
                    D::AsString => Helper::DynString,
                    D::AsArray => Helper::DynArray,
                    D::ResultIsErr => Helper::IsErr,
                    D::ResultIsOk => return negate(self.helper(Helper::IsErr, vec![x])),
                    D::ResultOk => Helper::ResultOk,
                    D::ResultErr => Helper::ResultErr,
                };
                self.helper(h, vec![x])
            }
            ExprKind::Try(opt, _) if matches!(opt.ty, Ty::Result(_)) => self.try_helper(opt, out),
            ExprKind::Try(opt, rejection) => {
                let v = self.expr(opt, out);
                let t = if v.is_trivial() { v } else { self.spill(v, out) };
                let ret = match rejection.as_deref() {
                    Some(ir::Expr { kind: ExprKind::Reject(msg), .. }) if self.rejects() => {
                        vec![self.reject_return(L::call("redis.error_reply", vec![reject_text(msg)]))]
                    }
                    // The message is computed only when the option is `None` (lowering keeps
                    // it in a local first when Rust computes it eagerly and it could tell).
                    Some(ir::Expr { kind: ExprKind::RejectWith(code, msg), .. }) if self.rejects() => {
                        let mut branch = Vec::new();
                        let m = self.expr(msg, &mut branch);
                        let reply = self.helper(Helper::Reject, vec![lit_str(code), m]);
                        branch.push(self.reject_return(reply));
                        branch
                    }
                    // A closure cannot return a rejection (lowering refuses it).
                    Some(_) => vec![self.stmt(K::Return(vec![L::Nil]))],
                    None => vec![self.stmt(K::Return(vec![L::Nil]))],
                };
                out.push(self.stmt(K::If(vec![(L::bin(LB::Eq, t.clone(), L::Nil), ret)], None)));
                t
            }
            ExprKind::OptionCall(op, opt, f) => self.option_call(*op, opt, f, out),
            ExprKind::Iter(ch) => self.iter_chain(ch, &e.ty, None, out),
            ExprKind::Record(op, args) => self.record_expr(op, args, out),
            ExprKind::CallHelper(i, args) => {
                let refs: Vec<&ir::Expr> = args.iter().collect();
                let vals = self.operands(&refs, out);
                L::Call(Box::new(L::name(self.helper_fns[*i].lua.clone())), vals)
            }
        }
    }

    /// Builds `if c1 then b1 elseif c2 then b2 else b3 end` from arms whose conditions
    /// may need statements first (those nest into `else`). A `None` condition is `else`.
    pub(crate) fn chain(&mut self, mut arms: Vec<(Vec<LS>, Option<L>, Vec<LS>)>) -> Vec<LS> {
        if arms.is_empty() {
            return Vec::new();
        }
        let (pre, cond, body) = arms.remove(0);
        let mut out = pre;
        let Some(cond) = cond else {
            out.extend(body);
            return out;
        };
        let mut ifs = vec![(cond, body)];
        let mut els = None;
        while !arms.is_empty() {
            if !arms[0].0.is_empty() {
                els = Some(self.chain(std::mem::take(&mut arms)));
                break;
            }
            let (_, c, b) = arms.remove(0);
            match c {
                Some(c) => ifs.push((c, b)),
                None => {
                    els = Some(b);
                    break;
                }
            }
        }
        out.push(self.stmt(K::If(ifs, els)));
        out
    }

}

/// `-(1 / math.huge)`: -0.0, computed at run time (see [`const_float`]).
pub(crate) fn neg_zero() -> L {
    L::un(LU::Neg, L::bin(LB::Div, L::int(1), L::Field(Box::new(L::name("math")), "huge".into())))
}

/// The value of a float expression made only of number literals, which Lua 5.1 folds into
/// one constant when it compiles the chunk.
pub(crate) fn const_float(e: &ir::Expr) -> Option<f64> {
    match &e.kind {
        ExprKind::Float(x) => Some(*x),
        ExprKind::Int(n) => Some(*n as f64),
        ExprKind::Unary(ir::UnOp::Neg, a) => const_float(a).map(|x| -x),
        ExprKind::Binary(op, a, b) if e.ty == Ty::Float => {
            let (x, y) = (const_float(a)?, const_float(b)?);
            match op {
                ir::BinOp::Add => Some(x + y),
                ir::BinOp::Sub => Some(x - y),
                ir::BinOp::Mul => Some(x * y),
                ir::BinOp::Div => Some(x / y),
                _ => None,
            }
        }
        ExprKind::Method(ir::Method::FloatPow | ir::Method::FloatPowi, args) if args.len() == 2 => Some(const_float(&args[0])?.powf(const_float(&args[1])?)),
        _ => None,
    }
}

/// A finite f64 as a Lua number literal that reads back exactly.
/// Whether a float-typed expression is an `i64` cast to `f64` (`n as f64`, `(a - b) as
/// f64`), whose value is therefore an integer within +/-(2^53 - 1) (never -0).
pub(crate) fn int_valued(e: &ir::Expr, vars: &[ir::Var]) -> bool {
    match &e.kind {
        ExprKind::Var(v) => vars[v.0].ty.is_int(),
        ExprKind::Binary(op, a, _) => a.ty.is_int() && matches!(op, ir::BinOp::Add | ir::BinOp::Sub | ir::BinOp::Mul | ir::BinOp::Div | ir::BinOp::Rem),
        _ => false,
    }
}

pub(crate) fn float_literal(x: f64) -> String {
    let s = format!("{x:?}");
    if s.contains('e') || s.contains('.') {
        s
    } else {
        format!("{s}.0")
    }
}

/// `not e`, simplified where Lua has the opposite operator.
pub(crate) fn negate(e: L) -> L {
    match e {
        L::Bin(LB::Ne, a, b) => L::Bin(LB::Eq, a, b),
        L::Bin(LB::Eq, a, b) => L::Bin(LB::Ne, a, b),
        L::Un(LU::Not, a) => *a,
        e => L::un(LU::Not, e),
    }
}

pub(crate) fn bool_reply(v: L) -> L {
    // Lua `true` would become 1 but `false` a nil reply: send 1 / 0.
    match v {
        L::Bool(b) => L::int(i64::from(b)),
        v => L::bin(LB::Or, L::bin(LB::And, v, L::int(1)), L::int(0)),
    }
}

/// True when values of `t` are (or may be) Lua tables, which `==` compares by identity.
pub(crate) fn holds_table(t: &Ty) -> bool {
    match t {
        Ty::Vec(_) | Ty::Tuple(_) | Ty::Struct(_) | Ty::Map(_) | Ty::Dyn => true,
        Ty::Option(i) => holds_table(i),
        Ty::Enum(e) => !e.unit_only(),
        _ => false,
    }
}

/// True when a reply of type `t` needs converting from its Lua representation.
pub(crate) fn needs_encoding(t: &Ty) -> bool {
    match t {
        Ty::Bool | Ty::Option(_) | Ty::Float => true,
        Ty::Vec(i) => needs_encoding(i),
        Ty::Tuple(ts) => ts.iter().any(|t| needs_encoding(t) || matches!(t, Ty::Option(_))),
        Ty::Struct(st) => st.record || st.fields.iter().any(|(_, t)| needs_encoding(t) || matches!(t, Ty::Option(_))),
        Ty::Map(_) => true,
        _ => false,
    }
}

pub(crate) fn pat_test(p: &ir::Pat, s: &L) -> Option<L> {
    use ir::Pat as P;
    match p {
        P::Wild | P::Bind(_) => None,
        P::Int(n) => Some(L::bin(LB::Eq, s.clone(), L::int(*n))),
        P::Str(b) => Some(L::bin(LB::Eq, s.clone(), L::Str(b.clone()))),
        P::Bool(b) => Some(L::bin(LB::Eq, s.clone(), L::Bool(*b))),
        P::Range(lo, hi) => Some(L::bin(LB::And, L::bin(LB::Ge, s.clone(), L::int(*lo)), L::bin(LB::Le, s.clone(), L::int(*hi)))),
        P::None => Some(L::bin(LB::Eq, s.clone(), L::Nil)),
        P::Some(inner) => {
            let some = L::bin(LB::Ne, s.clone(), L::Nil);
            Some(match pat_test(inner, s) {
                Some(t) => L::bin(LB::And, some, t),
                None => some,
            })
        }
        P::Or(ps) => {
            let mut acc: Option<L> = None;
            for p in ps {
                let t = pat_test(p, s)?; // an irrefutable case makes the whole `|` irrefutable
                acc = Some(match acc {
                    Some(a) => L::bin(LB::Or, a, t),
                    None => t,
                });
            }
            acc
        }
        P::CallOk(inner) => {
            let ok = negate(L::call("redlua_is_err", vec![s.clone()]));
            Some(match pat_test(inner, s) {
                Some(t) => L::bin(LB::And, ok, t),
                None => ok,
            })
        }
        P::CallErr(inner) => {
            let err = L::call("redlua_is_err", vec![s.clone()]);
            Some(match pat_test(inner, &L::Field(Box::new(s.clone()), "err".into())) {
                Some(t) => L::bin(LB::And, err, t),
                None => err,
            })
        }
        P::Tuple(ps) => {
            let mut acc: Option<L> = None;
            for (i, p) in ps.iter().enumerate() {
                if let Some(t) = pat_test(p, &L::index(s.clone(), L::int(i as i64 + 1))) {
                    acc = Some(match acc {
                        Some(a) => L::bin(LB::And, a, t),
                        None => t,
                    });
                }
            }
            acc
        }
    }
}

pub(crate) fn bind_aliases(p: &ir::Pat, s: &L, aliases: &mut HashMap<ir::VarId, L>) {
    use ir::Pat as P;
    match p {
        P::Bind(v) => {
            aliases.insert(*v, s.clone());
        }
        P::Some(inner) | P::CallOk(inner) => bind_aliases(inner, s, aliases),
        P::CallErr(inner) => bind_aliases(inner, &L::Field(Box::new(s.clone()), "err".into()), aliases),
        P::Tuple(ps) => {
            for (i, p) in ps.iter().enumerate() {
                bind_aliases(p, &L::index(s.clone(), L::int(i as i64 + 1)), aliases);
            }
        }
        P::Or(ps) => {
            for p in ps {
                bind_aliases(p, s, aliases);
            }
        }
        _ => {}
    }
}

/// True when some expression of `b` (outside closures) satisfies `pred`.
pub(crate) fn block_has(b: &ir::Block, pred: impl Fn(&ExprKind) -> bool) -> bool {
    let mut found = false;
    crate::ir::visit_block(b, &mut |e| {
        if pred(&e.kind) {
            found = true;
        }
    });
    found
}

/// True when some expression of `e` satisfies `pred`.
pub(crate) fn block_has_expr(e: &ir::Expr, pred: impl Fn(&ExprKind) -> bool) -> bool {
    let mut found = false;
    crate::ir::visit_expr(e, &mut |x| {
        if pred(&x.kind) {
            found = true;
        }
    });
    found
}

