//! Numbers: literals, arithmetic, comparisons, bit operations and `as` casts over the
//! integer types and `f64`, and how an integer literal or variable gets its type.
//!
//! Lua 5.1 has only doubles: `i64` arithmetic is checked against ±(2^53 - 1) as Rust
//! checks overflow, narrower types against their own bounds, integer division and
//! remainder truncate as Rust's do, and bit operations use Redis's `bit` library.
//!
//! Rust infers the type of an integer literal from its use (`x - 1` with `x: u32` is a
//! `u32` subtraction), and of a variable from its uses (`let mut i = 0; while i < v.len()`
//! makes `i` a `usize`). Lowering reads a function once; when a variable declared from a
//! literal without a type later meets another integer type, the function is lowered a
//! second time with that variable declared with it from the start (see
//! [`crate::lower::lower_function`]).

use crate::codegen::*;
use crate::diag::Rule;
use crate::ir::{self, *};
use crate::lower::{poison, decl_pos, DeclPos, Lowerer};
use crate::lua::{BinOp as LB, Expr as L, Stmt as LS, StmtKind as K, UnOp as LU};
use crate::lualib::Helper;
use proc_macro2::Span;
use syn::spanned::Spanned;

impl Lowerer<'_> {
    pub(crate) fn binary(&mut self, b: &syn::ExprBinary, span: Span, expect: Option<&Ty>) -> Expr {
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
                    self.err(Rule::Type, r.span, format!("expected `&str`, found `{t}`"), "add a string: `s + &n.to_string()`, or write `format!(\"{s}{n}\")`");
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
                    self.err(Rule::Unsupported, b.op.span(), format!("comparing `{ty}` values is not supported"), "compare the values they hold: integers, floats, strings, bools, and Vecs, Options, tuples and structs of them");
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
    pub(crate) fn bool_bits(&mut self, op: BinOp, l: Expr, r: Expr, span: Span) -> Expr {
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
            let (lo, hi) = int_bounds(&ty);
            if let Some(v) = v.filter(|v| (lo..=hi).contains(&(*v as i128))) {
                if v.unsigned_abs() <= MAX_SAFE_INT.unsigned_abs() {
                    return self.mk(ExprKind::Int(v), ty, span);
                }
                self.err(Rule::IntegerRange, span, "this constant expression leaves the exact integer range of Lua", "keep integers within ±(2^53 - 1)");
            }
        }
        self.mk(ExprKind::Binary(op, Box::new(l), Box::new(r)), ty, span)
    }

    pub(crate) fn cast(&mut self, c: &syn::ExprCast) -> Expr {
        let e = self.expr(&c.expr, None);
        let target = Self::path_name(&c.ty).map(|(_, n)| n);
        let int_target = Self::int_type_named(&c.ty);
        match (target.as_deref(), &e.ty) {
            // Between integer types: the low bits, as Rust keeps them (see `wrap_const` below).
            (_, t) if int_target.is_some() && (t.is_int() || *t == Ty::Never) => {
                let to = int_target.unwrap_or(Ty::Int);
                self.int_cast(e, to, c.span())
            }
            (_, Ty::Float) if int_target.is_some() => {
                let to = int_target.unwrap_or(Ty::Int);
                self.float_cast(e, to, c.span())
            }
            (Some("f64"), Ty::Float) => e,
            // An iterator's sum decides its start and its checks by its own type (an `i64`
            // sum starts at 0, an `f64` sum at -0.0, a `u8` sum fails past 255): keep its
            // type under a check that always passes.
            (Some("f64"), t) if t.is_int() && matches!(e.kind, ExprKind::Iter(_)) => {
                let (lo, hi) = int_bounds(t);
                let (lo, hi) = (lo.max(-(MAX_SAFE_INT as i128)) as i64, hi.min(MAX_SAFE_INT as i128) as i64);
                let span = c.span();
                let (lo, hi) = (self.mk(ExprKind::Int(lo), Ty::Int, span), self.mk(ExprKind::Int(hi), Ty::Int, span));
                self.mk(ExprKind::Method(Method::IntCast, vec![e, lo, hi]), Ty::Float, span)
            }
            (Some("f64"), t) if t.is_int() => {
                let sp = e.span;
                Expr { ty: Ty::Float, ..self.mk(e.kind, Ty::Float, sp) }
            }
            // A value whose type was refused (and reported) reports nothing more.
            (Some(_), Ty::Never) => poison(c.span()),
            (Some(t), ty) => {
                let ty = ty.clone();
                self.err(Rule::Unsupported, c.span(), format!("casting `{ty}` to `{t}` is not supported"), "casts between integer types are supported (values stay within ±(2^53 - 1))");
                poison(c.span())
            }
            (None, _) => self.unsupported(c.span(), "this cast", "name the type: `x as u32`, `x as f64`"),
        }
    }

    pub(crate) fn lit(&mut self, l: &syn::Lit) -> Expr {
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
                        self.err(Rule::IntegerRange, span, "this float literal is not a finite f64", "write `f64::INFINITY` (or `f64::NEG_INFINITY`) for an infinite value");
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
}

impl Gen<'_> {
    /// The check of the local `n = tonumber(raw)` of an `i64` argument:
    ///
    /// ```lua
    /// if not (<the common form>) then
    ///   if not (n and <in range> and <Rust's syntax>) then error(..) end
    ///   n = n + 0
    /// end
    /// ```
    ///
    /// The common form ([`Gen::plain_digits`]) costs one C call less than the pattern;
    /// the other forms Rust accepts ("+7", "007", "-7", "-0") take the full check, and
    /// `+ 0` makes "-0" the 0 that Rust parses (not -0, which would be sent as "-0").
    pub(crate) fn int_arg_check(&self, n: &str, raw: L, param: &str) -> LS {
        let fast = self.plain_digits(n, raw.clone());
        let name = L::name(n);
        let ok = [
            L::bin(LB::Le, name.clone(), L::int(ir::MAX_SAFE_INT)),
            L::bin(LB::Ge, name.clone(), L::int(-ir::MAX_SAFE_INT)),
            L::call("string.find", vec![raw, L::str("^[+-]?%d+$")]),
        ]
        .into_iter()
        .fold(name, |a, b| L::bin(LB::And, a, b));
        let msg = format!("ERR redlua: argument {param} must be an integer within +/-(2^53 - 1)");
        let err = self.stmt(K::Call(L::call("error", vec![L::Table(vec![], vec![("err".into(), L::str(msg))])])));
        let full = self.stmt(K::If(vec![(L::un(LU::Not, L::Paren(Box::new(ok))), vec![err])], None));
        self.stmt(K::If(vec![(L::un(LU::Not, L::Paren(Box::new(fast))), vec![full, self.no_neg_zero(n)])], None))
    }

    /// `n and n >= <least value of #raw digits> and n <= 2^53 - 1 and tonumber(raw, 14)`:
    /// true only when `n = tonumber(raw)` came from plain decimal digits (no sign, no
    /// leading zero) within range, which Rust reads as the same number. `tonumber(raw, 14)`
    /// (C's strtoul) refuses the fraction, exponent and hexadecimal forms that Lua's
    /// `tonumber` also reads; the least value of the text's length refuses what both
    /// readers skip or allow (spaces around the digits, a sign, leading zeros, anything
    /// after a NUL byte). The bound is `redlua_min_by_len[#raw]` in a library and
    /// `10 ^ (#raw - 1)` in a script (which would build the table on every call). This
    /// costs one cheap C call where `string.find` with a pattern costs about twice as much.
    pub(crate) fn plain_digits(&self, n: &str, raw: L) -> L {
        let n = L::name(n);
        let len = L::un(LU::Len, raw.clone());
        let least = if self.inline_checks {
            L::bin(LB::Pow, L::int(10), L::Paren(Box::new(L::bin(LB::Sub, len, L::int(1)))))
        } else {
            L::Paren(Box::new(L::bin(LB::Or, L::index(L::name(Helper::MinByLen.name()), len), L::Num("1e16".into()))))
        };
        [L::bin(LB::Ge, n.clone(), least), L::bin(LB::Le, n.clone(), L::int(ir::MAX_SAFE_INT)), L::call("tonumber", vec![raw, L::int(14)])]
            .into_iter()
            .fold(n, |a, b| L::bin(LB::And, a, b))
    }

    /// `n = n + 0`: an argument "-0" is 0 in Rust, but -0 in Lua (and "-0" again when sent).
    pub(crate) fn no_neg_zero(&self, n: &str) -> LS {
        self.stmt(K::Assign(vec![L::name(n)], vec![L::bin(LB::Add, L::name(n), L::int(0))]))
    }

    pub(crate) fn binary(&mut self, op: ir::BinOp, a: &ir::Expr, b: &ir::Expr, out: &mut Vec<LS>) -> L {
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
    pub(crate) fn narrow_binary(&mut self, op: ir::BinOp, k: IntTy, ops: [&ir::Expr; 2], l: L, r: L) -> Option<L> {
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
}

/// True when `e` is made only of integer literals (and operators on them): its type is
/// whatever integer type its use asks for, as for a Rust literal.
pub(crate) fn literal_only(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Int(_) => true,
        ExprKind::Unary(UnOp::Neg | UnOp::BitNot, a) => literal_only(a),
        ExprKind::Binary(BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem | BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor | BinOp::Shl | BinOp::Shr, a, b) => literal_only(a) && literal_only(b),
        _ => false,
    }
}

/// Gives a literal-only expression the integer type `ty` (a shift keeps the type of its
/// amount).
pub(crate) fn retype(e: &mut Expr, ty: &Ty) {
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
    pub(crate) fn flex_meets(&mut self, e: &mut Expr, want: &Ty) -> bool {
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

    /// `f64::INFINITY`, `f64::NAN`, `f64::EPSILON`, `f64::MAX`, .., and
    /// `std::f64::consts::PI` (with or without `std::` / `core::`).
    pub(crate) fn float_const(&mut self, segs: &[String], span: Span) -> Option<Expr> {
        let segs: Vec<&str> = segs.iter().map(String::as_str).collect();
        let rest = match segs.as_slice() {
            ["std" | "core", rest @ ..] => rest,
            rest => rest,
        };
        let x = match rest {
            ["f64", c] => match *c {
                "INFINITY" => f64::INFINITY,
                "NEG_INFINITY" => f64::NEG_INFINITY,
                "NAN" => f64::NAN,
                "EPSILON" => f64::EPSILON,
                "MAX" => f64::MAX,
                "MIN" => f64::MIN,
                "MIN_POSITIVE" => f64::MIN_POSITIVE,
                _ => return None,
            },
            ["f64", "consts", c] => match *c {
                "PI" => std::f64::consts::PI,
                "E" => std::f64::consts::E,
                "TAU" => std::f64::consts::TAU,
                "LN_2" => std::f64::consts::LN_2,
                "LN_10" => std::f64::consts::LN_10,
                "SQRT_2" => std::f64::consts::SQRT_2,
                "FRAC_PI_2" => std::f64::consts::FRAC_PI_2,
                "LOG2_E" => std::f64::consts::LOG2_E,
                "LOG10_E" => std::f64::consts::LOG10_E,
                _ => return None,
            },
            _ => return None,
        };
        Some(self.mk(ExprKind::Float(x), Ty::Float, span))
    }

    /// A `const` item of the library module, used by name: its value, computed where it
    /// is used (a constant's value has no effects).
    pub(crate) fn module_const(&mut self, name: &str, span: Span) -> Option<Expr> {
        let item = self.ctx.consts.get(name)?.clone();
        if self.ctx.consts_open.iter().any(|n| n == name) {
            self.err(Rule::Type, span, format!("the constant `{name}` is defined in terms of itself"), "give it a value that does not name it");
            return Some(crate::lower::poison(span));
        }
        let ty = self.local_type(&item.ty)?;
        // The value sees the module's names, not the locals of the use.
        self.ctx.consts_open.push(name.to_string());
        let scopes = std::mem::replace(&mut self.scopes, vec![Vec::new()]);
        let mut e = self.expr(&item.expr, Some(&ty));
        self.scopes = scopes;
        self.ctx.consts_open.pop();
        if !e.ty.fits(&ty) {
            let t = e.ty.clone();
            self.err(Rule::Type, e.span, format!("the constant `{name}` is a `{ty}`, its value a `{t}`"), "");
        }
        if e.ty != Ty::Never {
            e.ty = ty;
        }
        // The use's place, for the Lua's line comments and the errors of its uses.
        e.span = span;
        e.line = crate::lower::line_of(span);
        Some(e)
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
