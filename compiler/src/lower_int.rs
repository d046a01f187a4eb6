//! Integer types other than `i64`: how literals and variables get their type, how two
//! operands agree on one, and the `as` casts between integer types and from floats.
//!
//! Rust infers the type of an integer literal from its use (`x - 1` with `x: u32` is a
//! `u32` subtraction), and of a variable from its uses (`let mut i = 0; while i < v.len()`
//! makes `i` a `usize`). Lowering reads a function once; when a variable declared from a
//! literal without a type later meets another integer type, the function is lowered a
//! second time with that variable declared with it from the start (see
//! [`crate::lower::lower_function`]).

use crate::diag::Rule;
use crate::ir::*;
use crate::lower::{Lowerer, MAX_SAFE_INT};
use proc_macro2::Span;

/// Where a `let` binding is written: the key of a variable's inferred type between the
/// two lowering passes.
pub(crate) type DeclPos = (usize, usize);

pub(crate) fn decl_pos(span: Span) -> DeclPos {
    let s = span.start();
    (s.line, s.column)
}

/// True when `e` is made only of integer literals (and operators on them): its type is
/// whatever integer type its use asks for, as for a Rust literal.
fn literal_only(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Int(_) => true,
        ExprKind::Unary(UnOp::Neg | UnOp::BitNot, a) => literal_only(a),
        ExprKind::Binary(BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem | BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor | BinOp::Shl | BinOp::Shr, a, b) => literal_only(a) && literal_only(b),
        _ => false,
    }
}

/// Gives a literal-only expression the integer type `ty` (a shift keeps the type of its
/// amount).
fn retype(e: &mut Expr, ty: &Ty) {
    e.ty = ty.clone();
    match &mut e.kind {
        ExprKind::Unary(_, a) => retype(a, ty),
        ExprKind::Binary(BinOp::Shl | BinOp::Shr, a, _) => retype(a, ty),
        ExprKind::Binary(_, a, b) => {
            retype(a, ty);
            retype(b, ty);
        }
        _ => {}
    }
}

/// Rust's `n as T` for a constant: the low bits of `n` in two's complement.
pub(crate) fn wrap_const(n: i128, t: &Ty) -> i128 {
    match t {
        Ty::IntN(k) => {
            let bits = k.bits();
            let m = n.rem_euclid(1i128 << bits);
            if k.signed() && m >= 1i128 << (bits - 1) {
                m - (1i128 << bits)
            } else {
                m
            }
        }
        _ => {
            let m = n.rem_euclid(1i128 << 64);
            if m >= 1i128 << 63 {
                m - (1i128 << 64)
            } else {
                m
            }
        }
    }
}

/// The true bounds of an integer type (`i64` included).
pub(crate) fn int_bounds(t: &Ty) -> (i128, i128) {
    match t {
        Ty::IntN(k) => k.bounds(),
        _ => (i64::MIN as i128, i64::MAX as i128),
    }
}

impl Lowerer<'_> {
    /// An expression lowered where `expect` is wanted: an integer literal takes the
    /// expected integer type.
    pub(crate) fn expect_int(&mut self, mut e: Expr, expect: Option<&Ty>) -> Expr {
        if let Some(t @ Ty::IntN(_)) = expect {
            if e.ty == Ty::Int && literal_only(&e) {
                retype(&mut e, t);
            } else {
                self.flex_meets(&mut e, t);
            }
        }
        e
    }

    /// A variable declared from a literal without a type, used where the integer type
    /// `want` is needed: rustc would give the variable that type. Noted for the second
    /// pass (which declares it so); until then the use takes the type.
    fn flex_meets(&mut self, e: &mut Expr, want: &Ty) -> bool {
        let (ExprKind::Var(v), Ty::Int, Ty::IntN(k)) = (&e.kind, &e.ty, want) else { return false };
        let Some(pos) = self.flex.get(v).copied() else { return false };
        match self.int_found.get(&pos) {
            Some(prev) if prev != k => return false,
            _ => {}
        }
        self.int_found.insert(pos, *k);
        // The bounds of a range whose loop variable this is take the type too.
        for v in self.flex_links.get(&pos).cloned().unwrap_or_default() {
            if let Some(p) = self.flex.get(&v).copied() {
                self.int_found.entry(p).or_insert(*k);
            }
        }
        e.ty = want.clone();
        true
    }

    /// The type of the variable of `for i in a..b`, given the bounds' type `ty`: when the
    /// bounds are literals or variables declared from literals, `i` (and they) take the
    /// type that the uses of `i` give it (`v[i]` makes it a `usize`).
    pub(crate) fn range_var(&mut self, start: &mut Expr, end: &mut Expr, ty: Ty, pat_span: Span) -> (Ty, Option<DeclPos>) {
        if ty != Ty::Int {
            return (ty, None);
        }
        let flexible = |lw: &Self, e: &Expr| literal_only(e) || matches!(&e.kind, ExprKind::Var(v) if lw.flex.contains_key(v));
        if !flexible(self, start) || !flexible(self, end) {
            return (ty, None);
        }
        let pos = decl_pos(pat_span);
        if let Some(k) = self.int_hints.get(&pos).copied() {
            let t = Ty::IntN(k);
            for e in [start, end] {
                if literal_only(e) {
                    retype(e, &t);
                } else {
                    self.flex_meets(e, &t);
                }
            }
            return (t, None);
        }
        let links = [&*start, &*end].iter().filter_map(|e| if let ExprKind::Var(v) = e.kind { Some(v) } else { None }).collect();
        self.flex_links.insert(pos, links);
        (ty, Some(pos))
    }

    /// The integer type two operands of an operator share, as rustc infers it: a literal
    /// takes the other side's type; a variable declared from a literal takes it too (see
    /// [`Self::flex_meets`]). `None` when they are not the same integer type.
    pub(crate) fn unify_ints(&mut self, l: &mut Expr, r: &mut Expr) -> Option<Ty> {
        if l.ty == Ty::Never {
            return Some(r.ty.clone());
        }
        if r.ty == Ty::Never || l.ty == r.ty {
            return Some(l.ty.clone());
        }
        if !l.ty.is_int() || !r.ty.is_int() {
            return None;
        }
        if l.ty == Ty::Int && literal_only(l) {
            retype(l, &r.ty);
            return Some(r.ty.clone());
        }
        if r.ty == Ty::Int && literal_only(r) {
            retype(r, &l.ty);
            return Some(l.ty.clone());
        }
        let (lt, rt) = (l.ty.clone(), r.ty.clone());
        if self.flex_meets(l, &rt) || self.flex_meets(r, &lt) {
            return Some(l.ty.clone());
        }
        None
    }

    /// The error for operands of two integer types.
    pub(crate) fn int_mismatch(&mut self, span: Span, a: &Ty, b: &Ty) {
        self.err(
            Rule::Type,
            span,
            format!("mismatched integer types: `{a}` and `{b}`"),
            "Rust does not mix integer types: convert one side with `as`; a variable declared from a literal without a type (`let mut n = 0;`) is `i64` unless its uses give it another type, so annotate it (`let mut n: usize = 0;`)",
        );
    }

    /// `e as T` where `e` is an integer and `T` an integer type: Rust keeps the low bits.
    pub(crate) fn int_cast(&mut self, e: Expr, to: Ty, span: Span) -> Expr {
        let from = e.ty.clone();
        if from == Ty::Never {
            return e;
        }
        let (flo, fhi) = int_bounds(&from);
        let (tlo, thi) = int_bounds(&to);
        // A literal: folded, as rustc does.
        if let ExprKind::Int(n) = e.kind {
            let v = wrap_const(n as i128, &to);
            if v.unsigned_abs() > MAX_SAFE_INT as u128 {
                self.err(
                    Rule::IntegerRange,
                    span,
                    format!("`{n} as {to}` is {v}, beyond the integers Lua holds exactly"),
                    "integers stay within ±(2^53 - 1) = ±9007199254740991",
                );
            }
            return self.mk(ExprKind::Int(v as i64), to, span);
        }
        // Every value of the source fits the target (or, for u64 -> i64, every value Lua
        // holds): the number is unchanged.
        let (flo_l, fhi_l) = (flo.max(-(MAX_SAFE_INT as i128)), fhi.min(MAX_SAFE_INT as i128));
        if flo_l >= tlo && fhi_l <= thi {
            // An iterator's sum checks its own type's bounds: keep its type under a check
            // that always passes.
            if matches!(e.kind, ExprKind::Iter(_)) {
                let (lo, hi) = (self.mk(ExprKind::Int(flo_l as i64), Ty::Int, span), self.mk(ExprKind::Int(fhi_l as i64), Ty::Int, span));
                return self.mk(ExprKind::Method(Method::IntCast, vec![e, lo, hi]), to, span);
            }
            return Expr { ty: to, ..e };
        }
        match &to {
            // 8 to 32 bits: the low bits, exactly.
            Ty::IntN(k) if k.exact() => {
                let bits = self.mk(ExprKind::Int(k.bits() as i64), Ty::Int, span);
                let signed = self.mk(ExprKind::Bool(k.signed()), Ty::Bool, span);
                self.mk(ExprKind::Method(Method::IntWrap, vec![e, bits, signed]), to, span)
            }
            // A negative number as u64 or usize: at least 2^64 - 2^53, which Lua cannot
            // hold exactly: an error at run time.
            _ => {
                let (lo, hi) = (self.mk(ExprKind::Int(tlo.max(-(MAX_SAFE_INT as i128)) as i64), Ty::Int, span), self.mk(ExprKind::Int(thi.min(MAX_SAFE_INT as i128) as i64), Ty::Int, span));
                self.mk(ExprKind::Method(Method::IntCast, vec![e, lo, hi]), to, span)
            }
        }
    }

    /// `x as T` for a float `x` and an integer type `T`: truncated toward zero and
    /// saturated at the bounds of `T` (NaN is 0), as Rust does; for i64, u64, usize and
    /// isize, a value beyond 2^53 - 1 is an error instead (Lua cannot hold it exactly).
    pub(crate) fn float_cast(&mut self, e: Expr, to: Ty, span: Span) -> Expr {
        match &to {
            Ty::IntN(k) if *k != IntTy::Isize => {
                let (lo, hi) = k.lua_bounds();
                let (lo, hi) = (self.mk(ExprKind::Int(lo), Ty::Int, span), self.mk(ExprKind::Int(hi), Ty::Int, span));
                self.mk(ExprKind::Method(Method::FloatToInt, vec![e, lo, hi]), to, span)
            }
            _ => self.mk(ExprKind::Method(Method::FloatToInt, vec![e]), to, span),
        }
    }

    /// `T::MAX`, `T::MIN` of an integer type, when Lua holds the value exactly.
    pub(crate) fn int_const(&mut self, ty: &str, c: &str, span: Span) -> Option<Expr> {
        let t = if ty == "i64" { Ty::Int } else { Ty::IntN(IntTy::from_name(ty)?) };
        let (lo, hi) = int_bounds(&t);
        let v = match c {
            "MAX" => hi,
            "MIN" => lo,
            "BITS" => {
                let bits = match &t {
                    Ty::IntN(k) => k.bits(),
                    _ => 64,
                };
                return Some(self.mk(ExprKind::Int(bits as i64), Ty::IntN(IntTy::U32), span));
            }
            _ => return None,
        };
        if v.unsigned_abs() > MAX_SAFE_INT as u128 {
            self.err(
                Rule::IntegerRange,
                span,
                format!("`{ty}::{c}` cannot be represented exactly by Lua numbers"),
                "use a bound within ±(2^53 - 1), e.g. `const LIMIT: i64 = 9_007_199_254_740_991;`, or an `Option` for \"no value yet\"; the bounds of `i8` .. `i32` and `u8` .. `u32` are exact",
            );
            return Some(crate::lower::poison(span));
        }
        Some(self.mk(ExprKind::Int(v as i64), t, span))
    }

    /// The integer type named by a cast target or a turbofish, if it is one.
    pub(crate) fn int_type_named(ty: &syn::Type) -> Option<Ty> {
        let (seg, n) = Self::path_name(ty)?;
        if !seg.arguments.is_none() {
            return None;
        }
        if n == "i64" {
            return Some(Ty::Int);
        }
        IntTy::from_name(&n).map(Ty::IntN)
    }

    /// The type of the variable of a `let` without annotation, initialised with `e`: a
    /// type found by the first pass for an integer literal's variable.
    pub(crate) fn let_int_type(&mut self, e: &mut Expr, pat_span: Span) -> Option<DeclPos> {
        if e.ty != Ty::Int || !literal_only(e) {
            return None;
        }
        let pos = decl_pos(pat_span);
        if let Some(k) = self.int_hints.get(&pos).copied() {
            retype(e, &Ty::IntN(k));
            return None;
        }
        Some(pos)
    }
}
