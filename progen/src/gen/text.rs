//! Text: string leaves and methods, `format!`, options and vectors of values, `match`.

use super::*;

impl<'c> Gen<'c> {
    pub(super) fn str_lit_expr(&mut self) -> Expr {
        let w = *self.rng.pick(WORDS);
        Expr::lit(Ty::Str, format!("{}.to_string()", str_lit(w)))
    }

    pub(super) fn str_leaf(&mut self) -> Expr {
        if self.chance(1, 2) {
            if let Some(i) = self.pick_var(&Ty::Str, |_| true) {
                return self.use_var(i);
            }
        }
        self.str_lit_expr()
    }

    pub fn string(&mut self, d: usize) -> Expr {
        self.hit("type String");
        if d == 0 || self.chance(1, 6) {
            return self.str_leaf();
        }
        if self.chance(1, 12) {
            if let Some(e) = self.lua_string(d) {
                return e;
            }
        }
        match self.rng.weighted(&[2, 5, 4, 3, 2, 5, 2, 2, 2, if self.effects_ok() && !self.keys().is_empty() { 3 } else { 0 }, 1, 2]) {
            11 => self.str_extra(d),
            0 => self.str_leaf(),
            1 => self.common(&Ty::Str, d).unwrap_or_else(|| self.str_leaf()),
            2 => self.format(d),
            3 => {
                let a = self.operand(|g| g.string(d - 1));
                let b = self.operand(|g| g.str_place(d - 1));
                self.hit("a + &b");
                Expr::tpl(Ty::Str, "concat", "\u{1} + &\u{1}", vec![a, b])
            }
            4 => {
                // `bool` has no `to_string` in redlua (a gap: Rust has one).
                let e = if self.chance(2, 3) { self.operand(|g| g.int(d - 1, LIMIT)) } else { self.operand(|g| g.float(d - 1)) };
                self.hit("to_string");
                Expr::call(Ty::Str, "to_string", "\u{3}.to_string()", vec![e])
            }
            5 => self.str_method(d),
            6 => {
                let v = self.operand(|g| g.place(&Ty::vec(Ty::Str), d - 1));
                let sep = str_lit(*self.rng.pick(SEPS));
                self.hit("join");
                Expr::call(Ty::Str, "join", format!("\u{3}.join({sep})"), vec![v])
            }
            7 => {
                let o = self.operand(|g| g.opt_recv(&Ty::Str, d - 1));
                if self.chance(1, 2) {
                    self.hit("Option::unwrap_or_default");
                    Expr::call(Ty::Str, "unwrap_or_default", "\u{3}.unwrap_or_default()", vec![o])
                } else {
                    let e = self.operand(|g| {
                        let saved = g.enter_closure();
                        let e = g.string(d - 1);
                        g.leave_closure(saved);
                        e
                    });
                    self.hit("Option::unwrap_or_else");
                    self.hit("closure");
                    Expr::call(Ty::Str, "unwrap_or_else", "\u{3}.unwrap_or_else(|| \u{2})", vec![o, e])
                }
            }
            8 => self.str_chain(d),
            9 => self.str_command(d),
            _ => {
                let s = self.operand(|g| g.str_place(d - 1));
                self.hit("chars");
                self.hit("rev");
                self.hit("collect into String");
                Expr::call(Ty::Str, "collect", "\u{3}.chars().rev().collect::<String>()", vec![s])
            }
        }
    }

    pub(super) fn str_method(&mut self, d: usize) -> Expr {
        let s = self.operand(|g| g.str_place(d - 1));
        match self.rng.below(12) {
            0 => {
                let f = *self.rng.pick(&["trim", "trim_start", "trim_end"]);
                self.hit("trim / trim_start / trim_end");
                Expr::call(Ty::Str, "strm", format!("\u{3}.{f}().to_string()"), vec![s])
            }
            1 => {
                let f = *self.rng.pick(&["to_ascii_uppercase", "to_ascii_lowercase"]);
                self.hit("to_ascii_uppercase / lowercase");
                Expr::call(Ty::Str, "strm", format!("\u{3}.{f}()"), vec![s])
            }
            2 => {
                let a = str_lit(*self.rng.pick(SEPS));
                let b = str_lit(*self.rng.pick(WORDS));
                self.hit("replace");
                Expr::call(Ty::Str, "strm", format!("\u{3}.replace({a}, {b})"), vec![s])
            }
            3 => {
                let n = self.rng.range(0, 3);
                self.hit("repeat");
                Expr::call(Ty::Str, "strm", format!("\u{3}.repeat({n})"), vec![s])
            }
            4 | 5 => {
                let a = self.rng.range(0, 4);
                let b = a + self.rng.range(0, 4);
                let r = match self.rng.below(4) {
                    0 => format!("{a}..{b}"),
                    1 => format!("{a}.."),
                    2 => format!("..{b}"),
                    _ => format!("{a}..={b}"),
                };
                self.hit("&s[a..b]");
                Expr::call(Ty::Str, "slice", format!("\u{3}[{r}].to_string()"), vec![s])
            }
            6 => {
                let f = *self.rng.pick(&["trim_start_matches", "trim_end_matches", "trim_matches"]);
                let p = if self.chance(1, 2) {
                    self.hit("char literal pattern");
                    format!("{:?}", self.rng.pick(&['a', ' ', ':', 'é']))
                } else {
                    str_lit(*self.rng.pick(SEPS))
                };
                let p = if f == "trim_matches" && p.starts_with('"') { "' '".to_string() } else { p };
                self.hit("trim_*_matches");
                Expr::call(Ty::Str, "strm", format!("\u{3}.{f}({p}).to_string()"), vec![s])
            }
            7 => {
                let f = *self.rng.pick(&["strip_prefix", "strip_suffix"]);
                let p = str_lit(*self.rng.pick(SEPS));
                self.hit("strip_prefix / strip_suffix");
                Expr::call(Ty::Str, "strm", format!("\u{3}.{f}({p}).unwrap_or(\"-\").to_string()"), vec![s])
            }
            8 => {
                let f = *self.rng.pick(&["split_once", "rsplit_once"]);
                let p = str_lit(*self.rng.pick(SEPS));
                self.hit("split_once / rsplit_once");
                let side = if self.chance(1, 2) { "a" } else { "b" };
                Expr::call(Ty::Str, "strm", format!("\u{3}.{f}({p}).map(|(a, b)| {side}.to_string()).unwrap_or_default()"), vec![s])
            }
            9 => {
                let p = str_lit(*self.rng.pick(SEPS));
                let n = self.rng.range(1, 3);
                self.hit("splitn");
                Expr::call(Ty::Str, "strm", format!("\u{3}.splitn({n}, {p}).map(|x| x.to_string()).collect::<String>()"), vec![s])
            }
            10 => {
                self.hit("trim / trim_start / trim_end");
                Expr::call(Ty::Str, "strm", "\u{3}.trim_end().to_string()", vec![s])
            }
            _ => {
                self.hit("to_string");
                Expr::call(Ty::Str, "strm", "\u{3}.to_string()", vec![s])
            }
        }
    }

    /// `format!` with plain, positional, named and formatted holes.
    pub(super) fn format(&mut self, d: usize) -> Expr {
        self.hit("format!");
        let n = 1 + self.rng.below(3);
        let mut text = String::new();
        let mut kids = Vec::new();
        let mut args = String::new();
        for j in 0..n {
            if self.chance(1, 2) {
                text.push_str(match self.rng.below(4) {
                    0 => ":",
                    1 => "-",
                    2 => " ",
                    _ => "é",
                });
            }
            let spec_kind = self.rng.weighted(&[5, 2, 2, 1, 1, 1]);
            // `bool` is not formatted by redlua (a gap: Rust formats it).
            let scalar = if self.chance(1, 2) { Ty::Int } else if self.chance(1, 2) { Ty::Str } else { Ty::Float };
            let (ty, spec) = match spec_kind {
                0 => (scalar, String::new()),
                1 => {
                    self.hit("format! {:.N}");
                    (Ty::Float, format!(":.{}", self.rng.range(0, 3)))
                }
                2 => {
                    self.hit("format! width and alignment");
                    let a = *self.rng.pick(&[">", "<", "^"]);
                    (scalar, format!(":{a}{}", self.rng.range(1, 8)))
                }
                3 => {
                    self.hit("format! fill");
                    let a = *self.rng.pick(&[">", "<", "^"]);
                    (Ty::Str, format!(":*{a}{}", self.rng.range(1, 8)))
                }
                4 => {
                    self.hit("format! zero padding");
                    (Ty::Int, format!(":0{}", self.rng.range(1, 8)))
                }
                _ => (Ty::Int, "named".to_string()),
            };
            if spec == "named" {
                // An inline variable: `{name}`.
                if let Some(i) = self.pick_var(&Ty::Int, |v| v.refs == 0 && !v.name.contains('.') && !LUA_KEYWORDS.contains(&v.name.as_str())) {
                    self.hit("format! named argument");
                    text.push('{');
                    text.push_str(&self.vars[i].name.clone());
                    text.push('}');
                    continue;
                }
                text.push_str("{}");
            } else {
                text.push('{');
                text.push_str(&spec);
                text.push('}');
            }
            let e = self.operand(|g| match &ty {
                Ty::Str => g.str_place(d - 1),
                t => g.expr(t, d - 1),
            });
            kids.push(e);
            args.push_str(", \u{4}");
            let _ = j;
        }
        Expr::call(Ty::Str, "format", format!("format!({}{args})", str_lit(&text)), kids)
    }

    // ---------------------------------------------------------------------------------

    pub fn option(&mut self, t: &Ty, d: usize) -> Expr {
        self.hit("type Option");
        let untyped = std::mem::take(&mut self.untyped_ok);
        let ty = Ty::opt(t.clone());
        if d == 0 || self.chance(1, 6) {
            if let Some(i) = self.pick_value_var(&ty) {
                return self.use_var(i);
            }
            if untyped && self.chance(1, 3) {
                return Expr::lit(ty, "None");
            }
            return self.opt_leaf(t, d);
        }
        let is_cmd = self.effects_ok() && !self.keys().is_empty() && matches!(t, Ty::Int | Ty::Str | Ty::Float);
        match self.rng.weighted(&[3, 5, 2, if is_cmd { 3 } else { 0 }, 2, 3, 1, 2]) {
            0 => self.opt_leaf(t, d),
            1 => self.common(&ty, d).unwrap_or_else(|| self.opt_leaf(t, d)),
            2 => {
                // first / last / get of a collection
                if self.chance(1, 2) {
                    let v = self.operand(|g| g.place(&Ty::vec(t.clone()), d - 1));
                    let f = if self.chance(1, 2) { "first" } else { "last" };
                    let c = if t.is_copy() { "copied" } else { "cloned" };
                    self.hit("first / last");
                    Expr::call(ty, "first", format!("\u{3}.{f}().{c}()"), vec![v])
                } else {
                    let m = self.operand(|g| g.place(&Ty::map(t.clone()), d - 1));
                    let k = self.operand(|g| g.str_place(d - 1));
                    let c = if t.is_copy() { "copied" } else { "cloned" };
                    self.hit("map.get");
                    Expr::call(ty, "mapget", format!("\u{3}.get(&\u{1}).{c}()"), vec![m, k])
                }
            }
            3 => self.opt_command(t, d),
            4 => {
                // Option::map / and_then / filter over another option
                let u = self.scalar_ty();
                let src = self.operand(|g| g.opt_recv(&u, d - 1));
                let x = self.fresh("x");
                self.push_scope();
                let saved = self.enter_closure();
                match self.rng.below(3) {
                    0 => {
                        self.declare(&x, u.clone(), false, LIMIT, true);
                        let body = self.expr(t, d - 1);
                        self.leave_closure(saved);
                        self.pop_scope();
                        self.hit("Option::map");
                        self.hit("closure");
                        Expr::call(ty, "optmap", format!("\u{3}.map(|{x}| \u{4})"), vec![src, body])
                    }
                    1 => {
                        self.declare(&x, u.clone(), false, LIMIT, true);
                        let body = self.option(t, d - 1);
                        self.leave_closure(saved);
                        self.pop_scope();
                        self.hit("Option::and_then");
                        self.hit("closure");
                        Expr::call(ty, "optmap", format!("\u{3}.and_then(|{x}| \u{2})"), vec![src, body])
                    }
                    _ => {
                        self.leave_closure(saved);
                        self.pop_scope();
                        let src = self.operand(|g| g.opt_recv(t, d - 1));
                        self.push_scope();
                        let saved = self.enter_closure();
                        self.vars.push(Var { name: x.clone(), ty: t.clone(), mutable: false, refs: 1, bound: LIMIT, negz: true, frozen: 0, moved: false });
                        let body = self.bool(d - 1);
                        self.leave_closure(saved);
                        self.pop_scope();
                        self.hit("Option::filter");
                        self.hit("closure");
                        Expr::call(ty, "optmap", format!("\u{3}.filter(|{x}| \u{2})"), vec![src, body])
                    }
                }
            }
            5 => match t {
                Ty::Int => {
                    match self.rng.below(4) {
                        0 => {
                            let s = self.operand(|g| g.str_place(d - 1));
                            self.hit("parse::<i64>");
                            self.hit(".ok()");
                            Expr::call(ty, "parse", "\u{3}.parse::<i64>().ok()", vec![s])
                        }
                        1 => {
                            let a = self.operand(|g| g.int(d - 1, LIMIT));
                            let b = self.operand(|g| g.int(d - 1, LIMIT));
                            let f = *self.rng.pick(&["checked_add", "checked_sub", "checked_mul", "checked_div", "checked_rem"]);
                            self.hit("checked_*");
                            Expr::call(ty, "checked", format!("\u{3}.{f}(\u{2})"), vec![a, b])
                        }
                        2 => {
                            let s = self.operand(|g| g.str_place(d - 1));
                            let p = str_lit(*self.rng.pick(SEPS));
                            let f = if self.chance(1, 2) { "find" } else { "rfind" };
                            self.hit("find / rfind");
                            Expr::call(ty, "find", format!("\u{3}.{f}({p}).map(|i| i as i64)"), vec![s])
                        }
                        _ => self.iter_option(t, d),
                    }
                }
                Ty::Float => {
                    let s = self.operand(|g| g.str_place(d - 1));
                    self.hit("parse::<f64>");
                    self.hit(".ok()");
                    Expr::call(ty, "parse", "\u{3}.parse::<f64>().ok()", vec![s])
                }
                Ty::Str => {
                    let s = self.operand(|g| g.str_place(d - 1));
                    let p = str_lit(*self.rng.pick(SEPS));
                    let f = *self.rng.pick(&["strip_prefix", "strip_suffix"]);
                    self.hit("strip_prefix / strip_suffix");
                    Expr::call(ty, "strip", format!("\u{3}.{f}({p}).map(|x| x.to_string())"), vec![s])
                }
                Ty::Tuple(ts) if ts.as_slice() == [Ty::Str, Ty::Str] => {
                    let s = self.operand(|g| g.str_place(d - 1));
                    let p = str_lit(*self.rng.pick(SEPS));
                    let f = *self.rng.pick(&["split_once", "rsplit_once"]);
                    self.hit("split_once / rsplit_once");
                    Expr::call(ty, "split_once", format!("\u{3}.{f}({p}).map(|(a, b)| (a.to_string(), b.to_string()))"), vec![s])
                }
                _ => self.iter_option(t, d),
            },
            6 if self.effects_ok() => {
                // v.pop() as a value
                let vt = Ty::vec(t.clone());
                let Some(i) = self.pick_mut_var(|v| v.ty == vt) else { return self.opt_leaf(t, d) };
                self.hit("pop");
                Expr::call(ty, "pop", format!("{}.pop()", self.vars[i].name), vec![])
            }
            _ => self.iter_option(t, d),
        }
    }

    pub(super) fn opt_leaf(&mut self, t: &Ty, d: usize) -> Expr {
        let v = self.expr(t, d.saturating_sub(1));
        self.hit("Some(..)");
        Expr::call(Ty::opt(t.clone()), "Some", "Some(\u{4})", vec![v])
    }

    pub fn vec(&mut self, t: &Ty, d: usize) -> Expr {
        self.hit("type Vec");
        let untyped = std::mem::take(&mut self.untyped_ok);
        let ty = Ty::vec(t.clone());
        if d == 0 || self.chance(1, 6) {
            if let Some(i) = self.pick_value_var(&ty) {
                return self.use_var(i);
            }
            if untyped && self.chance(1, 2) {
                self.hit("Vec::new / with_capacity");
                if self.chance(1, 2) {
                    return Expr::lit(ty, "Vec::new()");
                }
                return Expr::lit(ty, format!("Vec::with_capacity({})", self.rng.range(0, 4)));
            }
            return self.vec_leaf(t, d);
        }
        let is_cmd = self.effects_ok() && !self.keys().is_empty() && *t == Ty::Str;
        match self.rng.weighted(&[3, 5, 2, 4, if is_cmd { 3 } else { 0 }, 1, 2, 1, 1]) {
            8 => self.vec_extra(t, d),
            0 => self.vec_leaf(t, d),
            7 => self.slice_vec(t, d).unwrap_or_else(|| self.vec_leaf(t, d)),
            1 => self.common(&ty, d).unwrap_or_else(|| self.vec_leaf(t, d)),
            2 => {
                let n = self.rng.range(0, 4);
                let x = self.operand(|g| g.expr(t, d - 1));
                self.hit("vec![x; n]");
                Expr::call(ty, "vec", format!("vec![\u{4}; {n}]"), vec![x])
            }
            3 => self.chain_collect(t, d).unwrap_or_else(|| self.vec_leaf(t, d)),
            4 => self.vec_command(d),
            5 => {
                let v = self.operand(|g| g.place(&ty, d - 1));
                self.hit("to_vec");
                Expr::call(ty, "to_vec", "\u{3}.to_vec()", vec![v])
            }
            _ => {
                if let Some(i) = self.pick_value_var(&ty) {
                    self.hit("clone");
                    return self.use_var(i);
                }
                self.vec_leaf(t, d)
            }
        }
    }

    pub(super) fn vec_leaf(&mut self, t: &Ty, d: usize) -> Expr {
        let ty = Ty::vec(t.clone());
        {
            {
                let n = self.rng.range(1, 4);
                let kids: Vec<Expr> = (0..n).map(|_| self.operand(|g| g.expr(t, d.saturating_sub(1)))).collect();
                let holes = vec!["\u{4}"; kids.len()].join(", ");
                self.hit("vec![..]");
                Expr::call(ty, "vec", format!("vec![{holes}]"), kids)
            }
        }
    }

    pub fn map(&mut self, t: &Ty, d: usize) -> Expr {
        self.hit("type HashMap");
        let untyped = std::mem::take(&mut self.untyped_ok);
        let ty = Ty::map(t.clone());
        if d == 0 || self.chance(1, 4) {
            if let Some(i) = self.pick_value_var(&ty) {
                return self.use_var(i);
            }
        }
        match self.rng.weighted(&[if untyped { 3 } else { 0 }, if d > 0 { 4 } else { 0 }, 3]) {
            0 => {
                self.hit("HashMap::new");
                Expr::lit(ty, "HashMap::new()")
            }
            1 => match self.common(&ty, d) {
                Some(e) => e,
                None => {
                    let e = Expr::lit(ty, "HashMap::new()");
                    self.typed(e, d)
                }
            },
            _ => {
                let n = self.rng.range(1, 3);
                let mut kids = Vec::new();
                let mut holes = Vec::new();
                for _ in 0..n {
                    kids.push(self.operand(|g| g.string(d.saturating_sub(1))));
                    kids.push(self.operand(|g| g.expr(t, d.saturating_sub(1))));
                    holes.push("(\u{4}, \u{4})");
                }
                self.hit("collect into HashMap");
                self.hit("into_iter()");
                let vt = t.rust();
                let v = self.fresh("c");
                Expr::tpl(ty, "collect", format!("{{\n    let {v}: HashMap<String, {vt}> = vec![{}].into_iter().collect();\n    {v}\n}}", holes.join(", ")), kids)
            }
        }
    }

    pub fn tuple(&mut self, ts: &[Ty], d: usize) -> Expr {
        self.hit("type tuple");
        let ty = Ty::Tuple(ts.to_vec());
        if d > 0 && self.chance(1, 2) {
            if let Some(e) = self.common(&ty, d) {
                return e;
            }
        }
        let kids: Vec<Expr> = ts.iter().map(|t| self.operand(|g| g.expr(t, d.saturating_sub(1)))).collect();
        let holes = vec!["\u{4}"; kids.len()].join(", ");
        Expr::call(ty, "tuple", format!("({holes})"), kids)
    }

    pub fn structv(&mut self, i: usize, d: usize) -> Expr {
        let copy = self.structs[i].copy;
        let ty = Ty::Struct(i, copy);
        if copy {
            self.hit("Copy struct");
        }
        if d > 0 && self.chance(1, 2) {
            if let Some(e) = self.common(&ty, d) {
                if matches!(e.kind, Kind::Var(_)) {
                    if copy {
                        self.hit("struct copy (let mut b = a)");
                    } else {
                        self.hit("struct clone");
                    }
                }
                return e;
            }
        }
        let fields = self.structs[i].fields.clone();
        let kids: Vec<Expr> = fields.iter().map(|(_, t)| self.operand(|g| g.expr(t, d.saturating_sub(1)))).collect();
        let holes: Vec<String> = fields.iter().map(|(f, _)| format!("{f}: \u{2}")).collect();
        self.hit("struct literal");
        // Not atomic: a struct literal in an `if` condition needs parentheses.
        Expr::tpl(ty, "struct", format!("{} {{ {} }}", struct_name(i), holes.join(", ")), kids)
    }

    // ---------------------------------------------------------------------------------
    // match

    /// A `match` (or `if let`) whose arms have type `ty` (`()` for a statement).
    pub(super) fn match_expr(&mut self, ty: &Ty, d: usize) -> Expr {
        if !self.enums.is_empty() && self.chance(1, 3) {
            if let Some(e) = self.enum_match(ty, d) {
                return e;
            }
        }
        let d1 = d.saturating_sub(1);
        let kind = self.rng.weighted(&[5, 3, 1, 3, 2, 2]);
        let mut arms: Vec<(String, Option<Expr>)> = Vec::new(); // pattern (with guard hole) and guard
        let scrut;
        let scrut_text;
        match kind {
            0 => {
                self.hit("match on integers");
                scrut = self.operand(|g| g.int(d1, LIMIT));
                scrut_text = "\u{4}".to_string();
                let n = 1 + self.rng.below(3);
                for _ in 0..n {
                    let a = self.rng.range(-5, 10);
                    let pat = match self.rng.below(4) {
                        0 => {
                            self.hit("match on ranges");
                            format!("{a}..={}", a + self.rng.range(0, 5))
                        }
                        1 => {
                            self.hit("match on ranges");
                            format!("{a}..{}", a + self.rng.range(1, 5))
                        }
                        2 => {
                            self.hit("match |");
                            format!("{a} | {}", a + 2)
                        }
                        _ => a.to_string(),
                    };
                    arms.push((pat, None));
                }
                if self.chance(1, 2) {
                    let x = self.fresh("m");
                    self.push_scope();
                    self.declare(&x, Ty::Int, false, LIMIT, true);
                    let g = self.operand(|g| g.bool(d1));
                    self.pop_scope();
                    self.hit("match guard");
                    arms.push((x, Some(g)));
                }
            }
            1 => {
                self.hit("match on strings");
                scrut = self.operand(|g| g.str_place(d1));
                scrut_text = "\u{3}.as_str()".to_string();
                let n = 1 + self.rng.below(3);
                for _ in 0..n {
                    let w = str_lit(*self.rng.pick(WORDS));
                    if self.chance(1, 4) {
                        self.hit("match |");
                        arms.push((format!("{w} | {}", str_lit(*self.rng.pick(WORDS))), None));
                    } else {
                        arms.push((w, None));
                    }
                }
                dedupe_arms(&mut arms);
            }
            2 => {
                self.hit("match on bools");
                scrut = self.operand(|g| g.bool(d1));
                scrut_text = "\u{2}".to_string();
                arms.push(("true".into(), None));
                if self.chance(1, 2) {
                    arms.push(("false".into(), None));
                }
            }
            3 => {
                self.hit("match on Option");
                let t = if self.chance(2, 3) { Ty::Int } else { Ty::Str };
                scrut = self.operand(|g| g.opt_recv(&t, d1));
                scrut_text = "\u{2}".to_string();
                let x = self.fresh("m");
                if t == Ty::Int && self.chance(1, 2) {
                    arms.push((format!("Some({})", self.rng.range(-2, 5)), None));
                }
                if self.chance(1, 2) {
                    self.push_scope();
                    self.declare(&x, t.clone(), false, LIMIT, true);
                    let g = self.operand(|g| g.bool(d1));
                    self.pop_scope();
                    self.hit("match guard");
                    arms.push((format!("Some({x})"), Some(g)));
                }
                arms.push(("None".into(), None));
                let y = self.fresh("m");
                arms.push((format!("Some({y})"), None));
                // bindings are declared per arm below
            }
            4 => {
                self.hit("match on tuples");
                let a = self.operand(|g| g.int(d1, LIMIT));
                let b = self.operand(|g| g.bool(d1));
                scrut = Expr::call(Ty::Tuple(vec![Ty::Int, Ty::Bool]), "tuple", "(\u{4}, \u{4})", vec![a, b]);
                scrut_text = "\u{2}".to_string();
                let n = 1 + self.rng.below(3);
                for _ in 0..n {
                    let p1 = match self.rng.below(3) {
                        0 => "_".to_string(),
                        1 => self.rng.range(-2, 4).to_string(),
                        _ => format!("{}..={}", self.rng.range(-5, 0), self.rng.range(0, 5)),
                    };
                    let p2 = *self.rng.pick(&["true", "false", "_"]);
                    arms.push((format!("({p1}, {p2})"), None));
                }
            }
            _ => {
                // if let
                self.hit("if let");
                let t = self.scalar_ty();
                let o = self.operand(|g| g.opt_recv(&t, d1));
                let x = self.fresh("m");
                self.push_scope();
                self.declare(&x, t, false, LIMIT, true);
                let a = self.sub_block(ty, d);
                self.pop_scope();
                let b = self.sub_block(ty, d);
                return Expr::tpl(ty.clone(), "if", format!("if let Some({x}) = \u{1} \u{2} else \u{2}"), vec![o, Expr::block(ty.clone(), a), Expr::block(ty.clone(), b)]);
            }
        }
        let exhaustive = kind == 3 || (kind == 2 && arms.len() == 2);
        let mut kids = vec![scrut];
        let scrut_text = scrut_text.replace('\u{2}', "\u{1}").replace('\u{4}', "\u{5}");
        let mut text = format!("match {scrut_text} {{");
        for (pat, guard) in &arms {
            // Bindings of `Some(x)` and guard variables are visible in the arm.
            self.push_scope();
            let bind = binding_of(pat);
            if let Some(b) = &bind {
                let bt = if kind == 3 { self.option_arm_ty(&kids[0]) } else { Ty::Int };
                self.declare(b, bt, false, LIMIT, true);
            }
            let body = self.arm_body(ty, d);
            self.pop_scope();
            match guard {
                Some(g) => {
                    text.push_str(&format!("\n    {pat} if \u{2} => \u{2},"));
                    kids.push(g.clone());
                }
                None => text.push_str(&format!("\n    {pat} => \u{2},")),
            }
            kids.push(body);
        }
        if !exhaustive {
            self.hit("match _");
            let body = self.arm_body(ty, d);
            text.push_str("\n    _ => \u{2},");
            kids.push(body);
        }
        text.push_str("\n}");
        Expr::tpl(ty.clone(), "match", text, kids)
    }

    pub(super) fn option_arm_ty(&self, scrut: &Expr) -> Ty {
        match &scrut.ty {
            Ty::Opt(t) => (**t).clone(),
            _ => Ty::Int,
        }
    }

    pub(super) fn arm_body(&mut self, ty: &Ty, d: usize) -> Expr {
        if *ty == Ty::Unit || self.chance(1, 3) {
            let b = self.sub_block(ty, d);
            Expr::block(ty.clone(), b)
        } else {
            self.expr(ty, d.saturating_sub(1))
        }
    }
}

/// The variable a pattern binds (`Some(x)`, a guard's `x`), if any.
pub(super) fn binding_of(pat: &str) -> Option<String> {
    if let Some(inner) = pat.strip_prefix("Some(").and_then(|p| p.strip_suffix(')')) {
        if inner.starts_with('m') {
            return Some(inner.to_string());
        }
        return None;
    }
    if pat.starts_with('m') {
        return Some(pat.to_string());
    }
    None
}

/// Drops arms whose pattern repeats an earlier literal (unreachable patterns are only a
/// warning, but keep the programs clean).
pub(super) fn dedupe_arms(arms: &mut Vec<(String, Option<Expr>)>) {
    let mut seen = BTreeSet::new();
    arms.retain(|(p, _)| p.split(" | ").all(|x| seen.insert(x.to_string())));
}

// -------------------------------------------------------------------------------------
// Commands

/// Field names and members used by hash, set and sorted-set commands (the seeded keyspace
/// uses the same ones).
pub const FIELD_NAMES: &[&str] = &["f", "g", "n", "é", ""];
