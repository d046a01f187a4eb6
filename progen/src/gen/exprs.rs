//! Expressions by type: the productions shared by every type, integers, floats, bools,
//! options, vectors, maps, tuples and structs.

use super::*;

impl<'c> Gen<'c> {
    /// A value of type `ty`.
    pub fn expr(&mut self, ty: &Ty, d: usize) -> Expr {
        let top = std::mem::take(&mut self.untyped_ok);
        self.untyped_ok = top && matches!(ty, Ty::Opt(_) | Ty::Vec(_) | Ty::Map(_) | Ty::Res(_));
        if let Some(e) = self.records_expr(ty, d) {
            return e;
        }
        if let Some(e) = self.mutrefs_expr(ty, d) {
            return e;
        }
        match ty {
            Ty::Int => self.int(d, LIMIT),
            Ty::Float => self.float(d),
            Ty::Bool => self.bool(d),
            Ty::Str => self.string(d),
            Ty::Opt(t) => self.option(t, d),
            Ty::Vec(t) => self.vec(t, d),
            Ty::Map(t) => self.map(t, d),
            Ty::Tuple(ts) => self.tuple(ts, d),
            Ty::Struct(i, _) => self.structv(*i, d),
            Ty::Enum(i, _) => self.enumv(*i, d),
            Ty::Key => match self.keys().first() {
                Some(&i) => self.place_var(i),
                None => Expr::lit(Ty::Key, "Key::new(\"\")"),
            },
            Ty::Unit => Expr::lit(Ty::Unit, "()"),
            Ty::Res(t) => {
                let v = self.expr(t, d);
                Expr::call(ty.clone(), "Ok", "Ok(\u{2})", vec![v])
            }
            Ty::Value => self.value(d),
            Ty::LuaNum => Expr::lit(Ty::LuaNum, "LuaNumber(0.5)"),
        }
    }

    /// The simplest literal of a type (also used by the shrinker's printer).
    pub fn simplest(&self, ty: &Ty) -> Expr {
        simplest(ty, &self.structs)
    }

    /// Productions shared by every type: variables, `if`/`match`/block values, helper calls,
    /// `unwrap_or`, indexing, fields, `?`. `None` when none applies.
    pub(super) fn common(&mut self, ty: &Ty, d: usize) -> Option<Expr> {
        let w = [
            12,                        // variable
            if d > 0 { 2 } else { 0 }, // if value
            if d > 0 { 1 } else { 0 }, // match value
            if d > 1 { 1 } else { 0 }, // block value
            if d > 0 { 3 } else { 0 }, // helper call
            if d > 0 && !matches!(ty, Ty::Opt(_)) { 2 } else { 0 }, // unwrap_or
            if d > 0 { 2 } else { 0 },                                // v[i], t.0, s.f
            if d > 0 && !matches!(ty, Ty::Opt(_)) { 2 } else { 0 }, // ?
        ];
        match self.rng.weighted(&w) {
            0 => {
                let i = self.pick_value_var(ty)?;
                Some(self.use_var(i))
            }
            1 => {
                let c = self.operand(|g| g.bool(d - 1));
                let a = self.sub_block(ty, d);
                let b = self.sub_block(ty, d);
                self.hit("if as a value");
                Some(Expr::tpl(ty.clone(), "if", "if \u{2} \u{2} else \u{2}", vec![c, Expr::block(ty.clone(), a), Expr::block(ty.clone(), b)]))
            }
            2 => Some(self.match_expr(ty, d)),
            3 => {
                let b = self.sub_block(ty, d);
                Some(Expr::block(ty.clone(), b))
            }
            4 => self.helper_call(ty, d),
            5 => {
                if self.chance(1, 4) {
                    return Some(self.unwrap_expect(ty, d));
                }
                let o = self.operand(|g| g.opt_recv(ty, d - 1));
                let dflt = self.operand(|g| g.expr(ty, d - 1));
                self.hit(".unwrap_or");
                Some(Expr::call(ty.clone(), "unwrap_or", "\u{3}.unwrap_or(\u{2})", vec![o, dflt]))
            }
            6 => self.projection(ty, d),
            7 => self.question(ty, d),
            _ => None,
        }
    }

    /// `v[i]`, `t.0`, `s.field` of a variable holding a value of type `ty`.
    pub(super) fn projection(&mut self, ty: &Ty, d: usize) -> Option<Expr> {
        let vis = self.visible();
        let mut cands: Vec<(usize, String)> = Vec::new();
        for i in vis {
            match &self.vars[i].ty {
                Ty::Vec(t) if **t == *ty => cands.push((i, "[]".into())),
                Ty::Tuple(ts) => {
                    for (j, t) in ts.iter().enumerate() {
                        if t == ty {
                            cands.push((i, format!(".{j}")));
                        }
                    }
                }
                Ty::Struct(s, _) => {
                    for (f, t) in &self.structs[*s].fields {
                        if t == ty {
                            cands.push((i, format!(".{f}")));
                        }
                    }
                }
                _ => {}
            }
        }
        if cands.is_empty() {
            return None;
        }
        let (i, proj) = self.rng.pick(&cands).clone();
        let place = self.place_var(i);
        let clone = if ty.is_copy() { "" } else { ".clone()" };
        if proj == "[]" {
            self.hit("v[i]");
            let name = self.vars[i].name.clone();
            let idx = if self.chance(2, 3) {
                Expr::lit(Ty::Int, format!("{}.len() / 2", name.trim_start_matches('*')))
            } else {
                let e = self.operand(|g| g.int(d.saturating_sub(1), 5));
                self.narrow(e, "usize")
            };
            Some(Expr::tpl(ty.clone(), "index", format!("\u{3}[\u{2}]{clone}"), vec![place, idx]))
        } else {
            if matches!(self.vars[i].ty, Ty::Struct(..)) {
                self.hit("struct field read");
            }
            Some(Expr::tpl(ty.clone(), "field", format!("\u{3}{proj}{clone}"), vec![place]))
        }
    }

    /// `opt?` in a function returning `Option`, `opt.ok_or(reject!(..))?` in one returning
    /// `Result<_, Reject>`.
    pub(super) fn question(&mut self, ty: &Ty, d: usize) -> Option<Expr> {
        if self.f.closure_floor.is_some() || self.f.effect_floor.is_some() && self.avoid(Avoid::EvalOrder) {
            return None;
        }
        if let Some(e) = self.res_call(ty, d) {
            return Some(e);
        }
        match self.f.ret.clone() {
            Ty::Opt(_) => {
                let o = self.opt_recv(ty, d - 1);
                self.hit("? on Option");
                Some(Expr::tpl(ty.clone(), "?", "\u{3}?", vec![o]))
            }
            Ty::Res(_) => {
                let o = self.opt_recv(ty, d - 1);
                let r = self.reject();
                self.hit("ok_or(reject!(..))?");
                Some(Expr::tpl(ty.clone(), "?", "\u{3}.ok_or(\u{2})?", vec![o, r]))
            }
            _ => None,
        }
    }

    /// A call of a helper returning `ty`.
    pub(super) fn helper_call(&mut self, ty: &Ty, d: usize) -> Option<Expr> {
        if !self.methods.is_empty() && self.chance(1, 2) {
            if let Some(e) = self.method_call(ty, d) {
                return Some(e);
            }
        }
        let can_write = self.f.can_write && self.effects_ok();
        let mut cands: Vec<Sig> = self.helpers.iter().filter(|h| h.ret == *ty && (!h.writes || can_write)).cloned().collect();
        if let Some(r) = &self.f.recursive {
            if r.ret == *ty && self.f.closure_floor.is_none() {
                cands.push(r.clone());
            }
        }
        if cands.is_empty() {
            return None;
        }
        let h = self.rng.pick(&cands).clone();
        let mut kids = Vec::new();
        let mut parts = Vec::new();
        for (j, p) in h.params.iter().enumerate() {
            if h.fuel == Some(j) {
                if self.f.recursive.as_ref().is_some_and(|r| r.name == h.name) {
                    parts.push("depth - 1".to_string());
                } else {
                    parts.push(self.rng.range(0, 4).to_string());
                }
                continue;
            }
            if p.ty == Ty::Key {
                let ks = self.keys();
                if ks.is_empty() {
                    return None;
                }
                let k = *self.rng.pick(&ks);
                let name = self.vars[k].name.clone();
                parts.push(if self.vars[k].refs > 0 { name } else { format!("&{name}") });
                continue;
            }
            let e = self.operand(|g| if p.by_ref { g.place(&p.ty, d - 1) } else { g.expr(&p.ty, d - 1) });
            parts.push(if p.by_ref { "&\u{1}".into() } else { "\u{2}".into() });
            kids.push(e);
        }
        if h.writes {
            self.f.wrote = true;
        }
        if self.f.recursive.as_ref().is_some_and(|r| r.name == h.name) {
            // counted at the helper
        } else if h.name.starts_with('g') {
            // fn item
        } else if self.f.ret != Ty::Unit && self.helpers.iter().any(|x| x.name == h.name) && self.in_helper() {
            self.hit("helper calls helper");
        }
        self.hit("helper fn");
        Some(Expr::call(ty.clone(), "call", format!("{}({})", h.name, parts.join(", ")), kids))
    }

    pub(super) fn in_helper(&self) -> bool {
        !self.vars.iter().any(|v| v.name.starts_with('k') && v.ty == Ty::Key && v.refs == 0) && self.vars.iter().any(|v| v.name.starts_with('p') || v.name == "depth")
    }

    /// An expression of type `ty` that can be borrowed without moving a variable.
    pub(super) fn place(&mut self, ty: &Ty, d: usize) -> Expr {
        if self.chance(2, 3) {
            if let Some(i) = self.pick_var(ty, |_| true) {
                return self.place_var(i);
            }
        }
        let e = self.expr(ty, d);
        self.typed(e, d)
    }

    /// An option whose type redlua can see (see [`Gen::typed`]).
    pub(super) fn opt_recv(&mut self, t: &Ty, d: usize) -> Expr {
        let e = self.option(t, d);
        self.typed(e, d)
    }

    /// `e`, unless it is a bare `None` / `Vec::new()` / `HashMap::new()`, whose element type
    /// redlua cannot infer as a receiver or an operand: then a literal with one element.
    pub(super) fn typed(&mut self, e: Expr, d: usize) -> Expr {
        let untyped = match &e.kind {
            Kind::Lit(t) => t == "None" || t == "Vec::new()" || t == "HashMap::new()" || t.starts_with("Vec::with_capacity"),
            _ => false,
        };
        if !untyped {
            return e;
        }
        let d = d.saturating_sub(1);
        match e.ty.clone() {
            Ty::Opt(t) => {
                let v = self.expr(&t, d);
                Expr::call(e.ty, "Some", "Some(\u{4})", vec![v])
            }
            Ty::Vec(t) => {
                let v = self.expr(&t, d);
                Expr::call(e.ty, "vec", "vec![\u{4}]", vec![v])
            }
            Ty::Map(t) => {
                let k = self.string(d);
                let v = self.expr(&t, d);
                let c = self.fresh("c");
                Expr::tpl(e.ty.clone(), "collect", format!("{{\n    let {c}: {} = vec![(\u{4}, \u{4})].into_iter().collect();\n    {c}\n}}", e.ty.rust()), vec![k, v])
            }
            _ => e,
        }
    }

    pub(super) fn str_place(&mut self, d: usize) -> Expr {
        self.place(&Ty::Str, d)
    }

    /// A small integer that is rarely zero (divisors).
    pub(super) fn nonzero_small(&mut self, d: usize) -> Expr {
        if self.chance(1, 6) {
            return self.int(d.saturating_sub(1), 10);
        }
        let mut n = self.rng.range(-9, 9);
        if n == 0 {
            n = 7;
        }
        Expr::lit(Ty::Int, n.to_string())
    }

    /// `e % k` so that the result stays within `m`.
    pub(super) fn wrap(&mut self, e: Expr, m: u64) -> Expr {
        if m >= LIMIT {
            return e;
        }
        let k = (self.rng.range(1, (m.min(1_000_000) + 1) as i64)).max(1);
        self.hit("%");
        Expr::tpl(Ty::Int, "%", format!("\u{1} % {k}"), vec![e])
    }

    /// An integer within ±`m`.
    pub fn int(&mut self, d: usize, m: u64) -> Expr {
        self.hit("type i64");
        if d == 0 || self.chance(1, 5) {
            return self.int_leaf(m);
        }
        let w = [
            4, // leaf
            6, // common
            3, // + -
            2, // *
            1, // unary -
            2, // / %
            2, // abs min max signum
            2, // bit ops
            1, // shifts
            2, // casts from float, len
            2, // parse
            if self.effects_ok() && !self.keys().is_empty() { 3 } else { 0 }, // commands
            2, // checked_*, euclid, pow
            2, // iterators
            1, // slices (places.rs)
            2, // extras.rs
        ];
        let e = match self.rng.weighted(&w) {
            0 => return self.int_leaf(m),
            1 => {
                let Some(e) = self.common(&Ty::Int, d) else { return self.int_leaf(m) };
                // Variables and calls of unknown magnitude are reduced.
                let b = self.bound_of(&e);
                if b > m {
                    self.wrap(e, m)
                } else {
                    e
                }
            }
            2 => {
                let half = m / 2;
                let a = self.operand(|g| g.int(d - 1, half));
                let b = self.operand(|g| g.int(d - 1, half));
                if self.chance(1, 2) {
                    self.hit("+");
                    Expr::tpl(Ty::Int, "+", "\u{1} + \u{1}", vec![a, b])
                } else {
                    self.hit("-");
                    Expr::tpl(Ty::Int, "-", "\u{1} - \u{1}", vec![a, b])
                }
            }
            3 => {
                let small = 1000.min(m.max(1));
                let a = self.operand(|g| g.int(d - 1, small));
                let b = self.operand(|g| g.int(d - 1, m / small.max(1)));
                self.hit("*");
                Expr::tpl(Ty::Int, "*", "\u{1} * \u{1}", vec![a, b])
            }
            4 => {
                let a = self.operand(|g| g.int(d - 1, m));
                self.hit("unary -");
                Expr::tpl(Ty::Int, "neg", "-\u{1}", vec![a])
            }
            5 => {
                let a = self.operand(|g| g.int(d - 1, m));
                let b = self.operand(|g| g.nonzero_small(d - 1));
                if self.chance(1, 2) {
                    self.hit("/");
                    Expr::tpl(Ty::Int, "/", "\u{1} / \u{1}", vec![a, b])
                } else {
                    self.hit("%");
                    Expr::tpl(Ty::Int, "%", "\u{1} % \u{1}", vec![a, b])
                }
            }
            6 => {
                let a = self.operand(|g| g.int(d - 1, m));
                match self.rng.below(5) {
                    0 => {
                        self.hit("abs");
                        Expr::call(Ty::Int, "abs", "\u{3}.abs()", vec![a])
                    }
                    1 => {
                        self.hit("signum");
                        Expr::call(Ty::Int, "signum", "\u{3}.signum()", vec![a])
                    }
                    2 | 3 => {
                        let b = self.operand(|g| g.int(d - 1, m));
                        self.hit("min / max");
                        let f = if self.chance(1, 2) { "min" } else { "max" };
                        Expr::call(Ty::Int, "minmax", format!("\u{3}.{f}(\u{2})"), vec![a, b])
                    }
                    _ => {
                        self.hit("clamp");
                        if self.chance(1, 4) {
                            // Any bounds: Rust panics unless lo <= hi, the Lua raises an error.
                            let lo = self.operand(|g| g.int(d - 1, m));
                            let hi = self.operand(|g| g.int(d - 1, m));
                            Expr::call(Ty::Int, "clamp", "\u{3}.clamp(\u{2}, \u{2})", vec![a, lo, hi])
                        } else {
                            let lim = m.min(1000) as i64;
                            let lo = self.rng.range(-lim, lim);
                            let hi = self.rng.range(lo, lim);
                            Expr::call(Ty::Int, "clamp", format!("\u{3}.clamp({lo}, {hi})"), vec![a])
                        }
                    }
                }
            }
            7 => {
                let a = self.operand(|g| g.int(d - 1, m / 2));
                let b = self.operand(|g| g.int(d - 1, m / 2));
                match self.rng.below(4) {
                    0 => {
                        self.hit("&");
                        Expr::tpl(Ty::Int, "&", "\u{1} & \u{1}", vec![a, b])
                    }
                    1 => {
                        self.hit("|");
                        Expr::tpl(Ty::Int, "|", "\u{1} | \u{1}", vec![a, b])
                    }
                    2 => {
                        self.hit("^");
                        Expr::tpl(Ty::Int, "^", "\u{1} ^ \u{1}", vec![a, b])
                    }
                    _ => {
                        self.hit("! on integers");
                        Expr::tpl(Ty::Int, "!", "!\u{1}", vec![a])
                    }
                }
            }
            8 => {
                let s = self.rng.range(0, 8);
                let a = self.operand(|g| g.int(d - 1, m >> s));
                if self.chance(1, 2) {
                    self.hit("<<");
                    Expr::tpl(Ty::Int, "<<", format!("\u{1} << {s}"), vec![a])
                } else {
                    self.hit(">>");
                    let s = self.rng.range(0, 63);
                    Expr::tpl(Ty::Int, ">>", format!("\u{1} >> {s}"), vec![a])
                }
            }
            9 => {
                if self.chance(1, 2) {
                    let x = self.operand(|g| g.float(d - 1));
                    self.hit("float as i64");
                    let lim = m.min(1 << 40) as f64;
                    Expr::tpl(Ty::Int, "as", format!("\u{3}.min({lim:?}).max(-{lim:?}) as i64"), vec![x])
                } else {
                    let e = self.len_expr(d);
                    self.wrap(e, m)
                }
            }
            10 => {
                let s = self.operand(|g| g.str_place(d - 1));
                let dflt = self.operand(|g| g.int(d - 1, m));
                self.hit("parse::<i64>");
                self.hit(".unwrap_or");
                let e = Expr::call(Ty::Int, "parse", "\u{3}.parse::<i64>().unwrap_or(\u{2})", vec![s, dflt]);
                self.wrap(e, m)
            }
            11 => {
                let e = self.int_command(d);
                self.wrap(e, m)
            }
            12 => {
                let a = self.operand(|g| g.int(d - 1, m));
                let b = self.operand(|g| g.nonzero_small(d - 1));
                match self.rng.below(5) {
                    0 => {
                        self.hit("rem_euclid / div_euclid");
                        Expr::call(Ty::Int, "euclid", "\u{3}.rem_euclid(\u{2})", vec![a, b])
                    }
                    1 => {
                        self.hit("rem_euclid / div_euclid");
                        Expr::call(Ty::Int, "euclid", "\u{3}.div_euclid(\u{2})", vec![a, b])
                    }
                    2 => {
                        let f = *self.rng.pick(&["checked_div", "checked_rem"]);
                        let dflt = self.int(0, m);
                        self.hit("checked_*");
                        Expr::call(Ty::Int, "checked", format!("\u{3}.{f}(\u{2}).unwrap_or(\u{2})"), vec![a, b, dflt])
                    }
                    3 => {
                        let f = *self.rng.pick(&["checked_add", "checked_sub", "checked_mul"]);
                        let x = self.operand(|g| g.int(d - 1, LIMIT));
                        let dflt = self.int(0, m);
                        self.hit("checked_*");
                        let e = Expr::call(Ty::Int, "checked", format!("\u{3}.{f}(\u{2}).unwrap_or(\u{2})"), vec![a, x, dflt]);
                        self.wrap(e, m)
                    }
                    _ => {
                        let base = self.operand(|g| g.int(d - 1, 12));
                        let k = self.rng.range(0, 4);
                        self.hit("pow");
                        let e = Expr::call(Ty::Int, "pow", format!("\u{3}.pow({k})"), vec![base]);
                        self.wrap(e, m)
                    }
                }
            }
            15 => self.int_extra(d, m),
            14 => match self.slice_int(d) {
                Some(e) => self.wrap(e, m),
                None => self.int_leaf(m),
            },
            _ => {
                let e = self.int_iter(d);
                self.wrap(e, m)
            }
        };
        e
    }

    pub(super) fn int_leaf(&mut self, m: u64) -> Expr {
        if self.chance(1, 12) {
            if let Some(e) = self.int_const(m) {
                return e;
            }
        }
        if self.chance(2, 3) {
            if let Some(i) = self.pick_var(&Ty::Int, |v| v.bound <= m) {
                return self.use_var(i);
            }
            if let Some(i) = self.pick_var(&Ty::Int, |_| true) {
                let e = self.use_var(i);
                return self.wrap(e, m);
            }
        }
        let n = int_literal(&mut self.rng, m);
        Expr::lit(Ty::Int, n.to_string())
    }

    /// An upper bound of an integer expression's magnitude (rough: variables and literals).
    pub(super) fn bound_of(&self, e: &Expr) -> u64 {
        match &e.kind {
            Kind::Lit(t) => t.parse::<i64>().map(|n| n.unsigned_abs()).unwrap_or(LIMIT),
            Kind::Var(t) => {
                let name = t.trim_start_matches('*');
                self.vars.iter().rev().find(|v| v.name == name).map_or(LIMIT, |v| v.bound)
            }
            _ => LIMIT,
        }
    }

    /// `s.len() as i64` and other lengths.
    pub(super) fn len_expr(&mut self, d: usize) -> Expr {
        match self.rng.below(4) {
            0 => {
                let s = self.operand(|g| g.str_place(d - 1));
                self.hit("len");
                Expr::tpl(Ty::Int, "len", "\u{3}.len() as i64", vec![s])
            }
            1 => {
                let s = self.operand(|g| g.str_place(d - 1));
                self.hit("chars().count()");
                Expr::tpl(Ty::Int, "len", "\u{3}.chars().count() as i64", vec![s])
            }
            2 => {
                let t = self.value_ty(0);
                let v = self.operand(|g| g.place(&Ty::vec(t), d - 1));
                self.hit("len");
                Expr::tpl(Ty::Int, "len", "\u{3}.len() as i64", vec![v])
            }
            _ => {
                let t = self.value_ty(0);
                let v = self.operand(|g| g.place(&Ty::map(t), d - 1));
                self.hit("map.len");
                Expr::tpl(Ty::Int, "len", "\u{3}.len() as i64", vec![v])
            }
        }
    }

    /// The integer may be `-0` in Lua (a product, quotient, remainder, negation, difference,
    /// conversion or parsed value, or a variable that held one).
    pub(super) fn may_negz(&self, e: &Expr) -> bool {
        match &e.kind {
            Kind::Lit(t) => t.starts_with("-0"),
            Kind::Var(t) => {
                let name = t.trim_start_matches('*').trim_end_matches(".clone()");
                self.vars.iter().rev().find(|v| v.name == name).is_none_or(|v| v.negz)
            }
            Kind::Block(_) => true,
            Kind::Tpl { tag, kids, .. } => match *tag {
                "len" | "count" => false,
                t if t.starts_with("cmd") => false,
                "+" => kids.iter().all(|k| self.may_negz(k)),
                "minmax" => kids.iter().any(|k| self.may_negz(k)),
                _ => true,
            },
        }
    }

    pub(super) fn is_pure(&self, e: &Expr) -> bool {
        match &e.kind {
            Kind::Lit(_) | Kind::Var(_) => true,
            Kind::Block(_) => false,
            Kind::Tpl { tag, kids, .. } => !tag.starts_with("cmd") && *tag != "call" && *tag != "?" && kids.iter().all(|k| self.is_pure(k)),
        }
    }

    // ---------------------------------------------------------------------------------
    // Floats

    pub fn float(&mut self, d: usize) -> Expr {
        self.hit("type f64");
        if d == 0 || self.chance(1, 4) {
            return self.float_leaf();
        }
        if self.chance(1, 12) {
            return self.lua_float(d);
        }
        match self.rng.weighted(&[3, 5, 4, 3, 2, 2, 1, if self.effects_ok() && !self.keys().is_empty() { 2 } else { 0 }]) {
            0 => self.float_leaf(),
            1 => self.common(&Ty::Float, d).unwrap_or_else(|| self.float_leaf()),
            2 => {
                let a = self.operand(|g| g.float(d - 1));
                let b = self.operand(|g| g.float(d - 1));
                let op = *self.rng.pick(&["+", "-", "*", "/"]);
                self.hit("float arithmetic");
                Expr::tpl(Ty::Float, "farith", format!("\u{1} {op} \u{1}"), vec![a, b])
            }
            3 => {
                let a = self.operand(|g| g.float(d - 1));
                match self.rng.below(11) {
                    0..=3 => {
                        let f = *self.rng.pick(&["floor", "ceil", "round", "trunc"]);
                        self.hit("floor / ceil / round / trunc");
                        Expr::call(Ty::Float, "fmath", format!("\u{3}.{f}()"), vec![a])
                    }
                    4 => {
                        self.hit("abs");
                        Expr::call(Ty::Float, "fmath", "\u{3}.abs()", vec![a])
                    }
                    5 => {
                        self.hit("sqrt");
                        Expr::call(Ty::Float, "fmath", "\u{3}.sqrt()", vec![a])
                    }
                    6 => {
                        // Small exponents mostly; large ones reach Rust's repeated squaring.
                        let k = if self.chance(3, 4) { self.rng.range(-3, 4) } else { self.rng.range(-40, 41) };
                        self.hit("powi");
                        Expr::call(Ty::Float, "fmath", format!("\u{3}.powi({k})"), vec![a])
                    }
                    7 => {
                        let b = self.operand(|g| g.float(d - 1));
                        self.hit("powf");
                        Expr::call(Ty::Float, "fmath", "\u{3}.powf(\u{2})", vec![a, b])
                    }
                    8 => {
                        self.hit("clamp");
                        if self.chance(1, 4) {
                            // Any bounds: Rust panics unless lo <= hi (a NaN bound too).
                            let lo = self.operand(|g| g.float(d - 1));
                            let hi = self.operand(|g| g.float(d - 1));
                            Expr::call(Ty::Float, "fclamp", "\u{3}.clamp(\u{2}, \u{2})", vec![a, lo, hi])
                        } else {
                            let bounds = ["-1e300", "-2.5", "-0.0", "0.0", "0.5", "3.0", "1e300"];
                            let i = self.rng.below(bounds.len());
                            let j = i + self.rng.below(bounds.len() - i);
                            Expr::call(Ty::Float, "fclamp", format!("\u{3}.clamp({}, {})", bounds[i], bounds[j]), vec![a])
                        }
                    }
                    _ => {
                        let b = self.operand(|g| g.float(d - 1));
                        let f = if self.chance(1, 2) { "min" } else { "max" };
                        self.hit("min / max");
                        Expr::call(Ty::Float, "fmath", format!("\u{3}.{f}(\u{2})"), vec![a, b])
                    }
                }
            }
            4 => {
                let i = self.operand(|g| g.int(d - 1, LIMIT));
                if self.avoid(Avoid::NegZero) && self.may_negz(&i) {
                    return self.float_leaf();
                }
                self.hit("int as f64");
                Expr::tpl(Ty::Float, "as", "\u{5} as f64", vec![i])
            }
            5 => {
                let s = self.operand(|g| g.str_place(d - 1));
                let dflt = self.float_leaf();
                self.hit("parse::<f64>");
                self.hit(".unwrap_or");
                Expr::call(Ty::Float, "parse", "\u{3}.parse::<f64>().unwrap_or(\u{2})", vec![s, dflt])
            }
            6 => {
                let a = self.operand(|g| g.float(d - 1));
                self.hit("unary -");
                Expr::tpl(Ty::Float, "neg", "-\u{1}", vec![a])
            }
            _ => self.float_command(d),
        }
    }

    pub(super) fn float_leaf(&mut self) -> Expr {
        if self.chance(1, 10) {
            return self.float_const();
        }
        if self.chance(1, 2) {
            if let Some(i) = self.pick_var(&Ty::Float, |_| true) {
                return self.use_var(i);
            }
        }
        Expr::lit(Ty::Float, float_literal(&mut self.rng))
    }

    // ---------------------------------------------------------------------------------
    // Bools

    pub fn bool(&mut self, d: usize) -> Expr {
        self.hit("type bool");
        if d == 0 || self.chance(1, 6) {
            return self.bool_leaf();
        }
        match self.rng.weighted(&[2, 4, 6, 3, 2, 1, 3, 3, if self.effects_ok() && !self.keys().is_empty() { 2 } else { 0 }, 2, 1]) {
            10 => self.bool_extra(d),
            0 => self.bool_leaf(),
            1 => self.common(&Ty::Bool, d).unwrap_or_else(|| self.bool_leaf()),
            2 => self.comparison(d),
            3 => {
                let a = self.operand(|g| g.bool(d - 1));
                let b = self.operand(|g| g.bool(d - 1));
                if self.chance(1, 2) {
                    self.hit("&&");
                    Expr::tpl(Ty::Bool, "&&", "\u{1} && \u{1}", vec![a, b])
                } else {
                    self.hit("||");
                    Expr::tpl(Ty::Bool, "||", "\u{1} || \u{1}", vec![a, b])
                }
            }
            4 => {
                let a = self.operand(|g| g.bool(d - 1));
                self.hit("!");
                Expr::tpl(Ty::Bool, "not", "!\u{1}", vec![a])
            }
            5 => {
                let a = self.operand(|g| g.bool(d - 1));
                let b = self.operand(|g| g.bool(d - 1));
                let op = *self.rng.pick(&["&", "|", "^"]);
                self.hit("& | ^ on bools");
                Expr::tpl(Ty::Bool, "boolbit", format!("\u{1} {op} \u{1}"), vec![a, b])
            }
            6 => self.str_predicate(d),
            7 => self.other_predicate(d),
            8 => self.bool_command(d),
            _ => self.iter_predicate(d),
        }
    }

    pub(super) fn bool_leaf(&mut self) -> Expr {
        if self.chance(1, 2) {
            if let Some(i) = self.pick_var(&Ty::Bool, |_| true) {
                return self.use_var(i);
            }
        }
        Expr::lit(Ty::Bool, if self.chance(1, 2) { "true" } else { "false" })
    }

    pub(super) fn comparison(&mut self, d: usize) -> Expr {
        let kind = self.rng.weighted(&[5, 2, 3, 3]);
        let ops = ["==", "!=", "<", "<=", ">", ">="];
        match kind {
            0 => {
                let a = self.operand(|g| g.int(d - 1, LIMIT));
                let b = self.operand(|g| g.int(d - 1, LIMIT));
                let op = *self.rng.pick(&ops);
                self.hit(op_construct(op));
                Expr::tpl(Ty::Bool, "cmp", format!("\u{5} {op} \u{5}"), vec![a, b])
            }
            1 => {
                let a = self.operand(|g| g.float(d - 1));
                let b = self.operand(|g| g.float(d - 1));
                let op = *self.rng.pick(&ops);
                self.hit(op_construct(op));
                Expr::tpl(Ty::Bool, "cmp", format!("\u{5} {op} \u{5}"), vec![a, b])
            }
            2 => {
                let a = self.operand(|g| g.str_place(d - 1));
                let b = self.operand(|g| g.str_place(d - 1));
                let op = *self.rng.pick(&ops);
                self.hit(op_construct(op));
                if !matches!(op, "==" | "!=") {
                    self.hit("string ordering");
                }
                Expr::tpl(Ty::Bool, "cmp", format!("\u{5} {op} \u{5}"), vec![a, b])
            }
            _ => {
                // == on a compound type
                let t = self.value_ty(2);
                let a = self.operand(|g| g.place(&t, d - 1));
                let b = self.operand(|g| g.place(&t, d - 1));
                let op = if self.chance(2, 3) { "==" } else { "!=" };
                self.hit(op_construct(op));
                if t.has_struct() {
                    self.hit("struct ==");
                }
                Expr::tpl(Ty::Bool, "cmp", format!("\u{5} {op} \u{5}"), vec![a, b])
            }
        }
    }

    pub(super) fn str_predicate(&mut self, d: usize) -> Expr {
        let s = self.operand(|g| g.str_place(d - 1));
        match self.rng.below(8) {
            0 => {
                self.hit("is_empty");
                Expr::call(Ty::Bool, "strpred", "\u{3}.is_empty()", vec![s])
            }
            1 | 2 => {
                let f = *self.rng.pick(&["starts_with", "ends_with", "contains"]);
                self.hit(if f == "contains" { "contains on strings" } else { "starts_with / ends_with" });
                if self.chance(1, 3) {
                    let c = *self.rng.pick(&['a', ':', 'é', ' ', '7']);
                    self.hit("char literal pattern");
                    Expr::call(Ty::Bool, "strpred", format!("\u{3}.{f}({c:?})"), vec![s])
                } else {
                    let p = self.operand(|g| g.str_place(d - 1));
                    Expr::call(Ty::Bool, "strpred", format!("\u{3}.{f}(&\u{1})"), vec![s, p])
                }
            }
            3 => {
                let i = self.operand(|g| g.int(d - 1, 8));
                let i = self.narrow(i, "usize");
                self.hit("is_char_boundary");
                Expr::call(Ty::Bool, "strpred", "\u{3}.is_char_boundary(\u{2})", vec![s, i])
            }
            4 => {
                self.hit(".is_ok / .is_err");
                let (t, m) = if self.chance(1, 2) { ("i64", "is_ok") } else { ("f64", "is_err") };
                self.hit(if t == "i64" { "parse::<i64>" } else { "parse::<f64>" });
                Expr::call(Ty::Bool, "strpred", format!("\u{3}.parse::<{t}>().{m}()"), vec![s])
            }
            5 => {
                let f = *self.rng.pick(&["is_ascii_digit", "is_ascii_alphabetic", "is_ascii_alphanumeric", "is_ascii_uppercase", "is_ascii_lowercase", "is_ascii_punctuation", "is_ascii_hexdigit"]);
                let q = if self.chance(1, 2) { "all" } else { "any" };
                self.hit("chars");
                self.hit("char class tests");
                self.hit("any / all");
                Expr::call(Ty::Bool, "strpred", format!("\u{3}.chars().{q}(|c| c.{f}())"), vec![s])
            }
            6 => {
                self.hit("eq_ignore_ascii_case");
                let p = self.operand(|g| g.str_place(d - 1));
                Expr::call(Ty::Bool, "strpred", "\u{3}.eq_ignore_ascii_case(&\u{1})", vec![s, p])
            }
            _ => {
                self.hit("is_empty");
                Expr::call(Ty::Bool, "strpred", "\u{3}.trim().is_empty()", vec![s])
            }
        }
    }

    pub(super) fn other_predicate(&mut self, d: usize) -> Expr {
        match self.rng.below(6) {
            0 => {
                let x = self.operand(|g| g.float(d - 1));
                self.hit("is_nan");
                Expr::call(Ty::Bool, "pred", "\u{3}.is_nan()", vec![x])
            }
            1 => {
                let x = self.operand(|g| g.int(d - 1, LIMIT));
                let f = if self.chance(1, 2) { "is_positive" } else { "is_negative" };
                self.hit("is_positive / is_negative");
                Expr::call(Ty::Bool, "pred", format!("\u{3}.{f}()"), vec![x])
            }
            2 => {
                let t = self.value_ty(0);
                let o = self.operand(|g| g.place(&Ty::opt(t), d - 1));
                let f = if self.chance(1, 2) { "is_some" } else { "is_none" };
                self.hit("Option::is_some / is_none");
                Expr::call(Ty::Bool, "pred", format!("\u{3}.{f}()"), vec![o])
            }
            3 => {
                let t = self.value_ty(0);
                let v = self.operand(|g| g.place(&Ty::vec(t.clone()), d - 1));
                if self.chance(1, 2) {
                    self.hit("is_empty");
                    Expr::call(Ty::Bool, "pred", "\u{3}.is_empty()", vec![v])
                } else {
                    let x = self.operand(|g| g.place(&t, d - 1));
                    self.hit("contains");
                    Expr::call(Ty::Bool, "pred", "\u{3}.contains(&\u{1})", vec![v, x])
                }
            }
            4 => {
                let t = self.value_ty(0);
                let m = self.operand(|g| g.place(&Ty::map(t), d - 1));
                if self.chance(1, 2) {
                    let k = self.operand(|g| g.str_place(d - 1));
                    self.hit("map.contains_key");
                    Expr::call(Ty::Bool, "pred", "\u{3}.contains_key(&\u{1})", vec![m, k])
                } else {
                    self.hit("map.is_empty");
                    Expr::call(Ty::Bool, "pred", "\u{3}.is_empty()", vec![m])
                }
            }
            _ => {
                let o = self.operand(|g| g.place(&Ty::opt(Ty::Int), d - 1));
                let x = self.fresh("x");
                self.push_scope();
                let saved = self.enter_closure();
                self.declare(&x, Ty::Int, false, LIMIT, true);
                let body = self.bool(d - 1);
                self.leave_closure(saved);
                self.pop_scope();
                self.hit("Option::is_some_and");
                self.hit("closure");
                Expr::call(Ty::Bool, "pred", format!("\u{3}.is_some_and(|{x}| \u{2})"), vec![o, body])
            }
        }
    }

    /// Enters a closure body: captured mutable variables become invisible.
    pub(super) fn enter_closure(&mut self) -> (Option<usize>, usize, Vec<Option<String>>, usize) {
        let saved = (self.f.closure_floor, self.f.stmts_left, std::mem::take(&mut self.f.loops), self.f.move_floor);
        if self.f.closure_floor.is_none() {
            self.f.closure_floor = Some(self.vars.len());
        }
        self.f.move_floor = self.vars.len();
        // Closures hold one expression: no statements.
        self.f.stmts_left = 0;
        saved
    }

    pub(super) fn leave_closure(&mut self, saved: (Option<usize>, usize, Vec<Option<String>>, usize)) {
        self.f.closure_floor = saved.0;
        self.f.stmts_left = saved.1;
        self.f.loops = saved.2;
        self.f.move_floor = saved.3;
    }
}

pub(super) fn op_construct(op: &str) -> &'static str {
    match op {
        "==" => "==",
        "!=" => "!=",
        "<" => "<",
        "<=" => "<=",
        ">" => ">",
        _ => ">=",
    }
}

/// The simplest literal of a type.
pub fn simplest(ty: &Ty, structs: &[StructDef]) -> Expr {
    let text = match ty {
        Ty::Int => "0".to_string(),
        Ty::Float => "0.0".to_string(),
        Ty::Bool => "false".to_string(),
        Ty::Str => "String::new()".to_string(),
        Ty::Key => "Key::new(\"\")".to_string(),
        Ty::Unit => "()".to_string(),
        Ty::Opt(_) => "None".to_string(),
        Ty::Vec(_) => "Vec::new()".to_string(),
        Ty::Map(_) => "HashMap::new()".to_string(),
        Ty::Tuple(ts) => {
            let parts: Vec<String> = ts.iter().map(|t| expr_text(&simplest(t, structs))).collect();
            format!("({})", parts.join(", "))
        }
        Ty::Struct(i, _) => {
            let fields: Vec<String> = structs.get(*i).map_or(Vec::new(), |s| s.fields.iter().map(|(f, t)| format!("{f}: {}", expr_text(&simplest(t, structs)))).collect());
            format!("{} {{ {} }}", struct_name(*i), fields.join(", "))
        }
        Ty::Res(t) => format!("Ok({})", expr_text(&simplest(t, structs))),
        Ty::Enum(i, _) => format!("{}::{}", enum_name(*i), VARIANTS[0]),
        Ty::Value => "Value::Nil".to_string(),
        Ty::LuaNum => "LuaNumber(0.0)".to_string(),
    };
    Expr::lit(ty.clone(), text)
}

// -------------------------------------------------------------------------------------
// Strings, options, collections, tuples, structs
