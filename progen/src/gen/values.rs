//! Replies built in the body (`redlua::Value`), rejections with run-time data and
//! lower-case codes, a key's name as data, Lua's numbers (`lua_tonumber`, `lua_tostring`,
//! `lua_arg`, `LuaNumber` parameters), helpers returning `Result<_, Reject>` called with
//! `?`, `call!` with a spread `..v`, `unwrap` / `expect`, module-level `const` items and the
//! numeric constants of `f64` and the narrower integer types.

use super::*;
use std::fmt::Write as _;

/// Codes of `reject!(code = ..)` with run-time messages: none is a server refusal's code.
const CODES: &[&str] = &["task", "limit", "ERR", "LIMIT", "e_1", "bad-input", "Task2"];

/// Words between the arguments of a rejection's format string.
const REJECT_WORDS: &[&str] = &["is over", "missing", "for", ":", "and", "not in", "=", "{{x}}"];

impl<'c> Gen<'c> {
    // ---------------------------------------------------------------------------------
    // redlua::Value

    /// A `Value` whose shape may depend on the branch.
    pub(super) fn value(&mut self, d: usize) -> Expr {
        self.hit("type Value");
        let deep = d > 0;
        let cmd = self.effects_ok() && !self.keys().is_empty();
        let w = [
            2,                          // Nil
            3,                          // Int
            3,                          // bulk
            1,                          // status
            if deep { 3 } else { 1 },   // Array
            2,                          // lua_number
            if deep { 3 } else { 0 },   // if / match
            if deep { 2 } else { 0 },   // helper
            if deep && cmd { 1 } else { 0 }, // call!
            if deep { 1 } else { 0 },   // Array from an iterator
        ];
        let d1 = d.saturating_sub(1);
        match self.rng.weighted(&w) {
            0 => {
                self.hit("Value::Nil");
                Expr::lit(Ty::Value, "Value::Nil")
            }
            1 => {
                let n = self.operand(|g| g.int(d1, LIMIT));
                self.hit("Value::Int");
                Expr::call(Ty::Value, "Value", "Value::Int(\u{2})", vec![n])
            }
            2 => {
                self.hit("Value::bulk");
                if self.chance(1, 3) {
                    let w = str_lit(*self.rng.pick(WORDS));
                    return Expr::lit(Ty::Value, format!("Value::bulk({w})"));
                }
                let s = self.operand(|g| g.string(d1));
                Expr::call(Ty::Value, "Value", "Value::bulk(\u{2})", vec![s])
            }
            3 => {
                self.hit("Value::status");
                if self.chance(1, 2) {
                    let w = *self.rng.pick(&["OK", "QUEUED", "PONG", "a b", "x\ny", ""]);
                    return Expr::lit(Ty::Value, format!("Value::status({})", str_lit(w)));
                }
                let s = self.operand(|g| g.string(d1));
                Expr::call(Ty::Value, "Value", "Value::status(\u{2})", vec![s])
            }
            4 => {
                self.hit("Value::Array");
                let n = self.rng.below(4);
                let mut kids = Vec::new();
                for _ in 0..n {
                    let e = if self.chance(1, 4) { Expr::lit(Ty::Value, "Value::Nil") } else { self.operand(|g| g.value(d1.saturating_sub(1))) };
                    if matches!(&e.kind, Kind::Tpl { text, .. } if text.starts_with("Value::Array")) || matches!(&e.kind, Kind::Lit(t) if t.starts_with("Value::Array")) {
                        self.hit("Value::Array nested");
                    }
                    kids.push(e);
                }
                if kids.is_empty() {
                    // `vec![]` is refused (its type is unknown to the compiler).
                    return Expr::lit(Ty::Value, "Value::Array(Vec::new())");
                }
                let holes = vec!["\u{2}"; kids.len()].join(", ");
                Expr::call(Ty::Value, "Value", format!("Value::Array(vec![{holes}])"), kids)
            }
            5 => {
                let x = self.operand(|g| g.float(d1));
                self.hit("Value::lua_number");
                Expr::call(Ty::Value, "Value", "Value::lua_number(\u{2})", vec![x])
            }
            6 => {
                self.hit("Value by branch");
                if self.chance(2, 3) {
                    let c = self.operand(|g| g.bool(d1));
                    let a = self.sub_block(&Ty::Value, d);
                    let b = self.sub_block(&Ty::Value, d);
                    self.hit("if as a value");
                    Expr::tpl(Ty::Value, "if", "if \u{2} \u{2} else \u{2}", vec![c, Expr::block(Ty::Value, a), Expr::block(Ty::Value, b)])
                } else {
                    self.match_expr(&Ty::Value, d)
                }
            }
            7 => match self.helper_call(&Ty::Value, d) {
                Some(e) => e,
                None => self.value(d1),
            },
            8 => self.value_command(d1),
            _ => {
                // A Vec of integers or strings, each element a Value.
                self.hit("Value::Array");
                self.hit("map");
                self.hit("collect into Vec");
                if self.chance(1, 2) {
                    let v = self.operand(|g| g.place(&Ty::vec(Ty::Int), d1));
                    Expr::call(Ty::Value, "Value", "Value::Array(\u{3}.iter().map(|x| Value::Int(*x)).collect())", vec![v])
                } else {
                    let v = self.operand(|g| g.place(&Ty::vec(Ty::Str), d1));
                    Expr::call(Ty::Value, "Value", "Value::Array(\u{3}.iter().map(|s| Value::bulk(s.clone())).collect())", vec![v])
                }
            }
        }
    }

    /// A command's reply passed through as a `Value` (`call!`, a spread included).
    fn value_command(&mut self, d: usize) -> Expr {
        let Some(k) = self.key_arg() else { return Expr::lit(Ty::Value, "Value::Nil") };
        self.hit("call! returning Value");
        self.hit("call!");
        match self.rng.below(4) {
            0 => Expr::call(Ty::Value, "cmd", format!("call!(\"GET\", {k})"), vec![]),
            1 => Expr::call(Ty::Value, "cmd", format!("call!(\"LRANGE\", {k}, 0, -1)"), vec![]),
            2 => Expr::call(Ty::Value, "cmd", format!("call!(\"TYPE\", {k})"), vec![]),
            _ => {
                let v = self.operand(|g| g.expr(&Ty::vec(Ty::Str), d));
                self.hit("call! with ..spread");
                let lead = if self.chance(1, 2) { format!("{}, ", str_lit(*self.rng.pick(FIELD_NAMES))) } else { String::new() };
                Expr::call(Ty::Value, "cmd", format!("call!(\"HMGET\", {k}, {lead}..\u{2})"), vec![v])
            }
        }
    }

    /// The return type of the redis function: sometimes a `Value` (or `Result<Value, _>`).
    pub(super) fn main_ret(&mut self, ret: Ty) -> Ty {
        match self.rng.weighted(&[10, 3, 1]) {
            1 => Ty::Value,
            2 => Ty::Res(Box::new(Ty::Value)),
            _ => ret,
        }
    }

    /// The return type of a helper: sometimes `Result<T, Reject>` or a `Value`.
    pub(super) fn helper_ret(&mut self, ret: Ty) -> Ty {
        match self.rng.weighted(&[8, 3, 1]) {
            1 => {
                self.hit("helper returning Result");
                Ty::Res(Box::new(self.value_ty(1)))
            }
            2 => Ty::Value,
            _ => ret,
        }
    }

    // ---------------------------------------------------------------------------------
    // Helpers returning Result<T, Reject>

    /// `helper(..)?` in a function returning `Result<_, Reject>`, for a helper returning
    /// `Result<ty, Reject>`.
    pub(super) fn res_call(&mut self, ty: &Ty, d: usize) -> Option<Expr> {
        if d == 0 || !matches!(self.f.ret, Ty::Res(_)) || self.chance(1, 3) {
            return None;
        }
        let rt = Ty::Res(Box::new(ty.clone()));
        let call = self.helper_call(&rt, d)?;
        self.hit("helper(..)? at the call site");
        Some(Expr::tpl(ty.clone(), "?", "\u{3}?", vec![call]))
    }

    /// `let v: T = helper(..)?;` in a function returning `Result<_, Reject>`, for a helper
    /// returning `Result<T, Reject>` (sometimes).
    pub(super) fn res_let(&mut self, d: usize) -> Option<Stmt> {
        if d == 0 || !matches!(self.f.ret, Ty::Res(_)) || self.f.closure_floor.is_some() || !self.chance(1, 5) {
            return None;
        }
        let inners: Vec<Ty> = self.helpers.iter().filter_map(|h| if let Ty::Res(t) = &h.ret { Some((**t).clone()) } else { None }).collect();
        if inners.is_empty() {
            return None;
        }
        let ty = self.rng.pick(&inners).clone();
        let call = self.helper_call(&Ty::Res(Box::new(ty.clone())), d)?;
        self.hit("helper(..)? at the call site");
        self.hit("let");
        let name = self.fresh("v");
        let text = format!("let {name}: {} = {RECV}?", ty.rust());
        self.declare(&name, ty.clone(), false, if ty == Ty::Int { LIMIT } else { 0 }, true);
        Some(Stmt { expr: Expr::tpl(Ty::Unit, "let", text, vec![call]), semi: true })
    }

    /// The tail of a function returning `Result<_, Reject>`: a call of a helper returning
    /// the same type, whose rejection is the caller's.
    pub(super) fn res_tail(&mut self, ty: &Ty, d: usize) -> Option<Expr> {
        if d == 0 || !self.chance(1, 4) {
            return None;
        }
        let e = self.helper_call(ty, d)?;
        self.hit("helper returning Result as the tail");
        Some(e)
    }

    // ---------------------------------------------------------------------------------
    // Rejections

    /// `reject!` with a format string and run-time arguments, with or without a code
    /// (lower-case ones included). The message starts with `rjN`, as the comparison
    /// expects of a rejection.
    pub(super) fn reject_fmt(&mut self) -> Expr {
        let n = self.rng.below(100);
        let mut fmt = format!("rj{n}");
        let mut kids = Vec::new();
        let nargs = 1 + self.rng.below(2);
        for _ in 0..nargs {
            fmt.push(' ');
            // A named argument: a variable of the function, captured by name.
            let named = self.visible().into_iter().filter(|&i| {
                let v = &self.vars[i];
                matches!(v.ty, Ty::Int | Ty::Str) && v.refs == 0 && !v.moved && v.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            });
            let named: Vec<usize> = named.collect();
            if !named.is_empty() && self.chance(1, 3) {
                let i = *self.rng.pick(&named);
                let _ = write!(fmt, "{{{}}}", self.vars[i].name);
            } else {
                fmt.push_str("{}");
                let e = match self.rng.below(3) {
                    0 => self.operand(|g| g.int(1, LIMIT)),
                    1 => self.operand(|g| g.string(1)),
                    _ => self.operand(|g| g.float(1)),
                };
                kids.push(e);
            }
            fmt.push(' ');
            fmt.push_str(*self.rng.pick(REJECT_WORDS));
        }
        // Pinned: an untyped integer literal argument would be an `i32`.
        let holes: String = kids.iter().map(|_| ", \u{4}").collect();
        self.hit("reject! with format arguments");
        let code = if self.chance(1, 2) { Some(*self.rng.pick(CODES)) } else { None };
        let text = match code {
            Some(c) => {
                self.hit("reject! with code");
                if c.chars().any(|c| c.is_ascii_lowercase()) {
                    self.hit("reject! with a lower-case code");
                }
                format!("reject!(code = \"{c}\", {}{holes})", str_lit(&fmt))
            }
            None => {
                self.hit("reject!");
                format!("reject!({}{holes})", str_lit(&fmt))
            }
        };
        Expr::tpl(Ty::Unit, "reject", text, kids)
    }

    // ---------------------------------------------------------------------------------
    // Keys as data, Lua's numbers

    /// `k.name()` of a key in scope (text).
    pub(super) fn key_name(&mut self) -> Option<String> {
        let ks = self.keys();
        if ks.is_empty() {
            return None;
        }
        let i = *self.rng.pick(&ks);
        self.hit("key.name() as data");
        if self.chance(1, 5) {
            self.hit("key.derive");
            let suffix = *self.rng.pick(&[":a", ":b"]);
            return Some(format!("{}.derive(\"{suffix}\").name()", self.vars[i].name));
        }
        Some(format!("{}.name()", self.vars[i].name))
    }

    /// A value argument of a command: `lua_arg(x)` or a key's name.
    pub(super) fn value_arg_extra(&mut self, d: usize) -> Option<(String, Vec<Expr>)> {
        if self.chance(1, 2) {
            let k = self.key_name()?;
            return Some((format!("&{k}"), vec![]));
        }
        let x = self.lua_safe_float(d);
        self.hit("lua_arg");
        Some(("lua_arg(\u{2})".into(), vec![x]))
    }

    /// A float that is not NaN (Rust leaves a NaN's sign unspecified, Lua writes it:
    /// `nan` or `-nan`), for `lua_tostring` and `lua_arg`.
    fn lua_safe_float(&mut self, d: usize) -> Expr {
        let x = self.operand(|g| g.float(d));
        self.hit("f64 constants");
        Expr::call(Ty::Float, "fmath", "\u{3}.max(f64::MIN)", vec![x])
    }

    /// A float read as Lua reads a number: `lua_tonumber(&s)`.
    pub(super) fn lua_float(&mut self, d: usize) -> Expr {
        let s = self.operand(|g| g.str_place(d - 1));
        self.hit("lua_tonumber");
        if self.chance(1, 2) {
            let dflt = self.float_leaf();
            self.hit(".unwrap_or");
            Expr::call(Ty::Float, "parse", "lua_tonumber(&\u{1}).unwrap_or(\u{2})", vec![s, dflt])
        } else {
            self.hit("Option::unwrap_or_default");
            Expr::call(Ty::Float, "parse", "lua_tonumber(&\u{1}).unwrap_or_default()", vec![s])
        }
    }

    /// A string of the Lua number productions: `lua_tostring(x)`, a key's name.
    pub(super) fn lua_string(&mut self, d: usize) -> Option<Expr> {
        if self.chance(1, 2) {
            let k = self.key_name()?;
            return Some(Expr::call(Ty::Str, "name", k, vec![]));
        }
        let x = self.lua_safe_float(d - 1);
        self.hit("lua_tostring");
        Some(Expr::call(Ty::Str, "lua_tostring", "lua_tostring(\u{2})", vec![x]))
    }

    /// A `LuaNumber` parameter of the redis function, sometimes.
    pub(super) fn lua_number_params(&mut self, params: &mut Vec<Param>) {
        if self.chance(1, 5) {
            params.push(Param { name: "n0".into(), ty: Ty::LuaNum, mutable: false, by_ref: false });
            self.hit("LuaNumber parameter");
        }
    }

    // ---------------------------------------------------------------------------------
    // call! with a spread

    /// A `call!` statement spreading a `Vec` into a variadic command.
    pub(super) fn spread_stmt(&mut self, d: usize) -> Expr {
        let Some(k) = self.key_arg() else { return Expr::lit(Ty::Unit, "()") };
        self.hit("call!");
        self.hit("call! with ..spread");
        match self.rng.below(6) {
            0 | 1 => {
                let et = match self.rng.weighted(&[3, 3, 1]) {
                    0 => Ty::Str,
                    1 => Ty::Int,
                    _ => Ty::Float,
                };
                let v = self.operand(|g| g.expr(&Ty::vec(et), d));
                let cmd = *self.rng.pick(&["RPUSH", "LPUSH", "SADD"]);
                let lead = if self.chance(1, 2) { "\"x\", " } else { "" };
                Expr::call(Ty::Unit, "cmd", format!("call!(\"{cmd}\", {k}, {lead}..\u{2})"), vec![v])
            }
            2 => {
                let n = 1 + self.rng.below(3);
                let mut kids = Vec::new();
                for _ in 0..n {
                    kids.push(self.lua_safe_float(d.saturating_sub(1)));
                }
                self.hit("lua_arg");
                let holes = vec!["lua_arg(\u{2})"; n].join(", ");
                Expr::call(Ty::Unit, "cmd", format!("call!(\"RPUSH\", {k}, ..vec![{holes}])"), kids)
            }
            3 => {
                let v = self.operand(|g| g.expr(&Ty::vec(Ty::Tuple(vec![Ty::Str, Ty::Str])), d));
                self.hit("call! spread of pairs");
                Expr::call(Ty::Unit, "cmd", format!("call!(\"HSET\", {k}, ..\u{2})"), vec![v])
            }
            4 => {
                let v = self.operand(|g| g.expr(&Ty::vec(Ty::Tuple(vec![Ty::Float, Ty::Str])), d));
                self.hit("call! spread of pairs");
                let opt = *self.rng.pick(&["", "\"CH\", ", "\"NX\", "]);
                Expr::call(Ty::Unit, "cmd", format!("call!(\"ZADD\", {k}, {opt}..\u{2})"), vec![v])
            }
            _ => {
                let v = self.operand(|g| g.expr(&Ty::vec(Ty::Str), d));
                Expr::call(Ty::Unit, "cmd", format!("call!(\"HDEL\", {k}, \"a\", ..\u{2})"), vec![v])
            }
        }
    }

    // ---------------------------------------------------------------------------------
    // unwrap / expect

    /// `opt.unwrap()` / `opt.expect("..")`: the None case is an error reply naming the
    /// Rust line (the twin panics with the same message).
    pub(super) fn unwrap_expect(&mut self, ty: &Ty, d: usize) -> Expr {
        let o = self.operand(|g| g.opt_recv(ty, d - 1));
        if self.chance(1, 2) {
            self.hit("unwrap()");
            Expr::call(ty.clone(), "unwrap", "\u{3}.unwrap()", vec![o])
        } else {
            self.hit("expect(..)");
            let m = *self.rng.pick(crate::check::EXPECT_MESSAGES);
            Expr::call(ty.clone(), "unwrap", format!("\u{3}.expect({})", str_lit(m)), vec![o])
        }
    }

    // ---------------------------------------------------------------------------------
    // Constants

    /// The module's `const` items (also declared for every function of it).
    pub(super) fn module_consts(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        self.consts.clear();
        let n = self.rng.weighted(&[3, 2, 2, 1]);
        let mut ints: Vec<(String, i64)> = Vec::new();
        for i in 0..n {
            let name = format!("CM{i}");
            self.hit("module const");
            match self.rng.below(4) {
                0 | 1 => {
                    // An integer, sometimes computed from an earlier one.
                    let small = ints.last().filter(|(_, v)| v.unsigned_abs() <= 1_000_000).cloned();
                    if let (Some((prev, v)), true) = (small, self.chance(1, 2)) {
                        let k = self.rng.range(-3, 4);
                        let c = self.rng.range(-100, 100);
                        let value = v * k + c;
                        out.push(format!("const {name}: i64 = {prev} * {k} + {c};"));
                        self.consts.push((name.clone(), Ty::Int, value.unsigned_abs()));
                        ints.push((name, value));
                    } else {
                        let value = if self.chance(1, 4) { LIMIT as i64 } else { self.rng.range(-1000, 1000) };
                        out.push(format!("const {name}: i64 = {value};"));
                        self.consts.push((name.clone(), Ty::Int, value.unsigned_abs()));
                        ints.push((name, value));
                    }
                }
                2 => {
                    let x = *self.rng.pick(&["0.25", "-1.5", "1e21", "0.1", "f64::EPSILON", "f64::INFINITY", "std::f64::consts::PI"]);
                    out.push(format!("const {name}: f64 = {x};"));
                    self.consts.push((name, Ty::Float, 0));
                }
                _ => {
                    let w = *self.rng.pick(WORDS);
                    out.push(format!("const {name}: &str = {};", str_lit(w)));
                    self.consts.push((format!("{name}.to_string()"), Ty::Str, 0));
                }
            }
        }
        out
    }

    /// An integer bound of a narrower type (`i32::MAX as i64` ..) within ±`m`.
    pub(super) fn int_const(&mut self, m: u64) -> Option<Expr> {
        let (text, v): (&str, u64) = *self.rng.pick(&[
            ("i32::MAX as i64", i32::MAX as u64),
            ("i32::MIN as i64", 1 << 31),
            ("u32::MAX as i64", u32::MAX as u64),
            ("u8::MAX as i64", 255),
            ("i16::MIN as i64", 1 << 15),
            ("u16::MAX as i64", 65535),
            ("i8::MIN as i64", 128),
            ("u32::BITS as i64", 32),
        ]);
        if v > m {
            return None;
        }
        self.hit("integer MIN / MAX");
        Some(Expr::call(Ty::Int, "intconst", text, vec![]))
    }

    /// A constant of `f64`.
    pub(super) fn float_const(&mut self) -> Expr {
        let c = *self.rng.pick(&["f64::INFINITY", "f64::NEG_INFINITY", "f64::NAN", "f64::EPSILON", "f64::MAX", "f64::MIN", "f64::MIN_POSITIVE", "std::f64::consts::PI", "std::f64::consts::E"]);
        self.hit("f64 constants");
        Expr::lit(Ty::Float, c)
    }
}
