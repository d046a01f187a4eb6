//! `&mut` bindings to places (`iter_mut()` loops over Vecs and maps, `get_mut`,
//! `first_mut` / `last_mut` in `if let` and `match`, `let x = &mut v[i]`, fields and Vec
//! elements changed through a binding) and `{:?}` / `{:#?}` formatting.
//!
//! A statement changes either a mutable variable in scope (hidden from its own operands
//! and body while borrowed) or a fresh local container built from a generated value,
//! which then becomes a variable of the rest of the function. Integer elements are reduced
//! with `%= 1000` before they change, so they stay far inside ±2^53.

use super::*;
use exprs::op_construct;

/// Strings that `{:?}` escapes or leaves as they are: quotes, backslashes, control
/// characters, a combining mark, a zero-width space, multi-byte text.
const DEBUG_WORDS: &[&str] = &["", "a\"b", "back\\slash", "x\ny", "\r\t", "nul\0", "\u{1}\u{7f}", "e\u{301}", "\u{200b}", "日本", "é", "it's", "\u{1F600}", "{}", "\u{a0}"];

/// Floats on the edges of `{:?}`'s forms.
const DEBUG_FLOATS: &[f64] = &[1e16, 9999999999999998.0, 1e15, 1e-4, 9.9e-5, 0.1, 0.30000000000000004, -0.0, 1.0, 5e-324, 1.7976931348623157e308, 123456789.125];

/// The body of one `&mut` statement: its text (the container is `{n}`) and its holes.
struct Body {
    text: String,
    kids: Vec<Expr>,
}

impl<'c> Gen<'c> {
    /// A statement with `&mut` bindings (`None` when it does not apply here).
    pub(super) fn mutref_stmt(&mut self, d: usize) -> Option<Stmt> {
        let has_struct = !self.structs.is_empty();
        let et = if self.chance(3, 4) { Ty::Int } else { Ty::Str };
        match self.rng.weighted(&[6, 3, 4, 3, if has_struct { 4 } else { 0 }, 2]) {
            0 => self.mutref_on(Ty::vec(et), d, Self::vec_loop),
            1 => self.mutref_on(Ty::map(et), d, Self::map_loop),
            2 => self.mutref_on(Ty::map(et), d, Self::map_get_mut),
            3 => self.mutref_on(Ty::vec(et), d, Self::vec_slot),
            4 => self.struct_elems(d),
            _ => self.mutref_on(Ty::vec(Ty::vec(Ty::Int)), d, Self::rows),
        }
    }

    /// Runs `body` on a container of type `ty`: a mutable variable in scope (hidden while
    /// the body is generated) or a fresh local one, which is declared afterwards.
    fn mutref_on(&mut self, ty: Ty, d: usize, body: fn(&mut Self, &str, &Ty, usize) -> Option<Body>) -> Option<Stmt> {
        let existing = if self.chance(1, 2) { self.pick_mut_var(|v| v.ty == ty && !v.name.contains('.')) } else { None };
        match existing {
            Some(i) => {
                let n = self.vars[i].name.clone();
                self.vars[i].moved = true;
                let b = body(self, &n, &ty, d);
                self.vars[i].moved = false;
                let b = b?;
                Some(Stmt { expr: Expr::tpl(Ty::Unit, "block", format!("{{\n    {}\n}}", b.text), b.kids), semi: false })
            }
            None => {
                let init = self.operand(|g| g.expr(&ty, d.saturating_sub(1)));
                let n = self.fresh("m");
                let b = body(self, &n, &ty, d)?;
                let out = self.fresh("v");
                let mutable = self.chance(1, 2);
                let mk = if mutable { "mut " } else { "" };
                let t = ty.rust();
                let mut kids = vec![init];
                kids.extend(b.kids);
                self.declare(&out, ty, mutable, 0, true);
                self.hit("let");
                Some(Stmt { expr: Expr::tpl(Ty::Unit, "let", format!("let {mk}{out}: {t} = {{\n    let mut {n}: {t} = \u{2};\n    {}\n    {n}\n}}", b.text), kids), semi: true })
            }
        }
    }

    /// A command that logs the element `x` (of type `t`), when commands are allowed.
    fn log_elem(&mut self, x: &str, t: &Ty) -> String {
        if !self.f.can_write || !self.effects_ok() {
            return String::new();
        }
        let Some(k) = self.key_arg() else { return String::new() };
        self.write();
        self.hit("command in a &mut loop body");
        self.hit("command: lists");
        match t {
            Ty::Int => format!("rpush({k}, &{x}.to_string());\n"),
            _ => {
                self.hit("{:?} of a String");
                format!("rpush({k}, &format!(\"{{:?}}\", {x}));\n")
            }
        }
    }

    /// Statements that change the element `*x` of type `t` (a `&mut`): `%= 1000` then an
    /// operator with an operand of at most 1000 for integers, `push_str` / `+=` for strings.
    fn change_elem(&mut self, x: &str, t: &Ty, d: usize) -> (String, Vec<Expr>) {
        self.hit("compound assignment");
        if *t == Ty::Int {
            let e = self.operand(|g| g.int(d.saturating_sub(2), 1000));
            let op = *self.rng.pick(&["+=", "-=", "*="]);
            self.hit(op_construct(&op[..1]));
            (format!("*{x} %= 1000;\n*{x} {op} \u{2};\n"), vec![e])
        } else {
            // `x.push_str(&x)` does not borrow-check: `x` is hidden from its operand.
            let hidden = self.hidden.replace(x.to_string());
            let e = self.operand(|g| g.str_place(d.saturating_sub(2)));
            self.hidden = hidden;
            if self.chance(1, 2) {
                self.hit("push_str / push");
                (format!("{x}.push_str(&\u{1});\n"), vec![e])
            } else {
                (format!("*{x} += &\u{1};\n"), vec![e])
            }
        }
    }

    /// A binding `x` (a `&mut` to an element of type `t`) visible to the generated body.
    fn bind_mut(&mut self, x: &str, t: &Ty) {
        self.vars.push(Var { name: x.to_string(), ty: t.clone(), mutable: false, refs: 1, bound: LIMIT, negz: true, frozen: 0, moved: false });
    }

    /// `for x in v.iter_mut()` (`&mut v`, `.enumerate()`, `.rev()`): the element changed,
    /// logged, then a generated body that may read `*x`, break, continue or send commands.
    fn vec_loop(&mut self, n: &str, ty: &Ty, d: usize) -> Option<Body> {
        let Ty::Vec(t) = ty else { return None };
        let t = (**t).clone();
        let x = self.fresh("x");
        let (head, idx) = match self.rng.below(4) {
            0 => {
                self.hit("for x in v.iter_mut()");
                (format!("for {x} in {n}.iter_mut()"), None)
            }
            1 => {
                self.hit("for x in &mut v");
                (format!("for {x} in &mut {n}"), None)
            }
            2 => {
                self.hit("iter_mut().enumerate()");
                let i = self.fresh("i");
                (format!("for ({i}, {x}) in {n}.iter_mut().enumerate()"), Some(i))
            }
            _ => {
                self.hit("iter_mut().rev()");
                (format!("for {x} in {n}.iter_mut().rev()"), None)
            }
        };
        self.push_scope();
        let mut pre = String::new();
        if let Some(i) = &idx {
            pre.push_str(&format!("let {i} = {i} as i64;\n"));
            self.declare(i, Ty::Int, false, 64, false);
        }
        self.bind_mut(&x, &t);
        let (change, mut kids) = self.change_elem(&x, &t, d);
        pre.push_str(&change);
        if let (Some(i), Ty::Int) = (&idx, &t) {
            pre.push_str(&format!("*{x} += {i};\n"));
        }
        pre.push_str(&self.log_elem(&x, &t));
        let body = self.loop_body(d, None, vec![]);
        self.pop_scope();
        kids.push(Expr::block(Ty::Unit, body));
        Some(Body { text: format!("{head} {{\n{pre}\u{2}\n}}"), kids })
    }

    /// A map's `iter_mut()` / `values_mut()`: the order is arbitrary, so the body has no
    /// effect but the change of its own element.
    fn map_loop(&mut self, n: &str, ty: &Ty, d: usize) -> Option<Body> {
        let Ty::Map(t) = ty else { return None };
        let t = (**t).clone();
        let (k, x) = (self.fresh("k"), self.fresh("x"));
        self.push_scope();
        let saved = self.enter_closure();
        let pure = std::mem::replace(&mut self.f.no_effects, true);
        let head = if self.chance(1, 2) {
            self.hit("map iter_mut()");
            self.vars.push(Var { name: k.clone(), ty: Ty::Str, mutable: false, refs: 1, bound: LIMIT, negz: true, frozen: 0, moved: false });
            format!("for ({k}, {x}) in {n}.iter_mut()")
        } else {
            self.hit("map values_mut()");
            format!("for {x} in {n}.values_mut()")
        };
        self.bind_mut(&x, &t);
        let (change, kids) = self.change_elem(&x, &t, d.min(3));
        self.f.no_effects = pure;
        self.leave_closure(saved);
        self.pop_scope();
        Some(Body { text: format!("{head} {{\n{change}}}"), kids })
    }

    /// `if let Some(x) = m.get_mut(&k) { .. } else { m.insert(k, ..) }`, or the same as a
    /// `match`, with commands in the arms.
    fn map_get_mut(&mut self, n: &str, ty: &Ty, d: usize) -> Option<Body> {
        let Ty::Map(t) = ty else { return None };
        let t = (**t).clone();
        let key = self.operand(|g| g.string(d.saturating_sub(1)));
        let kn = self.fresh("key");
        let x = self.fresh("x");
        self.push_scope();
        self.bind_mut(&x, &t);
        let (change, ckids) = self.change_elem(&x, &t, d);
        let log = self.log_elem(&x, &t);
        self.pop_scope();
        let fresh = self.operand(|g| g.expr(&t, d.saturating_sub(2)));
        self.hit("map.get_mut in if let");
        self.hit("map.insert");
        let mut kids = vec![key];
        kids.extend(ckids);
        kids.push(fresh);
        let text = if self.chance(1, 2) {
            self.hit("if let");
            format!("let {kn}: String = \u{2};\nif let Some({x}) = {n}.get_mut(&{kn}) {{\n{change}{log}}} else {{\n{n}.insert({kn}, \u{4});\n}}")
        } else {
            self.hit("match on get_mut");
            self.hit("match on Option");
            format!("let {kn}: String = \u{2};\nmatch {n}.get_mut(&{kn}) {{\nSome({x}) => {{\n{change}{log}}}\nNone => {{\n{n}.insert({kn}, \u{4});\n}}\n}}")
        };
        Some(Body { text, kids })
    }

    /// A Vec's `get_mut(i)`, `first_mut()`, `last_mut()` (in `if let` or `match`), or
    /// `let x = &mut v[i]`.
    fn vec_slot(&mut self, n: &str, ty: &Ty, d: usize) -> Option<Body> {
        let Ty::Vec(t) = ty else { return None };
        let t = (**t).clone();
        let x = self.fresh("x");
        let form = self.rng.below(4);
        let mut kids = Vec::new();
        let place = match form {
            0 | 3 => {
                let i = self.operand(|g| g.int(d.saturating_sub(2), LIMIT));
                kids.push(i);
                if form == 0 {
                    self.hit("v.get_mut(i)");
                    self.hit("rem_euclid / div_euclid");
                    format!("{n}.get_mut(\u{3}.rem_euclid(4) as usize)")
                } else {
                    self.hit("let x = &mut v[i]");
                    format!("{n}[\u{3}.rem_euclid(3) as usize]")
                }
            }
            1 => {
                self.hit("first_mut / last_mut");
                format!("{n}.first_mut()")
            }
            _ => {
                self.hit("first_mut / last_mut");
                format!("{n}.last_mut()")
            }
        };
        self.push_scope();
        self.bind_mut(&x, &t);
        let (change, ckids) = self.change_elem(&x, &t, d);
        kids.extend(ckids);
        let log = self.log_elem(&x, &t);
        self.pop_scope();
        if form == 3 {
            // Out of bounds on both sides (a panic in Rust, an error in the Lua) unless
            // the Vec is long enough.
            let guard = if self.chance(3, 4) { format!("if {n}.len() >= 3 ") } else { String::new() };
            return Some(Body { text: format!("{guard}{{\nlet {x} = &mut {place};\n{change}{log}}}"), kids });
        }
        let other = match self.log_elem("\"none\"", &Ty::Int) {
            s if s.is_empty() => String::new(),
            s => s.replace("&\"none\".to_string()", "\"none\""),
        };
        let text = if self.chance(1, 2) {
            self.hit("if let");
            format!("if let Some({x}) = {place} {{\n{change}{log}}} else {{\n{other}}}")
        } else {
            self.hit("match on get_mut");
            self.hit("match on Option");
            format!("match {place} {{\nNone => {{\n{other}}}\nSome({x}) => {{\n{change}{log}}}\n}}")
        };
        Some(Body { text, kids })
    }

    /// A Vec of rows: `row.push(e)` through `iter_mut()`, `get_mut(i)` or `last_mut()`.
    fn rows(&mut self, n: &str, _ty: &Ty, d: usize) -> Option<Body> {
        let r = self.fresh("row");
        let e = self.operand(|g| g.int(d.saturating_sub(2), 1000));
        self.hit("push on a Vec element");
        self.hit("push");
        let text = match self.rng.below(3) {
            0 => {
                self.hit("for x in v.iter_mut()");
                format!("for {r} in {n}.iter_mut() {{\n{r}.push(\u{4});\n}}")
            }
            1 => {
                self.hit("v.get_mut(i)");
                format!("if let Some({r}) = {n}.get_mut({}) {{\n{r}.push(\u{4});\n}}", self.rng.range(0, 2))
            }
            _ => {
                self.hit("first_mut / last_mut");
                format!("if let Some({r}) = {n}.last_mut() {{\n{r}.push(\u{4});\n{r}.push({r}.len() as i64);\n}}")
            }
        };
        Some(Body { text, kids: vec![e] })
    }

    /// A Vec (or a map) of structs changed through `&mut` bindings: a field by `op=`, a Vec field by
    /// `push`; the copy taken before (`clone()`, or `*p` of a `Copy` struct) keeps its value.
    fn struct_elems(&mut self, d: usize) -> Option<Stmt> {
        let si = self.rng.below(self.structs.len());
        let copy = self.structs[si].copy;
        if copy && self.avoid(Avoid::CopyAliasing) {
            return None;
        }
        let ty = Ty::Struct(si, copy);
        // A Vec of structs, or a map of them changed through `get_mut` (one element: the
        // map's order does not matter).
        let in_map = self.chance(1, 3);
        let vty = if in_map { Ty::map(ty.clone()) } else { Ty::vec(ty.clone()) };
        let init = self.operand(|g| g.expr(&vty, d.saturating_sub(1)));
        let (n, before, p, seen) = (self.fresh("m"), self.fresh("v"), self.fresh("p"), self.fresh("s"));
        let fields = self.structs[si].fields.clone();
        let mut change = String::new();
        let mut kids = vec![init];
        let head = if in_map {
            self.hit("map.get_mut in if let");
            self.hit("if let");
            kids.push(self.operand(|g| g.str_place(d.saturating_sub(2))));
            format!("if let Some({p}) = {n}.get_mut(&\u{1})")
        } else {
            match self.rng.below(3) {
                0 => {
                    self.hit("for x in v.iter_mut()");
                    format!("for {p} in {n}.iter_mut()")
                }
                1 => {
                    self.hit("for x in &mut v");
                    format!("for {p} in &mut {n}")
                }
                _ => {
                    self.hit("first_mut / last_mut");
                    format!("if let Some({p}) = {n}.last_mut()")
                }
            }
        };
        let nf = 1 + self.rng.below(2);
        self.push_scope();
        for _ in 0..nf {
            let (f, ft) = self.rng.pick(&fields).clone();
            self.hit("field op= through &mut");
            self.hit("struct field write");
            match ft {
                Ty::Int => {
                    let op = *self.rng.pick(&["+=", "-=", "*="]);
                    change.push_str(&format!("{p}.{f} %= 1000;\n{p}.{f} {op} \u{2};\n"));
                    kids.push(self.operand(|g| g.int(d.saturating_sub(2), 1000)));
                }
                Ty::Float => {
                    let op = *self.rng.pick(&["+=", "-=", "*="]);
                    change.push_str(&format!("{p}.{f} {op} \u{2};\n"));
                    kids.push(self.operand(|g| g.float(d.saturating_sub(2))));
                }
                Ty::Bool => change.push_str(&format!("{p}.{f} = !{p}.{f};\n")),
                Ty::Str => {
                    change.push_str(&format!("{p}.{f}.push_str(&\u{1});\n"));
                    kids.push(self.operand(|g| g.str_place(d.saturating_sub(2))));
                }
                Ty::Vec(et) => {
                    self.hit("push on a Vec element");
                    change.push_str(&format!("{p}.{f}.push(\u{4});\n"));
                    kids.push(self.operand(|g| g.expr(&et, d.saturating_sub(2))));
                }
                Ty::Opt(et) => {
                    change.push_str(&format!("{p}.{f} = Some(\u{4});\n"));
                    kids.push(self.operand(|g| g.expr(&et, d.saturating_sub(2))));
                }
                _ => {}
            }
        }
        self.pop_scope();
        let take = if copy {
            self.hit("Copy element copied before a change");
            format!("let {seen} = *{p};\n")
        } else {
            format!("let {seen} = {p}.clone();\n")
        };
        self.hit("struct ==");
        let observe = match self.key_arg() {
            Some(k) if self.f.can_write && self.effects_ok() => {
                self.write();
                self.hit("command in a &mut loop body");
                format!("rpush({k}, if {seen} == *{p} {{ \"same\" }} else {{ \"differ\" }});\n")
            }
            _ => format!("let _ = {seen} == *{p};\n"),
        };
        let t = vty.rust();
        let (a, b) = (self.fresh("v"), self.fresh("v"));
        let text = format!("let (mut {a}, {b}) = {{\n    let mut {n}: {t} = \u{2};\n    let {before} = {n}.clone();\n    {head} {{\n{take}{change}{observe}}}\n    ({n}, {before})\n}}");
        self.declare(&a, vty.clone(), true, 0, true);
        self.declare(&b, vty, false, 0, true);
        self.hit("let");
        Some(Stmt { expr: Expr::tpl(Ty::Unit, "let", text, kids), semi: true })
    }

    // ---------------------------------------------------------------------------------
    // `{:?}` and `{:#?}`

    /// Sometimes, a `String` made by `format!` with `{:?}` / `{:#?}` arguments.
    pub(super) fn mutrefs_expr(&mut self, ty: &Ty, d: usize) -> Option<Expr> {
        if *ty != Ty::Str || d == 0 || !self.chance(1, 12) {
            return None;
        }
        self.hit("format!");
        let (text, kids) = self.debug_args(d);
        Some(Expr::call(Ty::Str, "format", format!("format!({text})"), kids))
    }

    /// A type to format with `{:?}`: no map (refused: Rust's order is not fixed).
    fn debug_ty(&mut self, depth: usize) -> Ty {
        let ok: Vec<usize> = (0..self.structs.len()).filter(|&i| debug_ok(&Ty::Struct(i, false), &self.structs)).collect();
        let structs = ok.len();
        match self.rng.weighted(&[3, 3, 1, 4, if depth > 0 { 3 } else { 0 }, if depth > 0 { 3 } else { 0 }, if depth > 0 { 2 } else { 0 }, if structs > 0 { 3 } else { 0 }]) {
            0 => Ty::Int,
            1 => Ty::Float,
            2 => Ty::Bool,
            3 => Ty::Str,
            4 => Ty::opt(self.debug_ty(0)),
            5 => {
                let t = self.debug_ty(depth - 1);
                if matches!(t, Ty::Opt(_)) {
                    Ty::vec(Ty::Int)
                } else {
                    Ty::vec(t)
                }
            }
            6 => Ty::Tuple(vec![self.debug_ty(0), self.debug_ty(0)]),
            _ => {
                let i = ok[self.rng.below(structs)];
                Ty::Struct(i, self.structs[i].copy)
            }
        }
    }

    /// The format string and arguments of `format!` / `reject!` with 1 to 3 Debug-formatted
    /// arguments (an edge literal string or float, or a generated value of a Debug type).
    fn debug_args(&mut self, d: usize) -> (String, Vec<Expr>) {
        // An argument's type is not written anywhere: no bare `Vec::new()` / `None`.
        self.untyped_ok = false;
        let n = 1 + self.rng.below(3);
        let mut fmt = String::from("\"");
        let mut holes = String::new();
        let mut kids = Vec::new();
        for j in 0..n {
            if j > 0 {
                fmt.push_str(*self.rng.pick(&[" ", "|", "\\n"]));
            }
            if self.chance(1, 3) {
                self.hit("{:#?}");
                fmt.push_str("{:#?}");
            } else {
                self.hit("{:?}");
                fmt.push_str("{:?}");
            }
            let e = match self.rng.below(5) {
                0 => {
                    self.hit("{:?} of a String");
                    let w = *self.rng.pick(DEBUG_WORDS);
                    Expr::call(Ty::Str, "to_string", format!("{}.to_string()", str_lit(w)), vec![])
                }
                1 => {
                    self.hit("{:?} of f64");
                    Expr::lit(Ty::Float, float_lit(*self.rng.pick(DEBUG_FLOATS)))
                }
                _ => {
                    let t = self.debug_ty(2);
                    match &t {
                        Ty::Str => self.hit("{:?} of a String"),
                        Ty::Float => self.hit("{:?} of f64"),
                        Ty::Opt(_) | Ty::Vec(_) | Ty::Tuple(_) => self.hit("{:?} of Option / Vec / tuple"),
                        Ty::Struct(..) => self.hit("{:?} of a struct"),
                        _ => {}
                    }
                    if t.has_struct() {
                        self.hit("{:?} of a struct");
                    }
                    self.operand(|g| g.expr(&t, d.saturating_sub(1)))
                }
            };
            holes.push_str(", \u{4}");
            kids.push(e);
        }
        fmt.push('"');
        (format!("{fmt}{holes}"), kids)
    }

    /// Sometimes, a `reject!` whose message has `{:?}` arguments.
    pub(super) fn debug_reject(&mut self) -> Option<Expr> {
        if !self.chance(1, 4) {
            return None;
        }
        let (text, kids) = self.debug_args(1);
        let text = text.replacen('"', &format!("\"rj{} ", self.rng.below(100)), 1);
        self.hit("reject! with {:?}");
        let code = if self.chance(1, 3) { "code = \"LIMIT\", " } else { "" };
        Some(Expr::call(Ty::Unit, "reject", format!("reject!({code}{text})"), kids))
    }
}

/// `{:?}` of a value of type `t` is accepted: no `HashMap` inside (its order is not fixed).
fn debug_ok(t: &Ty, structs: &[StructDef]) -> bool {
    match t {
        Ty::Map(_) => false,
        Ty::Opt(t) | Ty::Vec(t) | Ty::Res(t) => debug_ok(t, structs),
        Ty::Tuple(ts) => ts.iter().all(|t| debug_ok(t, structs)),
        Ty::Struct(i, _) => structs.get(*i).is_some_and(|s| s.fields.iter().all(|(_, t)| debug_ok(t, structs))),
        _ => true,
    }
}
