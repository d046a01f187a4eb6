//! Lowering of typed command calls: parameters by kind, options builders, reply types.

use crate::checks::keys;
use crate::commands::{Command, Emit, OptionSpec, ParamKind, ReplyKind};
use crate::diag::Rule;
use crate::ir::*;
use crate::lower::{poison, Lowerer};
use proc_macro2::Span;
use syn::spanned::Spanned;

/// The Rust type of a command's reply (`None` when a turbofish is missing or wrong).
fn reply_type(lw: &mut Lowerer<'_>, cmd: &Command, p: &syn::ExprPath) -> Option<Ty> {
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

fn scalar(t: &Ty) -> bool {
    matches!(t, Ty::Int | Ty::Float | Ty::Str | Ty::Never)
}

/// A `&[a, b]` / `[a, b]` array literal, if `e` is one.
fn array_literal(e: &syn::Expr) -> Option<&syn::ExprArray> {
    match e {
        syn::Expr::Reference(r) => array_literal(&r.expr),
        syn::Expr::Paren(p) => array_literal(&p.expr),
        syn::Expr::Array(a) => Some(a),
        _ => None,
    }
}

fn key_arg(lw: &mut Lowerer<'_>, cmd: &Command, a: &syn::Expr, out: &mut Vec<CommandArg>) {
    let e = lw.expr(a, Some(&Ty::Key));
    if !matches!(e.ty, Ty::Key | Ty::Never) {
        keys::not_a_key(lw.errors, e.span, cmd.redis, &e.ty, None);
    }
    out.push(CommandArg::Value(e));
}

fn value_arg(lw: &mut Lowerer<'_>, cmd: &Command, want: Option<&Ty>, a: &syn::Expr, out: &mut Vec<CommandArg>) {
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

fn param(lw: &mut Lowerer<'_>, cmd: &Command, kind: ParamKind, a: &syn::Expr, out: &mut Vec<CommandArg>) {
    match kind {
        ParamKind::Key => key_arg(lw, cmd, a, out),
        ParamKind::Int => value_arg(lw, cmd, Some(&Ty::Int), a, out),
        ParamKind::Float => value_arg(lw, cmd, Some(&Ty::Float), a, out),
        ParamKind::Value => value_arg(lw, cmd, None, a, out),
        ParamKind::Keys => match array_literal(a) {
            Some(arr) => {
                if arr.elems.is_empty() {
                    lw.err(Rule::Arity, arr.span(), format!("{} needs at least one key", cmd.redis), "");
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
                    lw.err(Rule::Arity, arr.span(), format!("{} needs at least one value", cmd.redis), "");
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
                        lw.err(Rule::Type, e.span, format!("{} expects a value, an array of values or a `Vec` here, found `{t}`", cmd.redis), "");
                    }
                }
            }
        },
        ParamKind::Pairs | ParamKind::KeyValues => {
            let keys = kind == ParamKind::KeyValues;
            match array_literal(a) {
                Some(arr) => {
                    if arr.elems.is_empty() {
                        lw.err(Rule::Arity, arr.span(), format!("{} needs at least one pair", cmd.redis), "");
                    }
                    for el in &arr.elems {
                        let syn::Expr::Tuple(t) = el else {
                            lw.err(Rule::Type, el.span(), "expected a `(name, value)` pair", "write `&[(\"field\", value), ..]`");
                            continue;
                        };
                        if t.elems.len() != 2 {
                            lw.err(Rule::Type, t.span(), "expected a pair of two elements", "");
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
fn options(lw: &mut Lowerer<'_>, spec: &'static OptionSpec, e: &syn::Expr, out: &mut Vec<CommandArg>) {
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
            lw.err(Rule::Type, m.method.span(), format!("option `{name}` given twice"), "");
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
                        lw.err(Rule::Type, v.span, format!("option `{name}` expects {}, found `{t}`", want.map_or("a value".to_string(), |w| format!("`{w}`"))), "");
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
