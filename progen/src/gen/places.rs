//! Assignment through places (`v[i] op= e`, `v[i].x = e`, `t.0 = e`, `s.a.x = e`,
//! `g[i][j] = e`, `s.items[i] = e`, `*map.get_mut(&k).unwrap() op= e`,
//! `*map.entry(k).or_insert(d) op= e`), with side effects in the index and the value to
//! check Rust's order of evaluation, indices out of bounds; and slices `&v[a..b]`.

use super::*;

/// The operators of a compound assignment to an integer place, with the kind of right side.
const INT_OPS: &[&str] = &["+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=", "="];

impl<'c> Gen<'c> {
    /// An assignment through a place of a mutable variable (or a small block that builds the
    /// place first, for the shapes no variable of the program has).
    pub(super) fn place_stmt(&mut self, d: usize) -> Option<Stmt> {
        let d1 = d.saturating_sub(1);
        match self.rng.weighted(&[5, 3, 2, 2, 2, 3, 2, 4]) {
            0 => self.vec_elem_assign(d1),
            1 => self.vec_struct_field_assign(d1),
            2 => self.tuple_field_assign(d1),
            3 => self.struct_vec_field_assign(d1),
            4 => self.grid_assign(d1),
            5 => self.map_place_assign(d1),
            6 => self.nested_struct_assign(d1),
            _ => self.struct_pattern_stmt(d1),
        }
    }

    /// Struct patterns on a `let mut` struct variable `n`, into a new integer variable `x`:
    /// `let x = match n { S { fb: b, fa: LIT, .. } if g => { n.fc = e; b } S { fb: b, .. } => b };`
    /// (the arm changes the struct after the pattern took a part of it: the binding keeps
    /// the value it took), `let x = if let S { .. } = n { .. } else { .. };`, or
    /// `let S { fb: b, .. } = n;` then a change of `n` and `let x = b;`.
    fn struct_pattern_stmt(&mut self, d: usize) -> Option<Stmt> {
        let avoid_copy = self.avoid(Avoid::CopyAliasing);
        let structs = self.structs.clone();
        let has_int = move |si: usize| structs[si].fields.iter().any(|(_, t)| *t == Ty::Int) && structs[si].fields.len() >= 2;
        let ok = {
            let has_int = has_int.clone();
            move |t: &Ty| matches!(t, Ty::Struct(si, c) if !(*c && avoid_copy) && has_int(*si))
        };
        let ints = (0..self.structs.len()).filter(|&i| has_int(i)).collect::<Vec<_>>();
        let (n, ty, init) = self.target(ok, |g| g.some_struct(|s| s.fields.len() >= 2 && s.fields.iter().any(|(_, t)| *t == Ty::Int)).filter(|t| matches!(t, Ty::Struct(si, _) if ints.contains(si))), d)?;
        let Ty::Struct(si, _) = ty.clone() else { return None };
        let name = struct_name(si);
        let fields = self.structs[si].fields.clone();
        // Into a variable the rest of the program likely reads, or a new one.
        let old = self.pick_mut_var(|v| v.ty == Ty::Int && v.name != n && !v.name.contains('.'));
        let (xn, decl) = match old {
            Some(x) => (self.vars[x].name.clone(), String::new()),
            None => (self.fresh("v"), "let ".to_string()),
        };
        let xt = if decl.is_empty() { String::new() } else { ": i64".to_string() };
        let int_fields: Vec<usize> = (0..fields.len()).filter(|&j| fields[j].1 == Ty::Int).collect();
        let fb = *self.rng.pick(&int_fields);
        // Often the field just bound: the binding must keep the value it took.
        let fc = if self.chance(1, 2) { fb } else { self.rng.below(fields.len()) };
        // A literal (or range) sub-pattern on another integer or bool field.
        let fa = (0..fields.len()).find(|&j| j != fb && matches!(fields[j].1, Ty::Int | Ty::Bool) && self.chance(1, 2));
        let lit = match fa.map(|j| &fields[j].1) {
            Some(Ty::Int) => match self.rng.below(3) {
                0 => format!(", {}: {}", fields[fa?].0, self.rng.range(-2, 3)),
                1 => format!(", {}: {}..", fields[fa?].0, self.rng.range(-2, 3)),
                _ => format!(", {}: ..={}", fields[fa?].0, self.rng.range(-2, 3)),
            },
            Some(_) => format!(", {}: {}", fields[fa?].0, self.chance(1, 2)),
            None => String::new(),
        };
        self.hidden = Some(n.clone());
        let value = self.operand(|g| if fields[fc].1 == Ty::Int { g.int(d, LIMIT) } else { g.expr(&fields[fc].1, d) });
        self.hidden = None;
        let (bf, cf) = (fields[fb].0.clone(), fields[fc].0.clone());
        let b1 = self.fresh("b");
        let b2 = self.fresh("b");
        // The bound field sometimes gets a value that surely differs from the one bound.
        let (rhs, kids) = if fc == fb && self.chance(1, 2) { (format!("{b1} % 1000 + 1"), vec![]) } else { ("\u{2}".to_string(), vec![value]) };
        self.hit("struct pattern");
        let text = match self.rng.below(4) {
            0 | 1 => {
                self.hit("struct pattern: struct changed in the arm");
                let guard = if self.chance(1, 3) { format!(" if {b1} {} {}", self.rng.pick(&["!=", ">=", "<"]), self.rng.range(-1, 3)) } else { String::new() };
                format!("{decl}{xn}{xt} = match {n} {{\n    {name} {{ {bf}: {b1}{lit}, .. }}{guard} => {{\n        {n}.{cf} = {rhs};\n        {b1}\n    }}\n    {name} {{ {bf}: {b2}, .. }} => {b2},\n}}")
            }
            2 => {
                self.hit("struct pattern: if let");
                format!("{decl}{xn}{xt} = if let {name} {{ {bf}: {b1}{lit}, .. }} = {n} {{\n    {n}.{cf} = {rhs};\n    {b1}\n}} else {{\n    -1\n}}")
            }
            _ => {
                self.hit("struct pattern: let destructuring");
                format!("let {name} {{ {bf}: {b1}, .. }} = {n};\n{n}.{cf} = {rhs};\n{decl}{xn}{xt} = {b1}")
            }
        };
        // Seen by the command log when a key can be written.
        let text = match self.key_arg() {
            Some(k) if self.f.can_write && self.effects_ok() => {
                self.write();
                self.hit("command: lists");
                format!("{text};\nrpush({k}, &{xn}.to_string())")
            }
            _ => text,
        };
        match old {
            Some(x) => {
                self.vars[x].bound = LIMIT;
                self.vars[x].negz = true;
            }
            None => self.declare(&xn, Ty::Int, false, LIMIT, true),
        }
        let st = Stmt { expr: Expr::tpl(Ty::Unit, "struct pattern", text, kids), semi: true };
        Some(self.finish(&n, ty, init, st))
    }

    /// `e` (an index or a value) wrapped so that it has a side effect Rust orders: a command
    /// that logs it (`rpush(k, "i")`) or an assignment to another variable. Only where
    /// effects are allowed and the order of evaluation is not avoided.
    fn with_effect(&mut self, e: Expr, tag: &str) -> Expr {
        if self.avoid(Avoid::EvalOrder) || !self.effects_ok() || !self.chance(1, 3) {
            return e;
        }
        let ty = e.ty.clone();
        if self.f.can_write && self.chance(2, 3) {
            if let Some(k) = self.key_arg() {
                self.write();
                self.hit("command: lists");
                self.hit("place with effects in index / value");
                return Expr::tpl(ty, "block", format!("{{\n    rpush({k}, \"{tag}\");\n    \u{2}\n}}"), vec![e]);
            }
        }
        let hidden = self.hidden.clone();
        let Some(x) = self.pick_mut_var(|v| v.ty == Ty::Int && Some(&v.name) != hidden.as_ref() && !v.name.contains('.')) else { return e };
        let name = self.vars[x].name.clone();
        self.vars[x].negz = true;
        self.vars[x].bound = self.vars[x].bound.max(1001);
        self.hit("place with effects in index / value");
        // `x` may be read by `e`: Rust assigns first, so `e` sees the new value.
        Expr::tpl(ty, "block", format!("{{\n    {name} = {name} % 1000 + 1;\n    \u{2}\n}}"), vec![e])
    }

    /// A mutable variable whose type satisfies `ok`, or a new one of type `make()` declared
    /// by the statement itself (`let mut n: T = init;` before the assignment): its name, type
    /// and the initialiser of a new one.
    fn target(&mut self, ok: impl Fn(&Ty) -> bool, make: impl FnOnce(&mut Self) -> Option<Ty>, d: usize) -> Option<(String, Ty, Option<Expr>)> {
        if self.chance(2, 3) {
            if let Some(i) = self.pick_mut_var(|v| ok(&v.ty) && !v.name.contains('.')) {
                return Some((self.vars[i].name.clone(), self.vars[i].ty.clone(), None));
            }
        }
        let ty = make(self)?;
        let init = self.operand(|g| g.expr(&ty, d));
        let init = self.typed(init, d);
        let n = self.fresh("m");
        self.hit("let mut");
        Some((n, ty, Some(init)))
    }

    /// The statement for target `n` (see [`Gen::target`]): its `let` first when it is new.
    fn finish(&mut self, n: &str, ty: Ty, init: Option<Expr>, stmt: Stmt) -> Stmt {
        let Some(init) = init else { return stmt };
        let Kind::Tpl { text, mut kids, .. } = stmt.expr.kind else { return stmt };
        kids.insert(0, init);
        let text = format!("let mut {n}: {} = \u{2};\n{text}", ty.rust());
        self.declare(n, ty, true, 0, true);
        Stmt { expr: Expr::tpl(Ty::Unit, "let", text, kids), semi: true }
    }

    /// A scalar element type.
    fn scalar_elem(&mut self) -> Ty {
        match self.rng.weighted(&[5, 1, 1, 2]) {
            0 => Ty::Int,
            1 => Ty::Float,
            2 => Ty::Bool,
            _ => Ty::Str,
        }
    }

    /// A struct type of the program (not a `Copy` one with `Avoid::CopyAliasing`).
    fn some_struct(&mut self, need: impl Fn(&StructDef) -> bool) -> Option<Ty> {
        let avoid_copy = self.avoid(Avoid::CopyAliasing);
        let c: Vec<usize> = (0..self.structs.len()).filter(|&i| !(self.structs[i].copy && avoid_copy) && need(&self.structs[i])).collect();
        if c.is_empty() {
            return None;
        }
        let i = *self.rng.pick(&c);
        Some(Ty::Struct(i, self.structs[i].copy))
    }

    /// An index into the Vec `n` (a place expression's text): usually in bounds, sometimes
    /// at the length (an error reply on both sides), sometimes with an effect. rustc refuses
    /// `v[v.len() / 2] = e` (`v` is borrowed mutably first), so the length is read into a
    /// local by a statement added to `pre`.
    fn place_index(&mut self, n: &str, d: usize, pre: &mut String) -> Expr {
        let i = match self.rng.weighted(&[10, 3, 1]) {
            0 => {
                let ln = self.fresh("ln");
                pre.push_str(&format!("let {ln} = {n}.len();\n"));
                Expr::lit(Ty::Int, format!("{ln} / 2"))
            }
            1 => {
                let i = self.operand(|g| g.int(d.saturating_sub(1), 3));
                self.narrow(i, "usize")
            }
            _ => {
                self.hit("place index out of bounds");
                let ln = self.fresh("ln");
                pre.push_str(&format!("let {ln} = {n}.len();\n"));
                Expr::lit(Ty::Int, ln)
            }
        };
        self.with_effect(i, "i")
    }

    /// The right side of `op` on an integer place.
    fn int_rhs(&mut self, op: &str, d: usize) -> Expr {
        match op {
            "*=" => self.operand(|g| g.int(d, 3)),
            "/=" | "%=" => self.operand(|g| g.nonzero_small(d)),
            "<<=" => Expr::lit(Ty::Int, self.rng.range(0, 3).to_string()),
            ">>=" => Expr::lit(Ty::Int, self.rng.range(0, 60).to_string()),
            "&=" | "|=" | "^=" => self.operand(|g| g.int(d, 1 << 30)),
            _ => self.operand(|g| g.int(d, 1000)),
        }
    }

    /// An operator and a right side for a place of type `t` (`None`: no such assignment).
    fn op_rhs(&mut self, t: &Ty, d: usize) -> Option<(String, Expr)> {
        let (op, e) = match t {
            Ty::Int => {
                let op = *self.rng.pick(INT_OPS);
                let e = self.int_rhs(op, d);
                (op.to_string(), e)
            }
            Ty::Float => {
                let op = *self.rng.pick(&["+=", "-=", "*=", "/=", "="]);
                (op.to_string(), self.operand(|g| g.float(d)))
            }
            Ty::Bool => {
                let op = *self.rng.pick(&["&=", "|=", "^=", "="]);
                (op.to_string(), self.operand(|g| g.bool(d)))
            }
            Ty::Str if self.chance(1, 2) => {
                let s = self.operand(|g| g.str_place(d));
                // `+= &s`: a method call in Rust, the place first.
                let e = Expr::tpl(Ty::Str, "ref", "&\u{1}", vec![s]);
                ("+=".to_string(), e)
            }
            t if *t != Ty::Key && !matches!(t, Ty::Res(_) | Ty::Unit) => {
                let t = t.clone();
                ("=".to_string(), self.operand(|g| g.expr(&t, d)))
            }
            _ => return None,
        };
        if op != "=" {
            self.hit("compound assignment");
        }
        Some((op, e))
    }

    fn assign(&mut self, pre: &str, place: String, op: &str, mut kids: Vec<Expr>, value: Expr, construct: &'static str) -> Stmt {
        self.hit(construct);
        let value = self.with_effect(value, "v");
        kids.push(value);
        Stmt { expr: Expr::tpl(Ty::Unit, "assign", format!("{pre}{place} {op} \u{2}"), kids), semi: true }
    }

    /// `v[i] op= e` on a Vec of scalars (every operator of the element type).
    fn vec_elem_assign(&mut self, d: usize) -> Option<Stmt> {
        let mut pre = String::new();
        let ok = |t: &Ty| matches!(t, Ty::Vec(e) if matches!(**e, Ty::Int | Ty::Float | Ty::Bool | Ty::Str));
        let (n, ty, init) = self.target(ok, |g| Some(Ty::vec(g.scalar_elem())), d)?;
        let Ty::Vec(et) = ty.clone() else { return None };
        self.hidden = Some(n.clone());
        let idx = self.place_index(&n, d, &mut pre);
        let rhs = self.op_rhs(&et, d);
        self.hidden = None;
        let (op, e) = rhs?;
        let st = self.assign(&pre, format!("{n}[\u{2}]"), &op, vec![idx], e, "v[i] op= e");
        Some(self.finish(&n, ty, init, st))
    }

    /// `v[i].x = e` (or `op=`) on a Vec of structs, `Copy` or not.
    fn vec_struct_field_assign(&mut self, d: usize) -> Option<Stmt> {
        let mut pre = String::new();
        let avoid_copy = self.avoid(Avoid::CopyAliasing);
        let ok = move |t: &Ty| matches!(t, Ty::Vec(e) if matches!(**e, Ty::Struct(_, c) if !(c && avoid_copy)));
        let (n, ty, init) = self.target(ok, |g| g.some_struct(|_| true).map(Ty::vec), d)?;
        let Ty::Vec(et) = ty.clone() else { return None };
        let Ty::Struct(si, _) = *et else { return None };
        let (f, ft) = self.rng.pick(&self.structs[si].fields.clone()).clone();
        self.hidden = Some(n.clone());
        let idx = self.place_index(&n, d, &mut pre);
        let rhs = self.op_rhs(&ft, d);
        self.hidden = None;
        let (op, e) = rhs?;
        self.hit("struct field write");
        let st = self.assign(&pre, format!("{n}[\u{2}].{f}"), &op, vec![idx], e, "v[i].x = e");
        Some(self.finish(&n, ty, init, st))
    }

    /// `t.0 = e` / `t.1 op= e` on a `let mut` tuple.
    fn tuple_field_assign(&mut self, d: usize) -> Option<Stmt> {
        let pre = String::new();
        let make = |g: &mut Self| {
            let n = 2 + g.rng.below(2);
            Some(Ty::Tuple((0..n).map(|_| g.value_ty(0)).collect()))
        };
        let (n, ty, init) = self.target(|t| matches!(t, Ty::Tuple(_)), make, d)?;
        let Ty::Tuple(ts) = ty.clone() else { return None };
        let j = self.rng.below(ts.len());
        self.hidden = Some(n.clone());
        let rhs = self.op_rhs(&ts[j], d);
        self.hidden = None;
        let (op, e) = rhs?;
        let st = self.assign(&pre, format!("{n}.{j}"), &op, vec![], e, "t.0 = e");
        Some(self.finish(&n, ty, init, st))
    }

    /// `s.items[i] = e` on a struct variable with a Vec field.
    fn struct_vec_field_assign(&mut self, d: usize) -> Option<Stmt> {
        let mut pre = String::new();
        let avoid_copy = self.avoid(Avoid::CopyAliasing);
        let structs = self.structs.clone();
        let has_vec = move |t: &Ty| matches!(t, Ty::Struct(si, c) if !(*c && avoid_copy) && structs[*si].fields.iter().any(|(_, ft)| matches!(ft, Ty::Vec(_))));
        let (n, ty, init) = self.target(has_vec, |g| g.some_struct(|s| s.fields.iter().any(|(_, ft)| matches!(ft, Ty::Vec(_)))), d)?;
        let Ty::Struct(si, _) = ty.clone() else { return None };
        let vecs: Vec<(String, Ty)> = self.structs[si].fields.iter().filter(|(_, t)| matches!(t, Ty::Vec(_))).cloned().collect();
        let (f, Ty::Vec(et)) = self.rng.pick(&vecs).clone() else { return None };
        let place = format!("{n}.{f}");
        self.hidden = Some(n.clone());
        let idx = self.place_index(&place, d, &mut pre);
        let rhs = self.op_rhs(&et, d);
        self.hidden = None;
        let (op, e) = rhs?;
        let st = self.assign(&pre, format!("{place}[\u{2}]"), &op, vec![idx], e, "s.items[i] = e");
        Some(self.finish(&n, ty, init, st))
    }

    /// `g[i][j] op= e` on a Vec of Vecs.
    fn grid_assign(&mut self, d: usize) -> Option<Stmt> {
        let mut pre = String::new();
        let i = self.pick_mut_var(|v| matches!(&v.ty, Ty::Vec(t) if matches!(&**t, Ty::Vec(e) if matches!(**e, Ty::Int | Ty::Str | Ty::Bool | Ty::Float))));
        let Some(i) = i else {
            // Build one: `let mut g: Vec<Vec<i64>> = vec![vec![..], ..];` then assign.
            return self.grid_block(d);
        };
        let (n, Ty::Vec(row)) = (self.vars[i].name.clone(), self.vars[i].ty.clone()) else { return None };
        let Ty::Vec(et) = *row else { return None };
        self.hidden = Some(n.clone());
        let a = self.place_index(&n, d, &mut pre);
        let b = self.operand(|g| g.int(d.saturating_sub(1), 2));
        let b = self.narrow(b, "usize");
        let b = self.with_effect(b, "j");
        let rhs = self.op_rhs(&et, d);
        self.hidden = None;
        let (op, e) = rhs?;
        Some(self.assign(&pre, format!("{n}[\u{2}][\u{2}]"), &op, vec![a, b], e, "g[i][j] = e"))
    }

    /// A new grid variable assigned through two indices.
    fn grid_block(&mut self, d: usize) -> Option<Stmt> {
        let g = self.fresh("g");
        let rows = self.rng.range(0, 3);
        let cols = self.rng.range(1, 3);
        let init = self.operand(|g| g.int(d.saturating_sub(1), 1000));
        let a = self.operand(|g| g.int(d.saturating_sub(1), 3));
        let a = self.narrow(a, "usize");
        let a = self.with_effect(a, "i");
        let b = self.operand(|g| g.int(d.saturating_sub(1), 2));
        let b = self.narrow(b, "usize");
        let b = self.with_effect(b, "j");
        let op = *self.rng.pick(INT_OPS);
        let e = self.int_rhs(op, d);
        let e = self.with_effect(e, "v");
        self.hit("g[i][j] = e");
        self.hit("vec![x; n]");
        self.hit("let mut");
        let text = format!("let mut {g}: Vec<Vec<i64>> = vec![vec![\u{4}; {cols}]; {rows}];\n{g}[\u{2}][\u{2}] {op} \u{2}");
        self.declare(&g, Ty::vec(Ty::vec(Ty::Int)), true, 0, true);
        Some(Stmt { expr: Expr::tpl(Ty::Unit, "let", text, vec![init, a, b, e]), semi: true })
    }

    /// `*map.get_mut(&k).unwrap() op= e` (also `.expect(..)`) and
    /// `*map.entry(k).or_insert(d) op= e`.
    fn map_place_assign(&mut self, d: usize) -> Option<Stmt> {
        let pre = String::new();
        let make = |g: &mut Self| Some(Ty::map(if g.chance(2, 3) { Ty::Int } else { g.scalar_elem() }));
        let (n, ty, init) = self.target(|t| matches!(t, Ty::Map(_)), make, d)?;
        let Ty::Map(et) = ty.clone() else { return None };
        self.hidden = Some(n.clone());
        let k = self.operand(|g| g.str_place(d));
        let rhs = match &*et {
            // Strings: `=` only (`+=` is a method call in Rust, ordered otherwise).
            Ty::Str => Some(("=".to_string(), self.operand(|g| g.string(d)))),
            t => self.op_rhs(t, d),
        };
        // `get_mut` of a key the map may not hold panics: less often.
        let entry = self.chance(2, 3);
        let dflt = if entry { Some(self.operand(|g| g.expr(&et, d))) } else { None };
        self.hidden = None;
        let (op, e) = rhs?;
        let st = if let Some(dflt) = dflt {
            let k = Expr::call(Ty::Str, "to_string", "\u{3}.to_string()", vec![k]);
            let k = self.with_effect(k, "k");
            let dflt = self.with_effect(dflt, "d");
            self.hit("entry().or_insert");
            self.assign(&pre, format!("*{n}.entry(\u{2}).or_insert(\u{4})"), &op, vec![k, dflt], e, "*map.entry(k).or_insert(d) op= e")
        } else {
            let k = self.with_effect(k, "k");
            let get = if self.chance(1, 2) { ".unwrap()".to_string() } else { format!(".expect({})", str_lit("no such key")) };
            self.assign(&pre, format!("*{n}.get_mut(&\u{1}){get}"), &op, vec![k], e, "*map.get_mut(&k).unwrap() op= e")
        };
        Some(self.finish(&n, ty, init, st))
    }

    /// `s.a.x = e` on a struct variable whose field is a struct; without one, `s.0.x = e` of
    /// a tuple holding a struct built here.
    fn nested_struct_assign(&mut self, d: usize) -> Option<Stmt> {
        let pre = String::new();
        let avoid_copy = self.avoid(Avoid::CopyAliasing);
        let structs = self.structs.clone();
        let nested = |t: &Ty| matches!(t, Ty::Struct(si, c) if !(*c && avoid_copy) && structs[*si].fields.iter().any(|(_, ft)| matches!(ft, Ty::Struct(..))));
        if let Some(i) = self.pick_mut_var(|v| nested(&v.ty)) {
            let (n, Ty::Struct(si, _)) = (self.vars[i].name.clone(), self.vars[i].ty.clone()) else { return None };
            let inner: Vec<(String, Ty)> = self.structs[si].fields.iter().filter(|(_, t)| matches!(t, Ty::Struct(..))).cloned().collect();
            let (a, Ty::Struct(sj, _)) = self.rng.pick(&inner).clone() else { return None };
            let (x, xt) = self.rng.pick(&self.structs[sj].fields.clone()).clone();
            self.hidden = Some(n.clone());
            let rhs = self.op_rhs(&xt, d);
            self.hidden = None;
            let (op, e) = rhs?;
            self.hit("struct field write");
            return Some(self.assign(&pre, format!("{n}.{a}.{x}"), &op, vec![], e, "s.a.x = e"));
        }
        // A tuple of a struct and an integer: `t.0.x = e`.
        let cands: Vec<usize> = (0..self.structs.len()).filter(|&s| !(self.structs[s].copy && avoid_copy)).collect();
        if cands.is_empty() {
            return None;
        }
        let si = *self.rng.pick(&cands);
        let copy = self.structs[si].copy;
        let s = self.operand(|g| g.structv(si, d));
        let (x, xt) = self.rng.pick(&self.structs[si].fields.clone()).clone();
        let (op, e) = self.op_rhs(&xt, d)?;
        let e = self.with_effect(e, "v");
        let t = self.fresh("t");
        let ty = Ty::Tuple(vec![Ty::Struct(si, copy), Ty::Int]);
        self.hit("s.a.x = e");
        self.hit("let mut");
        self.hit("struct field write");
        let text = format!("let mut {t}: {} = (\u{2}, 0);\n{t}.0.{x} {op} \u{2}", ty.rust());
        self.declare(&t, ty, true, 0, true);
        Some(Stmt { expr: Expr::tpl(Ty::Unit, "let", text, vec![s, e]), semi: true })
    }

    // ---------------------------------------------------------------------------------
    // Slices

    /// The range of a slice of the Vec named by `n`: in range most of the time, sometimes
    /// past the end or reversed (Rust panics; the Lua raises an error).
    fn slice_range(&mut self, n: &str) -> String {
        let out = self.chance(1, 8);
        if out {
            self.hit("slice out of range");
            return match self.rng.below(3) {
                0 => format!("{n}.len() + 1.."),
                1 => format!("..{n}.len() + 1"),
                _ => format!("{n}.len()..{n}.len() / 2"),
            };
        }
        let a = self.rng.range(0, 2);
        match self.rng.below(5) {
            0 => format!("{a}..{n}.len()"),
            1 => format!("{a}.."),
            2 => format!("..{n}.len() / 2"),
            3 => format!("{n}.len() / 2..={n}.len() / 2"),
            _ => format!("{n}.len() / 2.."),
        }
    }

    /// A Vec from a slice of a Vec variable: `v[a..b].to_vec()`, `(&v[..b]).to_vec()` or
    /// the slice iterated.
    pub(super) fn slice_vec(&mut self, t: &Ty, d: usize) -> Option<Expr> {
        let ty = Ty::vec(t.clone());
        let i = self.pick_var(&ty, |v| !v.name.contains('.'))?;
        let n = self.place_var(i);
        let name = self.vars[i].name.trim_start_matches('*').to_string();
        let r = self.slice_range(&name);
        self.hit("&v[a..b]");
        // `.cloned()` in chains takes numbers, strings and bools.
        let scalar = matches!(t, Ty::Int | Ty::Float | Ty::Bool | Ty::Str);
        let text = match self.rng.below(if scalar { 3 } else { 2 }) {
            0 => {
                self.hit("slice .to_vec()");
                format!("\u{3}[{r}].to_vec()")
            }
            1 => {
                let s = self.fresh("s");
                self.hit("slice .to_vec()");
                format!("{{\n    let {s} = &\u{3}[{r}];\n    {s}.to_vec()\n}}")
            }
            _ => {
                let c = if t.is_copy() { "copied" } else { "cloned" };
                self.hit("iterate a slice");
                self.hit("collect into Vec");
                let v = self.fresh("c");
                format!("{{\n    let {v}: Vec<{}> = \u{3}[{r}].iter().{c}().collect();\n    {v}\n}}", t.rust())
            }
        };
        let _ = d;
        Some(Expr::tpl(ty, "slice", text, vec![n]))
    }

    /// An integer read from a slice: its `len()`, a `for` sum over it, or an element.
    pub(super) fn slice_int(&mut self, d: usize) -> Option<Expr> {
        let i = self.pick_var(&Ty::vec(Ty::Int), |v| !v.name.contains('.'))?;
        let n = self.place_var(i);
        let name = self.vars[i].name.trim_start_matches('*').to_string();
        let r = self.slice_range(&name);
        self.hit("&v[a..b]");
        let _ = d;
        let text = match self.rng.below(3) {
            0 => format!("(&\u{3}[{r}]).len() as i64"),
            1 => {
                let (s, acc, x) = (self.fresh("s"), self.fresh("acc"), self.fresh("x"));
                self.hit("iterate a slice");
                format!("{{\n    let {s} = &\u{3}[{r}];\n    let mut {acc}: i64 = 0;\n    for {x} in {s} {{\n        {acc} = ({acc} + *{x}) % 1000000;\n    }}\n    {acc}\n}}")
            }
            _ => {
                let s = self.fresh("s");
                format!("{{\n    let {s} = &\u{3}[{r}];\n    {s}[0] % 1000000\n}}")
            }
        };
        Some(Expr::tpl(Ty::Int, "slice", text, vec![n]))
    }
}
