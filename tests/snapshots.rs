//! Snapshots of the Lua that redlua generates for every example. A change in codegen
//! shows up here as a diff to review; CI fails on any unreviewed change.

use redlua_examples::{banking, capped_increment, get_with_default, locks, rate_limit, sliding_window, token_bucket, transfer};

// ANCHOR: snapshot
#[test]
fn library_bank() {
    insta::assert_snapshot!("bank", transfer::bank::LUA);
}
// ANCHOR_END: snapshot

#[test]
fn library_banking() {
    insta::assert_snapshot!("banking", banking::banking::LUA);
}

#[test]
fn library_locks() {
    insta::assert_snapshot!("locks", locks::locks::LUA);
}

#[test]
fn library_buckets() {
    insta::assert_snapshot!("buckets", token_bucket::buckets::LUA);
}

#[test]
fn library_windows() {
    insta::assert_snapshot!("windows", sliding_window::windows::LUA);
}

#[test]
fn library_kv() {
    insta::assert_snapshot!("kv", get_with_default::kv::LUA);
}

#[test]
fn script_capped_increment() {
    insta::assert_snapshot!("capped_increment", capped_increment::capped_increment::LUA);
}

#[test]
fn script_fixed_window() {
    insta::assert_snapshot!("fixed_window", rate_limit::fixed_window::LUA);
}

/// The output is deterministic: the same source gives the same bytes and SHA1.
#[test]
fn script_sha1_matches_its_code() {
    let s = &capped_increment::capped_increment::SCRIPT;
    assert_eq!(s.sha1(), redlua_compiler::sha1_hex(s.code()));
    assert_eq!(transfer::bank::LIBRARY.stamp(), redlua_compiler::sha1_hex(transfer::bank::LUA));
}

/// The Lua of the language constructs that have no example of their own (labelled loops,
/// bit operations, format specs, optional arguments, slicing, coded rejections, the entry
/// idiom), compiled from source so that the diff of a codegen change shows here too.
#[test]
fn library_constructs() {
    let attr = r#"name = "constructs""#.parse().unwrap();
    let item = r#"
        mod constructs {
            use redlua::prelude::*;
            use std::collections::HashMap;

            #[redis_function(read_only)]
            pub fn search(n: i64, target: i64) -> i64 {
                let mut found = -1;
                'outer: for i in 0..n {
                    for j in 0..n {
                        if i * j == target {
                            found = i;
                            break 'outer;
                        }
                        if j > i {
                            continue 'outer;
                        }
                    }
                }
                found
            }

            #[redis_function(read_only)]
            pub fn bits(a: i64, b: i64, shift: Option<i64>) -> (i64, i64, String) {
                let s = shift.unwrap_or(1);
                (a & !b, (a | b) >> s, format!("{:08.3}|{:>6}", a as f64 / 7.0, b))
            }

            #[redis_function]
            pub fn tally(counts: Key, text: String) -> Result<i64, Reject> {
                let Some((head, tail)) = text.split_once(':') else {
                    return Err(reject!(code = "ERR", "expected head:tail"));
                };
                let mut seen: HashMap<String, i64> = HashMap::new();
                for w in tail.split(',') {
                    *seen.entry(w.to_string()).or_insert(0) += 1;
                }
                let short = &head[..head.len().min(3)];
                Ok(hincr_by(&counts, short, seen.len() as i64))
            }
        }
    "#
    .parse()
    .unwrap();
    let lib = redlua_compiler::compile_library(attr, item).unwrap_or_else(|e| panic!("{e:?}"));
    insta::assert_snapshot!("constructs", lib.lua);
}

/// The Lua of the everyday Rust of issue 15: `unwrap` / `expect`, `map_or`, module
/// constants and `f64`'s, `matches!`, bools in `format!`, `filter_map`, `take_while`,
/// `skip_while`, `max_by_key`, `for_each`, ranges as sources, `dedup`.
#[test]
fn library_everyday() {
    let attr = r#"name = "everyday""#.parse().unwrap();
    let item = r#"
        mod everyday {
            use redlua::prelude::*;

            const LIMIT: i64 = 10;

            #[redis_function]
            pub fn pick(k: Key, n: i64, x: f64) -> (i64, i64, bool, String) {
                let v = get::<i64>(&k).expect("k is set");
                let w = get::<i64>(&k).map_or(LIMIT, |c| c * 2);
                let finite = x < f64::INFINITY && matches!(n, 1..=3 | 7);
                (v.min(LIMIT), w, finite, format!("{finite}"))
            }

            #[redis_function]
            pub fn chains(log: Key, xs: Vec<i64>) -> (Vec<i64>, Vec<i64>, Option<i64>, Vec<i64>) {
                let halves: Vec<i64> = xs.iter().filter_map(|x| if x % 2 == 0 { Some(x / 2) } else { None }).collect();
                let head: Vec<i64> = xs.iter().copied().take_while(|x| *x > 0).skip_while(|x| *x < 3).collect();
                let far = xs.iter().copied().max_by_key(|x| (x - 5).abs());
                (0..xs.len()).for_each(|i| {
                    rpush(&log, format!("{i}"));
                });
                let mut d = xs.clone();
                d.dedup();
                (halves, head, far, d)
            }
        }
    "#
    .parse()
    .unwrap();
    let lib = redlua_compiler::compile_library(attr, item).unwrap_or_else(|e| panic!("{e:?}"));
    insta::assert_snapshot!("everyday", lib.lua);
}

/// The Lua of user enums: a unit enum is its variant's name (a parameter checked against
/// the variants), an enum with data a table `{ 'Variant', fields.. }`; `match` tests the
/// name, bindings read the fields.
#[test]
fn library_enums() {
    let attr = r#"name = "enums""#.parse().unwrap();
    let item = r#"
        mod enums {
            use redlua::prelude::*;

            #[derive(Clone, Copy, PartialEq, Debug)]
            pub enum State { Idle, Running, Done }

            #[derive(Clone, PartialEq)]
            pub enum Cmd { Add(i64), Set { key: String, v: i64 }, Clear }

            fn apply(total: i64, c: &Cmd) -> i64 {
                match c {
                    Cmd::Add(n) if *n < 0 => total - 1,
                    Cmd::Add(n) => total + n,
                    Cmd::Set { v, .. } => *v,
                    Cmd::Clear => 0,
                }
            }

            #[redis_function]
            pub fn step(s: State, n: i64) -> (State, i64, String) {
                let next = match s {
                    State::Idle | State::Running if n > 0 => State::Running,
                    State::Idle => State::Idle,
                    _ => State::Done,
                };
                let cmds = vec![Cmd::Add(n), Cmd::Set { key: "k".to_string(), v: 2 }, Cmd::Clear];
                let mut total = 0;
                for c in &cmds {
                    total = apply(total, c);
                }
                let same = cmds[2] == Cmd::Clear;
                (next, if same { total } else { -1 }, format!("{next:?}"))
            }
        }
    "#
    .parse()
    .unwrap();
    let lib = redlua_compiler::compile_library(attr, item).unwrap_or_else(|e| panic!("{e:?}"));
    insta::assert_snapshot!("enums", lib.lua);
}

/// The Lua of struct patterns: a struct is a table of its fields in order, so a struct
/// pattern tests and binds `t[i]` as a tuple pattern does; a pattern that binds a part of
/// a struct held by a variable matches a table of its own with the fields (`{ job[1],
/// job[2], job[3] }`), so that `job.tries = ..` in the arm leaves the bindings as they were.
#[test]
fn library_struct_patterns() {
    let attr = r#"name = "struct_patterns""#.parse().unwrap();
    let item = r#"
        mod struct_patterns {
            use redlua::prelude::*;

            #[derive(Clone, Copy, PartialEq)]
            pub struct Pt { pub x: i64, pub y: i64 }

            #[derive(Clone, PartialEq)]
            pub struct Job { pub at: Pt, pub name: String, pub tries: Option<i64> }

            #[redis_function]
            pub fn f(x: i64, name: String) -> (i64, bool, i64) {
                let mut job = Job { at: Pt { x, y: 2 }, name, tries: Some(x) };
                let busy = matches!(job, Job { tries: Some(1..=3), .. });
                let r = match job {
                    Job { at: Pt { x: 0, y }, .. } => y,
                    Job { tries: Some(t), .. } if t > 2 => t,
                    Job { at, tries, .. } => {
                        job.tries = None;
                        at.x + tries.unwrap_or(0)
                    }
                };
                let Job { at: Pt { x: px, .. }, .. } = job.clone() else { return (0, busy, r) };
                let Pt { x: ax, y: ay } = job.at;
                (r + px, busy, ax + ay)
            }
        }
    "#
    .parse()
    .unwrap();
    let lib = redlua_compiler::compile_library(attr, item).unwrap_or_else(|e| panic!("{e:?}"));
    insta::assert_snapshot!("struct_patterns", lib.lua);
}

/// The Lua of `impl` blocks: each function is a helper `h_Type_name` taking the receiver
/// first; a `&mut self` method returns the changed receiver (with its value, in a pair),
/// which the caller stores back into its `let mut` variable.
#[test]
fn library_impls() {
    let attr = r#"name = "impls""#.parse().unwrap();
    let item = r#"
        mod impls {
            use redlua::prelude::*;

            #[derive(Clone, Copy, PartialEq)]
            pub struct Counter { pub n: i64, pub max: i64 }

            impl Counter {
                pub fn new(max: i64) -> Self { Self { n: 0, max } }
                pub fn left(&self) -> i64 { self.max - self.n }
                pub fn bump(&mut self) { self.n += 1; }
                pub fn take(&mut self, k: i64) -> bool {
                    if k > self.left() { return false; }
                    self.n += k;
                    true
                }
            }

            #[derive(Clone, Copy, PartialEq)]
            pub enum Light { Red, Green }

            impl Light {
                pub fn flip(&mut self) {
                    *self = match self { Self::Red => Self::Green, Self::Green => Self::Red };
                }
            }

            #[redis_function(read_only)]
            pub fn run(k: i64) -> (i64, bool, bool) {
                let mut c = Counter::new(10);
                c.bump();
                let ok = c.take(k);
                let mut l = Light::Red;
                l.flip();
                (c.left(), ok, l == Light::Green)
            }
        }
    "#
    .parse()
    .unwrap();
    let lib = redlua_compiler::compile_library(attr, item).unwrap_or_else(|e| panic!("{e:?}"));
    insta::assert_snapshot!("impls", lib.lua);
}

/// The Lua of what ports of real scripts need (rejections with run-time data, ...),
/// compiled from source.
#[test]
fn library_scripts() {
    let attr = r#"name = "scripts""#.parse().unwrap();
    let item = r#"
        mod scripts {
            use redlua::prelude::*;

            #[redis_function]
            pub fn take(tokens: Key, log: Key, n: i64, max: i64) -> Result<i64, Reject> {
                if n > max {
                    return Err(reject!("{} is over {max}", n));
                }
                let left = get::<i64>(&tokens).ok_or(reject!(code = "task", "no tokens after {}", incr(&log)))?;
                let _ = get::<i64>(&log).ok_or_else(|| reject!("no log for {}", n))?;
                Ok(decr_by(&tokens, n.min(left)))
            }

            fn amount(raw: &str, max: i64) -> Result<i64, Reject> {
                let n = raw.parse::<i64>().ok().ok_or(reject!(code = "BADAMOUNT", "not a number: {}", raw))?;
                if n > max {
                    return Err(reject!("{} is over {}", n, max));
                }
                Ok(n)
            }

            #[redis_function]
            pub fn spread(h: Key, z: Key, raw: String, fields: Vec<String>) -> Result<(Value, Value), Reject> {
                let n = amount(&raw, 100)?;
                let pairs: Vec<(f64, String)> = fields.iter().map(|f| (n as f64 / 2.0, f.clone())).collect();
                Ok((call!("HMGET", &h, ..fields), call!("ZADD", &z, ..pairs)))
            }

            #[redis_function(read_only)]
            pub fn shape(board: Key, member: String, x: f64) -> Value {
                match call!("ZRANK", &board, &member).as_int() {
                    None => Value::Nil,
                    Some(0) => Value::status("FIRST"),
                    Some(r) if r < 10 => Value::Array(vec![Value::Int(r), Value::bulk("top"), Value::Nil]),
                    Some(_) => Value::lua_number(x),
                }
            }
        }
    "#
    .parse()
    .unwrap();
    let lib = redlua_compiler::compile_library(attr, item).unwrap_or_else(|e| panic!("{e:?}"));
    insta::assert_snapshot!("scripts", lib.lua);
}

/// The Lua of records (`#[derive(Record)]`): a typed read of a hash with its rejection,
/// a write of the whole record, and a record reply.
#[test]
fn library_records() {
    let attr = r#"name = "records""#.parse().unwrap();
    let item = r#"
        mod records {
            use redlua::prelude::*;

            #[derive(Record, Clone)]
            pub struct Job {
                pub id: String,
                pub attempts: u32,
                pub score: f64,
                pub done: bool,
                pub owner: Option<String>,
            }

            #[redis_function]
            pub fn claim(job: Key, owner: String) -> Result<Option<Job>, Reject> {
                let Some(found) = hgetall_as::<Job>(&job)? else {
                    return Ok(None);
                };
                let mut j = found;
                j.attempts += 1;
                j.owner = Some(owner);
                hset_record(&job, &j);
                Ok(Some(j))
            }
        }
    "#
    .parse()
    .unwrap();
    let lib = redlua_compiler::compile_library(attr, item).unwrap_or_else(|e| panic!("{e:?}"));
    insta::assert_snapshot!("records", lib.lua);
}

/// The Lua of Lua's numbers for ports (`lua_tonumber`, `lua_tostring`, `lua_arg`, a
/// `LuaNumber` parameter): Lua's own `tonumber` and `tostring`, and the number passed to
/// `redis.call` as it is, so that the server converts it as in the original script.
#[test]
fn library_luanumbers() {
    let attr = r#"name = "luanum""#.parse().unwrap();
    let item = r#"
        mod luanum {
            use redlua::prelude::*;

            #[redis_function]
            pub fn send(k: Key, l: Key, s: String, n: LuaNumber) -> Option<String> {
                let x = lua_tonumber(&s)?;
                set(&k, lua_arg(x + n.0));
                call!("RPUSH", &l, lua_arg(x), lua_arg(-x));
                let args = vec![lua_arg(x / 7.0)];
                call!("RPUSH", &l, ..args);
                Some(lua_tostring(x) + ":" + &lua_tostring(n.0))
            }
        }
    "#
    .parse()
    .unwrap();
    let lib = redlua_compiler::compile_library(attr, item).unwrap_or_else(|e| panic!("{e:?}"));
    insta::assert_snapshot!("luanumbers", lib.lua);
}

/// The Lua of JSON (`#[derive(Json)]`): a typed read with its rejection, the type's
/// descriptor (a nested struct, an Option, a Vec and a map), and a typed write.
#[test]
fn library_json() {
    let attr = r#"name = "json""#.parse().unwrap();
    let item = r#"
        mod json {
            use redlua::prelude::*;
            use std::collections::HashMap;

            #[derive(Json, Clone)]
            pub struct Step {
                pub name: String,
                pub done: bool,
            }

            #[derive(Json, Clone)]
            pub struct Job {
                pub id: String,
                pub attempts: u32,
                pub score: f64,
                pub owner: Option<String>,
                pub steps: Vec<Step>,
                pub counts: HashMap<String, i64>,
            }

            #[redis_function]
            pub fn retry(job: Key, text: String) -> Result<String, Reject> {
                let mut j = json_decode::<Job>(&text)?;
                j.attempts += 1;
                let out = json_encode(&j);
                set(&job, &out);
                Ok(out)
            }
        }
    "#
    .parse()
    .unwrap();
    let lib = redlua_compiler::compile_library(attr, item).unwrap_or_else(|e| panic!("{e:?}"));
    insta::assert_snapshot!("json", lib.lua);
}

/// The Lua of assignment through places: the value first, then each index in a local;
/// a Vec changed in place by `redlua_set_index`, the struct or tuple under it rebuilt
/// with one field replaced (a copy that shares the old table keeps its value);
/// `map[&k]` and `get_mut(..).unwrap()` with Rust's panic on a missing key.
#[test]
fn library_places() {
    let attr = r#"name = "places""#.parse().unwrap();
    let item = r#"
        mod places {
            use redlua::prelude::*;
            use std::collections::HashMap;

            #[derive(Clone, Copy, PartialEq, Debug)]
            pub struct P { pub x: i64, pub y: i64 }

            #[redis_function]
            pub fn places(log: Key, i: usize, n: u8) -> (Vec<P>, (i64, String), Vec<Vec<u8>>, i64) {
                let mut ps = vec![P { x: 1, y: 2 }];
                ps[i].x = 5;
                ps[{ rpush(&log, "i"); i }].y += { rpush(&log, "n"); 1 };
                let mut t = (1, "a".to_string());
                t.0 += 1;
                t.1 += "b";
                let mut g = vec![vec![1u8, 2u8]];
                g[0][i] += n;
                let mut m: HashMap<String, i64> = HashMap::new();
                m.insert("k".to_string(), 1);
                *m.get_mut("k").unwrap() += 2;
                (ps, t, g, m["k"])
            }
        }
    "#
    .parse()
    .unwrap();
    let lib = redlua_compiler::compile_library(attr, item).unwrap_or_else(|e| panic!("{e:?}"));
    insta::assert_snapshot!("places", lib.lua);
}

/// The Lua of `{:?}` and `{:#?}`: integers and bools as with `{}`, a float through
/// `redlua_debug_float`, compound values through `redlua_debug` with a descriptor of the
/// type; no string is Debug-formatted, so the Unicode table is not in the chunk.
#[test]
fn library_debug() {
    let attr = r#"name = "debug""#.parse().unwrap();
    let item = r#"
        mod debug {
            use redlua::prelude::*;

            #[derive(Clone, Debug)]
            pub struct Point { pub x: f64, pub tags: Vec<i64> }

            #[derive(Clone, Copy, PartialEq, Debug)]
            pub enum Shape { Dot, Line(i64), Box { w: i64, h: i64 } }

            #[redis_function]
            pub fn show(n: i64, x: f64, flag: bool) -> Result<String, Reject> {
                let p = Point { x, tags: vec![n, n + 1] };
                let o = if flag { Some((n, x)) } else { None };
                if n < 0 {
                    return Err(reject!("negative: {:?}", o));
                }
                Ok(format!("{n:?} {x:?} {flag:?} {p:?} {:?} {:#?}", vec![Shape::Dot, Shape::Line(n), Shape::Box { w: 1, h: 2 }], o))
            }
        }
    "#
    .parse()
    .unwrap();
    let lib = redlua_compiler::compile_library(attr, item).unwrap_or_else(|e| panic!("{e:?}"));
    assert!(!lib.lua.contains("redlua_debug_escapes"));
    insta::assert_snapshot!("debug", lib.lua);
}

/// The Lua of `{:?}` of a string: `redlua_debug_str`, with the table of the code points
/// Rust escapes (`compiler/lualib/debug_escapes.lua`, generated from Rust's own `{:?}`).
#[test]
fn library_debug_str() {
    let attr = r#"name = "debug_str""#.parse().unwrap();
    let item = r#"
        mod debug_str {
            use redlua::prelude::*;

            #[redis_function]
            pub fn quoted(s: String) -> String {
                format!("got {:?}", s)
            }
        }
    "#
    .parse()
    .unwrap();
    let lib = redlua_compiler::compile_library(attr, item).unwrap_or_else(|e| panic!("{e:?}"));
    insta::assert_snapshot!("debug_str", lib.lua);
}

/// `&mut` bindings to places: `iter_mut()` loops (a struct in a Vec rebuilt with one field
/// replaced, a row's own Vec changed in place), `if let Some(x) = map.get_mut(&k)` with a
/// Vec pushed in place, `let x = &mut v[i];` (the index computed and checked once, at the
/// borrow) and a `&mut self` method called on an element, its receiver stored back.
#[test]
fn library_mutrefs() {
    let attr = r#"name = "mutrefs""#.parse().unwrap();
    let item = r#"
        mod mutrefs {
            use redlua::prelude::*;
            use std::collections::HashMap;

            #[derive(Clone, Copy, PartialEq, Debug)]
            pub struct P { pub x: i64, pub y: i64 }

            impl P {
                pub fn bump(&mut self, d: i64) { self.x += d; }
            }

            #[redis_function]
            pub fn mutrefs(log: Key, i: usize, k: String, n: i64) -> (Vec<P>, Vec<Vec<i64>>, Vec<i64>) {
                let mut ps = vec![P { x: 1, y: 2 }, P { x: 3, y: 4 }];
                for p in ps.iter_mut() {
                    p.x += n;
                }
                ps[i].bump(n);
                let mut g = vec![vec![1, 2], vec![3]];
                for (j, row) in g.iter_mut().enumerate() {
                    for c in row.iter_mut() {
                        *c *= 2;
                    }
                    row.push(j as i64);
                }
                let mut m: HashMap<String, Vec<i64>> = HashMap::new();
                m.insert(k.clone(), Vec::new());
                if let Some(xs) = m.get_mut(&k) {
                    xs.push(n);
                } else {
                    rpush(&log, "none");
                }
                let x = &mut g[0][{ rpush(&log, "i"); i }];
                *x += 1;
                (ps, g, m[&k].clone())
            }
        }
    "#
    .parse()
    .unwrap();
    let lib = redlua_compiler::compile_library(attr, item).unwrap_or_else(|e| panic!("{e:?}"));
    insta::assert_snapshot!("mutrefs", lib.lua);
}

/// A library whose helpers are in a file shared with other libraries
/// (`helpers = ".."`): the shared `fn`s it calls are emitted like its own helpers, the
/// others are not.
#[test]
fn library_shared_helpers() {
    let attr = r#"name = "shared_limits", helpers = "integration/shared/ttl.rs""#.parse().unwrap();
    let item = r#"
        mod limits {
            use crate::ttl::{bump, clamp_ttl};
            use redlua::prelude::*;

            #[redis_function]
            pub fn hit(counter: Key, limit: i64, window: i64) -> (bool, i64) {
                let n = bump(&counter, 1, window);
                (n <= limit, clamp_ttl(window, 3600))
            }
        }
    "#
    .parse()
    .unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = redlua_compiler::compile_library_in_crate(dir, "limits.rs", attr, item).unwrap_or_else(|e| panic!("{e:?}"));
    insta::assert_snapshot!("shared_helpers", lib.lua);
}
