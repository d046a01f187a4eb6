//! Functions: the signature of a `#[redis_function]` (its parameters from `KEYS` and
//! `ARGV`, its return type), the module's plain helper functions, and calls of both.
//!
//! A redis function becomes a Lua function whose prologue reads and checks each argument
//! (numbers parsed with Rust's rules, `Key` from `KEYS`), whose `return` encodes the
//! value as a Redis reply ([`Gen::encode`]); a helper function becomes a `local function`
//! of the chunk, called with plain Lua values.

use crate::codegen::*;
use crate::diag::Rule;
use crate::ir::*;
use crate::ir::{narrow, ExprKind, Function, IntTy, ParamSource, Ty};
use crate::lower::{type_text, line_of, Lowerer};
use crate::lua::{BinOp as LB, Expr as L, Stmt as LS, StmtKind as K, UnOp as LU};
use crate::lualib::Helper;
use proc_macro2::Span;
use syn::spanned::Spanned;

impl Lowerer<'_> {
    /// `Key`, `i64`, `f64`, `String`, `bool`.
    pub(crate) fn scalar_param(ty: &syn::Type) -> Option<Ty> {
        match Self::path_name(ty) {
            Some((seg, n)) if seg.arguments.is_none() => match n.as_str() {
                "Key" => Some(Ty::Key),
                "i64" => Some(Ty::Int),
                "f64" => Some(Ty::Float),
                "String" => Some(Ty::Str),
                "bool" => Some(Ty::Bool),
                _ => None,
            },
            _ => None,
        }
    }

    pub(crate) fn param_type(&mut self, ty: &syn::Type) -> Option<Ty> {
        if let syn::Type::Reference(r) = ty {
            if let Some((_, n)) = Self::path_name(&r.elem) {
                if n == "str" {
                    return Some(Ty::Str);
                }
            }
        }
        // `Option<T>` (a trailing optional argument) and `Vec<T>` (the remaining keys or
        // arguments) of a scalar parameter type.
        if let Some((seg, n)) = Self::path_name(ty) {
            if n == "Option" || n == "Vec" {
                let inner = match &seg.arguments {
                    syn::PathArguments::AngleBracketed(a) => match a.args.first() {
                        Some(syn::GenericArgument::Type(inner)) => Self::scalar_param(inner),
                        _ => None,
                    },
                    _ => None,
                };
                match (n.as_str(), inner) {
                    ("Option", Some(t)) if t != Ty::Key => return Some(Ty::Option(Box::new(t))),
                    ("Vec", Some(t)) => return Some(Ty::Vec(Box::new(t))),
                    _ => {}
                }
            }
        }
        if let Some(t) = Self::scalar_param(ty) {
            return Some(t);
        }
        if Self::is_lua_number_type(ty) {
            return Some(Ty::Float);
        }
        if let Some(t) = self.enum_param(ty) {
            return t;
        }
        // The other integer types, as plain parameters: checked against their range.
        if let Some((seg, n)) = Self::path_name(ty) {
            if let (true, Some(k)) = (seg.arguments.is_none(), IntTy::from_name(&n)) {
                return Some(Ty::IntN(k));
            }
        }
        self.err(
            Rule::UnsupportedType,
            ty.span(),
            format!("parameter type `{}` is not supported", type_text(ty)),
            "parameters may be `Key` (a key, sent in KEYS), `i64` (or another integer type), `f64`, `String`, `&str` or `bool` (sent in ARGV), trailing `Option<i64 | f64 | String | bool>` arguments that may be left out, and a last `Vec<Key>` / `Vec<T>` taking the remaining keys / arguments",
        );
        None
    }

    /// The type of a `let` annotation, a struct field or a closure parameter: what a
    /// parameter or a return value may hold; `&T` is `T` (a shared reference reads the
    /// value, which nothing changes while it lives).
    pub(crate) fn local_type(&mut self, t: &syn::Type) -> Option<Ty> {
        if let syn::Type::Reference(r) = t {
            if r.mutability.is_some() {
                self.err(Rule::Unsupported, t.span(), format!("the type annotation `{}` is not supported", type_text(t)), "drop the annotation: `let x = &mut place;` (see `&mut` bindings in the language reference)");
                return None;
            }
            return match &*r.elem {
                syn::Type::Slice(_) => {
                    self.err(Rule::UnsupportedType, t.span(), format!("the slice type `{}` is not supported", type_text(t)), "keep a Vec: `let s = v[a..b].to_vec();`, or borrow the whole Vec: `let s = &v;`");
                    None
                }
                syn::Type::Path(p) if p.path.is_ident("str") => Some(Ty::Str),
                inner => self.local_type(inner),
            };
        }
        if let Some((_, n)) = Self::path_name(t) {
            if n == "Key" {
                return Some(Ty::Key);
            }
        }
        self.return_type(t)
    }

    pub(crate) fn return_type(&mut self, ty: &syn::Type) -> Option<Ty> {
        if let syn::Type::Tuple(t) = ty {
            if t.elems.is_empty() {
                return Some(Ty::Unit);
            }
            let mut ts = Vec::new();
            for e in &t.elems {
                let et = self.return_type(e)?;
                if matches!(et, Ty::Result(_) | Ty::Unit) {
                    self.err(Rule::UnsupportedType, e.span(), format!("`{et}` inside a tuple is not supported"), if et == Ty::Unit { "leave the `()` out of the tuple" } else { "put the `Result` outside the tuple: `Result<(i64, String), Reject>`" });
                    return None;
                }
                ts.push(et);
            }
            return Some(Ty::Tuple(ts));
        }
        let bad = |lw: &mut Self| {
            lw.err(
                Rule::UnsupportedType,
                ty.span(),
                format!("return type `{}` is not supported", type_text(ty)),
                "return `i64`, `f64`, `bool`, `String`, `Option<_>`, `Vec<_>`, a tuple, `()` or `Result<_, Reject>`",
            );
            None
        };
        let Some((seg, n)) = Self::path_name(ty) else { return bad(self) };
        let generic_args = |seg: &syn::PathSegment| -> Vec<syn::Type> {
            match &seg.arguments {
                syn::PathArguments::AngleBracketed(a) => a
                    .args
                    .iter()
                    .filter_map(|g| match g {
                        syn::GenericArgument::Type(t) => Some(t.clone()),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            }
        };
        match n.as_str() {
            "i64" | "bool" | "String" | "f64" if seg.arguments.is_none() => Some(match n.as_str() {
                "i64" => Ty::Int,
                "f64" => Ty::Float,
                "bool" => Ty::Bool,
                _ => Ty::Str,
            }),
            "HashMap" => {
                let args = generic_args(seg);
                if args.len() != 2 || Self::path_name(&args[0]).map(|(_, n)| n) != Some("String".into()) {
                    self.err(Rule::UnsupportedType, ty.span(), "maps are `HashMap<String, T>`", "Lua tables and Redis hashes are keyed by strings");
                    return None;
                }
                let inner = self.return_type(&args[1])?;
                if matches!(inner, Ty::Option(_) | Ty::Result(_) | Ty::Unit) {
                    self.err(Rule::UnsupportedType, args[1].span(), format!("`HashMap<String, {inner}>` is not supported"), "a Lua table cannot hold nil values");
                    return None;
                }
                Some(Ty::Map(Box::new(inner)))
            }
            "Vec" => {
                let args = generic_args(seg);
                if args.len() != 1 {
                    return bad(self);
                }
                let inner = self.return_type(&args[0])?;
                let opt_ok = matches!(&inner, Ty::Option(t) if matches!(**t, Ty::Int | Ty::IntN(_) | Ty::Float | Ty::Str));
                if matches!(inner, Ty::Option(_) | Ty::Result(_) | Ty::Unit) && !opt_ok {
                    self.err(Rule::UnsupportedType, args[0].span(), format!("`Vec<{inner}>` is not supported"), "a Vec may hold `Option<i64>`, `Option<f64>` or `Option<String>` (None is stored as `false`), not other options");
                    return None;
                }
                Some(Ty::Vec(Box::new(inner)))
            }
            name if seg.arguments.is_none() && IntTy::from_name(name).is_some() => IntTy::from_name(name).map(Ty::IntN),
            "Value" if seg.arguments.is_none() => Some(Ty::Dyn),
            name if seg.arguments.is_none() && self.ctx.struct_items.contains_key(name) => self.struct_type(name, ty.span()),
            name if self.is_enum_name(name) => self.enum_type(name),
            "Self" if seg.arguments.is_none() && self.self_type.is_some() => {
                let name = self.self_type.clone().unwrap_or_default();
                if self.is_enum_name(&name) {
                    self.enum_type(&name)
                } else {
                    self.struct_type(&name, ty.span())
                }
            }
            "Option" => {
                let args = generic_args(seg);
                if args.len() != 1 {
                    return bad(self);
                }
                let inner = self.return_type(&args[0])?;
                if matches!(inner, Ty::Option(_) | Ty::Result(_) | Ty::Unit) {
                    self.err(Rule::UnsupportedType, args[0].span(), format!("`Option<{inner}>` cannot be told apart from `None` in Lua"), "use a plain type inside `Option`");
                    return None;
                }
                Some(inner.option())
            }
            "Result" => {
                let args = generic_args(seg);
                if args.len() != 2 || Self::path_name(&args[1]).map(|(_, n)| n) != Some("Reject".into()) {
                    self.err(Rule::UnsupportedType, ty.span(), "a redis function's `Result` must use `Reject` as its error type", "write `Result<T, Reject>` and return `Err(reject!(\"message\"))`");
                    return None;
                }
                let inner = self.return_type(&args[0])?;
                if matches!(inner, Ty::Result(_)) {
                    return bad(self);
                }
                Some(Ty::Result(Box::new(inner)))
            }
            _ => bad(self),
        }
    }

    pub(crate) fn function(&mut self, f: &syn::ItemFn, options: FnOptions) -> Option<Function> {
        let sig = &f.sig;
        let mut ok = true;
        if let Some(c) = &sig.constness {
            self.err(Rule::Unsupported, c.span, "a `const` redis function", "remove `const`");
            ok = false;
        }
        if let Some(a) = &sig.asyncness {
            self.err(Rule::Unsupported, a.span, "an `async` redis function", "remove `async`: the stubs give you async calls");
            ok = false;
        }
        if let Some(u) = &sig.unsafety {
            self.err(Rule::Unsupported, u.span, "an `unsafe` redis function", "remove `unsafe`");
            ok = false;
        }
        // An empty `where` is valid Rust and changes nothing.
        let has_predicates = sig.generics.where_clause.as_ref().is_some_and(|w| !w.predicates.is_empty());
        if !sig.generics.params.is_empty() || has_predicates {
            self.err(Rule::Unsupported, sig.generics.span(), "a generic redis function", "use concrete types: Key, i64, String, bool");
            ok = false;
        }
        if let Some(v) = &sig.variadic {
            self.err(Rule::Unsupported, v.span(), "a variadic function", "take the remaining arguments as a last parameter of type `Vec<String>`");
            ok = false;
        }
        let name = sig.ident.to_string();
        let name = name.strip_prefix("r#").unwrap_or(&name).to_string();
        if !crate::parse::valid_redis_name(&name) {
            self.err(Rule::InvalidName, sig.ident.span(), format!("`{name}` is not a valid Redis function name"), "function names may contain only ASCII letters, digits and underscores");
            ok = false;
        }
        let mut params = Vec::new();
        let (mut nk, mut na, mut no) = (0, 0, 0);
        let (mut rest_keys, mut rest_args) = (false, false);
        for input in &sig.inputs {
            let pt = match input {
                syn::FnArg::Receiver(r) => {
                    self.err(Rule::Unsupported, r.span(), "a `self` parameter", "redis functions are free functions");
                    ok = false;
                    continue;
                }
                syn::FnArg::Typed(pt) => pt,
            };
            let (pname, mutable) = match &*pt.pat {
                syn::Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => (pi.ident.clone(), pi.mutability.is_some()),
                other => {
                    self.err(Rule::Unsupported, other.span(), "a pattern in parameter position", "bind the parameter to a plain name");
                    ok = false;
                    continue;
                }
            };
            let Some(ty) = self.param_type(&pt.ty) else {
                ok = false;
                continue;
            };
            let is_key = matches!(&ty, Ty::Key) || matches!(&ty, Ty::Vec(t) if **t == Ty::Key);
            let rest_taken = if is_key { rest_keys } else { rest_args };
            if rest_taken {
                self.err(
                    Rule::UnsupportedType,
                    pt.ty.span(),
                    format!("{} after the `Vec` that takes the remaining ones", if is_key { "a key" } else { "an argument" }),
                    "the `Vec` parameter must come last among the keys (or the arguments)",
                );
                ok = false;
            }
            let optional = matches!(ty, Ty::Option(_));
            if !is_key && no > 0 && !optional && !matches!(ty, Ty::Vec(_)) {
                self.err(
                    Rule::UnsupportedType,
                    pt.ty.span(),
                    "a required argument after an optional one",
                    "`Option<T>` parameters must come last among the arguments: ARGV has no holes",
                );
                ok = false;
            }
            if optional && rest_args || matches!(ty, Ty::Vec(_)) && !is_key && no > 0 {
                self.err(
                    Rule::UnsupportedType,
                    pt.ty.span(),
                    "optional arguments and a `Vec` taking the remaining arguments in one function",
                    "ARGV cannot tell them apart: keep one or the other",
                );
                ok = false;
            }
            let source = match (&ty, is_key) {
                (Ty::Vec(_), true) => {
                    rest_keys = true;
                    ParamSource::KeysFrom(nk + 1)
                }
                (Ty::Vec(_), false) => {
                    rest_args = true;
                    ParamSource::ArgsFrom(na + 1)
                }
                (Ty::Option(_), false) => {
                    no += 1;
                    ParamSource::OptArg(na + no)
                }
                (_, true) => {
                    nk += 1;
                    ParamSource::Key(nk)
                }
                (_, false) => {
                    na += 1;
                    ParamSource::Arg(na)
                }
            };
            let var = self.declare(&pname.to_string(), ty.clone(), mutable);
            let lua_number = Self::is_lua_number_type(&pt.ty);
            params.push(Param { var, name: pname.to_string(), ty, source, span: pname.span(), lua_number });
        }
        let ret = match &sig.output {
            syn::ReturnType::Default => Ty::Unit,
            syn::ReturnType::Type(_, t) => match self.return_type(t) {
                Some(r) if self.enum_reply_refused(&r, t.span()) => {
                    ok = false;
                    r
                }
                Some(t) => t,
                None => {
                    ok = false;
                    Ty::Unit
                }
            },
        };
        if !ok {
            return None;
        }
        self.ret = ret.clone();
        let expect = ret.clone();
        let body = self.block(&f.block, Some(&expect));
        if !(body.ty.fits(&ret) || ret == Ty::Unit && body.tail.is_none()) {
            let span = body.tail.as_ref().map_or(f.block.span(), |t| t.span);
            self.err(Rule::Type, span, format!("the function returns `{ret}` but its body evaluates to `{}`", body.ty), "make the last expression of the body the value to return");
        }
        Some(Function {
            name,
            span: sig.ident.span(),
            options,
            params,
            num_keys: nk,
            num_args: na,
            opt_args: no,
            ret,
            body,
            vars: std::mem::take(&mut self.vars),
            line: line_of(sig.fn_token.span),
            key_origins: std::mem::take(&mut self.key_origins),
        })
    }

    /// The index of helper `name`, lowering its signature on first use.
    pub(crate) fn helper_index(&mut self, name: &str, span: Span) -> Option<usize> {
        if let Some(&i) = self.ctx.by_name.get(name) {
            return Some(i);
        }
        let item = self.ctx.items.get(name)?.clone();
        let sig = &item.sig;
        if !sig.generics.params.is_empty() || sig.asyncness.is_some() || sig.constness.is_some() || sig.unsafety.is_some() || sig.variadic.is_some() {
            self.err(Rule::Unsupported, sig.ident.span(), format!("helper `{name}` must be a plain, non-generic `fn`"), "remove `async`, `const`, `unsafe` and type parameters: a helper is a plain `fn` with concrete types");
            return None;
        }
        let mut tys = Vec::new();
        for input in &sig.inputs {
            let syn::FnArg::Typed(pt) = input else {
                self.err(Rule::Unsupported, input.span(), "a `self` parameter", "helpers are free functions");
                return None;
            };
            if !matches!(&*pt.pat, syn::Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none()) {
                self.err(Rule::Unsupported, pt.pat.span(), "a pattern in parameter position", "bind the parameter to a plain name");
                return None;
            }
            let ty = match &*pt.ty {
                // `&mut self` of a method (lang/impls.rs): the receiver's value, returned changed.
                syn::Type::Reference(r) if r.mutability.is_some() && matches!(&*pt.pat, syn::Pat::Ident(pi) if pi.ident == "self") => self.local_type(&r.elem),
                syn::Type::Reference(r) if r.mutability.is_none() => match &*r.elem {
                    syn::Type::Slice(sl) => self.local_type(&sl.elem).map(|t| Ty::Vec(Box::new(t))),
                    syn::Type::Path(_) if Self::path_name(&r.elem).is_some_and(|(_, n)| n == "str") => Some(Ty::Str),
                    inner => self.local_type(inner),
                },
                t => self.local_type(t),
            };
            tys.push(ty?);
        }
        let ret = match &sig.output {
            syn::ReturnType::Default => Ty::Unit,
            syn::ReturnType::Type(_, t) => self.local_type(t)?,
        };
        if matches!(ret, Ty::Reject) {
            self.err(Rule::Unsupported, sig.output.span(), "a helper returning `Reject`", "return `Result<T, Reject>` and call the helper with `?`");
            return None;
        }
        let ret = self.method_ret(&item, ret, tys.first())?;
        let _ = span;
        let base = format!("h_{}", name.strip_prefix("r#").unwrap_or(name).replace("::", "_"));
        let mut lua = base.clone();
        let mut n = 2;
        while !self.ctx.lua_names.insert(lua.clone()) {
            lua = format!("{base}_{n}");
            n += 1;
        }
        let i = self.ctx.fns.len();
        self.ctx.fns.push(HelperFn {
            name: name.to_string(),
            lua,
            params: Vec::new(),
            param_tys: tys,
            ret,
            body: None,
            vars: Vec::new(),
            line: line_of(sig.fn_token.span),
            span: sig.ident.span(),
            key_origins: Vec::new(),
        });
        self.ctx.by_name.insert(name.to_string(), i);
        self.ctx.pending.push((i, item));
        Some(i)
    }

    pub(crate) fn call_helper(&mut self, i: usize, args: &[&syn::Expr], span: Span) -> Expr {
        let (tys, ret, name) = (self.ctx.fns[i].param_tys.clone(), self.ctx.fns[i].ret.clone(), self.ctx.fns[i].name.clone());
        if tys.len() != args.len() {
            return self.arity(span, &name, tys.len());
        }
        let mut es = Vec::new();
        for (a, t) in args.iter().zip(&tys) {
            let e = self.expr(a, Some(t));
            if !e.ty.fits(t) {
                self.err(Rule::Type, e.span, format!("expected `{t}`, found `{}`", e.ty), "");
            }
            es.push(e);
        }
        self.mk(ExprKind::CallHelper(i, es), ret, span)
    }
}

impl Gen<'_> {
    /// True where a rejection can be returned: a redis function, or a helper returning
    /// `Result<_, Reject>`.
    pub(crate) fn rejects(&self) -> bool {
        self.reply || matches!(self.ret, Ty::Result(_))
    }

    /// Returns the rejection `err` (an error reply table): a redis function returns it as
    /// its reply; a helper returning `Result` returns `nil, err`, its value being the first.
    pub(crate) fn reject_return(&self, err: L) -> LS {
        let vals = if self.reply { vec![err] } else { vec![L::Nil, err] };
        self.stmt(K::Return(vals))
    }

    /// `helper(..)?` of a helper returning `Result<_, Reject>`: `local v, err = h(..)`, the
    /// rejection returned at once, the value `v`.
    pub(crate) fn try_helper(&mut self, call: &Expr, out: &mut Vec<LS>) -> L {
        let c = self.expr(call, out);
        let (v, err) = (self.temp(), self.temp());
        out.push(self.stmt(K::Local(vec![v.clone(), err.clone()], vec![c])));
        let ret = self.reject_return(L::name(err.clone()));
        out.push(self.stmt(K::If(vec![(L::bin(LB::Ne, L::name(err), L::Nil), vec![ret])], None)));
        L::name(v)
    }

    pub(crate) fn prologue(&mut self, f: &Function, out: &mut Vec<LS>) {
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
            if let (true, ParamSource::Arg(i)) = (p.lua_number, p.source) {
                let v = self.lua_number_param(L::index(L::name("args"), L::int(i as i64)), &p.name);
                self.locals += 1;
                out.push(self.stmt(K::Local(vec![lua], vec![v])));
                continue;
            }
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
                } else {
                    let v = self.helper(Helper::ArgFloat, vec![raw.clone(), L::str(&p.name)]);
                    check.push(self.stmt(K::Assign(vec![L::name(lua.clone())], vec![v])));
                }
                // Only short texts are kept (a long one would stay in memory until the
                // library is reloaded); every accepted number fits.
                let keep = vec![self.stmt(K::Assign(vec![text.clone()], vec![raw.clone()])), self.stmt(K::Assign(vec![num], vec![L::name(lua.clone())]))];
                let short = L::bin(LB::Le, L::un(LU::Len, raw.clone()), L::int(ARGS_MEMO_MAX_LEN as i64));
                check.push(self.stmt(K::If(vec![(short, keep)], None)));
                out.push(self.stmt(K::If(vec![(L::bin(LB::Ne, raw, text), check)], None)));
                continue;
            }
            if let (ParamSource::Arg(i), Ty::Int) = (p.source, &p.ty) {
                let raw = L::index(L::name("args"), L::int(i as i64));
                self.locals += 1;
                out.push(self.stmt(K::Local(vec![lua.clone()], vec![L::call("tonumber", vec![raw.clone()])])));
                let check = self.int_arg_check(&lua, raw, &p.name);
                out.push(check);
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
                    if let Ty::Enum(e) = &p.ty {
                        let names = e.variants.iter().map(|v| L::str(&v.name)).collect();
                        self.locals += 1;
                        let val = self.helper(Helper::ArgEnum, vec![raw, L::str(&p.name), L::Table(names, vec![])]);
                        out.push(self.stmt(K::Local(vec![lua], vec![val])));
                        continue;
                    }
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

    /// `return v`, encoded as the reply of type `ty`.
    pub(crate) fn return_value(&mut self, v: L, ty: &Ty, out: &mut Vec<LS>) {
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

    /// Encodes a value of type `ty` as a reply (bools as 1/0, `None` inside arrays as
    /// a nil element).
    pub(crate) fn encode(&mut self, v: L, ty: &Ty, out: &mut Vec<LS>) -> L {
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
            // A record replies as a hash does (`field, value, ..`), decoded by its derive.
            Ty::Struct(st) if st.record => self.record_reply(v, st),
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
}

impl Lowerer<'_> {
    /// A library function called by path that is not translated.
    pub(crate) fn std_call_refused(&mut self, segs: &[String], at: proc_macro2::Span, span: proc_macro2::Span) -> Expr {
        let path = segs.join("::");
        self.err(
            Rule::Unsupported,
            at,
            format!("function `{path}` is not available inside a redis function"),
            "a redis function calls its library's helper `fn`s, the typed commands, and the few library functions of the language reference (`Vec::new`, `String::from`, `std::cmp::max` / `min`, ..): write this with methods (`a.max(b)`) or a helper `fn`",
        );
        crate::lower::poison(span)
    }

    /// The library functions called by path that keep their Rust meaning:
    /// `std::cmp::max(a, b)` / `min` (also `cmp::max`, and `max` imported) of integers,
    /// `String::from(s)`, and the lossless conversions `i64::from(n)`, `f64::from(n)`, ...
    pub(crate) fn std_call(&mut self, segs: &[String], args: &[&syn::Expr], span: proc_macro2::Span) -> Option<Expr> {
        let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
        let rest = match segs.as_slice() {
            ["std" | "core", rest @ ..] => rest,
            rest => rest,
        };
        match rest {
            ["cmp", f @ ("max" | "min")] if args.len() == 2 => {
                let mut a = self.expr(args[0], None);
                let want = Some(a.ty.clone()).filter(|t| t.is_int());
                let mut b = self.expr(args[1], want.as_ref());
                let ty = match self.unify_ints(&mut a, &mut b) {
                    Some(t) if t.is_int() || t == Ty::Never => t,
                    Some(t) => {
                        let hint = if t == Ty::Float { "f64 is not `Ord` in Rust: write `a.max(b)` (which ignores a NaN)" } else { "compare integers (strings would compare by the server's locale in Lua)" };
                        self.err(Rule::Unsupported, span, format!("`std::cmp::{f}` of `{t}` is not supported inside a redis function"), hint);
                        return Some(crate::lower::poison(span));
                    }
                    None => {
                        let (at, bt) = (a.ty.clone(), b.ty.clone());
                        self.int_mismatch(span, &at, &bt);
                        return Some(crate::lower::poison(span));
                    }
                };
                let m = if *f == "max" { Method::IntMax } else { Method::IntMin };
                Some(self.mk(ExprKind::Method(m, vec![a, b]), ty, span))
            }
            // `i64::from(n)`, `f64::from(n)`: the conversions that keep every value (rustc
            // refuses the others in the native twin).
            [to, "from"] if args.len() == 1 && (*to == "f64" || *to == "i64" || IntTy::from_name(to).is_some()) => {
                let e = self.expr(args[0], None);
                if !e.ty.is_int() && e.ty != Ty::Never {
                    let t = e.ty.clone();
                    self.err(Rule::Unsupported, span, format!("`{to}::from` of `{t}` is not supported inside a redis function"), "convert integers: `i64::from(n)`, `f64::from(n)`");
                    return Some(crate::lower::poison(span));
                }
                if *to == "f64" {
                    return Some(self.mk(e.kind, Ty::Float, span));
                }
                let target = if *to == "i64" { Ty::Int } else { Ty::IntN(IntTy::from_name(to)?) };
                Some(self.int_cast(e, target, span))
            }
            ["String", "from"] if args.len() == 1 => {
                let s = self.expr(args[0], Some(&Ty::Str));
                if !s.ty.fits(&Ty::Str) {
                    let t = s.ty.clone();
                    self.err(Rule::Type, s.span, format!("`String::from` of `{t}`"), "`String::from` takes a string or a char; format a number with `n.to_string()`");
                    return Some(crate::lower::poison(span));
                }
                Some(Expr { span, ..s })
            }
            _ => None,
        }
    }
}
