//! Codegen: typed IR → Lua AST → text.
//!
//! Rust expressions that Lua can only express with statements (`if` as a value,
//! blocks, short-circuits around commands) are lowered into temporaries, keeping
//! Rust's left-to-right evaluation order: when a later operand needs statements,
//! earlier operands are saved first.

use crate::commands::ReplyKind;
use crate::diag::{Diagnostic, Rule};
use crate::ir::{self, CommandArg, ExprKind, Function, ParamSource, Ty};
use crate::lua::{self, BinOp as LB, Expr as L, Printed, Printer, Stmt as LS, StmtKind as K, UnOp as LU};
use std::collections::{BTreeSet, HashSet};

/// Lua allows 200 active locals per function; stay clearly below.
const MAX_LOCALS: usize = 190;

/// Runtime helpers the generated Lua may need; each is emitted once, only when used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Helper {
    ParseInt,
    Int,
    GetInt,
    ArgInt,
    ArgBool,
    Div,
    Rem,
}

impl Helper {
    fn deps(self) -> &'static [Helper] {
        match self {
            Helper::GetInt | Helper::ArgInt => &[Helper::ParseInt],
            _ => &[],
        }
    }

    fn source(self) -> &'static str {
        match self {
            Helper::ParseInt => "\
-- Rust's str::parse::<i64>: optional sign and decimal digits, exact within +/-(2^53 - 1).
local function redlua_parse_int(s)
  if type(s) == 'string' and string.find(s, '^[+-]?%d+$') then
    local n = tonumber(s)
    if n <= 9007199254740991 and n >= -9007199254740991 then
      return n
    end
  end
  return nil
end
",
            Helper::Int => "\
-- Integers are exact in Lua only within +/-(2^53 - 1): refuse to go on with a wrong number.
local function redlua_int(n)
  if n > 9007199254740991 or n < -9007199254740991 then
    error('redlua: integer overflow (beyond +/-(2^53 - 1))', 2)
  end
  return n
end
",
            Helper::GetInt => "\
-- A bulk reply read as Option<i64>: nil when missing, an error when not an integer.
local function redlua_get_int(v)
  if v == false then
    return nil
  end
  local n = redlua_parse_int(v)
  if n == nil then
    error('redlua: value is not an integer: ' .. string.sub(v, 1, 64), 2)
  end
  return n
end
",
            Helper::ArgInt => "\
local function redlua_arg_int(s, name)
  local n = redlua_parse_int(s)
  if n == nil then
    error({ err = 'ERR redlua: argument ' .. name .. ' must be an integer within +/-(2^53 - 1)' })
  end
  return n
end
",
            Helper::ArgBool => "\
local function redlua_arg_bool(s, name)
  if s == '1' then
    return true
  elseif s == '0' then
    return false
  end
  error({ err = 'ERR redlua: argument ' .. name .. ' must be 1 or 0' })
end
",
            Helper::Div => "\
-- Rust's integer division: truncates toward zero, panics on zero.
local function redlua_div(a, b)
  if b == 0 then
    error('redlua: attempt to divide by zero', 2)
  end
  local q = a / b
  if q >= 0 then
    return math.floor(q)
  end
  return math.ceil(q)
end
",
            Helper::Rem => "\
-- Rust's integer remainder: takes the sign of the dividend, panics on zero.
local function redlua_rem(a, b)
  if b == 0 then
    error('redlua: attempt to calculate the remainder with a divisor of zero', 2)
  end
  return math.fmod(a, b)
end
",
        }
    }
}

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
    f: &'a Function,
    helpers: &'a mut BTreeSet<Helper>,
    names: HashSet<String>,
    locals: usize,
    line: u32,
}

/// The Lua text of one library.
pub fn library(name: &str, file: &str, functions: &[Function]) -> Result<Printed, Vec<Diagnostic>> {
    let mut helpers = BTreeSet::new();
    let mut bodies = Vec::new();
    let mut errors = Vec::new();
    for f in functions {
        match function(f, &mut helpers) {
            Ok(b) => bodies.push(b),
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut p = Printer::new(file);
    p.raw_line(&format!("#!lua name={name}"));
    let mut top = vec![LS::new(K::Comment(format!(
        "redlua library `{name}`, generated from {file}: edit the Rust source, not this file."
    )))];
    push_helpers(&helpers, &mut top);
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
    p.block(&top);
    Ok(p.finish())
}

/// The Lua text of one EVAL script.
pub fn script(file: &str, f: &Function) -> Result<Printed, Vec<Diagnostic>> {
    let mut helpers = BTreeSet::new();
    let body = function(f, &mut helpers).map_err(|d| vec![d])?;
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
    top.push(LS::new(K::Blank));
    top.push(LS::new(K::Comment(signature_comment(f))));
    top.push(LS::at(K::LocalFunction(format!("fn_{}", f.name), vec!["keys".into(), "args".into()], body), Some(f.line)));
    top.push(LS::new(K::Blank));
    top.push(LS::new(K::Return(vec![L::call(&format!("fn_{}", f.name), vec![L::name("KEYS"), L::name("ARGV")])])));
    p.block(&top);
    Ok(p.finish())
}

/// The Redis function flags of `f`.
pub fn flags(f: &Function) -> Vec<&'static str> {
    let mut v = Vec::new();
    if f.options.read_only {
        v.push("no-writes");
    }
    if f.options.allow_oom {
        v.push("allow-oom");
    }
    if f.options.allow_stale {
        v.push("allow-stale");
    }
    v
}

fn signature_comment(f: &Function) -> String {
    let params: Vec<String> = f
        .params
        .iter()
        .map(|p| {
            let src = match p.source {
                ParamSource::Key(i) => format!("KEYS[{i}]"),
                ParamSource::Arg(i) => format!("ARGV[{i}]"),
            };
            format!("{}: {} ({src})", p.name, p.ty)
        })
        .collect();
    format!("fn {}({}) -> {}", f.name, params.join(", "), f.ret)
}

fn push_helpers(used: &BTreeSet<Helper>, out: &mut Vec<LS>) {
    let mut all = used.clone();
    for h in used {
        all.extend(h.deps().iter().copied());
    }
    for h in all {
        out.push(LS::new(K::Blank));
        out.push(LS::new(K::Raw(h.source().to_string())));
    }
}

fn function(f: &Function, helpers: &mut BTreeSet<Helper>) -> Result<lua::Block, Diagnostic> {
    let names = f.vars.iter().map(|v| v.lua.clone()).collect();
    let mut g = Gen { f, helpers, names, locals: 0, line: f.line };
    let mut out = Vec::new();
    g.prologue(&mut out);
    g.block_into(&f.body, &Dest::Return, &mut out);
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

    fn helper(&mut self, h: Helper, args: Vec<L>) -> L {
        self.helpers.insert(h);
        let name = match h {
            Helper::ParseInt => "redlua_parse_int",
            Helper::Int => "redlua_int",
            Helper::GetInt => "redlua_get_int",
            Helper::ArgInt => "redlua_arg_int",
            Helper::ArgBool => "redlua_arg_bool",
            Helper::Div => "redlua_div",
            Helper::Rem => "redlua_rem",
        };
        L::call(name, args)
    }

    fn prologue(&mut self, out: &mut Vec<LS>) {
        let f = self.f;
        let keys_word = if f.num_keys == 1 { "key" } else { "keys" };
        let args_word = if f.num_args == 1 { "argument" } else { "arguments" };
        let check = L::bin(
            LB::Or,
            L::bin(LB::Ne, L::un(LU::Len, L::name("keys")), L::int(f.num_keys as i64)),
            L::bin(LB::Ne, L::un(LU::Len, L::name("args")), L::int(f.num_args as i64)),
        );
        let msg = format!("ERR {} expects {} {keys_word} and {} {args_word}", f.name, f.num_keys, f.num_args);
        let ret = self.stmt(K::Return(vec![L::call("redis.error_reply", vec![L::str(msg)])]));
        out.push(self.stmt(K::If(vec![(check, vec![ret])], None)));
        for p in &f.params {
            let lua = f.vars[p.var.0].lua.clone();
            let val = match p.source {
                ParamSource::Key(i) => L::index(L::name("keys"), L::int(i as i64)),
                ParamSource::Arg(i) => {
                    let raw = L::index(L::name("args"), L::int(i as i64));
                    match p.ty {
                        Ty::Int => self.helper(Helper::ArgInt, vec![raw, L::str(&p.name)]),
                        Ty::Bool => self.helper(Helper::ArgBool, vec![raw, L::str(&p.name)]),
                        _ => raw,
                    }
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
                    let name = self.f.vars[var.0].lua.clone();
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
                    let name = self.f.vars[var.0].lua.clone();
                    self.expr_into(e, &Dest::Assign(name), out);
                }
                ir::StmtKind::Expr(e) => self.expr_into(e, &Dest::Discard, out),
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
            ExprKind::Ok(x) if matches!(dest, Dest::Return) => self.expr_into(x, dest, out),
            ExprKind::Err(r) if matches!(dest, Dest::Return) => {
                let ExprKind::Reject(msg) = &r.kind else {
                    // Lowering admits only `reject!(..)` here.
                    out.push(self.stmt(K::Call(L::call("error", vec![L::str("redlua: invalid rejection")]))));
                    return;
                };
                // Error replies are one line: newlines would break the protocol.
                let mut text = b"REJECT ".to_vec();
                text.extend(msg.iter().map(|&c| if c == b'\r' || c == b'\n' { b' ' } else { c }));
                out.push(self.stmt(K::Return(vec![L::call("redis.error_reply", vec![lit_str(&text)])])));
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
                    let ret = match &self.f.ret {
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
            Ty::Bool => vec![bool_reply(v)],
            Ty::Option(inner) if **inner == Ty::Bool => {
                let t = if v.is_trivial() { v } else { self.spill(v, out) };
                vec![L::bin(LB::Or, L::bin(LB::And, L::bin(LB::Ne, t.clone(), L::Nil), bool_reply(t)), L::Nil)]
            }
            _ => vec![v],
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
            ExprKind::If(..) | ExprKind::Block(_) | ExprKind::Return(_) => self.expr_into(e, &Dest::Discard, out),
            ExprKind::Command(c) if matches!(c.command.reply, ReplyKind::Unit | ReplyKind::Count | ReplyKind::Flag | ReplyKind::OkOrNil) => {
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
        loop {
            let ExprKind::If(c, then, next) = &cur.kind else { break };
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
        match &e.kind {
            ExprKind::Int(n) => L::int(*n),
            ExprKind::Bool(b) => L::Bool(*b),
            ExprKind::Str(s) => lit_str(s),
            ExprKind::Unit | ExprKind::None => L::Nil,
            ExprKind::Var(v) => L::name(self.f.vars[v.0].lua.clone()),
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, out),
            ExprKind::Unary(op, a) => {
                let v = self.expr(a, out);
                match op {
                    ir::UnOp::Not => L::un(LU::Not, v),
                    ir::UnOp::Neg => L::un(LU::Neg, v),
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
                match (c.command.reply, &c.reply) {
                    (ReplyKind::Unit | ReplyKind::Count, _) => call,
                    (ReplyKind::Int, _) => self.helper(Helper::Int, vec![call]),
                    (ReplyKind::Flag, _) => L::bin(LB::Eq, call, L::int(1)),
                    (ReplyKind::OkOrNil, _) => L::bin(LB::Ne, call, L::Bool(false)),
                    (ReplyKind::OptionalValue, Ty::Option(t)) if **t == Ty::Int => self.helper(Helper::GetInt, vec![call]),
                    // A missing bulk reply arrives as `false`: make it `nil` (None).
                    (ReplyKind::OptionalValue, _) => L::bin(LB::Or, call, L::Nil),
                }
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
            ExprKind::Return(_) => {
                self.expr_into(e, &Dest::Discard, out);
                L::Nil
            }
        }
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
        match op {
            B::Add => self.helper(Helper::Int, vec![L::bin(LB::Add, l, r)]),
            B::Sub => self.helper(Helper::Int, vec![L::bin(LB::Sub, l, r)]),
            B::Mul => self.helper(Helper::Int, vec![L::bin(LB::Mul, l, r)]),
            B::Div => self.helper(Helper::Div, vec![l, r]),
            B::Rem => self.helper(Helper::Rem, vec![l, r]),
            B::Eq => L::bin(LB::Eq, l, r),
            B::Ne => L::bin(LB::Ne, l, r),
            B::Lt => L::bin(LB::Lt, l, r),
            B::Le => L::bin(LB::Le, l, r),
            B::Gt => L::bin(LB::Gt, l, r),
            B::Ge => L::bin(LB::Ge, l, r),
            B::And | B::Or => L::Nil,
        }
    }

    fn command_call(&mut self, c: &ir::CommandCall, out: &mut Vec<LS>) -> L {
        let values: Vec<&ir::Expr> = c.args.iter().filter_map(|a| if let CommandArg::Value(v) = a { Some(v) } else { None }).collect();
        let mut vals = self.operands(&values, out).into_iter();
        let mut args = vec![L::str(c.command.redis)];
        for a in &c.args {
            match a {
                CommandArg::Word(w) => args.push(L::str(w)),
                CommandArg::Value(_) => args.push(vals.next().unwrap_or(L::Nil)),
            }
        }
        L::call("redis.call", args)
    }
}

fn bool_reply(v: L) -> L {
    // Lua `true` would become 1 but `false` a nil reply: send 1 / 0.
    match v {
        L::Bool(b) => L::int(i64::from(b)),
        v => L::bin(LB::Or, L::bin(LB::And, v, L::int(1)), L::int(0)),
    }
}
