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
    /// Constructs produced.
    pub hits: Coverage,
}

/// Generates the program named `name` from `seed`; also returns the constructs it used.
pub fn generate(name: &str, seed: u64, cfg: &Config) -> (Program, Coverage) {
    let mut g = Gen { rng: Rng::new(seed), cfg, structs: Vec::new(), helpers: Vec::new(), vars: Vec::new(), marks: Vec::new(), f: FnCtx::default(), fresh: 0, untyped_ok: false, hidden: None, hits: Coverage::new() };
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
        let nstructs = self.rng.weighted(&[4, 3, 2]);
        for _ in 0..nstructs {
            let s = self.struct_def();
            self.structs.push(s);
        }
        let read_only = self.chance(1, 6);
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
        Program { name: name.to_string(), structs: self.structs.clone(), helpers, main, read_only }
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
        StructDef { fields, copy }
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
        let w = if depth == 0 { [8, 2, 4, 6, 0, 0, 0, 0, 0] } else { [8, 2, 4, 6, 3, 3, 1, 2, 2] };
        match self.rng.weighted(&w) {
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
            let ty = match self.rng.weighted(&[6, 2, 2, 5]) {
                0 => Ty::Int,
                1 => Ty::Float,
                2 => Ty::Bool,
                _ => Ty::Str,
            };
            let mutable = self.chance(1, 6);
            params.push(Param { name: format!("a{i}"), ty, mutable, by_ref: false });
        }
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
        let ret = match self.rng.weighted(&[10, 3, 3]) {
            0 => self.value_ty(2),
            1 => Ty::opt(self.value_ty(0)),
            _ => Ty::Res(Box::new(self.value_ty(1))),
        };
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
        for p in params {
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

    fn stmt(&mut self, d: usize) -> Option<Stmt> {
        let in_loop = !self.f.loops.is_empty();
        let w = [
            10,                                      // let
            5,                                       // assign
            if self.effects_ok() && !self.keys().is_empty() && self.f.can_write { 6 } else { 0 }, // command
            4,                                       // if
            3,                                       // loops
            2,                                       // match statement
            3,                                       // collection mutation
            if in_loop { 2 } else { 0 },             // break / continue
            1,                                       // early return
            1,                                       // const / fn item
            // The open problems, written on purpose when their switch is off.
            if self.avoid(Avoid::CopyAliasing) { 0 } else { 2 },
            if self.avoid(Avoid::EagerChains) || !self.effects_ok() || self.keys().is_empty() || !self.f.can_write { 0 } else { 2 },
            if self.avoid(Avoid::EvalOrder) || !self.effects_ok() { 0 } else { 2 },
        ];
        match self.rng.weighted(&w) {
            10 => self.copy_alias_stmt(d),
            11 => self.eager_chain_stmt(d),
            12 => self.eval_order_stmt(d),
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

    fn let_stmt(&mut self, d: usize) -> Stmt {
        if self.chance(1, 10) {
            return self.let_else(d);
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
    fn let_else(&mut self, d: usize) -> Stmt {
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

    fn assign_stmt(&mut self, d: usize) -> Option<Stmt> {
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

    fn if_stmt(&mut self, d: usize) -> Stmt {
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
    fn loop_body(&mut self, d: usize, label: Option<String>, prefix: Vec<Stmt>) -> Block {
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

    fn label(&mut self) -> Option<String> {
        if self.chance(1, 4) {
            Some(format!("'{}", self.fresh("l")))
        } else {
            None
        }
    }

    fn loop_stmt(&mut self, d: usize) -> Stmt {
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
                let (range, hi) = match self.rng.weighted(&[4, 2, 2, 2]) {
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
                    _ => {
                        self.hit("for over .step_by(n)");
                        let step = self.rng.range(1, 3);
                        (format!("(\u{5}..\u{5}).step_by({step})"), Expr::tpl(Ty::Int, "+", format!("\u{1} + {len}"), vec![lo.clone()]))
                    }
                };
                // The upper end repeats the lower one: a pure expression only.
                let (lo, hi) = if self.is_pure(&lo) { (lo, hi) } else { (Expr::lit(Ty::Int, "0"), Expr::lit(Ty::Int, len.to_string())) };
                self.push_scope();
                self.declare(&v, Ty::Int, false, 64, false);
                let body = self.loop_body(d, label, vec![]);
                self.pop_scope();
                let e = Expr::tpl(Ty::Unit, "for", format!("{lab}for {v} in {range} \u{2}"), vec![lo, hi, Expr::block(Ty::Unit, body)]);
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
    fn copy_alias_stmt(&mut self, d: usize) -> Option<Stmt> {
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
    fn eager_chain_stmt(&mut self, d: usize) -> Option<Stmt> {
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
    fn eval_order_stmt(&mut self, d: usize) -> Option<Stmt> {
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
    fn for_chain(&mut self, d: usize, label: Option<String>) -> Stmt {
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
    fn for_enumerate(&mut self, d: usize, label: Option<String>) -> Stmt {
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
    fn for_map(&mut self, d: usize) -> Stmt {
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
    fn freeze_vars_of(&mut self, kids: &[Expr]) -> Vec<usize> {
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

    fn unfreeze(&mut self, idx: Vec<usize>) {
        for i in idx {
            if let Some(v) = self.vars.get_mut(i) {
                v.frozen = v.frozen.saturating_sub(1);
            }
        }
    }

    fn jump_stmt(&mut self, _d: usize) -> Stmt {
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

    fn return_stmt(&mut self, d: usize) -> Stmt {
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

    fn item_stmt(&mut self, d: usize) -> Option<Stmt> {
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

    fn match_stmt(&mut self, d: usize) -> Stmt {
        let e = self.match_expr(&Ty::Unit, d);
        Stmt { expr: e, semi: false }
    }

    fn mutate_stmt(&mut self, d: usize) -> Option<Stmt> {
        let i = self.pick_mut_var(|v| matches!(v.ty, Ty::Vec(_) | Ty::Map(_) | Ty::Str))?;
        let v = self.vars[i].clone();
        self.hidden = Some(v.name.clone());
        let r = self.mutate_var(&v, d);
        self.hidden = None;
        r
    }

    fn mutate_var(&mut self, v: &Var, d: usize) -> Option<Stmt> {
        let n = v.name.clone();
        let (text, kids): (String, Vec<Expr>) = match &v.ty {
            Ty::Vec(et) => {
                let et = (**et).clone();
                match self.rng.weighted(&[6, 2, 2, 2, 1, 2, 2, 2, 2, 1, 2]) {
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
                        let i = self.operand(|g| g.index_for(&n, d));
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
                match self.rng.weighted(&[5, 2, 2, if et == Ty::Int || et == Ty::Str { 1 } else { 0 }]) {
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
    fn index_for(&mut self, n: &str, d: usize) -> Expr {
        if self.chance(3, 4) {
            Expr::lit(Ty::Int, format!("{n}.len() / 2"))
        } else {
            let i = self.int(d.saturating_sub(2), 6);
            self.narrow(i, "usize")
        }
    }

    /// `e as usize` (and the like): refused or guarded with `Avoid::NarrowInts`.
    fn narrow(&mut self, e: Expr, to: &str) -> Expr {
        self.hit("as u8 / u32 / usize");
        // A negative literal cast is folded by the compiler, and refused beyond 2^53: a value
        // is cast at run time only.
        let literal = matches!(&e.kind, Kind::Lit(t) if t.starts_with('-'));
        if self.avoid(Avoid::NarrowInts) || literal {
            // A value that fits: its absolute value.
            Expr::tpl(Ty::Int, "as", format!("\u{3}.abs() as {to}"), vec![e])
        } else {
            Expr::tpl(Ty::Int, "as", format!("\u{1} as {to}"), vec![e])
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

/// redlua can `.clone()` a value of this type (`Copy` values need no clone). It cannot clone
/// tuples, options or nested Vecs (a gap: Rust can), so such values are moved instead.
fn clonable(t: &Ty) -> bool {
    match t {
        Ty::Str | Ty::Map(_) | Ty::Struct(..) => true,
        Ty::Vec(e) => !matches!(**e, Ty::Vec(_)),
        t => t.is_copy(),
    }
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

impl<'c> Gen<'c> {
    /// A value of type `ty`.
    pub fn expr(&mut self, ty: &Ty, d: usize) -> Expr {
        let top = std::mem::take(&mut self.untyped_ok);
        self.untyped_ok = top && matches!(ty, Ty::Opt(_) | Ty::Vec(_) | Ty::Map(_) | Ty::Res(_));
        match ty {
            Ty::Int => self.int(d, LIMIT),
            Ty::Float => self.float(d),
            Ty::Bool => self.bool(d),
            Ty::Str => self.string(d),
            Ty::Opt(t) => self.option(t, d),
            Ty::Vec(t) => self.vec(t, d),
            Ty::Map(t) => self.map(t, d),
            Ty::Tuple(ts) => self.tuple(ts, d),
            Ty::Struct(i, _) => self.structv(*i, d),
            Ty::Key => match self.keys().first() {
                Some(&i) => self.place_var(i),
                None => Expr::lit(Ty::Key, "Key::new(\"\")"),
            },
            Ty::Unit => Expr::lit(Ty::Unit, "()"),
            Ty::Res(t) => {
                let v = self.expr(t, d);
                Expr::call(ty.clone(), "Ok", "Ok(\u{2})", vec![v])
            }
        }
    }

    /// The simplest literal of a type (also used by the shrinker's printer).
    pub fn simplest(&self, ty: &Ty) -> Expr {
        simplest(ty, &self.structs)
    }

    /// Productions shared by every type: variables, `if`/`match`/block values, helper calls,
    /// `unwrap_or`, indexing, fields, `?`. `None` when none applies.
    fn common(&mut self, ty: &Ty, d: usize) -> Option<Expr> {
        let w = [
            12,                        // variable
            if d > 0 { 2 } else { 0 }, // if value
            if d > 0 { 1 } else { 0 }, // match value
            if d > 1 { 1 } else { 0 }, // block value
            if d > 0 { 3 } else { 0 }, // helper call
            if d > 0 && !matches!(ty, Ty::Opt(_)) { 2 } else { 0 }, // unwrap_or
            if d > 0 { 2 } else { 0 },                                // v[i], t.0, s.f
            if d > 0 && !matches!(ty, Ty::Opt(_)) { 2 } else { 0 }, // ?
        ];
        match self.rng.weighted(&w) {
            0 => {
                let i = self.pick_value_var(ty)?;
                Some(self.use_var(i))
            }
            1 => {
                let c = self.operand(|g| g.bool(d - 1));
                let a = self.sub_block(ty, d);
                let b = self.sub_block(ty, d);
                self.hit("if as a value");
                Some(Expr::tpl(ty.clone(), "if", "if \u{2} \u{2} else \u{2}", vec![c, Expr::block(ty.clone(), a), Expr::block(ty.clone(), b)]))
            }
            2 => Some(self.match_expr(ty, d)),
            3 => {
                let b = self.sub_block(ty, d);
                Some(Expr::block(ty.clone(), b))
            }
            4 => self.helper_call(ty, d),
            5 => {
                let o = self.operand(|g| g.opt_recv(ty, d - 1));
                let dflt = self.operand(|g| g.expr(ty, d - 1));
                self.hit(".unwrap_or");
                Some(Expr::call(ty.clone(), "unwrap_or", "\u{3}.unwrap_or(\u{2})", vec![o, dflt]))
            }
            6 => self.projection(ty, d),
            7 => self.question(ty, d),
            _ => None,
        }
    }

    /// `v[i]`, `t.0`, `s.field` of a variable holding a value of type `ty`.
    fn projection(&mut self, ty: &Ty, d: usize) -> Option<Expr> {
        let vis = self.visible();
        let mut cands: Vec<(usize, String)> = Vec::new();
        for i in vis {
            match &self.vars[i].ty {
                Ty::Vec(t) if **t == *ty => cands.push((i, "[]".into())),
                Ty::Tuple(ts) => {
                    for (j, t) in ts.iter().enumerate() {
                        if t == ty {
                            cands.push((i, format!(".{j}")));
                        }
                    }
                }
                Ty::Struct(s, _) => {
                    for (f, t) in &self.structs[*s].fields {
                        if t == ty {
                            cands.push((i, format!(".{f}")));
                        }
                    }
                }
                _ => {}
            }
        }
        if cands.is_empty() {
            return None;
        }
        let (i, proj) = self.rng.pick(&cands).clone();
        let place = self.place_var(i);
        let clone = if ty.is_copy() { "" } else { ".clone()" };
        if proj == "[]" {
            self.hit("v[i]");
            let name = self.vars[i].name.clone();
            let idx = if self.chance(2, 3) {
                Expr::lit(Ty::Int, format!("{}.len() / 2", name.trim_start_matches('*')))
            } else {
                let e = self.operand(|g| g.int(d.saturating_sub(1), 5));
                self.narrow(e, "usize")
            };
            Some(Expr::tpl(ty.clone(), "index", format!("\u{3}[\u{2}]{clone}"), vec![place, idx]))
        } else {
            if matches!(self.vars[i].ty, Ty::Struct(..)) {
                self.hit("struct field read");
            }
            Some(Expr::tpl(ty.clone(), "field", format!("\u{3}{proj}{clone}"), vec![place]))
        }
    }

    /// `opt?` in a function returning `Option`, `opt.ok_or(reject!(..))?` in one returning
    /// `Result<_, Reject>`.
    fn question(&mut self, ty: &Ty, d: usize) -> Option<Expr> {
        if self.f.closure_floor.is_some() || self.f.effect_floor.is_some() && self.avoid(Avoid::EvalOrder) {
            return None;
        }
        match self.f.ret.clone() {
            Ty::Opt(_) => {
                let o = self.opt_recv(ty, d - 1);
                self.hit("? on Option");
                Some(Expr::tpl(ty.clone(), "?", "\u{3}?", vec![o]))
            }
            Ty::Res(_) => {
                let o = self.opt_recv(ty, d - 1);
                let r = self.reject();
                self.hit("ok_or(reject!(..))?");
                Some(Expr::tpl(ty.clone(), "?", "\u{3}.ok_or(\u{2})?", vec![o, r]))
            }
            _ => None,
        }
    }

    /// A call of a helper returning `ty`.
    fn helper_call(&mut self, ty: &Ty, d: usize) -> Option<Expr> {
        let can_write = self.f.can_write && self.effects_ok();
        let mut cands: Vec<Sig> = self.helpers.iter().filter(|h| h.ret == *ty && (!h.writes || can_write)).cloned().collect();
        if let Some(r) = &self.f.recursive {
            if r.ret == *ty && self.f.closure_floor.is_none() {
                cands.push(r.clone());
            }
        }
        if cands.is_empty() {
            return None;
        }
        let h = self.rng.pick(&cands).clone();
        let mut kids = Vec::new();
        let mut parts = Vec::new();
        for (j, p) in h.params.iter().enumerate() {
            if h.fuel == Some(j) {
                if self.f.recursive.as_ref().is_some_and(|r| r.name == h.name) {
                    parts.push("depth - 1".to_string());
                } else {
                    parts.push(self.rng.range(0, 4).to_string());
                }
                continue;
            }
            if p.ty == Ty::Key {
                let ks = self.keys();
                if ks.is_empty() {
                    return None;
                }
                let k = *self.rng.pick(&ks);
                let name = self.vars[k].name.clone();
                parts.push(if self.vars[k].refs > 0 { name } else { format!("&{name}") });
                continue;
            }
            let e = self.operand(|g| if p.by_ref { g.place(&p.ty, d - 1) } else { g.expr(&p.ty, d - 1) });
            parts.push(if p.by_ref { "&\u{1}".into() } else { "\u{2}".into() });
            kids.push(e);
        }
        if h.writes {
            self.f.wrote = true;
        }
        if self.f.recursive.as_ref().is_some_and(|r| r.name == h.name) {
            // counted at the helper
        } else if h.name.starts_with('g') {
            // fn item
        } else if self.f.ret != Ty::Unit && self.helpers.iter().any(|x| x.name == h.name) && self.in_helper() {
            self.hit("helper calls helper");
        }
        self.hit("helper fn");
        Some(Expr::call(ty.clone(), "call", format!("{}({})", h.name, parts.join(", ")), kids))
    }

    fn in_helper(&self) -> bool {
        !self.vars.iter().any(|v| v.name.starts_with('k') && v.ty == Ty::Key && v.refs == 0) && self.vars.iter().any(|v| v.name.starts_with('p') || v.name == "depth")
    }

    /// An expression of type `ty` that can be borrowed without moving a variable.
    fn place(&mut self, ty: &Ty, d: usize) -> Expr {
        if self.chance(2, 3) {
            if let Some(i) = self.pick_var(ty, |_| true) {
                return self.place_var(i);
            }
        }
        let e = self.expr(ty, d);
        self.typed(e, d)
    }

    /// An option whose type redlua can see (see [`Gen::typed`]).
    fn opt_recv(&mut self, t: &Ty, d: usize) -> Expr {
        let e = self.option(t, d);
        self.typed(e, d)
    }

    /// `e`, unless it is a bare `None` / `Vec::new()` / `HashMap::new()`, whose element type
    /// redlua cannot infer as a receiver or an operand: then a literal with one element.
    fn typed(&mut self, e: Expr, d: usize) -> Expr {
        let untyped = match &e.kind {
            Kind::Lit(t) => t == "None" || t == "Vec::new()" || t == "HashMap::new()" || t.starts_with("Vec::with_capacity"),
            _ => false,
        };
        if !untyped {
            return e;
        }
        let d = d.saturating_sub(1);
        match e.ty.clone() {
            Ty::Opt(t) => {
                let v = self.expr(&t, d);
                Expr::call(e.ty, "Some", "Some(\u{4})", vec![v])
            }
            Ty::Vec(t) => {
                let v = self.expr(&t, d);
                Expr::call(e.ty, "vec", "vec![\u{4}]", vec![v])
            }
            Ty::Map(t) => {
                let k = self.string(d);
                let v = self.expr(&t, d);
                let c = self.fresh("c");
                Expr::tpl(e.ty.clone(), "collect", format!("{{\n    let {c}: {} = vec![(\u{4}, \u{4})].into_iter().collect();\n    {c}\n}}", e.ty.rust()), vec![k, v])
            }
            _ => e,
        }
    }

    fn str_place(&mut self, d: usize) -> Expr {
        self.place(&Ty::Str, d)
    }

    /// A small integer that is rarely zero (divisors).
    fn nonzero_small(&mut self, d: usize) -> Expr {
        if self.chance(1, 6) {
            return self.int(d.saturating_sub(1), 10);
        }
        let mut n = self.rng.range(-9, 9);
        if n == 0 {
            n = 7;
        }
        Expr::lit(Ty::Int, n.to_string())
    }

    /// `e % k` so that the result stays within `m`.
    fn wrap(&mut self, e: Expr, m: u64) -> Expr {
        if m >= LIMIT {
            return e;
        }
        let k = (self.rng.range(1, (m.min(1_000_000) + 1) as i64)).max(1);
        self.hit("%");
        Expr::tpl(Ty::Int, "%", format!("\u{1} % {k}"), vec![e])
    }

    /// An integer within ±`m`.
    pub fn int(&mut self, d: usize, m: u64) -> Expr {
        self.hit("type i64");
        if d == 0 || self.chance(1, 5) {
            return self.int_leaf(m);
        }
        let w = [
            4, // leaf
            6, // common
            3, // + -
            2, // *
            1, // unary -
            2, // / %
            2, // abs min max signum
            2, // bit ops
            1, // shifts
            2, // casts from float, len
            2, // parse
            if self.effects_ok() && !self.keys().is_empty() { 3 } else { 0 }, // commands
            2, // checked_*, euclid, pow
            2, // iterators
        ];
        let e = match self.rng.weighted(&w) {
            0 => return self.int_leaf(m),
            1 => {
                let Some(e) = self.common(&Ty::Int, d) else { return self.int_leaf(m) };
                // Variables and calls of unknown magnitude are reduced.
                let b = self.bound_of(&e);
                if b > m {
                    self.wrap(e, m)
                } else {
                    e
                }
            }
            2 => {
                let half = m / 2;
                let a = self.operand(|g| g.int(d - 1, half));
                let b = self.operand(|g| g.int(d - 1, half));
                if self.chance(1, 2) {
                    self.hit("+");
                    Expr::tpl(Ty::Int, "+", "\u{1} + \u{1}", vec![a, b])
                } else {
                    self.hit("-");
                    Expr::tpl(Ty::Int, "-", "\u{1} - \u{1}", vec![a, b])
                }
            }
            3 => {
                let small = 1000.min(m.max(1));
                let a = self.operand(|g| g.int(d - 1, small));
                let b = self.operand(|g| g.int(d - 1, m / small.max(1)));
                self.hit("*");
                Expr::tpl(Ty::Int, "*", "\u{1} * \u{1}", vec![a, b])
            }
            4 => {
                let a = self.operand(|g| g.int(d - 1, m));
                self.hit("unary -");
                Expr::tpl(Ty::Int, "neg", "-\u{1}", vec![a])
            }
            5 => {
                let a = self.operand(|g| g.int(d - 1, m));
                let b = self.operand(|g| g.nonzero_small(d - 1));
                if self.chance(1, 2) {
                    self.hit("/");
                    Expr::tpl(Ty::Int, "/", "\u{1} / \u{1}", vec![a, b])
                } else {
                    self.hit("%");
                    Expr::tpl(Ty::Int, "%", "\u{1} % \u{1}", vec![a, b])
                }
            }
            6 => {
                let a = self.operand(|g| g.int(d - 1, m));
                match self.rng.below(5) {
                    0 => {
                        self.hit("abs");
                        Expr::call(Ty::Int, "abs", "\u{3}.abs()", vec![a])
                    }
                    1 => {
                        self.hit("signum");
                        Expr::call(Ty::Int, "signum", "\u{3}.signum()", vec![a])
                    }
                    2 | 3 => {
                        let b = self.operand(|g| g.int(d - 1, m));
                        self.hit("min / max");
                        let f = if self.chance(1, 2) { "min" } else { "max" };
                        Expr::call(Ty::Int, "minmax", format!("\u{3}.{f}(\u{2})"), vec![a, b])
                    }
                    _ => {
                        self.hit("clamp");
                        if self.chance(1, 4) {
                            // Any bounds: Rust panics unless lo <= hi, the Lua raises an error.
                            let lo = self.operand(|g| g.int(d - 1, m));
                            let hi = self.operand(|g| g.int(d - 1, m));
                            Expr::call(Ty::Int, "clamp", "\u{3}.clamp(\u{2}, \u{2})", vec![a, lo, hi])
                        } else {
                            let lim = m.min(1000) as i64;
                            let lo = self.rng.range(-lim, lim);
                            let hi = self.rng.range(lo, lim);
                            Expr::call(Ty::Int, "clamp", format!("\u{3}.clamp({lo}, {hi})"), vec![a])
                        }
                    }
                }
            }
            7 => {
                let a = self.operand(|g| g.int(d - 1, m / 2));
                let b = self.operand(|g| g.int(d - 1, m / 2));
                match self.rng.below(4) {
                    0 => {
                        self.hit("&");
                        Expr::tpl(Ty::Int, "&", "\u{1} & \u{1}", vec![a, b])
                    }
                    1 => {
                        self.hit("|");
                        Expr::tpl(Ty::Int, "|", "\u{1} | \u{1}", vec![a, b])
                    }
                    2 => {
                        self.hit("^");
                        Expr::tpl(Ty::Int, "^", "\u{1} ^ \u{1}", vec![a, b])
                    }
                    _ => {
                        self.hit("! on integers");
                        Expr::tpl(Ty::Int, "!", "!\u{1}", vec![a])
                    }
                }
            }
            8 => {
                let s = self.rng.range(0, 8);
                let a = self.operand(|g| g.int(d - 1, m >> s));
                if self.chance(1, 2) {
                    self.hit("<<");
                    Expr::tpl(Ty::Int, "<<", format!("\u{1} << {s}"), vec![a])
                } else {
                    self.hit(">>");
                    let s = self.rng.range(0, 63);
                    Expr::tpl(Ty::Int, ">>", format!("\u{1} >> {s}"), vec![a])
                }
            }
            9 => {
                if self.chance(1, 2) {
                    let x = self.operand(|g| g.float(d - 1));
                    self.hit("float as i64");
                    let lim = m.min(1 << 40) as f64;
                    Expr::tpl(Ty::Int, "as", format!("\u{3}.min({lim:?}).max(-{lim:?}) as i64"), vec![x])
                } else {
                    let e = self.len_expr(d);
                    self.wrap(e, m)
                }
            }
            10 => {
                let s = self.operand(|g| g.str_place(d - 1));
                let dflt = self.operand(|g| g.int(d - 1, m));
                self.hit("parse::<i64>");
                self.hit(".unwrap_or");
                let e = Expr::call(Ty::Int, "parse", "\u{3}.parse::<i64>().unwrap_or(\u{2})", vec![s, dflt]);
                self.wrap(e, m)
            }
            11 => {
                let e = self.int_command(d);
                self.wrap(e, m)
            }
            12 => {
                let a = self.operand(|g| g.int(d - 1, m));
                let b = self.operand(|g| g.nonzero_small(d - 1));
                match self.rng.below(5) {
                    0 => {
                        self.hit("rem_euclid / div_euclid");
                        Expr::call(Ty::Int, "euclid", "\u{3}.rem_euclid(\u{2})", vec![a, b])
                    }
                    1 => {
                        self.hit("rem_euclid / div_euclid");
                        Expr::call(Ty::Int, "euclid", "\u{3}.div_euclid(\u{2})", vec![a, b])
                    }
                    2 => {
                        let f = *self.rng.pick(&["checked_div", "checked_rem"]);
                        let dflt = self.int(0, m);
                        self.hit("checked_*");
                        Expr::call(Ty::Int, "checked", format!("\u{3}.{f}(\u{2}).unwrap_or(\u{2})"), vec![a, b, dflt])
                    }
                    3 => {
                        let f = *self.rng.pick(&["checked_add", "checked_sub", "checked_mul"]);
                        let x = self.operand(|g| g.int(d - 1, LIMIT));
                        let dflt = self.int(0, m);
                        self.hit("checked_*");
                        let e = Expr::call(Ty::Int, "checked", format!("\u{3}.{f}(\u{2}).unwrap_or(\u{2})"), vec![a, x, dflt]);
                        self.wrap(e, m)
                    }
                    _ => {
                        let base = self.operand(|g| g.int(d - 1, 12));
                        let k = self.rng.range(0, 4);
                        self.hit("pow");
                        let e = Expr::call(Ty::Int, "pow", format!("\u{3}.pow({k})"), vec![base]);
                        self.wrap(e, m)
                    }
                }
            }
            _ => {
                let e = self.int_iter(d);
                self.wrap(e, m)
            }
        };
        e
    }

    fn int_leaf(&mut self, m: u64) -> Expr {
        if self.chance(2, 3) {
            if let Some(i) = self.pick_var(&Ty::Int, |v| v.bound <= m) {
                return self.use_var(i);
            }
            if let Some(i) = self.pick_var(&Ty::Int, |_| true) {
                let e = self.use_var(i);
                return self.wrap(e, m);
            }
        }
        let n = int_literal(&mut self.rng, m);
        Expr::lit(Ty::Int, n.to_string())
    }

    /// An upper bound of an integer expression's magnitude (rough: variables and literals).
    fn bound_of(&self, e: &Expr) -> u64 {
        match &e.kind {
            Kind::Lit(t) => t.parse::<i64>().map(|n| n.unsigned_abs()).unwrap_or(LIMIT),
            Kind::Var(t) => {
                let name = t.trim_start_matches('*');
                self.vars.iter().rev().find(|v| v.name == name).map_or(LIMIT, |v| v.bound)
            }
            _ => LIMIT,
        }
    }

    /// `s.len() as i64` and other lengths.
    fn len_expr(&mut self, d: usize) -> Expr {
        match self.rng.below(4) {
            0 => {
                let s = self.operand(|g| g.str_place(d - 1));
                self.hit("len");
                Expr::tpl(Ty::Int, "len", "\u{3}.len() as i64", vec![s])
            }
            1 => {
                let s = self.operand(|g| g.str_place(d - 1));
                self.hit("chars().count()");
                Expr::tpl(Ty::Int, "len", "\u{3}.chars().count() as i64", vec![s])
            }
            2 => {
                let t = self.value_ty(0);
                let v = self.operand(|g| g.place(&Ty::vec(t), d - 1));
                self.hit("len");
                Expr::tpl(Ty::Int, "len", "\u{3}.len() as i64", vec![v])
            }
            _ => {
                let t = self.value_ty(0);
                let v = self.operand(|g| g.place(&Ty::map(t), d - 1));
                self.hit("map.len");
                Expr::tpl(Ty::Int, "len", "\u{3}.len() as i64", vec![v])
            }
        }
    }

    /// The integer may be `-0` in Lua (a product, quotient, remainder, negation, difference,
    /// conversion or parsed value, or a variable that held one).
    fn may_negz(&self, e: &Expr) -> bool {
        match &e.kind {
            Kind::Lit(t) => t.starts_with("-0"),
            Kind::Var(t) => {
                let name = t.trim_start_matches('*').trim_end_matches(".clone()");
                self.vars.iter().rev().find(|v| v.name == name).is_none_or(|v| v.negz)
            }
            Kind::Block(_) => true,
            Kind::Tpl { tag, kids, .. } => match *tag {
                "len" | "count" => false,
                t if t.starts_with("cmd") => false,
                "+" => kids.iter().all(|k| self.may_negz(k)),
                "minmax" => kids.iter().any(|k| self.may_negz(k)),
                _ => true,
            },
        }
    }

    fn is_pure(&self, e: &Expr) -> bool {
        match &e.kind {
            Kind::Lit(_) | Kind::Var(_) => true,
            Kind::Block(_) => false,
            Kind::Tpl { tag, kids, .. } => !tag.starts_with("cmd") && *tag != "call" && *tag != "?" && kids.iter().all(|k| self.is_pure(k)),
        }
    }

    // ---------------------------------------------------------------------------------
    // Floats

    pub fn float(&mut self, d: usize) -> Expr {
        self.hit("type f64");
        if d == 0 || self.chance(1, 4) {
            return self.float_leaf();
        }
        match self.rng.weighted(&[3, 5, 4, 3, 2, 2, 1, if self.effects_ok() && !self.keys().is_empty() { 2 } else { 0 }]) {
            0 => self.float_leaf(),
            1 => self.common(&Ty::Float, d).unwrap_or_else(|| self.float_leaf()),
            2 => {
                let a = self.operand(|g| g.float(d - 1));
                let b = self.operand(|g| g.float(d - 1));
                let op = *self.rng.pick(&["+", "-", "*", "/"]);
                self.hit("float arithmetic");
                Expr::tpl(Ty::Float, "farith", format!("\u{1} {op} \u{1}"), vec![a, b])
            }
            3 => {
                let a = self.operand(|g| g.float(d - 1));
                match self.rng.below(11) {
                    0..=3 => {
                        let f = *self.rng.pick(&["floor", "ceil", "round", "trunc"]);
                        self.hit("floor / ceil / round / trunc");
                        Expr::call(Ty::Float, "fmath", format!("\u{3}.{f}()"), vec![a])
                    }
                    4 => {
                        self.hit("abs");
                        Expr::call(Ty::Float, "fmath", "\u{3}.abs()", vec![a])
                    }
                    5 => {
                        self.hit("sqrt");
                        Expr::call(Ty::Float, "fmath", "\u{3}.sqrt()", vec![a])
                    }
                    6 => {
                        // Small exponents mostly; large ones reach Rust's repeated squaring.
                        let k = if self.chance(3, 4) { self.rng.range(-3, 4) } else { self.rng.range(-40, 41) };
                        self.hit("powi");
                        Expr::call(Ty::Float, "fmath", format!("\u{3}.powi({k})"), vec![a])
                    }
                    7 => {
                        let b = self.operand(|g| g.float(d - 1));
                        self.hit("powf");
                        Expr::call(Ty::Float, "fmath", "\u{3}.powf(\u{2})", vec![a, b])
                    }
                    8 => {
                        self.hit("clamp");
                        if self.chance(1, 4) {
                            // Any bounds: Rust panics unless lo <= hi (a NaN bound too).
                            let lo = self.operand(|g| g.float(d - 1));
                            let hi = self.operand(|g| g.float(d - 1));
                            Expr::call(Ty::Float, "fclamp", "\u{3}.clamp(\u{2}, \u{2})", vec![a, lo, hi])
                        } else {
                            let bounds = ["-1e300", "-2.5", "-0.0", "0.0", "0.5", "3.0", "1e300"];
                            let i = self.rng.below(bounds.len());
                            let j = i + self.rng.below(bounds.len() - i);
                            Expr::call(Ty::Float, "fclamp", format!("\u{3}.clamp({}, {})", bounds[i], bounds[j]), vec![a])
                        }
                    }
                    _ => {
                        let b = self.operand(|g| g.float(d - 1));
                        let f = if self.chance(1, 2) { "min" } else { "max" };
                        self.hit("min / max");
                        Expr::call(Ty::Float, "fmath", format!("\u{3}.{f}(\u{2})"), vec![a, b])
                    }
                }
            }
            4 => {
                let i = self.operand(|g| g.int(d - 1, LIMIT));
                if self.avoid(Avoid::NegZero) && self.may_negz(&i) {
                    return self.float_leaf();
                }
                self.hit("int as f64");
                Expr::tpl(Ty::Float, "as", "\u{5} as f64", vec![i])
            }
            5 => {
                let s = self.operand(|g| g.str_place(d - 1));
                let dflt = self.float_leaf();
                self.hit("parse::<f64>");
                self.hit(".unwrap_or");
                Expr::call(Ty::Float, "parse", "\u{3}.parse::<f64>().unwrap_or(\u{2})", vec![s, dflt])
            }
            6 => {
                let a = self.operand(|g| g.float(d - 1));
                self.hit("unary -");
                Expr::tpl(Ty::Float, "neg", "-\u{1}", vec![a])
            }
            _ => self.float_command(d),
        }
    }

    fn float_leaf(&mut self) -> Expr {
        if self.chance(1, 2) {
            if let Some(i) = self.pick_var(&Ty::Float, |_| true) {
                return self.use_var(i);
            }
        }
        Expr::lit(Ty::Float, float_literal(&mut self.rng))
    }

    // ---------------------------------------------------------------------------------
    // Bools

    pub fn bool(&mut self, d: usize) -> Expr {
        self.hit("type bool");
        if d == 0 || self.chance(1, 6) {
            return self.bool_leaf();
        }
        match self.rng.weighted(&[2, 4, 6, 3, 2, 1, 3, 3, if self.effects_ok() && !self.keys().is_empty() { 2 } else { 0 }, 2]) {
            0 => self.bool_leaf(),
            1 => self.common(&Ty::Bool, d).unwrap_or_else(|| self.bool_leaf()),
            2 => self.comparison(d),
            3 => {
                let a = self.operand(|g| g.bool(d - 1));
                let b = self.operand(|g| g.bool(d - 1));
                if self.chance(1, 2) {
                    self.hit("&&");
                    Expr::tpl(Ty::Bool, "&&", "\u{1} && \u{1}", vec![a, b])
                } else {
                    self.hit("||");
                    Expr::tpl(Ty::Bool, "||", "\u{1} || \u{1}", vec![a, b])
                }
            }
            4 => {
                let a = self.operand(|g| g.bool(d - 1));
                self.hit("!");
                Expr::tpl(Ty::Bool, "not", "!\u{1}", vec![a])
            }
            5 => {
                let a = self.operand(|g| g.bool(d - 1));
                let b = self.operand(|g| g.bool(d - 1));
                let op = *self.rng.pick(&["&", "|", "^"]);
                self.hit("& | ^ on bools");
                Expr::tpl(Ty::Bool, "boolbit", format!("\u{1} {op} \u{1}"), vec![a, b])
            }
            6 => self.str_predicate(d),
            7 => self.other_predicate(d),
            8 => self.bool_command(d),
            _ => self.iter_predicate(d),
        }
    }

    fn bool_leaf(&mut self) -> Expr {
        if self.chance(1, 2) {
            if let Some(i) = self.pick_var(&Ty::Bool, |_| true) {
                return self.use_var(i);
            }
        }
        Expr::lit(Ty::Bool, if self.chance(1, 2) { "true" } else { "false" })
    }

    fn comparison(&mut self, d: usize) -> Expr {
        let kind = self.rng.weighted(&[5, 2, 3, 3]);
        let ops = ["==", "!=", "<", "<=", ">", ">="];
        match kind {
            0 => {
                let a = self.operand(|g| g.int(d - 1, LIMIT));
                let b = self.operand(|g| g.int(d - 1, LIMIT));
                let op = *self.rng.pick(&ops);
                self.hit(op_construct(op));
                Expr::tpl(Ty::Bool, "cmp", format!("\u{5} {op} \u{5}"), vec![a, b])
            }
            1 => {
                let a = self.operand(|g| g.float(d - 1));
                let b = self.operand(|g| g.float(d - 1));
                let op = *self.rng.pick(&ops);
                self.hit(op_construct(op));
                Expr::tpl(Ty::Bool, "cmp", format!("\u{5} {op} \u{5}"), vec![a, b])
            }
            2 => {
                let a = self.operand(|g| g.str_place(d - 1));
                let b = self.operand(|g| g.str_place(d - 1));
                let op = *self.rng.pick(&ops);
                self.hit(op_construct(op));
                if !matches!(op, "==" | "!=") {
                    self.hit("string ordering");
                }
                Expr::tpl(Ty::Bool, "cmp", format!("\u{5} {op} \u{5}"), vec![a, b])
            }
            _ => {
                // == on a compound type
                let t = self.value_ty(2);
                let a = self.operand(|g| g.place(&t, d - 1));
                let b = self.operand(|g| g.place(&t, d - 1));
                let op = if self.chance(2, 3) { "==" } else { "!=" };
                self.hit(op_construct(op));
                if t.has_struct() {
                    self.hit("struct ==");
                }
                Expr::tpl(Ty::Bool, "cmp", format!("\u{5} {op} \u{5}"), vec![a, b])
            }
        }
    }

    fn str_predicate(&mut self, d: usize) -> Expr {
        let s = self.operand(|g| g.str_place(d - 1));
        match self.rng.below(8) {
            0 => {
                self.hit("is_empty");
                Expr::call(Ty::Bool, "strpred", "\u{3}.is_empty()", vec![s])
            }
            1 | 2 => {
                let f = *self.rng.pick(&["starts_with", "ends_with", "contains"]);
                self.hit(if f == "contains" { "contains on strings" } else { "starts_with / ends_with" });
                if self.chance(1, 3) {
                    let c = *self.rng.pick(&['a', ':', 'é', ' ', '7']);
                    self.hit("char literal pattern");
                    Expr::call(Ty::Bool, "strpred", format!("\u{3}.{f}({c:?})"), vec![s])
                } else {
                    let p = self.operand(|g| g.str_place(d - 1));
                    Expr::call(Ty::Bool, "strpred", format!("\u{3}.{f}(&\u{1})"), vec![s, p])
                }
            }
            3 => {
                let i = self.operand(|g| g.int(d - 1, 8));
                let i = self.narrow(i, "usize");
                self.hit("is_char_boundary");
                Expr::call(Ty::Bool, "strpred", "\u{3}.is_char_boundary(\u{2})", vec![s, i])
            }
            4 => {
                self.hit(".is_ok / .is_err");
                let (t, m) = if self.chance(1, 2) { ("i64", "is_ok") } else { ("f64", "is_err") };
                self.hit(if t == "i64" { "parse::<i64>" } else { "parse::<f64>" });
                Expr::call(Ty::Bool, "strpred", format!("\u{3}.parse::<{t}>().{m}()"), vec![s])
            }
            5 => {
                let f = *self.rng.pick(&["is_ascii_digit", "is_ascii_alphabetic", "is_ascii_alphanumeric", "is_ascii_uppercase", "is_ascii_lowercase", "is_ascii_punctuation", "is_ascii_hexdigit"]);
                let q = if self.chance(1, 2) { "all" } else { "any" };
                self.hit("chars");
                self.hit("char class tests");
                self.hit("any / all");
                Expr::call(Ty::Bool, "strpred", format!("\u{3}.chars().{q}(|c| c.{f}())"), vec![s])
            }
            6 => {
                self.hit("eq_ignore_ascii_case");
                let p = self.operand(|g| g.str_place(d - 1));
                Expr::call(Ty::Bool, "strpred", "\u{3}.eq_ignore_ascii_case(&\u{1})", vec![s, p])
            }
            _ => {
                self.hit("is_empty");
                Expr::call(Ty::Bool, "strpred", "\u{3}.trim().is_empty()", vec![s])
            }
        }
    }

    fn other_predicate(&mut self, d: usize) -> Expr {
        match self.rng.below(6) {
            0 => {
                let x = self.operand(|g| g.float(d - 1));
                self.hit("is_nan");
                Expr::call(Ty::Bool, "pred", "\u{3}.is_nan()", vec![x])
            }
            1 => {
                let x = self.operand(|g| g.int(d - 1, LIMIT));
                let f = if self.chance(1, 2) { "is_positive" } else { "is_negative" };
                self.hit("is_positive / is_negative");
                Expr::call(Ty::Bool, "pred", format!("\u{3}.{f}()"), vec![x])
            }
            2 => {
                let t = self.value_ty(0);
                let o = self.operand(|g| g.place(&Ty::opt(t), d - 1));
                let f = if self.chance(1, 2) { "is_some" } else { "is_none" };
                self.hit("Option::is_some / is_none");
                Expr::call(Ty::Bool, "pred", format!("\u{3}.{f}()"), vec![o])
            }
            3 => {
                let t = self.value_ty(0);
                let v = self.operand(|g| g.place(&Ty::vec(t.clone()), d - 1));
                if self.chance(1, 2) {
                    self.hit("is_empty");
                    Expr::call(Ty::Bool, "pred", "\u{3}.is_empty()", vec![v])
                } else {
                    let x = self.operand(|g| g.place(&t, d - 1));
                    self.hit("contains");
                    Expr::call(Ty::Bool, "pred", "\u{3}.contains(&\u{1})", vec![v, x])
                }
            }
            4 => {
                let t = self.value_ty(0);
                let m = self.operand(|g| g.place(&Ty::map(t), d - 1));
                if self.chance(1, 2) {
                    let k = self.operand(|g| g.str_place(d - 1));
                    self.hit("map.contains_key");
                    Expr::call(Ty::Bool, "pred", "\u{3}.contains_key(&\u{1})", vec![m, k])
                } else {
                    self.hit("map.is_empty");
                    Expr::call(Ty::Bool, "pred", "\u{3}.is_empty()", vec![m])
                }
            }
            _ => {
                let o = self.operand(|g| g.place(&Ty::opt(Ty::Int), d - 1));
                let x = self.fresh("x");
                self.push_scope();
                let saved = self.enter_closure();
                self.declare(&x, Ty::Int, false, LIMIT, true);
                let body = self.bool(d - 1);
                self.leave_closure(saved);
                self.pop_scope();
                self.hit("Option::is_some_and");
                self.hit("closure");
                Expr::call(Ty::Bool, "pred", format!("\u{3}.is_some_and(|{x}| \u{2})"), vec![o, body])
            }
        }
    }

    /// Enters a closure body: captured mutable variables become invisible.
    fn enter_closure(&mut self) -> (Option<usize>, usize, Vec<Option<String>>, usize) {
        let saved = (self.f.closure_floor, self.f.stmts_left, std::mem::take(&mut self.f.loops), self.f.move_floor);
        if self.f.closure_floor.is_none() {
            self.f.closure_floor = Some(self.vars.len());
        }
        self.f.move_floor = self.vars.len();
        // Closures hold one expression: no statements.
        self.f.stmts_left = 0;
        saved
    }

    fn leave_closure(&mut self, saved: (Option<usize>, usize, Vec<Option<String>>, usize)) {
        self.f.closure_floor = saved.0;
        self.f.stmts_left = saved.1;
        self.f.loops = saved.2;
        self.f.move_floor = saved.3;
    }
}

fn op_construct(op: &str) -> &'static str {
    match op {
        "==" => "==",
        "!=" => "!=",
        "<" => "<",
        "<=" => "<=",
        ">" => ">",
        _ => ">=",
    }
}

/// The simplest literal of a type.
pub fn simplest(ty: &Ty, structs: &[StructDef]) -> Expr {
    let text = match ty {
        Ty::Int => "0".to_string(),
        Ty::Float => "0.0".to_string(),
        Ty::Bool => "false".to_string(),
        Ty::Str => "String::new()".to_string(),
        Ty::Key => "Key::new(\"\")".to_string(),
        Ty::Unit => "()".to_string(),
        Ty::Opt(_) => "None".to_string(),
        Ty::Vec(_) => "Vec::new()".to_string(),
        Ty::Map(_) => "HashMap::new()".to_string(),
        Ty::Tuple(ts) => {
            let parts: Vec<String> = ts.iter().map(|t| expr_text(&simplest(t, structs))).collect();
            format!("({})", parts.join(", "))
        }
        Ty::Struct(i, _) => {
            let fields: Vec<String> = structs.get(*i).map_or(Vec::new(), |s| s.fields.iter().map(|(f, t)| format!("{f}: {}", expr_text(&simplest(t, structs)))).collect());
            format!("{} {{ {} }}", struct_name(*i), fields.join(", "))
        }
        Ty::Res(t) => format!("Ok({})", expr_text(&simplest(t, structs))),
    };
    Expr::lit(ty.clone(), text)
}

// -------------------------------------------------------------------------------------
// Strings, options, collections, tuples, structs

impl<'c> Gen<'c> {
    fn str_lit_expr(&mut self) -> Expr {
        let w = *self.rng.pick(WORDS);
        Expr::lit(Ty::Str, format!("{}.to_string()", str_lit(w)))
    }

    fn str_leaf(&mut self) -> Expr {
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
        match self.rng.weighted(&[2, 5, 4, 3, 2, 5, 2, 2, 2, if self.effects_ok() && !self.keys().is_empty() { 3 } else { 0 }, 1]) {
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

    fn str_method(&mut self, d: usize) -> Expr {
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
    fn format(&mut self, d: usize) -> Expr {
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

    fn opt_leaf(&mut self, t: &Ty, d: usize) -> Expr {
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
        match self.rng.weighted(&[3, 5, 2, 4, if is_cmd { 3 } else { 0 }, 1, 2]) {
            0 => self.vec_leaf(t, d),
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

    fn vec_leaf(&mut self, t: &Ty, d: usize) -> Expr {
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
    fn match_expr(&mut self, ty: &Ty, d: usize) -> Expr {
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

    fn option_arm_ty(&self, scrut: &Expr) -> Ty {
        match &scrut.ty {
            Ty::Opt(t) => (**t).clone(),
            _ => Ty::Int,
        }
    }

    fn arm_body(&mut self, ty: &Ty, d: usize) -> Expr {
        if *ty == Ty::Unit || self.chance(1, 3) {
            let b = self.sub_block(ty, d);
            Expr::block(ty.clone(), b)
        } else {
            self.expr(ty, d.saturating_sub(1))
        }
    }
}

/// The variable a pattern binds (`Some(x)`, a guard's `x`), if any.
fn binding_of(pat: &str) -> Option<String> {
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
fn dedupe_arms(arms: &mut Vec<(String, Option<Expr>)>) {
    let mut seen = BTreeSet::new();
    arms.retain(|(p, _)| p.split(" | ").all(|x| seen.insert(x.to_string())));
}

// -------------------------------------------------------------------------------------
// Commands

/// Field names and members used by hash, set and sorted-set commands (the seeded keyspace
/// uses the same ones).
pub const FIELD_NAMES: &[&str] = &["f", "g", "n", "é", ""];

impl<'c> Gen<'c> {
    /// `&k` for a key variable (`k` when it is already a reference).
    fn key_arg(&mut self) -> Option<String> {
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
    fn int_arg(&mut self, d: usize, m: u64) -> Expr {
        let e = self.operand(|g| g.int(d, m));
        if self.avoid(Avoid::NegZero) && self.may_negz(&e) {
            return Expr::lit(Ty::Int, int_literal(&mut self.rng, m.min(1000)).to_string());
        }
        e
    }

    /// A value argument (`ToArg`): an integer, a float or a string.
    fn value_arg(&mut self, d: usize) -> (String, Vec<Expr>) {
        match self.rng.weighted(&[3, 1, 4]) {
            0 => ("\u{2}".into(), vec![self.int_arg(d, LIMIT)]),
            1 => {
                let f = self.operand(|g| g.float(d));
                ("\u{2}".into(), vec![f])
            }
            _ => ("&\u{1}".into(), vec![self.operand(|g| g.str_place(d))]),
        }
    }

    fn field_arg(&mut self, d: usize) -> (String, Vec<Expr>) {
        if self.chance(3, 4) {
            (str_lit(*self.rng.pick(FIELD_NAMES)), vec![])
        } else {
            ("&\u{1}".into(), vec![self.operand(|g| g.str_place(d))])
        }
    }

    fn write(&mut self) {
        self.f.wrote = true;
    }

    fn cmd(&mut self, ty: Ty, construct: &'static str, text: String, kids: Vec<Expr>) -> Expr {
        self.hit(construct);
        Expr::call(ty, "cmd", text, kids)
    }

    /// A command as a statement (its reply dropped).
    fn command_stmt(&mut self, d: usize) -> Option<Stmt> {
        let k = self.key_arg()?;
        let d = d.saturating_sub(1);
        self.write();
        let e = match self.rng.weighted(&[4, 3, 3, 3, 3, 2, 2]) {
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

    fn int_command(&mut self, d: usize) -> Expr {
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

    fn float_command(&mut self, d: usize) -> Expr {
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

    fn bool_command(&mut self, d: usize) -> Expr {
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

    fn str_command(&mut self, d: usize) -> Expr {
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

    fn opt_command(&mut self, t: &Ty, d: usize) -> Expr {
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

    fn vec_command(&mut self, _d: usize) -> Expr {
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

// -------------------------------------------------------------------------------------
// Iterator chains

/// An iterator chain under construction: its text (with holes), operands, item type, how
/// many references wrap an item, and whether its order is arbitrary (map keys / values).
#[derive(Clone, Debug)]
struct Chain {
    text: String,
    kids: Vec<Expr>,
    item: Ty,
    refs: u8,
    unordered: bool,
}

impl<'c> Gen<'c> {
    /// A chain source, possibly followed by adapters.
    fn chain(&mut self, d: usize, want_ordered: bool) -> Chain {
        let d1 = d.saturating_sub(1);
        let mut c = match self.rng.weighted(&[4, 3, 2, 3, 3, 1, 1, if want_ordered { 0 } else { 2 }]) {
            0 => {
                let t = self.value_ty(0);
                let v = self.operand(|g| g.place(&Ty::vec(t.clone()), d1));
                self.hit("iter() over a Vec");
                Chain { text: "\u{3}.iter()".into(), kids: vec![v], item: t, refs: 1, unordered: false }
            }
            1 => {
                let t = self.value_ty(0);
                let v = self.operand(|g| g.place(&Ty::vec(t.clone()), d1));
                self.hit("copied / cloned");
                let f = if t.is_copy() { "copied" } else { "cloned" };
                let rev = if self.chance(1, 4) {
                    self.hit("rev");
                    ".rev()"
                } else {
                    ""
                };
                Chain { text: format!("\u{3}.iter(){rev}.{f}()"), kids: vec![v], item: t, refs: 0, unordered: false }
            }
            2 => {
                let t = self.value_ty(0);
                let v = self.operand(|g| g.vec(&t, d1));
                self.hit("into_iter()");
                Chain { text: "\u{3}.into_iter()".into(), kids: vec![v], item: t, refs: 0, unordered: false }
            }
            3 => {
                let lo = self.rng.range(-3, 3);
                let hi = self.operand(|g| g.int(d1, 8));
                self.hit("iterate a range");
                let (op, rev) = (if self.chance(1, 3) { "..=" } else { ".." }, self.chance(1, 4));
                if rev {
                    self.hit("rev");
                }
                let text = if rev { format!("({lo}i64{op}\u{5}).into_iter().rev()") } else { format!("({lo}i64{op}\u{5}).into_iter()") };
                Chain { text, kids: vec![hi], item: Ty::Int, refs: 0, unordered: false }
            }
            4 => {
                let s = self.operand(|g| g.str_place(d1));
                let p = str_lit(*self.rng.pick(SEPS));
                let base = match self.rng.below(4) {
                    0 | 1 => {
                        self.hit("split");
                        format!("\u{3}.split({p})")
                    }
                    2 => {
                        self.hit("lines");
                        "\u{3}.lines()".to_string()
                    }
                    _ => {
                        self.hit("splitn");
                        format!("\u{3}.splitn({}, {p})", self.rng.range(1, 3))
                    }
                };
                self.hit("map");
                Chain { text: format!("{base}.map(|x| x.to_string())"), kids: vec![s], item: Ty::Str, refs: 0, unordered: false }
            }
            5 => {
                let s = self.operand(|g| g.str_place(d1));
                self.hit("chars");
                let rev = if self.chance(1, 3) {
                    self.hit("rev");
                    ".rev()"
                } else {
                    ""
                };
                Chain { text: format!("\u{3}.chars(){rev}.map(|c| c.to_string())"), kids: vec![s], item: Ty::Str, refs: 0, unordered: false }
            }
            6 => {
                let t = self.value_ty(0);
                let v = self.operand(|g| g.place(&Ty::vec(t.clone()), d1));
                let n = self.rng.range(1, 3);
                self.hit("chunks");
                Chain { text: format!("\u{3}.chunks({n}).map(|c| c.to_vec())"), kids: vec![v], item: Ty::vec(t), refs: 0, unordered: false }
            }
            _ => {
                let t = if self.chance(1, 2) { Ty::Int } else { Ty::Str };
                let m = self.operand(|g| g.place(&Ty::map(t.clone()), d1));
                self.hit("map.keys() / values()");
                if self.chance(1, 2) {
                    Chain { text: "\u{3}.keys().cloned()".into(), kids: vec![m], item: Ty::Str, refs: 0, unordered: true }
                } else {
                    let f = if t.is_copy() { "copied" } else { "cloned" };
                    Chain { text: format!("\u{3}.values().{f}()"), kids: vec![m], item: t, refs: 0, unordered: true }
                }
            }
        };
        let n = self.rng.weighted(&[3, 3, 2]);
        for _ in 0..n {
            self.adapter(&mut c, d1);
        }
        c
    }

    /// Declares a closure's parameter(s) for items of `c` with `extra` more references;
    /// returns the parameter text.
    fn closure_param(&mut self, c: &Chain, extra: u8) -> String {
        let refs = c.refs + extra;
        self.hit("closure");
        if let Ty::Tuple(ts) = &c.item {
            if ts.len() == 2 {
                let (a, b) = (self.fresh("x"), self.fresh("x"));
                let r = (refs > 0) as u8;
                self.vars.push(Var { name: a.clone(), ty: ts[0].clone(), mutable: false, refs: r, bound: LIMIT, negz: true, frozen: 0, moved: false });
                self.vars.push(Var { name: b.clone(), ty: ts[1].clone(), mutable: false, refs: r, bound: LIMIT, negz: true, frozen: 0, moved: false });
                self.hit("closure |&x| / |(a, b)|");
                return format!("({a}, {b})");
            }
        }
        let x = self.fresh("x");
        if refs == 1 && c.item.is_copy() && self.chance(1, 3) {
            self.hit("closure |&x| / |(a, b)|");
            self.vars.push(Var { name: x.clone(), ty: c.item.clone(), mutable: false, refs: 0, bound: LIMIT, negz: true, frozen: 0, moved: false });
            return format!("&{x}");
        }
        self.vars.push(Var { name: x.clone(), ty: c.item.clone(), mutable: false, refs, bound: LIMIT, negz: true, frozen: 0, moved: false });
        x
    }

    /// Generates a closure body of type `ty` over the items of `c`.
    fn closure(&mut self, c: &Chain, extra: u8, ty: &Ty, d: usize) -> (String, Expr) {
        self.push_scope();
        let saved = self.enter_closure();
        let saved_chain = std::mem::replace(&mut self.f.in_chain, true);
        // Over a map's keys or values the order is arbitrary: no effects in the closures.
        let pure = self.f.no_effects;
        self.f.no_effects = pure || c.unordered;
        let p = self.closure_param(c, extra);
        let body = match ty {
            Ty::Int => self.int(d, 1_000_000),
            t => self.expr(t, d),
        };
        self.f.in_chain = saved_chain;
        self.f.no_effects = pure;
        self.leave_closure(saved);
        self.pop_scope();
        (p, body)
    }

    fn adapter(&mut self, c: &mut Chain, d: usize) {
        match self.rng.weighted(&[4, 3, 2, 2, 2, 1]) {
            0 => {
                let u = self.value_ty(0);
                let (p, body) = self.closure(c, 0, &u, d);
                self.hit("map");
                c.text = format!("{}.map(|{p}| \u{4})", c.text);
                c.kids.push(body);
                c.item = u;
                c.refs = 0;
            }
            1 => {
                let (p, body) = self.closure(c, 1, &Ty::Bool, d);
                self.hit("filter");
                c.text = format!("{}.filter(|{p}| \u{2})", c.text);
                c.kids.push(body);
            }
            2 if c.refs == 0 => {
                self.hit("enumerate");
                let (i, x) = (self.fresh("i"), self.fresh("x"));
                c.text = format!("{}.enumerate().map(|({i}, {x})| ({i} as i64, {x}))", c.text);
                c.item = Ty::Tuple(vec![Ty::Int, c.item.clone()]);
                self.hit("closure |&x| / |(a, b)|");
            }
            3 => {
                let n = self.rng.range(0, 4);
                if self.chance(1, 2) {
                    self.hit("take");
                    c.text = format!("{}.take({n})", c.text);
                } else {
                    self.hit("skip");
                    c.text = format!("{}.skip({n})", c.text);
                }
            }
            4 if c.refs == 0 && !c.unordered => {
                let u = self.scalar_ty();
                let v = self.operand(|g| g.vec(&u, d));
                self.hit("zip");
                c.text = format!("{}.zip(\u{4})", c.text);
                c.kids.push(v);
                c.item = Ty::Tuple(vec![c.item.clone(), u]);
            }
            _ => {
                if c.refs > 0 {
                    self.hit("copied / cloned");
                    let f = if c.item.is_copy() { "copied" } else { "cloned" };
                    c.text = format!("{}.{f}()", c.text);
                    c.refs = 0;
                }
            }
        }
    }

    /// Ends `c` with a map to items of type `t` (unless they already are), owned.
    fn end_items(&mut self, c: &mut Chain, t: &Ty, d: usize) {
        if c.item == *t && c.refs == 0 && self.chance(1, 2) {
            return;
        }
        if c.item == *t && c.refs > 0 {
            let f = if t.is_copy() { "copied" } else { "cloned" };
            self.hit("copied / cloned");
            c.text = format!("{}.{f}()", c.text);
            c.refs = 0;
            return;
        }
        let (p, body) = self.closure(c, 0, t, d);
        self.hit("map");
        c.text = format!("{}.map(|{p}| \u{4})", c.text);
        c.kids.push(body);
        c.item = t.clone();
        c.refs = 0;
    }

    /// `chain.collect::<Vec<T>>()`.
    fn chain_collect(&mut self, t: &Ty, d: usize) -> Option<Expr> {
        if d < 2 {
            return None;
        }
        let mut c = self.chain(d - 1, true);
        self.end_items(&mut c, t, d - 1);
        self.hit("collect into Vec");
        // redlua takes the target of `collect` from a `let` type (not from a turbofish).
        let v = self.fresh("c");
        Some(Expr::tpl(Ty::vec(t.clone()), "collect", format!("{{\n    let {v}: Vec<{}> = {}.collect();\n    {v}\n}}", t.rust(), c.text), c.kids))
    }

    /// Strings from chains: `collect::<String>()`.
    fn str_chain(&mut self, d: usize) -> Expr {
        if d < 2 {
            return self.str_leaf();
        }
        let mut c = self.chain(d - 1, true);
        self.end_items(&mut c, &Ty::Str, d - 1);
        self.hit("collect into String");
        Expr::call(Ty::Str, "collect", format!("{}.collect::<String>()", c.text), c.kids)
    }

    /// Integers from chains: `sum`, `count`.
    fn int_iter(&mut self, d: usize) -> Expr {
        if d < 2 {
            return self.int_leaf(LIMIT);
        }
        let mut c = self.chain(d - 1, false);
        if self.chance(1, 2) {
            self.hit("count");
            return Expr::call(Ty::Int, "count", format!("{}.count() as i64", c.text), c.kids);
        }
        if c.item != Ty::Int {
            self.end_items(&mut c, &Ty::Int, d - 1);
        }
        self.hit("sum of an iterator");
        if self.chance(1, 3) {
            self.hit("sum");
        }
        Expr::call(Ty::Int, "sum", format!("{}.sum::<i64>()", c.text), c.kids)
    }

    /// Booleans from chains: `any`, `all`.
    fn iter_predicate(&mut self, d: usize) -> Expr {
        if d < 2 {
            return self.bool_leaf();
        }
        let c = self.chain(d - 1, false);
        let (p, body) = self.closure(&c, 0, &Ty::Bool, d - 1);
        let f = if self.chance(1, 2) { "any" } else { "all" };
        self.hit("any / all");
        let mut kids = c.kids;
        kids.push(body);
        Expr::call(Ty::Bool, "anyall", format!("{}.{f}(|{p}| \u{2})", c.text), kids)
    }

    /// Options from chains: `find`, `position`, `min`, `max`.
    fn iter_option(&mut self, t: &Ty, d: usize) -> Expr {
        if d < 2 {
            return self.opt_leaf(t, d);
        }
        let ty = Ty::opt(t.clone());
        let mut c = self.chain(d - 1, true);
        match self.rng.below(3) {
            0 if *t == Ty::Int => {
                // position's closure takes the items themselves.
                let (p, body) = self.closure(&c, 0, &Ty::Bool, d - 1);
                self.hit("position");
                let mut kids = c.kids;
                kids.push(body);
                Expr::call(ty, "position", format!("{}.position(|{p}| \u{2}).map(|p| p as i64)", c.text), kids)
            }
            1 if *t == Ty::Int => {
                if c.item != Ty::Int {
                    self.end_items(&mut c, &Ty::Int, d - 1);
                }
                let f = if self.chance(1, 2) { "min" } else { "max" };
                self.hit("min / max of an iterator");
                let copied = if c.refs > 0 { ".copied()" } else { "" };
                Expr::call(ty, "minmax", format!("{}.{f}(){copied}", c.text), c.kids)
            }
            _ => {
                if c.item != *t {
                    self.end_items(&mut c, t, d - 1);
                }
                let (p, body) = self.closure(&c, 1, &Ty::Bool, d - 1);
                self.hit("find");
                let after = if c.refs > 0 {
                    if t.is_copy() {
                        ".copied()"
                    } else {
                        ".cloned()"
                    }
                } else {
                    ""
                };
                let mut kids = c.kids;
                kids.push(body);
                Expr::call(ty, "find", format!("{}.find(|{p}| \u{2}){after}", c.text), kids)
            }
        }
    }
}
