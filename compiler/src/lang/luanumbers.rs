//! Lua's numbers, for ports of hand-written scripts (`redlua::luanum` in the runtime):
//! `lua_tonumber(s)`, `lua_tostring(x)`, `lua_arg(x)` and the `LuaNumber` parameter.
//!
//! Each is the Lua itself, so the server does what the original script had it do:
//! `tonumber(s)` (an `Option<f64>`: nil when Lua refuses the text), `tostring(x)` (`%.14g`,
//! what `..` writes) and the Lua number passed as it is to `redis.call`, which converts it
//! (`%.17g` and `-0` on Redis 7.0). A `LuaNumber` parameter is `tonumber(ARGV[i])`, an
//! error reply when that is nil; its number is `n.0` (an `f64`). The native twin runs the
//! runtime's Rust versions of the same conversions.
//!
//! `lua_arg(x)` is typed as a string here: in Rust it is a `LuaArg`, which rustc accepts
//! only where a command takes an argument (and in `let`s and `Vec`s spread into `call!`),
//! the places where the Lua passes a string as it is.

use crate::codegen::Gen;
use crate::diag::Rule;
use crate::ir::*;
use crate::ir::{ExprKind, Ty};
use crate::lower::{poison, Lowerer};
use crate::lua::Expr as L;
use crate::lualib::Helper;
use proc_macro2::Span;

/// `lua_tonumber`, `redlua::prelude::lua_tonumber`, ..: the function's name.
fn luanum_item(segs: &[String]) -> Option<(&str, Ty, Ty, ValueCtor)> {
    let name = match segs {
        [n] => n.as_str(),
        [r, m, n] if r == "redlua" && (m == "prelude" || m == "luanum") => n.as_str(),
        _ => return None,
    };
    Some(match name {
        "lua_tonumber" => ("lua_tonumber", Ty::Str, Ty::Float.option(), ValueCtor::LuaToNumber),
        "lua_tostring" => ("lua_tostring", Ty::Float, Ty::Str, ValueCtor::LuaToString),
        "lua_arg" => ("lua_arg", Ty::Float, Ty::Str, ValueCtor::LuaArg),
        _ => return None,
    })
}

impl Lowerer<'_> {
    /// `lua_tonumber(s)`, `lua_tostring(x)`, `lua_arg(x)`.
    pub(crate) fn luanum_call(&mut self, segs: &[String], args: &[&syn::Expr], span: Span) -> Option<Expr> {
        let (name, want, ty, ctor) = luanum_item(segs)?;
        if segs.len() == 1 && (self.lookup(name).is_some() || self.ctx.items.contains_key(name)) {
            return None;
        }
        if args.len() != 1 {
            return Some(self.arity(span, name, 1));
        }
        let a = self.expr(args[0], Some(&want));
        if !a.ty.fits(&want) {
            let t = a.ty.clone();
            let hint = match ctor {
                ValueCtor::LuaToNumber => "pass a `String` or `&str`",
                _ => "pass an `f64`: convert an integer with `as f64`",
            };
            self.err(Rule::Type, a.span, format!("`{name}` takes `{want}`, found `{t}`"), hint);
            return Some(poison(span));
        }
        Some(self.mk(ExprKind::MakeValue(ctor, vec![a]), ty, span))
    }

    /// `LuaNumber` as a parameter type: an `f64` read with Lua's `tonumber`.
    pub(crate) fn is_lua_number_type(ty: &syn::Type) -> bool {
        let syn::Type::Path(p) = ty else { return false };
        let segs: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
        let plain = p.path.segments.iter().all(|s| s.arguments.is_none());
        plain && p.qself.is_none() && matches!(segs.iter().map(String::as_str).collect::<Vec<_>>().as_slice(), ["LuaNumber"] | ["redlua", "LuaNumber"] | ["redlua", "prelude" | "luanum", "LuaNumber"])
    }
}

impl Gen<'_> {
    /// The Lua of `lua_tonumber(s)`, `lua_tostring(x)`, `lua_arg(x)` on the operand's value.
    pub(crate) fn luanum_value(&mut self, ctor: ValueCtor, v: L) -> L {
        match ctor {
            ValueCtor::LuaToNumber => L::call("tonumber", vec![v]),
            ValueCtor::LuaToString => L::call("tostring", vec![v]),
            _ => v,
        }
    }

    /// The prologue's reading of a `LuaNumber` parameter from `raw`.
    pub(crate) fn lua_number_param(&mut self, raw: L, name: &str) -> L {
        self.helper(Helper::ArgLuaNumber, vec![raw, L::str(name)])
    }
}

#[cfg(test)]
mod tests {
    use crate::lower::Lowerer;

    /// The Lua number functions are `lua_tonumber`, .. and their paths in `redlua::prelude`
    /// and `redlua::luanum`: the same names in another module are not redlua's.
    #[test]
    fn only_redlua_paths_name_the_lua_number_functions() {
        let compiles = |call: &str| {
            let source = format!("mod m {{ use redlua::prelude::*; #[redis_function] pub fn f(x: f64) -> String {{ {call} }} }}");
            crate::compile_library(r#"name = "m""#.parse().unwrap(), source.parse().unwrap()).is_ok()
        };
        for call in ["lua_tostring(x)", "redlua::prelude::lua_tostring(x)", "redlua::luanum::lua_tostring(x)"] {
            assert!(compiles(call), "{call}");
        }
        for call in ["other::prelude::lua_tostring(x)", "other::luanum::lua_tostring(x)", "redlua::other::lua_tostring(x)", "redlua::Value::lua_tostring(x)", "luanum::lua_tostring(x)", "a::redlua::luanum::lua_tostring(x)"] {
            assert!(!compiles(call), "{call}");
        }
    }

    /// `LuaNumber` is a parameter type in its plain spellings only: not with generic
    /// arguments, nor as an associated type.
    #[test]
    fn lua_number_parameter_types() {
        for (ty, is) in [
            (syn::parse_quote!(LuaNumber), true),
            (syn::parse_quote!(redlua::LuaNumber), true),
            (syn::parse_quote!(redlua::prelude::LuaNumber), true),
            (syn::parse_quote!(redlua::luanum::LuaNumber), true),
            (syn::parse_quote!(LuaNumber<f64>), false),
            (syn::parse_quote!(redlua::LuaNumber<i64>), false),
            (syn::parse_quote!(<T>::LuaNumber), false),
            (syn::parse_quote!(<T as redlua>::LuaNumber), false),
            (syn::parse_quote!(other::LuaNumber), false),
            (syn::parse_quote!(f64), false),
        ] {
            let ty: syn::Type = ty;
            assert_eq!(Lowerer::is_lua_number_type(&ty), is, "{}", quote::quote!(#ty));
        }
    }
}
