//! Inputs of a generated program: argument values at the edges, and the initial keyspace
//! both servers start from.

use crate::ast::{enum_name, float_lit, str_lit, Param, StructDef, Ty, VARIANTS};
use crate::gen::{json_param_struct, json_text, FIELD_NAMES, LIMIT, STRUCT_FIELDS};
use crate::rng::Rng;

/// One argument value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Key(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(String),
    Opt(Option<Box<Value>>),
    Vec(Vec<Value>),
    /// A unit variant of enum `.0` (the typed stub takes the enum: always a valid name).
    Variant(usize, &'static str),
}

/// One input: the arguments and the initial keyspace (commands, each a list of words).
#[derive(Clone, Debug, PartialEq)]
pub struct Input {
    pub args: Vec<Value>,
    pub seed: Vec<Vec<String>>,
}

/// Key names: few, so that parameters sometimes name the same key, with a hash tag and
/// a multi-byte one.
pub const KEY_NAMES: &[&str] = &["a", "b", "c", "{t}x", "é"];
/// Key names the programs derive (`key.derive(":a")`).
const DERIVED: &[&str] = &[":a", ":b"];

const STRINGS: &[&str] = &["", " 7", "-0", "1e3", "7", "-12", "0", "abc", "a,b", "a b", "é", "日本語", "x:y", "  pad ", "9007199254740991", "-9007199254740991", "9007199254740992", "0.5", "NaN", "inf", "-inf", "0x10", "+5", "a\nb", "\t", "Ab:c", ",,", "ab"];

/// Texts of `LuaNumber` parameters: Lua's `tonumber` edges (white space, hex and hex
/// floats, exponents, infinities and NaNs, `-0`, overflow and underflow, beyond 2^53), and a
/// few texts it refuses (the call fails on both sides).
const LUA_TEXTS: &[&str] = &[
    " 7 ", "\t-7\n", "7", "+7", "-0", "0", "0x1F", "-0x10", " 0x1p4 ", "0x1.8p1", "1e3", "1E+3", "1e-5", ".5", "5.", "-.5e1", "inf", "-inf", "Infinity", "nan", "-nan",
    "NaN", "nan(12)", "1e400", "-1e400", "1e-400", "2.5e-310", "9007199254740993", "9007199254740992", "0.1", "123456789012345678", "1e16", "1e308", "100", "-1.5e-7",
    "0x1FFFFFFFFFFFFF1", "7abc", "", "1e", "0x",
];

/// Text values stored in the keyspace: integers at the edges and text that is not one.
const STORED: &[&str] = &["0", "1", "-1", "5", "42", "-0", " 7", "1e3", "0.5", "-2.5", "abc", "", "é", "9007199254740991", "-9007199254740991", "9007199254740992", "inf", "a,b"];

pub fn int_value(rng: &mut Rng) -> i64 {
    let lim = LIMIT as i64;
    match rng.weighted(&[3, 3, 2, 2, 1]) {
        0 => *rng.pick(&[0, 1, -1, 2, 7, -7, 10]),
        1 => rng.range(-100, 100),
        2 => *rng.pick(&[lim, -lim, lim - 1, -lim + 1, 1 << 31, -(1 << 31), (1 << 32) - 1, 1 << 32]),
        3 => rng.range(-1_000_000, 1_000_000),
        _ => rng.range(-lim, lim),
    }
}

pub fn float_value(rng: &mut Rng) -> f64 {
    match rng.weighted(&[3, 2, 2, 2]) {
        0 => *rng.pick(&[0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 1.0, 100.0]),
        1 => *rng.pick(&[f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e21, 1e-7, 9007199254740991.0, 9007199254740993.0, -1e300]),
        2 => rng.range(-1000, 1000) as f64 / 8.0,
        _ => rng.range(-1_000_000_000, 1_000_000_000) as f64 / 1000.0,
    }
}

pub fn str_value(rng: &mut Rng) -> String {
    if rng.chance(3, 4) {
        rng.pick(STRINGS).to_string()
    } else {
        let n = rng.below(6);
        (0..n).map(|_| *rng.pick(&['a', 'b', ' ', ',', ':', '7', 'é', '-', 'Z'])).collect()
    }
}

fn value(rng: &mut Rng, ty: &Ty) -> Value {
    match ty {
        Ty::Key => Value::Key(rng.pick(KEY_NAMES).to_string()),
        Ty::Int => Value::Int(int_value(rng)),
        Ty::Float => Value::Float(float_value(rng)),
        Ty::Bool => Value::Bool(rng.chance(1, 2)),
        Ty::Str => Value::Str(str_value(rng)),
        Ty::LuaNum => Value::Str(if rng.chance(4, 5) { rng.pick(LUA_TEXTS).to_string() } else { format!("{}", float_value(rng)) }),
        Ty::Opt(t) => Value::Opt(if rng.chance(1, 3) { None } else { Some(Box::new(value(rng, t))) }),
        Ty::Vec(t) => Value::Vec((0..rng.below(4)).map(|_| value(rng, t)).collect()),
        // Every enum has at least two variants, in the order of `VARIANTS`.
        Ty::Enum(i, _) => Value::Variant(*i, VARIANTS[rng.below(2)]),
        _ => Value::Int(0),
    }
}

/// The arguments of one call: trailing options left out after a first one left out (ARGV
/// has no holes).
pub fn args(rng: &mut Rng, params: &[Param], structs: &[StructDef]) -> Vec<Value> {
    let mut out = Vec::new();
    let mut absent = false;
    for p in params {
        // A JSON text parameter: a text for its struct, valid or damaged.
        let mut v = match json_param_struct(&p.name) {
            Some(i) if p.ty == Ty::Str && rng.chance(7, 8) => Value::Str(json_text(rng, structs, i)),
            _ => value(rng, &p.ty),
        };
        if let Value::Opt(o) = &mut v {
            if absent {
                *o = None;
            }
            absent |= o.is_none();
        }
        out.push(v);
    }
    out
}

/// An initial keyspace: each key absent or holding a string, list, hash, set or sorted set,
/// sometimes with a TTL.
pub fn keyspace(rng: &mut Rng, structs: &[StructDef]) -> Vec<Vec<String>> {
    let mut names: Vec<String> = KEY_NAMES.iter().map(|k| k.to_string()).collect();
    for k in KEY_NAMES {
        for d in DERIVED {
            names.push(format!("{k}{d}"));
        }
    }
    let mut out = Vec::new();
    let w = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<String>>();
    for k in &names {
        match rng.weighted(&[5, 4, 2, 2, 1, 2]) {
            0 => {}
            1 => {
                // Sometimes a JSON text for one of the program's JSON structs.
                let js: Vec<usize> = (0..structs.len()).filter(|&i| structs[i].json).collect();
                if !js.is_empty() && rng.chance(1, 2) {
                    let i = *rng.pick(&js);
                    let text = json_text(rng, structs, i);
                    out.push(vec!["SET".to_string(), k.clone(), text]);
                } else {
                    out.push(w(&["SET", k, *rng.pick(STORED)]));
                }
            }
            2 => {
                let mut c = w(&["RPUSH", k]);
                for _ in 0..1 + rng.below(3) {
                    c.push(rng.pick(STORED).to_string());
                }
                out.push(c);
            }
            3 => {
                // Sometimes the fields of the program's structs (a record's hash).
                let names = if !structs.is_empty() && rng.chance(1, 2) { STRUCT_FIELDS } else { FIELD_NAMES };
                let mut c = w(&["HSET", k]);
                for _ in 0..1 + rng.below(4) {
                    c.push(rng.pick(names).to_string());
                    c.push(rng.pick(STORED).to_string());
                }
                out.push(c);
            }
            4 => {
                let mut c = w(&["SADD", k]);
                for _ in 0..1 + rng.below(3) {
                    c.push(rng.pick(FIELD_NAMES).to_string());
                }
                out.push(c);
            }
            _ => {
                let mut c = w(&["ZADD", k]);
                for _ in 0..1 + rng.below(3) {
                    c.push(rng.pick(&["0", "1.5", "-2", "inf", "-inf", "1e300", "3"]).to_string());
                    c.push(rng.pick(FIELD_NAMES).to_string());
                }
                out.push(c);
            }
        }
        if rng.chance(1, 10) && out.last().is_some_and(|c| c[1] == *k) {
            out.push(w(&["EXPIRE", k, "1000"]));
        }
    }
    out
}

/// The inputs of a program.
pub fn inputs(seed: u64, params: &[Param], structs: &[StructDef], n: usize) -> Vec<Input> {
    let mut rng = Rng::new(seed ^ 0x1234_5678);
    (0..n).map(|_| Input { args: args(&mut rng, params, structs), seed: keyspace(&mut rng, structs) }).collect()
}

/// The argument as the typed stub takes it (for a parameter of type `ty`).
pub fn stub_arg(v: &Value, ty: &Ty) -> String {
    match (v, ty) {
        (Value::Key(k) | Value::Str(k), _) => str_lit(k),
        (Value::Int(n), _) => format!("{n}i64"),
        (Value::Float(x), _) => float_rust(*x),
        (Value::Bool(b), _) => b.to_string(),
        (Value::Variant(i, v), _) => format!("{}::{v}", enum_name(*i)),
        (Value::Opt(None), _) => "None".into(),
        (Value::Opt(Some(x)), Ty::Opt(t)) => format!("Some({})", stub_arg(x, t)),
        (Value::Vec(xs), Ty::Vec(t)) => {
            let parts: Vec<String> = xs.iter().map(|x| stub_arg(x, t)).collect();
            // An empty Vec still needs its element type.
            let et = match &**t {
                Ty::Key | Ty::Str => "&str".to_string(),
                t => t.rust(),
            };
            format!("{{ let v: Vec<{et}> = vec![{}]; v }}", parts.join(", "))
        }
        (v, _) => format!("/* {v:?} */"),
    }
}

/// The argument as the native twin takes it (of parameter type `ty`).
pub fn twin_arg(v: &Value, ty: &Ty) -> String {
    match (v, ty) {
        (Value::Key(k), _) => format!("Key::from({})", str_lit(k)),
        // The twin takes the number; a text Lua refuses panics (the Lua fails the call).
        (Value::Str(s), Ty::LuaNum) => format!("LuaNumber::parse({}).expect(\"a number as Lua's tonumber reads it\")", str_lit(s)),
        (Value::Str(s), _) => format!("{}.to_string()", str_lit(s)),
        (Value::Opt(None), _) => "None".into(),
        (Value::Opt(Some(x)), Ty::Opt(t)) => format!("Some({})", twin_arg(x, t)),
        (Value::Vec(xs), Ty::Vec(t)) => {
            let parts: Vec<String> = xs.iter().map(|x| twin_arg(x, t)).collect();
            format!("{{ let v: Vec<{}> = vec![{}]; v }}", t.rust(), parts.join(", "))
        }
        (v, t) => stub_arg(v, t),
    }
}

/// A float as Rust source in ordinary code (not inside a redis function).
fn float_rust(x: f64) -> String {
    if x.is_nan() {
        "f64::NAN".into()
    } else if x.is_infinite() {
        if x > 0.0 { "f64::INFINITY".into() } else { "f64::NEG_INFINITY".into() }
    } else {
        format!("{}f64", float_lit(x))
    }
}

/// The keyspace as Rust source: `&[&["SET", "a", "1"], ..]`.
pub fn seed_rust(seed: &[Vec<String>]) -> String {
    let cmds: Vec<String> = seed.iter().map(|c| format!("&[{}]", c.iter().map(|w| str_lit(w)).collect::<Vec<_>>().join(", "))).collect();
    format!("&[{}]", cmds.join(", "))
}

/// A readable form of the arguments, for reports.
pub fn describe(args: &[Value], params: &[Param]) -> String {
    args.iter().zip(params).map(|(a, p)| stub_arg(a, &p.ty)).collect::<Vec<_>>().join(", ")
}
