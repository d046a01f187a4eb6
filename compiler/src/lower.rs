//! Lowering: syn's AST of one function → the typed IR, checking types on the way.
//!
//! Every Rust construct is either translated with its Rust meaning or refused here
//! with a spanned diagnostic. Nothing unknown passes through.

use crate::commands::{self, Command};
use crate::diag::{Errors, Rule};
use crate::ir::*;
use crate::lua::KEYWORDS;
use proc_macro2::Span;
use std::collections::HashSet;
use syn::spanned::Spanned;

/// The largest integer Lua represents exactly, with its negation the smallest: ±(2^53 - 1).
pub const MAX_SAFE_INT: i64 = (1 << 53) - 1;

/// Names the generated Lua uses itself: Rust variables with these names are renamed.
const RESERVED: &[&str] = &[
    "redis", "KEYS", "ARGV", "keys", "args", "tonumber", "tostring", "type", "error", "pcall",
    "string", "math", "table", "unpack", "select", "ipairs", "pairs", "next", "assert", "rawget",
    "rawset", "rawequal", "setmetatable", "getmetatable", "cjson", "cmsgpack", "bit", "struct",
    "_G", "_VERSION", "loadstring", "gcinfo", "xpcall", "setfenv", "getfenv", "newproxy",
];

/// A type as the user wrote it, for messages (`HashMap<String, i64>`).
pub fn type_text(ty: &syn::Type) -> String {
    quote::ToTokens::to_token_stream(ty).to_string().replace(" :: ", "::").replace(" < ", "<").replace("< ", "<").replace(" >", ">").replace(" ,", ",").replace("& ", "&")
}

/// The line of a span (1-based; 0 when unknown).
pub fn line_of(span: Span) -> u32 {
    span.start().line as u32
}

/// Lowers one `#[redis_function]`. Returns `None` when its signature is unusable;
/// body errors are recorded in `errors` and a function is still returned.
pub fn lower_function(f: &syn::ItemFn, options: FnOptions, errors: &mut Errors, ctx: &mut HelperCtx) -> Option<Function> {
    // A first pass finds the integer types that rustc gives to variables declared from a
    // literal without a type (`let mut i = 0; while i < v.len()` makes `i` a usize); when
    // there are any, a second pass declares them with those types from the start.
    let mut first_errors = Errors::new();
    let mut first_ctx = ctx.clone();
    let mut lw = Lowerer::new(&mut first_errors, &mut first_ctx);
    let first = lw.function(f, options.clone());
    let hints = std::mem::take(&mut lw.int_found);
    if hints.is_empty() {
        errors.append(first_errors);
        *ctx = first_ctx;
        return first;
    }
    let mut lw = Lowerer::new(errors, ctx);
    lw.int_hints = hints;
    lw.function(f, options)
}

/// The helper functions a chunk may call: plain `fn`s of a library module and `fn`
/// items inside bodies. Each is lowered once, when first called.
#[derive(Default, Clone)]
pub struct HelperCtx {
    pub(crate) items: std::collections::HashMap<String, syn::ItemFn>,
    /// The helpers lowered so far, in the order they were first called.
    pub fns: Vec<HelperFn>,
    pub(crate) by_name: std::collections::HashMap<String, usize>,
    pub(crate) pending: Vec<(usize, syn::ItemFn)>,
    pub(crate) lua_names: HashSet<String>,
    /// Plain structs that bodies may use, by name.
    pub(crate) struct_items: std::collections::HashMap<String, syn::ItemStruct>,
    /// Structs already lowered.
    pub(crate) structs: std::collections::HashMap<String, StructTy>,
}

impl HelperCtx {
    /// A context whose candidates are `items` (plain functions next to the redis functions).
    pub fn new(items: impl IntoIterator<Item = syn::ItemFn>) -> Self {
        let mut c = HelperCtx::default();
        for it in items {
            c.items.insert(it.sig.ident.to_string(), it);
        }
        c
    }

    /// Makes the plain structs of a library module usable in its functions.
    pub fn with_structs(mut self, items: impl IntoIterator<Item = syn::ItemStruct>) -> Self {
        for it in items {
            self.struct_items.insert(it.ident.to_string(), it);
        }
        self
    }

    /// Lowers the bodies of every helper called so far (and of those they call).
    pub fn finish(&mut self, errors: &mut Errors) {
        while let Some((i, item)) = self.pending.pop() {
            let (ret, tys) = (self.fns[i].ret.clone(), self.fns[i].param_tys.clone());
            // Two passes, as for redis functions (see `lower_function`): the first finds
            // the integer types of variables declared from literals.
            let hints = {
                let (mut scratch_errors, mut scratch) = (Errors::new(), self.clone());
                let mut lw = Lowerer::new(&mut scratch_errors, &mut scratch);
                lw.ret = ret.clone();
                for (input, t) in item.sig.inputs.iter().zip(tys.clone()) {
                    if let syn::FnArg::Typed(pt) = input {
                        if let syn::Pat::Ident(pi) = &*pt.pat {
                            lw.declare(&pi.ident.to_string(), t, pi.mutability.is_some());
                        }
                    }
                }
                lw.block(&item.block, Some(&ret));
                std::mem::take(&mut lw.int_found)
            };
            let mut lw = Lowerer::new(errors, self);
            lw.int_hints = hints;
            lw.ret = ret.clone();
            let mut params = Vec::new();
            for (input, t) in item.sig.inputs.iter().zip(tys) {
                if let syn::FnArg::Typed(pt) = input {
                    if let syn::Pat::Ident(pi) = &*pt.pat {
                        params.push(lw.declare(&pi.ident.to_string(), t, pi.mutability.is_some()));
                    }
                }
            }
            let body = lw.block(&item.block, Some(&ret));
            if !(body.ty.fits(&ret) || ret == Ty::Unit && body.tail.is_none()) {
                let span = body.tail.as_ref().map_or(item.block.span(), |t| t.span);
                lw.err(Rule::Type, span, format!("`{}` returns `{ret}` but its body evaluates to `{}`", item.sig.ident, body.ty), "");
            }
            let vars = std::mem::take(&mut lw.vars);
            let key_origins = std::mem::take(&mut lw.key_origins);
            let h = &mut self.fns[i];
            h.key_origins = key_origins;
            h.params = params;
            h.body = Some(body);
            h.vars = vars;
        }
    }
}

/// Lowers a function signature only: used for stubs when the body has errors.
pub struct Lowerer<'e> {
    pub(crate) errors: &'e mut Errors,
    pub(crate) vars: Vec<Var>,
    pub(crate) scopes: Vec<Vec<(String, VarId)>>,
    pub(crate) used: HashSet<String>,
    /// The return type of the innermost function or closure.
    pub(crate) ret: Ty,
    /// Enclosing loops, innermost last, with their labels.
    pub(crate) loops: Vec<(LoopId, Option<String>)>,
    pub(crate) next_loop: usize,
    pub(crate) ctx: &'e mut HelperCtx,
    /// The keys the body makes, for the key checks.
    pub(crate) key_origins: Vec<KeyOrigin>,
    /// The flags of labelled `break`/`continue` out of nested loops (Lua 5.1 has no `goto`).
    pub(crate) exit_flags: Vec<crate::lower_lang::ExitFlag>,
    /// Variables declared from an integer literal without a type (their type is `i64`
    /// unless a use gives them another), with where they are declared.
    pub(crate) flex: std::collections::HashMap<VarId, crate::lower_int::DeclPos>,
    /// Integer types of such variables found by the first pass, used by the second.
    pub(crate) int_hints: std::collections::HashMap<crate::lower_int::DeclPos, IntTy>,
    /// Integer types of such variables found by this pass.
    pub(crate) int_found: std::collections::HashMap<crate::lower_int::DeclPos, IntTy>,
    /// The variable of `for i in 0..n` (with such bounds) and the bounds' variables, which
    /// take the type that `i` takes.
    pub(crate) flex_links: std::collections::HashMap<crate::lower_int::DeclPos, Vec<VarId>>,
}

impl<'e> Lowerer<'e> {
    pub(crate) fn new(errors: &'e mut Errors, ctx: &'e mut HelperCtx) -> Self {
        Lowerer { errors, vars: Vec::new(), scopes: vec![Vec::new()], used: HashSet::new(), ret: Ty::Unit, loops: Vec::new(), next_loop: 0, ctx, key_origins: Vec::new(), exit_flags: Vec::new(), flex: Default::default(), int_hints: Default::default(), int_found: Default::default(), flex_links: Default::default() }
    }
}

fn args_len_is_one(c: &syn::ExprCall) -> bool {
    c.args.len() == 1
}

/// Where to point at a macro's arguments: the arguments, or the delimiters when there
/// are none (an empty token stream has no span of its own: it would point at the call site).
pub(crate) fn macro_args_span(mac: &syn::Macro) -> Span {
    if mac.tokens.is_empty() {
        mac.delimiter.span().join()
    } else {
        mac.tokens.span()
    }
}

pub(crate) fn poison(span: Span) -> Expr {
    Expr { kind: ExprKind::Unit, ty: Ty::Never, span, line: line_of(span) }
}

impl Lowerer<'_> {
    pub(crate) fn err(&mut self, rule: Rule, span: Span, msg: impl Into<String>, hint: impl Into<String>) {
        self.errors.push(rule, span, msg, hint);
    }

    pub(crate) fn unsupported(&mut self, span: Span, what: &str, hint: &str) -> Expr {
        self.err(Rule::Unsupported, span, format!("{what} is not supported inside a redis function"), hint);
        poison(span)
    }

    // ----- signature -------------------------------------------------------------

    fn function(&mut self, f: &syn::ItemFn, options: FnOptions) -> Option<Function> {
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
            self.err(Rule::Unsupported, v.span(), "a variadic function", "");
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
                    format!("a {} after the `Vec` that takes the remaining ones", if is_key { "key" } else { "argument" }),
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
            params.push(Param { var, name: pname.to_string(), ty, source, span: pname.span() });
        }
        let ret = match &sig.output {
            syn::ReturnType::Default => Ty::Unit,
            syn::ReturnType::Type(_, t) => match self.return_type(t) {
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

    pub(crate) fn path_name(ty: &syn::Type) -> Option<(&syn::PathSegment, String)> {
        match ty {
            // A type passed through a `macro_rules!` fragment (`$t:ty`).
            syn::Type::Group(g) => Self::path_name(&g.elem),
            syn::Type::Path(tp) if tp.qself.is_none() => {
                let seg = tp.path.segments.last()?;
                Some((seg, seg.ident.to_string()))
            }
            _ => None,
        }
    }

    /// `Key`, `i64`, `f64`, `String`, `bool`.
    fn scalar_param(ty: &syn::Type) -> Option<Ty> {
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

    fn param_type(&mut self, ty: &syn::Type) -> Option<Ty> {
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

    pub(crate) fn return_type(&mut self, ty: &syn::Type) -> Option<Ty> {
        if let syn::Type::Tuple(t) = ty {
            if t.elems.is_empty() {
                return Some(Ty::Unit);
            }
            let mut ts = Vec::new();
            for e in &t.elems {
                let et = self.return_type(e)?;
                if matches!(et, Ty::Result(_) | Ty::Unit) {
                    self.err(Rule::UnsupportedType, e.span(), format!("`{et}` inside a tuple is not supported"), "");
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

    // ----- names -----------------------------------------------------------------

    pub(crate) fn lua_name(&mut self, rust: &str) -> String {
        let rust = rust.strip_prefix("r#").unwrap_or(rust);
        let mut base: String = rust
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c.to_string() } else { format!("_u{:x}", c as u32) })
            .collect();
        // `h_` names the Lua functions of helpers: a local of that name would hide one.
        if base.starts_with("redlua_") || base.starts_with("h_") || KEYWORDS.contains(&base.as_str()) || RESERVED.contains(&base.as_str()) {
            base.push('_');
        }
        let mut name = base.clone();
        let mut i = 2;
        while !self.used.insert(name.clone()) {
            name = format!("{base}_{i}");
            i += 1;
        }
        name
    }

    pub(crate) fn declare(&mut self, name: &str, ty: Ty, mutable: bool) -> VarId {
        let lua = self.lua_name(name);
        let id = VarId(self.vars.len());
        self.vars.push(Var { name: name.to_string(), lua, ty, mutable });
        if let Some(s) = self.scopes.last_mut() {
            s.push((name.to_string(), id));
        }
        id
    }

    /// Declares the names a refused pattern binds, with no usable type, so that their
    /// uses report nothing more.
    pub(crate) fn declare_poisoned(&mut self, p: &syn::Pat) {
        match p {
            syn::Pat::Ident(pi) => {
                self.declare(&pi.ident.to_string(), Ty::Never, true);
            }
            syn::Pat::Type(pt) => self.declare_poisoned(&pt.pat),
            syn::Pat::Reference(r) => self.declare_poisoned(&r.pat),
            syn::Pat::Tuple(t) => t.elems.iter().for_each(|e| self.declare_poisoned(e)),
            syn::Pat::Slice(sl) => sl.elems.iter().for_each(|e| self.declare_poisoned(e)),
            syn::Pat::TupleStruct(t) => t.elems.iter().for_each(|e| self.declare_poisoned(e)),
            syn::Pat::Or(o) => {
                if let Some(first) = o.cases.first() {
                    self.declare_poisoned(first);
                }
            }
            syn::Pat::Paren(pp) => self.declare_poisoned(&pp.pat),
            _ => {}
        }
    }

    pub(crate) fn lookup(&self, name: &str) -> Option<VarId> {
        self.scopes.iter().rev().flat_map(|s| s.iter().rev()).find(|(n, _)| n == name).map(|(_, id)| *id)
    }

    // ----- blocks and statements -------------------------------------------------

    pub(crate) fn block(&mut self, b: &syn::Block, expect: Option<&Ty>) -> Block {
        self.scopes.push(Vec::new());
        // `fn` items of the block are helpers, usable anywhere in it.
        for st in &b.stmts {
            if let syn::Stmt::Item(syn::Item::Fn(f)) = st {
                let name = f.sig.ident.to_string();
                match self.ctx.items.get(&name) {
                    Some(prev) if quote::ToTokens::to_token_stream(prev).to_string() != quote::ToTokens::to_token_stream(f).to_string() => self.err(Rule::InvalidName, f.sig.ident.span(), format!("two helper functions named `{name}`"), "rename one of them: helpers share one Lua chunk"),
                    _ => {
                        self.ctx.items.insert(name, f.clone());
                    }
                }
            }
        }
        let mut stmts = Vec::new();
        let mut tail = None;
        let n = b.stmts.len();
        // `const` items are visible in the whole block, before their declaration too, and
        // cannot depend on its locals: they become locals at its start.
        for s in &b.stmts {
            if let syn::Stmt::Item(syn::Item::Const(c)) = s {
                let (ident, ty, value) = (&c.ident, &c.ty, &c.expr);
                let local: syn::Stmt = syn::parse_quote_spanned!(c.const_token.span=> let #ident: #ty = #value;);
                if let syn::Stmt::Local(l) = &local {
                    if let Some(st) = self.local(l) {
                        stmts.push(st);
                    }
                }
            }
        }
        for (i, s) in b.stmts.iter().enumerate() {
            let last = i + 1 == n;
            match s {
                syn::Stmt::Item(syn::Item::Const(_)) => {}
                syn::Stmt::Local(l) => {
                    if let Some(st) = self.local(l) {
                        stmts.push(st);
                    }
                }
                // An empty statement (`;;`): nothing to do.
                syn::Stmt::Expr(syn::Expr::Verbatim(t), Some(_)) if t.is_empty() => {}
                syn::Stmt::Expr(e, None) if last => {
                    let e = self.expr(e, expect);
                    tail = Some(Box::new(e));
                }
                syn::Stmt::Expr(e, semi) => {
                    let line = line_of(e.span());
                    if let Some(st) = self.assignment(e) {
                        stmts.push(st);
                        continue;
                    }
                    let ex = self.expr(e, None);
                    if semi.is_none() && !matches!(ex.ty, Ty::Unit | Ty::Never) {
                        self.err(Rule::Type, ex.span, format!("expected `()`, found `{}`", ex.ty), "add a `;` after the expression or use its value");
                    }
                    stmts.push(Stmt { kind: StmtKind::Expr(ex), line });
                }
                syn::Stmt::Item(syn::Item::Fn(_)) => {}
                syn::Stmt::Item(it) => {
                    self.err(Rule::Unsupported, it.span(), "this item inside a redis function is not supported", "move it out of the function (nested `fn`s are supported)");
                }
                syn::Stmt::Macro(m) => {
                    let ex = self.macro_expr(&m.mac, m.span());
                    stmts.push(Stmt { line: line_of(m.span()), kind: StmtKind::Expr(ex) });
                }
            }
        }
        self.scopes.pop();
        let ty = match &tail {
            Some(t) => t.ty.clone(),
            None => {
                let diverges = stmts.last().is_some_and(|s| matches!(&s.kind, StmtKind::Expr(e) if e.ty == Ty::Never));
                if diverges {
                    Ty::Never
                } else {
                    Ty::Unit
                }
            }
        };
        Block { stmts, tail, ty }
    }

    pub(crate) fn local(&mut self, l: &syn::Local) -> Option<Stmt> {
        let line = line_of(l.let_token.span);
        let (pat, annot) = match &l.pat {
            syn::Pat::Type(pt) => (&*pt.pat, Some(&*pt.ty)),
            p => (p, None),
        };
        if let Some(init) = &l.init {
            if let Some((_, d)) = &init.diverge {
                if annot.is_some() {
                    self.err(Rule::Unsupported, l.pat.span(), "a type annotation in `let ... else`", "drop the annotation");
                    return None;
                }
                return self.let_else(pat, &init.expr, d, line);
            }
        }
        let (name, mutable, name_span) = match pat {
            syn::Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => (pi.ident.to_string(), pi.mutability.is_some(), pi.ident.span()),
            syn::Pat::Tuple(pt) => return self.let_tuple(l, pt, annot, line),
            syn::Pat::Wild(_) if annot.is_none() => {
                // `let _ = e;` evaluates `e` and drops the value.
                let init = l.init.as_ref()?;
                let e = self.expr(&init.expr, None);
                return Some(Stmt { kind: StmtKind::Expr(e), line });
            }
            other => {
                self.err(Rule::Unsupported, other.span(), "this pattern in `let` is not supported", "bind a plain name: `let x = ...;`");
                self.declare_poisoned(other);
                return None;
            }
        };
        let want = match annot {
            Some(t) => Some(self.local_type(t)?),
            None => None,
        };
        let Some(init) = &l.init else {
            self.err(Rule::Unsupported, l.span(), "`let` without a value is not supported", "give the variable its value where you declare it");
            self.declare_poisoned(&l.pat);
            return None;
        };
        let mut e = self.expr(&init.expr, want.as_ref());
        // `let n = 0;`: an integer whose type its uses may give (see lower_int).
        let flex = if want.is_none() { self.let_int_type(&mut e, name_span) } else { None };
        let ty = want.unwrap_or_else(|| e.ty.clone());
        if !e.ty.fits(&ty) {
            let hint = if e.ty.is_int() && ty.is_int() { "Rust does not mix integer types: convert with `as`" } else { "" };
            self.err(Rule::Type, e.span, format!("expected `{ty}`, found `{}`", e.ty), hint);
        }
        if matches!(ty, Ty::Result(_) | Ty::Reject) {
            self.err(Rule::Unsupported, e.span, format!("a `{ty}` value stored in a variable is not supported"), "return `Ok(..)` or `Err(reject!(..))` directly");
        }
        if ty == Ty::Never {
            // `let x = return ..;`: keep going without a variable type to report.
        }
        let var = self.declare(&name, ty, mutable);
        if let Some(pos) = flex {
            self.flex.insert(var, pos);
        }
        Some(Stmt { kind: StmtKind::Let(var, e), line })
    }

    pub(crate) fn local_type(&mut self, t: &syn::Type) -> Option<Ty> {
        // A local may hold what a parameter or a return value may hold.
        if let syn::Type::Reference(_) = t {
            return self.param_type(t);
        }
        if let Some((_, n)) = Self::path_name(t) {
            if n == "Key" {
                return Some(Ty::Key);
            }
        }
        self.return_type(t)
    }

    /// `x = e;` and `x op= e;`.
    fn assignment(&mut self, e: &syn::Expr) -> Option<Stmt> {
        let (lhs, rhs, op) = match e {
            syn::Expr::Assign(a) => (&*a.left, &*a.right, None),
            syn::Expr::Binary(b) => {
                let op = match b.op {
                    syn::BinOp::AddAssign(_) => BinOp::Add,
                    syn::BinOp::SubAssign(_) => BinOp::Sub,
                    syn::BinOp::MulAssign(_) => BinOp::Mul,
                    syn::BinOp::DivAssign(_) => BinOp::Div,
                    syn::BinOp::RemAssign(_) => BinOp::Rem,
                    syn::BinOp::BitAndAssign(_) => BinOp::BitAnd,
                    syn::BinOp::BitOrAssign(_) => BinOp::BitOr,
                    syn::BinOp::BitXorAssign(_) => BinOp::BitXor,
                    syn::BinOp::ShlAssign(_) => BinOp::Shl,
                    syn::BinOp::ShrAssign(_) => BinOp::Shr,
                    _ => return None,
                };
                (&*b.left, &*b.right, Some(op))
            }
            _ => return None,
        };
        let line = line_of(e.span());
        if let Some(st) = self.assign_entry(lhs, rhs, op, e.span(), line) {
            return Some(st);
        }
        if let (syn::Expr::Index(ix), None) = (lhs, op) {
            return self.assign_index(ix, rhs, line);
        }
        if let syn::Expr::Field(fe) = lhs {
            return self.assign_field(fe, rhs, op, e.span(), line);
        }
        let syn::Expr::Path(p) = lhs else {
            self.unsupported(lhs.span(), "assigning to this place", "assign to a local variable");
            return None;
        };
        let name = p.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
        let Some(var) = self.lookup(&name) else {
            self.err(Rule::UnknownName, lhs.span(), format!("cannot find variable `{name}`"), "");
            return None;
        };
        let v = self.vars[var.0].clone();
        if !v.mutable {
            self.err(Rule::Type, lhs.span(), format!("cannot assign twice to immutable variable `{name}`"), format!("declare it with `let mut {name}`"));
        }
        let rhs_e = self.expr(rhs, Some(&v.ty));
        // `x op= e`: Rust computes `e` before it reads `x` (`x = x op e` reads `x` first).
        let (first, rhs_e) = self.value_first(op, rhs_e, var);
        let value = match op {
            None => rhs_e,
            Some(op) => {
                let cur = Expr { kind: ExprKind::Var(var), ty: v.ty.clone(), span: lhs.span(), line };
                if v.ty == Ty::Float {
                    if !rhs_e.ty.fits(&Ty::Float) {
                        let t = rhs_e.ty.clone();
                        self.err(Rule::Type, rhs_e.span, format!("expected `f64`, found `{t}`"), "Rust does not mix integers and floats: convert with `as f64`");
                    }
                    self.mk(ExprKind::Binary(op, Box::new(cur), Box::new(rhs_e)), Ty::Float, e.span())
                } else if v.ty == Ty::Str && op == BinOp::Add {
                    self.mk(ExprKind::Method(Method::StrConcat, vec![cur, rhs_e]), Ty::Str, e.span())
                } else if v.ty == Ty::Bool && matches!(op, BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor) {
                    self.bool_bits(op, cur, rhs_e, e.span())
                } else if op.is_bitwise() {
                    self.bits(op, cur, rhs_e, e.span())
                } else {
                    self.arith(op, cur, rhs_e, e.span())
                }
            }
        };
        if v.ty != Ty::Never && !value.ty.fits(&v.ty) {
            self.err(Rule::Type, value.span, format!("expected `{}`, found `{}`", v.ty, value.ty), "");
        }
        Some(self.after(first, Stmt { kind: StmtKind::Assign(var, value), line }, e.span()))
    }

    /// For `place op= value`: when computing the value may change the variable of the
    /// place, it is computed first into a hidden local, as Rust computes it before it
    /// reads the place; `(let, value)`.
    pub(crate) fn value_first(&mut self, op: Option<BinOp>, value: Expr, var: VarId) -> (Option<Stmt>, Expr) {
        if op.is_some() && value.may_change(var) {
            let (s, v) = self.hidden_let("value", value);
            (Some(s), v)
        } else {
            (None, value)
        }
    }

    /// `stmt`, after `first` when there is one (the two in a block).
    pub(crate) fn after(&mut self, first: Option<Stmt>, stmt: Stmt, span: Span) -> Stmt {
        let Some(first) = first else { return stmt };
        let line = stmt.line;
        let block = Block { stmts: vec![first, stmt], tail: None, ty: Ty::Unit };
        Stmt { kind: StmtKind::Expr(self.mk(ExprKind::Block(block), Ty::Unit, span)), line }
    }

    /// `*map.entry(k).or_insert(d) op= rhs;` (and `.or_default()`, and plain `=`): the
    /// counting idiom, as `map[k] = (map[k] or d) op rhs`.
    fn assign_entry(&mut self, lhs: &syn::Expr, rhs: &syn::Expr, op: Option<BinOp>, span: Span, line: u32) -> Option<Stmt> {
        let syn::Expr::Unary(syn::ExprUnary { op: syn::UnOp::Deref(_), expr, .. }) = lhs else { return None };
        let syn::Expr::MethodCall(or) = &**expr else { return None };
        let e = self.entry(or)?;
        let vt = e.vt.clone();
        let current = self.mk(ExprKind::Method(Method::MapGet, vec![e.map.clone(), e.key.clone()]), vt.clone().option(), span);
        let current = self.mk(ExprKind::UnwrapOr(Box::new(current), Box::new(e.default.clone())), vt.clone(), span);
        let rhs_e = self.expr(rhs, Some(&vt));
        // Rust computes the right side first, then the key and the default (which it
        // computes even for `=`).
        let mut stmts = Vec::new();
        let key = match &e.key_let.kind {
            StmtKind::Let(_, k) => k,
            _ => &e.key,
        };
        let rhs_e = if order_matters(&rhs_e, key) || order_matters(&rhs_e, &e.default) || rhs_e.may_change(map_var(&e.map)) {
            let (s, v) = self.hidden_let("value", rhs_e);
            stmts.push(s);
            v
        } else {
            rhs_e
        };
        stmts.push(e.key_let);
        if op.is_none() && !e.default.is_pure() {
            stmts.push(Stmt { kind: StmtKind::Expr(e.default.clone()), line });
        }
        let value = match op {
            None => rhs_e,
            Some(BinOp::Add) if vt == Ty::Str => self.mk(ExprKind::Method(Method::StrConcat, vec![current, rhs_e]), Ty::Str, span),
            Some(op) if vt == Ty::Float => self.mk(ExprKind::Binary(op, Box::new(current), Box::new(rhs_e)), Ty::Float, span),
            Some(op) if op.is_bitwise() => self.bits(op, current, rhs_e, span),
            Some(op) => self.arith(op, current, rhs_e, span),
        };
        if !value.ty.fits(&vt) {
            self.err(Rule::Type, value.span, format!("expected `{vt}`, found `{}`", value.ty), "");
        }
        let insert = self.mk(ExprKind::Method(Method::MapInsert, vec![e.map, e.key, value]), vt.option(), span);
        stmts.push(Stmt { kind: StmtKind::Expr(insert), line });
        let block = Block { stmts, tail: None, ty: Ty::Unit };
        Some(Stmt { kind: StmtKind::Expr(self.mk(ExprKind::Block(block), Ty::Unit, span)), line })
    }

    /// `map.entry(k).or_insert(d)` (or `.or_default()`) as a value: inserts `d` when the
    /// key is absent, then gives the value the key holds.
    pub(crate) fn entry_value(&mut self, or: &syn::ExprMethodCall) -> Option<Expr> {
        let span = or.span();
        let line = line_of(span);
        let e = self.entry(or)?;
        let vt = e.vt.clone();
        let placeholder = self.mk(e.placeholder(), vt.clone(), span);
        let current = self.mk(ExprKind::Method(Method::MapGet, vec![e.map.clone(), e.key.clone()]), vt.clone().option(), span);
        let absent = self.mk(ExprKind::IsNone(Box::new(current.clone())), Ty::Bool, span);
        let insert = self.mk(ExprKind::Method(Method::MapInsert, vec![e.map.clone(), e.key.clone(), e.default]), vt.clone().option(), span);
        let then = Block { stmts: vec![Stmt { kind: StmtKind::Expr(insert), line }], tail: None, ty: Ty::Unit };
        let fill = self.mk(ExprKind::If(Box::new(absent), then, None), Ty::Unit, span);
        let value = self.mk(ExprKind::UnwrapOr(Box::new(current), Box::new(placeholder)), vt.clone(), span);
        let block = Block { stmts: vec![e.key_let, Stmt { kind: StmtKind::Expr(fill), line }], tail: Some(Box::new(value)), ty: vt.clone() };
        Some(self.mk(ExprKind::Block(block), vt, span))
    }

    /// The parts of `map.entry(k).or_insert(d)` / `.or_default()`: `None` when `or` is not
    /// that shape.
    fn entry(&mut self, or: &syn::ExprMethodCall) -> Option<Entry> {
        let span = or.span();
        let default_arg = match (or.method.to_string().as_str(), or.args.len()) {
            ("or_insert", 1) => Some(&or.args[0]),
            ("or_default", 0) => None,
            _ => return None,
        };
        let syn::Expr::MethodCall(entry) = &*or.receiver else { return None };
        if entry.method != "entry" || entry.args.len() != 1 {
            return None;
        }
        let map = self.expr(&entry.receiver, None);
        let Ty::Map(vt) = map.ty.clone() else {
            let t = map.ty.clone();
            self.err(Rule::Unsupported, entry.receiver.span(), format!("`.entry()` on `{t}`"), "the entry idiom works on a `HashMap<String, _>`");
            let (key_let, key) = self.hidden_let("entry_key", poison(span));
            return Some(Entry { map, key, key_let, vt: Ty::Never, default: poison(span) });
        };
        let mut vt = (*vt).clone();
        if !matches!(&map.kind, ExprKind::Var(v) if self.vars[v.0].mutable) {
            self.err(Rule::Type, map.span, "`.entry()` changes the map: it must be a `let mut` variable", "declare it with `let mut`");
        }
        // `let mut m = HashMap::new();` then the entry idiom: the value type comes from the
        // default, as rustc infers it.
        let infer = vt == Ty::Never;
        let default = match default_arg {
            Some(d) if infer => {
                let d = self.expr(d, None);
                vt = d.ty.clone();
                d
            }
            Some(d) => self.expr(d, Some(&vt)),
            None => match vt {
                Ty::Int | Ty::IntN(_) => self.mk(ExprKind::Int(0), vt.clone(), span),
                Ty::Float => self.mk(ExprKind::Float(0.0), Ty::Float, span),
                Ty::Str => self.mk(ExprKind::Str(Vec::new()), Ty::Str, span),
                Ty::Bool => self.mk(ExprKind::Bool(false), Ty::Bool, span),
                ref t => {
                    let t = t.clone();
                    self.err(Rule::Unsupported, or.method.span(), format!("`.or_default()` of `{t}`"), "write `.or_insert(value)`");
                    poison(span)
                }
            },
        };
        if infer && vt != Ty::Never {
            if let ExprKind::Var(var) = &map.kind {
                self.vars[var.0].ty = Ty::Map(Box::new(vt.clone()));
            }
        }
        let map = Expr { ty: Ty::Map(Box::new(vt.clone())), ..map };
        let key = self.expr(&entry.args[0], Some(&Ty::Str));
        if !key.ty.fits(&Ty::Str) {
            let t = key.ty.clone();
            self.err(Rule::Type, key.span, format!("map keys are strings, found `{t}`"), "");
        }
        let (key_let, key) = self.hidden_let("entry_key", key);
        Some(Entry { map, key, key_let, vt, default })
    }

    // ----- expressions -----------------------------------------------------------

    pub(crate) fn mk(&self, kind: ExprKind, ty: Ty, span: Span) -> Expr {
        Expr { kind, ty, span, line: line_of(span) }
    }

    pub(crate) fn expr(&mut self, e: &syn::Expr, expect: Option<&Ty>) -> Expr {
        let span = e.span();
        match e {
            syn::Expr::Lit(l) => {
                let e = self.lit(&l.lit);
                self.expect_int(e, expect)
            }
            syn::Expr::Paren(p) => self.expr(&p.expr, expect),
            syn::Expr::Group(g) => self.expr(&g.expr, expect),
            syn::Expr::Reference(r) => {
                if r.mutability.is_some() {
                    return self.unsupported(span, "a `&mut` reference", "pass the value itself");
                }
                self.expr(&r.expr, expect)
            }
            syn::Expr::Path(p) => {
                let e = self.path_expr(p, expect);
                self.expect_int(e, expect)
            }
            syn::Expr::Binary(b) => self.binary(b, span, expect),
            syn::Expr::Unary(u) => {
                let a = self.expr(&u.expr, expect);
                match (&u.op, &a.ty) {
                    (syn::UnOp::Not(_), Ty::Bool) => self.mk(ExprKind::Unary(UnOp::Not, Box::new(a)), Ty::Bool, span),
                    (syn::UnOp::Not(_), t) if t.is_int() => {
                        let t = t.clone();
                        self.mk(ExprKind::Unary(UnOp::BitNot, Box::new(a)), t, span)
                    }
                    (syn::UnOp::Neg(_), Ty::Float) => {
                        if let ExprKind::Float(x) = a.kind {
                            return self.mk(ExprKind::Float(-x), Ty::Float, span);
                        }
                        self.mk(ExprKind::Unary(UnOp::Neg, Box::new(a)), Ty::Float, span)
                    }
                    (syn::UnOp::Neg(_), t) if t.is_int() && t.int_n().is_none_or(|k| k.signed()) => {
                        let t = t.clone();
                        if let ExprKind::Int(n) = a.kind {
                            return self.mk(ExprKind::Int(-n), t, span);
                        }
                        self.mk(ExprKind::Unary(UnOp::Neg, Box::new(a)), t, span)
                    }
                    (syn::UnOp::Deref(_), _) => a,
                    (_, Ty::Never) => a,
                    (op, t) => {
                        let t = t.clone();
                        self.err(Rule::Type, span, format!("cannot apply `{}` to `{t}`", quote::ToTokens::to_token_stream(op)), "`!` takes a bool or an i64, unary `-` an i64 or an f64");
                        poison(span)
                    }
                }
            }
            syn::Expr::If(i) => self.if_expr(i, expect),
            syn::Expr::Block(b) => {
                if b.label.is_some() {
                    return self.unsupported(span, "a labelled block", "use an `if` or a helper function with `return`");
                }
                let blk = self.block(&b.block, expect);
                let ty = blk.ty.clone();
                self.mk(ExprKind::Block(blk), ty, span)
            }
            syn::Expr::Return(r) => {
                let ret = self.ret.clone();
                let v = match &r.expr {
                    Some(v) => {
                        let v = self.expr(v, Some(&ret));
                        if !v.ty.fits(&ret) {
                            self.err(Rule::Type, v.span, format!("the function returns `{ret}`, found `{}`", v.ty), "");
                        }
                        Some(Box::new(v))
                    }
                    None => {
                        if ret != Ty::Unit {
                            self.err(Rule::Type, span, format!("`return` without a value in a function returning `{ret}`"), "");
                        }
                        None
                    }
                };
                self.mk(ExprKind::Return(v), Ty::Never, span)
            }
            syn::Expr::Call(c) => self.call(c, expect),
            syn::Expr::MethodCall(m) => self.method_call(m, expect),
            syn::Expr::Macro(m) => self.macro_expr(&m.mac, span),
            syn::Expr::Assign(_) => self.unsupported(span, "an assignment used as a value", "write the assignment as its own statement"),
            syn::Expr::While(w) => self.while_loop(w),
            syn::Expr::Loop(l) => self.loop_expr(l),
            syn::Expr::ForLoop(f) => self.for_loop(f),
            syn::Expr::Break(b) => self.break_expr(b),
            syn::Expr::Continue(c) => self.continue_expr(c),
            syn::Expr::Match(m) => self.match_expr(m, expect),
            syn::Expr::Closure(c) => self.closure(c),
            syn::Expr::Index(i) => self.index(i),
            syn::Expr::Field(f) => self.tuple_field(f),
            syn::Expr::Struct(st) => self.struct_literal(st),
            syn::Expr::Tuple(t) if t.elems.is_empty() => self.mk(ExprKind::Unit, Ty::Unit, span),
            syn::Expr::Tuple(t) => self.tuple(t, expect),
            syn::Expr::Array(_) => self.unsupported(span, "an array", "use `vec![..]`; arrays are only for the variadic arguments of commands (`&[&a, &b]`)"),
            syn::Expr::Cast(c) => self.cast(c),
            syn::Expr::Try(t) => self.try_expr(t),
            syn::Expr::Unsafe(_) => self.unsupported(span, "an `unsafe` block", "remove `unsafe`: nothing in a redis function needs it"),
            syn::Expr::Async(_) | syn::Expr::Await(_) => self.unsupported(span, "async code", "redis functions run synchronously on the server"),
            _ => self.unsupported(span, "this expression", ""),
        }
    }

    fn lit(&mut self, l: &syn::Lit) -> Expr {
        let span = l.span();
        match l {
            syn::Lit::Int(i) => {
                let ty = match i.suffix() {
                    "" | "i64" => Ty::Int,
                    s => match IntTy::from_name(s) {
                        Some(k) => Ty::IntN(k),
                        None => {
                            self.err(Rule::UnsupportedType, span, format!("integer type `{s}` is not supported"), "use `i64` (or no suffix) or another integer type of Rust up to 64 bits");
                            return poison(span);
                        }
                    },
                };
                match i.base10_parse::<i64>() {
                    Ok(n) if n <= MAX_SAFE_INT => self.mk(ExprKind::Int(n), ty, span),
                    _ => {
                        self.err(
                            Rule::IntegerRange,
                            span,
                            "this integer cannot be represented exactly by Lua numbers",
                            "redis functions compute with integers within ±(2^53 - 1) = ±9007199254740991",
                        );
                        poison(span)
                    }
                }
            }
            syn::Lit::Float(f) => {
                if !matches!(f.suffix(), "" | "f64") {
                    self.err(Rule::UnsupportedType, span, format!("float type `{}` is not supported", f.suffix()), "use `f64` (or no suffix)");
                    return poison(span);
                }
                match f.base10_parse::<f64>() {
                    Ok(x) if x.is_finite() => self.mk(ExprKind::Float(x), Ty::Float, span),
                    _ => {
                        self.err(Rule::IntegerRange, span, "this float literal is not a finite f64", "");
                        poison(span)
                    }
                }
            }
            syn::Lit::Str(s) => self.mk(ExprKind::Str(s.value().into_bytes()), Ty::Str, span),
            // A char is its UTF-8 text: as a pattern (`s.split(':')`, `s.contains('x')`) or
            // pushed onto a String it means the same.
            syn::Lit::Char(c) => self.mk(ExprKind::Str(c.value().to_string().into_bytes()), Ty::Str, span),
            syn::Lit::Bool(b) => self.mk(ExprKind::Bool(b.value), Ty::Bool, span),
            _ => {
                self.err(Rule::Unsupported, span, "this kind of literal is not supported inside a redis function", "use integer, string or bool literals");
                poison(span)
            }
        }
    }

    fn path_expr(&mut self, p: &syn::ExprPath, expect: Option<&Ty>) -> Expr {
        let span = p.span();
        if let Some(id) = p.path.get_ident() {
            let name = id.to_string();
            if let Some(var) = self.lookup(&name) {
                let ty = self.vars[var.0].ty.clone();
                return self.mk(ExprKind::Var(var), ty, span);
            }
            if name == "None" {
                return match expect {
                    Some(t @ Ty::Option(_)) => self.mk(ExprKind::None, t.clone(), span),
                    _ => {
                        self.err(Rule::Type, span, "cannot infer the type of this `None`", "annotate the variable, e.g. `let x: Option<i64> = None;`");
                        poison(span)
                    }
                };
            }
            self.err(Rule::UnknownName, span, format!("cannot find `{name}` in this redis function"), "only parameters and local variables can be used inside a redis function");
            return poison(span);
        }
        let segs: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
        if let [ty, c] = segs.as_slice() {
            if let Some(e) = self.int_const(ty, c, span) {
                return e;
            }
        }
        self.unsupported(span, "this path", "only parameters and local variables can be used inside a redis function")
    }

    fn binary(&mut self, b: &syn::ExprBinary, span: Span, expect: Option<&Ty>) -> Expr {
        use syn::BinOp as S;
        let op = match b.op {
            S::Add(_) => BinOp::Add,
            S::Sub(_) => BinOp::Sub,
            S::Mul(_) => BinOp::Mul,
            S::Div(_) => BinOp::Div,
            S::Rem(_) => BinOp::Rem,
            S::Eq(_) => BinOp::Eq,
            S::Ne(_) => BinOp::Ne,
            S::Lt(_) => BinOp::Lt,
            S::Le(_) => BinOp::Le,
            S::Gt(_) => BinOp::Gt,
            S::Ge(_) => BinOp::Ge,
            S::And(_) => BinOp::And,
            S::Or(_) => BinOp::Or,
            S::BitAnd(_) => BinOp::BitAnd,
            S::BitOr(_) => BinOp::BitOr,
            S::BitXor(_) => BinOp::BitXor,
            S::Shl(_) => BinOp::Shl,
            S::Shr(_) => BinOp::Shr,
            _ => return self.unsupported(span, "a compound assignment used as a value", "write it as its own statement"),
        };
        // An integer type expected of the result is the type of a literal left operand
        // (`let x: u32 = 1 << n;`); comparisons and `&&`, `||` ask nothing of their operands.
        let int_expect = expect.filter(|t| matches!(t, Ty::IntN(_))).filter(|_| !matches!(op, BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::And | BinOp::Or));
        let l = self.expr(&b.left, int_expect);
        match op {
            BinOp::Add if l.ty == Ty::Str => {
                let r = self.expr(&b.right, Some(&Ty::Str));
                if !r.ty.fits(&Ty::Str) {
                    let t = r.ty.clone();
                    self.err(Rule::Type, r.span, format!("expected `&str`, found `{t}`"), "");
                }
                self.mk(ExprKind::Method(Method::StrConcat, vec![l, r]), Ty::Str, span)
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem if l.ty == Ty::Float => {
                let r = self.expr(&b.right, Some(&Ty::Float));
                if !r.ty.fits(&Ty::Float) {
                    let t = r.ty.clone();
                    self.err(Rule::Type, r.span, format!("expected `f64`, found `{t}`"), "Rust does not mix integers and floats: convert with `as f64`");
                }
                self.mk(ExprKind::Binary(op, Box::new(l), Box::new(r)), Ty::Float, span)
            }
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => {
                let want = if l.ty.is_int() { l.ty.clone() } else { Ty::Int };
                let r = self.expr(&b.right, Some(&want));
                self.arith(op, l, r, span)
            }
            BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor if l.ty == Ty::Bool => {
                let r = self.expr(&b.right, Some(&Ty::Bool));
                self.bool_bits(op, l, r, span)
            }
            op if op.is_bitwise() => {
                // A shift amount may have any integer type; `& | ^` take the left side's.
                let want = if l.ty.is_int() && !matches!(op, BinOp::Shl | BinOp::Shr) { l.ty.clone() } else { Ty::Int };
                let r = self.expr(&b.right, Some(&want));
                self.bits(op, l, r, span)
            }
            BinOp::And | BinOp::Or => {
                let r = self.expr(&b.right, Some(&Ty::Bool));
                for x in [&l, &r] {
                    if !x.ty.fits(&Ty::Bool) {
                        let t = x.ty.clone();
                        self.err(Rule::Type, x.span, format!("expected `bool`, found `{t}`"), "`&&` and `||` take bools (Lua would treat 0 and \"\" as true)");
                    }
                }
                self.mk(ExprKind::Binary(op, Box::new(l), Box::new(r)), Ty::Bool, span)
            }
            _ => {
                let lt = if l.ty == Ty::Never { None } else { Some(l.ty.clone()) };
                let mut r = self.expr(&b.right, lt.as_ref());
                let mut l = l;
                if l.ty.is_int() && r.ty.is_int() {
                    if let Some(t) = self.unify_ints(&mut l, &mut r) {
                        r.ty = t.clone();
                        l.ty = t;
                    }
                }
                let ty = if l.ty == Ty::Never { r.ty.clone() } else { l.ty.clone() };
                if !r.ty.fits(&ty) && ty != Ty::Never {
                    self.err(Rule::Type, r.span, format!("cannot compare `{}` with `{}`", l.ty, r.ty), "compare values of the same type");
                } else if matches!(op, BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge) && !matches!(ty, Ty::Int | Ty::IntN(_) | Ty::Float | Ty::Str | Ty::Never) {
                    self.err(
                        Rule::Unsupported,
                        b.op.span(),
                        format!("ordering comparison of `{ty}` is not supported"),
                        "integers, floats and strings can be ordered",
                    );
                } else if matches!(ty, Ty::Result(_) | Ty::Reject | Ty::Unit) {
                    self.err(Rule::Unsupported, b.op.span(), format!("comparing `{ty}` values is not supported"), "");
                }
                self.mk(ExprKind::Binary(op, Box::new(l), Box::new(r)), Ty::Bool, span)
            }
        }
    }

    /// `&`, `|`, `^`, `<<`, `>>` on i64.
    pub(crate) fn bits(&mut self, op: BinOp, mut l: Expr, mut r: Expr, span: Span) -> Expr {
        let want = [&l.ty, &r.ty].into_iter().find(|t| t.is_int()).cloned().unwrap_or(Ty::Int);
        let mut wrong = false;
        for x in [&l, &r] {
            if !x.ty.is_int() && x.ty != Ty::Never {
                let t = x.ty.clone();
                self.err(Rule::Type, x.span, format!("expected `{want}`, found `{t}`"), "bit operations take integer operands (`&`, `|`, `^` also take two bools)");
                wrong = true;
            }
        }
        if wrong {
            return poison(span);
        }
        // A shift has the type of its left side, whatever the type of the amount.
        let ty = if matches!(op, BinOp::Shl | BinOp::Shr) {
            if l.ty == Ty::Never {
                Ty::Int
            } else {
                l.ty.clone()
            }
        } else {
            match self.unify_ints(&mut l, &mut r) {
                Some(t) => t,
                None => {
                    self.int_mismatch(span, &l.ty, &r.ty);
                    return poison(span);
                }
            }
        };
        self.mk(ExprKind::Binary(op, Box::new(l), Box::new(r)), ty, span)
    }

    /// `&`, `|`, `^` on bools: both sides evaluated, unlike `&&` and `||`.
    fn bool_bits(&mut self, op: BinOp, l: Expr, r: Expr, span: Span) -> Expr {
        if !r.ty.fits(&Ty::Bool) {
            let t = r.ty.clone();
            self.err(Rule::Type, r.span, format!("expected `bool`, found `{t}`"), "");
        }
        self.mk(ExprKind::Binary(op, Box::new(l), Box::new(r)), Ty::Bool, span)
    }

    pub(crate) fn arith(&mut self, op: BinOp, mut l: Expr, mut r: Expr, span: Span) -> Expr {
        let want = [&l.ty, &r.ty].into_iter().find(|t| t.is_int()).cloned().unwrap_or(Ty::Int);
        let mut wrong = false;
        for x in [&l, &r] {
            if !x.ty.is_int() && x.ty != Ty::Never {
                let t = x.ty.clone();
                let hint = if t == Ty::Str { "string concatenation is not supported yet" } else { "arithmetic takes integer operands of one type" };
                self.err(Rule::Type, x.span, format!("expected `{want}`, found `{t}`"), hint);
                wrong = true;
            }
        }
        if wrong {
            return poison(span);
        }
        let ty = match self.unify_ints(&mut l, &mut r) {
            Some(Ty::Never) => Ty::Int,
            Some(t) => t,
            None => {
                self.int_mismatch(span, &l.ty, &r.ty);
                return poison(span);
            }
        };
        // Constant folding keeps literal arithmetic exact and readable (not past the bounds
        // of the type, which Rust refuses at compile time and panics on at run time).
        if let (ExprKind::Int(a), ExprKind::Int(b)) = (&l.kind, &r.kind) {
            let v = match op {
                BinOp::Add => a.checked_add(*b),
                BinOp::Sub => a.checked_sub(*b),
                BinOp::Mul => a.checked_mul(*b),
                _ => None,
            };
            let (lo, hi) = crate::lower_int::int_bounds(&ty);
            if let Some(v) = v.filter(|v| (lo..=hi).contains(&(*v as i128))) {
                if v.unsigned_abs() <= MAX_SAFE_INT.unsigned_abs() {
                    return self.mk(ExprKind::Int(v), ty, span);
                }
                self.err(Rule::IntegerRange, span, "this constant expression leaves the exact integer range of Lua", "keep integers within ±(2^53 - 1)");
            }
        }
        self.mk(ExprKind::Binary(op, Box::new(l), Box::new(r)), ty, span)
    }

    fn if_expr(&mut self, i: &syn::ExprIf, expect: Option<&Ty>) -> Expr {
        let span = i.span();
        if let syn::Expr::Let(l) = &*i.cond {
            return self.if_let(i, l, expect);
        }
        let cond = self.expr(&i.cond, Some(&Ty::Bool));
        if !cond.ty.fits(&Ty::Bool) {
            let t = cond.ty.clone();
            self.err(Rule::Type, cond.span, format!("expected `bool`, found `{t}`"), "conditions must be bools (in Lua, 0 and \"\" would count as true)");
        }
        // `if c { None } else { Some(x) }`: the else branch gives the type of `None`.
        let then_is_none = matches!(i.then_branch.stmts.last(), Some(syn::Stmt::Expr(syn::Expr::Path(p), None)) if p.path.is_ident("None"));
        if expect.is_none() && then_is_none {
            if let Some((_, e)) = &i.else_branch {
                let els = self.expr(e, None);
                let then = self.block(&i.then_branch, Some(&els.ty));
                let ty = if els.ty.fits(&then.ty) || then.ty == Ty::Never { els.ty.clone() } else { then.ty.clone() };
                return self.mk(ExprKind::If(Box::new(cond), then, Some(Box::new(els))), ty, span);
            }
        }
        let then = self.block(&i.then_branch, expect);
        let els = i.else_branch.as_ref().map(|(_, e)| {
            let want = if then.ty != Ty::Never { Some(then.ty.clone()) } else { expect.cloned() };
            Box::new(self.expr(e, want.as_ref()))
        });
        let ty = match &els {
            None => {
                if !matches!(then.ty, Ty::Unit | Ty::Never) {
                    let sp = then.tail.as_ref().map_or(span, |t| t.span);
                    self.err(Rule::Type, sp, format!("`if` without `else` must not produce a value, found `{}`", then.ty), "add an `else` branch or end the statement with `;`");
                }
                Ty::Unit
            }
            Some(e) => {
                if then.ty == Ty::Never {
                    e.ty.clone()
                } else if e.ty.fits(&then.ty) {
                    then.ty.clone()
                } else {
                    self.err(Rule::Type, e.span, format!("`if` and `else` have different types: `{}` and `{}`", then.ty, e.ty), "");
                    Ty::Never
                }
            }
        };
        self.mk(ExprKind::If(Box::new(cond), then, els), ty, span)
    }

    fn call(&mut self, c: &syn::ExprCall, expect: Option<&Ty>) -> Expr {
        let span = c.span();
        let syn::Expr::Path(p) = &*c.func else {
            return self.unsupported(c.func.span(), "calling this expression", "");
        };
        let segs: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
        let last = segs.last().cloned().unwrap_or_default();
        if segs.len() == 2 && segs[0] == "Key" && (segs[1] == "new" || segs[1] == "from") && args_len_is_one(c) {
            // A key from a string: allowed by `#[redis_function(dynamic_keys)]` (see
            // `checks::keys`), and the function is then registered `no-cluster`.
            self.key_origins.push(KeyOrigin::Built(span));
            let a = self.expr(&c.args[0], Some(&Ty::Str));
            if !a.ty.fits(&Ty::Str) {
                let t = a.ty.clone();
                self.err(Rule::Type, a.span, format!("a key is built from a string, found `{t}`"), "");
            }
            return Expr { ty: Ty::Key, ..a };
        }
        if segs.len() == 2 && segs[0] == "Key" {
            self.key_origins.push(KeyOrigin::OtherConstructor(span));
            return poison(span);
        }
        let args: Vec<&syn::Expr> = c.args.iter().collect();
        if segs.len() == 1 {
            if let Some(var) = self.lookup(&last) {
                return self.call_closure(var, &args, span);
            }
        }
        if segs.len() == 1 && commands::lookup(&last).is_none() {
            if let Some(i) = self.helper_index(&last, c.func.span()) {
                return self.call_helper(i, &args, span);
            }
            if self.ctx.items.contains_key(&last) {
                // A helper whose signature was refused (already reported).
                return poison(span);
            }
        }
        if segs.len() == 2 && args.is_empty() && segs[1] == "new" && (segs[0] == "Vec" || segs[0] == "String" || segs[0] == "HashMap") {
            return self.empty_collection(&segs[0], expect, span);
        }
        // A capacity is a hint to Rust's allocator: the collection starts empty.
        if segs.len() == 2 && args.len() == 1 && segs[1] == "with_capacity" && (segs[0] == "Vec" || segs[0] == "String" || segs[0] == "HashMap") {
            let n = self.expr(args[0], Some(&crate::lower_lang::usize_ty()));
            if !n.ty.is_int() && n.ty != Ty::Never {
                let t = n.ty.clone();
                self.err(Rule::Type, n.span, format!("expected a capacity, found `{t}`"), "");
            }
            return self.empty_collection(&segs[0], expect, span);
        }
        match (segs.len(), last.as_str()) {
            (1, "Some") => {
                if args.len() != 1 {
                    return self.arity(span, "Some", 1);
                }
                let inner_expect = match expect {
                    Some(Ty::Option(t)) => Some((**t).clone()),
                    _ => None,
                };
                let a = self.expr(args[0], inner_expect.as_ref());
                if matches!(a.ty, Ty::Option(_) | Ty::Result(_) | Ty::Unit | Ty::Reject) {
                    let t = a.ty.clone();
                    self.err(Rule::UnsupportedType, a.span, format!("`Option<{t}>` is not supported"), "Lua represents `None` as nil, so options cannot nest");
                    return poison(span);
                }
                let t = a.ty.clone().option();
                self.mk(ExprKind::Some(Box::new(a)), t, span)
            }
            (1, "Ok") | (1, "Err") => {
                if args.len() != 1 {
                    return self.arity(span, &last, 1);
                }
                let Some(Ty::Result(inner)) = expect.cloned() else {
                    self.err(Rule::Unsupported, span, format!("`{last}(..)` outside the return value of a function returning `Result`"), "return `Ok(..)`/`Err(..)` from a function declared `-> Result<T, Reject>`");
                    return poison(span);
                };
                if last == "Ok" {
                    let a = self.expr(args[0], Some(&inner));
                    if !a.ty.fits(&inner) {
                        let t = a.ty.clone();
                        self.err(Rule::Type, a.span, format!("expected `{inner}`, found `{t}`"), "");
                    }
                    self.mk(ExprKind::Ok(Box::new(a)), Ty::Result(inner), span)
                } else {
                    let a = self.expr(args[0], Some(&Ty::Reject));
                    if !a.ty.fits(&Ty::Reject) {
                        let t = a.ty.clone();
                        self.err(Rule::Type, a.span, format!("expected `Reject`, found `{t}`"), "write `Err(reject!(\"message\"))`");
                    }
                    self.mk(ExprKind::Err(Box::new(a)), Ty::Result(inner), span)
                }
            }
            (1, name) => match commands::lookup(name) {
                Some(cmd) => self.command(cmd, p, &args, span),
                None => {
                    self.err(
                        Rule::Unsupported,
                        c.func.span(),
                        format!("function `{name}` is not available inside a redis function"),
                        "call Redis through the typed commands of `redlua::prelude` (get, set, incr_by, ...)",
                    );
                    poison(span)
                }
            },
            _ => {
                let path = segs.join("::");
                self.err(Rule::Unsupported, c.func.span(), format!("function `{path}` is not available inside a redis function"), "call Redis through the typed commands of `redlua::prelude`");
                poison(span)
            }
        }
    }

    pub(crate) fn arity(&mut self, span: Span, what: &str, n: usize) -> Expr {
        self.err(Rule::Arity, span, format!("`{what}` takes {n} argument(s)"), "see its signature in the command or language reference");
        poison(span)
    }

    fn command(&mut self, cmd: &'static Command, p: &syn::ExprPath, args: &[&syn::Expr], span: Span) -> Expr {
        crate::lower_cmd::command(self, cmd, p, args, span)
    }

    fn method_call(&mut self, m: &syn::ExprMethodCall, expect: Option<&Ty>) -> Expr {
        let span = m.span();
        let name = m.method.to_string();
        if let Some(e) = self.parse_method(m) {
            return e;
        }
        if let Some(e) = self.iter_chain(m, expect, false) {
            return e;
        }
        if let Some(e) = self.entry_value(m) {
            return e;
        }
        // `s.chars().count()`: the number of UTF-8 characters.
        if m.method == "count" && m.args.is_empty() {
            if let syn::Expr::MethodCall(inner) = &*m.receiver {
                if inner.method == "chars" && inner.args.is_empty() {
                    let s = self.expr(&inner.receiver, Some(&Ty::Str));
                    if !s.ty.fits(&Ty::Str) {
                        let t = s.ty.clone();
                        self.err(Rule::Type, s.span, format!("`.chars()` on `{t}`"), "");
                    }
                    return self.mk(ExprKind::Method(Method::StrCharCount, vec![s]), crate::lower_lang::usize_ty(), m.span());
                }
            }
        }
        if m.turbofish.is_some() && name != "sum" {
            return self.unsupported(m.method.span(), &format!("`.{name}::<..>()`"), "");
        }
        let recv_expect = match name.as_str() {
            "unwrap_or" => expect.map(|t| t.clone().option()),
            _ => None,
        };
        let recv = self.expr(&m.receiver, recv_expect.as_ref());
        let argc = m.args.len();
        let want_args = |lw: &mut Self, n: usize| -> bool {
            if argc != n {
                lw.arity(span, &name, n);
                false
            } else {
                true
            }
        };
        match (&recv.ty, name.as_str()) {
            (Ty::Never, _) => recv,
            (Ty::Option(inner), "unwrap_or") => {
                let inner = (**inner).clone();
                if inner == Ty::Never {
                    // An option read from a collection whose type is not known yet: the
                    // default gives it.
                    if !want_args(self, 1) {
                        return poison(span);
                    }
                    let d = self.expr(&m.args[0], None);
                    let t = d.ty.clone();
                    return self.mk(ExprKind::UnwrapOr(Box::new(recv), Box::new(d)), t, span);
                }
                if !want_args(self, 1) {
                    return poison(span);
                }
                let d = self.expr(&m.args[0], Some(&inner));
                if !d.ty.fits(&inner) {
                    let t = d.ty.clone();
                    self.err(Rule::Type, d.span, format!("expected `{inner}`, found `{t}`"), "");
                }
                self.mk(ExprKind::UnwrapOr(Box::new(recv), Box::new(d)), inner, span)
            }
            (Ty::Option(_), "is_some") | (Ty::Option(_), "is_none") => {
                if !want_args(self, 0) {
                    return poison(span);
                }
                let k = if name == "is_some" { ExprKind::IsSome(Box::new(recv)) } else { ExprKind::IsNone(Box::new(recv)) };
                self.mk(k, Ty::Bool, span)
            }
            (Ty::Str, "to_string" | "to_owned" | "clone" | "as_str" | "into") => {
                if !want_args(self, 0) {
                    return poison(span);
                }
                recv
            }
            (Ty::Key, "clone") | (Ty::Int | Ty::IntN(_), "clone") | (Ty::Bool, "clone") | (Ty::Float, "clone") => recv,
            (Ty::Float, "to_string") => {
                if !want_args(self, 0) {
                    return poison(span);
                }
                self.mk(ExprKind::Method(Method::FloatToString, vec![recv]), Ty::Str, span)
            }
            (Ty::Int | Ty::IntN(_), "to_string") => {
                if !want_args(self, 0) {
                    return poison(span);
                }
                self.mk(ExprKind::IntToString(Box::new(recv)), Ty::Str, span)
            }
            (Ty::Key, "derive") => {
                // `queue.derive("wait")`: the key `<queue>wait`, in the base key's slot
                // when the base carries a hash tag.
                if !want_args(self, 1) {
                    return poison(span);
                }
                let suffix = self.expr(&m.args[0], Some(&Ty::Str));
                if !suffix.ty.fits(&Ty::Str) {
                    let t = suffix.ty.clone();
                    self.err(Rule::Type, suffix.span, format!("a key suffix is a string, found `{t}`"), "");
                }
                let base = match &recv.kind {
                    ExprKind::Var(v) => Some(*v),
                    _ => None,
                };
                self.key_origins.push(KeyOrigin::Derived { base, span });
                let concat = self.mk(ExprKind::Method(Method::StrConcat, vec![recv, suffix]), Ty::Str, span);
                Expr { ty: Ty::Key, ..concat }
            }
            (Ty::Key, _) => {
                crate::checks::keys::method_on_key(self.errors, m.method.span(), &name);
                poison(span)
            }
            (Ty::Option(_), _) if matches!(name.as_str(), "map" | "and_then" | "filter" | "is_some_and" | "unwrap_or_else") => match self.option_call(m, recv) {
                Some(e) => e,
                None => poison(span),
            },
            (Ty::Dyn | Ty::CallResult, _) => self.dyn_method(m, recv),
            _ => self.library_method(m, recv, expect),
        }
    }

    fn macro_expr(&mut self, mac: &syn::Macro, span: Span) -> Expr {
        let name = mac.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        if name == "reject" {
            // The whole error reply: `REJECT <message>`, or `<CODE> <message>`.
            if let Ok(s) = syn::parse2::<syn::LitStr>(mac.tokens.clone()) {
                return self.mk(ExprKind::Reject(format!("REJECT {}", s.value()).into_bytes()), Ty::Reject, span);
            }
            let coded = mac.parse_body_with(|input: syn::parse::ParseStream| {
                let word: syn::Ident = input.parse()?;
                if word != "code" {
                    return Err(syn::Error::new(word.span(), "expected `code`"));
                }
                input.parse::<syn::Token![=]>()?;
                let code: syn::LitStr = input.parse()?;
                input.parse::<syn::Token![,]>()?;
                let message: syn::LitStr = input.parse()?;
                Ok((code, message))
            });
            match coded {
                Ok((code, message)) => {
                    let c = code.value();
                    let ok = c.len() <= 32
                        && c.starts_with(|ch: char| ch.is_ascii_uppercase())
                        && c.chars().all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '_' || ch == '-');
                    if !ok {
                        self.err(
                            Rule::Unsupported,
                            code.span(),
                            format!("`{c}` as an error code"),
                            "an error code is one word of capital letters, digits, `_` or `-` (at most 32), such as `ERR` or `NOFUNDS`: clients read it up to the first space",
                        );
                        return poison(span);
                    }
                    if let Some((what, hint)) = reserved_rejection(&c, &message.value()) {
                        let at = if what.starts_with('`') { code.span() } else { message.span() };
                        self.err(Rule::ReservedCode, at, what, hint);
                        return poison(span);
                    }
                    return self.mk(ExprKind::Reject(format!("{c} {}", message.value()).into_bytes()), Ty::Reject, span);
                }
                Err(_) => {
                    self.err(Rule::Unsupported, macro_args_span(mac), "`reject!` takes one string literal", "write `reject!(\"insufficient funds\")`, or `reject!(code = \"ERR\", \"insufficient funds\")` for another error code");
                    return poison(span);
                }
            }
        }
        if name == "format" {
            return self.format_macro(mac, span);
        }
        if name == "call" || name == "try_call" {
            return self.dyn_call(mac, span, name == "try_call");
        }
        if name == "vec" {
            return self.vec_macro(mac, span);
        }
        self.unsupported(mac.path.span(), &format!("the macro `{name}!`"), "the supported macros are `reject!(\"message\")`, `format!` and `vec!`")
    }
}

/// `map.entry(key).or_insert(default)`, lowered: the map, the key (bound once), and the
/// value type.
struct Entry {
    map: Expr,
    key: Expr,
    key_let: Stmt,
    vt: Ty,
    default: Expr,
}

impl Entry {
    /// A value of the map's type that is never used: after the insert, the key is present.
    fn placeholder(&self) -> ExprKind {
        match self.vt {
            Ty::Int | Ty::IntN(_) => ExprKind::Int(0),
            Ty::Float => ExprKind::Float(0.0),
            Ty::Bool => ExprKind::Bool(false),
            _ => ExprKind::Str(Vec::new()),
        }
    }
}

/// The variable of a map expression (the entry idiom's map is a `let mut` variable).
fn map_var(e: &Expr) -> VarId {
    match e.kind {
        ExprKind::Var(v) => v,
        _ => VarId(usize::MAX),
    }
}

/// The error codes with which the server refuses a call that did not run, or with which
/// redis-rs redirects or retries a command: a rejection with one of them would be taken
/// for a call that did not run (and sent again).
pub(crate) const REFUSAL_CODES: [&str; 15] = [
    "NOSCRIPT", "BUSY", "LOADING", "NOPERM", "READONLY", "MOVED", "ASK", "TRYAGAIN", "CLUSTERDOWN", "MASTERDOWN", "OOM", "NOREPLICAS",
    "EXECABORT", "MISCONF", "CROSSSLOT",
];

/// Why `reject!(code = code, message)` could be taken for the server's refusal of the
/// call, and the hint; `None` when it cannot.
pub(crate) fn reserved_rejection(code: &str, message: &str) -> Option<(String, String)> {
    if REFUSAL_CODES.contains(&code) {
        return Some((
            format!("`{code}` is the code of a server refusal: a rejection with it would be taken for a call that did not run, and sent again"),
            "use a code of your own, such as `NOFUNDS`, or the default `REJECT`: `reject!(\"message\")`".to_string(),
        ));
    }
    // The reply is `<code> <message>`, with line breaks turned into spaces; clients read
    // the text after the first space.
    let text = message.trim_start_matches(|c: char| c.is_whitespace()).to_ascii_lowercase();
    if code == "ERR" && text.starts_with("function not found") {
        return Some((
            "the text of the server's `ERR Function not found`: this rejection would be taken for a function that is not loaded, and the call sent again".to_string(),
            "word the message differently, or give it a code of your own such as `reject!(code = \"NOTFOUND\", \"..\")`".to_string(),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::diag::Rule;

    fn rejecting(code: &str, message: &str) -> Result<crate::CompiledLibrary, Vec<crate::diag::Diagnostic>> {
        let body = format!(
            r#"mod m {{ use redlua::prelude::*;
                #[redis_function] pub fn f(k: Key) -> Result<i64, Reject> {{ incr(&k); Err(reject!(code = {code:?}, {message:?})) }} }}"#
        );
        crate::compile_library(r#"name = "m""#.parse().unwrap(), body.parse().unwrap())
    }

    #[test]
    fn rejections_that_look_like_a_server_refusal_are_compile_errors() {
        for code in super::REFUSAL_CODES {
            let errors = rejecting(code, "after a write").err().unwrap_or_default();
            assert_eq!(errors.len(), 1, "{code}: {errors:?}");
            assert_eq!(errors[0].rule, Rule::ReservedCode, "{code}");
            assert!(errors[0].message.contains(&format!("`{code}`")), "{}", errors[0].message);
        }
        for text in ["Function not found", "function not found: try later", "  Function not found", "\nFunction not found"] {
            let errors = rejecting("ERR", text).err().unwrap_or_default();
            assert!(errors.len() == 1 && errors[0].rule == Rule::ReservedCode, "{text:?}: {errors:?}");
        }
        // Codes of one's own, and the text under another code, are fine.
        for (code, text) in [("NOFUNDS", "Function not found"), ("ERR", "no such account"), ("REJECT", "Function not found"), ("BUSYKEY", "x"), ("NOSCRIPTS", "x")] {
            assert!(rejecting(code, text).is_ok(), "{code} {text}");
        }
    }
}
