//! User enums of the library module: `enum State { Idle, Running }` and enums with data
//! (`enum Cmd { Add(i64), Set { key: String, v: i64 }, Clear }`), their constructors
//! (`State::Idle`, `Cmd::Add(5)`, `Cmd::Set { key, v: 1 }`) and their patterns.
//!
//! An enum whose variants hold no data is its variant's name, a Lua string (`'Idle'`):
//! `==` is Lua's, a parameter is an argument naming a variant, a reply is the name as a
//! bulk string. An enum with data is a table `{ 'Set', key, v }`: the variant's name,
//! then its fields in declaration order (a variant without fields is `{ 'Clear' }`);
//! `==` compares by value. Both need no code of their own in codegen: a constructor is a
//! string or a tuple, a pattern a string or a tuple pattern, a field read a tuple field.

use crate::diag::Rule;
use crate::ir::*;
use crate::lower::{poison, HelperCtx, Lowerer};
use proc_macro2::Span;
use syn::spanned::Spanned;

impl HelperCtx {
    /// Makes the enums of a library module usable in its functions.
    pub fn with_enums(mut self, items: impl IntoIterator<Item = syn::ItemEnum>) -> Self {
        for it in items {
            self.enum_items.insert(it.ident.to_string(), it);
        }
        self
    }
}

impl Lowerer<'_> {
    /// True when `name` is an enum of the library.
    pub(crate) fn is_enum_name(&self, name: &str) -> bool {
        self.ctx.enum_items.contains_key(name)
    }

    /// The type of a user enum of the library, lowering its variants on first use.
    pub(crate) fn enum_type(&mut self, name: &str) -> Option<Ty> {
        if let Some(e) = self.ctx.enums.get(name) {
            // No variants: the enum was refused (and reported) already.
            return (!e.variants.is_empty()).then(|| Ty::Enum(Box::new(e.clone())));
        }
        let item = self.ctx.enum_items.get(name)?.clone();
        // Refused enums stay in the table without variants (and guard against an enum
        // that contains itself).
        self.ctx.enums.insert(name.to_string(), EnumTy { name: name.to_string(), variants: Vec::new() });
        if !item.generics.params.is_empty() {
            self.err(Rule::Unsupported, item.generics.span(), format!("the generic enum `{name}`"), "use an enum without type or lifetime parameters: redlua gives each enum one Lua shape");
            return None;
        }
        let mut variants = Vec::new();
        let mut ok = true;
        for v in &item.variants {
            if let Some((_, d)) = &v.discriminant {
                self.err(
                    Rule::Unsupported,
                    d.span(),
                    format!("the explicit discriminant of `{name}::{}`", v.ident),
                    "remove `= ..`: an enum is its variant's name in Lua, and `as i64` of a variant is not translated; use a `match` that gives each variant its number",
                );
                ok = false;
            }
            let (fields, braces): (Vec<&syn::Field>, bool) = match &v.fields {
                syn::Fields::Unit => (Vec::new(), false),
                syn::Fields::Unnamed(u) => (u.unnamed.iter().collect(), false),
                syn::Fields::Named(n) => (n.named.iter().collect(), true),
            };
            let mut fs = Vec::new();
            for f in fields {
                let Some(t) = self.local_type(&f.ty) else {
                    ok = false;
                    continue;
                };
                if matches!(t, Ty::Result(_) | Ty::Unit | Ty::Fn(..) | Ty::CallResult) {
                    self.err(Rule::UnsupportedType, f.ty.span(), format!("a `{t}` field of an enum variant is not supported"), "a variant's fields may be numbers, bools, strings, keys, Vecs, maps, tuples, structs and enums");
                    ok = false;
                    continue;
                }
                fs.push((f.ident.as_ref().map(|i| i.to_string()), t));
            }
            variants.push(VariantTy { name: v.ident.to_string(), fields: fs, braces });
        }
        if !ok {
            return None;
        }
        let e = EnumTy { name: name.to_string(), variants };
        self.ctx.enums.insert(name.to_string(), e.clone());
        Some(Ty::Enum(Box::new(e)))
    }

    /// The enum and variant a two-segment path names (`State::Idle`, `Self::Idle`).
    fn variant_of(&mut self, segs: &[String], span: Span) -> Option<(EnumTy, usize)> {
        let [e, v] = segs else { return None };
        let e = if e == "Self" { self.self_type.clone()? } else { e.clone() };
        if !self.is_enum_name(&e) {
            return None;
        }
        let Some(Ty::Enum(et)) = self.enum_type(&e) else { return Some((EnumTy { name: e, variants: Vec::new() }, usize::MAX)) };
        match et.variants.iter().position(|x| &x.name == v) {
            Some(i) => Some((*et, i)),
            None => {
                self.err(Rule::Type, span, format!("`{e}` has no variant `{v}`"), format!("the variants of `{e}` are {}", et.variants.iter().map(|x| format!("`{}`", x.name)).collect::<Vec<_>>().join(", ")));
                Some((*et, usize::MAX))
            }
        }
    }

    /// A value of variant `i` of `e` from its fields (in declaration order).
    fn variant_value(&mut self, e: EnumTy, i: usize, fields: Vec<Expr>, span: Span) -> Expr {
        let name = e.variants[i].name.clone().into_bytes();
        let unit = e.unit_only();
        let ty = Ty::Enum(Box::new(e));
        if unit {
            return self.mk(ExprKind::Str(name), ty, span);
        }
        let mut es = vec![self.mk(ExprKind::Str(name), Ty::Str, span)];
        es.extend(fields);
        self.mk(ExprKind::Tuple(es), ty, span)
    }

    /// `State::Idle`, `Cmd::Clear`: a variant without fields.
    pub(crate) fn enum_path(&mut self, segs: &[String], span: Span) -> Option<Expr> {
        let (e, i) = self.variant_of(segs, span)?;
        if i == usize::MAX {
            return Some(poison(span));
        }
        let v = &e.variants[i];
        if !v.fields.is_empty() || v.braces {
            let shape = if v.braces { "{ .. }" } else { "(..)" };
            self.err(Rule::Type, span, format!("the variant `{}::{}` has fields", e.name, v.name), format!("give them: `{}::{}{shape}`", e.name, v.name));
            return Some(poison(span));
        }
        Some(self.variant_value(e, i, Vec::new(), span))
    }

    /// `Cmd::Add(5)`: a tuple variant.
    pub(crate) fn enum_call(&mut self, segs: &[String], args: &[&syn::Expr], span: Span) -> Option<Expr> {
        let (e, i) = self.variant_of(segs, span)?;
        if i == usize::MAX {
            return Some(poison(span));
        }
        let v = e.variants[i].clone();
        if v.braces || v.fields.len() != args.len() {
            let hint = if v.braces {
                format!("`{}::{}` names its fields: write `{}::{} {{ field: value, .. }}`", e.name, v.name, e.name, v.name)
            } else {
                let tys: Vec<String> = v.fields.iter().map(|(_, t)| t.to_string()).collect();
                format!("`{}::{}` is declared `{}({})`: pass one value per field", e.name, v.name, v.name, tys.join(", "))
            };
            self.err(Rule::Type, span, format!("`{}::{}` takes {} field{} in parentheses, {} given", e.name, v.name, v.fields.len(), if v.fields.len() == 1 { "" } else { "s" }, args.len()), hint);
            return Some(poison(span));
        }
        let mut fields = Vec::new();
        for (a, (_, want)) in args.iter().zip(&v.fields) {
            let x = self.expr(a, Some(want));
            if !x.ty.fits(want) {
                self.err(Rule::Type, x.span, format!("expected `{want}`, found `{}`", x.ty), "");
            }
            fields.push(x);
        }
        Some(self.variant_value(e, i, fields, span))
    }

    /// `Cmd::Set { key, v: 1 }`: a struct variant. The fields run in the order written.
    pub(crate) fn variant_literal(&mut self, s: &syn::ExprStruct) -> Option<Expr> {
        let segs: Vec<String> = s.path.segments.iter().map(|x| x.ident.to_string()).collect();
        let span = s.span();
        let (e, i) = self.variant_of(&segs, s.path.span())?;
        if i == usize::MAX {
            return Some(poison(span));
        }
        let v = e.variants[i].clone();
        if let Some(r) = &s.rest {
            return Some(self.unsupported(r.span(), "struct update syntax (`..base`)", "write every field"));
        }
        let mut values: Vec<Option<Expr>> = vec![None; v.fields.len()];
        let mut written = Vec::new();
        // A field refused here leaves the others unreported as missing (as rustc does).
        let mut refused = false;
        for fv in &s.fields {
            let syn::Member::Named(fname) = &fv.member else {
                self.err(Rule::Unsupported, fv.member.span(), "a numbered field (`{ 0: .. }`) is not supported inside a redis function", numbered_hint(&e, &v));
                refused = true;
                continue;
            };
            let Some(k) = v.fields.iter().position(|(n, _)| n.as_deref() == Some(&fname.to_string())) else {
                self.err(Rule::Type, fname.span(), format!("`{}::{}` has no field `{fname}`", e.name, v.name), fields_hint(&e, &v));
                refused = true;
                continue;
            };
            let want = v.fields[k].1.clone();
            let x = self.expr(&fv.expr, Some(&want));
            if !x.ty.fits(&want) {
                self.err(Rule::Type, x.span, format!("expected `{want}`, found `{}`", x.ty), "");
            }
            written.push(k);
            values[k] = Some(x);
        }
        let mut stmts = Vec::new();
        // Fields written out of declaration order: computed first, in the order written.
        let reordered = written.windows(2).any(|w| w[0] > w[1]);
        if reordered {
            for &k in &written {
                if let Some(x) = values[k].take() {
                    values[k] = Some(if matches!(x.kind, ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) | ExprKind::Str(_) | ExprKind::Var(_)) {
                        x
                    } else {
                        let (st, x) = self.hidden_let("field", x);
                        stmts.push(st);
                        x
                    });
                }
            }
        }
        let mut fields = Vec::new();
        for (k, x) in values.into_iter().enumerate() {
            match x {
                Some(x) => fields.push(x),
                None if refused => fields.push(poison(span)),
                None => {
                    self.err(Rule::Type, span, format!("missing field `{}` in `{}::{}`", v.fields[k].0.clone().unwrap_or_default(), e.name, v.name), "give every field a value");
                    fields.push(poison(span));
                }
            }
        }
        let value = self.variant_value(e, i, fields, span);
        if stmts.is_empty() {
            return Some(value);
        }
        let ty = value.ty.clone();
        Some(self.mk(ExprKind::Block(Block { stmts, tail: Some(Box::new(value)), ty: ty.clone() }), ty, span))
    }

    /// True when `p` names a variant of an enum of the library (`Slot::Full(x)`).
    pub(crate) fn names_variant(&self, p: &syn::Pat) -> bool {
        let path = match p {
            syn::Pat::Path(pp) => &pp.path,
            syn::Pat::TupleStruct(ts) => &ts.path,
            syn::Pat::Struct(s) => &s.path,
            _ => return false,
        };
        path.segments.len() == 2 && (path.segments[0].ident == "Self" || self.is_enum_name(&path.segments[0].ident.to_string()))
    }

    /// A pattern naming a variant: `State::Idle`, `Cmd::Add(n)`, `Cmd::Set { key, .. }`.
    pub(crate) fn variant_pattern(&mut self, p: &syn::Pat, ty: &Ty) -> Pat {
        let span = p.span();
        let Ty::Enum(et) = ty else {
            // The scrutinee's type was refused (and reported).
            match p {
                syn::Pat::Struct(s) => s.fields.iter().for_each(|f| self.declare_poisoned(&f.pat)),
                p => self.declare_poisoned(p),
            }
            return Pat::Wild;
        };
        let path = match p {
            syn::Pat::Path(pp) => &pp.path,
            syn::Pat::TupleStruct(ts) => &ts.path,
            syn::Pat::Struct(s) => &s.path,
            _ => return Pat::Wild,
        };
        let segs: Vec<String> = path.segments.iter().map(|x| x.ident.to_string()).collect();
        let named = if segs.len() == 2 && (segs[0] == et.name || segs[0] == "Self") { self.variant_of(&segs, span) } else { None };
        let Some((e, i)) = named else {
            self.err(Rule::Type, span, format!("this pattern does not match a `{}`", et.name), format!("name a variant: `{}::{}`", et.name, et.variants.first().map_or("..", |v| v.name.as_str())));
            return Pat::Wild;
        };
        if i == usize::MAX {
            return Pat::Wild;
        }
        let v = e.variants[i].clone();
        let tag = Pat::Str(v.name.clone().into_bytes());
        if e.unit_only() {
            return tag;
        }
        let mut parts = vec![Pat::Wild; v.fields.len()];
        match p {
            syn::Pat::TupleStruct(ts) => {
                let rest = ts.elems.iter().position(|x| matches!(x, syn::Pat::Rest(_)));
                let given = ts.elems.len() - usize::from(rest.is_some());
                if given > v.fields.len() || rest.is_none() && given != v.fields.len() || v.braces {
                    self.err(Rule::Type, span, format!("`{}::{}` has {} field{}", e.name, v.name, v.fields.len(), if v.fields.len() == 1 { "" } else { "s" }), "");
                    return Pat::Wild;
                }
                for (j, sub) in ts.elems.iter().enumerate() {
                    let k = match rest {
                        Some(r) if j == r => continue,
                        Some(r) if j > r => v.fields.len() - (ts.elems.len() - j),
                        _ => j,
                    };
                    parts[k] = self.field_pattern(sub, &v.fields[k].1);
                }
            }
            syn::Pat::Struct(s) => {
                for f in &s.fields {
                    let syn::Member::Named(fname) = &f.member else {
                        self.err(Rule::Unsupported, f.member.span(), "a numbered field (`{ 0: .. }`) is not supported inside a redis function", numbered_hint(&e, &v));
                        self.declare_poisoned(&f.pat);
                        continue;
                    };
                    let Some(k) = v.fields.iter().position(|(n, _)| n.as_deref() == Some(&fname.to_string())) else {
                        self.err(Rule::Type, fname.span(), format!("`{}::{}` has no field `{fname}`", e.name, v.name), fields_hint(&e, &v));
                        self.declare_poisoned(&f.pat);
                        continue;
                    };
                    parts[k] = self.field_pattern(&f.pat, &v.fields[k].1);
                }
            }
            _ if !v.fields.is_empty() || v.braces => {
                self.err(Rule::Type, span, format!("the variant `{}::{}` has fields", e.name, v.name), format!("match them: `{}::{}{}`", e.name, v.name, if v.braces { " { .. }" } else { "(..)" }));
                return Pat::Wild;
            }
            _ => {}
        }
        let mut all = vec![tag];
        all.extend(parts);
        Pat::Tuple(all)
    }

    /// The pattern of one field of a variant: bindings are by value and immutable.
    fn field_pattern(&mut self, p: &syn::Pat, t: &Ty) -> Pat {
        if let syn::Pat::Ident(pi) = p {
            if pi.mutability.is_some() || pi.by_ref.is_some() {
                let name = pi.ident.to_string();
                self.err(Rule::Unsupported, p.span(), format!("a `{}` binding inside an enum pattern", if pi.by_ref.is_some() { "ref" } else { "mut" }), format!("bind `{name}` and write `let mut {name} = {name};` in the arm (a variant's fields are not changed in place)"));
                self.declare(&name, t.clone(), true);
                return Pat::Wild;
            }
        }
        self.pattern(p, t)
    }
}

impl Lowerer<'_> {
    /// A parameter of an enum type: a unit enum is an argument naming a variant; an enum
    /// with data is refused. `None` when `ty` names no enum.
    pub(crate) fn enum_param(&mut self, ty: &syn::Type) -> Option<Option<Ty>> {
        let syn::Type::Path(tp) = ty else { return None };
        let seg = tp.path.segments.last()?;
        if tp.path.segments.len() != 1 || !seg.arguments.is_none() || !self.is_enum_name(&seg.ident.to_string()) {
            return None;
        }
        let t = self.enum_type(&seg.ident.to_string())?;
        if self.enum_reply_refused(&t, ty.span()) {
            return Some(None);
        }
        Some(Some(t))
    }

    /// Reports an enum with data in a parameter or a reply (also inside a Vec, an Option
    /// or a tuple): only unit enums cross the boundary, as their variant's name.
    pub(crate) fn enum_reply_refused(&mut self, t: &Ty, span: Span) -> bool {
        match t {
            Ty::Enum(e) if !e.unit_only() => {
                self.err(
                    Rule::UnsupportedType,
                    span,
                    format!("the enum `{}` has variants with data, which cannot be a parameter or a reply of a redis function", e.name),
                    "only enums whose variants hold no data cross the boundary (as the variant's name); pass or return the fields, or a tuple",
                );
                true
            }
            Ty::Option(i) | Ty::Vec(i) | Ty::Result(i) | Ty::Map(i) => self.enum_reply_refused(i, span),
            Ty::Tuple(ts) => ts.iter().any(|t| self.enum_reply_refused(t, span)),
            Ty::Struct(st) => st.fields.iter().any(|(_, t)| self.enum_reply_refused(t, span)),
            _ => false,
        }
    }
}

/// The hint of a numbered field (`Cmd::Add { 0: x }`): the variant's own form.
fn numbered_hint(e: &EnumTy, v: &VariantTy) -> String {
    if v.braces {
        format!("name the fields of `{}::{}`: {}", e.name, v.name, field_names(v))
    } else {
        format!("write the tuple variant with parentheses: `{}::{}(..)`", e.name, v.name)
    }
}

/// The hint of an unknown field of a variant: the fields it has.
fn fields_hint(e: &EnumTy, v: &VariantTy) -> String {
    if v.braces {
        format!("the fields of `{}::{}` are {}", e.name, v.name, field_names(v))
    } else {
        format!("`{}::{}` has numbered fields: write `{}::{}(..)`", e.name, v.name, e.name, v.name)
    }
}

fn field_names(v: &VariantTy) -> String {
    v.fields.iter().filter_map(|(n, _)| n.as_ref().map(|n| format!("`{n}`"))).collect::<Vec<_>>().join(", ")
}
