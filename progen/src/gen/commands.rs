//! Commands: keys and arguments, the typed commands by reply type, `call!`.

use super::*;

impl<'c> Gen<'c> {
    /// `&k` for a key variable (`k` when it is already a reference).
    pub(super) fn key_arg(&mut self) -> Option<String> {
        let ks = self.keys();
        if ks.is_empty() {
            return None;
        }
        let i = *self.rng.pick(&ks);
        let (name, refs) = (self.vars[i].name.clone(), self.vars[i].refs);
        let base = if refs > 0 { name.clone() } else { format!("&{name}") };
        if self.chance(1, 8) {
            self.hit("key.derive");
            let suffix = *self.rng.pick(&[":a", ":b"]);
            return Some(format!("&{name}.derive(\"{suffix}\")"));
        }
        Some(base)
    }

    /// An integer argument of a command (never `-0` with `Avoid::NegZero`).
    pub(super) fn int_arg(&mut self, d: usize, m: u64) -> Expr {
        let e = self.operand(|g| g.int(d, m));
        if self.avoid(Avoid::NegZero) && self.may_negz(&e) {
            return Expr::lit(Ty::Int, int_literal(&mut self.rng, m.min(1000)).to_string());
        }
        e
    }

    /// A value argument (`ToArg`): an integer, a float or a string.
    pub(super) fn value_arg(&mut self, d: usize) -> (String, Vec<Expr>) {
        if self.chance(1, 5) {
            if let Some(a) = self.value_arg_extra(d) {
                return a;
            }
        }
        match self.rng.weighted(&[3, 1, 4]) {
            0 => ("\u{2}".into(), vec![self.int_arg(d, LIMIT)]),
            1 => {
                let f = self.operand(|g| g.float(d));
                ("\u{2}".into(), vec![f])
            }
            _ => ("&\u{1}".into(), vec![self.operand(|g| g.str_place(d))]),
        }
    }

    pub(super) fn field_arg(&mut self, d: usize) -> (String, Vec<Expr>) {
        if self.chance(1, 12) {
            if let Some(k) = self.key_name() {
                return (format!("&{k}"), vec![]);
            }
        }
        if self.chance(3, 4) {
            (str_lit(*self.rng.pick(FIELD_NAMES)), vec![])
        } else {
            ("&\u{1}".into(), vec![self.operand(|g| g.str_place(d))])
        }
    }

    pub(super) fn write(&mut self) {
        self.f.wrote = true;
    }

    pub(super) fn cmd(&mut self, ty: Ty, construct: &'static str, text: String, kids: Vec<Expr>) -> Expr {
        self.hit(construct);
        Expr::call(ty, "cmd", text, kids)
    }

    /// A command as a statement (its reply dropped).
    pub(super) fn command_stmt(&mut self, d: usize) -> Option<Stmt> {
        let k = self.key_arg()?;
        let d = d.saturating_sub(1);
        self.write();
        let e = match self.rng.weighted(&[4, 3, 3, 3, 3, 2, 2, 2]) {
            7 => self.spread_stmt(d),
            0 => {
                let (h, kids) = self.value_arg(d);
                match self.rng.below(3) {
                    0 => self.cmd(Ty::Unit, "command: strings", format!("set({k}, {h})"), kids),
                    1 => self.cmd(Ty::Unit, "command: strings", format!("append({k}, {h})"), kids),
                    _ => self.cmd(Ty::Unit, "command: strings", format!("getset({k}, {h})"), kids),
                }
            }
            1 => {
                let n = self.int_arg(d, 1000);
                match self.rng.below(4) {
                    0 => self.cmd(Ty::Unit, "command: counters", format!("incr({k})"), vec![]),
                    1 => self.cmd(Ty::Unit, "command: counters", format!("decr_by({k}, \u{2})"), vec![n]),
                    2 => {
                        let x = self.operand(|g| g.float(d));
                        self.cmd(Ty::Unit, "command: counters", format!("incr_by_float({k}, \u{2})"), vec![x])
                    }
                    _ => self.cmd(Ty::Unit, "command: counters", format!("incr_by({k}, \u{2})"), vec![n]),
                }
            }
            2 => {
                let (h, kids) = self.value_arg(d);
                match self.rng.below(5) {
                    0 => self.cmd(Ty::Unit, "command: lists", format!("lpush({k}, {h})"), kids),
                    1 => {
                        let v = self.operand(|g| g.place(&Ty::vec(Ty::Str), d));
                        self.cmd(Ty::Unit, "command: lists", format!("rpush({k}, &\u{1})"), vec![v])
                    }
                    2 => self.cmd(Ty::Unit, "command: lists", format!("lpop({k})"), vec![]),
                    3 => {
                        let a = self.rng.range(-3, 3);
                        let b = self.rng.range(-3, 3);
                        self.cmd(Ty::Unit, "command: lists", format!("ltrim({k}, {a}, {b})"), vec![])
                    }
                    _ => self.cmd(Ty::Unit, "command: lists", format!("rpush({k}, {h})"), kids),
                }
            }
            3 => {
                let (f, mut kids) = self.field_arg(d);
                let (h, kids2) = self.value_arg(d);
                match self.rng.below(4) {
                    0 => {
                        let n = self.int_arg(d, 1000);
                        kids.push(n);
                        self.cmd(Ty::Unit, "command: hashes", format!("hincr_by({k}, {f}, \u{2})"), kids)
                    }
                    1 => self.cmd(Ty::Unit, "command: hashes", format!("hdel({k}, {f})"), kids),
                    _ => {
                        kids.extend(kids2);
                        self.cmd(Ty::Unit, "command: hashes", format!("hset({k}, {f}, {h})"), kids)
                    }
                }
            }
            4 => {
                let x = self.operand(|g| g.float(d));
                let (m, kids) = self.field_arg(d);
                match self.rng.below(4) {
                    0 => {
                        let mut ks = vec![x];
                        ks.extend(kids);
                        self.cmd(Ty::Unit, "command: sorted sets", format!("zincr_by({k}, \u{2}, {m})"), ks)
                    }
                    1 => self.cmd(Ty::Unit, "command: sorted sets", format!("zrem({k}, {m})"), kids),
                    2 => {
                        let n = self.rng.range(0, 2);
                        self.cmd(Ty::Unit, "command: sorted sets", format!("zpop_min({k}, {n})"), vec![])
                    }
                    _ => {
                        let mut ks = vec![x];
                        ks.extend(kids);
                        self.cmd(Ty::Unit, "command: sorted sets", format!("zadd({k}, \u{2}, {m})"), ks)
                    }
                }
            }
            5 => {
                let (m, kids) = self.field_arg(d);
                if self.chance(1, 2) {
                    self.cmd(Ty::Unit, "command: sets", format!("sadd({k}, {m})"), kids)
                } else {
                    self.cmd(Ty::Unit, "command: sets", format!("srem({k}, {m})"), kids)
                }
            }
            _ => match self.rng.below(4) {
                0 => self.cmd(Ty::Unit, "command: keys", format!("del({k})"), vec![]),
                1 => {
                    let s = self.rng.range(-1, 1000);
                    self.cmd(Ty::Unit, "command: keys", format!("expire({k}, {s})"), vec![])
                }
                2 => self.cmd(Ty::Unit, "command: keys", format!("persist({k})"), vec![]),
                _ => {
                    let (h, kids) = self.value_arg(d);
                    self.cmd(Ty::Unit, "call!", format!("call!(\"SET\", {k}, {h})"), kids)
                }
            },
        };
        Some(Stmt { expr: e, semi: true })
    }

    pub(super) fn int_command(&mut self, d: usize) -> Expr {
        let Some(k) = self.key_arg() else { return Expr::lit(Ty::Int, "0") };
        let ro = !self.f.can_write;
        let pick = if ro { self.rng.below(6) } else { self.rng.below(12) };
        match pick {
            0 => self.cmd(Ty::Int, "command: strings", format!("strlen({k})"), vec![]),
            1 => self.cmd(Ty::Int, "command: lists", format!("llen({k})"), vec![]),
            2 => self.cmd(Ty::Int, "command: hashes", format!("hlen({k})"), vec![]),
            3 => self.cmd(Ty::Int, "command: sorted sets", format!("zcard({k})"), vec![]),
            4 => self.cmd(Ty::Int, "command: sets", format!("scard({k})"), vec![]),
            5 => self.cmd(Ty::Int, "command: strings", format!("get::<i64>({k}).unwrap_or(0)"), vec![]),
            6 => {
                self.write();
                self.cmd(Ty::Int, "command: counters", format!("incr({k})"), vec![])
            }
            7 | 8 => {
                self.write();
                let n = self.int_arg(d.saturating_sub(1), 1000);
                let f = if self.chance(1, 2) { "incr_by" } else { "decr_by" };
                self.cmd(Ty::Int, "command: counters", format!("{f}({k}, \u{2})"), vec![n])
            }
            9 => {
                self.write();
                let v = self.operand(|g| g.str_place(d.saturating_sub(1)));
                self.cmd(Ty::Int, "command: lists", format!("rpush({k}, &\u{1})"), vec![v])
            }
            10 => {
                self.write();
                let (f, mut kids) = self.field_arg(d.saturating_sub(1));
                let n = self.int_arg(d.saturating_sub(1), 1000);
                kids.push(n);
                self.cmd(Ty::Int, "command: hashes", format!("hincr_by({k}, {f}, \u{2})"), kids)
            }
            _ => {
                self.write();
                let (h, kids) = self.value_arg(d.saturating_sub(1));
                self.cmd(Ty::Int, "command: strings", format!("append({k}, {h})"), kids)
            }
        }
    }

    pub(super) fn float_command(&mut self, d: usize) -> Expr {
        let Some(k) = self.key_arg() else { return Expr::lit(Ty::Float, "0.0") };
        let (m, kids) = self.field_arg(d.saturating_sub(1));
        match if self.f.can_write { self.rng.below(4) } else { self.rng.below(2) } {
            0 => self.cmd(Ty::Float, "command: sorted sets", format!("zscore({k}, {m}).unwrap_or(-1.0)"), kids),
            1 => self.cmd(Ty::Float, "command: strings", format!("get::<f64>({k}).unwrap_or(0.5)"), kids.into_iter().take(0).collect()),
            2 => {
                self.write();
                let x = self.operand(|g| g.float(d.saturating_sub(1)));
                let mut ks = vec![x];
                ks.extend(kids);
                self.cmd(Ty::Float, "command: sorted sets", format!("zincr_by({k}, \u{2}, {m})"), ks)
            }
            _ => {
                self.write();
                let x = self.operand(|g| g.float(d.saturating_sub(1)));
                self.cmd(Ty::Float, "command: counters", format!("incr_by_float({k}, \u{2})"), vec![x])
            }
        }
    }

    pub(super) fn bool_command(&mut self, d: usize) -> Expr {
        let Some(k) = self.key_arg() else { return Expr::lit(Ty::Bool, "false") };
        let (m, kids) = self.field_arg(d.saturating_sub(1));
        match if self.f.can_write { self.rng.below(6) } else { self.rng.below(3) } {
            0 => self.cmd(Ty::Bool, "command: keys", format!("exists({k})"), vec![]),
            1 => self.cmd(Ty::Bool, "command: hashes", format!("hexists({k}, {m})"), kids),
            2 => self.cmd(Ty::Bool, "command: sets", format!("sismember({k}, {m})"), kids),
            3 => {
                self.write();
                let (h, kids2) = self.value_arg(d.saturating_sub(1));
                let mut ks = kids;
                ks.extend(kids2);
                self.cmd(Ty::Bool, "command: hashes", format!("hsetnx({k}, {m}, {h})"), ks)
            }
            4 => {
                self.write();
                let (h, kids2) = self.value_arg(d.saturating_sub(1));
                self.cmd(Ty::Bool, "command: strings", format!("setnx({k}, {h})"), kids2)
            }
            _ => {
                self.write();
                let s = self.rng.range(1, 1000);
                self.cmd(Ty::Bool, "command: keys", format!("expire({k}, {s})"), vec![])
            }
        }
    }

    pub(super) fn str_command(&mut self, d: usize) -> Expr {
        let Some(k) = self.key_arg() else { return self.str_leaf() };
        let (m, kids) = self.field_arg(d.saturating_sub(1));
        match self.rng.below(5) {
            0 => self.cmd(Ty::Str, "command: strings", format!("get::<String>({k}).unwrap_or_default()"), vec![]),
            1 => self.cmd(Ty::Str, "command: hashes", format!("hget::<String>({k}, {m}).unwrap_or_default()"), kids),
            2 => {
                let i = self.rng.range(-2, 2);
                self.cmd(Ty::Str, "command: lists", format!("lindex({k}, {i}).unwrap_or_default()"), vec![])
            }
            3 => self.cmd(Ty::Str, "command: keys", format!("key_type({k})"), vec![]),
            _ => {
                self.cmd(Ty::Str, "try_call!", format!("match try_call!(\"GET\", {k}) {{\n    Ok(v) => v.as_string().unwrap_or_default(),\n    Err(e) => e,\n}}"), vec![])
            }
        }
    }

    pub(super) fn opt_command(&mut self, t: &Ty, d: usize) -> Expr {
        let Some(k) = self.key_arg() else { return self.opt_leaf(t, d) };
        let ty = Ty::opt(t.clone());
        let (m, kids) = self.field_arg(d.saturating_sub(1));
        match t {
            Ty::Int => match self.rng.below(3) {
                0 => self.cmd(ty, "command: strings", format!("get::<i64>({k})"), vec![]),
                1 => self.cmd(ty, "command: hashes", format!("hget::<i64>({k}, {m})"), kids),
                _ => self.cmd(ty, "command: sorted sets", format!("zrank({k}, {m})"), kids),
            },
            Ty::Float => match self.rng.below(2) {
                0 => self.cmd(ty, "command: strings", format!("get::<f64>({k})"), vec![]),
                _ => self.cmd(ty, "command: sorted sets", format!("zscore({k}, {m})"), kids),
            },
            _ => match if self.f.can_write { self.rng.below(5) } else { self.rng.below(3) } {
                0 => self.cmd(ty, "command: strings", format!("get::<String>({k})"), vec![]),
                1 => self.cmd(ty, "command: hashes", format!("hget::<String>({k}, {m})"), kids),
                2 => {
                    let i = self.rng.range(-2, 2);
                    self.cmd(ty, "command: lists", format!("lindex({k}, {i})"), vec![])
                }
                3 => {
                    self.write();
                    self.cmd(ty, "command: lists", format!("rpop({k})"), vec![])
                }
                _ => {
                    self.write();
                    self.cmd(ty, "command: strings", format!("getdel({k})"), vec![])
                }
            },
        }
    }

    pub(super) fn vec_command(&mut self, _d: usize) -> Expr {
        let Some(k) = self.key_arg() else { return Expr::lit(Ty::vec(Ty::Str), "Vec::new()") };
        let ty = Ty::vec(Ty::Str);
        match self.rng.below(5) {
            0 => {
                let a = self.rng.range(-3, 1);
                let b = self.rng.range(-1, 3);
                self.cmd(ty, "command: lists", format!("lrange({k}, {a}, {b})"), vec![])
            }
            // A hash whose values outgrow the listpack encoding (64 bytes) comes back in
            // the server's hash order, which differs between two servers: sorted.
            1 | 2 => {
                let f = if self.chance(1, 2) { "hkeys" } else { "hvals" };
                self.hit("sort");
                self.cmd(ty, "command: hashes", format!("{{\n    let mut fields = {f}({k});\n    fields.sort();\n    fields\n}}"), vec![])
            }
            3 => self.cmd(ty, "command: sorted sets", format!("zrange({k}, 0, -1, ZRangeOptions::new())"), vec![]),
            _ => {
                // Set members come in the server's hash order: sorted, to compare.
                self.hit("sort");
                self.cmd(ty, "command: sets", format!("{{\n    let mut members = smembers({k});\n    members.sort();\n    members\n}}"), vec![])
            }
        }
    }
}
