//! Everyday Rust of issue 15: `match` on a parse result, `map_or` / `map_or_else`,
//! `filter_map` / `take_while` / `skip_while`, `max_by_key` / `min_by_key`, `for_each`,
//! `(0..n).map(..)`, `dedup`, `std::cmp::max` / `min`, `String::from`, `{:?}` of integers
//! and bools, bools formatted, `unwrap_or_default` of more types.

use super::*;
use chains::Chain;

impl<'c> Gen<'c> {
    /// An integer from one of the productions of this file (within ±`m`).
    pub(super) fn int_extra(&mut self, d: usize, m: u64) -> Expr {
        let d1 = d.saturating_sub(1);
        match self.rng.weighted(&[3, 3, 2, 2, 2, 2]) {
            0 => {
                // match s.parse::<i64>() { Ok(n) => .., Err(_) => .. }
                let s = self.operand(|g| g.str_place(d1));
                let n = self.fresh("n");
                self.push_scope();
                self.declare(&n, Ty::Int, false, LIMIT, true);
                let ok = self.operand(|g| g.int(d1, m));
                self.pop_scope();
                let err = self.operand(|g| g.int(d1, m));
                self.hit("match s.parse::<i64>() { Ok / Err }");
                let guard = if self.chance(1, 3) { format!("Ok({n}) if {n} > 0 => {n} % {},\n    ", m.clamp(1, 1_000_000)) } else { String::new() };
                let e = Expr::tpl(Ty::Int, "match", format!("match \u{3}.parse::<i64>() {{\n    {guard}Ok({n}) => \u{4},\n    Err(_) => \u{4},\n}}"), vec![s, ok, err]);
                self.wrap(e, m)
            }
            1 => {
                // opt.map_or(d, |x| ..) / opt.map_or_else(|| d, |x| ..)
                let t = self.scalar_ty();
                let o = self.operand(|g| g.opt_recv(&t, d1));
                let dflt = self.operand(|g| g.int(d1, m));
                self.push_scope();
                let saved = self.enter_closure();
                let x = self.fresh("x");
                self.declare(&x, t, false, LIMIT, true);
                let body = self.int(d1, m);
                self.leave_closure(saved);
                self.pop_scope();
                self.hit("closure");
                if self.chance(1, 2) {
                    self.hit("Option::map_or");
                    Expr::call(Ty::Int, "map_or", format!("\u{3}.map_or(\u{4}, |{x}| \u{4})"), vec![o, dflt, body])
                } else {
                    self.hit("Option::map_or_else");
                    Expr::call(Ty::Int, "map_or_else", format!("\u{3}.map_or_else(|| \u{4}, |{x}| \u{4})"), vec![o, dflt, body])
                }
            }
            2 => {
                let a = self.operand(|g| g.int(d1, m));
                let b = self.operand(|g| g.int(d1, m));
                let f = if self.chance(1, 2) { "max" } else { "min" };
                self.hit("std::cmp::max / min");
                Expr::call(Ty::Int, "cmp", format!("std::cmp::{f}(\u{4}, \u{4})"), vec![a, b])
            }
            3 if d >= 2 => {
                // max_by_key / min_by_key over a chain, the key an integer.
                let mut c = self.chain(d1, true);
                self.end_items(&mut c, &Ty::Int, d1);
                let (p, key) = self.closure(&c, 1, &Ty::Int, d1);
                let f = if self.chance(1, 2) { "max_by_key" } else { "min_by_key" };
                let dflt = self.int(0, m);
                self.hit("max_by_key / min_by_key");
                let mut kids = c.kids;
                kids.push(key);
                kids.push(dflt);
                let e = Expr::call(Ty::Int, "by_key", format!("{}.{f}(|{p}| \u{4}).unwrap_or(\u{2})", c.text), kids);
                self.wrap(e, m)
            }
            4 if d >= 2 => {
                // (0..n).map(..) without into_iter, summed.
                let n = self.operand(|g| g.int(d1, 6));
                let c = Chain { text: String::new(), kids: Vec::new(), item: Ty::Int, refs: 0, unordered: false };
                let (p, body) = self.closure(&c, 0, &Ty::Int, d1);
                let op = if self.chance(1, 3) { "..=" } else { ".." };
                self.hit("(0..n).map(..)");
                let e = Expr::call(Ty::Int, "sum", format!("(0i64{op}\u{5}).map(|{p}| \u{4}).sum::<i64>()"), vec![n, body]);
                self.wrap(e, m)
            }
            _ => {
                let o = self.operand(|g| g.opt_recv(&Ty::Int, d1));
                self.hit("Option::unwrap_or_default");
                self.hit("unwrap_or_default of i64 / f64 / bool / Vec");
                let e = Expr::call(Ty::Int, "unwrap_or_default", "\u{3}.unwrap_or_default()", vec![o]);
                self.wrap(e, m)
            }
        }
    }

    /// An adapter of this file on chain `c`: `filter_map`, `take_while`, `skip_while`.
    pub(super) fn extra_adapter(&mut self, c: &mut Chain, d: usize) {
        match self.rng.below(3) {
            0 => {
                let u = self.scalar_ty();
                let (p, body) = self.closure(c, 0, &Ty::opt(u.clone()), d);
                self.hit("filter_map");
                c.text = format!("{}.filter_map(|{p}| \u{2})", c.text);
                c.kids.push(body);
                c.item = u;
                c.refs = 0;
            }
            1 => {
                let (p, body) = self.closure(c, 1, &Ty::Bool, d);
                self.hit("take_while");
                c.text = format!("{}.take_while(|{p}| \u{2})", c.text);
                c.kids.push(body);
            }
            _ => {
                let (p, body) = self.closure(c, 1, &Ty::Bool, d);
                self.hit("skip_while");
                c.text = format!("{}.skip_while(|{p}| \u{2})", c.text);
                c.kids.push(body);
            }
        }
    }

    /// A string from one of the productions of this file.
    pub(super) fn str_extra(&mut self, d: usize) -> Expr {
        let d1 = d.saturating_sub(1);
        if self.chance(1, 3) {
            if let Some(e) = self.enum_debug(d) {
                return e;
            }
        }
        match self.rng.weighted(&[2, 3, 2, 2]) {
            0 => {
                let s = self.operand(|g| g.string(d1));
                self.hit("String::from");
                Expr::call(Ty::Str, "from", "String::from(\u{2})", vec![s])
            }
            1 => {
                // {:?} of integers and bools, {} of a bool
                let a = self.operand(|g| g.int(d1, LIMIT));
                let b = self.operand(|g| g.bool(d1));
                let f = match self.rng.below(3) {
                    0 => "{:?}/{:?}",
                    1 => "{}:{:?}",
                    _ => "{:?}-{}",
                };
                self.hit("{:?} of integers / bools");
                self.hit("format a bool");
                self.hit("format!");
                Expr::call(Ty::Str, "format", format!("format!(\"{f}\", \u{4}, \u{2})"), vec![a, b])
            }
            2 => {
                let b = self.operand(|g| g.bool(d1));
                self.hit("format a bool");
                self.hit("to_string");
                Expr::call(Ty::Str, "to_string", "\u{3}.to_string()", vec![b])
            }
            _ => {
                // .clone() of an Option<String>, then unwrap_or_default
                let o = self.operand(|g| g.opt_recv(&Ty::Str, d1));
                self.hit("clone of Option / tuple / nested Vec");
                self.hit("Option::unwrap_or_default");
                Expr::call(Ty::Str, "unwrap_or_default", "\u{3}.clone().unwrap_or_default()", vec![o])
            }
        }
    }

    /// A bool from `unwrap_or_default` or `matches!` on an integer.
    pub(super) fn bool_extra(&mut self, d: usize) -> Expr {
        let d1 = d.saturating_sub(1);
        if !self.enums.is_empty() && self.chance(2, 3) {
            if let Some(e) = self.enum_bool(d) {
                return e;
            }
        }
        if self.chance(1, 2) {
            let o = self.operand(|g| g.opt_recv(&Ty::Bool, d1));
            self.hit("unwrap_or_default of i64 / f64 / bool / Vec");
            Expr::call(Ty::Bool, "unwrap_or_default", "\u{3}.unwrap_or_default()", vec![o])
        } else {
            let o = self.operand(|g| g.opt_recv(&Ty::Float, d1));
            self.hit("unwrap_or_default of i64 / f64 / bool / Vec");
            let x = self.operand(|g| g.float(d1));
            Expr::tpl(Ty::Bool, "cmp", "\u{3}.unwrap_or_default() < \u{1}", vec![o, x])
        }
    }

    /// `v.dedup()`, `chain.for_each(|x| ..)` (statements).
    pub(super) fn extra_stmt(&mut self, d: usize) -> Option<Stmt> {
        let d1 = d.saturating_sub(1);
        if !self.methods.is_empty() && self.chance(1, 2) {
            if let Some(s) = self.mut_method_stmt(d) {
                return Some(s);
            }
        }
        if self.chance(1, 2) {
            let i = self.pick_mut_var(|v| matches!(&v.ty, Ty::Vec(t) if t.has_eq() && !t.has_float()))?;
            let n = self.vars[i].name.clone();
            self.hit("dedup");
            return Some(Stmt { expr: Expr::lit(Ty::Unit, format!("{n}.dedup()")), semi: true });
        }
        // for_each adding into a counter declared here.
        let mut c = self.chain(d1, false);
        self.end_items(&mut c, &Ty::Int, d1);
        let acc = self.fresh("acc");
        self.push_scope();
        let saved = self.enter_closure();
        let saved_chain = std::mem::replace(&mut self.f.in_chain, true);
        let pure = self.f.no_effects;
        self.f.no_effects = pure || c.unordered;
        let p = self.closure_param(&c, 0);
        let body = self.int(d1, 1_000_000);
        self.f.in_chain = saved_chain;
        self.f.no_effects = pure;
        self.leave_closure(saved);
        self.pop_scope();
        self.hit("for_each");
        let mut kids = c.kids;
        kids.push(body);
        let text = format!("let mut {acc}: i64 = 0;\n{}.for_each(|{p}| {{\n    {acc} = ({acc} + \u{2}) % 1000000;\n}})", c.text);
        self.declare(&acc, Ty::Int, true, 1_000_000, true);
        Some(Stmt { expr: Expr::tpl(Ty::Unit, "let", text, kids), semi: true })
    }

    /// A Vec from `opt.unwrap_or_default()` of an `Option<Vec<T>>`, or a clone of a nested Vec.
    pub(super) fn vec_extra(&mut self, t: &Ty, d: usize) -> Expr {
        let d1 = d.saturating_sub(1);
        let ty = Ty::vec(t.clone());
        if matches!(t, Ty::Vec(_)) && self.chance(1, 2) {
            let g = self.operand(|g| g.place(&ty, d1));
            self.hit("clone of Option / tuple / nested Vec");
            return Expr::call(ty, "clone", "\u{3}.clone()", vec![g]);
        }
        let o = self.operand(|g| g.opt_recv(&ty, d1));
        self.hit("unwrap_or_default of i64 / f64 / bool / Vec");
        Expr::call(ty, "unwrap_or_default", "\u{3}.unwrap_or_default()", vec![o])
    }
}
