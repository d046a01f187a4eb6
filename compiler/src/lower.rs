//! Lowering: syn's AST of one function → the typed IR, checking types on the way.
//!
//! Every Rust construct is either translated with its Rust meaning or refused here
//! with a spanned diagnostic. Nothing unknown passes through.

use crate::commands;
use crate::diag::{Errors, Rule};
use crate::ir::*;
use crate::lua::KEYWORDS;
use proc_macro2::Span;
use std::collections::HashSet;
use syn::spanned::Spanned;

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
    /// User enums that bodies may use, by name, and those already lowered (`lang/enums.rs`).
    pub(crate) enum_items: std::collections::HashMap<String, syn::ItemEnum>,
    pub(crate) enums: std::collections::HashMap<String, crate::types::EnumTy>,
    /// The source file's name as the Lua names it: run-time panics name their place in it.
    pub(crate) file: Option<String>,
    /// The `const` items of a library module, by name: each use is its value.
    pub(crate) consts: std::collections::HashMap<String, syn::ItemConst>,
    /// The module constants being lowered (a constant that names itself is an error).
    pub(crate) consts_open: Vec<String>,
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

    /// Makes the `const` items of a library module usable in its functions.
    pub fn with_consts(mut self, items: impl IntoIterator<Item = syn::ItemConst>) -> Self {
        for it in items {
            self.consts.insert(it.ident.to_string(), it);
        }
        self
    }

    /// Lowers the bodies of every helper called so far (and of those they call).
    pub fn finish(&mut self, errors: &mut Errors) {
        while let Some((i, item)) = self.pending.pop() {
            self.lower_pending(i, item, errors);
        }
    }

    /// Lowers the body of the helper `i` (`item`), called with [`Self::finish`].
    pub(crate) fn lower_pending(&mut self, i: usize, item: syn::ItemFn, errors: &mut Errors) {
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
            lw.helper_body(&item, &ret);
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
        let body = lw.helper_body(&item, &ret);
        if !(body.ty.fits(&ret) || ret == Ty::Unit && body.tail.is_none()) {
            let span = body.tail.as_ref().map_or(item.block.span(), |t| t.span);
            lw.err(Rule::Type, span, format!("`{}` returns `{ret}` but its body evaluates to `{}`", item.sig.ident, body.ty), "make the last expression of the body the value to return");
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
    pub(crate) exit_flags: Vec<ExitFlag>,
    /// Variables declared from an integer literal without a type (their type is `i64`
    /// unless a use gives them another), with where they are declared.
    pub(crate) flex: std::collections::HashMap<VarId, DeclPos>,
    /// Integer types of such variables found by the first pass, used by the second.
    pub(crate) int_hints: std::collections::HashMap<DeclPos, IntTy>,
    /// Integer types of such variables found by this pass.
    pub(crate) int_found: std::collections::HashMap<DeclPos, IntTy>,
    /// The variable of `for i in 0..n` (with such bounds) and the bounds' variables, which
    /// take the type that `i` takes.
    pub(crate) flex_links: std::collections::HashMap<DeclPos, Vec<VarId>>,
    /// How many expressions enclose the one being lowered (see [`MAX_NESTING`]), and
    /// whether the limit was reported already (once per body).
    pub(crate) depth: usize,
    pub(crate) too_deep: bool,
    /// The type `Self` names in the `impl` block of the helper being lowered.
    pub(crate) self_type: Option<String>,
    /// In a `&mut self` method (`lang/impls.rs`): `self`, and the method's own return type.
    pub(crate) method_self: Option<(VarId, Ty)>,
    /// The `&mut` bindings to places (`lang/mutrefs.rs`): each binding's place, as it is read.
    pub(crate) mut_refs: std::collections::HashMap<VarId, Expr>,
}

impl<'e> Lowerer<'e> {
    pub(crate) fn new(errors: &'e mut Errors, ctx: &'e mut HelperCtx) -> Self {
        Lowerer { errors, vars: Vec::new(), scopes: vec![Vec::new()], used: HashSet::new(), ret: Ty::Unit, loops: Vec::new(), next_loop: 0, ctx, key_origins: Vec::new(), exit_flags: Vec::new(), flex: Default::default(), int_hints: Default::default(), int_found: Default::default(), flex_links: Default::default(), depth: 0, too_deep: false, self_type: None, method_self: None, mut_refs: Default::default() }
    }
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

/// A labelled `break 'outer` / `continue 'outer` from inside a nested loop. Lua 5.1 has
/// no `goto`: the jump sets a flag and breaks the innermost loop; after each loop it
/// crosses, a test of the flag breaks the next loop out, until the target's body, where
/// it breaks (or continues) the target itself.
#[derive(Debug, Clone)]
pub(crate) struct ExitFlag {
    /// The loop jumped to.
    pub(crate) target: LoopId,
    /// `continue` rather than `break`.
    pub(crate) cont: bool,
    /// The flag, declared `false` right before the target loop.
    pub(crate) var: VarId,
    /// The loops the jump leaves on its way out (all inside the target).
    pub(crate) crosses: Vec<LoopId>,
}

/// `usize`: lengths, indices, counts and positions.
pub(crate) fn usize_ty() -> Ty {
    Ty::IntN(IntTy::Usize)
}

/// Where a `let` binding is written: the key of a variable's inferred type between the
/// two lowering passes.
pub(crate) type DeclPos = (usize, usize);

pub(crate) fn decl_pos(span: Span) -> DeclPos {
    let s = span.start();
    (s.line, s.column)
}

/// How deeply expressions may nest in a body (a sum of 500 terms nests 500 deep). The
/// compiler runs on a stack large enough for this many levels of every construct (see
/// [`crate::driver::on_large_stack`]); the Lua nests less, its long chains being split
/// into locals by the code generation.
pub const MAX_NESTING: usize = 512;

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

    // ----- types named in the source (see lang/functions.rs for signatures) -----

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
            syn::Pat::Or(o) => o.cases.iter().take(1).for_each(|c| self.declare_poisoned(c)),
            syn::Pat::Struct(s) => s.fields.iter().for_each(|f| self.declare_poisoned(&f.pat)),
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
                syn::Stmt::Local(l) => stmts.extend(self.local_stmts(l)),
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
                    if self.is_assignment(e) {
                        // Refused, and reported: it is not a value either.
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
                    self.declare_poisoned(pat);
                    return None;
                }
                return self.let_else(pat, &init.expr, d, line);
            }
        }
        let (name, mutable, name_span) = match pat {
            syn::Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => (pi.ident.to_string(), pi.mutability.is_some(), pi.ident.span()),
            syn::Pat::Tuple(_) | syn::Pat::Struct(_) => return self.let_parts(l, pat, annot, line),
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
        let want = match annot.map(|t| self.local_type(t)) {
            Some(None) => {
                self.declare(&name, Ty::Never, true); // the type was refused: the name stays known
                return None;
            }
            w => w.flatten(),
        };
        let Some(init) = &l.init else {
            self.err(Rule::Unsupported, l.span(), "`let` without a value is not supported", "give the variable its value where you declare it");
            self.declare_poisoned(&l.pat);
            return None;
        };
        let mut e = self.expr(&init.expr, want.as_ref());
        // `let n = 0;`: an integer whose type its uses may give (see lang/numbers.rs).
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

    /// `x = e;` and `x op= e;`.
    pub(crate) fn assignment(&mut self, e: &syn::Expr) -> Option<Stmt> {
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
        if let Some(st) = self.assign_place(lhs, rhs, op, e.span(), line) {
            return st;
        }
        if let (syn::Expr::Index(ix), None) = (lhs, op) {
            return self.assign_index(ix, rhs, line);
        }
        if let syn::Expr::Field(fe) = lhs {
            return self.assign_field(fe, rhs, op, e.span(), line);
        }
        let syn::Expr::Path(p) = Self::deref_self(lhs) else {
            let hint = if matches!(lhs, syn::Expr::Tuple(_)) { "assign each variable on its own, through a `let` of the values first: `let (a2, b2) = (b, a); a = a2; b = b2;`" } else { "assign to a local variable" };
            self.unsupported(lhs.span(), "assigning to this place", hint);
            return None;
        };
        let name = p.path.get_ident().map(|i| i.to_string()).unwrap_or_default();
        let Some(var) = self.lookup(&name) else {
            self.err(Rule::UnknownName, lhs.span(), format!("cannot find variable `{name}`"), format!("declare it first: `let mut {name} = ..;`"));
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

    // ----- expressions -----------------------------------------------------------

    pub(crate) fn mk(&self, kind: ExprKind, ty: Ty, span: Span) -> Expr {
        Expr { kind, ty, span, line: line_of(span) }
    }

    /// Lowers `e`, refusing expressions nested more than [`MAX_NESTING`] deep: the compiler
    /// recurses over the nesting, and so would Lua's parser over the code.
    pub(crate) fn expr(&mut self, e: &syn::Expr, expect: Option<&Ty>) -> Expr {
        if self.depth >= MAX_NESTING {
            let span = e.span();
            if !self.too_deep {
                self.too_deep = true;
                self.err(Rule::LuaLimit, span, format!("this expression is nested more than {MAX_NESTING} levels deep"), "split the expression with `let`: give a part of it a name, then use the name");
            }
            return poison(span);
        }
        self.depth += 1;
        let lowered = self.expr_at(e, expect);
        self.depth -= 1;
        lowered
    }

    fn expr_at(&mut self, e: &syn::Expr, expect: Option<&Ty>) -> Expr {
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
                    return self.unsupported(span, "a `&mut` reference", "bind it to a name (`let x = &mut place;`) and change the place through it, or pass the value itself");
                }
                self.expr(&r.expr, expect)
            }
            syn::Expr::Path(p) => {
                let e = self.path_expr(p, expect);
                self.expect_int(e, expect)
            }
            syn::Expr::Binary(_) if self.is_assignment(e) => self.assignment_expr(e, span),
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
                if let Some(e) = self.method_return(r, span) {
                    return e;
                }
                let ret = self.ret.clone();
                let v = match &r.expr {
                    Some(v) => {
                        let v = self.expr(v, (ret != Ty::Never).then_some(&ret));
                        if ret == Ty::Never {
                            self.ret = v.ty.clone(); // a closure's first `return` gives its type
                        } else if !v.ty.fits(&ret) {
                            self.err(Rule::Type, v.span, format!("the function returns `{ret}`, found `{}`", v.ty), format!("return a value of type `{ret}`, as the function declares"));
                        }
                        Some(Box::new(v))
                    }
                    None => {
                        if ret != Ty::Unit {
                            self.err(Rule::Type, span, format!("`return` without a value in a function returning `{ret}`"), format!("return a value: `return x;` with `x` of type `{ret}`"));
                        }
                        None
                    }
                };
                self.mk(ExprKind::Return(v), Ty::Never, span)
            }
            syn::Expr::Call(c) => self.call(c, expect),
            syn::Expr::MethodCall(m) => self.method_call(m, expect),
            syn::Expr::Macro(m) => self.macro_expr(&m.mac, span),
            // An assignment where a value goes (a `match` arm, a closure's body): its value is `()`.
            syn::Expr::Assign(_) => self.assignment_expr(e, span),
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
            syn::Expr::Try(t) => match self.record_try(t) {
                Some(e) => e,
                None => self.try_expr(t),
            },
            syn::Expr::Unsafe(_) => self.unsupported(span, "an `unsafe` block", "remove `unsafe`: nothing in a redis function needs it"),
            syn::Expr::Async(_) | syn::Expr::Await(_) => self.unsupported(span, "async code", "redis functions run synchronously on the server"),
            _ => self.unsupported(span, "this expression", ""),
        }
    }

    pub(crate) fn path_expr(&mut self, p: &syn::ExprPath, expect: Option<&Ty>) -> Expr {
        let span = p.span();
        if let Some(id) = p.path.get_ident() {
            let name = id.to_string();
            if let Some(var) = self.lookup(&name) {
                return self.var_expr(var, span);
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
            if let Some(e) = self.module_const(&name, span) {
                return e;
            }
            self.err(Rule::UnknownName, span, format!("cannot find `{name}` in this redis function"), "only parameters and local variables can be used inside a redis function");
            return poison(span);
        }
        let segs: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
        if let Some(e) = self.value_path(&segs, span).or_else(|| self.enum_path(&segs, span)) {
            return e;
        }
        if let [ty, c] = segs.as_slice() {
            if let Some(e) = self.int_const(ty, c, span) {
                return e;
            }
        }
        if let Some(e) = self.float_const(&segs, span) {
            return e;
        }
        let path = segs.join("::");
        self.unsupported(span, &format!("the path `{path}`"), "a redis function can name its parameters, local variables, the `const`s of its body and its library module, and the constants of the language reference (`i32::MAX`, `f64::INFINITY`, `std::f64::consts::PI`, ..)")
    }

    pub(crate) fn call(&mut self, c: &syn::ExprCall, expect: Option<&Ty>) -> Expr {
        let span = c.span();
        let syn::Expr::Path(p) = &*c.func else {
            return self.unsupported(c.func.span(), "calling this expression", "call helpers and closures by their name: `let double = |x: i64| x * 2; double(n)`");
        };
        let segs: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
        let last = segs.last().cloned().unwrap_or_default();
        if segs.len() == 2 && segs[0] == "Key" && (segs[1] == "new" || segs[1] == "from") && c.args.len() == 1 {
            // A key from a string: allowed by `#[redis_function(dynamic_keys)]` (see
            // `checks::keys`), and the function is then registered `no-cluster`.
            self.key_origins.push(KeyOrigin::Built(span));
            let a = self.expr(&c.args[0], Some(&Ty::Str));
            if !a.ty.fits(&Ty::Str) {
                let t = a.ty.clone();
                self.err(Rule::Type, a.span, format!("a key is built from a string, found `{t}`"), "build the key from a `String`: `Key::new(format!(\"user:{id}\"))`");
            }
            return Expr { ty: Ty::Key, ..a };
        }
        if segs.len() == 2 && segs[0] == "Key" {
            self.key_origins.push(KeyOrigin::OtherConstructor(span));
            return poison(span);
        }
        let args: Vec<&syn::Expr> = c.args.iter().collect();
        if let Some(e) = self.value_call(&segs, &args, span).or_else(|| self.assoc_call(&segs, &args, span)).or_else(|| self.enum_call(&segs, &args, span)) {
            return e;
        }
        if let Some(e) = self.luanum_call(&segs, &args, span) {
            return e;
        }
        if segs.len() == 1 {
            if let Some(var) = self.lookup(&last) {
                return self.call_closure(var, &args, span);
            }
        }
        if segs.len() == 1 && !self.ctx.items.contains_key(&last) {
            if let Some(e) = self.record_call(&last, p, &args, span) {
                return e;
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
        if let Some(e) = self.collection_ctor(&segs, &args, expect, span) {
            return e;
        }
        match (segs.len(), last.as_str()) {
            (1, "Some") => self.some_ctor(&args, expect, span),
            (1, "Ok") | (1, "Err") => self.result_ctor(&last, &args, expect, span),
            (1, name) => match commands::lookup(name) {
                Some(cmd) => self.command(cmd, p, &args, span),
                // `use std::cmp::max;`
                None if matches!(name, "max" | "min") && args.len() == 2 => self.std_call(&["cmp".to_string(), name.to_string()], &args, span).unwrap_or_else(|| poison(span)),
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
                match self.std_call(&segs, &args, span) {
                    Some(e) => e,
                    None => self.std_call_refused(&segs, c.func.span(), span),
                }
            }
        }
    }

    pub(crate) fn arity(&mut self, span: Span, what: &str, n: usize) -> Expr {
        self.err(Rule::Arity, span, format!("`{what}` takes {n} argument(s)"), "see its signature in the command or language reference");
        poison(span)
    }

    pub(crate) fn method_call(&mut self, m: &syn::ExprMethodCall, expect: Option<&Ty>) -> Expr {
        let span = m.span();
        let name = m.method.to_string();
        if let Some(e) = self.parse_method(m).or_else(|| self.mut_ref_method(m)) {
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
                    return self.mk(ExprKind::Method(Method::StrCharCount, vec![s]), usize_ty(), m.span());
                }
            }
        }
        if m.turbofish.is_some() && name != "sum" {
            return self.unsupported(m.method.span(), &format!("`.{name}::<..>()`"), "remove the `::<..>` and annotate the variable instead: `let x: T = ..;`");
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
            (t, _) if self.has_method(t, &name) => self.method_of_type(recv, m, span),
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
            (Ty::Bool, "to_string") if argc == 0 => self.mk(ExprKind::Method(Method::BoolToString, vec![recv]), Ty::Str, span),
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
                    self.err(Rule::Type, suffix.span, format!("a key suffix is a string, found `{t}`"), "pass a string: `key.derive(\"wait\")`, or `key.derive(&n.to_string())` for a number");
                }
                let base = match &recv.kind {
                    ExprKind::Var(v) => Some(*v),
                    _ => None,
                };
                self.key_origins.push(KeyOrigin::Derived { base, span });
                let concat = self.mk(ExprKind::Method(Method::StrConcat, vec![recv, suffix]), Ty::Str, span);
                Expr { ty: Ty::Key, ..concat }
            }
            // `key.name()`: the key's name as data (a ZADD member, a PUBLISH channel); the
            // key itself stays declared in KEYS.
            (Ty::Key, "name") => {
                if !want_args(self, 0) {
                    return poison(span);
                }
                Expr { ty: Ty::Str, ..recv }
            }
            (Ty::Key, _) => {
                crate::checks::keys::method_on_key(self.errors, m.method.span(), &name);
                poison(span)
            }
            (Ty::Option(_), "unwrap" | "expect" | "map_or" | "map_or_else") => self.option_method(m, recv).unwrap_or_else(|| poison(span)),
            (Ty::Option(_), _) if matches!(name.as_str(), "map" | "and_then" | "filter" | "is_some_and" | "unwrap_or_else") => match self.option_call(m, recv) {
                Some(e) => e,
                None => poison(span),
            },
            (Ty::Dyn | Ty::CallResult, _) => self.dyn_method(m, recv),
            _ => self.library_method(m, recv, expect),
        }
    }

    pub(crate) fn macro_expr(&mut self, mac: &syn::Macro, span: Span) -> Expr {
        let name = mac.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        if name == "reject" {
            return self.reject_macro(mac, span);
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
        if name == "matches" {
            return self.matches_macro(mac, span);
        }
        self.unsupported(mac.path.span(), &format!("the macro `{name}!`"), "the supported macros are `reject!(\"message\")`, `format!`, `vec!` and `matches!`")
    }
}
