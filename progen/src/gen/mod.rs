//! The program generator: random, well-typed redlua libraries.
//!
//! Generation is type-directed: `expr(ty, depth)` picks one of the productions that give a
//! value of `ty` (a literal, a variable in scope, an operator, a method, a command, a block,
//! a helper call ..), generating its operands the same way. Every production records the
//! construct of the language reference it exercises (see [`CONSTRUCTS`]); the coverage test
//! checks that each one comes out.
//!
//! Programs are meant to be well-typed and accepted by rustc and by redlua. Integers stay
//! within ±(2^53 − 1) by construction: every integer expression is generated under a bound
//! on its magnitude, and sources of unknown magnitude (parameters, replies, parsed text) are
//! reduced with `%` where the bound requires it. A few edge productions deliberately leave
//! that range; the harness counts a Lua error that says so as an explained difference.
//! Loops always terminate: `while` and `loop` carry a fuel counter, ranges are short.

// `*self.rng.pick(WORDS)`: the explicit deref picks `T = &str` (clippy's fix would not).
#![allow(clippy::explicit_auto_deref)]

use crate::ast::*;
use crate::rng::Rng;
use std::collections::{BTreeMap, BTreeSet};

mod chains;
mod commands;
mod exprs;
mod mutrefs;
mod records;

mod enums;
mod extras;
mod places;
mod stmts;
mod text;
mod values;

use chains::*;
use enums::MethodSig;
pub use exprs::simplest;
pub use records::{json_param_struct, json_text, STRUCT_FIELDS};
pub use text::FIELD_NAMES;

/// The largest integer magnitude Lua holds exactly.
pub const LIMIT: u64 = (1 << 53) - 1;

/// Known open differences that the generator can steer around, each named after the
/// problem of issue 13 it avoids. A switch is on while the fix is not merged, so that the
/// CI run stays green; removing it lets the generator produce such programs again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Avoid {
    /// Problem 1: a `Copy` struct shares one Lua table with its copies. With the switch, a
    /// `Copy` struct held in a variable is never mutated after it was copied (fields of
    /// `Copy` structs are not assigned at all), so the sharing cannot be observed.
    CopyAliasing,
    /// Problem 2: iterator chains whose closures send commands run eagerly. With the
    /// switch, closures in iterator chains never send a command or call a writing helper.
    EagerChains,
    /// Problem 3: an integer `-0` reaching a command is sent as `"-0"`. With the switch,
    /// the integer arguments of commands and `as f64` conversions only come from
    /// expressions that cannot be `-0` (literals, replies, lengths, variables never
    /// assigned a product, quotient, remainder, negation, difference or parsed value).
    NegZero,
    /// Problem 4: a rejection whose code or text looks like a server refusal (`BUSY`,
    /// `NOSCRIPT`, `ERR Function not found` ..) is taken for one. With the switch,
    /// `reject!` codes and messages come from a list that cannot be mistaken.
    RefusalCodes,
    /// Problem 6: integer types narrower than `i64` follow `i64` rules. With the switch, no
    /// `as u8` / `as u32` / `as usize` of a value that could be out of the target's range.
    NarrowInts,
    /// Problem 7: order of evaluation differs when the parts of one expression have side
    /// effects. With the switch, commands, writing helpers and assignments to variables
    /// declared outside happen only at statement level (a whole `let` initialiser, a
    /// statement, a block's own statements), never inside an operand of another expression.
    EvalOrder,
}

impl Avoid {
    /// Every switch.
    pub const ALL: [Avoid; 6] = [Avoid::CopyAliasing, Avoid::EagerChains, Avoid::NegZero, Avoid::RefusalCodes, Avoid::NarrowInts, Avoid::EvalOrder];

    /// The name used on the command line (`--allow copy-aliasing`).
    pub fn name(self) -> &'static str {
        match self {
            Avoid::CopyAliasing => "copy-aliasing",
            Avoid::EagerChains => "eager-chains",
            Avoid::NegZero => "neg-zero",
            Avoid::RefusalCodes => "refusal-codes",
            Avoid::NarrowInts => "narrow-ints",
            Avoid::EvalOrder => "eval-order",
        }
    }

    pub fn from_name(s: &str) -> Option<Avoid> {
        Avoid::ALL.into_iter().find(|a| a.name() == s)
    }
}

/// Generation settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// The switches that are on.
    pub avoid: BTreeSet<Avoid>,
    /// Statements of the redis function's body (an upper bound).
    pub max_stmts: usize,
    /// Expression depth.
    pub max_depth: usize,
    /// Helper functions.
    pub max_helpers: usize,
}

impl Default for Config {
    /// The switches of the problems that are fixed are off, so the generator writes those
    /// programs on purpose. One stays on: `RefusalCodes` (such rejections are now compile
    /// errors, so the programs would only be refused). A negative value cast to `u64` /
    /// `usize` (`NarrowInts` off) is an error in the Lua where Rust wraps it beyond 2^53,
    /// the documented deviation that the comparison counts as explained.
    fn default() -> Config {
        Config { avoid: [Avoid::RefusalCodes].into_iter().collect(), max_stmts: 14, max_depth: 4, max_helpers: 3 }
    }
}

/// The constructs of the language reference (book/src/language.md), one name per row or
/// feature: the coverage test requires each to be produced.
pub const CONSTRUCTS: &[&str] = &[
    // Types
    "type i64",
    "type f64",
    "type bool",
    "type String",
    "type &str",
    "type Key",
    "type Option",
    "type Result<_, Reject>",
    "type Vec",
    "type tuple",
    "type HashMap",
    "closure",
    "struct literal",
    "struct field read",
    "struct field write",
    "struct clone",
    "struct copy (let mut b = a)",
    "struct mut parameter",
    "struct ==",
    "Copy struct",
    "reject!",
    "reject! with code",
    "as u8 / u32 / usize",
    // HashMap
    "HashMap::new",
    "map.insert",
    "map.get",
    "map.contains_key",
    "map.remove",
    "map.len",
    "map.is_empty",
    "for (k, v) in &map",
    "collect into HashMap",
    // Statements
    "let",
    "let shadowing",
    "let mut",
    "let (a, b)",
    "let with a Lua keyword name",
    "const in a body",
    "if",
    "else if",
    "if as a value",
    "match on integers",
    "match on strings",
    "match on bools",
    "match on ranges",
    "match on Option",
    "match on tuples",
    "match guard",
    "match |",
    "match _",
    "if let",
    "while",
    "loop",
    "for over a..b",
    "for over a..=b",
    "for over .rev()",
    "for over .step_by(n)",
    "for over .rev().step_by(n)",
    "for over .step_by(n).rev()",
    "for over a Vec",
    "break",
    "continue",
    "break 'label",
    "continue 'label",
    "return",
    // Operators
    "+",
    "-",
    "*",
    "unary -",
    "&",
    "|",
    "^",
    "<<",
    ">>",
    "! on integers",
    "compound assignment",
    "bit compound assignment",
    "& | ^ on bools",
    "/",
    "%",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "&&",
    "||",
    "!",
    "string ordering",
    "float arithmetic",
    // Text
    "format!",
    "format! {:.N}",
    "format! width and alignment",
    "format! fill",
    "format! zero padding",
    "format! named argument",
    "a + &b",
    "to_string",
    "parse::<i64>",
    "parse::<f64>",
    ".ok()",
    ".unwrap_or",
    ".is_ok / .is_err",
    // Numbers
    "float as i64",
    "int as f64",
    "floor / ceil / round / trunc",
    "abs",
    "sqrt",
    "powi",
    "powf",
    "pow",
    "min / max",
    "clamp",
    "is_nan",
    "rem_euclid / div_euclid",
    "signum",
    "checked_*",
    "is_positive / is_negative",
    // Functions
    "helper fn",
    "helper calls helper",
    "recursive helper",
    "fn item in a body",
    "? on Option",
    "ok_or(reject!(..))?",
    "let else",
    "while let Some(x) = v.pop()",
    "Option::map",
    "Option::and_then",
    "Option::filter",
    "Option::is_some_and",
    "Option::unwrap_or_else",
    "Option::unwrap_or_default",
    "Option::is_some / is_none",
    "Some(..)",
    // Vec
    "vec![..]",
    "vec![x; n]",
    "Vec::new / with_capacity",
    "v[i]",
    "v[i] = x",
    "push",
    "pop",
    "len",
    "is_empty",
    "contains",
    "extend",
    "sum",
    "clone",
    "to_vec",
    "sort",
    "sort_unstable",
    "sort_by_key",
    "reverse",
    "join",
    "first / last",
    "insert(i, x)",
    "remove(i)",
    "truncate",
    "retain",
    "map.keys() / values()",
    "entry().or_insert",
    "entry().or_default",
    // Iterators
    "iter() over a Vec",
    "into_iter()",
    "iterate a range",
    "split",
    "lines",
    "splitn",
    "chars",
    "char class tests",
    "chunks",
    "rev",
    "map",
    "filter",
    "enumerate",
    "take",
    "skip",
    "zip",
    "copied / cloned",
    "collect into Vec",
    "collect into String",
    "sum of an iterator",
    "count",
    "any / all",
    "min / max of an iterator",
    "find",
    "position",
    "for over an iterator chain",
    "for (i, x) in enumerate",
    "closure |&x| / |(a, b)|",
    // Strings
    "split_once / rsplit_once",
    "strip_prefix / strip_suffix",
    "trim_*_matches",
    "is_char_boundary",
    "&s[a..b]",
    "push_str / push",
    "char literal pattern",
    "trim / trim_start / trim_end",
    "to_ascii_uppercase / lowercase",
    "replace",
    "repeat",
    "find / rfind",
    "chars().count()",
    "starts_with / ends_with",
    "contains on strings",
    "eq_ignore_ascii_case",
    // Parameters and keys
    "trailing Option parameter",
    "Vec<Key> parameter",
    "Vec<T> parameter",
    "key.derive",
    "read_only function",
    // Commands
    "command: strings",
    "command: counters",
    "command: lists",
    "command: hashes",
    "command: sets",
    "command: sorted sets",
    "command: keys",
    "call!",
    "try_call!",
    // Records and JSON
    "derive(Record)",
    "derive(Json)",
    "nested Json struct",
    "hgetall_as",
    "hset_record",
    "HSET of a record's field",
    "json_encode",
    "json_decode",
    "json_decode of a parameter",
    "json_decode of GET",
    "json round trip",

    // Assignment through places (places.rs)
    "v[i] op= e",
    "v[i].x = e",
    "t.0 = e",
    "s.a.x = e",
    "g[i][j] = e",
    "s.items[i] = e",
    "*map.get_mut(&k).unwrap() op= e",
    "*map.entry(k).or_insert(d) op= e",
    "place with effects in index / value",
    "place index out of bounds",
    "struct pattern",
    "struct pattern: struct changed in the arm",
    "struct pattern: if let",
    "struct pattern: let destructuring",
    // Slices (places.rs)
    "&v[a..b]",
    "slice .to_vec()",
    "iterate a slice",
    "slice out of range",
    // Everyday Rust (extras.rs)
    "match s.parse::<i64>() { Ok / Err }",
    "Option::map_or",
    "Option::map_or_else",
    "std::cmp::max / min",
    "max_by_key / min_by_key",
    "(0..n).map(..)",
    "filter_map",
    "take_while",
    "skip_while",
    "for_each",
    "dedup",
    "String::from",
    "{:?} of integers / bools",
    "format a bool",
    "clone of Option / tuple / nested Vec",
    "unwrap_or_default of i64 / f64 / bool / Vec",
    // Enums and impl blocks (enums.rs)
    "enum with unit variants",
    "enum with data",
    "enum constructor",
    "enum in Vec / Option / tuple / struct",
    "match on enums",
    "enum match guard",
    "enum match |",
    "enum match _",
    "matches!",
    "enum ==",
    "{:?} of a unit enum",
    "enum parameter",
    "enum reply",
    "impl: associated fn",
    "impl: &self method",
    "impl: &mut self method",
    "impl: self method",
    "impl: method calls method",
    "impl: method called by path",
    "impl: &mut self call stored back",
    // Replies built in the body, run-time rejections, Lua numbers, composition (values.rs)
    "type Value",
    "Value::Nil",
    "Value::Int",
    "Value::bulk",
    "Value::status",
    "Value::Array",
    "Value::Array nested",
    "Value::lua_number",
    "Value by branch",
    "call! returning Value",
    "reject! with format arguments",
    "reject! with a lower-case code",
    "key.name() as data",
    "lua_tonumber",
    "lua_tostring",
    "lua_arg",
    "LuaNumber parameter",
    "helper returning Result",
    "helper(..)? at the call site",
    "helper returning Result as the tail",
    "call! with ..spread",
    "call! spread of pairs",
    "unwrap()",
    "expect(..)",
    "module const",
    "f64 constants",
    "integer MIN / MAX",
    // &mut bindings to places
    "for x in v.iter_mut()",
    "for x in &mut v",
    "iter_mut().enumerate()",
    "iter_mut().rev()",
    "map iter_mut()",
    "map values_mut()",
    "map.get_mut in if let",
    "v.get_mut(i)",
    "first_mut / last_mut",
    "match on get_mut",
    "let x = &mut v[i]",
    "field op= through &mut",
    "Copy element copied before a change",
    "push on a Vec element",
    "command in a &mut loop body",
    // Debug formatting
    "{:?}",
    "{:#?}",
    "{:?} of a String",
    "{:?} of f64",
    "{:?} of Option / Vec / tuple",
    "{:?} of a struct",
    "reject! with {:?}",
];

/// Counts of constructs produced.
pub type Coverage = BTreeMap<&'static str, usize>;

#[derive(Clone, Debug)]
struct Var {
    name: String,
    ty: Ty,
    mutable: bool,
    /// References to the value (`for x in &v`, `&T` parameters, closure parameters of
    /// iterator chains): `*x` / `x.clone()` for its value.
    refs: u8,
    /// An upper bound on the magnitude of an integer.
    bound: u64,
    /// The integer may be `-0` in Lua.
    negz: bool,
    /// Borrowed by an enclosing loop: not to be mutated.
    frozen: u32,
    /// Moved out (a non-`Copy` value redlua cannot `.clone()`): no longer usable.
    moved: bool,
}

/// A helper's signature, as callers see it.
#[derive(Clone, Debug)]
struct Sig {
    name: String,
    params: Vec<Param>,
    ret: Ty,
    writes: bool,
    /// For a recursive helper: the index of its fuel parameter.
    fuel: Option<usize>,
}

#[derive(Clone, Debug, Default)]
struct FnCtx {
    ret: Ty,
    can_write: bool,
    /// Enclosing loops: their labels.
    loops: Vec<Option<String>>,
    /// Inside a closure: variables below this index are captured and must stay unmutated
    /// (and only immutable ones are visible).
    closure_floor: Option<usize>,
    /// Side effects allowed only on variables at or above this index (`Avoid::EvalOrder`).
    effect_floor: Option<usize>,
    /// The helper being generated, when it may call itself.
    recursive: Option<Sig>,
    /// Statements left in this function.
    stmts_left: usize,
    /// The function wrote (a command that writes, a writing helper).
    wrote: bool,
    /// Inside a closure of an iterator chain.
    in_chain: bool,
    /// Variables below this index may not be moved (they live outside the loop or the
    /// closure being generated).
    move_floor: usize,
    /// No side effects at all: code that runs in an arbitrary order (over a map).
    no_effects: bool,
}

/// Strings the generator uses as literals and separators: edges included.
const WORDS: &[&str] = &["", "a", "ab", "abc", "x", "7", " 7", "-0", "1e3", "-12", "0", "a,b", "a b", "é", "日本", "Ab:c", "  pad ", "x\ny", "\t", "9007199254740991", "0.5", "NaN", "inf", ":", ",,"];
const SEPS: &[&str] = &[",", " ", ":", "b", "é", "ab"];
const LUA_KEYWORDS: &[&str] = &["end", "local", "nil", "repeat", "until", "then", "elseif", "function", "not", "and", "or"];
const FIELDS: &[&str] = &["a", "b", "n", "name", "x", "tag", "end"];

/// The generator of one program.
pub struct Gen<'c> {
    rng: Rng,
    cfg: &'c Config,
    structs: Vec<StructDef>,
    enums: Vec<EnumDef>,
    /// The functions of the `impl` blocks generated so far.
    methods: Vec<MethodSig>,
    helpers: Vec<Sig>,
    vars: Vec<Var>,
    /// Scope starts: variables and helpers.
    marks: Vec<(usize, usize)>,
    f: FnCtx,
    fresh: usize,
    /// The next `Option` / `Vec` / map literal may be a bare `None` / `Vec::new()` /
    /// `HashMap::new()`: its type is written next to it (an annotated `let`, a return).
    untyped_ok: bool,
    /// A variable being mutated by the statement under construction: not visible to its
    /// operands (`s.push_str(&s)` does not borrow-check).
    hidden: Option<String>,
    /// Module-level constants: name (as used), type, magnitude bound.
    consts: Vec<(String, Ty, u64)>,
    /// Constructs produced.
    pub hits: Coverage,
}

/// Generates the program named `name` from `seed`; also returns the constructs it used.
pub fn generate(name: &str, seed: u64, cfg: &Config) -> (Program, Coverage) {
    let mut g = Gen { rng: Rng::new(seed), cfg, structs: Vec::new(), enums: Vec::new(), methods: Vec::new(), helpers: Vec::new(), vars: Vec::new(), marks: Vec::new(), f: FnCtx::default(), fresh: 0, untyped_ok: false, hidden: None, consts: Vec::new(), hits: Coverage::new() };
    let p = g.program(name);
    (p, g.hits)
}

impl<'c> Gen<'c> {
    fn hit(&mut self, c: &'static str) {
        debug_assert!(CONSTRUCTS.contains(&c), "unknown construct {c}");
        *self.hits.entry(c).or_default() += 1;
    }

    fn avoid(&self, a: Avoid) -> bool {
        self.cfg.avoid.contains(&a)
    }

    fn chance(&mut self, n: u32, d: u32) -> bool {
        self.rng.chance(n, d)
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("{prefix}{}", self.fresh)
    }

    // ---------------------------------------------------------------------------------
    // Program, structs, helpers

    fn program(&mut self, name: &str) -> Program {
        self.enum_defs();
        let nstructs = self.rng.weighted(&[4, 3, 2]);
        for _ in 0..nstructs {
            let s = match self.derived_struct_def() {
                Some(s) => s,
                None => self.struct_def(),
            };
            self.structs.push(s);
        }
        let read_only = self.chance(1, 6);
        let impls = self.impl_defs(read_only);
        let consts = self.module_consts();
        let nhelpers = self.rng.below(self.cfg.max_helpers + 1);
        let mut helpers = Vec::new();
        for i in 0..nhelpers {
            let h = self.helper(i, read_only);
            helpers.push(h);
        }
        let main = self.main_fn(name, read_only);
        if read_only {
            self.hit("read_only function");
        }
        Program { name: name.to_string(), enums: self.enums.clone(), impls, structs: self.structs.clone(), helpers, main, read_only, consts }
    }

    fn struct_def(&mut self) -> StructDef {
        let copy = self.chance(1, 2);
        let n = 1 + self.rng.below(3);
        let mut fields = Vec::new();
        let mut names: Vec<&str> = FIELDS.to_vec();
        for _ in 0..n {
            let i = self.rng.below(names.len());
            let f = names.remove(i);
            let ty = if copy { self.pick_scalar_copy() } else { self.field_ty() };
            fields.push((f.to_string(), ty));
        }
        // A field holding an earlier struct (`s.a.x`): a `Copy` one in a `Copy` struct.
        let inner: Vec<usize> = (0..self.structs.len()).filter(|&j| !copy || self.structs[j].copy).collect();
        if !inner.is_empty() && !names.is_empty() && self.chance(1, 4) {
            let j = *self.rng.pick(&inner);
            let f = names.remove(self.rng.below(names.len()));
            fields.push((f.to_string(), Ty::Struct(j, self.structs[j].copy)));
        }
        // A field holding an enum (a unit-only one in a `Copy` struct).
        if !names.is_empty() && self.chance(1, 4) {
            if let Some(t) = self.enum_ty(copy) {
                let f = names.remove(self.rng.below(names.len()));
                self.hit("enum in Vec / Option / tuple / struct");
                fields.push((f.to_string(), t));
            }
        }
        StructDef { fields, copy, record: false, json: false }
    }

    fn pick_scalar_copy(&mut self) -> Ty {
        match self.rng.weighted(&[5, 2, 3]) {
            0 => Ty::Int,
            1 => Ty::Float,
            _ => Ty::Bool,
        }
    }

    fn field_ty(&mut self) -> Ty {
        match self.rng.weighted(&[5, 1, 2, 4, 2, 2]) {
            0 => Ty::Int,
            1 => Ty::Float,
            2 => Ty::Bool,
            3 => Ty::Str,
            4 => Ty::opt(self.scalar_ty()),
            _ => Ty::vec(self.scalar_ty()),
        }
    }

    /// A scalar type (no float most of the time: floats have no `Eq` / `Ord`).
    fn scalar_ty(&mut self) -> Ty {
        match self.rng.weighted(&[6, 1, 2, 4]) {
            0 => Ty::Int,
            1 => Ty::Float,
            2 => Ty::Bool,
            _ => Ty::Str,
        }
    }

    /// A value type for variables, parameters and results.
    fn value_ty(&mut self, depth: usize) -> Ty {
        let e = if self.enums.is_empty() { 0 } else { 2 };
        let w = if depth == 0 { [8, 2, 4, 6, 0, 0, 0, 0, 0, e] } else { [8, 2, 4, 6, 3, 3, 1, 2, 2, e] };
        match self.rng.weighted(&w) {
            9 => self.enum_ty(false).unwrap_or(Ty::Int),
            0 => Ty::Int,
            1 => Ty::Float,
            2 => Ty::Bool,
            3 => Ty::Str,
            4 => Ty::opt(self.value_ty(0)),
            5 => Ty::vec(self.elem_ty(depth - 1)),
            6 => Ty::map(self.elem_ty(0)),
            7 => {
                let n = 2 + self.rng.below(2);
                Ty::Tuple((0..n).map(|_| self.value_ty(0)).collect())
            }
            _ => {
                if self.structs.is_empty() {
                    Ty::Int
                } else {
                    let i = self.rng.below(self.structs.len());
                    Ty::Struct(i, self.structs[i].copy)
                }
            }
        }
    }

    /// A type that a Vec or a map may hold: no Option (Lua has one `nil`).
    fn elem_ty(&mut self, depth: usize) -> Ty {
        loop {
            let t = self.value_ty(depth);
            if !matches!(t, Ty::Opt(_)) {
                return t;
            }
        }
    }

    fn helper(&mut self, i: usize, read_only: bool) -> FnDef {
        let name = format!("h{i}");
        let recursive = self.chance(1, 4);
        let mut params = Vec::new();
        let mut fuel = None;
        if recursive {
            fuel = Some(0);
            params.push(Param { name: "depth".into(), ty: Ty::Int, mutable: false, by_ref: false });
        }
        let np = self.rng.below(3);
        for j in 0..np {
            let ty = if self.chance(1, 4) && !read_only { Ty::Key } else { self.value_ty(1) };
            let by_ref = ty == Ty::Key || (!ty.is_copy() && self.chance(1, 2));
            let mutable = !by_ref && (self.chance(1, 4) || matches!(ty, Ty::Struct(..)) && self.chance(1, 2));
            if mutable && matches!(ty, Ty::Struct(..)) {
                self.hit("struct mut parameter");
            }
            params.push(Param { name: format!("p{j}"), ty, mutable, by_ref });
        }
        let ret = match self.rng.weighted(&[6, 2, 1]) {
            0 => self.value_ty(1),
            1 => Ty::opt(self.value_ty(0)),
            _ => Ty::Unit,
        };
        let ret = self.helper_ret(ret);
        let can_write = !read_only && self.chance(1, 2);
        let sig = Sig { name: name.clone(), params: params.clone(), ret: ret.clone(), writes: can_write, fuel };
        self.begin_fn(&params, ret.clone(), can_write, 6);
        let mut body = Block::default();
        if recursive {
            // The base case first: recursion stops when the fuel is spent (and the base
            // case does not call the helper itself).
            let base = if ret == Ty::Unit { None } else { Some(self.expr(&ret, 2)) };
            let stop = match base {
                Some(b) => Expr::tpl(Ty::Unit, "if", "if depth <= 0 {\n    return \u{2};\n}", vec![b]),
                None => Expr::lit(Ty::Unit, "if depth <= 0 {\n    return;\n}"),
            };
            body.stmts.push(Stmt { expr: stop, semi: false });
            self.hit("recursive helper");
            self.f.recursive = Some(sig.clone());
        }
        let rest = self.block_body(&ret, 2);
        body.stmts.extend(rest.stmts);
        body.tail = rest.tail;
        let wrote = self.f.wrote;
        self.end_fn();
        self.helpers.push(Sig { writes: wrote, ..sig });
        FnDef { name, params, ret, body }
    }

    fn main_fn(&mut self, name: &str, read_only: bool) -> FnDef {
        let mut params = Vec::new();
        let nkeys = if read_only { self.rng.below(3) } else { 1 + self.rng.below(3) };
        for i in 0..nkeys {
            params.push(Param { name: format!("k{i}"), ty: Ty::Key, mutable: false, by_ref: false });
        }
        let nargs = self.rng.below(4);
        for i in 0..nargs {
            let unit_enum = self.enums.iter().any(EnumDef::unit_only);
            let ty = match self.rng.weighted(&[6, 2, 2, 5, if unit_enum { 2 } else { 0 }]) {
                0 => Ty::Int,
                1 => Ty::Float,
                2 => Ty::Bool,
                4 => {
                    self.hit("enum parameter");
                    self.enum_ty(true).unwrap_or(Ty::Int)
                }
                _ => Ty::Str,
            };
            let mutable = self.chance(1, 6);
            params.push(Param { name: format!("a{i}"), ty, mutable, by_ref: false });
        }
        self.json_params(&mut params);
        self.lua_number_params(&mut params);
        // Trailing optional parameters, or a last Vec.
        match self.rng.weighted(&[8, 2, 1, 1]) {
            1 => {
                let n = 1 + self.rng.below(2);
                for i in 0..n {
                    let t = match self.rng.below(4) {
                        0 => Ty::Int,
                        1 => Ty::Float,
                        2 => Ty::Bool,
                        _ => Ty::Str,
                    };
                    params.push(Param { name: format!("o{i}"), ty: Ty::opt(t), mutable: false, by_ref: false });
                }
                self.hit("trailing Option parameter");
            }
            2 => {
                let t = match self.rng.below(3) {
                    0 => Ty::Int,
                    1 => Ty::Float,
                    _ => Ty::Str,
                };
                params.push(Param { name: "rest".into(), ty: Ty::vec(t), mutable: false, by_ref: false });
                self.hit("Vec<T> parameter");
            }
            3 if !params.is_empty() => {
                params.push(Param { name: "more".into(), ty: Ty::vec(Ty::Key), mutable: false, by_ref: false });
                self.hit("Vec<Key> parameter");
            }
            _ => {}
        }
        // Keys first: a Vec<Key> parameter must come after the other keys but it is last.
        // An enum with data is not a reply of a redis function.
        let ret = loop {
            let ret = match self.rng.weighted(&[10, 3, 3]) {
                0 => self.value_ty(2),
                1 => Ty::opt(self.value_ty(0)),
                _ => Ty::Res(Box::new(self.value_ty(1))),
            };
            if !self.has_data_enum(&ret) {
                break ret;
            }
        };
        let ret = self.main_ret(ret);
        let ret = self.records_ret(ret, &params);

        if format!("{ret:?}").contains("Enum") {
            self.hit("enum reply");
        }
        if params.iter().any(|p| p.ty == Ty::Key) {
            self.hit("type Key");
        }
        if matches!(ret, Ty::Res(_)) {
            self.hit("type Result<_, Reject>");
        }
        self.begin_fn(&params, ret.clone(), !read_only, self.cfg.max_stmts);
        let body = self.block_body(&ret, self.cfg.max_depth);
        self.end_fn();
        FnDef { name: format!("f_{name}"), params, ret, body }
    }

    fn begin_fn(&mut self, params: &[Param], ret: Ty, can_write: bool, stmts: usize) {
        self.vars.clear();
        self.marks.clear();
        self.f = FnCtx { ret, can_write, stmts_left: stmts, ..FnCtx::default() };
        for (name, ty, bound) in self.consts.clone() {
            self.vars.push(Var { name, ty, mutable: false, refs: 0, bound, negz: false, frozen: 0, moved: false });
        }
        for p in params {
            if p.ty == Ty::LuaNum {
                // Its number, `n.0`, is used like a float variable.
                self.vars.push(Var { name: format!("{}.0", p.name), ty: Ty::Float, mutable: false, refs: 0, bound: LIMIT, negz: false, frozen: 0, moved: false });
                continue;
            }
            let bound = if p.name == "depth" { 8 } else { LIMIT };
            self.vars.push(Var { name: p.name.clone(), ty: p.ty.clone(), mutable: p.mutable, refs: p.by_ref as u8, bound, negz: false, frozen: 0, moved: false });
        }
    }

    fn end_fn(&mut self) {
        self.vars.clear();
        self.marks.clear();
        self.f = FnCtx::default();
    }

    // ---------------------------------------------------------------------------------
    // Scopes and variables

    fn push_scope(&mut self) {
        self.marks.push((self.vars.len(), self.helpers.len()));
    }

    fn pop_scope(&mut self) {
        let (v, h) = self.marks.pop().unwrap_or((0, self.helpers.len()));
        self.vars.truncate(v);
        // `fn` items of the block are not visible after it.
        self.helpers.truncate(h);
    }

    /// Indices of the visible variables (the innermost of each name).
    fn visible(&self) -> Vec<usize> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for (i, v) in self.vars.iter().enumerate().rev() {
            if seen.insert(v.name.clone()) {
                if v.moved || self.hidden.as_ref() == Some(&v.name) {
                    continue;
                }
                if let Some(floor) = self.f.closure_floor {
                    if i < floor && v.mutable {
                        continue;
                    }
                }
                out.push(i);
            }
        }
        out
    }

    /// A visible variable of type `ty` whose value can be taken here.
    fn pick_value_var(&mut self, ty: &Ty) -> Option<usize> {
        let c: Vec<usize> = self.visible().into_iter().filter(|&i| self.vars[i].ty == *ty && self.can_take(i)).collect();
        if c.is_empty() {
            None
        } else {
            Some(*self.rng.pick(&c))
        }
    }

    /// A visible variable of type `ty` satisfying `ok`.
    fn pick_var(&mut self, ty: &Ty, ok: impl Fn(&Var) -> bool) -> Option<usize> {
        let c: Vec<usize> = self.visible().into_iter().filter(|&i| self.vars[i].ty == *ty && ok(&self.vars[i])).collect();
        if c.is_empty() {
            None
        } else {
            Some(*self.rng.pick(&c))
        }
    }

    /// A variable that may be assigned here.
    fn assignable(&self, i: usize) -> bool {
        let v = &self.vars[i];
        if !v.mutable || v.frozen > 0 || v.refs > 0 {
            return false;
        }
        if self.f.closure_floor.is_some_and(|f| i < f) {
            return false;
        }
        if self.f.effect_floor.is_some_and(|f| i < f) {
            return false;
        }
        true
    }

    fn pick_mut_var(&mut self, ok: impl Fn(&Var) -> bool) -> Option<usize> {
        let c: Vec<usize> = self.visible().into_iter().filter(|&i| self.assignable(i) && ok(&self.vars[i])).collect();
        if c.is_empty() {
            None
        } else {
            Some(*self.rng.pick(&c))
        }
    }

    /// Variable `i` can give its value here: `Copy`, clonable, or movable (declared in
    /// this loop iteration and outside any closure).
    fn can_take(&self, i: usize) -> bool {
        let v = &self.vars[i];
        v.ty.is_copy() || clonable(&v.ty) || (v.refs == 0 && i >= self.f.move_floor && v.frozen == 0 && self.f.closure_floor.is_none_or(|f| i >= f))
    }

    /// The value of variable `i` (`*x`, `x.clone()` where Rust needs them; a value redlua
    /// cannot clone is moved, and the variable is no longer used).
    fn use_var(&mut self, i: usize) -> Expr {
        let t = &self.vars[i].ty;
        if !t.is_copy() && (matches!(t, Ty::Opt(_) | Ty::Tuple(_)) || matches!(t, Ty::Vec(e) if matches!(**e, Ty::Vec(_)))) {
            self.hit("clone of Option / tuple / nested Vec");
        }
        let v = &self.vars[i];
        let stars = "*".repeat(v.refs as usize);
        let text = if v.ty.is_copy() {
            format!("{stars}{}", v.name)
        } else if !clonable(&v.ty) {
            let name = v.name.clone();
            self.vars[i].moved = true;
            name
        } else {
            match v.refs {
                0 | 1 => format!("{}.clone()", v.name),
                _ if v.ty == Ty::Str => format!("{}.to_string()", v.name),
                _ => format!("({stars}{}).clone()", v.name),
            }
        };
        Expr::var(self.vars[i].ty.clone(), text)
    }

    /// Variable `i` as a place (for `==`, method receivers and `&x`).
    fn place_var(&self, i: usize) -> Expr {
        let v = &self.vars[i];
        let text = if v.ty == Ty::Key { v.name.clone() } else { format!("{}{}", "*".repeat(v.refs as usize), v.name) };
        Expr::var(v.ty.clone(), text)
    }

    fn declare(&mut self, name: &str, ty: Ty, mutable: bool, bound: u64, negz: bool) {
        self.vars.push(Var { name: name.to_string(), ty, mutable, refs: 0, bound, negz, frozen: 0, moved: false });
    }

    /// A name for a new variable: fresh, a shadowing one, or a Lua keyword.
    fn new_name(&mut self) -> String {
        match self.rng.weighted(&[12, 2, 1]) {
            1 => {
                let vis = self.visible();
                // Never shadow a parameter the fuel of recursion relies on, or a captured one.
                let c: Vec<usize> = vis.into_iter().filter(|&i| self.vars[i].name != "depth" && self.vars[i].frozen == 0 && !self.vars[i].name.contains('.') && !self.vars[i].name.starts_with('C')).collect();
                if c.is_empty() {
                    self.fresh("v")
                } else {
                    let i = *self.rng.pick(&c);
                    self.hit("let shadowing");
                    self.vars[i].name.clone()
                }
            }
            2 => {
                let k = self.rng.pick(LUA_KEYWORDS).to_string();
                // `end` & co. are not Rust keywords; `not`, `and`, `or` neither.
                self.hit("let with a Lua keyword name");
                k
            }
            _ => self.fresh("v"),
        }
    }

    fn keys(&self) -> Vec<usize> {
        self.visible().into_iter().filter(|&i| self.vars[i].ty == Ty::Key && !self.vars[i].name.contains('.')).collect()
    }

    /// Side effects (commands, writing helpers) are allowed here.
    fn effects_ok(&self) -> bool {
        self.f.effect_floor.is_none() && !self.f.no_effects && !(self.f.in_chain && self.avoid(Avoid::EagerChains))
    }

    /// Runs `f` with side effects on outer variables and commands forbidden when
    /// `Avoid::EvalOrder` is on (the operands of one expression).
    fn operand<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> T {
        if !self.avoid(Avoid::EvalOrder) || self.f.effect_floor.is_some() {
            return f(self);
        }
        let saved = self.f.effect_floor;
        self.f.effect_floor = Some(self.vars.len());
        let r = f(self);
        self.f.effect_floor = saved;
        r
    }

    // ---------------------------------------------------------------------------------
    // Blocks and statements

    /// The statements of a function body or block ending in a value of type `ty`.
    fn block_body(&mut self, ty: &Ty, d: usize) -> Block {
        self.push_scope();
        let want = 1 + self.rng.below(self.f.stmts_left.clamp(1, 8));
        let mut stmts = Vec::new();
        for _ in 0..want {
            if self.f.stmts_left == 0 {
                break;
            }
            self.f.stmts_left -= 1;
            if let Some(s) = self.stmt(d) {
                stmts.push(s);
            }
        }
        self.untyped_ok = true;
        let tail = self.tail(ty, d);
        self.untyped_ok = false;
        self.pop_scope();
        Block { stmts, tail }
    }

    /// A block used as a value or a body (`{ .. }`), with fewer statements.
    fn sub_block(&mut self, ty: &Ty, d: usize) -> Block {
        self.push_scope();
        let n = if self.f.stmts_left == 0 { 0 } else { self.rng.below(3.min(self.f.stmts_left) + 1) };
        let mut stmts = Vec::new();
        for _ in 0..n {
            self.f.stmts_left = self.f.stmts_left.saturating_sub(1);
            if let Some(s) = self.stmt(d.saturating_sub(1)) {
                stmts.push(s);
            }
        }
        let tail = self.tail(ty, d.saturating_sub(1));
        self.pop_scope();
        Block { stmts, tail }
    }

    fn tail(&mut self, ty: &Ty, d: usize) -> Option<Box<Expr>> {
        match ty {
            Ty::Unit => None,
            Ty::Res(inner) => {
                let inner = (**inner).clone();
                if let Some(e) = self.res_tail(ty, d) {
                    return Some(Box::new(e));
                }
                if self.chance(1, 5) {
                    Some(Box::new(self.err_reject()))
                } else {
                    let v = self.expr(&inner, d);
                    Some(Box::new(Expr::call(ty.clone(), "Ok", "Ok(\u{2})", vec![v])))
                }
            }
            _ => Some(Box::new(self.expr(ty, d))),
        }
    }

    fn err_reject(&mut self) -> Expr {
        let r = self.reject();
        Expr::call(self.f.ret.clone(), "Err", "Err(\u{2})", vec![r])
    }

    /// A `reject!(..)` value.
    fn reject(&mut self) -> Expr {
        if let Some(r) = self.debug_reject() {
            return r;
        }
        if self.chance(1, 3) {
            return self.reject_fmt();
        }
        let msg = format!("rj{}", self.rng.below(100));
        let (code, msg) = if self.avoid(Avoid::RefusalCodes) {
            match self.rng.below(4) {
                0 => (Some("LIMIT"), msg),
                1 => (Some("ERR"), format!("{msg} too many")),
                _ => (None, msg),
            }
        } else {
            match self.rng.below(6) {
                0 => (Some(*self.rng.pick(&["BUSY", "NOSCRIPT", "LOADING", "READONLY", "NOPERM", "MOVED", "OOM", "TRYAGAIN"])), msg),
                1 => (Some("ERR"), "Function not found".to_string()),
                2 => (Some("LIMIT"), msg),
                3 => (Some("ERR"), format!("{msg} too many")),
                _ => (None, msg),
            }
        };
        match code {
            Some(c) => {
                self.hit("reject! with code");
                Expr::lit(Ty::Unit, format!("reject!(code = \"{c}\", {})", str_lit(&msg)))
            }
            None => {
                self.hit("reject!");
                Expr::lit(Ty::Unit, format!("reject!({})", str_lit(&msg)))
            }
        }
    }
}


/// The variable names an expression mentions (by their text: `x`, `*x`, `x.clone()`).
fn collect_vars(e: &Expr, out: &mut Vec<String>) {
    match &e.kind {
        Kind::Var(t) => {
            let n = t.trim_start_matches('*').trim_start_matches('(').trim_start_matches('*');
            let n = n.split(['.', ')']).next().unwrap_or("");
            out.push(n.to_string());
        }
        Kind::Lit(_) => {}
        Kind::Tpl { kids, .. } => kids.iter().for_each(|k| collect_vars(k, out)),
        Kind::Block(b) => {
            for s in &b.stmts {
                collect_vars(&s.expr, out);
            }
            if let Some(t) = &b.tail {
                collect_vars(t, out);
            }
        }
    }
}

/// redlua can `.clone()` a value of this type (`Copy` values need no clone): tuples, options
/// and nested Vecs included.
fn clonable(t: &Ty) -> bool {
    !matches!(t, Ty::Key | Ty::Res(_))
}

/// The initialiser leaves its type open (`Vec::new()`, `None` ..): `let` needs the type.
fn ty_needs_annot(e: &Expr) -> bool {
    match &e.kind {
        Kind::Lit(t) => t.contains("new()") || t == "None" || t.starts_with("vec![]"),
        Kind::Tpl { tag, .. } => matches!(*tag, "collect" | "parse" | "get" | "none" | "vec" | "match" | "if" | "block" | "Some") || tag.starts_with("cmd"),
        _ => true,
    }
}

// -------------------------------------------------------------------------------------
// Expressions

/// Integer literals near the edges and small ones.
fn int_literal(rng: &mut Rng, m: u64) -> i64 {
    let m = m.min(LIMIT) as i64;
    match rng.weighted(&[4, 3, 2, 1, 1]) {
        0 => rng.range(-3, 3).clamp(-m, m),
        1 => rng.range(-100, 100).clamp(-m, m),
        2 => rng.range(-m.min(1_000_000), m.min(1_000_000)),
        3 => {
            if rng.chance(1, 2) {
                m
            } else {
                -m
            }
        }
        _ => rng.range(-m, m),
    }
}

fn float_literal(rng: &mut Rng) -> String {
    match rng.weighted(&[4, 2, 1, 1, 1, 1, 1, 1]) {
        0 => float_lit(rng.range(-40, 40) as f64 / 4.0),
        1 => float_lit(*rng.pick(&[0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 0.1, 1e21, 1.5e-7, 123456.789, 9007199254740991.0])),
        2 => "(1.0f64 / 0.0)".to_string(),
        3 => "(-1.0f64 / 0.0)".to_string(),
        4 => "(0.0f64 / 0.0)".to_string(),
        5 => float_lit(9007199254740993.0),
        6 => float_lit(-0.0),
        _ => float_lit(rng.range(-1_000_000, 1_000_000) as f64 / 1000.0),
    }
}
