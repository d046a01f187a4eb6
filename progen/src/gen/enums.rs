//! User enums (unit variants and variants with data: constructors, `match` with guards,
//! `|` and `_`, `matches!`, `==`, `{:?}`, in Vecs / Options / tuples / structs, parameters
//! and replies where allowed) and `impl` blocks on the program's structs and enums
//! (associated functions, `&self`, `&mut self` and `self` methods calling each other).

use super::*;

/// A function of an `impl` block, as callers see it.
#[derive(Clone, Debug)]
pub(super) struct MethodSig {
    pub(super) target: Ty,
    pub(super) name: String,
    pub(super) recv: Recv,
    pub(super) params: Vec<Param>,
    pub(super) ret: Ty,
    pub(super) writes: bool,
}

impl<'c> Gen<'c> {
    /// The program's enums (none, one or two).
    pub(super) fn enum_defs(&mut self) {
        let n = self.rng.weighted(&[3, 3, 2]);
        for _ in 0..n {
            let unit = self.chance(1, 2);
            let nv = 2 + self.rng.below(3);
            let mut variants = Vec::new();
            for name in VARIANTS.iter().take(nv) {
                if unit || variants.is_empty() || self.chance(1, 3) {
                    variants.push(Variant { name: name.to_string(), fields: Vec::new(), named: false });
                    continue;
                }
                let nf = 1 + self.rng.below(2);
                let fields = (0..nf).map(|_| self.enum_field_ty()).collect();
                let named = self.chance(1, 3);
                variants.push(Variant { name: name.to_string(), fields, named });
            }
            let def = EnumDef { variants };
            self.hit(if def.unit_only() { "enum with unit variants" } else { "enum with data" });
            self.enums.push(def);
        }
    }

    fn enum_field_ty(&mut self) -> Ty {
        match self.rng.weighted(&[4, 3, 2]) {
            0 => Ty::Int,
            1 => Ty::Str,
            _ => Ty::Bool,
        }
    }

    /// The type of a random enum of the program (`None` without enums); `unit`: only
    /// enums whose variants are all unit variants.
    pub(super) fn enum_ty(&mut self, unit: bool) -> Option<Ty> {
        let c: Vec<usize> = (0..self.enums.len()).filter(|&i| !unit || self.enums[i].unit_only()).collect();
        if c.is_empty() {
            return None;
        }
        let i = *self.rng.pick(&c);
        Some(Ty::Enum(i, self.enums[i].unit_only()))
    }

    /// `t` holds an enum with data somewhere (not a parameter or a reply of a redis function).
    pub(super) fn has_data_enum(&self, t: &Ty) -> bool {
        match t {
            Ty::Enum(_, unit) => !unit,
            Ty::Opt(t) | Ty::Vec(t) | Ty::Map(t) | Ty::Res(t) => self.has_data_enum(t),
            Ty::Tuple(ts) => ts.iter().any(|t| self.has_data_enum(t)),
            Ty::Struct(i, _) => self.structs.get(*i).is_some_and(|s| s.fields.iter().any(|(_, t)| self.has_data_enum(t))),
            _ => false,
        }
    }

    /// A value of enum `i`: a variable, a method's or helper's result, or a constructor.
    pub fn enumv(&mut self, i: usize, d: usize) -> Expr {
        let ty = Ty::Enum(i, self.enums[i].unit_only());
        if d > 0 && self.chance(1, 2) {
            if let Some(e) = self.common(&ty, d) {
                return e;
            }
        }
        if !self.enums[i].unit_only() || self.chance(1, 2) {
            self.hit("enum in Vec / Option / tuple / struct");
        }
        let vs = self.enums[i].variants.clone();
        let v = self.rng.pick(&vs).clone();
        self.hit("enum constructor");
        let name = format!("{}::{}", enum_name(i), v.name);
        if v.fields.is_empty() {
            return Expr::lit(ty, name);
        }
        let kids: Vec<Expr> = v.fields.iter().map(|t| self.operand(|g| g.expr(t, d.saturating_sub(1)))).collect();
        if v.named {
            // The fields in another order than declared: Rust runs them as written.
            let mut idx: Vec<usize> = (0..kids.len()).collect();
            if self.chance(1, 2) {
                idx.reverse();
            }
            let holes: Vec<String> = idx.iter().map(|j| format!("f{j}: \u{2}")).collect();
            let kids = idx.iter().map(|&j| kids[j].clone()).collect();
            Expr::tpl(ty, "struct", format!("{name} {{ {} }}", holes.join(", ")), kids)
        } else {
            let holes = vec!["\u{4}"; kids.len()].join(", ");
            Expr::call(ty, "variant", format!("{name}({holes})"), kids)
        }
    }

    /// A `match` on an enum value whose arms have type `ty`.
    pub(super) fn enum_match(&mut self, ty: &Ty, d: usize) -> Option<Expr> {
        let ety = self.enum_ty(false)?;
        let Ty::Enum(i, _) = ety else { return None };
        let d1 = d.saturating_sub(1);
        let scrut = self.operand(|g| g.expr(&ety, d1));
        let vs = self.enums[i].variants.clone();
        let mut kids = vec![scrut];
        let mut arms = Vec::new();
        let mut covered = 0;
        let mut units: Vec<String> = Vec::new();
        for v in &vs {
            if self.chance(1, 4) {
                continue; // left to `_`
            }
            let path = format!("{}::{}", enum_name(i), v.name);
            if v.fields.is_empty() && self.chance(1, 2) {
                units.push(path); // joined with `|` below
                covered += 1;
                continue;
            }
            self.push_scope();
            let pat = if v.fields.is_empty() {
                path
            } else if self.chance(1, 5) {
                format!("{path}{}", if v.named { " { .. }" } else { "(..)" })
            } else {
                let mut parts = Vec::new();
                for (j, t) in v.fields.iter().enumerate() {
                    if self.chance(1, 4) {
                        parts.push(if v.named { String::new() } else { "_".to_string() });
                        continue;
                    }
                    let b = self.fresh("b");
                    self.declare(&b, t.clone(), false, LIMIT, true);
                    parts.push(if v.named { format!("f{j}: {b}") } else { b });
                }
                if v.named {
                    let named: Vec<String> = parts.into_iter().filter(|p| !p.is_empty()).collect();
                    format!("{path} {{ {}{}.. }}", named.join(", "), if named.is_empty() { "" } else { ", " })
                } else {
                    format!("{path}({})", parts.join(", "))
                }
            };
            let guard = if self.chance(1, 4) {
                self.hit("enum match guard");
                Some(self.operand(|g| g.bool(d1.saturating_sub(1))))
            } else {
                None
            };
            if guard.is_none() {
                covered += 1;
            }
            let body = self.arm_body(ty, d1);
            self.pop_scope();
            match guard {
                Some(g) => {
                    kids.push(g);
                    kids.push(body);
                    arms.push(format!("{pat} if \u{2} => \u{2},"));
                }
                None => {
                    kids.push(body);
                    arms.push(format!("{pat} => \u{2},"));
                }
            }
        }
        let mut text = String::from("match \u{3} {\n");
        if !units.is_empty() {
            if units.len() > 1 {
                self.hit("enum match |");
            }
            let body = self.arm_body(ty, d1);
            // The or-pattern first: later arms with the same variants would be unreachable.
            kids.insert(1, body);
            text.push_str(&format!("    {} => \u{2},\n", units.join(" | ")));
        }
        for a in &arms {
            text.push_str("    ");
            text.push_str(&a.replace('\n', "\n    "));
            text.push('\n');
        }
        if covered < vs.len() {
            self.hit("enum match _");
            let body = self.arm_body(ty, d1);
            kids.push(body);
            text.push_str("    _ => \u{2},\n");
        }
        text.push('}');
        self.hit("match on enums");
        Some(Expr::tpl(ty.clone(), "match", text, kids))
    }

    /// A bool about an enum: `==`, `matches!` (with `|` or a guard).
    pub(super) fn enum_bool(&mut self, d: usize) -> Option<Expr> {
        let ety = self.enum_ty(false)?;
        let Ty::Enum(i, _) = ety else { return None };
        let d1 = d.saturating_sub(1);
        let a = self.operand(|g| g.place(&ety, d1));
        if self.chance(1, 3) {
            let b = self.operand(|g| g.expr(&ety, d1));
            self.hit("enum ==");
            let op = if self.chance(1, 3) { "!=" } else { "==" };
            return Some(Expr::tpl(Ty::Bool, "==", format!("\u{1} {op} \u{1}"), vec![a, b]));
        }
        let vs = self.enums[i].variants.clone();
        let v = self.rng.pick(&vs).clone();
        let path = format!("{}::{}", enum_name(i), v.name);
        self.hit("matches!");
        if v.fields.is_empty() {
            let other = self.rng.pick(&vs).clone();
            let alt = if other.fields.is_empty() && other.name != v.name && self.chance(1, 2) { format!(" | {}::{}", enum_name(i), other.name) } else { String::new() };
            return Some(Expr::call(Ty::Bool, "matches", format!("matches!(\u{2}, {path}{alt})"), vec![a]));
        }
        // A binding and a guard on it: of a value, not a place (a `String` field would move
        // out of a borrowed place).
        let a = if v.fields[0].is_copy() { a } else { self.operand(|g| g.expr(&ety, d1)) };
        self.push_scope();
        let b = self.fresh("b");
        let t = v.fields[0].clone();
        self.declare(&b, t, false, LIMIT, true);
        let pat = if v.named { format!("{path} {{ f0: {b}, .. }}") } else { format!("{path}({b}{})", ", _".repeat(v.fields.len() - 1)) };
        let guard = self.operand(|g| g.bool(d1.saturating_sub(1)));
        self.pop_scope();
        Some(Expr::call(Ty::Bool, "matches", format!("matches!(\u{2}, {pat} if \u{2})"), vec![a, guard]))
    }

    /// `format!("{:?}", e)` of a unit enum.
    pub(super) fn enum_debug(&mut self, d: usize) -> Option<Expr> {
        let ety = self.enum_ty(true)?;
        let e = self.operand(|g| g.expr(&ety, d.saturating_sub(1)));
        self.hit("{:?} of a unit enum");
        self.hit("format!");
        Some(Expr::call(Ty::Str, "format", "format!(\"{:?}\", \u{2})", vec![e]))
    }

    // ---------------------------------------------------------------------------------
    // impl blocks

    /// `impl` blocks on some of the program's structs and enums.
    pub(super) fn impl_defs(&mut self, read_only: bool) -> Vec<ImplDef> {
        let mut targets: Vec<Ty> = (0..self.structs.len()).map(|i| Ty::Struct(i, self.structs[i].copy)).collect();
        targets.extend((0..self.enums.len()).map(|i| Ty::Enum(i, self.enums[i].unit_only())));
        let mut out = Vec::new();
        for t in targets {
            if !self.chance(1, 2) {
                continue;
            }
            let n = 1 + self.rng.below(3);
            let mut fns = Vec::new();
            for k in 0..n {
                let recv = match self.rng.weighted(&[2, 4, if matches!(t, Ty::Struct(..)) { 3 } else { 0 }, 2]) {
                    0 => Recv::Assoc,
                    1 => Recv::Ref,
                    2 => Recv::Mut,
                    _ => Recv::Value,
                };
                let f = self.method(&t, recv, k, read_only);
                fns.push((recv, f));
            }
            out.push(ImplDef { target: t.rust(), fns });
        }
        out
    }

    /// One function of the `impl` block of `t`.
    fn method(&mut self, t: &Ty, recv: Recv, k: usize, read_only: bool) -> FnDef {
        let name = format!("m{k}");
        let mut params = Vec::new();
        let np = self.rng.below(3);
        for j in 0..np {
            let ty = if self.chance(1, 3) { Ty::Int } else { self.value_ty(0) };
            params.push(Param { name: format!("p{j}"), ty, mutable: false, by_ref: false });
        }
        let ret = match recv {
            Recv::Assoc => t.clone(),
            Recv::Mut if self.chance(1, 2) => Ty::Unit,
            _ => self.value_ty(1),
        };
        let can_write = !read_only && self.chance(1, 3);
        self.begin_fn(&params, ret.clone(), can_write, 5);
        if recv != Recv::Assoc {
            // `self`: never shadowed or assigned as a variable (`frozen`).
            let refs = if recv == Recv::Value { 0 } else { 1 };
            self.vars.push(Var { name: "self".into(), ty: t.clone(), mutable: false, refs, bound: LIMIT, negz: true, frozen: 1, moved: false });
        }
        let mut body = Block::default();
        if recv == Recv::Mut {
            // Change a field of the receiver, then the rest.
            if let Ty::Struct(si, _) = t {
                let (f, ft) = self.rng.pick(&self.structs[*si].fields.clone()).clone();
                let e = self.expr(&ft, 2);
                body.stmts.push(Stmt { expr: Expr::tpl(Ty::Unit, "assign", format!("self.{f} = \u{2}"), vec![e]), semi: true });
            }
        }
        let rest = self.block_body(&ret, 2);
        body.stmts.extend(rest.stmts);
        body.tail = rest.tail;
        let wrote = self.f.wrote;
        self.end_fn();
        self.hit(match recv {
            Recv::Assoc => "impl: associated fn",
            Recv::Ref => "impl: &self method",
            Recv::Mut => "impl: &mut self method",
            Recv::Value => "impl: self method",
        });
        self.methods.push(MethodSig { target: t.clone(), name: name.clone(), recv, params: params.clone(), ret: ret.clone(), writes: wrote });
        FnDef { name, params, ret, body }
    }

    /// The arguments of a call of `m`: text and operands.
    fn method_args(&mut self, m: &MethodSig, d: usize) -> (Vec<String>, Vec<Expr>) {
        let mut parts = Vec::new();
        let mut kids = Vec::new();
        for p in &m.params {
            let e = self.operand(|g| g.expr(&p.ty, d));
            parts.push("\u{2}".to_string());
            kids.push(e);
        }
        (parts, kids)
    }

    /// A call of a function of an `impl` block giving `ty` (not a `&mut self` one).
    pub(super) fn method_call(&mut self, ty: &Ty, d: usize) -> Option<Expr> {
        let can_write = self.f.can_write && self.effects_ok();
        let c: Vec<MethodSig> = self.methods.iter().filter(|m| m.ret == *ty && m.recv != Recv::Mut && (!m.writes || can_write)).cloned().collect();
        if c.is_empty() {
            return None;
        }
        let m = self.rng.pick(&c).clone();
        if m.writes {
            self.f.wrote = true;
        }
        if self.vars.iter().any(|v| v.name == "self") {
            self.hit("impl: method calls method");
        }
        let d1 = d.saturating_sub(1);
        let tn = m.target.rust();
        match m.recv {
            Recv::Assoc => {
                let (parts, kids) = self.method_args(&m, d1);
                Some(Expr::call(ty.clone(), "call", format!("{tn}::{}({})", m.name, parts.join(", ")), kids))
            }
            Recv::Ref => {
                let r = self.operand(|g| g.place(&m.target, d1));
                let (parts, mut kids) = self.method_args(&m, d1);
                kids.insert(0, r);
                if self.chance(1, 4) {
                    self.hit("impl: method called by path");
                    let mut all = vec!["&\u{1}".to_string()];
                    all.extend(parts);
                    Some(Expr::call(ty.clone(), "call", format!("{tn}::{}({})", m.name, all.join(", ")), kids))
                } else {
                    Some(Expr::call(ty.clone(), "call", format!("\u{3}.{}({})", m.name, parts.join(", ")), kids))
                }
            }
            _ => {
                let r = self.operand(|g| g.expr(&m.target, d1));
                let (parts, mut kids) = self.method_args(&m, d1);
                kids.insert(0, r);
                Some(Expr::call(ty.clone(), "call", format!("\u{3}.{}({})", m.name, parts.join(", ")), kids))
            }
        }
    }

    /// `x.m(..);` of a `&mut self` method on a `let mut` variable (stored back).
    pub(super) fn mut_method_stmt(&mut self, d: usize) -> Option<Stmt> {
        let can_write = self.f.can_write && self.effects_ok();
        let c: Vec<MethodSig> = self.methods.iter().filter(|m| m.recv == Recv::Mut && (!m.writes || can_write)).cloned().collect();
        if c.is_empty() {
            return None;
        }
        let m = self.rng.pick(&c).clone();
        let target = m.target.clone();
        // A `let mut` variable of the type, or a new one declared by the statement.
        let (n, init) = match self.pick_mut_var(|v| v.ty == target && !v.name.contains('.')) {
            Some(i) => (self.vars[i].name.clone(), None),
            None => {
                let e = self.operand(|g| g.expr(&target, d.saturating_sub(1)));
                (self.fresh("m"), Some(e))
            }
        };
        self.hidden = Some(n.clone());
        let (parts, mut kids) = self.method_args(&m, d.saturating_sub(1));
        self.hidden = None;
        if m.writes {
            self.f.wrote = true;
        }
        self.hit("impl: &mut self call stored back");
        let call = format!("{n}.{}({})", m.name, parts.join(", "));
        match init {
            Some(e) => {
                kids.insert(0, e);
                self.hit("let mut");
                let text = format!("let mut {n}: {} = \u{2};\n{call}", target.rust());
                self.declare(&n, target, true, 0, true);
                Some(Stmt { expr: Expr::tpl(Ty::Unit, "let", text, kids), semi: true })
            }
            None => Some(Stmt { expr: Expr::tpl(Ty::Unit, "call", call, kids), semi: true }),
        }
    }
}
