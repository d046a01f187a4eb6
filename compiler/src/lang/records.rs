//! Records: structs of the library that `#[derive(Record)]`, read from and written to
//! Redis hashes. `hgetall_as::<Job>(&key)?` (an `Option<Job>`), `hset_record(&key, &job)`,
//! and a record returned by a redis function (a hash-shaped reply).
//!
//! Each use passes the record's descriptor, a table literal naming the struct and each
//! field with its type (`{ 'Job', { 'id', 'String', false }, { 'attempts', 'u32', false,
//! 0, 4294967295 }, { 'owner', 'String', true } }`: name, type, optional, bounds), to
//! the helpers `redlua_record_hash`, `redlua_hset_record` and `redlua_record_reply`. A field
//! that does not read as its type gives the rejection `REJECT Job.attempts is not a valid
//! u32` (replied by a redis function, returned with `nil` by a helper: as the `?` of the
//! native twin does).

use crate::codegen::*;
use crate::diag::Rule;
use crate::ir::*;
use crate::ir::{ExprKind, RecordOp, StructTy, Ty};
use crate::lower::{poison, Lowerer};
use crate::lua::{Expr as L, Stmt as LS, StmtKind as K};
use crate::lualib::Helper;
use proc_macro2::Span;
use syn::spanned::Spanned;

/// The largest integer a Lua number holds exactly.
const MAX_SAFE: i64 = (1 << 53) - 1;

/// The names of the record functions of the prelude.
const RECORD_FUNCTIONS: &[&str] = &["hgetall_as", "hset_record", "json_decode", "json_encode"];

impl Lowerer<'_> {
    /// `hgetall_as::<T>(&key)?`: the record read from a hash, `None` without one; a field
    /// that does not read as its type rejects the call.
    pub(crate) fn record_try(&mut self, t: &syn::ExprTry) -> Option<Expr> {
        let syn::Expr::Call(c) = &*t.expr else { return None };
        let syn::Expr::Path(p) = &*c.func else { return None };
        let last = p.path.segments.last()?;
        let name = last.ident.to_string();
        if p.path.segments.len() != 1 || !matches!(name.as_str(), "hgetall_as" | "json_decode") || self.ctx.items.contains_key(&name) || self.lookup(&name).is_some() {
            return None;
        }
        if name == "json_decode" {
            return Some(self.json_decode_try(t, c, p));
        }
        let span = t.span();
        let Some(st) = self.record_type_arg(last, p.span()) else {
            return Some(poison(span));
        };
        if !matches!(self.ret, Ty::Result(_)) {
            let r = self.ret.clone();
            self.err(Rule::Record, t.question_token.span, format!("`hgetall_as(..)?` in a function returning `{r}`"), "a field of the wrong type rejects the call: declare the function `-> Result<T, Reject>`");
        }
        if c.args.len() != 1 {
            return Some(self.arity(c.span(), "hgetall_as", 1));
        }
        let key = self.record_key(&c.args[0], "HGETALL");
        Some(self.mk(ExprKind::Record(RecordOp::HashRead(Ty::Struct(Box::new(st.clone()))), vec![key]), Ty::Struct(Box::new(st)).option(), span))
    }

    /// A call of a record function written without `?` (`hgetall_as`, refused) or
    /// `hset_record(&key, &record)`; `None` for other names.
    pub(crate) fn record_call(&mut self, name: &str, p: &syn::ExprPath, args: &[&syn::Expr], span: Span) -> Option<Expr> {
        if !RECORD_FUNCTIONS.contains(&name) || self.lookup(name).is_some() {
            return None;
        }
        match name {
            "json_decode" | "json_encode" => Some(self.json_call(name, p, args, span)),
            "hgetall_as" => {
                self.err(
                    Rule::Record,
                    span,
                    "`hgetall_as::<T>(..)` must be followed by `?`",
                    "write `let job: Option<Job> = hgetall_as::<Job>(&key)?;` in a function returning `Result<_, Reject>`: a field of the wrong type rejects the call",
                );
                Some(poison(span))
            }
            _ => {
                if p.path.segments.last().is_some_and(|s| !s.arguments.is_none()) {
                    self.err(Rule::Record, p.span(), "`hset_record` takes no type argument", "write `hset_record(&key, &record)`");
                }
                if args.len() != 2 {
                    return Some(self.arity(span, "hset_record", 2));
                }
                let key = self.record_key(args[0], "HSET");
                let rec = self.expr(args[1], None);
                let ty = match &rec.ty {
                    Ty::Struct(st) if st.record => {
                        if !self.hash_fields(st, rec.span) {
                            return Some(poison(span));
                        }
                        rec.ty.clone()
                    }
                    Ty::Never => return Some(rec),
                    other => {
                        let t = other.clone();
                        self.err(Rule::Record, rec.span, format!("`hset_record` writes a record, found `{t}`"), "derive `Record` on a struct of the library: `#[derive(Record)] pub struct Job { .. }`");
                        return Some(poison(span));
                    }
                };
                Some(self.mk(ExprKind::Record(RecordOp::HashWrite(ty), vec![key, rec]), Ty::Unit, span))
            }
        }
    }

    /// True when every field of `st` fits in a hash field; else reports the first that
    /// does not, at `span`.
    fn hash_fields(&mut self, st: &StructTy, span: Span) -> bool {
        let scalar = |t: &Ty| matches!(t, Ty::Int | Ty::IntN(_) | Ty::Float | Ty::Bool | Ty::Str);
        for (name, t) in &st.fields {
            let ok = match t {
                Ty::Option(i) => scalar(i),
                t => scalar(t),
            };
            if !ok {
                let t = t.clone();
                self.err(
                    Rule::Record,
                    span,
                    format!("field `{name}` of record `{}` is a `{t}`, which a hash field cannot hold", st.name),
                    "give records of hashes fields of type i64 (or another integer type), f64, bool, String, or an Option of one of them",
                );
                return false;
            }
        }
        true
    }

    /// The key argument of a record function: a `Key`, as commands take it.
    fn record_key(&mut self, a: &syn::Expr, command: &'static str) -> Expr {
        let e = self.expr(a, Some(&Ty::Key));
        if !matches!(e.ty, Ty::Key | Ty::Never) {
            crate::checks::keys::not_a_key(self.errors, e.span, command, &e.ty, None);
        }
        e
    }

    /// The record type named by the turbofish of `hgetall_as::<T>`.
    fn record_type_arg(&mut self, seg: &syn::PathSegment, span: Span) -> Option<StructTy> {
        let syn::PathArguments::AngleBracketed(a) = &seg.arguments else {
            self.err(Rule::Record, span, "`hgetall_as` needs the record type", "write `hgetall_as::<Job>(&key)?`");
            return None;
        };
        let Some(syn::GenericArgument::Type(t)) = a.args.first().filter(|_| a.args.len() == 1) else {
            self.err(Rule::Record, a.span(), "`hgetall_as` takes one type argument", "write `hgetall_as::<Job>(&key)?`");
            return None;
        };
        let name = match t {
            syn::Type::Path(tp) if tp.qself.is_none() && tp.path.segments.len() == 1 && tp.path.segments[0].arguments.is_none() => tp.path.segments[0].ident.to_string(),
            _ => String::new(),
        };
        match self.struct_type(&name, t.span()) {
            Some(Ty::Struct(st)) if st.record => self.hash_fields(&st, t.span()).then_some(*st),
            Some(Ty::Struct(_)) => {
                self.err(Rule::Record, t.span(), format!("`{name}` does not derive `Record`"), format!("add `#[derive(Record)]` to `struct {name}`"));
                None
            }
            _ => {
                let text = quote::ToTokens::to_token_stream(t).to_string();
                self.err(Rule::Record, t.span(), format!("`{text}` is not a record"), "name a struct of the library that derives `Record`");
                None
            }
        }
    }
}

impl Gen<'_> {
    /// The Lua of a record operation.
    pub(crate) fn record_expr(&mut self, op: &RecordOp, args: &[Expr], out: &mut Vec<LS>) -> L {
        let refs: Vec<&Expr> = args.iter().collect();
        let vals = self.operands(&refs, out);
        match op {
            RecordOp::HashRead(Ty::Struct(st)) => {
                // local rec, rejection = redlua_record_hash(..)
                // if rejection then return redis.error_reply(rejection) end
                let flat = L::call("redis.call", vec![L::str("HGETALL"), vals[0].clone()]);
                let desc = record_desc(st);
                let call = self.helper(Helper::RecordHash, vec![flat, desc]);
                self.rejecting(call, out)
            }
            RecordOp::HashWrite(Ty::Struct(st)) => {
                let desc = record_desc(st);
                self.helper(Helper::HsetRecord, vec![vals[0].clone(), vals[1].clone(), desc])
            }
            RecordOp::JsonDecode(_) | RecordOp::JsonEncode(_) => self.json_expr(op, vals[0].clone(), out),
            RecordOp::Debug(t, pretty) => self.debug_expr(t, *pretty, vals[0].clone()),
            // Lowering builds these with a struct type only.
            _ => L::Nil,
        }
    }

    /// `local v, rejection = call`, then the rejection replied (returned with `nil`, in a
    /// helper function) when there is one; the value `v`.
    pub(crate) fn rejecting(&mut self, call: L, out: &mut Vec<LS>) -> L {
        let (rec, rej) = (self.temp(), self.temp());
        out.push(self.stmt(K::Local(vec![rec.clone(), rej.clone()], vec![call])));
        // Lowering admits `?` only in a function returning `Result<_, Reject>`: a redis
        // function replies the rejection, a helper returns `nil` and it (its caller's `?`
        // replies it). Never raised: a raised error reply gets the server's location suffix.
        let reply = self.reject_return(L::call("redis.error_reply", vec![L::name(rej.clone())]));
        out.push(self.stmt(K::If(vec![(L::name(rej), vec![reply])], None)));
        L::name(rec)
    }

    /// A record returned by a redis function: its `Some` fields and their text, as a flat
    /// array (`HGETALL`'s shape).
    pub(crate) fn record_reply(&mut self, v: L, st: &StructTy) -> L {
        let desc = record_desc(st);
        self.helper(Helper::RecordReply, vec![v, desc])
    }
}

/// The descriptor of a record: `{ 'Job', { field, type, optional[, lo, hi] }, .. }`.
fn record_desc(st: &StructTy) -> L {
    let mut items = vec![L::str(&st.name)];
    for (name, t) in &st.fields {
        let (inner, optional) = match t {
            Ty::Option(i) => (&**i, true),
            t => (t, false),
        };
        let mut f = vec![L::str(name), L::str(field_type_name(inner)), L::Bool(optional)];
        let bounds = match inner {
            Ty::Int => Some((-MAX_SAFE, MAX_SAFE)),
            Ty::IntN(k) => Some(k.lua_bounds()),
            _ => None,
        };
        if let Some((lo, hi)) = bounds {
            f.push(L::int(lo));
            f.push(L::int(hi));
        }
        items.push(L::Table(f, vec![]));
    }
    L::Table(items, vec![])
}

/// The Rust name of a hash field's type, as rejections print it.
fn field_type_name(t: &Ty) -> String {
    match t {
        Ty::Int => "i64".into(),
        Ty::IntN(k) => k.name().into(),
        Ty::Float => "f64".into(),
        Ty::Bool => "bool".into(),
        Ty::Str => "String".into(),
        other => other.to_string(),
    }
}
