//! Iterator chains: sources, adapters, closures and the ends that consume them.

use super::*;

/// An iterator chain under construction: its text (with holes), operands, item type, how
/// many references wrap an item, and whether its order is arbitrary (map keys / values).
#[derive(Clone, Debug)]
pub(super) struct Chain {
    pub(super) text: String,
    pub(super) kids: Vec<Expr>,
    pub(super) item: Ty,
    pub(super) refs: u8,
    pub(super) unordered: bool,
}

impl<'c> Gen<'c> {
    /// A chain source, possibly followed by adapters.
    pub(super) fn chain(&mut self, d: usize, want_ordered: bool) -> Chain {
        let d1 = d.saturating_sub(1);
        let mut c = match self.rng.weighted(&[4, 3, 2, 3, 3, 1, 1, if want_ordered { 0 } else { 2 }]) {
            0 => {
                let t = self.value_ty(0);
                let v = self.operand(|g| g.place(&Ty::vec(t.clone()), d1));
                self.hit("iter() over a Vec");
                Chain { text: "\u{3}.iter()".into(), kids: vec![v], item: t, refs: 1, unordered: false }
            }
            1 => {
                let t = self.value_ty(0);
                let v = self.operand(|g| g.place(&Ty::vec(t.clone()), d1));
                self.hit("copied / cloned");
                let f = if t.is_copy() { "copied" } else { "cloned" };
                let rev = if self.chance(1, 4) {
                    self.hit("rev");
                    ".rev()"
                } else {
                    ""
                };
                Chain { text: format!("\u{3}.iter(){rev}.{f}()"), kids: vec![v], item: t, refs: 0, unordered: false }
            }
            2 => {
                let t = self.value_ty(0);
                let v = self.operand(|g| g.vec(&t, d1));
                self.hit("into_iter()");
                Chain { text: "\u{3}.into_iter()".into(), kids: vec![v], item: t, refs: 0, unordered: false }
            }
            3 => {
                let lo = self.rng.range(-3, 3);
                let hi = self.operand(|g| g.int(d1, 8));
                self.hit("iterate a range");
                let (op, rev) = (if self.chance(1, 3) { "..=" } else { ".." }, self.chance(1, 4));
                if rev {
                    self.hit("rev");
                }
                let text = if rev { format!("({lo}i64{op}\u{5}).into_iter().rev()") } else { format!("({lo}i64{op}\u{5}).into_iter()") };
                Chain { text, kids: vec![hi], item: Ty::Int, refs: 0, unordered: false }
            }
            4 => {
                let s = self.operand(|g| g.str_place(d1));
                let p = str_lit(*self.rng.pick(SEPS));
                let base = match self.rng.below(4) {
                    0 | 1 => {
                        self.hit("split");
                        format!("\u{3}.split({p})")
                    }
                    2 => {
                        self.hit("lines");
                        "\u{3}.lines()".to_string()
                    }
                    _ => {
                        self.hit("splitn");
                        format!("\u{3}.splitn({}, {p})", self.rng.range(1, 3))
                    }
                };
                self.hit("map");
                Chain { text: format!("{base}.map(|x| x.to_string())"), kids: vec![s], item: Ty::Str, refs: 0, unordered: false }
            }
            5 => {
                let s = self.operand(|g| g.str_place(d1));
                self.hit("chars");
                let rev = if self.chance(1, 3) {
                    self.hit("rev");
                    ".rev()"
                } else {
                    ""
                };
                Chain { text: format!("\u{3}.chars(){rev}.map(|c| c.to_string())"), kids: vec![s], item: Ty::Str, refs: 0, unordered: false }
            }
            6 => {
                let t = self.value_ty(0);
                let v = self.operand(|g| g.place(&Ty::vec(t.clone()), d1));
                let n = self.rng.range(1, 3);
                self.hit("chunks");
                Chain { text: format!("\u{3}.chunks({n}).map(|c| c.to_vec())"), kids: vec![v], item: Ty::vec(t), refs: 0, unordered: false }
            }
            _ => {
                let t = if self.chance(1, 2) { Ty::Int } else { Ty::Str };
                let m = self.operand(|g| g.place(&Ty::map(t.clone()), d1));
                self.hit("map.keys() / values()");
                if self.chance(1, 2) {
                    Chain { text: "\u{3}.keys().cloned()".into(), kids: vec![m], item: Ty::Str, refs: 0, unordered: true }
                } else {
                    let f = if t.is_copy() { "copied" } else { "cloned" };
                    Chain { text: format!("\u{3}.values().{f}()"), kids: vec![m], item: t, refs: 0, unordered: true }
                }
            }
        };
        let n = self.rng.weighted(&[3, 3, 2]);
        for _ in 0..n {
            self.adapter(&mut c, d1);
        }
        c
    }

    /// Declares a closure's parameter(s) for items of `c` with `extra` more references;
    /// returns the parameter text.
    pub(super) fn closure_param(&mut self, c: &Chain, extra: u8) -> String {
        let refs = c.refs + extra;
        self.hit("closure");
        if let Ty::Tuple(ts) = &c.item {
            if ts.len() == 2 {
                let (a, b) = (self.fresh("x"), self.fresh("x"));
                let r = (refs > 0) as u8;
                self.vars.push(Var { name: a.clone(), ty: ts[0].clone(), mutable: false, refs: r, bound: LIMIT, negz: true, frozen: 0, moved: false });
                self.vars.push(Var { name: b.clone(), ty: ts[1].clone(), mutable: false, refs: r, bound: LIMIT, negz: true, frozen: 0, moved: false });
                self.hit("closure |&x| / |(a, b)|");
                return format!("({a}, {b})");
            }
        }
        let x = self.fresh("x");
        if refs == 1 && c.item.is_copy() && self.chance(1, 3) {
            self.hit("closure |&x| / |(a, b)|");
            self.vars.push(Var { name: x.clone(), ty: c.item.clone(), mutable: false, refs: 0, bound: LIMIT, negz: true, frozen: 0, moved: false });
            return format!("&{x}");
        }
        self.vars.push(Var { name: x.clone(), ty: c.item.clone(), mutable: false, refs, bound: LIMIT, negz: true, frozen: 0, moved: false });
        x
    }

    /// Generates a closure body of type `ty` over the items of `c`.
    pub(super) fn closure(&mut self, c: &Chain, extra: u8, ty: &Ty, d: usize) -> (String, Expr) {
        self.push_scope();
        let saved = self.enter_closure();
        let saved_chain = std::mem::replace(&mut self.f.in_chain, true);
        // Over a map's keys or values the order is arbitrary: no effects in the closures.
        let pure = self.f.no_effects;
        self.f.no_effects = pure || c.unordered;
        let p = self.closure_param(c, extra);
        let body = match ty {
            Ty::Int => self.int(d, 1_000_000),
            t => self.expr(t, d),
        };
        self.f.in_chain = saved_chain;
        self.f.no_effects = pure;
        self.leave_closure(saved);
        self.pop_scope();
        (p, body)
    }

    pub(super) fn adapter(&mut self, c: &mut Chain, d: usize) {
        match self.rng.weighted(&[4, 3, 2, 2, 2, 1, 2]) {
            6 => self.extra_adapter(c, d),
            0 => {
                let u = self.value_ty(0);
                let (p, body) = self.closure(c, 0, &u, d);
                self.hit("map");
                c.text = format!("{}.map(|{p}| \u{4})", c.text);
                c.kids.push(body);
                c.item = u;
                c.refs = 0;
            }
            1 => {
                let (p, body) = self.closure(c, 1, &Ty::Bool, d);
                self.hit("filter");
                c.text = format!("{}.filter(|{p}| \u{2})", c.text);
                c.kids.push(body);
            }
            2 if c.refs == 0 => {
                self.hit("enumerate");
                let (i, x) = (self.fresh("i"), self.fresh("x"));
                c.text = format!("{}.enumerate().map(|({i}, {x})| ({i} as i64, {x}))", c.text);
                c.item = Ty::Tuple(vec![Ty::Int, c.item.clone()]);
                self.hit("closure |&x| / |(a, b)|");
            }
            3 => {
                let n = self.rng.range(0, 4);
                if self.chance(1, 2) {
                    self.hit("take");
                    c.text = format!("{}.take({n})", c.text);
                } else {
                    self.hit("skip");
                    c.text = format!("{}.skip({n})", c.text);
                }
            }
            4 if c.refs == 0 && !c.unordered => {
                let u = self.scalar_ty();
                let v = self.operand(|g| g.vec(&u, d));
                self.hit("zip");
                c.text = format!("{}.zip(\u{4})", c.text);
                c.kids.push(v);
                c.item = Ty::Tuple(vec![c.item.clone(), u]);
            }
            _ => {
                if c.refs > 0 {
                    self.hit("copied / cloned");
                    let f = if c.item.is_copy() { "copied" } else { "cloned" };
                    c.text = format!("{}.{f}()", c.text);
                    c.refs = 0;
                }
            }
        }
    }

    /// Ends `c` with a map to items of type `t` (unless they already are), owned.
    pub(super) fn end_items(&mut self, c: &mut Chain, t: &Ty, d: usize) {
        if c.item == *t && c.refs == 0 && self.chance(1, 2) {
            return;
        }
        if c.item == *t && c.refs > 0 {
            let f = if t.is_copy() { "copied" } else { "cloned" };
            self.hit("copied / cloned");
            c.text = format!("{}.{f}()", c.text);
            c.refs = 0;
            return;
        }
        let (p, body) = self.closure(c, 0, t, d);
        self.hit("map");
        c.text = format!("{}.map(|{p}| \u{4})", c.text);
        c.kids.push(body);
        c.item = t.clone();
        c.refs = 0;
    }

    /// `chain.collect::<Vec<T>>()`.
    pub(super) fn chain_collect(&mut self, t: &Ty, d: usize) -> Option<Expr> {
        if d < 2 {
            return None;
        }
        let mut c = self.chain(d - 1, true);
        self.end_items(&mut c, t, d - 1);
        self.hit("collect into Vec");
        // redlua takes the target of `collect` from a `let` type (not from a turbofish).
        let v = self.fresh("c");
        Some(Expr::tpl(Ty::vec(t.clone()), "collect", format!("{{\n    let {v}: Vec<{}> = {}.collect();\n    {v}\n}}", t.rust(), c.text), c.kids))
    }

    /// Strings from chains: `collect::<String>()`.
    pub(super) fn str_chain(&mut self, d: usize) -> Expr {
        if d < 2 {
            return self.str_leaf();
        }
        let mut c = self.chain(d - 1, true);
        self.end_items(&mut c, &Ty::Str, d - 1);
        self.hit("collect into String");
        Expr::call(Ty::Str, "collect", format!("{}.collect::<String>()", c.text), c.kids)
    }

    /// Integers from chains: `sum`, `count`.
    pub(super) fn int_iter(&mut self, d: usize) -> Expr {
        if d < 2 {
            return self.int_leaf(LIMIT);
        }
        let mut c = self.chain(d - 1, false);
        if self.chance(1, 2) {
            self.hit("count");
            return Expr::call(Ty::Int, "count", format!("{}.count() as i64", c.text), c.kids);
        }
        if c.item != Ty::Int {
            self.end_items(&mut c, &Ty::Int, d - 1);
        }
        self.hit("sum of an iterator");
        if self.chance(1, 3) {
            self.hit("sum");
        }
        Expr::call(Ty::Int, "sum", format!("{}.sum::<i64>()", c.text), c.kids)
    }

    /// Booleans from chains: `any`, `all`.
    pub(super) fn iter_predicate(&mut self, d: usize) -> Expr {
        if d < 2 {
            return self.bool_leaf();
        }
        let c = self.chain(d - 1, false);
        let (p, body) = self.closure(&c, 0, &Ty::Bool, d - 1);
        let f = if self.chance(1, 2) { "any" } else { "all" };
        self.hit("any / all");
        let mut kids = c.kids;
        kids.push(body);
        Expr::call(Ty::Bool, "anyall", format!("{}.{f}(|{p}| \u{2})", c.text), kids)
    }

    /// Options from chains: `find`, `position`, `min`, `max`.
    pub(super) fn iter_option(&mut self, t: &Ty, d: usize) -> Expr {
        if d < 2 {
            return self.opt_leaf(t, d);
        }
        let ty = Ty::opt(t.clone());
        let mut c = self.chain(d - 1, true);
        match self.rng.below(3) {
            0 if *t == Ty::Int => {
                // position's closure takes the items themselves.
                let (p, body) = self.closure(&c, 0, &Ty::Bool, d - 1);
                self.hit("position");
                let mut kids = c.kids;
                kids.push(body);
                Expr::call(ty, "position", format!("{}.position(|{p}| \u{2}).map(|p| p as i64)", c.text), kids)
            }
            1 if *t == Ty::Int => {
                if c.item != Ty::Int {
                    self.end_items(&mut c, &Ty::Int, d - 1);
                }
                let f = if self.chance(1, 2) { "min" } else { "max" };
                self.hit("min / max of an iterator");
                let copied = if c.refs > 0 { ".copied()" } else { "" };
                Expr::call(ty, "minmax", format!("{}.{f}(){copied}", c.text), c.kids)
            }
            _ => {
                if c.item != *t {
                    self.end_items(&mut c, t, d - 1);
                }
                let (p, body) = self.closure(&c, 1, &Ty::Bool, d - 1);
                self.hit("find");
                let after = if c.refs > 0 {
                    if t.is_copy() {
                        ".copied()"
                    } else {
                        ".cloned()"
                    }
                } else {
                    ""
                };
                let mut kids = c.kids;
                kids.push(body);
                Expr::call(ty, "find", format!("{}.find(|{p}| \u{2}){after}", c.text), kids)
            }
        }
    }
}
