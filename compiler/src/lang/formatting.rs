//! `format!` (with `{}`, `{:?}`, named and positional arguments, width, fill,
//! alignment, sign, precision, `{:x}` / `{:o}` / `{:b}` / `{:e}`) and `str::parse`.
//!
//! A `format!` becomes a Lua concatenation (`..`) of its literal pieces and of each
//! argument turned to text as Rust's `Display` / `Debug` would (integers with
//! `string.format('%d')`, floats with the `fmt_float` helper, ...); `s.parse::<T>()` a
//! `tonumber` with the checks of Rust's parse.

use crate::diag::Rule;
use crate::ir::*;
use crate::ir::{ExprKind, Ty};
use crate::lower::{poison, Lowerer};
use proc_macro2::Span;
use syn::spanned::Spanned;

impl Lowerer<'_> {
    pub(crate) fn format_macro(&mut self, mac: &syn::Macro, span: Span) -> Expr {
        let args = match mac.parse_body_with(syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated) {
            Ok(a) => a,
            Err(_) => return self.unsupported(crate::lower::macro_args_span(mac), "this form of `format!`", "write `format!(\"{}:{}\", a, b)`"),
        };
        let mut it = args.iter();
        let Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(fmt), .. })) = it.next() else {
            return self.unsupported(crate::lower::macro_args_span(mac), "`format!` without a literal format string", "write the format string in place, as rustc requires: `format!(\"{}\", x)`");
        };
        let rest: Vec<&syn::Expr> = it.collect();
        let text = fmt.value();
        // Rust computes the arguments in order, then reads the variables named in the
        // string (`{x}`). When an argument may change such a variable whose placeholder
        // comes before the argument's, the arguments are computed first, into hidden
        // locals, in order.
        let mut args: Vec<Option<Expr>> = rest.iter().map(|a| Some(self.expr(a, None))).collect();
        let mut first = Vec::new();
        let mut named_before: Vec<VarId> = Vec::new();
        let mut reorder = false;
        let mut next = 0;
        for name in format_placeholders(&text) {
            if name.is_empty() {
                if let Some(Some(a)) = args.get(next) {
                    reorder |= named_before.iter().any(|v| a.may_change(*v));
                }
                next += 1;
            } else if let Some(v) = self.lookup(&name) {
                named_before.push(v);
            }
        }
        if reorder {
            for a in args.iter_mut() {
                if let Some(e) = a.take() {
                    let (s, v) = self.hidden_let("arg", e);
                    first.push(s);
                    *a = Some(v);
                }
            }
        }
        let mut parts: Vec<Expr> = Vec::new();
        let mut lit = String::new();
        let mut next_arg = 0;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if chars.peek() == Some(&'{') => {
                    chars.next();
                    lit.push('{');
                }
                '}' if chars.peek() == Some(&'}') => {
                    chars.next();
                    lit.push('}');
                }
                '{' => {
                    let mut name = String::new();
                    for c in chars.by_ref() {
                        if c == '}' {
                            break;
                        }
                        name.push(c);
                    }
                    if !lit.is_empty() {
                        parts.push(self.mk(ExprKind::Str(std::mem::take(&mut lit).into_bytes()), Ty::Str, fmt.span()));
                    }
                    let (name, spec) = match name.split_once(':') {
                        Some((n, s)) => (n.to_string(), Some(s.to_string())),
                        None => (name, None),
                    };
                    // `{:?}` / `{:#?}`: Debug (`lang/debug.rs`), which is Display for integers
                    // and bools. Debug with a width, a precision or other flags is refused.
                    let pretty = spec.as_deref() == Some("#?");
                    let debug = pretty || spec.as_deref() == Some("?");
                    if !debug && spec.as_deref().is_some_and(|s| s.ends_with('?')) {
                        let shown = spec.unwrap_or_default();
                        return self.unsupported(
                            fmt.span(),
                            &format!("the format spec `{{{name}:{shown}}}` (Debug with a width, precision or flag)"),
                            "write `{:?}` (or `{:#?}`) alone, and pad its text with a second `format!`: `format!(\"{:>8}\", format!(\"{:?}\", x))`",
                        );
                    }
                    let spec = if debug { None } else { spec };
                    let spec = match spec.as_deref().map(FormatSpec::parse) {
                        None => None,
                        Some(Ok(s)) => Some(s),
                        Some(Err(())) => {
                            let shown = spec.unwrap_or_default();
                            return self.unsupported(fmt.span(), &format!("the format spec `{{{name}:{shown}}}`"), "use `{}`, `{:.2}` (floats), or a width with alignment and fill: `{:>8}`, `{:<8}`, `{:^8}`, `{:*>8}`, `{:08}`");
                        }
                    };
                    let value = if name.is_empty() {
                        let Some(a) = args.get_mut(next_arg).and_then(Option::take) else {
                            return self.unsupported(fmt.span(), "a `{}` placeholder without an argument", "give one argument per `{}` (`format!(\"{}-{}\", a, b)`), or name a variable in the braces: `{a}`");
                        };
                        next_arg += 1;
                        a
                    } else if name.chars().all(|c| c.is_alphanumeric() || c == '_') && !name.chars().next().is_some_and(|c| c.is_ascii_digit()) {
                        match self.lookup(&name) {
                            Some(v) => self.var_expr(v, fmt.span()),
                            None => match self.module_const(&name, fmt.span()) {
                                Some(e) => e,
                                None => {
                                    self.err(Rule::UnknownName, fmt.span(), format!("cannot find `{name}` in this redis function"), "");
                                    poison(fmt.span())
                                }
                            },
                        }
                    } else {
                        return self.unsupported(fmt.span(), &format!("the format spec `{{{name}}}`"), "use `{}` or `{name}` only");
                    };
                    let numeric = matches!(value.ty, Ty::Int | Ty::IntN(_) | Ty::Float);
                    if let Some(sp) = &spec {
                        if sp.precision.is_some() && value.ty != Ty::Float {
                            let t = value.ty.clone();
                            self.unsupported(fmt.span(), &format!("a precision for `{t}`"), "precision is for floats: `{:.2}`");
                        }
                        if sp.zero && !numeric {
                            let t = value.ty.clone();
                            self.unsupported(fmt.span(), &format!("zero padding of `{t}`"), "pad numbers with zeros, strings with a fill: `{:0>8}`");
                        }
                    }
                    let fixed = spec.as_ref().and_then(|s| s.precision);
                    if debug && !matches!(value.ty, Ty::Int | Ty::IntN(_) | Ty::Bool | Ty::Never) {
                        let text = self.debug_text(value, pretty, fmt.span());
                        parts.push(text);
                        continue;
                    }
                    let piece = match &value.ty {
                        Ty::Str | Ty::Never => value,
                        Ty::Bool => {
                            let sp = value.span;
                            self.mk(ExprKind::Method(Method::BoolToString, vec![value]), Ty::Str, sp)
                        }
                        Ty::Float if fixed.is_some() => {
                            let sp = value.span;
                            let n = self.mk(ExprKind::Int(fixed.unwrap_or(0) as i64), Ty::Int, sp);
                            self.mk(ExprKind::Method(Method::FloatFixed, vec![value, n]), Ty::Str, sp)
                        }
                        Ty::Float => {
                            let sp = value.span;
                            self.mk(ExprKind::Method(Method::FloatToString, vec![value]), Ty::Str, sp)
                        }
                        Ty::Int | Ty::IntN(_) => {
                            let sp = value.span;
                            self.mk(ExprKind::IntToString(Box::new(value)), Ty::Str, sp)
                        }
                        other => {
                            let t = other.clone();
                            let hint = if matches!(t, Ty::Struct(_) | Ty::Enum(_)) {
                                "an `impl Display` is not translated: give the type a method returning a `String` (`fn show(&self) -> String { format!(..) }`) and format what it returns"
                            } else {
                                "format integers, floats, bools and strings"
                            };
                            self.err(Rule::Unsupported, value.span, format!("formatting `{t}` is not supported"), hint);
                            poison(value.span)
                        }
                    };
                    let piece = match spec {
                        Some(sp) if sp.width > 0 => {
                            let at = piece.span;
                            let align = sp.align.unwrap_or(if numeric { '>' } else { '<' });
                            let args = vec![
                                piece,
                                self.mk(ExprKind::Int(sp.width as i64), Ty::Int, at),
                                self.mk(ExprKind::Str(align.to_string().into_bytes()), Ty::Str, at),
                                self.mk(ExprKind::Str(sp.fill.to_string().into_bytes()), Ty::Str, at),
                                self.mk(ExprKind::Bool(sp.zero), Ty::Bool, at),
                            ];
                            self.mk(ExprKind::Method(Method::StrPad, args), Ty::Str, at)
                        }
                        _ => piece,
                    };
                    parts.push(piece);
                }
                c => lit.push(c),
            }
        }
        if next_arg != rest.len() {
            self.err(Rule::Arity, span, "`format!` has more arguments than `{}` placeholders", "add a `{}` for each argument, or remove the extra ones");
        }
        if !lit.is_empty() || parts.is_empty() {
            parts.push(self.mk(ExprKind::Str(lit.into_bytes()), Ty::Str, fmt.span()));
        }
        let mut acc = parts.remove(0);
        for p in parts {
            acc = self.mk(ExprKind::Method(Method::StrConcat, vec![acc, p]), Ty::Str, span);
        }
        if first.is_empty() {
            return acc;
        }
        self.mk(ExprKind::Block(Block { stmts: first, tail: Some(Box::new(acc)), ty: Ty::Str }), Ty::Str, span)
    }

    /// `s.parse::<i64>().ok()` / `.unwrap_or(d)` / `.is_ok()` / `.is_err()`.
    pub(crate) fn parse_method(&mut self, m: &syn::ExprMethodCall) -> Option<Expr> {
        if m.method == "parse" && m.turbofish.is_some() {
            // A parse result kept as a value: only matched where it is made (see
            // `lang/matching.rs`), or turned into an Option.
            self.err(
                Rule::Unsupported,
                m.method.span(),
                "a parse result kept as a `Result`",
                "match it where it is made (`match s.parse::<i64>() { Ok(n) => .., Err(_) => .. }`, `if let Ok(n) = s.parse::<i64>()`), or write `s.parse::<i64>().ok()` and match `Some(n)` / `None`",
            );
            return Some(crate::lower::poison(m.span()));
        }
        let syn::Expr::MethodCall(inner) = &*m.receiver else { return None };
        if inner.method != "parse" {
            return None;
        }
        let span = m.span();
        let (parsed, ty) = self.parse_call(inner)?;
        let name = m.method.to_string();
        Some(match (name.as_str(), m.args.len()) {
            ("ok", 0) => parsed,
            ("is_ok", 0) => self.mk(ExprKind::IsSome(Box::new(parsed)), Ty::Bool, span),
            ("is_err", 0) => self.mk(ExprKind::IsNone(Box::new(parsed)), Ty::Bool, span),
            ("unwrap_or", 1) => {
                let d = self.expr(&m.args[0], Some(&ty));
                if !d.ty.fits(&ty) {
                    let t = d.ty.clone();
                    self.err(Rule::Type, d.span, format!("expected `{ty}`, found `{t}`"), "");
                }
                self.mk(ExprKind::UnwrapOr(Box::new(parsed), Box::new(d)), ty, span)
            }
            _ => self.unsupported(m.method.span(), &format!("`.{name}()` on a parse result"), "use `.ok()`, `.unwrap_or(n)`, `.is_ok()` or `.is_err()`, or `match` it: `Ok(n) => .., Err(_) => ..`"),
        })
    }

    /// `s.parse::<T>()` (`inner`) as an `Option<T>`, `None` where Rust gives `Err`, with
    /// `T`; `None` for a call that is not a parse, a poisoned value after an error.
    pub(crate) fn parse_call(&mut self, inner: &syn::ExprMethodCall) -> Option<(Expr, Ty)> {
        if inner.method != "parse" {
            return None;
        }
        let span = inner.span();
        let target = inner.turbofish.as_ref().and_then(|t| t.args.first()).and_then(|a| match a {
            syn::GenericArgument::Type(t) => Self::path_name(t).map(|(_, n)| n),
            _ => None,
        });
        let (method, ty) = match target.as_deref() {
            Some("i64") => (Method::ParseInt, Ty::Int),
            Some("f64") => (Method::ParseFloat, Ty::Float),
            _ => return Some((self.unsupported(inner.method.span(), "this `parse`", "write `s.parse::<i64>()` or `s.parse::<f64>()`"), Ty::Never)),
        };
        let s = self.expr(&inner.receiver, Some(&Ty::Str));
        if !s.ty.fits(&Ty::Str) {
            let t = s.ty.clone();
            self.err(Rule::Type, s.span, format!("expected a string to parse, found `{t}`"), format!("parse a `String` or `&str`; a `{t}` is not text"));
        }
        Some((self.mk(ExprKind::Method(method, vec![s]), ty.clone().option(), span), ty))
    }
}

/// The part of a `format!` spec after `:` that redlua translates:
/// `[[fill]align][0][width][.precision]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FormatSpec {
    fill: char,
    align: Option<char>,
    zero: bool,
    width: usize,
    precision: Option<usize>,
}

impl FormatSpec {
    pub(crate) fn parse(spec: &str) -> Result<FormatSpec, ()> {
        let mut out = FormatSpec { fill: ' ', align: None, zero: false, width: 0, precision: None };
        let chars: Vec<char> = spec.chars().collect();
        let mut i = 0;
        let is_align = |c: char| matches!(c, '<' | '>' | '^');
        if chars.len() >= 2 && is_align(chars[1]) {
            out.fill = chars[0];
            out.align = Some(chars[1]);
            i = 2;
        } else if chars.first().copied().is_some_and(is_align) {
            out.align = chars.first().copied();
            i = 1;
        }
        if chars.get(i) == Some(&'0') {
            out.zero = true;
            i += 1;
        }
        let digits = |i: &mut usize| -> Option<usize> {
            let start = *i;
            while chars.get(*i).is_some_and(char::is_ascii_digit) {
                *i += 1;
            }
            chars[start..*i].iter().collect::<String>().parse().ok()
        };
        out.width = digits(&mut i).unwrap_or(0);
        if chars.get(i) == Some(&'.') {
            i += 1;
            out.precision = Some(digits(&mut i).ok_or(())?);
        }
        // Lua's string.format takes at most two digits of precision.
        if i != chars.len() || out.precision.is_some_and(|p| p > 99) || (out.zero && out.align.is_some()) || out.width > 4096 {
            return Err(());
        }
        Ok(out)
    }
}

/// The names inside the placeholders of a format string, in order (`""` for `{}`,
/// `"x"` for `{x}` and `{x:>4}`).
pub(crate) fn format_placeholders(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
            }
            '{' => {
                let inner: String = chars.by_ref().take_while(|c| *c != '}').collect();
                names.push(inner.split(':').next().unwrap_or_default().to_string());
            }
            _ => {}
        }
    }
    names
}
