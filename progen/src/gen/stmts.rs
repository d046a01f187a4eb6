//! Statements: `let`, assignments, `if`, loops, `for` over chains, jumps, items, the
//! statements that provoke the known problems on purpose, and mutation of variables.

use super::*;

impl<'c> Gen<'c> {
    pub(super) fn stmt(&mut self, d: usize) -> Option<Stmt> {
        let in_loop = !self.f.loops.is_empty();
        let w = [
            10,                                      // let
            5,                                       // assign
            if self.effects_ok() && !self.keys().is_empty() && self.f.can_write { 6 } else { 0 }, // command
            4,                                       // if
            3,                                       // loops
            2,                                       // match statement
            4,                                       // collection mutation
            if in_loop { 2 } else { 0 },             // break / continue
            1,                                       // early return
            1,                                       // const / fn item
            // The open problems, written on purpose when their switch is off.
            if self.avoid(Avoid::CopyAliasing) { 0 } else { 2 },
            if self.avoid(Avoid::EagerChains) || !self.effects_ok() || self.keys().is_empty() || !self.f.can_write { 0 } else { 2 },
            if self.avoid(Avoid::EvalOrder) || !self.effects_ok() { 0 } else { 2 },
            if self.structs.iter().any(|s| s.record || s.json) { 3 } else { 0 }, // records and JSON
            3, // assignment through places (places.rs)
            1, // dedup, for_each (extras.rs)
            3,                                       // &mut bindings to places
        ];
        match self.rng.weighted(&w) {
            10 => self.copy_alias_stmt(d),
            11 => self.eager_chain_stmt(d),
            12 => self.eval_order_stmt(d),
            13 => self.records_stmt(d),
            14 => self.place_stmt(d),
            15 => self.extra_stmt(d),
            16 => self.mutref_stmt(d),
            0 => Some(self.let_stmt(d)),
            1 => self.assign_stmt(d),
            2 => self.command_stmt(d),
            3 => Some(self.if_stmt(d)),
            4 => Some(self.loop_stmt(d)),
            5 => Some(self.match_stmt(d)),
            6 => self.mutate_stmt(d),
            7 => Some(self.jump_stmt(d)),
            8 => Some(self.return_stmt(d)),
            _ => self.item_stmt(d),
        }
    }

    pub(super) fn let_stmt(&mut self, d: usize) -> Stmt {
        if self.chance(1, 10) {
            return self.let_else(d);
        }
        if let Some(s) = self.res_let(d) {
            return s;
        }
        let ty = self.value_ty(1);
        if self.chance(1, 8) {
            // let (a, b) = (..);
            let t2 = self.value_ty(0);
            let e = self.expr(&Ty::Tuple(vec![ty.clone(), t2.clone()]), d);
            let (n1, n2) = (self.fresh("v"), self.fresh("v"));
            let m = self.chance(1, 3);
            let mk = if m { "mut " } else { "" };
            self.declare(&n1, ty.clone(), m, if ty == Ty::Int { LIMIT } else { 0 }, true);
            self.declare(&n2, t2.clone(), false, if t2 == Ty::Int { LIMIT } else { 0 }, true);
            self.hit("let (a, b)");
            let annot = format!("({}, {})", ty.rust(), t2.rust());
            return Stmt { expr: Expr::tpl(Ty::Unit, "let", format!("let ({mk}{n1}, {n2}): {annot} = \u{2}"), vec![e]), semi: true };
        }
        let mutable = self.chance(2, 5);
        // A mutable collection, to be mutated by the statements that follow, more often.
        let ty = if mutable && self.chance(1, 3) {
            match self.rng.below(3) {
                0 => Ty::map(if self.chance(1, 2) { Ty::Int } else { Ty::Str }),
                _ => Ty::vec(self.scalar_ty()),
            }
        } else {
            ty
        };
        let annotate = !self.chance(1, 4) || matches!(ty, Ty::Int | Ty::Float);
        // Only the initialiser itself may be a bare `Vec::new()` (not something nested).
        self.untyped_ok = annotate && matches!(ty, Ty::Opt(_) | Ty::Vec(_) | Ty::Map(_));
        let (e, bound) = if ty == Ty::Int {
            let m = if mutable { 1 << 40 } else { LIMIT };
            let m = if self.chance(1, 2) { m } else { 1_000_000 };
            (self.int(d, m), m)
        } else {
            (self.expr(&ty, d), 0)
        };
        let negz = self.may_negz(&e);
        let name = self.new_name();
        self.hit("let");
        if mutable {
            self.hit("let mut");
        }
        self.untyped_ok = false;
        let annot = if !annotate && !ty_needs_annot(&e) { String::new() } else { format!(": {}", ty.rust()) };
        let mk = if mutable { "mut " } else { "" };
        let text = format!("let {mk}{name}{annot} = \u{2}");
        // Declared after its initialiser: it may shadow a variable the initialiser reads.
        self.declare(&name, ty.clone(), mutable, bound, negz);
        Stmt { expr: Expr::tpl(Ty::Unit, "let", text, vec![e]), semi: true }
    }

    /// `let Some(x) = opt else { return ..; };` (or `continue` / `break` in a loop).
    pub(super) fn let_else(&mut self, d: usize) -> Stmt {
        let t = self.scalar_ty();
        let o = self.operand(|g| g.opt_recv(&t, d.saturating_sub(1)));
        let diverge = if !self.f.loops.is_empty() && self.chance(1, 2) {
            Expr::lit(Ty::Unit, if self.chance(1, 2) { "continue" } else { "break" })
        } else {
            let ret = self.f.ret.clone();
            match &ret {
                Ty::Unit => Expr::lit(Ty::Unit, "return"),
                Ty::Res(inner) => {
                    if self.chance(1, 2) {
                        let e = self.err_reject();
                        Expr::tpl(Ty::Unit, "return", "return \u{2}", vec![e])
                    } else {
                        let inner = (**inner).clone();
                        let e = self.expr(&inner, d.saturating_sub(2));
                        Expr::tpl(Ty::Unit, "return", "return Ok(\u{2})", vec![e])
                    }
                }
                t => {
                    self.untyped_ok = true;
                    let e = self.expr(t, d.saturating_sub(2));
                    self.untyped_ok = false;
                    Expr::tpl(Ty::Unit, "return", "return \u{2}", vec![e])
                }
            }
        };
        let x = self.new_name();
        self.hit("let else");
        self.hit("let");
        self.declare(&x, t, false, LIMIT, true);
        Stmt { expr: Expr::tpl(Ty::Unit, "let", format!("let Some({x}) = \u{1} else {{\n    \u{2};\n}}"), vec![o, diverge]), semi: true }
    }

    pub(super) fn assign_stmt(&mut self, d: usize) -> Option<Stmt> {
        let i = self.pick_mut_var(|v| !matches!(v.ty, Ty::Key))?;
        let v = self.vars[i].clone();
        match &v.ty {
            Ty::Int => {
                let op = self.rng.weighted(&[3, 3, 2, 1, 1, 1, 1, 1]);
                let b = v.bound;
                let (text, e) = match op {
                    0 => (format!("{} = \u{2}", v.name), self.operand(|g| g.int(d, b))),
                    1 => {
                        self.hit("compound assignment");
                        (format!("{} += \u{2}", v.name), self.operand(|g| g.int(d, 1000)))
                    }
                    2 => {
                        self.hit("compound assignment");
                        (format!("{} -= \u{2}", v.name), self.operand(|g| g.int(d, 1000)))
                    }
                    3 => {
                        self.hit("compound assignment");
                        (format!("{} %= \u{2}", v.name), self.operand(|g| g.nonzero_small(d)))
                    }
                    4 => {
                        self.hit("compound assignment");
                        (format!("{} /= \u{2}", v.name), self.operand(|g| g.nonzero_small(d)))
                    }
                    5 => {
                        self.hit("bit compound assignment");
                        (format!("{} &= \u{2}", v.name), self.operand(|g| g.int(d, b)))
                    }
                    6 => {
                        self.hit("bit compound assignment");
                        (format!("{} ^= \u{2}", v.name), self.operand(|g| g.int(d, b.min(1 << 30))))
                    }
                    _ => {
                        self.hit("compound assignment");
                        (format!("{} *= \u{2}", v.name), self.operand(|g| g.int(d, 3)))
                    }
                };
                if self.may_negz(&e) || op >= 2 {
                    self.vars[i].negz = true;
                }
                Some(Stmt { expr: Expr::tpl(Ty::Unit, "assign", text, vec![e]), semi: true })
            }
            Ty::Float if self.chance(1, 2) => {
                let op = *self.rng.pick(&["+=", "-=", "*=", "/="]);
                let e = self.operand(|g| g.float(d));
                self.hit("compound assignment");
                Some(Stmt { expr: Expr::tpl(Ty::Unit, "assign", format!("{} {op} \u{2}", v.name), vec![e]), semi: true })
            }
            Ty::Bool if self.chance(1, 3) => {
                let op = *self.rng.pick(&["&=", "|=", "^="]);
                let e = self.operand(|g| g.bool(d));
                self.hit("bit compound assignment");
                Some(Stmt { expr: Expr::tpl(Ty::Unit, "assign", format!("{} {op} \u{2}", v.name), vec![e]), semi: true })
            }
            Ty::Str if self.chance(1, 2) => {
                self.hidden = Some(v.name.clone());
                let e = self.str_place(d);
                self.hidden = None;
                self.hit("compound assignment");
                Some(Stmt { expr: Expr::tpl(Ty::Unit, "assign", format!("{} += &\u{1}", v.name), vec![e]), semi: true })
            }
            Ty::Struct(si, copy) if self.chance(2, 3) && !(*copy && self.avoid(Avoid::CopyAliasing)) => {
                let fields = self.structs[*si].fields.clone();
                let (f, ft) = self.rng.pick(&fields).clone();
                let e = self.expr(&ft, d);
                self.hit("struct field write");
                Some(Stmt { expr: Expr::tpl(Ty::Unit, "assign", format!("{}.{f} = \u{2}", v.name), vec![e]), semi: true })
            }
            t => {
                let t = t.clone();
                let e = self.expr(&t, d);
                Some(Stmt { expr: Expr::tpl(Ty::Unit, "assign", format!("{} = \u{2}", v.name), vec![e]), semi: true })
            }
        }
    }

    pub(super) fn if_stmt(&mut self, d: usize) -> Stmt {
        let c = self.operand(|g| g.bool(d.saturating_sub(1)));
        let then = self.sub_block(&Ty::Unit, d);
        self.hit("if");
        let e = match self.rng.weighted(&[3, 3, 2]) {
            0 => Expr::tpl(Ty::Unit, "if", "if \u{2} \u{2}", vec![c, Expr::block(Ty::Unit, then)]),
            1 => {
                let els = self.sub_block(&Ty::Unit, d);
                Expr::tpl(Ty::Unit, "if", "if \u{2} \u{2} else \u{2}", vec![c, Expr::block(Ty::Unit, then), Expr::block(Ty::Unit, els)])
            }
            _ => {
                let c2 = self.operand(|g| g.bool(d.saturating_sub(1)));
                let mid = self.sub_block(&Ty::Unit, d);
                let els = self.sub_block(&Ty::Unit, d);
                self.hit("else if");
                Expr::tpl(Ty::Unit, "if", "if \u{2} \u{2} else if \u{2} \u{2} else \u{2}", vec![c, Expr::block(Ty::Unit, then), c2, Expr::block(Ty::Unit, mid), Expr::block(Ty::Unit, els)])
            }
        };
        Stmt { expr: e, semi: false }
    }

    /// A loop body: a block of statements inside a loop with an optional label.
    pub(super) fn loop_body(&mut self, d: usize, label: Option<String>, prefix: Vec<Stmt>) -> Block {
        self.f.loops.push(label);
        let floor = std::mem::replace(&mut self.f.move_floor, self.vars.len());
        let mut b = self.sub_block(&Ty::Unit, d);
        self.f.move_floor = floor;
        self.f.loops.pop();
        let mut stmts = prefix;
        stmts.append(&mut b.stmts);
        b.stmts = stmts;
        b
    }

    pub(super) fn label(&mut self) -> Option<String> {
        if self.chance(1, 4) {
            Some(format!("'{}", self.fresh("l")))
        } else {
            None
        }
    }

    pub(super) fn loop_stmt(&mut self, d: usize) -> Stmt {
        let label = self.label();
        let lab = label.as_ref().map(|l| format!("{l}: ")).unwrap_or_default();
        let kind = self.rng.weighted(&[3, 2, 4, 3, 2, 2, 1, 1]);
        match kind {
            5 => self.for_chain(d, label),
            6 => self.for_map(d),
            7 => self.for_enumerate(d, label),
            0 => {
                // while with fuel
                let w = self.fresh("w");
                let n = self.rng.range(1, 6);
                self.hit("while");
                self.push_scope();
                // The condition runs on every iteration: nothing moved, no `break` in it.
                let floor = std::mem::replace(&mut self.f.move_floor, self.vars.len());
                let loops = std::mem::take(&mut self.f.loops);
                let c = self.operand(|g| g.bool(d.saturating_sub(2)));
                self.f.loops = loops;
                self.f.move_floor = floor;
                // The fuel counter is not assignable by the body.
                self.declare(&w, Ty::Int, false, 8, false);
                let inc = Stmt { expr: Expr::lit(Ty::Unit, format!("{w} += 1")), semi: true };
                let body = self.loop_body(d, label, vec![inc]);
                self.pop_scope();
                let e = Expr::tpl(
                    Ty::Unit,
                    "while",
                    format!("{{\n    let mut {w}: i64 = 0;\n    {lab}while {w} < {n} && \u{1} \u{2}\n}}"),
                    vec![c, Expr::block(Ty::Unit, body)],
                );
                Stmt { expr: e, semi: false }
            }
            1 => {
                // loop with fuel
                let w = self.fresh("w");
                let n = self.rng.range(1, 6);
                self.hit("loop");
                self.push_scope();
                self.declare(&w, Ty::Int, false, 8, false);
                let inc = Stmt { expr: Expr::lit(Ty::Unit, format!("{w} += 1")), semi: true };
                let stop = Stmt { expr: Expr::lit(Ty::Unit, format!("if {w} > {n} {{\n    break;\n}}")), semi: false };
                self.hit("break");
                let body = self.loop_body(d, label, vec![inc, stop]);
                self.pop_scope();
                let e = Expr::tpl(Ty::Unit, "loop", format!("{{\n    let mut {w}: i64 = 0;\n    {lab}loop \u{2}\n}}"), vec![Expr::block(Ty::Unit, body)]);
                Stmt { expr: e, semi: false }
            }
            2 => {
                // for over a range
                let v = self.fresh("i");
                let lo = self.operand(|g| g.int(d.saturating_sub(2), 20));
                let len = self.rng.range(0, 6);
                // `(a..b).step_by(n).rev()` needs a `usize` range: the loop variable is
                // `<v>u`, and `v` its value as an `i64`.
                let mut as_usize = false;
                let (range, hi) = match self.rng.weighted(&[4, 2, 2, 2, 1, 1]) {
                    0 => {
                        self.hit("for over a..b");
                        ("\u{5}..\u{5}".to_string(), Expr::tpl(Ty::Int, "+", format!("\u{1} + {len}"), vec![lo.clone()]))
                    }
                    1 => {
                        self.hit("for over a..=b");
                        ("\u{5}..=\u{5}".to_string(), Expr::tpl(Ty::Int, "+", format!("\u{1} + {len}"), vec![lo.clone()]))
                    }
                    2 => {
                        self.hit("for over .rev()");
                        ("(\u{5}..\u{5}).rev()".to_string(), Expr::tpl(Ty::Int, "+", format!("\u{1} + {len}"), vec![lo.clone()]))
                    }
                    3 => {
                        self.hit("for over .step_by(n)");
                        let step = self.rng.range(1, 3);
                        (format!("(\u{5}..\u{5}).step_by({step})"), Expr::tpl(Ty::Int, "+", format!("\u{1} + {len}"), vec![lo.clone()]))
                    }
                    4 => {
                        self.hit("for over .rev().step_by(n)");
                        let step = self.rng.range(1, 4);
                        let incl = if self.chance(1, 2) { "=" } else { "" };
                        (format!("(\u{5}..{incl}\u{5}).rev().step_by({step})"), Expr::tpl(Ty::Int, "+", format!("\u{1} + {len}"), vec![lo.clone()]))
                    }
                    _ => {
                        self.hit("for over .step_by(n).rev()");
                        as_usize = true;
                        let step = self.rng.range(1, 4);
                        (format!("((\u{5}).abs() as usize..(\u{5}).abs() as usize).step_by({step}).rev()"), Expr::tpl(Ty::Int, "+", format!("\u{1}.abs() + {len}"), vec![lo.clone()]))
                    }
                };
                // The upper end repeats the lower one: a pure expression only.
                let (lo, hi) = if self.is_pure(&lo) { (lo, hi) } else { (Expr::lit(Ty::Int, "0"), Expr::lit(Ty::Int, len.to_string())) };
                self.push_scope();
                self.declare(&v, Ty::Int, false, 64, false);
                let body = self.loop_body(d, label, vec![]);
                self.pop_scope();
                let text = if as_usize { format!("{lab}for {v}u in {range} {{\n    let {v}: i64 = {v}u as i64;\n    \u{2}\n}}") } else { format!("{lab}for {v} in {range} \u{2}") };
                let e = Expr::tpl(Ty::Unit, "for", text, vec![lo, hi, Expr::block(Ty::Unit, body)]);
                Stmt { expr: e, semi: false }
            }
            3 => {
                // for over a Vec: by value (a clone) or by reference (the Vec is frozen)
                let et = self.value_ty(0);
                let vt = Ty::vec(et.clone());
                let x = self.fresh("x");
                self.hit("for over a Vec");
                if let (true, Some(vi)) = (self.chance(1, 2), self.pick_var(&vt, |_| true)) {
                    let place = self.place_var(vi);
                    self.vars[vi].frozen += 1;
                    self.push_scope();
                    self.vars.push(Var { name: x.clone(), ty: et.clone(), mutable: false, refs: 1, bound: LIMIT, negz: true, frozen: 0, moved: false });
                    let body = self.loop_body(d, label, vec![]);
                    self.pop_scope();
                    self.vars[vi].frozen -= 1;
                    let text = if self.chance(1, 2) { format!("{lab}for {x} in &\u{1} \u{2}") } else { format!("{lab}for {x} in \u{3}.iter() \u{2}") };
                    if text.contains(".iter()") {
                        self.hit("iter() over a Vec");
                    }
                    let e = Expr::tpl(Ty::Unit, "for", text, vec![place, Expr::block(Ty::Unit, body)]);
                    Stmt { expr: e, semi: false }
                } else {
                    let src = self.operand(|g| g.expr(&vt, d.saturating_sub(1)));
                    self.push_scope();
                    self.declare(&x, et.clone(), false, LIMIT, true);
                    let body = self.loop_body(d, label, vec![]);
                    self.pop_scope();
                    let e = Expr::tpl(Ty::Unit, "for", format!("{lab}for {x} in \u{2} \u{2}"), vec![src, Expr::block(Ty::Unit, body)]);
                    Stmt { expr: e, semi: false }
                }
            }
            _ => {
                // while let Some(x) = v.pop()
                let Some(vi) = self.pick_mut_var(|v| matches!(v.ty, Ty::Vec(_))) else {
                    return self.if_stmt(d);
                };
                let Ty::Vec(et) = self.vars[vi].ty.clone() else { unreachable!() };
                let name = self.vars[vi].name.clone();
                let x = self.fresh("x");
                self.hit("while let Some(x) = v.pop()");
                self.hit("pop");
                self.vars[vi].frozen += 1;
                self.push_scope();
                self.declare(&x, (*et).clone(), false, LIMIT, true);
                let body = self.loop_body(d, label, vec![]);
                self.pop_scope();
                self.vars[vi].frozen -= 1;
                let e = Expr::tpl(Ty::Unit, "while", format!("{lab}while let Some({x}) = {name}.pop() \u{2}"), vec![Expr::block(Ty::Unit, body)]);
                Stmt { expr: e, semi: false }
            }
        }
    }

    /// Problem 1 on purpose: a copy of a `Copy` struct, then a write to one of them, then
    /// both read (`let mut b = a; a.x = ..; (a.x, b.x)` must differ as in Rust).
    pub(super) fn copy_alias_stmt(&mut self, d: usize) -> Option<Stmt> {
        let copies: Vec<usize> = (0..self.structs.len()).filter(|&i| self.structs[i].copy).collect();
        if copies.is_empty() {
            return None;
        }
        let si = *self.rng.pick(&copies);
        let ty = Ty::Struct(si, true);
        let fields = self.structs[si].fields.clone();
        let src = self.operand(|g| g.structv(si, d.saturating_sub(1)));
        let (a, b) = (self.fresh("v"), self.fresh("v"));
        let (f, ft) = self.rng.pick(&fields).clone();
        let val = self.operand(|g| g.expr(&ft, d.saturating_sub(1)));
        self.hit("struct copy (let mut b = a)");
        self.hit("struct field write");
        let observe = match self.key_arg() {
            Some(k) if self.f.can_write => {
                self.write();
                format!("\n    rpush({k}, if {a} == {b} {{ \"same\" }} else {{ \"differ\" }});")
            }
            _ => String::new(),
        };
        // A copy taken by `let`, a Vec element or a tuple field, then the original written.
        let copy = match self.rng.below(3) {
            0 => format!("let {b} = {a};\n    {a}.{f} = \u{2};"),
            1 => format!("let v = vec![{a}];\n    {a}.{f} = \u{2};\n    let {b} = v[0];"),
            _ => format!("let t = ({a}, 1i64);\n    {a}.{f} = \u{2};\n    let {b} = t.0;"),
        };
        let text = format!("let (mut {a}, mut {b}) = {{\n    let mut {a} = \u{2};\n    {copy}{observe}\n    ({a}, {b})\n}}");
        self.declare(&a, ty.clone(), true, 0, true);
        self.declare(&b, ty, true, 0, true);
        Some(Stmt { expr: Expr::tpl(Ty::Unit, "let", text, vec![src, val]), semi: true })
    }

    /// Problem 2 on purpose: a chain whose closure sends a command, cut short by `take`,
    /// `find` or `any` (Rust runs the closure only for the items it needs).
    pub(super) fn eager_chain_stmt(&mut self, d: usize) -> Option<Stmt> {
        let k = self.key_arg()?;
        self.write();
        let v = self.operand(|g| g.vec(&Ty::Int, d.saturating_sub(1)));
        let n = self.rng.range(0, 2);
        let name = self.fresh("v");
        self.hit("map");
        self.hit("closure");
        let (text, ty) = match self.rng.below(3) {
            0 => {
                self.hit("take");
                (format!("let {name}: i64 = \u{3}.iter().map(|x| incr_by({k}, (*x % 100).abs())).take({n}).sum::<i64>()"), Ty::Int)
            }
            1 => {
                self.hit("any / all");
                (format!("let {name}: bool = \u{3}.iter().map(|x| incr_by({k}, (*x % 100).abs())).any(|y| y > {n})"), Ty::Bool)
            }
            _ => {
                self.hit("find");
                (format!("let {name}: Option<i64> = \u{3}.iter().map(|x| incr_by({k}, (*x % 100).abs())).find(|y| *y > {n})"), Ty::opt(Ty::Int))
            }
        };
        self.declare(&name, ty, false, LIMIT, false);
        Some(Stmt { expr: Expr::tpl(Ty::Unit, "let", text, vec![v]), semi: true })
    }

    /// Problem 7 on purpose: an operand that reads a variable, and a later operand that
    /// assigns it or sends a command; Rust evaluates left to right, the assigned value
    /// before the place it goes to, and a primitive compound assignment's right side
    /// first. The result is sent with SET when the function may write.
    pub(super) fn eval_order_stmt(&mut self, d: usize) -> Option<Stmt> {
        let x = self.fresh("x");
        let init = self.operand(|g| g.int(d.saturating_sub(1), 1000));
        let by = self.rng.range(1, 9);
        let k = if self.f.can_write { self.key_arg() } else { None };
        let cmd_operand = match &k {
            Some(k) => format!("get::<i64>({k}).unwrap_or(0) % 1000 + {{\n        incr_by({k}, {by});\n        {x}\n    }}"),
            None => format!("{x} * 3 + {{\n        {x} += {by};\n        {x}\n    }}"),
        };
        let body = match self.rng.below(9) {
            0 => format!("{x} + {{\n        {x} += {by};\n        {x}\n    }}"),
            1 => format!("{x} += {{\n        {x} = {by};\n        1\n    }};\n    {x}"),
            2 => format!("let mut v: Vec<i64> = vec![10, 20, 30];\n    let mut i: i64 = 0;\n    v[i as usize] = {{\n        i += 1;\n        {x}\n    }};\n    v[0] * 1000 + v[1]"),
            3 => format!("let t: (i64, i64) = ({x}, {{\n        {x} += {by};\n        {x}\n    }});\n    t.0 * 1000 + t.1"),
            4 => format!("let v: Vec<i64> = vec![{x}, {{\n        {x} += {by};\n        {x}\n    }}];\n    v[0] * 1000 + v[1]"),
            5 => format!("{x}.max({{\n        {x} += {by};\n        {x} - 1\n    }})"),
            7 => format!("let mut m: HashMap<String, i64> = HashMap::new();\n    m.insert({x}.to_string(), {{\n        {x} += {by};\n        {x}\n    }});\n    m.get(&{x}.to_string()).copied().unwrap_or(-1)"),
            _ => cmd_operand,
        };
        let value = format!("{{\n    let mut {x}: i64 = \u{2};\n    {body}\n}}");
        self.hit("compound assignment");
        match k {
            Some(k) => {
                self.write();
                self.hit("command: strings");
                Some(Stmt { expr: Expr::tpl(Ty::Unit, "cmd", format!("set({k}, {value})"), vec![init]), semi: true })
            }
            None => {
                let name = self.fresh("v");
                self.declare(&name, Ty::Int, false, LIMIT, true);
                Some(Stmt { expr: Expr::tpl(Ty::Unit, "let", format!("let {name}: i64 = {value}"), vec![init]), semi: true })
            }
        }
    }

    /// `for x in <iterator chain> { .. }`: the variables the chain borrows are frozen.
    pub(super) fn for_chain(&mut self, d: usize, label: Option<String>) -> Stmt {
        let lab = label.as_ref().map(|l| format!("{l}: ")).unwrap_or_default();
        let c = self.operand(|g| g.chain(d.saturating_sub(1), true));
        self.hit("for over an iterator chain");
        let frozen = self.freeze_vars_of(&c.kids);
        self.push_scope();
        let x = self.fresh("x");
        let var = if let Ty::Tuple(ts) = &c.item {
            if ts.len() == 2 {
                let (a, b) = (self.fresh("x"), self.fresh("x"));
                let r = (c.refs > 0) as u8;
                self.vars.push(Var { name: a.clone(), ty: ts[0].clone(), mutable: false, refs: r, bound: LIMIT, negz: true, frozen: 0, moved: false });
                self.vars.push(Var { name: b.clone(), ty: ts[1].clone(), mutable: false, refs: r, bound: LIMIT, negz: true, frozen: 0, moved: false });
                format!("({a}, {b})")
            } else {
                self.vars.push(Var { name: x.clone(), ty: c.item.clone(), mutable: false, refs: c.refs, bound: LIMIT, negz: true, frozen: 0, moved: false });
                x
            }
        } else {
            self.vars.push(Var { name: x.clone(), ty: c.item.clone(), mutable: false, refs: c.refs, bound: LIMIT, negz: true, frozen: 0, moved: false });
            x
        };
        let body = self.loop_body(d, label, vec![]);
        self.pop_scope();
        self.unfreeze(frozen);
        let mut kids = c.kids;
        kids.push(Expr::block(Ty::Unit, body));
        // `for x in v.into_iter()` is `for x in v` (redlua takes only the latter).
        let text = c.text.strip_suffix(".into_iter()").unwrap_or(&c.text).to_string();
        Stmt { expr: Expr::tpl(Ty::Unit, "for", format!("{lab}for {var} in {text} \u{2}"), kids), semi: false }
    }

    /// `for (i, x) in v.iter().enumerate() { let i = i as i64; .. }`.
    pub(super) fn for_enumerate(&mut self, d: usize, label: Option<String>) -> Stmt {
        let lab = label.as_ref().map(|l| format!("{l}: ")).unwrap_or_default();
        let t = self.value_ty(0);
        let v = self.operand(|g| g.place(&Ty::vec(t.clone()), d.saturating_sub(1)));
        self.hit("for (i, x) in enumerate");
        self.hit("enumerate");
        self.hit("iter() over a Vec");
        let frozen = self.freeze_vars_of(std::slice::from_ref(&v));
        self.push_scope();
        let (i, x) = (self.fresh("i"), self.fresh("x"));
        self.declare(&i, Ty::Int, false, 64, false);
        self.vars.push(Var { name: x.clone(), ty: t, mutable: false, refs: 1, bound: LIMIT, negz: true, frozen: 0, moved: false });
        // The index is a usize: the body uses it as an i64.
        let conv = Stmt { expr: Expr::lit(Ty::Unit, format!("let {i} = {i} as i64")), semi: true };
        let body = self.loop_body(d, label, vec![conv]);
        self.pop_scope();
        self.unfreeze(frozen);
        Stmt { expr: Expr::tpl(Ty::Unit, "for", format!("{lab}for ({i}, {x}) in \u{3}.iter().enumerate() \u{2}"), vec![v, Expr::block(Ty::Unit, body)]), semi: false }
    }

    /// A sum over a map: `let s: i64 = { let mut acc = 0; for (k, v) in &m { acc += ..; } acc };`
    /// (iteration order is arbitrary, as in Rust: the body only adds).
    pub(super) fn for_map(&mut self, d: usize) -> Stmt {
        let t = if self.chance(1, 2) { Ty::Int } else { Ty::Str };
        let m = self.operand(|g| g.place(&Ty::map(t.clone()), d.saturating_sub(1)));
        let (acc, k, v) = (self.fresh("acc"), self.fresh("k"), self.fresh("v"));
        self.hit("for (k, v) in &map");
        self.push_scope();
        let saved = self.enter_closure();
        self.vars.push(Var { name: k.clone(), ty: Ty::Str, mutable: false, refs: 1, bound: LIMIT, negz: true, frozen: 0, moved: false });
        self.vars.push(Var { name: v.clone(), ty: t.clone(), mutable: false, refs: 1, bound: LIMIT, negz: true, frozen: 0, moved: false });
        // The map's order is arbitrary, as in Rust: the body only adds, with no effects.
        let pure = std::mem::replace(&mut self.f.no_effects, true);
        let add = self.int(d.saturating_sub(1).min(2), 1_000_000);
        self.f.no_effects = pure;
        self.leave_closure(saved);
        self.pop_scope();
        let name = self.fresh("v");
        self.declare(&name, Ty::Int, false, LIMIT, true);
        self.hit("let");
        Stmt {
            expr: Expr::tpl(
                Ty::Unit,
                "let",
                format!("let {name}: i64 = {{\n    let mut {acc}: i64 = 0;\n    for ({k}, {v}) in &\u{1} {{\n        {acc} += \u{2};\n    }}\n    {acc}\n}}"),
                vec![m, add],
            ),
            semi: true,
        }
    }

    /// Freezes the variables named in `kids` (borrowed while a loop runs).
    pub(super) fn freeze_vars_of(&mut self, kids: &[Expr]) -> Vec<usize> {
        let mut names = Vec::new();
        for k in kids {
            collect_vars(k, &mut names);
        }
        let mut out = Vec::new();
        for i in self.visible() {
            if names.iter().any(|n| *n == self.vars[i].name) {
                self.vars[i].frozen += 1;
                out.push(i);
            }
        }
        out
    }

    pub(super) fn unfreeze(&mut self, idx: Vec<usize>) {
        for i in idx {
            if let Some(v) = self.vars.get_mut(i) {
                v.frozen = v.frozen.saturating_sub(1);
            }
        }
    }

    pub(super) fn jump_stmt(&mut self, _d: usize) -> Stmt {
        let labels: Vec<String> = self.f.loops.iter().flatten().cloned().collect();
        let inner_labelled = self.f.loops.last().is_some_and(|l| l.is_some());
        let brk = self.chance(1, 2);
        let text = if !labels.is_empty() && self.chance(1, 2) {
            let l = self.rng.pick(&labels).clone();
            if brk {
                self.hit("break 'label");
                format!("break {l}")
            } else {
                self.hit("continue 'label");
                format!("continue {l}")
            }
        } else if brk {
            self.hit("break");
            "break".to_string()
        } else {
            self.hit("continue");
            "continue".to_string()
        };
        let _ = inner_labelled;
        // Conditional, so that the statements after it are not dead code.
        let c = self.bool(1);
        Stmt { expr: Expr::tpl(Ty::Unit, "jump", format!("if \u{2} {{\n    {text};\n}}"), vec![c]), semi: false }
    }

    pub(super) fn return_stmt(&mut self, d: usize) -> Stmt {
        let ret = self.f.ret.clone();
        let v = match &ret {
            Ty::Unit => None,
            Ty::Res(inner) => {
                if self.chance(1, 2) {
                    Some(self.err_reject())
                } else {
                    let inner = (**inner).clone();
                    let e = self.expr(&inner, d.saturating_sub(1));
                    Some(Expr::call(ret.clone(), "Ok", "Ok(\u{2})", vec![e]))
                }
            }
            t => {
                self.untyped_ok = true;
                let e = self.expr(t, d.saturating_sub(1));
                self.untyped_ok = false;
                Some(e)
            }
        };
        let c = self.bool(d.saturating_sub(1));
        self.hit("return");
        let e = match v {
            Some(v) => Expr::tpl(Ty::Unit, "return", "if \u{2} {\n    return \u{2};\n}", vec![c, v]),
            None => Expr::tpl(Ty::Unit, "return", "if \u{2} {\n    return;\n}", vec![c]),
        };
        Stmt { expr: e, semi: false }
    }

    pub(super) fn item_stmt(&mut self, d: usize) -> Option<Stmt> {
        if self.chance(1, 2) {
            // const NAME: T = literal;
            let name = format!("C{}", self.fresh(""));
            let (ty, lit) = match self.rng.below(3) {
                0 => {
                    let n = self.rng.range(-100, 100);
                    (Ty::Int, n.to_string())
                }
                1 => (Ty::Bool, "true".to_string()),
                _ => (Ty::Str, str_lit(*self.rng.pick(WORDS))),
            };
            let rty = if ty == Ty::Str { "&str".to_string() } else { ty.rust() };
            self.hit("const in a body");
            if ty == Ty::Str {
                self.hit("type &str");
                // A &str constant is used through .to_string().
                self.vars.push(Var { name: format!("{name}.to_string()"), ty: Ty::Str, mutable: false, refs: 0, bound: 0, negz: false, frozen: 0, moved: false });
            } else {
                self.declare(&name, ty, false, 100, false);
            }
            return Some(Stmt { expr: Expr::lit(Ty::Unit, format!("const {name}: {rty} = {lit}")), semi: true });
        }
        // fn item in a body: pure, over its parameters only.
        let name = self.fresh("g");
        let pt = if self.chance(1, 2) { Ty::Int } else { Ty::Str };
        let rt = if self.chance(1, 2) { Ty::Int } else { Ty::Str };
        let saved_vars = std::mem::take(&mut self.vars);
        let saved_marks = std::mem::take(&mut self.marks);
        let saved_f = std::mem::replace(&mut self.f, FnCtx { ret: rt.clone(), can_write: false, stmts_left: 2, ..FnCtx::default() });
        self.declare("q", pt.clone(), false, LIMIT, false);
        let body = self.block_body(&rt, d.min(2));
        self.vars = saved_vars;
        self.marks = saved_marks;
        self.f = saved_f;
        let mut def = String::new();
        print_block(&mut def, &body, "");
        self.hit("fn item in a body");
        // Callable afterwards, like a helper with no effects.
        let text = format!("fn {name}(q: {}) -> {} {def}", pt.rust(), rt.rust());
        self.helpers.push(Sig { name: name.clone(), params: vec![Param { name: "q".into(), ty: pt, mutable: false, by_ref: false }], ret: rt, writes: false, fuel: None });
        Some(Stmt { expr: Expr::lit(Ty::Unit, text), semi: false })
    }

    pub(super) fn match_stmt(&mut self, d: usize) -> Stmt {
        let e = self.match_expr(&Ty::Unit, d);
        Stmt { expr: e, semi: false }
    }

    pub(super) fn mutate_stmt(&mut self, d: usize) -> Option<Stmt> {
        // Collections first: their methods are rarer than strings' (`push_str`).
        let coll = if self.chance(2, 3) { self.pick_mut_var(|v| matches!(v.ty, Ty::Vec(_) | Ty::Map(_))) } else { None };
        let i = match coll {
            Some(i) => i,
            None => self.pick_mut_var(|v| matches!(v.ty, Ty::Vec(_) | Ty::Map(_) | Ty::Str))?,
        };
        let v = self.vars[i].clone();
        self.hidden = Some(v.name.clone());
        let r = self.mutate_var(&v, d);
        self.hidden = None;
        r
    }

    pub(super) fn mutate_var(&mut self, v: &Var, d: usize) -> Option<Stmt> {
        let n = v.name.clone();
        let (text, kids): (String, Vec<Expr>) = match &v.ty {
            Ty::Vec(et) => {
                let et = (**et).clone();
                match self.rng.weighted(&[4, 2, 2, 2, 2, 2, 4, 2, 2, 3, 2]) {
                    0 => {
                        self.hit("push");
                        (format!("{n}.push(\u{2})"), vec![self.expr(&et, d.saturating_sub(1))])
                    }
                    1 => {
                        self.hit("pop");
                        (format!("{n}.pop()"), vec![])
                    }
                    2 => {
                        self.hit("insert(i, x)");
                        let i = self.index_for(&n, d);
                        (format!("{n}.insert(\u{2}, \u{2})"), vec![i, self.expr(&et, d.saturating_sub(1))])
                    }
                    3 => {
                        self.hit("remove(i)");
                        let i = self.index_for(&n, d);
                        (format!("{n}.remove(\u{2})"), vec![i])
                    }
                    4 => {
                        self.hit("truncate");
                        let k = self.rng.range(0, 4);
                        (format!("{n}.truncate({k})"), vec![])
                    }
                    5 => {
                        self.hit("reverse");
                        (format!("{n}.reverse()"), vec![])
                    }
                    6 if matches!(et, Ty::Int | Ty::Str) => {
                        if self.chance(1, 2) {
                            self.hit("sort");
                            (format!("{n}.sort()"), vec![])
                        } else {
                            self.hit("sort_unstable");
                            (format!("{n}.sort_unstable()"), vec![])
                        }
                    }
                    7 => {
                        self.hit("extend");
                        let src = self.expr(&v.ty, d.saturating_sub(1));
                        (format!("{n}.extend(\u{2})"), vec![src])
                    }
                    9 if matches!(et, Ty::Int | Ty::Str | Ty::Tuple(_) | Ty::Struct(..)) => {
                        // sort_by_key with an integer or string key
                        let c = Chain { text: String::new(), kids: Vec::new(), item: et.clone(), refs: 1, unordered: false };
                        let kt = if self.chance(1, 2) { Ty::Int } else { Ty::Str };
                        let (p, body) = self.closure(&c, 0, &kt, d.saturating_sub(1));
                        self.hit("sort_by_key");
                        (format!("{n}.sort_by_key(|{p}| \u{4})"), vec![body])
                    }
                    10 => {
                        let c = Chain { text: String::new(), kids: Vec::new(), item: et.clone(), refs: 1, unordered: false };
                        let (p, body) = self.closure(&c, 0, &Ty::Bool, d.saturating_sub(1));
                        self.hit("retain");
                        (format!("{n}.retain(|{p}| \u{2})"), vec![body])
                    }
                    8 => {
                        self.hit("v[i] = x");
                        // Not `n[n.len() / 2]`: rustc borrows `n` mutably first (E0502).
                        let i = self.operand(|g| {
                            let i = g.int(d.saturating_sub(2), 4);
                            g.narrow(i, "usize")
                        });
                        let x = self.operand(|g| g.expr(&et, d.saturating_sub(1)));
                        (format!("{n}[\u{2}] = \u{2}"), vec![i, x])
                    }
                    _ => {
                        self.hit("push");
                        (format!("{n}.push(\u{2})"), vec![self.expr(&et, d.saturating_sub(1))])
                    }
                }
            }
            Ty::Map(et) => {
                let et = (**et).clone();
                let k = self.str_place(d.saturating_sub(1));
                match self.rng.weighted(&[4, 2, 3, if et == Ty::Int || et == Ty::Str { 2 } else { 0 }]) {
                    3 => {
                        self.hit("entry().or_default");
                        if et == Ty::Int {
                            let by = self.int(d.saturating_sub(1), 1000);
                            (format!("*{n}.entry(\u{2}).or_default() += \u{2}"), vec![Expr::call(Ty::Str, "to_string", "\u{3}.to_string()", vec![k]), by])
                        } else {
                            let by = self.str_place(d.saturating_sub(1));
                            (format!("{n}.entry(\u{2}).or_default().push_str(&\u{1})"), vec![Expr::call(Ty::Str, "to_string", "\u{3}.to_string()", vec![k]), by])
                        }
                    }
                    0 => {
                        self.hit("map.insert");
                        (format!("{n}.insert(\u{2}, \u{2})"), vec![Expr::call(Ty::Str, "to_string", "\u{3}.to_string()", vec![k]), self.expr(&et, d.saturating_sub(1))])
                    }
                    1 => {
                        self.hit("map.remove");
                        (format!("{n}.remove(&\u{1})"), vec![k])
                    }
                    _ if et == Ty::Int => {
                        self.hit("entry().or_insert");
                        let by = self.int(d.saturating_sub(1), 1000);
                        (format!("*{n}.entry(\u{2}).or_insert(0) += \u{2}"), vec![Expr::call(Ty::Str, "to_string", "\u{3}.to_string()", vec![k]), by])
                    }
                    _ => {
                        self.hit("map.insert");
                        (format!("{n}.insert(\u{2}, \u{2})"), vec![Expr::call(Ty::Str, "to_string", "\u{3}.to_string()", vec![k]), self.expr(&et, d.saturating_sub(1))])
                    }
                }
            }
            _ => {
                if self.chance(1, 2) {
                    self.hit("push_str / push");
                    (format!("{n}.push_str(&\u{1})"), vec![self.str_place(d.saturating_sub(1))])
                } else {
                    self.hit("push_str / push");
                    self.hit("char literal pattern");
                    let c = *self.rng.pick(&['a', ':', 'é', ' ', '0']);
                    (format!("{n}.push({c:?})"), vec![])
                }
            }
        };
        Some(Stmt { expr: Expr::tpl(Ty::Unit, "mutate", text, kids), semi: true })
    }

    /// An index into the Vec named `n`, usually in bounds.
    pub(super) fn index_for(&mut self, n: &str, d: usize) -> Expr {
        if self.chance(3, 4) {
            Expr::lit(Ty::Int, format!("{n}.len() / 2"))
        } else {
            let i = self.int(d.saturating_sub(2), 6);
            self.narrow(i, "usize")
        }
    }

    /// `e as usize` (and the like): refused or guarded with `Avoid::NarrowInts`.
    pub(super) fn narrow(&mut self, e: Expr, to: &str) -> Expr {
        self.hit("as u8 / u32 / usize");
        // A negative literal cast is folded by the compiler, and refused beyond 2^53: a value
        // is cast at run time only.
        let literal = matches!(&e.kind, Kind::Lit(t) if t.starts_with('-')) || matches!(&e.kind, Kind::Tpl { tag: "neg", kids, .. } if matches!(kids[0].kind, Kind::Lit(_)));
        if self.avoid(Avoid::NarrowInts) || literal {
            // A value that fits: its absolute value.
            Expr::tpl(Ty::Int, "as", format!("\u{3}.abs() as {to}"), vec![e])
        } else {
            // Literals typed: rustc takes `(0 >> 54) as usize` as an `i32` shift (a panic).
            Expr::tpl(Ty::Int, "as", format!("\u{5} as {to}"), vec![e])
        }
    }
}
