//! Codegen: typed IR → Lua AST → text.
//!
//! Rust expressions that Lua can only express with statements (`if` as a value,
//! blocks, short-circuits around commands) are lowered into temporaries, keeping
//! Rust's left-to-right evaluation order: when a later operand needs statements,
//! earlier operands are saved first.

use crate::builtins;
use crate::commands::ReplyKind;
use crate::diag::{Diagnostic, Rule};
use crate::ir::{self, CommandArg, ExprKind, Function, IntTy, ParamSource, Ty};
use crate::lua::{self, BinOp as LB, Expr as L, Printed, Printer, Stmt as LS, StmtKind as K, UnOp as LU};
use crate::lualib::{self, Helper};
use std::collections::{HashMap, HashSet};

/// Lua allows 200 active locals per function; stay clearly below.
const MAX_LOCALS: usize = 190;

/// Where the value of an expression goes.
#[derive(Debug, Clone)]
enum Dest {
    /// Evaluated for its effects only.
    Discard,
    /// Returned from the function as its reply.
    Return,
    /// Assigned to a Lua local.
    Assign(String),
}

struct Gen<'a> {
    vars: &'a [ir::Var],
    /// The declared return type of the function being generated.
    ret: Ty,
    /// The helper functions of the chunk.
    helper_fns: &'a [ir::HelperFn],
    names: HashSet<String>,
    locals: usize,
    line: u32,
    /// Pattern bindings, which name a part of the matched value.
    aliases: HashMap<ir::VarId, L>,
    /// Loops whose body runs inside `repeat .. until true` (for `continue`), with the
    /// flag that a `break` sets to leave the loop itself.
    wrapped: HashMap<ir::LoopId, Option<String>>,
    /// False inside closures: `return` gives the Lua value, not an encoded reply.
    reply: bool,
    /// In a library, the next free slot of `redlua_args` (see [`ARGS_MEMO`]); `None` in
    /// scripts, whose locals do not outlive the call.
    memo: Option<usize>,
    /// In a script: the checks of integer replies are written inline, in temporaries,
    /// rather than as calls of helpers that the script would create on every call.
    inline_checks: bool,
}

/// A library's memory of its numeric arguments: for each `i64`/`f64` parameter, the text
/// it last arrived as and the number it gave, so that an argument that repeats (a limit,
/// a window, an amount) is checked once per library load rather than on every call. It
/// only saves work: the same text always gives the same number.
const ARGS_MEMO: &str = "redlua_args";

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
        top.push(LS::new(K::Comment("The last text of each numeric argument and its value: an argument that repeats is checked once.".into())));
        top.push(LS::new(K::Local(vec![ARGS_MEMO.into()], vec![L::Table(vec![], vec![])])));
    }
    top.extend(fn_defs);
    for (f, body) in functions.iter().zip(bodies) {
        top.push(LS::new(K::Blank));
        top.push(LS::new(K::Comment(signature_comment(f))));
        top.push(LS::at(K::LocalFunction(format!("fn_{}", f.name), vec!["keys".into(), "args".into()], body), Some(f.line)));
    }
    top.push(LS::new(K::Blank));
    for f in functions {
        let flags: Vec<L> = flags(f).into_iter().map(L::str).collect();
        let reg = L::Table(
            vec![],
            vec![
                ("function_name".into(), L::str(&f.name)),
                ("callback".into(), L::name(format!("fn_{}", f.name))),
                ("flags".into(), L::Table(flags, vec![])),
            ],
        );
        top.push(LS::new(K::Call(L::call("redis.register_function", vec![reg]))));
    }
    top.push(LS::new(K::Blank));
    top.push(LS::new(K::Comment(
        "The names redlua's typed calls use: only this library registers them.".into(),
    )));
    for f in functions {
        let flags: Vec<L> = flags(f).into_iter().map(L::str).collect();
        let reg = L::Table(
            vec![],
            vec![
                ("function_name".into(), L::str(call_name(name, &f.name))),
                ("callback".into(), L::name(format!("fn_{}", f.name))),
                ("flags".into(), L::Table(flags, vec![])),
                ("description".into(), L::str(format!("typed calls of {}", f.name))),
            ],
        );
        top.push(LS::new(K::Call(L::call("redis.register_function", vec![reg]))));
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

fn signature_comment(f: &Function) -> String {
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
fn push_helpers(helpers: &[Helper], out: &mut Vec<LS>) {
    for h in helpers {
        out.push(LS::new(K::Blank));
        out.push(LS::new(K::Raw(h.source().to_string())));
    }
}

fn function(f: &Function, helper_fns: &[ir::HelperFn], memo: &mut Option<usize>) -> Result<lua::Block, Diagnostic> {
    function_counted(f, helper_fns, memo, &mut 0, false)
}

/// [`function`], also giving the number of Lua locals the body declares.
fn function_counted(f: &Function, helper_fns: &[ir::HelperFn], memo: &mut Option<usize>, locals: &mut usize, inline_checks: bool) -> Result<lua::Block, Diagnostic> {
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
fn helper_fn(h: &ir::HelperFn, helper_fns: &[ir::HelperFn]) -> Result<LS, Diagnostic> {
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
fn push_helper_fns(helper_fns: &[ir::HelperFn], top: &mut Vec<LS>) -> Result<(), Vec<Diagnostic>> {
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
fn reject_text(msg: &[u8]) -> L {
    L::Str(msg.iter().map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c }).collect())
}

fn lit_str(b: &[u8]) -> L {
    L::Str(b.to_vec())
}

impl Gen<'_> {
    fn stmt(&self, kind: K) -> LS {
        LS::at(kind, Some(self.line))
    }

    fn temp(&mut self) -> String {
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
    fn spill(&mut self, v: L, out: &mut Vec<LS>) -> L {
        let t = self.temp();
        out.push(self.stmt(K::Local(vec![t.clone()], vec![v])));
        L::Name(t)
    }

    /// A call of the runtime helper `h` (emitted with the chunk: see [`lualib::used`]).
    fn helper(&mut self, h: Helper, args: Vec<L>) -> L {
        L::call(h.name(), args)
    }


    /// `if not (n and <in range> and <Rust's syntax>) then error(..) end` for the local
    /// `n = tonumber(raw)` of an `i64` argument.
    fn int_arg_check(&self, n: &str, raw: L, param: &str) -> LS {
        let n = L::name(n);
        let ok = [
            L::bin(LB::Le, n.clone(), L::int(crate::lower::MAX_SAFE_INT)),
            L::bin(LB::Ge, n.clone(), L::int(-crate::lower::MAX_SAFE_INT)),
            L::call("string.find", vec![raw, L::str("^[+-]?%d+$")]),
        ]
        .into_iter()
        .fold(n, |a, b| L::bin(LB::And, a, b));
        let msg = format!("ERR redlua: argument {param} must be an integer within +/-(2^53 - 1)");
        let err = self.stmt(K::Call(L::call("error", vec![L::Table(vec![], vec![("err".into(), L::str(msg))])])));
        self.stmt(K::If(vec![(L::un(LU::Not, L::Paren(Box::new(ok))), vec![err])], None))
    }

    /// `n = n + 0`: an argument "-0" is 0 in Rust, but -0 in Lua (and "-0" again when sent).
    fn no_neg_zero(&self, n: &str) -> LS {
        self.stmt(K::Assign(vec![L::name(n)], vec![L::bin(LB::Add, L::name(n), L::int(0))]))
    }

    fn prologue(&mut self, f: &Function, out: &mut Vec<LS>) {
        let rest_keys = f.params.iter().any(|p| matches!(p.source, ParamSource::KeysFrom(_)));
        let rest_args = f.params.iter().any(|p| matches!(p.source, ParamSource::ArgsFrom(_)));
        let count = |n: usize, rest: bool, one: &str, many: &str| {
            let word = if n == 1 && !rest { one } else { many };
            if rest {
                format!("at least {n} {word}")
            } else {
                format!("{n} {word}")
            }
        };
        let check = |name: &str, n: usize, rest: bool| {
            let len = L::un(LU::Len, L::name(name));
            if rest {
                L::bin(LB::Lt, len, L::int(n as i64))
            } else {
                L::bin(LB::Ne, len, L::int(n as i64))
            }
        };
        let args_check = if f.opt_args > 0 {
            let len = || L::un(LU::Len, L::name("args"));
            let (lo, hi) = (f.num_args as i64, (f.num_args + f.opt_args) as i64);
            L::bin(LB::Or, L::bin(LB::Lt, len(), L::int(lo)), L::bin(LB::Gt, len(), L::int(hi)))
        } else {
            check("args", f.num_args, rest_args)
        };
        let cond = L::bin(LB::Or, check("keys", f.num_keys, rest_keys), args_check);
        let args_text = if f.opt_args > 0 {
            format!("{} to {} arguments", f.num_args, f.num_args + f.opt_args)
        } else {
            count(f.num_args, rest_args, "argument", "arguments")
        };
        let msg = format!("ERR {} expects {} and {}", f.name, count(f.num_keys, rest_keys, "key", "keys"), args_text);
        let ret = self.stmt(K::Return(vec![L::call("redis.error_reply", vec![L::str(msg)])]));
        out.push(self.stmt(K::If(vec![(cond, vec![ret])], None)));
        for p in &f.params {
            let lua = f.vars[p.var.0].lua.clone();
            let conv = |_: &mut Self, t: &Ty| match t {
                Ty::Int | Ty::IntN(IntTy::Isize) => Some(Helper::ArgInt),
                Ty::Bool => Some(Helper::ArgBool),
                Ty::Float => Some(Helper::ArgFloat),
                _ => None,
            };
            // An i64 argument, checked inline (no helper call on the hot path): Lua's
            // tonumber alone would also take " 7", "0x10" and "1e3".
            if let (ParamSource::Arg(i), Ty::Int | Ty::Float, Some(slot)) = (p.source, &p.ty, self.memo) {
                // In a library: the number from `redlua_args` when the text is the same as
                // last time, else checked and remembered.
                self.memo = Some(slot + 2);
                let raw = L::index(L::name("args"), L::int(i as i64));
                let (text, num) = (L::index(L::name(ARGS_MEMO), L::int(slot as i64)), L::index(L::name(ARGS_MEMO), L::int(slot as i64 + 1)));
                self.locals += 1;
                out.push(self.stmt(K::Local(vec![lua.clone()], vec![num.clone()])));
                let mut check = Vec::new();
                if p.ty == Ty::Int {
                    check.push(self.stmt(K::Assign(vec![L::name(lua.clone())], vec![L::call("tonumber", vec![raw.clone()])])));
                    check.push(self.int_arg_check(&lua, raw.clone(), &p.name));
                    check.push(self.no_neg_zero(&lua));
                } else {
                    let v = self.helper(Helper::ArgFloat, vec![raw.clone(), L::str(&p.name)]);
                    check.push(self.stmt(K::Assign(vec![L::name(lua.clone())], vec![v])));
                }
                check.push(self.stmt(K::Assign(vec![text.clone()], vec![raw.clone()])));
                check.push(self.stmt(K::Assign(vec![num], vec![L::name(lua.clone())])));
                out.push(self.stmt(K::If(vec![(L::bin(LB::Ne, raw, text), check)], None)));
                continue;
            }
            if let (ParamSource::Arg(i), Ty::Int) = (p.source, &p.ty) {
                let raw = L::index(L::name("args"), L::int(i as i64));
                self.locals += 1;
                out.push(self.stmt(K::Local(vec![lua.clone()], vec![L::call("tonumber", vec![raw.clone()])])));
                let check = self.int_arg_check(&lua, raw, &p.name);
                out.push(check);
                out.push(self.no_neg_zero(&lua));
                continue;
            }
            if let (ParamSource::Arg(i), Some(k)) = (p.source, narrow(&p.ty)) {
                // An integer type other than i64: its syntax and range.
                let (lo, hi) = k.lua_bounds();
                let raw = L::index(L::name("args"), L::int(i as i64));
                let v = self.helper(Helper::ArgIntIn, vec![raw, L::str(&p.name), L::int(lo), L::int(hi)]);
                self.locals += 1;
                out.push(self.stmt(K::Local(vec![lua.clone()], vec![v])));
                continue;
            }
            if let ParamSource::OptArg(i) = p.source {
                // Absent: None (nil). Present: read as the inner type.
                let raw = L::index(L::name("args"), L::int(i as i64));
                self.locals += 1;
                out.push(self.stmt(K::Local(vec![lua.clone()], vec![raw.clone()])));
                let inner = match &p.ty {
                    Ty::Option(t) => (**t).clone(),
                    t => t.clone(),
                };
                let mut present = Vec::new();
                if inner == Ty::Int {
                    present.push(self.stmt(K::Assign(vec![L::name(lua.clone())], vec![L::call("tonumber", vec![raw.clone()])])));
                    present.push(self.int_arg_check(&lua, raw.clone(), &p.name));
                    present.push(self.no_neg_zero(&lua));
                } else if let Some(h) = conv(self, &inner) {
                    let v = self.helper(h, vec![raw.clone(), L::str(&p.name)]);
                    present.push(self.stmt(K::Assign(vec![L::name(lua.clone())], vec![v])));
                }
                if !present.is_empty() {
                    out.push(self.stmt(K::If(vec![(L::bin(LB::Ne, raw, L::Nil), present)], None)));
                }
                continue;
            }
            let val = match p.source {
                ParamSource::OptArg(_) => L::Nil,
                ParamSource::Key(i) => L::index(L::name("keys"), L::int(i as i64)),
                ParamSource::Arg(i) => {
                    let raw = L::index(L::name("args"), L::int(i as i64));
                    match conv(self, &p.ty) {
                        Some(h) => self.helper(h, vec![raw, L::str(&p.name)]),
                        None => raw,
                    }
                }
                ParamSource::KeysFrom(i) => self.helper(Helper::Rest, vec![L::name("keys"), L::int(i as i64), L::Nil, L::Nil]),
                ParamSource::ArgsFrom(i) => {
                    let elem = match &p.ty {
                        Ty::Vec(t) => (**t).clone(),
                        t => t.clone(),
                    };
                    let f = match conv(self, &elem) {
                        Some(h) => L::name(h.name()),
                        None => L::Nil,
                    };
                    self.helper(Helper::Rest, vec![L::name("args"), L::int(i as i64), f, L::str(&p.name)])
                }
            };
            self.locals += 1;
            out.push(self.stmt(K::Local(vec![lua], vec![val])));
        }
    }

    fn block_into(&mut self, b: &ir::Block, dest: &Dest, out: &mut Vec<LS>) {
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
                    let subject = self.spill(v, out);
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

    fn expr_into(&mut self, e: &ir::Expr, dest: &Dest, out: &mut Vec<LS>) {
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
                let ExprKind::Reject(msg) = &r.kind else {
                    // Lowering admits only `reject!(..)` here.
                    out.push(self.stmt(K::Call(L::call("error", vec![L::str("redlua: invalid rejection")]))));
                    return;
                };
                out.push(self.stmt(K::Return(vec![L::call("redis.error_reply", vec![reject_text(msg)])])));
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
                    let v = self.expr(e, out);
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

    /// `return v`, encoded as the reply of type `ty`.
    fn return_value(&mut self, v: L, ty: &Ty, out: &mut Vec<LS>) {
        let vals = match ty {
            Ty::Unit => {
                if !v.is_trivial() {
                    self.push_effect(v, out);
                }
                vec![]
            }
            Ty::Option(_) if v == L::Nil => vec![L::Nil],
            Ty::Option(inner) if needs_encoding(inner) => {
                let t = if v.is_trivial() { v } else { self.spill(v, out) };
                let enc = self.encode(t.clone(), inner, out);
                vec![L::bin(LB::Or, L::bin(LB::And, L::bin(LB::Ne, t, L::Nil), enc), L::Nil)]
            }
            Ty::Option(_) => vec![v],
            t => vec![self.encode(v, t, out)],
        };
        // `return helper(..)` would be a tail call, and an error raised in the helper
        // would lose the caller's line: keep the frame.
        let vals = vals
            .into_iter()
            .map(|v| match &v {
                L::Call(f, _) if matches!(&**f, L::Name(n) if n.starts_with("redlua_")) => L::Paren(Box::new(v)),
                _ => v,
            })
            .collect();
        out.push(self.stmt(K::Return(vals)));
    }

    fn push_effect(&mut self, v: L, out: &mut Vec<LS>) {
        match v {
            // A discarded integer still traps beyond +/-(2^53 - 1): checked inline.
            L::Call(f, mut args) if args.len() == 1 && matches!(&*f, L::Name(n) if n == Helper::Int.name()) => {
                let x = args.pop().unwrap_or(L::Nil);
                let r = L::name("redlua_r");
                let over = L::bin(LB::Or, L::bin(LB::Gt, r.clone(), L::int(crate::lower::MAX_SAFE_INT)), L::bin(LB::Lt, r.clone(), L::int(-crate::lower::MAX_SAFE_INT)));
                let err = self.stmt(K::Call(L::call("error", vec![L::str("redlua: integer overflow (beyond +/-(2^53 - 1))")])));
                let body = vec![self.stmt(K::Local(vec!["redlua_r".into()], vec![x])), self.stmt(K::If(vec![(over, vec![err])], None))];
                out.push(self.stmt(K::Do(body)));
            }
            L::Call(..) => out.push(self.stmt(K::Call(v))),
            v if v.is_trivial() => {}
            v => {
                let t = self.temp();
                out.push(self.stmt(K::Local(vec![t], vec![v])));
            }
        }
    }

    fn discard(&mut self, e: &ir::Expr, out: &mut Vec<LS>) {
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

    fn if_into(&mut self, e: &ir::Expr, dest: &Dest, out: &mut Vec<LS>) {
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

    /// Evaluates operands left to right; when a later one needs statements, earlier
    /// values are saved first so they are computed before those statements run.
    fn operands(&mut self, es: &[&ir::Expr], out: &mut Vec<LS>) -> Vec<L> {
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

    fn expr(&mut self, e: &ir::Expr, out: &mut Vec<LS>) -> L {
        // Lua 5.1 keeps one constant per value in a function and -0 == 0: a -0.0 literal (or
        // a constant expression Lua folds to -0.0, `0.0 * -1.0`) would share its slot with
        // the integer 0, turning one into the other. Compute it at run time instead.
        if e.ty == Ty::Float && const_float(e).is_some_and(|x| x == 0.0 && x.is_sign_negative()) {
            return neg_zero();
        }
        match &e.kind {
            ExprKind::Int(n) => L::int(*n),
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
                        Some(k) => self.helper(Helper::IntIn, vec![L::bin(LB::Sub, big_int(k.bounds().1), v), L::int(0), L::int(crate::lower::MAX_SAFE_INT)]),
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
            ExprKind::Err(_) | ExprKind::Reject(_) => {
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
            ExprKind::Try(opt, rejection) => {
                let v = self.expr(opt, out);
                let t = if v.is_trivial() { v } else { self.spill(v, out) };
                let ret = match rejection.as_deref() {
                    Some(ir::Expr { kind: ExprKind::Reject(msg), .. }) if self.reply => {
                        vec![self.stmt(K::Return(vec![L::call("redis.error_reply", vec![reject_text(msg)])]))]
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
            ExprKind::CallHelper(i, args) => {
                let refs: Vec<&ir::Expr> = args.iter().collect();
                let vals = self.operands(&refs, out);
                L::Call(Box::new(L::name(self.helper_fns[*i].lua.clone())), vals)
            }
        }
    }

    /// A parameter of an inlined closure: a name for the argument, or, when the body
    /// changes the parameter (`|mut x| ..`), a local of its own.
    fn bind_param(&mut self, p: ir::VarId, a: L, out: &mut Vec<LS>) {
        if self.vars[p.0].mutable {
            self.aliases.remove(&p);
            self.locals += 1;
            out.push(self.stmt(K::Local(vec![self.vars[p.0].lua.clone()], vec![a])));
            return;
        }
        let a = if a.is_trivial() { a } else { self.spill(a, out) };
        self.aliases.insert(p, a);
    }

    /// Applies a closure to `args`: its body inlined (parameters naming the arguments)
    /// when it has no `return`, else a call of the Lua function.
    fn apply(&mut self, f: &ir::Expr, args: Vec<L>, out: &mut Vec<LS>) -> L {
        let ExprKind::Closure(params, body) = &f.kind else { return L::Nil };
        let inline = !block_has_expr(body, |k| matches!(k, ExprKind::Return(_) | ExprKind::Try(..)));
        if inline {
            for (p, a) in params.iter().zip(args) {
                self.bind_param(*p, a, out);
            }
            return self.expr(body, out);
        }
        let func = self.expr(f, out);
        L::Call(Box::new(L::Paren(Box::new(func))), args)
    }

    /// An iterator chain as one loop, as lazy as Rust's iterators: each element goes
    /// through the stages in order (filters and skips as nested `if`s); `take`, and a zip
    /// by index, stop before the next element is pulled (so no closure runs for it); the
    /// consumer leaves the loop as soon as Rust's stops pulling (`any`, `all`, `find`,
    /// `position`). `each`: the variable, body and id of the `for` loop whose body
    /// consumes the elements one at a time, between the closures' calls, as in Rust.
    fn iter_chain(&mut self, ch: &ir::IterChain, ty: &Ty, each: Option<(ir::VarId, &ir::Block, ir::LoopId)>, out: &mut Vec<LS>) -> L {
        use ir::{IterSink as S, IterSource as Src, IterStage as St};
        let line = self.line;
        let accn = if each.is_some() {
            L::Nil
        } else {
            let init = match &ch.sink {
                S::Collect | S::CollectMap | S::CollectString => L::Table(vec![], vec![]),
                // Rust's f64 sum starts at -0.0 (so that an empty sum is -0.0). Lua would fold a
                // `-0.0` constant into 0: compute it at run time.
                S::Sum if *ty == Ty::Float => neg_zero(),
                S::Sum => L::int(0),
                S::Count => L::int(0),
                S::Any(_) => L::Bool(false),
                S::All(_) => L::Bool(true),
                S::Min | S::Max | S::Find(_) | S::Position(_) => L::Nil,
            };
            let acc = self.temp();
            out.push(self.stmt(K::Local(vec![acc.clone()], vec![init])));
            L::name(acc)
        };
        // Counters for enumerate / take / skip / zip / position.
        let counter = |g: &mut Self, out: &mut Vec<LS>| {
            let c = g.temp();
            out.push(g.stmt(K::Local(vec![c.clone()], vec![L::int(0)])));
            L::Name(c)
        };
        let stage_counters: Vec<Option<L>> = ch.stages.iter().map(|st| if matches!(st, St::Enumerate | St::Take(_) | St::Skip(_) | St::Zip(..)) { Some(counter(self, out)) } else { None }).collect();
        let pos = if matches!(ch.sink, S::Position(_)) && each.is_none() { Some(counter(self, out)) } else { None };
        // The source's values, then the stages' (`take(n)`, `skip(n)`, `zip(v)`), each
        // computed once before the loop, in Rust's order.
        let mut es: Vec<&ir::Expr> = match &ch.source {
            Src::Vec(v) => vec![v],
            Src::Range(a, b, _) | Src::Split(a, b) | Src::Chunks(a, b) => vec![a, b],
        };
        let n_src = es.len();
        for st in &ch.stages {
            if let St::Take(n) | St::Skip(n) | St::Zip(n, _) = st {
                es.push(n);
            }
        }
        let mut vals = self.operands(&es, out);
        // A value read on every pass is kept in a local when it is computed, or when it
        // is a variable the loop could assign (Rust reads it once).
        let keep = |g: &Self, e: &ir::Expr, v: &L| !v.is_trivial() || matches!(e.kind, ExprKind::Var(x) if g.vars[x.0].mutable && !g.aliases.contains_key(&x));
        let stage_computed = vals[n_src..].iter().any(|v| !v.is_trivial());
        let every_pass = ch.rev && matches!(ch.source, Src::Vec(_));
        for i in 0..vals.len() {
            let spill = if i < n_src { (stage_computed && !vals[i].is_trivial()) || (every_pass && keep(self, es[i], &vals[i])) } else { keep(self, es[i], &vals[i]) };
            if spill {
                vals[i] = self.spill(vals[i].clone(), out);
            }
        }
        let limits: Vec<Option<L>> = {
            let mut rest = vals[n_src..].iter();
            ch.stages.iter().map(|st| if matches!(st, St::Take(_) | St::Skip(_) | St::Zip(..)) { rest.next().cloned() } else { None }).collect()
        };
        // The element: in a `for` whose stages pass elements on unchanged, the loop
        // variable itself (unless it is a `mut` range variable: Lua's numeric `for`
        // variable must not be assigned).
        let reshapes = ch.stages.iter().any(|st| matches!(st, St::Map(_) | St::Enumerate | St::Zip(..)));
        let item = match each {
            Some((var, _, _)) if !(reshapes || matches!(ch.source, Src::Range(..)) && self.vars[var.0].mutable) => {
                self.locals += 1;
                self.vars[var.0].lua.clone()
            }
            _ => self.temp(),
        };
        // Checks made before an element is pulled.
        let mut top: Vec<LS> = Vec::new();
        let mut cur = L::name(item.clone());
        // The innermost block where the rest of the pipeline goes: each filter opens one.
        let mut nest: Vec<(L, Vec<LS>)> = Vec::new();
        let mut block: Vec<LS> = Vec::new();
        for (i, st) in ch.stages.iter().enumerate() {
            match st {
                St::Map(f) => {
                    let v = self.apply(f, vec![cur.clone()], &mut block);
                    cur = self.spill(v, &mut block);
                }
                St::Filter(f) => {
                    let c = self.apply(f, vec![cur.clone()], &mut block);
                    nest.push((c, std::mem::take(&mut block)));
                }
                St::Enumerate => {
                    let Some(Some(n)) = stage_counters.get(i) else { continue };
                    // The index is read before the increment.
                    let p = self.temp();
                    block.push(self.stmt(K::Local(vec![p.clone()], vec![L::Table(vec![n.clone(), cur.clone()], vec![])])));
                    block.push(self.stmt(K::Assign(vec![n.clone()], vec![L::bin(LB::Add, n.clone(), L::int(1))])));
                    cur = L::Name(p);
                }
                St::Take(_) => {
                    let (Some(Some(n)), Some(Some(lim))) = (stage_counters.get(i), limits.get(i)) else { continue };
                    // Rust's `take` stops asking for elements once it has passed `n` on.
                    top.push(self.stmt(K::If(vec![(L::bin(LB::Ge, n.clone(), lim.clone()), vec![LS::new(K::Break)])], None)));
                    block.push(self.stmt(K::Assign(vec![n.clone()], vec![L::bin(LB::Add, n.clone(), L::int(1))])));
                }
                St::Zip(_, exact) => {
                    // The k-th element that reaches the zip pairs with the k-th of the other
                    // Vec; the first that has no partner ends the chain (zipping by index,
                    // before it is pulled).
                    let (Some(Some(n)), Some(Some(other))) = (stage_counters.get(i), limits.get(i)) else { continue };
                    let next = L::bin(LB::Add, n.clone(), L::int(1));
                    let partner = if *exact {
                        top.push(self.stmt(K::If(vec![(L::bin(LB::Eq, L::index(other.clone(), next.clone()), L::Nil), vec![LS::new(K::Break)])], None)));
                        block.push(self.stmt(K::Assign(vec![n.clone()], vec![next])));
                        L::index(other.clone(), n.clone())
                    } else {
                        block.push(self.stmt(K::Assign(vec![n.clone()], vec![next])));
                        let y = self.temp();
                        block.push(self.stmt(K::Local(vec![y.clone()], vec![L::index(other.clone(), n.clone())])));
                        block.push(self.stmt(K::If(vec![(L::bin(LB::Eq, L::name(y.clone()), L::Nil), vec![LS::new(K::Break)])], None)));
                        L::name(y)
                    };
                    let p = self.temp();
                    block.push(self.stmt(K::Local(vec![p.clone()], vec![L::Table(vec![cur.clone(), partner], vec![])])));
                    cur = L::Name(p);
                }
                St::Skip(_) => {
                    let (Some(Some(n)), Some(Some(lim))) = (stage_counters.get(i), limits.get(i)) else { continue };
                    block.push(self.stmt(K::Assign(vec![n.clone()], vec![L::bin(LB::Add, n.clone(), L::int(1))])));
                    nest.push((L::bin(LB::Gt, n.clone(), lim.clone()), std::mem::take(&mut block)));
                }
            }
        }
        // The consumer.
        if let Some((var, body, id)) = each {
            let name = self.vars[var.0].lua.clone();
            if name != item {
                self.locals += 1;
                block.push(self.stmt(K::Local(vec![name], vec![cur.clone()])));
            }
            let mut flag_decl = Vec::new();
            let inner = self.loop_body(body, id, &mut flag_decl);
            self.line = line;
            out.extend(flag_decl);
            block.extend(inner);
        }
        match &ch.sink {
            _ if each.is_some() => {}
            S::Collect | S::CollectString => block.push(self.stmt(K::Assign(vec![L::index(accn.clone(), L::bin(LB::Add, L::un(LU::Len, accn.clone()), L::int(1)))], vec![cur.clone()]))),
            S::CollectMap => block.push(self.stmt(K::Assign(vec![L::index(accn.clone(), L::index(cur.clone(), L::int(1)))], vec![L::index(cur.clone(), L::int(2))]))),
            S::Sum => {
                let sum = L::bin(LB::Add, accn.clone(), cur.clone());
                let v = match narrow(ty) {
                    _ if *ty == Ty::Float => sum,
                    // Rust panics as soon as a partial sum leaves the type's range.
                    Some(k) => self.helper(Helper::IntIn, vec![sum, L::int(k.lua_bounds().0), L::int(k.lua_bounds().1)]),
                    None => self.helper(Helper::Int, vec![sum]),
                };
                block.push(self.stmt(K::Assign(vec![accn.clone()], vec![v])));
            }
            S::Count => block.push(self.stmt(K::Assign(vec![accn.clone()], vec![L::bin(LB::Add, accn.clone(), L::int(1))]))),
            S::Any(f) => {
                let c = self.apply(f, vec![cur.clone()], &mut block);
                block.push(self.stmt(K::If(vec![(c, vec![self.stmt(K::Assign(vec![accn.clone()], vec![L::Bool(true)])), LS::new(K::Break)])], None)));
            }
            S::All(f) => {
                let c = self.apply(f, vec![cur.clone()], &mut block);
                block.push(self.stmt(K::If(vec![(negate(c), vec![self.stmt(K::Assign(vec![accn.clone()], vec![L::Bool(false)])), LS::new(K::Break)])], None)));
            }
            S::Min | S::Max => {
                // Rust's `min` keeps the first of equal elements, `max` the last.
                let op = if matches!(ch.sink, S::Min) { LB::Lt } else { LB::Ge };
                let better = L::bin(LB::Or, L::bin(LB::Eq, accn.clone(), L::Nil), L::bin(op, cur.clone(), accn.clone()));
                block.push(self.stmt(K::If(vec![(better, vec![self.stmt(K::Assign(vec![accn.clone()], vec![cur.clone()]))])], None)));
            }
            S::Find(f) => {
                let c = self.apply(f, vec![cur.clone()], &mut block);
                block.push(self.stmt(K::If(vec![(c, vec![self.stmt(K::Assign(vec![accn.clone()], vec![cur.clone()])), LS::new(K::Break)])], None)));
            }
            S::Position(f) => {
                let Some(p) = pos.clone() else { return accn };
                let c = self.apply(f, vec![cur.clone()], &mut block);
                block.push(self.stmt(K::If(vec![(c, vec![self.stmt(K::Assign(vec![accn.clone()], vec![p.clone()])), LS::new(K::Break)])], None)));
                block.push(self.stmt(K::Assign(vec![p.clone()], vec![L::bin(LB::Add, p, L::int(1))])));
            }
        }
        // Close the filters, innermost first.
        while let Some((cond, mut outer)) = nest.pop() {
            outer.push(self.stmt(K::If(vec![(cond, block)], None)));
            block = outer;
        }
        let mut body = top;
        self.line = line;
        let loop_stmt = match &ch.source {
            Src::Vec(_) => {
                let t = vals[0].clone();
                if ch.rev {
                    let i = self.temp();
                    body.push(self.stmt(K::Local(vec![item.clone()], vec![L::index(t.clone(), L::name(i.clone()))])));
                    body.append(&mut block);
                    K::NumFor(i, L::un(LU::Len, t), L::int(1), Some(L::int(-1)), body)
                } else {
                    body.append(&mut block);
                    K::GenFor(vec!["_".into(), item.clone()], vec![L::call("ipairs", vec![t])], body)
                }
            }
            Src::Range(_, _, inclusive) => {
                body.append(&mut block);
                let last = if *inclusive { vals[1].clone() } else { L::bin(LB::Sub, vals[1].clone(), L::int(1)) };
                if ch.rev {
                    K::NumFor(item.clone(), last, vals[0].clone(), Some(L::int(-1)), body)
                } else {
                    K::NumFor(item.clone(), vals[0].clone(), last, None, body)
                }
            }
            Src::Split(..) | Src::Chunks(..) => {
                body.append(&mut block);
                let h = if matches!(ch.source, Src::Split(..)) { Helper::Split } else { Helper::Chunks };
                let parts = self.helper(h, vals[..2].to_vec());
                K::GenFor(vec!["_".into(), item.clone()], vec![L::call("ipairs", vec![parts])], body)
            }
        };
        out.push(self.stmt(loop_stmt));
        if matches!(ch.sink, S::CollectString) && each.is_none() {
            return L::call("table.concat", vec![accn]);
        }
        accn
    }

    /// `opt.map(f)` and friends, with the closure's body inlined where it has no `return`.
    fn option_call(&mut self, op: ir::OptionOp, opt: &ir::Expr, f: &ir::Expr, out: &mut Vec<LS>) -> L {
        use ir::OptionOp as O;
        let v = self.expr(opt, out);
        let t = self.spill(v, out);
        let ExprKind::Closure(params, body) = &f.kind else { return L::Nil };
        let result = match op {
            O::UnwrapOrElse => t.clone(),
            O::IsSomeAnd => {
                let r = self.temp();
                out.push(self.stmt(K::Local(vec![r.clone()], vec![L::Bool(false)])));
                L::Name(r)
            }
            _ => {
                let r = self.temp();
                out.push(self.stmt(K::Local(vec![r.clone()], vec![])));
                L::Name(r)
            }
        };
        let L::Name(rname) = result.clone() else { return L::Nil };
        let mut inner = Vec::new();
        let inline = !block_has_expr(body, |k| matches!(k, ExprKind::Return(_) | ExprKind::Try(..)));
        let value = if inline {
            for p in params {
                self.bind_param(*p, t.clone(), &mut inner);
            }
            if op == O::Filter {
                let c = self.expr(body, &mut inner);
                Some(c)
            } else {
                self.expr_into(body, &Dest::Assign(rname.clone()), &mut inner);
                None
            }
        } else {
            let func = self.expr(f, &mut inner);
            let args = if op == O::UnwrapOrElse { vec![] } else { vec![t.clone()] };
            let call = L::Call(Box::new(L::Paren(Box::new(func))), args);
            if op == O::Filter {
                Some(call)
            } else {
                inner.push(self.stmt(K::Assign(vec![result.clone()], vec![call])));
                None
            }
        };
        if let Some(c) = value {
            inner.push(self.stmt(K::If(vec![(c, vec![self.stmt(K::Assign(vec![result.clone()], vec![t.clone()]))])], None)));
        }
        let cond = if op == O::UnwrapOrElse { L::bin(LB::Eq, t, L::Nil) } else { L::bin(LB::Ne, t, L::Nil) };
        out.push(self.stmt(K::If(vec![(cond, inner)], None)));
        result
    }

    /// A builtin method, emitted as its row of the table says.
    fn method(&mut self, m: ir::Method, args: &[ir::Expr], out: &mut Vec<LS>) -> L {
        let refs: Vec<&ir::Expr> = args.iter().collect();
        let v = self.operands(&refs, out);
        let mut gen = MethodOut { gen: self, out };
        let mut cx = builtins::Cx { args, v, gen: &mut gen };
        builtins::emit(m.row(), &mut cx)
    }

    /// Encodes a value of type `ty` as a reply (bools as 1/0, `None` inside arrays as
    /// a nil element).
    fn encode(&mut self, v: L, ty: &Ty, out: &mut Vec<LS>) -> L {
        match ty {
            Ty::Bool => bool_reply(v),
            // Redis would truncate a Lua number to an integer: floats go as Rust text.
            Ty::Float => self.helper(Helper::FmtFloat, vec![v]),
            Ty::Option(inner) => {
                let t = if v.is_trivial() { v } else { self.spill(v, out) };
                let enc = self.encode(t.clone(), inner, out);
                // Inside an array: `false` becomes a nil element.
                L::bin(LB::Or, L::bin(LB::And, L::bin(LB::Ne, t, L::Nil), enc), L::Bool(false))
            }
            Ty::Map(inner) => {
                let f = if needs_encoding(inner) {
                    let mut body = Vec::new();
                    let enc = self.encode(L::name("x"), inner, &mut body);
                    body.push(LS::new(K::Return(vec![enc])));
                    L::Function(vec!["x".into()], body)
                } else {
                    L::Nil
                };
                self.helper(Helper::MapReply, vec![v, f])
            }
            Ty::Struct(st) if st.fields.iter().any(|(_, t)| needs_encoding(t) || matches!(t, Ty::Option(_))) => {
                let tys: Vec<Ty> = st.fields.iter().map(|(_, t)| t.clone()).collect();
                self.encode(v, &Ty::Tuple(tys), out)
            }
            Ty::Tuple(ts) if ts.iter().any(|t| needs_encoding(t) || matches!(t, Ty::Option(_))) => {
                // A tuple built right here: encode its elements in place, one table
                // instead of two (when no element's encoding needs statements).
                if let L::Table(items, named) = &v {
                    if named.is_empty() && items.len() == ts.len() && ts.iter().all(|t| !matches!(t, Ty::Option(_) | Ty::Tuple(_) | Ty::Struct(_))) {
                        let items = items.clone();
                        let enc = items.into_iter().zip(ts).map(|(x, et)| self.encode(x, et, out)).collect();
                        return L::Table(enc, vec![]);
                    }
                }
                let t = if v.is_trivial() { v } else { self.spill(v, out) };
                let mut items = Vec::new();
                for (i, et) in ts.iter().enumerate() {
                    let x = L::index(t.clone(), L::int(i as i64 + 1));
                    items.push(self.encode(x, et, out));
                }
                L::Table(items, vec![])
            }
            // None is already `false` inside a Vec, which RESP2 sends as a nil element.
            Ty::Vec(inner) if matches!(&**inner, Ty::Option(t) if !needs_encoding(t)) => v,
            Ty::Vec(inner) if matches!(&**inner, Ty::Option(_)) => {
                let Ty::Option(t) = &**inner else { return v };
                let mut body = Vec::new();
                let enc = self.encode(L::name("x"), t, &mut body);
                body.push(LS::new(K::Return(vec![L::bin(LB::Or, L::bin(LB::And, L::name("x"), enc), L::Bool(false))])));
                let f = L::Function(vec!["x".into()], body);
                self.helper(Helper::Map, vec![v, f])
            }
            Ty::Vec(inner) if needs_encoding(inner) => {
                let mut body = Vec::new();
                let enc = self.encode(L::name("x"), inner, &mut body);
                body.push(LS::new(K::Return(vec![enc])));
                let f = L::Function(vec!["x".into()], body);
                self.helper(Helper::Map, vec![v, f])
            }
            _ => v,
        }
    }

    fn loop_stmt(&mut self, e: &ir::Expr, out: &mut Vec<LS>) {
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
                let subject = self.spill(val, &mut inner);
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
                let (a, b, step) = if r.rev { (last, start, Some(L::int(-1))) } else { (start, last, step) };
                let name = self.vars[r.var.0].lua.clone();
                self.locals += 1;
                let mut flag_decl = Vec::new();
                let inner = self.loop_body(&r.body, r.id, &mut flag_decl);
                out.extend(flag_decl);
                self.line = line;
                out.push(self.stmt(K::NumFor(name, a, b, step, inner)));
            }
            ExprKind::ForMap(k, val, v, body, id) => {
                let t = self.expr(v, out);
                let names = vec![self.vars[k.0].lua.clone(), self.vars[val.0].lua.clone()];
                self.locals += 2;
                let mut flag_decl = Vec::new();
                let inner = self.loop_body(body, *id, &mut flag_decl);
                out.extend(flag_decl);
                self.line = line;
                out.push(self.stmt(K::GenFor(names, vec![L::call("pairs", vec![t])], inner)));
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
                self.locals += 2;
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
                out.push(self.stmt(K::GenFor(vec!["_".into(), loop_var], vec![L::call("ipairs", vec![t])], inner)));
            }
            _ => {}
        }
        self.line = line;
    }

    /// The Lua body of a loop. Lua 5.1 has no `continue`: a body that uses it runs in
    /// `repeat .. until true`, where `continue` is `break`; a real `break` then sets a
    /// flag that ends the loop after the `repeat`.
    fn loop_body(&mut self, body: &ir::Block, id: ir::LoopId, flag_decl: &mut Vec<LS>) -> lua::Block {
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

    fn match_into(&mut self, e: &ir::Expr, dest: &Dest, out: &mut Vec<LS>) {
        let ExprKind::Match(scrut, arms) = &e.kind else { return };
        let line = self.line;
        let v = self.expr(scrut, out);
        // Bindings refer to the matched value: keep it in a local nobody assigns.
        let subject = match (&v, &scrut.kind) {
            (L::Name(_), ExprKind::Var(var)) if !self.vars[var.0].mutable => v,
            _ => self.spill(v, out),
        };
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

    /// Builds `if c1 then b1 elseif c2 then b2 else b3 end` from arms whose conditions
    /// may need statements first (those nest into `else`). A `None` condition is `else`.
    fn chain(&mut self, mut arms: Vec<(Vec<LS>, Option<L>, Vec<LS>)>) -> Vec<LS> {
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

    fn binary(&mut self, op: ir::BinOp, a: &ir::Expr, b: &ir::Expr, out: &mut Vec<LS>) -> L {
        use ir::BinOp as B;
        if matches!(op, B::And | B::Or) {
            let l = self.expr(a, out);
            let mut pre = Vec::new();
            let r = self.expr(b, &mut pre);
            let lop = if op == B::And { LB::And } else { LB::Or };
            if pre.is_empty() {
                return L::bin(lop, l, r);
            }
            // The right side needs statements: run them only when Rust would.
            let t = self.spill(l, out);
            pre.push(self.stmt(K::Assign(vec![t.clone()], vec![r])));
            let cond = if op == B::And { t.clone() } else { L::un(LU::Not, t.clone()) };
            out.push(self.stmt(K::If(vec![(cond, pre)], None)));
            return t;
        }
        let vals = self.operands(&[a, b], out);
        let (l, r) = (vals[0].clone(), vals[1].clone());
        if op.is_bitwise() && a.ty == Ty::Bool {
            // Both sides run, as in Rust (Lua's `and` / `or` would skip the right one).
            let l = if l.is_trivial() { l } else { self.spill(l, out) };
            let r = if r.is_trivial() { r } else { self.spill(r, out) };
            return match op {
                B::BitAnd => L::bin(LB::And, l, r),
                B::BitOr => L::bin(LB::Or, l, r),
                _ => L::bin(LB::Ne, l, r),
            };
        }
        if let Some(k) = narrow(if a.ty == Ty::Never { &b.ty } else { &a.ty }) {
            if let Some(v) = self.narrow_binary(op, k, [a, b], l.clone(), r.clone()) {
                return v;
            }
        }
        if a.ty == Ty::Float {
            // IEEE doubles on both sides: no range checks; `%` is C's fmod, like Rust.
            match op {
                B::Add => return L::bin(LB::Add, l, r),
                B::Sub => return L::bin(LB::Sub, l, r),
                B::Mul => return L::bin(LB::Mul, l, r),
                B::Div => return L::bin(LB::Div, l, r),
                B::Rem => return L::call("math.fmod", vec![l, r]),
                _ => {}
            }
        }
        match op {
            B::Add => self.helper(Helper::Int, vec![L::bin(LB::Add, l, r)]),
            B::Sub => self.helper(Helper::Int, vec![L::bin(LB::Sub, l, r)]),
            // A zero times a negative number is -0 in Lua: `+ 0` makes it 0, unless a
            // positive literal factor keeps the sign of a zero (no -0 ever enters).
            B::Mul if [a, b].iter().any(|x| matches!(x.kind, ExprKind::Int(n) if n > 0)) => self.helper(Helper::Int, vec![L::bin(LB::Mul, l, r)]),
            B::Mul => self.helper(Helper::Int, vec![L::bin(LB::Add, L::bin(LB::Mul, l, r), L::int(0))]),
            B::Div => self.helper(Helper::Div, vec![l, r]),
            B::Rem => self.helper(Helper::Rem, vec![l, r]),
            // Lua's `==` compares tables by identity; Rust compares by value.
            B::Eq if holds_table(&a.ty) => self.helper(Helper::DeepEq, vec![l, r]),
            B::Ne if holds_table(&a.ty) => negate(self.helper(Helper::DeepEq, vec![l, r])),
            B::Eq => L::bin(LB::Eq, l, r),
            B::Ne => L::bin(LB::Ne, l, r),
            // Lua compares strings with strcoll (the server's locale); Rust byte by byte.
            B::Lt | B::Le | B::Gt | B::Ge if a.ty == Ty::Str => {
                let cmp = self.helper(Helper::StrCmp, vec![l, r]);
                let lop = match op {
                    B::Lt => LB::Lt,
                    B::Le => LB::Le,
                    B::Gt => LB::Gt,
                    _ => LB::Ge,
                };
                L::bin(lop, cmp, L::int(0))
            }
            B::Lt => L::bin(LB::Lt, l, r),
            B::Le => L::bin(LB::Le, l, r),
            B::Gt => L::bin(LB::Gt, l, r),
            B::Ge => L::bin(LB::Ge, l, r),
            B::BitAnd => self.helper(Helper::BitOp, vec![L::name("bit.band"), l, r]),
            B::BitOr => self.helper(Helper::BitOp, vec![L::name("bit.bor"), l, r]),
            B::BitXor => self.helper(Helper::BitOp, vec![L::name("bit.bxor"), l, r]),
            B::Shl => self.helper(Helper::Shift, vec![l, r, L::Bool(true)]),
            B::Shr => self.helper(Helper::Shift, vec![l, r, L::Bool(false)]),
            B::And | B::Or => L::Nil,
        }
    }

    /// `+ - * / % << >>` on an integer type other than i64 (`None` for the operators that
    /// need nothing of their own: comparisons, `& | ^`).
    fn narrow_binary(&mut self, op: ir::BinOp, k: IntTy, ops: [&ir::Expr; 2], l: L, r: L) -> Option<L> {
        use ir::BinOp as B;
        let (lo, hi) = k.lua_bounds();
        let within = |g: &mut Self, v: L| g.helper(Helper::IntIn, vec![v, L::int(lo), L::int(hi)]);
        Some(match op {
            B::Add => within(self, L::bin(LB::Add, l, r)),
            B::Sub => within(self, L::bin(LB::Sub, l, r)),
            B::Mul => {
                // As for i64: a zero times a negative number is -0 in Lua.
                let p = L::bin(LB::Mul, l, r);
                let p = if k.signed() && !ops.iter().any(|x| matches!(x.kind, ExprKind::Int(n) if n > 0)) { L::bin(LB::Add, p, L::int(0)) } else { p };
                within(self, p)
            }
            B::Div | B::Rem => {
                let h = if op == B::Div { Helper::Div } else { Helper::Rem };
                // Only MIN / -1 overflows: a literal divisor other than -1 cannot.
                if !k.signed() || matches!(ops[1].kind, ExprKind::Int(n) if n != -1) {
                    return Some(self.helper(h, vec![l, r]));
                }
                self.helper(Helper::DivIn, vec![l, r, L::int(lo), L::name(h.name())])
            }
            B::Shl | B::Shr => self.helper(Helper::ShiftIn, vec![l, r, L::Bool(op == B::Shl), L::int(k.bits() as i64), L::Bool(k.signed())]),
            _ => return None,
        })
    }

    /// In a script, the conversions of integer replies that can fail, written inline: the
    /// reply in a temporary, then the check that `redlua_int` or `redlua_get_int` would make
    /// (with the same message). `None` for the other replies.
    fn inline_reply_check(&mut self, c: &ir::CommandCall, call: &L, out: &mut Vec<LS>) -> Option<L> {
        let max = || L::int(crate::lower::MAX_SAFE_INT);
        let min = || L::int(-crate::lower::MAX_SAFE_INT);
        match (c.command.reply, &c.reply) {
            (ReplyKind::Int, _) => {
                let t = self.spill(call.clone(), out);
                let over = L::bin(LB::Or, L::bin(LB::Gt, t.clone(), max()), L::bin(LB::Lt, t.clone(), min()));
                let err = self.stmt(K::Call(L::call("error", vec![L::str("redlua: integer overflow (beyond +/-(2^53 - 1))")])));
                out.push(self.stmt(K::If(vec![(over, vec![err])], None)));
                Some(t)
            }
            (ReplyKind::OptionalValue, Ty::Option(ty)) if **ty == Ty::Int => {
                // local t = <reply>; if t == false then t = nil else <checked tonumber> end
                let t = self.spill(call.clone(), out);
                let L::Name(tn) = &t else { return None };
                let n = format!("{tn}_n");
                let ok = [L::bin(LB::Le, L::name(&n), max()), L::bin(LB::Ge, L::name(&n), min()), L::call("string.find", vec![t.clone(), L::str("^[+-]?%d+$")])]
                    .into_iter()
                    .fold(L::name(&n), |a, b| L::bin(LB::And, a, b));
                let msg = L::bin(LB::Concat, L::str("redlua: value is not an integer within +/-(2^53 - 1): "), L::call("string.sub", vec![t.clone(), L::int(1), L::int(64)]));
                let err = self.stmt(K::Call(L::call("error", vec![msg])));
                let parse = vec![
                    self.stmt(K::Local(vec![n.clone()], vec![L::call("tonumber", vec![t.clone()])])),
                    self.stmt(K::If(vec![(L::un(LU::Not, L::Paren(Box::new(ok))), vec![err])], None)),
                    // `+ 0`: a stored "-0" reads as 0, as Rust parses it.
                    self.stmt(K::Assign(vec![t.clone()], vec![L::bin(LB::Add, L::name(&n), L::int(0))])),
                ];
                let missing = vec![self.stmt(K::Assign(vec![t.clone()], vec![L::Nil]))];
                out.push(self.stmt(K::If(vec![(L::bin(LB::Eq, t.clone(), L::Bool(false)), missing)], Some(parse))));
                Some(t)
            }
            _ => None,
        }
    }

    /// The reply of a command call, converted to its Rust-typed Lua value.
    fn command_reply(&mut self, c: &ir::CommandCall, call: L) -> L {
        match (c.command.reply, &c.reply) {
            (ReplyKind::Unit | ReplyKind::Count | ReplyKind::String | ReplyKind::VecString | ReplyKind::VecOptString, _) => call,
            (ReplyKind::Int, _) => self.helper(Helper::Int, vec![call]),
            (ReplyKind::Flag, _) => L::bin(LB::Eq, call, L::int(1)),
            (ReplyKind::OkOrNil, _) => L::bin(LB::Ne, call, L::Bool(false)),
            (ReplyKind::OptionalValue, Ty::Option(t)) if **t == Ty::Int => self.helper(Helper::GetInt, vec![call]),
            (ReplyKind::OptionalValue, Ty::Option(t)) if **t == Ty::Float => self.helper(Helper::GetFloat, vec![call]),
            // A missing bulk reply arrives as `false`: make it `nil` (None).
            (ReplyKind::OptionalValue | ReplyKind::OptionalString | ReplyKind::OptionalInt | ReplyKind::OptionalVecString, _) => L::bin(LB::Or, call, L::Nil),
            (ReplyKind::Status, _) => L::Field(Box::new(call), "ok".into()),
            (ReplyKind::Float | ReplyKind::OptionalFloat, _) => self.helper(Helper::GetFloat, vec![call]),
            (ReplyKind::VecFlag, _) => self.helper(Helper::Flags, vec![call]),
            (ReplyKind::VecOptFloat, _) => self.helper(Helper::OptFloats, vec![call]),
            (ReplyKind::PairsString, _) => self.helper(Helper::Pairs, vec![call]),
            (ReplyKind::PairsScore, _) => self.helper(Helper::ScorePairs, vec![call]),
            (ReplyKind::StreamEntries, _) => self.helper(Helper::StreamEntries, vec![call]),
            (ReplyKind::Time, _) => self.helper(Helper::Time, vec![call]),
        }
    }

    fn command_call(&mut self, c: &ir::CommandCall, out: &mut Vec<LS>) -> L {
        let values: Vec<&ir::Expr> = c
            .args
            .iter()
            .filter_map(|a| match a {
                CommandArg::Value(v) | CommandArg::Spread(v) | CommandArg::SpreadPairs(v) => Some(v),
                CommandArg::Word(_) => None,
            })
            .collect();
        let vals = self.operands(&values, out);
        // Floats go out formatted like Rust (redis.call would send %.17g).
        let mut vals = vals
            .into_iter()
            .zip(&values)
            .map(|(v, e)| match &e.ty {
                // An integer cast to f64 (exact within +/-(2^53 - 1)): Rust prints its digits.
                Ty::Float if int_valued(e, self.vars) => L::call("string.format", vec![L::str("%d"), v]),
                Ty::Float => self.helper(Helper::FmtFloat, vec![v]),
                Ty::Vec(t) if **t == Ty::Float => self.helper(Helper::Map, vec![v, L::name("redlua_fmt_float")]),
                // Pairs with a float side: each float as Rust prints it.
                Ty::Vec(t) if matches!(&**t, Ty::Tuple(ts) if ts.contains(&Ty::Float)) => {
                    let Ty::Tuple(ts) = &**t else { return v };
                    let items = ts
                        .iter()
                        .enumerate()
                        .map(|(i, t)| {
                            let x = L::index(L::name("p"), L::int(i as i64 + 1));
                            if *t == Ty::Float {
                                L::call("redlua_fmt_float", vec![x])
                            } else {
                                x
                            }
                        })
                        .collect();
                    let f = L::Function(vec!["p".into()], vec![LS::new(K::Return(vec![L::Table(items, vec![])]))]);
                    self.helper(Helper::Map, vec![v, f])
                }
                _ => v,
            })
            .collect::<Vec<_>>()
            .into_iter();
        let spreads = c.args.iter().any(|a| matches!(a, CommandArg::Spread(_) | CommandArg::SpreadPairs(_)));
        if !spreads {
            let mut args = vec![L::str(c.command.redis)];
            for a in &c.args {
                match a {
                    CommandArg::Word(w) => args.push(L::str(w)),
                    _ => args.push(vals.next().unwrap_or(L::Nil)),
                }
            }
            return L::call("redis.call", args);
        }
        // Arguments from a Vec: collect them in a table and unpack it.
        let t = self.temp();
        out.push(self.stmt(K::Local(vec![t.clone()], vec![L::Table(vec![L::str(c.command.redis)], vec![])])));
        let tn = L::name(t.clone());
        for a in &c.args {
            let push = |v: L| LS::new(K::Assign(vec![L::index(tn.clone(), L::bin(LB::Add, L::un(LU::Len, tn.clone()), L::int(1)))], vec![v]));
            match a {
                CommandArg::Word(w) => out.push(push(L::str(w))),
                CommandArg::Value(_) => {
                    let v = vals.next().unwrap_or(L::Nil);
                    out.push(push(v));
                }
                CommandArg::Spread(_) => {
                    let v = vals.next().unwrap_or(L::Nil);
                    let call = self.helper(Helper::Extend, vec![tn.clone(), v]);
                    out.push(self.stmt(K::Call(call)));
                }
                CommandArg::SpreadPairs(_) => {
                    let v = vals.next().unwrap_or(L::Nil);
                    let call = self.helper(Helper::ExtendPairs, vec![tn.clone(), v]);
                    out.push(self.stmt(K::Call(call)));
                }
            }
        }
        // Lua's unpack fails beyond ~8000 values: past 7000 arguments the command is sent
        // in pieces whose replies combine as one command's would (or refused).
        let fixed = 1 + c.args.iter().take_while(|a| !matches!(a, CommandArg::Spread(_) | CommandArg::SpreadPairs(_))).count();
        let step = if c.args.iter().any(|a| matches!(a, CommandArg::SpreadPairs(_))) { 2 } else { 1 };
        let mode = c.command.split().map_or(L::Nil, L::str);
        self.helper(Helper::CallSpread, vec![tn, L::int(fixed as i64), L::int(step), mode])
    }
}

/// The code generator as the table of builtin methods sees it, while it emits a call:
/// statements it needs go to `out`.
struct MethodOut<'g, 'a, 'o> {
    gen: &'g mut Gen<'a>,
    out: &'o mut Vec<LS>,
}

impl builtins::Emitter for MethodOut<'_, '_, '_> {
    fn helper(&mut self, h: Helper, args: Vec<L>) -> L {
        self.gen.helper(h, args)
    }

    fn helper_ref(&mut self, h: Helper) -> L {
        L::name(h.name())
    }

    fn spill(&mut self, v: L) -> L {
        self.gen.spill(v, self.out)
    }
}

/// An integer type with its own rules in the Lua: every one but i64 and isize (the same
/// as i64 on 64-bit machines).
pub(crate) fn narrow(t: &Ty) -> Option<IntTy> {
    match t {
        Ty::IntN(IntTy::Isize) => None,
        Ty::IntN(k) => Some(*k),
        _ => None,
    }
}

/// An integer bound as a Lua number (2^64 - 1 reads as 2^64, the nearest double).
pub(crate) fn big_int(n: i128) -> L {
    match i64::try_from(n) {
        Ok(n) => L::int(n),
        Err(_) => L::Num(n.to_string()),
    }
}

/// `-(1 / math.huge)`: -0.0, computed at run time (see [`const_float`]).
fn neg_zero() -> L {
    L::un(LU::Neg, L::bin(LB::Div, L::int(1), L::Field(Box::new(L::name("math")), "huge".into())))
}

/// The value of a float expression made only of number literals, which Lua 5.1 folds into
/// one constant when it compiles the chunk.
fn const_float(e: &ir::Expr) -> Option<f64> {
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
fn int_valued(e: &ir::Expr, vars: &[ir::Var]) -> bool {
    match &e.kind {
        ExprKind::Var(v) => vars[v.0].ty.is_int(),
        ExprKind::Binary(op, a, _) => a.ty.is_int() && matches!(op, ir::BinOp::Add | ir::BinOp::Sub | ir::BinOp::Mul | ir::BinOp::Div | ir::BinOp::Rem),
        _ => false,
    }
}

fn float_literal(x: f64) -> String {
    let s = format!("{x:?}");
    if s.contains('e') || s.contains('.') {
        s
    } else {
        format!("{s}.0")
    }
}

/// `not e`, simplified where Lua has the opposite operator.
fn negate(e: L) -> L {
    match e {
        L::Bin(LB::Ne, a, b) => L::Bin(LB::Eq, a, b),
        L::Bin(LB::Eq, a, b) => L::Bin(LB::Ne, a, b),
        L::Un(LU::Not, a) => *a,
        e => L::un(LU::Not, e),
    }
}

fn bool_reply(v: L) -> L {
    // Lua `true` would become 1 but `false` a nil reply: send 1 / 0.
    match v {
        L::Bool(b) => L::int(i64::from(b)),
        v => L::bin(LB::Or, L::bin(LB::And, v, L::int(1)), L::int(0)),
    }
}

/// True when values of `t` are (or may be) Lua tables, which `==` compares by identity.
fn holds_table(t: &Ty) -> bool {
    match t {
        Ty::Vec(_) | Ty::Tuple(_) | Ty::Struct(_) | Ty::Map(_) | Ty::Dyn => true,
        Ty::Option(i) => holds_table(i),
        _ => false,
    }
}

/// True when a reply of type `t` needs converting from its Lua representation.
fn needs_encoding(t: &Ty) -> bool {
    match t {
        Ty::Bool | Ty::Option(_) | Ty::Float => true,
        Ty::Vec(i) => needs_encoding(i),
        Ty::Tuple(ts) => ts.iter().any(|t| needs_encoding(t) || matches!(t, Ty::Option(_))),
        Ty::Struct(st) => st.fields.iter().any(|(_, t)| needs_encoding(t) || matches!(t, Ty::Option(_))),
        Ty::Map(_) => true,
        _ => false,
    }
}

fn pat_test(p: &ir::Pat, s: &L) -> Option<L> {
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

fn bind_aliases(p: &ir::Pat, s: &L, aliases: &mut HashMap<ir::VarId, L>) {
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
fn block_has(b: &ir::Block, pred: impl Fn(&ExprKind) -> bool) -> bool {
    let mut found = false;
    crate::checks::visit_block(b, &mut |e| {
        if pred(&e.kind) {
            found = true;
        }
    });
    found
}

/// True when some expression of `e` satisfies `pred`.
fn block_has_expr(e: &ir::Expr, pred: impl Fn(&ExprKind) -> bool) -> bool {
    let mut found = false;
    crate::checks::visit_expr(e, &mut |x| {
        if pred(&x.kind) {
            found = true;
        }
    });
    found
}

