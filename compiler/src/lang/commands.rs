//! Redis commands: the typed commands of the prelude (`get(&k)`, `hset(&k, f, v)`, with
//! their option builders and reply types, from the table of `commands.rs`), and
//! `call!` / `try_call!` with the methods of their `Value` replies.
//!
//! A command becomes `redis.call('NAME', ..)` (or `redis.pcall` for `try_call!`), its
//! arguments in the order the table gives, its reply turned into the Rust type (`nil`
//! as `None`, `1`/`0` as `bool`, integer replies checked when the type is narrow).

use crate::checks::keys;
use crate::codegen::*;
use crate::commands::ReplyKind;
use crate::commands::{Command, Emit, OptionSpec, ParamKind};
use crate::diag::Rule;
use crate::ir::{self, *};
use crate::lower::{poison, Lowerer};
use crate::lua::{BinOp as LB, Expr as L, Stmt as LS, StmtKind as K, UnOp as LU};
use crate::lualib::Helper;
use proc_macro2::Span;
use syn::spanned::Spanned;

impl Lowerer<'_> {
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
        // `..v`: the elements of a Vec (or of a Vec of pairs), as separate arguments.
        let spread_of = |a: &syn::Expr| match a {
            syn::Expr::Range(r) if r.start.is_none() && matches!(r.limits, syn::RangeLimits::HalfOpen(_)) => r.end.as_deref().cloned(),
            _ => None,
        };
        let mut spread: Option<(usize, usize)> = None;
        let mut values: Vec<Expr> = Vec::new();
        for a in &rest[skip..] {
            let Some(inner) = spread_of(a) else {
                values.push(self.expr(a, None));
                continue;
            };
            let v = self.expr(&inner, None);
            let step = match &v.ty {
                Ty::Vec(t) if matches!(&**t, Ty::Int | Ty::IntN(_) | Ty::Float | Ty::Str) => 1,
                Ty::Vec(t) if matches!(&**t, Ty::Tuple(ts) if ts.len() == 2 && ts.iter().all(|t| matches!(t, Ty::Int | Ty::IntN(_) | Ty::Float | Ty::Str))) => 2,
                Ty::Never => 1,
                t => {
                    let t = t.clone();
                    self.err(Rule::Type, v.span, format!("`..` spreads a `Vec` of integers, floats or strings, or of pairs of them, found `{t}`"), format!("write `{what}(\"CMD\", &key, ..values)` with a `Vec<String>`, or `..pairs` with a `Vec<(f64, String)>`"));
                    return poison(span);
                }
            };
            if spread.is_some() {
                self.err(Rule::Unsupported, a.span(), format!("a second `..` spread in one `{what}`"), "join the Vecs first (`a.extend(b)`) and spread one");
                return poison(span);
            }
            spread = Some((values.len(), step));
            values.push(v);
        }
        // The argv the server would see, for its own key-spec algorithm.
        // An integer literal is known too: `call!("ZMPOP", 1, &z, "MIN")` (the server sees "1").
        let shapes_text: Vec<Option<String>> = values
            .iter()
            .map(|v| match &v.kind {
                ExprKind::Str(b) => String::from_utf8(b.clone()).ok(),
                ExprKind::Int(n) => Some(n.to_string()),
                _ => None,
            })
            .collect();
        let shape_of = |i: usize| -> ArgShape<'_> {
            let v = &values[i];
            match (&shapes_text[i], &v.kind, &v.ty) {
                (Some(s), _, _) => ArgShape::Literal(s.as_str()),
                (_, ExprKind::Int(_), _) | (_, _, Ty::Int) => ArgShape::Integer,
                _ => ArgShape::Unknown,
            }
        };
        if let Some((at, step)) = spread {
            // The spread may hold any number of elements: the positions of the keys must
            // not depend on it, and none may fall inside it.
            let mut found: Option<Vec<usize>> = None;
            for m in (0..=6).filter(|m| m % step == 0) {
                let mut argv: Vec<ArgShape> = words.iter().map(|w| ArgShape::Literal(w)).collect();
                for i in 0..values.len() {
                    if i == at {
                        argv.extend(std::iter::repeat_n(ArgShape::Unknown, m));
                    } else {
                        argv.push(shape_of(i));
                    }
                }
                if !spec.accepts_argc(argv.len()) {
                    continue;
                }
                let start = words.len() + at;
                let keys = match spec.key_indices(&argv) {
                    Ok(k) => k,
                    Err(KeyIndexError::Incomplete { found, .. }) => found,
                    Err(e) => {
                        crate::checks::keys::key_positions_unknown(self.errors, span, spec.name, &e);
                        return poison(span);
                    }
                };
                let mut mapped = Vec::new();
                for k in keys {
                    if k >= start && k < start + m {
                        mapped.clear();
                        mapped.push(usize::MAX);
                        break;
                    }
                    mapped.push(if k >= start + m { k + 1 - m } else { k });
                }
                if found.as_ref().is_some_and(|f| *f != mapped) || mapped.contains(&usize::MAX) {
                    self.err(
                        Rule::NotAKey,
                        values[at].span,
                        format!("`..` spreads a Vec where {} may take keys: every key must be a declared `Key`", spec.name),
                        "pass keys one by one (`&key`); spread only data: values, fields, members",
                    );
                    return poison(span);
                }
                found = Some(mapped);
            }
            let Some(keys) = found else {
                self.err(Rule::Arity, span, format!("wrong number of arguments for {}, whatever the length of the spread Vec", spec.name), arity_hint(spec, words.len()));
                return poison(span);
            };
            let mut out: Vec<CommandArg> = words[1..].iter().map(|w| CommandArg::Word(w)).collect();
            for (i, v) in values.into_iter().enumerate() {
                let pos = i + words.len();
                if Some(i) == spread.map(|s| s.0) {
                    out.push(if step == 2 { CommandArg::SpreadPairs(v) } else { CommandArg::Spread(v) });
                    continue;
                }
                self.check_call_arg(&v, spec.name, i, keys.contains(&pos));
                out.push(CommandArg::Value(v));
            }
            let ty = if protected { Ty::CallResult } else { Ty::Dyn };
            return self.mk(ExprKind::DynCall(DynCall { spec, args: out, protected }), ty, span);
        }
        let mut argv: Vec<ArgShape> = words.iter().map(|w| ArgShape::Literal(w)).collect();
        for i in 0..values.len() {
            argv.push(shape_of(i));
        }
        if !spec.accepts_argc(argv.len()) {
            self.err(Rule::Arity, span, format!("wrong number of arguments for {}: {} given", spec.name, argv.len() - words.len()), arity_hint(spec, words.len()));
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
            self.check_call_arg(&v, spec.name, i, keys.contains(&pos));
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

    pub(crate) fn command(&mut self, cmd: &'static Command, p: &syn::ExprPath, args: &[&syn::Expr], span: Span) -> Expr {
        command(self, cmd, p, args, span)
    }
}

impl Gen<'_> {
    /// `call!("HMGET", &k, ..fields)`: the arguments collected in a table, the spread
    /// Vec's elements (floats as Rust prints them) appended in place, then one
    /// `redis.call(unpack(t))` (through `call_spread`, which refuses more than 7000
    /// arguments with a clear error; `try_call!` unpacks directly).
    pub(crate) fn dyn_call_spread(&mut self, c: &ir::DynCall, out: &mut Vec<LS>) -> L {
        let values = value_args(&c.args);
        let vals = self.operands(&values, out);
        let mut vals = vals.into_iter().zip(&values).map(|(v, e)| self.float_args(v, &e.ty)).collect::<Vec<_>>().into_iter();
        let first = c.spec.name.split(' ').next().unwrap_or(c.spec.name);
        let t = self.temp();
        out.push(self.stmt(K::Local(vec![t.clone()], vec![L::Table(vec![L::str(first)], vec![])])));
        let tn = L::name(t);
        for a in &c.args {
            let push = |v: L| LS::new(K::Assign(vec![L::index(tn.clone(), L::bin(LB::Add, L::un(LU::Len, tn.clone()), L::int(1)))], vec![v]));
            match a {
                CommandArg::Word(w) => out.push(push(L::str(w))),
                CommandArg::Value(_) => {
                    let v = vals.next().unwrap_or(L::Nil);
                    out.push(push(v));
                }
                CommandArg::Spread(_) | CommandArg::SpreadPairs(_) => {
                    let v = vals.next().unwrap_or(L::Nil);
                    let h = if matches!(a, CommandArg::Spread(_)) { Helper::Extend } else { Helper::ExtendPairs };
                    let call = self.helper(h, vec![tn.clone(), v]);
                    out.push(self.stmt(K::Call(call)));
                }
            }
        }
        if c.protected {
            return L::call("redis.pcall", vec![L::call("unpack", vec![tn])]);
        }
        let fixed = 1 + c.args.iter().take_while(|a| !matches!(a, CommandArg::Spread(_) | CommandArg::SpreadPairs(_))).count();
        self.helper(Helper::CallSpread, vec![tn, L::int(fixed as i64), L::int(1), L::Nil])
    }

    /// A command argument as sent: floats (alone, in a Vec, or a side of pairs) written
    /// as Rust prints them.
    fn float_args(&mut self, v: L, ty: &Ty) -> L {
        match ty {
            Ty::Float => self.helper(Helper::FmtFloat, vec![v]),
            Ty::Vec(t) if **t == Ty::Float => self.helper(Helper::Map, vec![v, L::name("redlua_fmt_float")]),
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
        }
    }

    pub(crate) fn push_effect(&mut self, v: L, out: &mut Vec<LS>) {
        match v {
            // A discarded integer still traps beyond +/-(2^53 - 1): checked inline.
            L::Call(f, mut args) if args.len() == 1 && matches!(&*f, L::Name(n) if n == Helper::Int.name()) => {
                let x = args.pop().unwrap_or(L::Nil);
                let r = L::name("redlua_r");
                let over = L::bin(LB::Or, L::bin(LB::Gt, r.clone(), L::int(ir::MAX_SAFE_INT)), L::bin(LB::Lt, r.clone(), L::int(-ir::MAX_SAFE_INT)));
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

    /// In a script, the conversions of integer replies that can fail, written inline: the
    /// reply in a temporary, then the check that `redlua_int` or `redlua_get_int` would make
    /// (with the same message). `None` for the other replies.
    pub(crate) fn inline_reply_check(&mut self, c: &ir::CommandCall, call: &L, out: &mut Vec<LS>) -> Option<L> {
        let max = || L::int(ir::MAX_SAFE_INT);
        let min = || L::int(-ir::MAX_SAFE_INT);
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
                // Plain digits first (see `plain_digits`), the other forms Rust reads after.
                let full = vec![
                    self.stmt(K::If(vec![(L::un(LU::Not, L::Paren(Box::new(ok))), vec![err])], None)),
                    // `+ 0`: a stored "-0" reads as 0, as Rust parses it.
                    self.stmt(K::Assign(vec![L::name(&n)], vec![L::bin(LB::Add, L::name(&n), L::int(0))])),
                ];
                let fast = self.plain_digits(&n, t.clone());
                let parse = vec![
                    self.stmt(K::Local(vec![n.clone()], vec![L::call("tonumber", vec![t.clone()])])),
                    self.stmt(K::If(vec![(L::un(LU::Not, L::Paren(Box::new(fast))), full)], None)),
                    self.stmt(K::Assign(vec![t.clone()], vec![L::name(&n)])),
                ];
                let missing = vec![self.stmt(K::Assign(vec![t.clone()], vec![L::Nil]))];
                out.push(self.stmt(K::If(vec![(L::bin(LB::Eq, t.clone(), L::Bool(false)), missing)], Some(parse))));
                Some(t)
            }
            _ => None,
        }
    }

    /// The reply of a command call, converted to its Rust-typed Lua value.
    pub(crate) fn command_reply(&mut self, c: &ir::CommandCall, call: L) -> L {
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

    pub(crate) fn command_call(&mut self, c: &ir::CommandCall, out: &mut Vec<LS>) -> L {
        let values = value_args(&c.args);
        let vals = self.operands(&values, out);
        // Floats go out formatted like Rust (redis.call would send %.17g).
        let mut vals = vals
            .into_iter()
            .zip(&values)
            .map(|(v, e)| match &e.ty {
                // An integer cast to f64 (exact within +/-(2^53 - 1)): Rust prints its digits.
                Ty::Float if int_valued(e, self.vars) => L::call("string.format", vec![L::str("%d"), v]),
                // Floats, Vecs of floats and pairs with a float side: as Rust prints them.
                t => self.float_args(v, t),
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

/// The Rust type of a command's reply (`None` when a turbofish is missing or wrong).
pub(crate) fn reply_type(lw: &mut Lowerer<'_>, cmd: &Command, p: &syn::ExprPath) -> Option<Ty> {
    let s = |t: Ty| Some(t);
    match cmd.reply {
        ReplyKind::Unit => s(Ty::Unit),
        ReplyKind::Int | ReplyKind::Count => s(Ty::Int),
        ReplyKind::Flag | ReplyKind::OkOrNil => s(Ty::Bool),
        ReplyKind::OptionalString => s(Ty::Str.option()),
        ReplyKind::OptionalInt => s(Ty::Int.option()),
        ReplyKind::String | ReplyKind::Status => s(Ty::Str),
        ReplyKind::Float => s(Ty::Float),
        ReplyKind::OptionalFloat => s(Ty::Float.option()),
        ReplyKind::VecString => s(Ty::Vec(Box::new(Ty::Str))),
        ReplyKind::VecOptString => s(Ty::Vec(Box::new(Ty::Str.option()))),
        ReplyKind::VecFlag => s(Ty::Vec(Box::new(Ty::Bool))),
        ReplyKind::VecOptFloat => s(Ty::Vec(Box::new(Ty::Float.option()))),
        ReplyKind::PairsString => s(Ty::Vec(Box::new(Ty::Tuple(vec![Ty::Str, Ty::Str])))),
        ReplyKind::PairsScore => s(Ty::Vec(Box::new(Ty::Tuple(vec![Ty::Str, Ty::Float])))),
        ReplyKind::OptionalVecString => s(Ty::Vec(Box::new(Ty::Str)).option()),
        ReplyKind::StreamEntries => s(Ty::Vec(Box::new(Ty::Tuple(vec![Ty::Str, Ty::Vec(Box::new(Ty::Tuple(vec![Ty::Str, Ty::Str])))])))),
        ReplyKind::Time => s(Ty::Tuple(vec![Ty::Int, Ty::Int])),
        ReplyKind::OptionalValue => {
            let targ = match &p.path.segments.last().map(|s| &s.arguments) {
                Some(syn::PathArguments::AngleBracketed(a)) if a.args.len() == 1 => match &a.args[0] {
                    syn::GenericArgument::Type(t) => Lowerer::path_name(t).map(|(_, n)| n),
                    _ => None,
                },
                _ => None,
            };
            match targ.as_deref() {
                Some("i64") => s(Ty::Int.option()),
                Some("f64") => s(Ty::Float.option()),
                Some("String") => s(Ty::Str.option()),
                _ => {
                    lw.err(
                        Rule::Type,
                        p.span(),
                        format!("say which type `{}` reads", cmd.rust),
                        format!("write `{0}::<i64>(..)`, `{0}::<f64>(..)` or `{0}::<String>(..)`", cmd.rust),
                    );
                    None
                }
            }
        }
    }
}

pub(crate) fn command(lw: &mut Lowerer<'_>, cmd: &'static Command, p: &syn::ExprPath, args: &[&syn::Expr], span: Span) -> Expr {
    if args.len() != cmd.params.len() {
        return lw.arity(span, cmd.rust, cmd.params.len());
    }
    if cmd.reply != ReplyKind::OptionalValue {
        if let Some(syn::PathArguments::AngleBracketed(a)) = p.path.segments.last().map(|s| &s.arguments) {
            lw.err(Rule::Type, a.span(), format!("`{}` takes no type argument", cmd.rust), "its reply type is fixed");
        }
    }
    let Some(reply) = reply_type(lw, cmd, p) else { return poison(span) };
    // Lower the Rust arguments in their own order (Rust evaluates them left to right),
    // then lay them out in the order Redis wants.
    let mut lowered: Vec<Vec<CommandArg>> = Vec::new();
    for (kind, a) in cmd.params.iter().zip(args) {
        let mut out = Vec::new();
        param(lw, cmd, *kind, a, &mut out);
        lowered.push(out);
    }
    let mut laid = Vec::new();
    for e in cmd.emit_order() {
        match e {
            Emit::W(w) => laid.push(CommandArg::Word(w)),
            Emit::P(i) => laid.append(&mut lowered[i]),
        }
    }
    lw.mk(ExprKind::Command(CommandCall { command: cmd, args: laid, reply: reply.clone() }), reply, span)
}

pub(crate) fn scalar(t: &Ty) -> bool {
    matches!(t, Ty::Int | Ty::Float | Ty::Str | Ty::Never)
}

/// A `&[a, b]` / `[a, b]` array literal, if `e` is one.
pub(crate) fn array_literal(e: &syn::Expr) -> Option<&syn::ExprArray> {
    match e {
        syn::Expr::Reference(r) => array_literal(&r.expr),
        syn::Expr::Paren(p) => array_literal(&p.expr),
        syn::Expr::Array(a) => Some(a),
        _ => None,
    }
}

pub(crate) fn key_arg(lw: &mut Lowerer<'_>, cmd: &Command, a: &syn::Expr, out: &mut Vec<CommandArg>) {
    let e = lw.expr(a, Some(&Ty::Key));
    if !matches!(e.ty, Ty::Key | Ty::Never) {
        keys::not_a_key(lw.errors, e.span, cmd.redis, &e.ty, None);
    }
    out.push(CommandArg::Value(e));
}

pub(crate) fn value_arg(lw: &mut Lowerer<'_>, cmd: &Command, want: Option<&Ty>, a: &syn::Expr, out: &mut Vec<CommandArg>) {
    let e = lw.expr(a, want);
    if e.ty == Ty::Key {
        keys::key_as_data(lw.errors, e.span, cmd.redis, None);
    } else {
        let ok = match want {
            Some(Ty::Int) => e.ty.fits(&Ty::Int),
            Some(Ty::Float) => e.ty.fits(&Ty::Float),
            _ => scalar(&e.ty),
        };
        if !ok {
            let t = e.ty.clone();
            let w = want.map_or("i64, f64 or String".to_string(), |w| w.to_string());
            lw.err(Rule::Type, e.span, format!("{} expects {w} here, found `{t}`", cmd.redis), "");
        }
    }
    out.push(CommandArg::Value(e));
}

pub(crate) fn param(lw: &mut Lowerer<'_>, cmd: &Command, kind: ParamKind, a: &syn::Expr, out: &mut Vec<CommandArg>) {
    match kind {
        ParamKind::Key => key_arg(lw, cmd, a, out),
        ParamKind::Int => value_arg(lw, cmd, Some(&Ty::Int), a, out),
        ParamKind::Float => value_arg(lw, cmd, Some(&Ty::Float), a, out),
        ParamKind::Value => value_arg(lw, cmd, None, a, out),
        ParamKind::Keys => match array_literal(a) {
            Some(arr) => {
                if arr.elems.is_empty() {
                    lw.err(Rule::Arity, arr.span(), format!("{} needs at least one key", cmd.redis), format!("pass at least one key: `{}(&[&key])`", cmd.rust));
                }
                for el in &arr.elems {
                    key_arg(lw, cmd, el, out);
                }
            }
            None => {
                let e = lw.expr(a, None);
                match &e.ty {
                    Ty::Key | Ty::Never => out.push(CommandArg::Value(e)),
                    Ty::Vec(t) if **t == Ty::Key => out.push(CommandArg::Spread(e)),
                    other => keys::not_keys(lw.errors, e.span, cmd.redis, other),
                }
            }
        },
        ParamKind::Values => match array_literal(a) {
            Some(arr) => {
                if arr.elems.is_empty() {
                    lw.err(Rule::Arity, arr.span(), format!("{} needs at least one value", cmd.redis), "put at least one value in the array, or skip the call when there is nothing to send");
                }
                for el in &arr.elems {
                    value_arg(lw, cmd, None, el, out);
                }
            }
            None => {
                let e = lw.expr(a, None);
                match &e.ty {
                    t if scalar(t) => out.push(CommandArg::Value(e)),
                    Ty::Vec(t) if matches!(**t, Ty::Int | Ty::Float | Ty::Str) => out.push(CommandArg::Spread(e)),
                    Ty::Key => keys::key_as_data(lw.errors, e.span, cmd.redis, None),
                    other => {
                        let t = other.clone();
                        lw.err(Rule::Type, e.span, format!("{} expects a value, an array of values or a `Vec` here, found `{t}`", cmd.redis), "pass one value (a string or a number), an array literal of them (`&[a, b]`) or a `Vec<String>`");
                    }
                }
            }
        },
        ParamKind::Pairs | ParamKind::KeyValues => {
            let keys = kind == ParamKind::KeyValues;
            match array_literal(a) {
                Some(arr) => {
                    if arr.elems.is_empty() {
                        lw.err(Rule::Arity, arr.span(), format!("{} needs at least one pair", cmd.redis), format!("put at least one `{}` pair in the array, or skip the call when there is nothing to send", if keys { "(&key, value)" } else { "(field, value)" }));
                    }
                    for el in &arr.elems {
                        let syn::Expr::Tuple(t) = el else {
                            lw.err(Rule::Type, el.span(), "expected a `(name, value)` pair", if keys { "write `&[(&key, value), ..]`" } else { "write `&[(\"field\", value), ..]`" });
                            continue;
                        };
                        if t.elems.len() != 2 {
                            lw.err(Rule::Type, t.span(), "expected a pair of two elements", if keys { "write each pair as `(&key, value)`" } else { "write each pair as `(\"field\", value)`" });
                            continue;
                        }
                        if keys {
                            key_arg(lw, cmd, &t.elems[0], out);
                        } else {
                            value_arg(lw, cmd, None, &t.elems[0], out);
                        }
                        value_arg(lw, cmd, None, &t.elems[1], out);
                    }
                }
                None if !keys => {
                    let e = lw.expr(a, None);
                    match &e.ty {
                        Ty::Vec(t) if matches!(&**t, Ty::Tuple(ts) if ts.len() == 2 && ts.iter().all(|t| matches!(t, Ty::Int | Ty::Float | Ty::Str))) => {
                            out.push(CommandArg::SpreadPairs(e))
                        }
                        other => {
                            let t = other.clone();
                            lw.err(Rule::Type, e.span, format!("{} expects field/value pairs here, found `{t}`", cmd.redis), "pass `&[(\"field\", value), ..]` or a `Vec<(String, T)>`");
                        }
                    }
                }
                None => {
                    lw.err(Rule::Unsupported, a.span(), format!("{} takes its key/value pairs as an array literal", cmd.redis), "write `&[(&k1, v1), (&k2, v2)]`");
                }
            }
        }
        ParamKind::Word(words) => match a {
            syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) if words.contains(&s.value().as_str()) => {
                let w = words.iter().find(|w| **w == s.value()).copied().unwrap_or(words[0]);
                out.push(CommandArg::Word(w));
            }
            other => {
                lw.err(Rule::Type, other.span(), format!("{} expects one of {} here, as a string literal", cmd.redis, words.join(", ")), format!("write `\"{}\"` in place", words[0]));
            }
        },
        ParamKind::Options(spec) => options(lw, spec, a, out),
    }
}

/// `Type::new().a().b(x)` resolved at compile time to words and value arguments,
/// sent in the order of the spec whatever the call order.
pub(crate) fn options(lw: &mut Lowerer<'_>, spec: &'static OptionSpec, e: &syn::Expr, out: &mut Vec<CommandArg>) {
    let mut chain = Vec::new();
    let mut cur = e;
    loop {
        match cur {
            syn::Expr::MethodCall(m) => {
                chain.push(m);
                cur = &m.receiver;
            }
            syn::Expr::Paren(p) => cur = &p.expr,
            _ => break,
        }
    }
    let root_ok = matches!(cur, syn::Expr::Call(c) if c.args.is_empty() && matches!(&*c.func, syn::Expr::Path(p) if p.path.segments.len() == 2 && p.path.segments[0].ident == spec.type_name && p.path.segments[1].ident == "new"));
    if !root_ok {
        lw.err(Rule::Unsupported, e.span(), format!("`{}` must be written in place", spec.type_name), format!("write `{}::new()` followed by its options as the argument", spec.type_name));
        return;
    }
    let mut chosen: Vec<(usize, Option<Expr>)> = Vec::new();
    for m in chain.into_iter().rev() {
        let name = m.method.to_string();
        let Some(idx) = spec.methods.iter().position(|om| om.name == name) else {
            let names: Vec<&str> = spec.methods.iter().map(|om| om.name).collect();
            lw.err(Rule::Unsupported, m.method.span(), format!("`{}` has no option `{name}`", spec.type_name), format!("available: {}", names.join(", ")));
            continue;
        };
        let om = &spec.methods[idx];
        if chosen.iter().any(|(i, _)| *i == idx) {
            lw.err(Rule::Type, m.method.span(), format!("option `{name}` given twice"), format!("call `.{name}` once"));
            continue;
        }
        if om.group != 0 {
            if let Some((other, _)) = chosen.iter().find(|(i, _)| spec.methods[*i].group == om.group) {
                let o = spec.methods[*other].name;
                lw.err(Rule::Type, m.method.span(), format!("options `{o}` and `{name}` exclude each other"), "keep one of them");
                continue;
            }
        }
        let value = match om.arg {
            None => {
                if !m.args.is_empty() {
                    lw.arity(m.span(), &name, 0);
                }
                None
            }
            Some(kind) => {
                if m.args.len() != 1 {
                    lw.arity(m.span(), &name, 1);
                    None
                } else {
                    let want = match kind {
                        ParamKind::Int => Some(Ty::Int),
                        ParamKind::Float => Some(Ty::Float),
                        _ => None,
                    };
                    let v = lw.expr(&m.args[0], want.as_ref());
                    let ok = match &want {
                        Some(w) => v.ty.fits(w),
                        None => scalar(&v.ty),
                    };
                    if !ok {
                        let t = v.ty.clone();
                        let hint = want.as_ref().map_or(format!("pass `.{name}(..)` an integer, a float or a string"), |w| format!("pass `.{name}(..)` an `{w}`"));
                        lw.err(Rule::Type, v.span, format!("option `{name}` expects {}, found `{t}`", want.map_or("a value".to_string(), |w| format!("`{w}`"))), hint);
                    }
                    Some(v)
                }
            }
        };
        chosen.push((idx, value));
    }
    // `limit(offset)` needs `count(n)` and the other way round (ZRANGE LIMIT offset count).
    let has = |n: &str, chosen: &Vec<(usize, Option<Expr>)>| chosen.iter().any(|(i, _)| spec.methods[*i].name == n);
    if spec.methods.iter().any(|om| om.name == "limit") && has("limit", &chosen) != has("count", &chosen) {
        lw.err(Rule::Arity, e.span(), "`limit(offset)` and `count(n)` go together", "write `.limit(offset).count(n)`");
    }
    // The values go out in the order of the spec; Rust computes them in the order of
    // the calls: refuse when that could differ in effect.
    for (a, (ia, va)) in chosen.iter().enumerate() {
        for (ib, vb) in &chosen[a + 1..] {
            if let (Some(va), Some(vb)) = (va, vb) {
                if ia > ib && crate::ir::order_matters(va, vb) {
                    let (na, nb) = (spec.methods[*ia].name, spec.methods[*ib].name);
                    lw.err(Rule::Unsupported, vb.span, format!("options with effects out of order (`{nb}` after `{na}`) are not supported inside a redis function"), format!("write `.{nb}(..)` before `.{na}(..)`, or compute the values in `let`s first"));
                }
            }
        }
    }
    chosen.sort_by_key(|(i, _)| *i);
    for (i, v) in chosen {
        for w in spec.methods[i].words {
            out.push(CommandArg::Word(w));
        }
        if let Some(v) = v {
            out.push(CommandArg::Value(v));
        }
    }
}

/// A command's syntax as its documentation writes it: `HSET key field value [field value ...]`.
fn command_syntax(spec: &crate::command_spec::CommandSpec) -> String {
    fn arg(a: &crate::command_spec::Arg) -> String {
        use crate::command_spec::ArgType as A;
        let body = match a.kind {
            A::PureToken => a.token.unwrap_or(a.name).to_string(),
            A::OneOf => a.args.iter().map(arg).collect::<Vec<_>>().join(" | "),
            A::Block => a.args.iter().map(arg).collect::<Vec<_>>().join(" "),
            _ => match a.token {
                Some(t) => format!("{t} {}", a.name),
                None => a.name.to_string(),
            },
        };
        let body = if a.kind == A::OneOf && !a.optional { format!("<{body}>") } else { body };
        let body = if a.multiple { format!("{body} [{body} ...]") } else { body };
        if a.optional {
            format!("[{body}]")
        } else {
            body
        }
    }
    std::iter::once(spec.name.to_string()).chain(spec.args.iter().map(arg)).collect::<Vec<_>>().join(" ")
}

/// The hint of a wrong argument count, in words: `HSET takes at least 3 arguments after
/// its name: `HSET key field value [field value ...]``. `words`: the command's own words
/// (its name and subcommand).
fn arity_hint(spec: &crate::command_spec::CommandSpec, words: usize) -> String {
    let n = spec.arity.unsigned_abs() as usize - words;
    let takes = format!("{} {n} argument{}", if spec.arity > 0 { "exactly" } else { "at least" }, if n == 1 { "" } else { "s" });
    format!("{} takes {takes} after its name: `{}`", spec.name, command_syntax(spec))
}

impl Lowerer<'_> {
    /// One value of a `call!`: a declared key exactly where the command takes a key, and
    /// otherwise an integer, a float or a string (`i` counts from 0).
    fn check_call_arg(&mut self, v: &Expr, command: &str, i: usize, is_key: bool) {
        match (&v.ty, is_key) {
            (Ty::Key | Ty::Never, true) => {}
            (_, true) => crate::checks::keys::not_a_key(self.errors, v.span, command, &v.ty, Some(i + 1)),
            (Ty::Key, false) => crate::checks::keys::key_as_data(self.errors, v.span, command, Some(i + 1)),
            (Ty::Int | Ty::Float | Ty::Str | Ty::Never, false) => {}
            (t, false) => {
                let t = t.clone();
                self.err(Rule::Type, v.span, format!("`{t}` cannot be a command argument"), "pass integers, floats or strings");
            }
        }
    }
}

/// The arguments of a command that are values (spreads included), in order: the words
/// are written as they are.
fn value_args(args: &[CommandArg]) -> Vec<&ir::Expr> {
    args.iter()
        .filter_map(|a| match a {
            CommandArg::Value(v) | CommandArg::Spread(v) | CommandArg::SpreadPairs(v) => Some(v),
            CommandArg::Word(_) => None,
        })
        .collect()
}
