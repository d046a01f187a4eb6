//! A reply built in the body, whose shape may depend on the branch: `Value::Nil`,
//! `Value::Int(n)`, `Value::bulk(s)`, `Value::status(s)`, `Value::Array(v)` and
//! `Value::lua_number(x)` (a float replied as Lua replies a number).
//!
//! Each becomes the Lua value that the server turns into that reply: `false` (a nil reply,
//! or a nil element inside an array), the number, the string, `{ ok = s }`, the Vec's
//! table, the float itself (the server truncates it to an integer).

use crate::diag::Rule;
use crate::ir::*;
use crate::ir::{ExprKind, Ty};
use crate::codegen::Gen;
use crate::lower::{poison, Lowerer};
use crate::lua::{Expr as L, Stmt as LS};
use proc_macro2::Span;

/// `Value::x` or `redlua::Value::x`: the `x`.
fn value_item(segs: &[String]) -> Option<&str> {
    match segs {
        [v, x] if v == "Value" => Some(x),
        [r, v, x] if r == "redlua" && v == "Value" => Some(x),
        _ => None,
    }
}

const CONSTRUCTORS: &str = "build a reply with `Value::Nil`, `Value::Int(n)`, `Value::bulk(s)`, `Value::status(s)`, `Value::Array(vec![..])` or `Value::lua_number(x)`";

impl Lowerer<'_> {
    /// `Value::Nil`.
    pub(crate) fn value_path(&mut self, segs: &[String], span: Span) -> Option<Expr> {
        match value_item(segs)? {
            "Nil" => Some(self.mk(ExprKind::MakeValue(ValueCtor::Nil, vec![]), Ty::Dyn, span)),
            other => {
                let other = other.to_string();
                Some(self.unsupported(span, &format!("`Value::{other}` here"), CONSTRUCTORS))
            }
        }
    }

    /// `Value::Int(n)`, `Value::bulk(s)`, `Value::status(s)`, `Value::Array(v)`,
    /// `Value::lua_number(x)`.
    pub(crate) fn value_call(&mut self, segs: &[String], args: &[&syn::Expr], span: Span) -> Option<Expr> {
        let name = value_item(segs)?.to_string();
        let (ctor, want) = match name.as_str() {
            "Int" => (ValueCtor::Int, Ty::Int),
            "bulk" => (ValueCtor::Bulk, Ty::Str),
            "status" => (ValueCtor::Status, Ty::Str),
            "Array" => (ValueCtor::Array, Ty::Vec(Box::new(Ty::Dyn))),
            "lua_number" => (ValueCtor::LuaNumber, Ty::Float),
            "Bytes" => return Some(self.unsupported(span, "`Value::Bytes(..)`", "write `Value::bulk(s)` with a `String` or `&str`")),
            "Status" => {
                return Some(self.unsupported(
                    span,
                    "`Value::Status(..)`",
                    "write `Value::status(s)`: the server turns line breaks in a status reply into spaces, and `Value::status` does the same in the native twin",
                ))
            }
            _ => return Some(self.unsupported(span, &format!("`Value::{name}(..)`"), CONSTRUCTORS)),
        };
        if args.len() != 1 {
            return Some(self.arity(span, &format!("Value::{name}"), 1));
        }
        let a = self.expr(args[0], Some(&want));
        if !a.ty.fits(&want) {
            let t = a.ty.clone();
            let hint = match ctor {
                ValueCtor::Int => "`Value::Int` takes an `i64`: convert with `as i64`, or reply a float with `Value::lua_number(x)`",
                ValueCtor::Bulk | ValueCtor::Status => "pass a `String` or `&str` (`n.to_string()` for a number)",
                ValueCtor::LuaNumber => "`Value::lua_number` takes an `f64`: convert with `as f64`, or reply an integer with `Value::Int(n)`",
                _ => "",
            };
            self.err(Rule::Type, a.span, format!("`Value::{name}` takes `{want}`, found `{t}`"), hint);
            return Some(poison(span));
        }
        Some(self.mk(ExprKind::MakeValue(ctor, vec![a]), Ty::Dyn, span))
    }
}

impl Gen<'_> {
    pub(crate) fn make_value(&mut self, ctor: ValueCtor, es: &[Expr], out: &mut Vec<LS>) -> L {
        let Some(x) = es.first() else {
            return L::Bool(false);
        };
        let v = self.expr(x, out);
        match ctor {
            ValueCtor::Status => L::Table(vec![], vec![("ok".to_string(), v)]),
            ValueCtor::LuaToNumber | ValueCtor::LuaToString | ValueCtor::LuaArg => self.luanum_value(ctor, v),
            _ => v,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diag::{Diagnostic, Rule};

    fn errors_of(params: &str, body: &str) -> Vec<Diagnostic> {
        let source = format!("mod m {{ use redlua::prelude::*; #[redis_function] pub fn f({params}) -> Value {{ {body} }} }}");
        crate::compile_library(r#"name = "m""#.parse().unwrap(), source.parse().unwrap()).err().unwrap_or_default()
    }

    /// Each constructor's type error names what it takes, and a variant of the client's
    /// `Value` that a body cannot build names the constructor to use.
    #[test]
    fn a_wrong_constructor_or_argument_says_what_to_write() {
        for (params, body, message, hint) in [
            ("n: i64", "Value::bulk(n)", "`Value::bulk` takes `String`, found `i64`", "pass a `String` or `&str` (`n.to_string()` for a number)"),
            ("n: i64", "Value::status(n)", "`Value::status` takes `String`, found `i64`", "pass a `String` or `&str` (`n.to_string()` for a number)"),
            ("n: i64", "Value::lua_number(n)", "`Value::lua_number` takes `f64`, found `i64`", "`Value::lua_number` takes an `f64`: convert with `as f64`, or reply an integer with `Value::Int(n)`"),
            ("x: f64", "Value::Int(x)", "`Value::Int` takes `i64`, found `f64`", "`Value::Int` takes an `i64`: convert with `as i64`, or reply a float with `Value::lua_number(x)`"),
            ("s: String", "Value::Bytes(s)", "`Value::Bytes(..)`", "write `Value::bulk(s)` with a `String` or `&str`"),
            ("s: String", "Value::Status(s)", "`Value::Status(..)`", "write `Value::status(s)`"),
            ("s: String", "Value::Okay(s)", "`Value::Okay(..)`", super::CONSTRUCTORS),
            ("s: String", "Value::Okay", "`Value::Okay` here", super::CONSTRUCTORS),
        ] {
            let errors = errors_of(params, body);
            assert_eq!(errors.len(), 1, "{body}: {errors:?}");
            let e = &errors[0];
            assert!(e.message.contains(message) && e.hint.starts_with(hint), "{body}: {e:?}");
            assert!(matches!(e.rule, Rule::Type | Rule::Unsupported), "{body}: {e:?}");
        }
    }
}
