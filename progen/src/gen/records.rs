//! Records (`#[derive(Record)]`: structs as Redis hashes) and JSON (`#[derive(Json)]`).
//!
//! Struct definitions with the derives (record fields of the scalar types and their
//! `Option`s; JSON fields also `Vec`, `HashMap<String, T>` and nested JSON structs),
//! `hset_record` of a built or changed record and `hgetall_as` back, plain `HSET` / `HDEL`
//! of a record's fields with texts that are sometimes not of the field's type (the
//! rejection names the field), `json_encode` of built values and `json_decode` of texts:
//! parameters (JSON texts from [`json_text`], valid as `serde_json` writes them or
//! damaged), strings the program wrote with `SET`, and round trips. The values then go
//! through the rest of the program as any struct does (fields read and written, `==`,
//! `Vec`s, replies).

use super::*;
use crate::inputs::{float_value, int_value, str_value};

/// The name prefix of a `String` parameter whose inputs are JSON texts for struct `i`:
/// `j<n>_s<i>`.
pub const JSON_PARAM: &str = "j";

/// The struct a JSON text parameter is meant for (`j0_s2` → 2).
pub fn json_param_struct(name: &str) -> Option<usize> {
    let rest = name.strip_prefix(JSON_PARAM)?;
    let (n, s) = rest.split_once("_s")?;
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// The field names of the generated structs (records' hash fields), for the initial
/// keyspace.
pub const STRUCT_FIELDS: &[&str] = FIELDS;

/// Texts for a record's fields written by plain `HSET`: some read as the field's type,
/// some do not.
const FIELD_TEXTS: &[&str] = &["0", "1", "-1", "7", "+7", "007", "-0", "1.5", "-2.5", "1e3", "true", "false", "", "x", " 1", "9007199254740991", "9007199254740992", "-9007199254740992", "NaN", "inf", "-inf", "0x10", "é"];

impl<'c> Gen<'c> {
    /// A struct definition deriving `Record` and / or `Json`, or `None` for a plain one.
    pub(super) fn derived_struct_def(&mut self) -> Option<StructDef> {
        match self.rng.weighted(&[4, 3, 3]) {
            0 => None,
            1 => Some(self.record_struct_def()),
            _ => Some(self.json_struct_def()),
        }
    }

    fn record_field_ty(&mut self) -> Ty {
        match self.rng.weighted(&[5, 2, 2, 4, 4]) {
            0 => Ty::Int,
            1 => Ty::Float,
            2 => Ty::Bool,
            3 => Ty::Str,
            _ => Ty::opt(self.scalar_ty()),
        }
    }

    fn record_struct_def(&mut self) -> StructDef {
        let n = 1 + self.rng.below(4);
        let mut names: Vec<&str> = FIELDS.to_vec();
        let mut fields = Vec::new();
        for _ in 0..n {
            let f = names.remove(self.rng.below(names.len()));
            let t = self.record_field_ty();
            fields.push((f.to_string(), t));
        }
        let copy = fields.iter().all(|(_, t)| t.is_copy()) && self.chance(1, 3);
        let json = self.chance(1, 3);
        self.hit("derive(Record)");
        if json {
            self.hit("derive(Json)");
        }
        StructDef { fields, copy, record: true, json }
    }

    fn json_struct_def(&mut self) -> StructDef {
        let nested: Vec<usize> = (0..self.structs.len()).filter(|&i| self.structs[i].json).collect();
        let n = 1 + self.rng.below(4);
        let mut names: Vec<&str> = FIELDS.to_vec();
        let mut fields = Vec::new();
        for _ in 0..n {
            let f = names.remove(self.rng.below(names.len()));
            let w = [5, 2, 2, 4, 3, 3, 2, if nested.is_empty() { 0 } else { 4 }, if nested.is_empty() { 0 } else { 2 }];
            let t = match self.rng.weighted(&w) {
                0 => Ty::Int,
                1 => Ty::Float,
                2 => Ty::Bool,
                3 => Ty::Str,
                4 => Ty::opt(self.scalar_ty()),
                5 => Ty::vec(self.scalar_ty()),
                6 => Ty::map(self.scalar_ty()),
                7 => {
                    let j = *self.rng.pick(&nested);
                    let s = Ty::Struct(j, self.structs[j].copy);
                    if self.chance(1, 2) {
                        Ty::opt(s)
                    } else {
                        s
                    }
                }
                _ => {
                    let j = *self.rng.pick(&nested);
                    Ty::vec(Ty::Struct(j, self.structs[j].copy))
                }
            };
            fields.push((f.to_string(), t));
        }
        let copy = fields.iter().all(|(_, t)| t.is_copy()) && self.chance(1, 3);
        let record = fields.iter().all(|(_, t)| record_ok(t)) && self.chance(1, 3);
        self.hit("derive(Json)");
        if record {
            self.hit("derive(Record)");
        }
        if fields.iter().any(|(_, t)| t.has_struct()) {
            self.hit("nested Json struct");
        }
        StructDef { fields, copy, record, json: true }
    }

    /// A `String` parameter of the redis function whose inputs are JSON texts for one of
    /// the JSON structs (named `j<n>_s<i>`, see [`json_text`]).
    pub(super) fn json_params(&mut self, params: &mut Vec<Param>) {
        let js: Vec<usize> = (0..self.structs.len()).filter(|&i| self.structs[i].json).collect();
        if js.is_empty() || !self.chance(2, 3) {
            return;
        }
        for n in 0..1 + self.rng.below(2) {
            let i = *self.rng.pick(&js);
            params.push(Param { name: format!("{JSON_PARAM}{n}_s{i}"), ty: Ty::Str, mutable: false, by_ref: false });
        }
    }

    /// `?` may be used here: a function returning `Result<_, Reject>`, outside closures.
    fn can_try(&self) -> bool {
        matches!(self.f.ret, Ty::Res(_)) && self.f.closure_floor.is_none() && !(self.f.effect_floor.is_some() && self.avoid(Avoid::EvalOrder))
    }

    /// A command may be sent here.
    fn can_command(&self) -> bool {
        self.effects_ok() && !self.keys().is_empty()
    }

    /// Sometimes, a production of records and JSON giving a value of `ty`.
    pub(super) fn records_expr(&mut self, ty: &Ty, d: usize) -> Option<Expr> {
        if d == 0 || self.structs.is_empty() {
            return None;
        }
        match ty {
            Ty::Opt(t) => match **t {
                Ty::Struct(i, _) if self.structs[i].record && self.chance(1, 2) => self.hgetall_as(i),
                _ if self.chance(1, 4) => self.derived_field(ty),
                _ => None,
            },
            Ty::Struct(i, _) => {
                let (record, json) = (self.structs[*i].record, self.structs[*i].json);
                if !self.chance(1, 3) {
                    return None;
                }
                if record && (!json || self.chance(1, 2)) {
                    let o = self.hgetall_as(*i)?;
                    let dflt = self.operand(|g| g.structv(*i, d - 1));
                    self.hit(".unwrap_or");
                    Some(Expr::call(ty.clone(), "unwrap_or", "\u{3}.unwrap_or(\u{2})", vec![o, dflt]))
                } else if json {
                    self.json_decode(*i, d)
                } else {
                    None
                }
            }
            Ty::Str if self.chance(1, 10) => self.json_encode_expr(d),
            Ty::Int | Ty::Float | Ty::Bool | Ty::Str | Ty::Vec(_) if self.chance(1, 4) => self.derived_field(ty),
            _ => None,
        }
    }

    /// A field of a record or JSON struct in a variable, nested ones included (`r.meta.x`).
    fn derived_field(&mut self, ty: &Ty) -> Option<Expr> {
        let mut cands: Vec<(usize, String)> = Vec::new();
        for v in self.visible() {
            let Ty::Struct(i, _) = self.vars[v].ty else { continue };
            if !(self.structs[i].record || self.structs[i].json) {
                continue;
            }
            for (f, t) in &self.structs[i].fields {
                if t == ty {
                    cands.push((v, format!(".{f}")));
                }
                if let Ty::Struct(j, _) = t {
                    for (g, u) in &self.structs[*j].fields {
                        if u == ty {
                            cands.push((v, format!(".{f}.{g}")));
                        }
                    }
                }
            }
        }
        if cands.is_empty() {
            return None;
        }
        let (v, path) = self.rng.pick(&cands).clone();
        let place = self.place_var(v);
        let clone = if ty.is_copy() { "" } else { ".clone()" };
        self.hit("struct field read");
        Some(Expr::tpl(ty.clone(), "field", format!("\u{3}{path}{clone}"), vec![place]))
    }

    /// `hgetall_as::<S>(&k)?`: an `Option<S>`.
    fn hgetall_as(&mut self, i: usize) -> Option<Expr> {
        if !self.can_try() || !self.can_command() {
            return None;
        }
        let k = self.key_arg()?;
        self.hit("hgetall_as");
        let ty = Ty::opt(Ty::Struct(i, self.structs[i].copy));
        Some(self.cmd(ty, "command: hashes", format!("hgetall_as::<{}>({k})?", struct_name(i)), vec![]))
    }

    /// `json_decode::<S>(&text)?` of a parameter, a string the program wrote, the text of
    /// a value encoded here, or any string.
    fn json_decode(&mut self, i: usize, d: usize) -> Option<Expr> {
        if !self.can_try() {
            return None;
        }
        let ty = Ty::Struct(i, self.structs[i].copy);
        let params: Vec<usize> = self.visible().into_iter().filter(|&v| self.vars[v].ty == Ty::Str && json_param_struct(&self.vars[v].name).is_some()).collect();
        let own: Vec<usize> = params.iter().copied().filter(|&v| json_param_struct(&self.vars[v].name) == Some(i)).collect();
        let w = [if own.is_empty() { 0 } else { 8 }, if params.is_empty() { 0 } else { 1 }, if self.can_command() { 3 } else { 0 }, 3, 1];
        let text = match self.rng.weighted(&w) {
            0 | 1 => {
                let v = *self.rng.pick(if own.is_empty() { &params } else { &own });
                self.hit("json_decode of a parameter");
                self.place_var(v)
            }
            2 => {
                let k = self.key_arg()?;
                self.hit("json_decode of GET");
                self.cmd(Ty::Str, "command: strings", format!("get::<String>({k}).unwrap_or_default()"), vec![])
            }
            3 => {
                // A round trip: the text of a value of this type (or, rarely, another).
                let t = if self.chance(4, 5) { ty.clone() } else { self.json_ty(1) };
                let v = self.operand(|g| g.place(&t, d - 1));
                self.hit("json round trip");
                self.hit("json_encode");
                Expr::call(Ty::Str, "json_encode", "json_encode(&\u{3})", vec![v])
            }
            _ => self.operand(|g| g.string(d - 1)),
        };
        self.hit("json_decode");
        Some(Expr::call(ty, "json_decode", format!("json_decode::<{}>(&\u{1})?", struct_name(i)), vec![text]))
    }

    /// A type `json_encode` takes.
    fn json_ty(&mut self, depth: usize) -> Ty {
        let js: Vec<usize> = (0..self.structs.len()).filter(|&i| self.structs[i].json).collect();
        let w = [3, 2, 1, 2, if js.is_empty() { 0 } else { 6 }, if depth > 0 { 2 } else { 0 }, if depth > 0 { 1 } else { 0 }, if depth > 0 { 1 } else { 0 }];
        match self.rng.weighted(&w) {
            0 => Ty::Int,
            1 => Ty::Float,
            2 => Ty::Bool,
            3 => Ty::Str,
            4 => {
                let i = *self.rng.pick(&js);
                Ty::Struct(i, self.structs[i].copy)
            }
            // No `Option` in a `Vec` or a map (refused: a Lua table cannot hold `None`).
            5 => Ty::vec(self.json_ty(0)),
            6 => Ty::map(self.json_ty(0)),
            _ => {
                let t = self.json_ty(0);
                Ty::opt(t)
            }
        }
    }

    /// `json_encode(&v)`.
    fn json_encode_expr(&mut self, d: usize) -> Option<Expr> {
        let t = self.json_ty(1);
        let v = self.operand(|g| g.place(&t, d - 1));
        self.hit("json_encode");
        // The receiver hole pins integer literals to `i64` (rustc would make `json_encode(&(1 >> 60))` an
        // `i32` and panic on the shift where the Lua does not).
        Some(Expr::call(Ty::Str, "json_encode", "json_encode(&\u{3})", vec![v]))
    }

    /// A record or JSON statement: `hset_record`, a plain `HSET` / `HDEL` of a record's
    /// field, `SET` of a JSON text.
    pub(super) fn records_stmt(&mut self, d: usize) -> Option<Stmt> {
        let records: Vec<usize> = (0..self.structs.len()).filter(|&i| self.structs[i].record).collect();
        let jsons: Vec<usize> = (0..self.structs.len()).filter(|&i| self.structs[i].json).collect();
        let write = self.f.can_write && self.can_command();
        let w = [
            if records.is_empty() || !write { 0 } else { 4 },
            if records.is_empty() || !write { 0 } else { 4 },
            if write { 2 } else { 0 },
            if records.is_empty() || !self.can_try() || !self.can_command() { 0 } else { 5 },
            if jsons.is_empty() || !self.can_try() { 0 } else { 5 },
        ];
        if w.iter().all(|&x| x == 0) {
            return None;
        }
        let d = d.saturating_sub(1);
        let e = match self.rng.weighted(&w) {
            0 => {
                let i = *self.rng.pick(&records);
                let ty = Ty::Struct(i, self.structs[i].copy);
                let v = self.operand(|g| g.place(&ty, d));
                let k = self.key_arg()?;
                self.write();
                self.hit("hset_record");
                self.cmd(Ty::Unit, "command: hashes", format!("hset_record({k}, &\u{1})"), vec![v])
            }
            1 => {
                let i = *self.rng.pick(&records);
                let fields = self.structs[i].fields.clone();
                let (f, ft) = self.rng.pick(&fields).clone();
                let k = self.key_arg()?;
                self.write();
                self.hit("HSET of a record's field");
                if self.chance(1, 6) {
                    self.cmd(Ty::Unit, "command: hashes", format!("hdel({k}, {})", str_lit(&f)), vec![])
                } else {
                    let (h, kids) = self.field_text(&ft, d);
                    self.cmd(Ty::Unit, "command: hashes", format!("hset({k}, {}, {h})", str_lit(&f)), kids)
                }
            }
            2 => {
                let t = self.json_ty(1);
                let v = self.operand(|g| g.place(&t, d));
                let k = self.key_arg()?;
                self.write();
                self.hit("json_encode");
                self.cmd(Ty::Unit, "command: strings", format!("set({k}, &json_encode(&\u{3}))"), vec![v])
            }
            n => {
                // `let r: Option<S> = hgetall_as::<S>(&k)?;` or `let r = json_decode::<S>(..)?;`
                let (e, ty) = if n == 3 {
                    let i = *self.rng.pick(&records);
                    (self.hgetall_as(i)?, Ty::opt(Ty::Struct(i, self.structs[i].copy)))
                } else {
                    let i = *self.rng.pick(&jsons);
                    (self.json_decode(i, d.max(1))?, Ty::Struct(i, self.structs[i].copy))
                };
                let mutable = self.chance(1, 3);
                let name = self.new_name();
                self.hit("let");
                let mk = if mutable { "mut " } else { "" };
                let annot = if self.chance(1, 2) { format!(": {}", ty.rust()) } else { String::new() };
                self.declare(&name, ty, mutable, 0, false);
                Expr::tpl(Ty::Unit, "let", format!("let {mk}{name}{annot} = \u{2}"), vec![e])
            }
        };
        Some(Stmt { expr: e, semi: true })
    }

    /// The return type of the redis function: more often a `Result` (for `?`) when it
    /// has records or JSON texts to read.
    pub(super) fn records_ret(&mut self, ret: Ty, params: &[Param]) -> Ty {
        let reads = params.iter().any(|p| json_param_struct(&p.name).is_some()) || self.structs.iter().any(|s| s.record);
        if reads && !matches!(ret, Ty::Res(_)) && self.chance(1, 2) {
            self.hit("type Result<_, Reject>");
            Ty::Res(Box::new(ret))
        } else {
            ret
        }
    }

    /// The value of a plain `HSET` of a record's field of type `t`: a value of the type,
    /// or a text that may not read as one.
    fn field_text(&mut self, t: &Ty, d: usize) -> (String, Vec<Expr>) {
        let base = match t {
            Ty::Opt(t) => (**t).clone(),
            t => t.clone(),
        };
        match self.rng.weighted(&[3, 3, 1]) {
            0 => (str_lit(*self.rng.pick(FIELD_TEXTS)), vec![]),
            1 => match base {
                Ty::Int => ("\u{2}".into(), vec![self.int_arg(d, LIMIT)]),
                Ty::Float => ("\u{2}".into(), vec![self.operand(|g| g.float(d))]),
                Ty::Bool => (str_lit(if self.chance(1, 2) { "1" } else { "0" }), vec![]),
                _ => ("&\u{1}".into(), vec![self.operand(|g| g.str_place(d))]),
            },
            _ => self.value_arg(d),
        }
    }
}

/// A field type a record holds.
fn record_ok(t: &Ty) -> bool {
    match t {
        Ty::Int | Ty::Float | Ty::Bool | Ty::Str => true,
        Ty::Opt(t) => matches!(**t, Ty::Int | Ty::Float | Ty::Bool | Ty::Str),
        _ => false,
    }
}

// -------------------------------------------------------------------------------------
// JSON texts for parameters

/// A damage to a JSON text.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Damage {
    None,
    TrailingComma,
    BigInt,
    Duplicate,
    WrongType,
    Missing,
    Deep,
    Escape,
    Truncate,
}

struct Writer<'a> {
    rng: &'a mut Rng,
    structs: &'a [StructDef],
    damage: Damage,
    /// The damage is still to be done.
    pending: bool,
    out: String,
}

/// A JSON text for struct `i` of `structs`: half of the time valid and exactly as
/// `serde_json` writes it (fields in declaration order, no spaces), else damaged: a
/// trailing comma, an integer past 2^53 or not in integer syntax, a field given twice, a
/// value of the wrong type, a field missing, nesting at the depth limit, escapes (lone
/// surrogates among them), or the text cut short.
pub fn json_text(rng: &mut Rng, structs: &[StructDef], i: usize) -> String {
    if i >= structs.len() {
        return "{}".into();
    }
    let damage = match rng.weighted(&[10, 1, 2, 1, 2, 2, 1, 2, 1]) {
        0 => Damage::None,
        1 => Damage::TrailingComma,
        2 => Damage::BigInt,
        3 => Damage::Duplicate,
        4 => Damage::WrongType,
        5 => Damage::Missing,
        6 => Damage::Deep,
        7 => Damage::Escape,
        _ => Damage::Truncate,
    };
    let mut w = Writer { rng, structs, damage, pending: damage != Damage::None, out: String::new() };
    w.strukt(i, 1);
    let mut out = std::mem::take(&mut w.out);
    if w.damage == Damage::Truncate && !out.is_empty() {
        let cut = w.rng.below(out.len());
        while !out.is_char_boundary(cut.min(out.len())) {
            out.pop();
        }
        out.truncate(cut.min(out.len()));
    }
    out
}

impl Writer<'_> {
    /// Takes the pending damage of kind `k` at this point, sometimes.
    fn take(&mut self, k: Damage) -> bool {
        if self.pending && self.damage == k && self.rng.chance(1, 2) {
            self.pending = false;
            return true;
        }
        false
    }

    fn strukt(&mut self, i: usize, depth: usize) {
        let fields = self.structs[i].fields.clone();
        let mut members: Vec<(String, Ty)> = fields;
        if members.len() > 1 && self.take(Damage::Missing) {
            let at = self.rng.below(members.len());
            members.remove(at);
        }
        if self.take(Damage::Duplicate) {
            let at = self.rng.below(members.len());
            let m = members[at].clone();
            members.push(m);
        }
        self.out.push('{');
        for (n, (f, t)) in members.iter().enumerate() {
            if n > 0 {
                self.out.push(',');
            }
            redlua::json::write_str(&mut self.out, f);
            self.out.push(':');
            self.value(t, depth + 1);
        }
        if depth == 1 && (self.rng.chance(1, 8) || self.damage == Damage::Deep && self.pending) {
            // A member the struct does not name: ignored, unless nested past the limit.
            if !members.is_empty() {
                self.out.push(',');
            }
            self.out.push_str("\"zz\":");
            if self.damage == Damage::Deep && self.pending {
                self.pending = false;
                let n = *self.rng.pick(&[125, 126, 127]);
                self.out.push_str(&"[".repeat(n));
                self.out.push_str(&"]".repeat(n));
            } else {
                self.out.push_str("{\"a\":[1,2.5,null,\"x\"]}");
            }
        }
        if self.take(Damage::TrailingComma) {
            self.out.push(',');
        }
        self.out.push('}');
    }

    fn value(&mut self, t: &Ty, depth: usize) {
        if self.take(Damage::WrongType) {
            let wrong = match t {
                Ty::Int => *self.rng.pick(&["\"1\"", "true", "1.5", "null", "[]"]),
                Ty::Float => *self.rng.pick(&["\"1.5\"", "false", "null", "{}"]),
                Ty::Bool => *self.rng.pick(&["1", "\"true\"", "null"]),
                Ty::Str => *self.rng.pick(&["1", "null", "[\"a\"]", "false"]),
                Ty::Opt(_) => *self.rng.pick(&["[]", "\"x\"", "{}", "0"]),
                _ => *self.rng.pick(&["{}", "[]", "null", "1", "\"a\""]),
            };
            self.out.push_str(wrong);
            return;
        }
        match t {
            Ty::Int => {
                if self.take(Damage::BigInt) {
                    let s = *self.rng.pick(&["9007199254740992", "-9007199254740992", "18446744073709551616", "1e2", "1.0", "-0", "01", "9007199254740991", "-9007199254740991"]);
                    self.out.push_str(s);
                } else {
                    self.out.push_str(&int_value(self.rng).to_string());
                }
            }
            Ty::Float => {
                let x = float_value(self.rng);
                // NaN and the infinities are written `null`: not an f64 (a rejection).
                let x = if x.is_finite() || self.rng.chance(1, 4) { x } else { 0.25 };
                self.out.push_str(&redlua::json::json_encode(&x));
            }
            Ty::Bool => self.out.push_str(if self.rng.chance(1, 2) { "true" } else { "false" }),
            Ty::Str => {
                if self.take(Damage::Escape) || self.damage == Damage::Escape && self.rng.chance(1, 4) {
                    let pieces = ["a", "\\u00e9", "\\/", "\\ud83d\\ude00", "\\ud800", "\\udc00x", "\\u0000", "\\n", "\\\"", "\t", "\\x", "\\u12"];
                    self.out.push('"');
                    for _ in 0..1 + self.rng.below(3) {
                        self.out.push_str(*self.rng.pick(&pieces));
                    }
                    self.out.push('"');
                } else {
                    let s = str_value(self.rng);
                    redlua::json::write_str(&mut self.out, &s);
                }
            }
            Ty::Opt(inner) => {
                if self.rng.chance(1, 3) {
                    self.out.push_str("null");
                } else {
                    self.value(inner, depth);
                }
            }
            Ty::Vec(inner) => {
                self.out.push('[');
                let n = self.rng.below(4);
                for k in 0..n {
                    if k > 0 {
                        self.out.push(',');
                    }
                    self.value(inner, depth + 1);
                }
                if n > 0 && self.take(Damage::TrailingComma) {
                    self.out.push(',');
                }
                self.out.push(']');
            }
            Ty::Map(inner) => {
                self.out.push('{');
                let mut keys: Vec<String> = (0..self.rng.below(4)).map(|_| self.rng.pick(&["a", "b", "", "é", "end", "a b"]).to_string()).collect();
                keys.sort();
                keys.dedup();
                if !keys.is_empty() && self.take(Damage::Duplicate) {
                    // In a map the last one wins.
                    keys.push(keys[0].clone());
                }
                for (k, key) in keys.iter().enumerate() {
                    if k > 0 {
                        self.out.push(',');
                    }
                    redlua::json::write_str(&mut self.out, key);
                    self.out.push(':');
                    self.value(inner, depth + 1);
                }
                self.out.push('}');
            }
            Ty::Struct(j, _) => self.strukt(*j, depth),
            _ => self.out.push_str("null"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Undamaged texts are JSON as `serde_json` writes it (read back and written again, the
    /// same text); damaged ones differ from them.
    #[test]
    fn json_texts_are_valid_unless_damaged() {
        let inner = StructDef { fields: vec![("x".into(), Ty::Float), ("tag".into(), Ty::opt(Ty::Str))], copy: false, record: false, json: true };
        let outer = StructDef { fields: vec![("a".into(), Ty::Int), ("b".into(), Ty::vec(Ty::Struct(0, false))), ("n".into(), Ty::map(Ty::Bool))], copy: false, record: false, json: true };
        let structs = vec![inner, outer];
        let (mut valid, mut invalid) = (0, 0);
        for seed in 0..400 {
            let mut rng = Rng::new(seed);
            let text = json_text(&mut rng, &structs, 1);
            if redlua::json::parse(text.as_bytes()).is_ok() {
                valid += 1;
            } else {
                invalid += 1;
            }
        }
        assert!(valid > 150 && invalid > 40, "valid {valid}, invalid {invalid}");
        assert_eq!(json_param_struct("j0_s2"), Some(2));
        assert_eq!(json_param_struct("a0"), None);
    }
}
