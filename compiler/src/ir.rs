//! The typed intermediate representation: what a function means, with every node's
//! type and span. Lowering builds it from syn; checks read it; codegen prints it.

use crate::commands::Command;
use proc_macro2::Span;

pub use crate::types::*;

/// Where a parameter's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamSource {
    /// `KEYS[i]` (1-based).
    Key(usize),
    /// `ARGV[i]` (1-based).
    Arg(usize),
    /// `KEYS[i..]`: a trailing `Vec<Key>`.
    KeysFrom(usize),
    /// `ARGV[i..]`: a trailing `Vec<T>`.
    ArgsFrom(usize),
    /// `ARGV[i]` when present: a trailing `Option<T>`.
    OptArg(usize),
}

/// A parameter of a redis function.
#[derive(Debug, Clone)]
pub struct Param {
    /// The variable it binds.
    pub var: VarId,
    /// The Rust name.
    pub name: String,
    /// Its type.
    pub ty: Ty,
    /// KEYS or ARGV position.
    pub source: ParamSource,
    /// A `redlua::LuaNumber` (`ty` is `f64`): read with Lua's `tonumber`, and the stub
    /// sends the caller's text as it is.
    pub lua_number: bool,
    /// The parameter's span.
    pub span: Span,
}

/// Function options from `#[redis_function(...)]`.
#[derive(Debug, Clone, Default)]
pub struct FnOptions {
    /// `read_only`: registered with `no-writes`, called with FCALL_RO.
    pub read_only: bool,
    /// Span of the `read_only` word (for diagnostics).
    pub read_only_span: Option<Span>,
    /// `nondeterministic`: allows nondeterministic commands.
    pub nondeterministic: bool,
    /// `allow_oom` flag.
    pub allow_oom: bool,
    /// `allow_stale` flag.
    pub allow_stale: bool,
    /// `no_cluster` flag.
    pub no_cluster: bool,
    /// `allow_cross_slot_keys` flag.
    pub allow_cross_slot_keys: bool,
    /// `dynamic_keys`: keys may be built in the body (implies `no-cluster`).
    pub dynamic_keys: bool,
    /// Where each option was written, for flag diagnostics.
    pub spans: Vec<(&'static str, Span)>,
}

/// A variable introduced by a parameter or a `let`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VarId(pub usize);

/// Information about one variable.
#[derive(Debug, Clone)]
pub struct Var {
    /// The Rust name.
    pub name: String,
    /// The unique Lua name.
    pub lua: String,
    /// Its type.
    pub ty: Ty,
    /// Declared `mut`.
    pub mutable: bool,
}

/// A lowered redis function.
#[derive(Debug, Clone)]
pub struct Function {
    /// The Rust name (also the Redis function name).
    pub name: String,
    /// The function name's span.
    pub span: Span,
    /// Options from the attribute.
    pub options: FnOptions,
    /// Parameters, in order.
    pub params: Vec<Param>,
    /// Number of KEYS.
    pub num_keys: usize,
    /// Number of ARGV (the required ones).
    pub num_args: usize,
    /// Number of optional trailing ARGV (`Option<T>` parameters).
    pub opt_args: usize,
    /// The declared return type.
    pub ret: Ty,
    /// The body.
    pub body: Block,
    /// All variables, indexed by `VarId`.
    pub vars: Vec<Var>,
    /// The Rust line of the `fn` keyword.
    pub line: u32,
    /// The keys the body makes (built from strings, derived from other keys), in the
    /// order of the body: what the key checks ([`crate::checks::keys`]) look at.
    pub key_origins: Vec<KeyOrigin>,
}

/// A key made in a body rather than received as a `Key` parameter.
#[derive(Debug, Clone, Copy)]
pub enum KeyOrigin {
    /// `Key::new(s)` / `Key::from(s)`: a key built from a string (`dynamic_keys`).
    Built(Span),
    /// Any other `Key::..` call: no way to make a key.
    OtherConstructor(Span),
    /// `base.derive(suffix)`; `base` is the variable the base key is read from, when it
    /// is one.
    Derived {
        /// The base key's variable.
        base: Option<VarId>,
        /// The `derive` call.
        span: Span,
    },
}

/// A block: statements and an optional tail expression (its value).
#[derive(Debug, Clone)]
pub struct Block {
    /// The statements.
    pub stmts: Vec<Stmt>,
    /// The value of the block, if any.
    pub tail: Option<Box<Expr>>,
    /// The block's type.
    pub ty: Ty,
}

/// A statement.
#[derive(Debug, Clone)]
pub struct Stmt {
    /// What it does.
    pub kind: StmtKind,
    /// The Rust line.
    pub line: u32,
}

/// Kinds of statements.
#[derive(Debug, Clone)]
pub enum StmtKind {
    /// `let x = e;`
    Let(VarId, Expr),
    /// `x = e;` / `x += e;` (compound assignments are lowered to `x = x op e`).
    Assign(VarId, Expr),
    /// `let (a, b) = e;` (`None` for `_`).
    LetTuple(Vec<Option<VarId>>, Expr),
    /// `v[i] = e;`
    AssignIndex(VarId, Expr, Expr),
    /// `s.field = e;` (field index).
    AssignField(VarId, usize, Expr),
    /// `let PAT = e else { diverge };`
    LetElse(Pat, Expr, Block),
    /// `e;`
    Expr(Expr),
}

/// An expression with its type and span.
#[derive(Debug, Clone)]
pub struct Expr {
    /// What it computes.
    pub kind: ExprKind,
    /// Its type.
    pub ty: Ty,
    /// Where it is in the Rust source.
    pub span: Span,
    /// The Rust line.
    pub line: u32,
}

/// Binary operators, typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    /// `&` (on i64, or eager on bools).
    BitAnd,
    /// `|` (on i64, or eager on bools).
    BitOr,
    /// `^` (on i64, or on bools).
    BitXor,
    Shl,
    Shr,
}

impl BinOp {
    /// `&`, `|`, `^`, `<<`, `>>`.
    pub fn is_bitwise(self) -> bool {
        matches!(self, BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor | BinOp::Shl | BinOp::Shr)
    }
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum UnOp {
    Not,
    Neg,
    /// `!` on an i64: the bitwise complement.
    BitNot,
}

/// Kinds of expressions.
#[derive(Debug, Clone)]
pub enum ExprKind {
    /// An integer literal (within ±(2^53 - 1)).
    Int(i64),
    /// A float literal, or a constant of `f64` (`INFINITY`, `NAN`, ..).
    Float(f64),
    /// A boolean literal.
    Bool(bool),
    /// A string literal.
    Str(Vec<u8>),
    /// `()`
    Unit,
    /// A variable.
    Var(VarId),
    /// `a op b`.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `op a`.
    Unary(UnOp, Box<Expr>),
    /// `if c { .. } else { .. }` (`else if` chains nest in `els`).
    If(Box<Expr>, Block, Option<Box<Expr>>),
    /// `{ .. }`.
    Block(Block),
    /// A typed Redis command call.
    Command(CommandCall),
    /// `Some(e)`.
    Some(Box<Expr>),
    /// `None`.
    None,
    /// `Ok(e)`.
    Ok(Box<Expr>),
    /// `Err(reject)`.
    Err(Box<Expr>),
    /// `reject!("message")`.
    Reject(Vec<u8>),
    /// `reject!("{} is over {}", n, max)`: the code and a space (`REJECT `), then the
    /// message, a `String` computed at run time.
    RejectWith(Vec<u8>, Box<Expr>),
    /// A reply built in the body: `Value::Int(n)`, `Value::bulk(s)`, `Value::Nil`, ...
    /// (`lang/values.rs`), with its operand, if any.
    MakeValue(ValueCtor, Vec<Expr>),
    /// `opt.unwrap_or(default)`.
    UnwrapOr(Box<Expr>, Box<Expr>),
    /// `opt.is_some()`.
    IsSome(Box<Expr>),
    /// `opt.is_none()`.
    IsNone(Box<Expr>),
    /// `n.to_string()` for integers.
    IntToString(Box<Expr>),
    /// `return e`.
    Return(Option<Box<Expr>>),
    /// `while c { .. }`.
    While(Box<Expr>, Block, LoopId),
    /// `loop { .. }`.
    Loop(Block, LoopId),
    /// `for v in a..b` / `a..=b`, possibly `.rev()` / `.step_by(n)`.
    ForRange(Box<ForRange>),
    /// `for v in vec` / `vec.iter()`.
    ForEach(VarId, Box<Expr>, Block, LoopId),
    /// `for (k, v) in &map`.
    ForMap(VarId, VarId, Box<Expr>, Block, LoopId),
    /// `break` out of a loop.
    Break(LoopId),
    /// `continue` with the next iteration of a loop.
    Continue(LoopId),
    /// `match e { .. }` (and `if let`).
    Match(Box<Expr>, Vec<Arm>),
    /// `vec![a, b]` / `Vec::new()`.
    VecLit(Vec<Expr>),
    /// `v[i]`, bounds-checked like Rust.
    Index(Box<Expr>, Box<Expr>),
    /// `(a, b)`.
    Tuple(Vec<Expr>),
    /// `S { a, b }`: the fields in declaration order.
    StructLit(Vec<Expr>),
    /// `t.0` / `s.field` (by index).
    TupleField(Box<Expr>, usize),
    /// `|a: T| body`.
    Closure(Vec<VarId>, Box<Expr>),
    /// Calling a closure held in a variable.
    CallClosure(VarId, Vec<Expr>),
    /// A library method (receiver first in the arguments).
    Method(Method, Vec<Expr>),
    /// `opt?` (returns `None`) or `opt.ok_or(reject!(..))?` (returns the rejection).
    Try(Box<Expr>, Option<Box<Expr>>),
    /// `while let PAT = e { .. }`.
    WhileLet(Pat, Box<Expr>, Block, LoopId),
    /// `opt.map(f)` and friends: the option, the closure.
    OptionCall(OptionOp, Box<Expr>, Box<Expr>),
    /// A call of a helper function (a plain `fn` of the library or the body).
    CallHelper(usize, Vec<Expr>),
    /// `call!("CMD", ..)` (or `try_call!` when `protected`): any command of the table.
    DynCall(DynCall),
    /// A method of `Value` / of a `try_call!` result.
    DynMethod(DynMethod, Box<Expr>),
    /// An iterator chain: `v.iter().filter(..).map(..).sum()`.
    Iter(Box<IterChain>),
    /// A record (`#[derive(Record)]`) read from or written to a hash, or JSON: see
    /// `lang/records.rs`.
    Record(RecordOp, Vec<Expr>),
}

/// What a [`ExprKind::Record`] does; its arguments, in Rust's order, follow each variant.
#[derive(Debug, Clone)]
pub enum RecordOp {
    /// `hgetall_as::<T>(&key)?`: the key. `Option<T>`; a bad field raises the rejection.
    HashRead(Ty),
    /// `hset_record(&key, &record)`: the key, the record. `HSET` of the `Some` fields,
    /// `HDEL` of the `None` ones.
    HashWrite(Ty),
    /// `json_decode::<T>(&text)?`: the text. `T`; invalid JSON or a bad field raises the
    /// rejection.
    JsonDecode(Ty),
    /// `json_encode(&value)`: the value (of the type held). A `String`.
    JsonEncode(Ty),
    /// `{:?}` (false) or `{:#?}` (true) in a `format!` or `reject!`: the value (of the type
    /// held). A `String`: see `lang/debug.rs`.
    Debug(Ty, bool),
}

impl RecordOp {
    /// The Redis command the operation sends first, and whether it writes; `None` for
    /// JSON, which sends none.
    pub fn command(&self) -> Option<(&'static str, bool)> {
        match self {
            RecordOp::HashRead(_) => Some(("HGETALL", false)),
            RecordOp::HashWrite(_) => Some(("HSET", true)),
            RecordOp::JsonDecode(_) | RecordOp::JsonEncode(_) | RecordOp::Debug(..) => None,
        }
    }
}

/// An iterator chain, run as one loop, as lazily as Rust runs it: closures run when,
/// and as often as, Rust's iterators call them.
#[derive(Debug, Clone)]
pub struct IterChain {
    /// Where the elements come from.
    pub source: IterSource,
    /// `.rev()` right after the source.
    pub rev: bool,
    /// The adapters, in order.
    pub stages: Vec<IterStage>,
    /// What the chain produces.
    pub sink: IterSink,
}

/// The source of an iterator chain.
#[derive(Debug, Clone)]
pub enum IterSource {
    /// `v.iter()` / `v.into_iter()`.
    Vec(Expr),
    /// `(a..b).into_iter()` (or `..=`).
    Range(Expr, Expr, bool),
    /// `s.split(sep)`.
    Split(Expr, Expr),
    /// `v.chunks(n)`.
    Chunks(Expr, Expr),
}

/// An iterator adapter.
#[derive(Debug, Clone)]
pub enum IterStage {
    /// `.map(f)`.
    Map(Expr),
    /// `.filter(f)`.
    Filter(Expr),
    /// `.filter_map(f)`: the closure's `Some` values; a `None` drops the element.
    FilterMap(Expr),
    /// `.take_while(f)`: the chain ends at the first element the closure refuses.
    TakeWhile(Expr),
    /// `.skip_while(f)`: elements are dropped until the closure first refuses one; it
    /// is not called again after that.
    SkipWhile(Expr),
    /// `.enumerate()`.
    Enumerate,
    /// `.take(n)`.
    Take(Expr),
    /// `.skip(n)`.
    Skip(Expr),
    /// `.zip(other.iter())` over a Vec: pairs, up to the shorter of the two. The flag:
    /// the other side's length is checked before an element is pulled (Rust zips such
    /// chains by index and runs no closure for an element without a partner); otherwise
    /// the element is pulled first and the chain ends when it has no partner.
    Zip(Expr, bool),
}

/// The end of an iterator chain.
#[derive(Debug, Clone)]
#[allow(missing_docs)]
pub enum IterSink {
    Collect,
    CollectMap,
    /// `collect::<String>()` of strings (or chars).
    CollectString,
    Sum,
    Count,
    Any(Expr),
    All(Expr),
    Min,
    Max,
    Find(Expr),
    Position(Expr),
    /// `.max_by_key(f)`: the last element of the greatest key (each key computed once).
    MaxByKey(Expr),
    /// `.min_by_key(f)`: the first element of the least key.
    MinByKey(Expr),
    /// `.for_each(f)`: the closure on every element, in order.
    ForEach(Expr),
}

/// A `call!` / `try_call!`.
#[derive(Debug, Clone)]
pub struct DynCall {
    /// The server's description of the command.
    pub spec: &'static crate::command_spec::CommandSpec,
    /// The command words (`XINFO`, `STREAM`) and then the arguments, as sent.
    pub args: Vec<CommandArg>,
    /// `try_call!`: errors come back as values (`redis.pcall`).
    pub protected: bool,
}

/// Methods of `Value` and of `try_call!` results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum DynMethod {
    IsNil,
    IsOk,
    AsInt,
    AsString,
    AsArray,
    ResultIsOk,
    ResultIsErr,
    ResultOk,
    ResultErr,
}

/// The ways to build a `Value` in the body (`lang/values.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueCtor {
    /// `Value::Nil`: Lua `false` (a nil reply, or a nil element of an array).
    Nil,
    /// `Value::Int(n)`: the number.
    Int,
    /// `Value::bulk(s)`: the string.
    Bulk,
    /// `Value::status(s)`: `{ ok = s }`.
    Status,
    /// `Value::Array(v)`: the Vec's table.
    Array,
    /// `Value::lua_number(x)`: the float itself, which the server truncates to an integer.
    LuaNumber,
    /// `lua_tonumber(s)` (an `Option<f64>`, `lang/luanumbers.rs`): Lua's `tonumber(s)`.
    LuaToNumber,
    /// `lua_tostring(x)` (a `String`): Lua's `tostring(x)`, `%.14g`.
    LuaToString,
    /// `lua_arg(x)`: the Lua number itself, passed to `redis.call`, which converts it.
    LuaArg,
}

/// Option methods that take a closure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum OptionOp {
    Map,
    AndThen,
    Filter,
    IsSomeAnd,
    UnwrapOrElse,
}

/// A helper function: a plain Rust `fn` called from redis functions, translated once
/// per chunk as a Lua local function (recursion allowed).
#[derive(Debug, Clone)]
pub struct HelperFn {
    /// The Rust name.
    pub name: String,
    /// The Lua name.
    pub lua: String,
    /// Parameters.
    pub params: Vec<VarId>,
    /// Parameter types.
    pub param_tys: Vec<Ty>,
    /// Return type.
    pub ret: Ty,
    /// Body (empty until lowered).
    pub body: Option<Block>,
    /// Its variables.
    pub vars: Vec<Var>,
    /// The Rust line of the `fn`.
    pub line: u32,
    /// The span of the name.
    pub span: Span,
    /// The keys its body makes (see [`Function::key_origins`]).
    pub key_origins: Vec<KeyOrigin>,
}

/// Identifies a loop, for `break` / `continue`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LoopId(pub usize);

/// A `for` over a range.
#[derive(Debug, Clone)]
pub struct ForRange {
    /// The loop variable.
    pub var: VarId,
    /// Start of the range.
    pub start: Expr,
    /// End of the range.
    pub end: Expr,
    /// `..=` rather than `..`.
    pub inclusive: bool,
    /// `.rev()`.
    pub rev: bool,
    /// With a step, `.rev().step_by(n)` (rather than `.step_by(n).rev()`).
    pub rev_first: bool,
    /// `.step_by(n)`.
    pub step: Option<Expr>,
    /// The body.
    pub body: Block,
    /// Which loop this is.
    pub id: LoopId,
}

/// One arm of a `match`.
#[derive(Debug, Clone)]
pub struct Arm {
    /// The pattern.
    pub pat: Pat,
    /// `if guard`.
    pub guard: Option<Expr>,
    /// The arm's value.
    pub body: Expr,
}

/// A pattern of a `match` arm.
#[derive(Debug, Clone)]
pub enum Pat {
    /// `_`.
    Wild,
    /// A name binding the matched value.
    Bind(VarId),
    /// An integer literal.
    Int(i64),
    /// A string literal.
    Str(Vec<u8>),
    /// `true` / `false`.
    Bool(bool),
    /// `lo..=hi` (or `lo..hi` with `hi - 1`).
    Range(i64, i64),
    /// `a | b`.
    Or(Vec<Pat>),
    /// `Some(p)`.
    Some(Box<Pat>),
    /// `None`.
    None,
    /// `(a, b)`.
    Tuple(Vec<Pat>),
    /// `Ok(p)` on a `try_call!` result.
    CallOk(Box<Pat>),
    /// `Err(p)` on a `try_call!` result (`p` binds the error text).
    CallErr(Box<Pat>),
}

/// Library methods with their Rust meaning: the rows of the table of builtins.
pub use crate::builtins::Method;

/// A call of a typed command, with options resolved at compile time.
#[derive(Debug, Clone)]
pub struct CommandCall {
    /// The command's signature.
    pub command: &'static Command,
    /// Lua arguments after the command name: key, values, and static option words.
    pub args: Vec<CommandArg>,
    /// The reply's Rust type.
    pub reply: Ty,
}

/// One argument of a command call.
#[derive(Debug, Clone)]
pub enum CommandArg {
    /// An evaluated value (key or data).
    Value(Expr),
    /// A static option word such as `NX` or `EX`.
    Word(&'static str),
    /// A `Vec` whose elements are sent as separate arguments.
    Spread(Expr),
    /// A `Vec` of 2-tuples whose elements are sent flattened.
    SpreadPairs(Expr),
}

impl Expr {
    /// True when evaluating the expression can have no side effects (no command, no return).
    pub fn is_pure(&self) -> bool {
        match &self.kind {
            ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) | ExprKind::Str(_) | ExprKind::Unit | ExprKind::Var(_) | ExprKind::None | ExprKind::Reject(_) => true,
            // Integer arithmetic can raise an error (overflow, division by zero), so it is not pure.
            ExprKind::Binary(op, a, b) => !matches!(op, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem) && !op.is_bitwise() && a.is_pure() && b.is_pure(),
            ExprKind::UnwrapOr(a, b) => a.is_pure() && b.is_pure(),
            // `-x` and `!x` of the narrower integer types can overflow (`-i8::MIN`, `!0u64`).
            ExprKind::Unary(UnOp::Neg | UnOp::BitNot, a) if matches!(a.ty, Ty::IntN(_)) => false,
            ExprKind::Unary(_, a) | ExprKind::Some(a) | ExprKind::Ok(a) | ExprKind::Err(a) | ExprKind::IsSome(a) | ExprKind::IsNone(a) | ExprKind::IntToString(a) => a.is_pure(),
            ExprKind::Tuple(es) | ExprKind::VecLit(es) => es.iter().all(Expr::is_pure),
            ExprKind::TupleField(a, _) => a.is_pure(),
            ExprKind::Closure(..) => true,
            ExprKind::Try(..) => false,
            _ => false,
        }
    }
}

impl Expr {
    /// True when evaluating the expression may assign `var` or change it in place: an
    /// assignment in a block of it, or a method that changes a Vec or a map.
    pub fn may_change(&self, var: VarId) -> bool {
        let mut found = false;
        visit_expr(self, &mut |e| {
            let blocks: Vec<&Block> = match &e.kind {
                ExprKind::If(_, b, _) | ExprKind::Block(b) | ExprKind::While(_, b, _) | ExprKind::Loop(b, _) | ExprKind::ForEach(_, _, b, _) | ExprKind::ForMap(_, _, _, b, _) | ExprKind::WhileLet(_, _, b, _) => vec![b],
                ExprKind::ForRange(r) => vec![&r.body],
                _ => vec![],
            };
            for b in blocks {
                found |= b.stmts.iter().any(|s| match &s.kind {
                    StmtKind::Assign(v, _) | StmtKind::AssignIndex(v, _, _) | StmtKind::AssignField(v, _, _) => *v == var,
                    StmtKind::LetElse(_, _, els) => els.stmts.iter().any(|s| matches!(&s.kind, StmtKind::Assign(v, _) | StmtKind::AssignIndex(v, _, _) | StmtKind::AssignField(v, _, _) if *v == var)),
                    _ => false,
                });
            }
            if let ExprKind::Method(m, args) = &e.kind {
                found |= m.row().has(crate::builtins::CHANGES) && matches!(args.first().map(|a| &a.kind), Some(ExprKind::Var(v)) if *v == var);
            }
        });
        found
    }

    /// The variables the expression reads.
    pub fn reads(&self) -> Vec<VarId> {
        let mut vars = Vec::new();
        visit_expr(self, &mut |e| {
            if let ExprKind::Var(v) = e.kind {
                vars.push(v);
            }
        });
        vars
    }
}

/// True when evaluating `a` then `b` may differ from evaluating `b` then `a`: both can
/// have effects (a command, an assignment, an error), or one changes a variable the
/// other reads.
pub fn order_matters(a: &Expr, b: &Expr) -> bool {
    (!a.is_pure() && !b.is_pure()) || b.reads().into_iter().any(|v| a.may_change(v)) || a.reads().into_iter().any(|v| b.may_change(v))
}

// ----- walking the IR ---------------------------------------------------------------
// Walking the IR: every expression of a block, each before its parts, for the checks and
// for the other phases that look for a kind of expression (a command, a helper call).

/// Calls `f` on every expression of a block.
pub fn visit_block(b: &Block, f: &mut dyn FnMut(&Expr)) {
    for s in &b.stmts {
        match &s.kind {
            StmtKind::Let(_, e) | StmtKind::Assign(_, e) | StmtKind::Expr(e) | StmtKind::LetTuple(_, e) => visit_expr(e, f),
            StmtKind::LetElse(_, e, b) => {
                visit_expr(e, f);
                visit_block(b, f);
            }
            StmtKind::AssignField(_, _, e) => visit_expr(e, f),
            StmtKind::AssignIndex(_, i, e) => {
                visit_expr(i, f);
                visit_expr(e, f);
            }
        }
    }
    if let Some(t) = &b.tail {
        visit_expr(t, f);
    }
}

/// Calls `f` on `e` and every expression inside it.
pub fn visit_expr(e: &Expr, f: &mut dyn FnMut(&Expr)) {
    f(e);
    match &e.kind {
        ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Bool(_) | ExprKind::Str(_) | ExprKind::Unit | ExprKind::Var(_) | ExprKind::None | ExprKind::Reject(_) => {}
        ExprKind::Binary(_, a, b) | ExprKind::UnwrapOr(a, b) => {
            visit_expr(a, f);
            visit_expr(b, f);
        }
        ExprKind::Unary(_, a) | ExprKind::Some(a) | ExprKind::Ok(a) | ExprKind::Err(a) | ExprKind::IsSome(a) | ExprKind::IsNone(a) | ExprKind::IntToString(a) | ExprKind::RejectWith(_, a) => visit_expr(a, f),
        ExprKind::If(c, t, e2) => {
            visit_expr(c, f);
            visit_block(t, f);
            if let Some(e2) = e2 {
                visit_expr(e2, f);
            }
        }
        ExprKind::Block(b) => visit_block(b, f),
        ExprKind::Command(c) => {
            for a in &c.args {
                match a {
                    CommandArg::Value(v) | CommandArg::Spread(v) | CommandArg::SpreadPairs(v) => visit_expr(v, f),
                    CommandArg::Word(_) => {}
                }
            }
        }
        ExprKind::Return(v) => {
            if let Some(v) = v {
                visit_expr(v, f);
            }
        }
        ExprKind::While(c, b, _) => {
            visit_expr(c, f);
            visit_block(b, f);
        }
        ExprKind::Loop(b, _) => visit_block(b, f),
        ExprKind::ForRange(r) => {
            visit_expr(&r.start, f);
            visit_expr(&r.end, f);
            if let Some(s) = &r.step {
                visit_expr(s, f);
            }
            visit_block(&r.body, f);
        }
        ExprKind::ForMap(_, _, v, b, _) | ExprKind::ForEach(_, v, b, _) => {
            visit_expr(v, f);
            visit_block(b, f);
        }
        ExprKind::Break(_) | ExprKind::Continue(_) => {}
        ExprKind::Match(s, arms) => {
            visit_expr(s, f);
            for a in arms {
                if let Some(g) = &a.guard {
                    visit_expr(g, f);
                }
                visit_expr(&a.body, f);
            }
        }
        ExprKind::VecLit(es) | ExprKind::Tuple(es) | ExprKind::StructLit(es) | ExprKind::Method(_, es) | ExprKind::CallClosure(_, es) | ExprKind::MakeValue(_, es) | ExprKind::Record(_, es) => {
            for e in es {
                visit_expr(e, f);
            }
        }
        ExprKind::Index(a, b) => {
            visit_expr(a, f);
            visit_expr(b, f);
        }
        ExprKind::TupleField(a, _) | ExprKind::Closure(_, a) => visit_expr(a, f),
        ExprKind::Try(a, b) => {
            visit_expr(a, f);
            if let Some(b) = b {
                visit_expr(b, f);
            }
        }
        ExprKind::WhileLet(_, v, b, _) => {
            visit_expr(v, f);
            visit_block(b, f);
        }
        ExprKind::OptionCall(_, a, b) => {
            visit_expr(a, f);
            visit_expr(b, f);
        }
        ExprKind::CallHelper(_, es) => {
            for e in es {
                visit_expr(e, f);
            }
        }
        ExprKind::DynCall(c) => {
            for a in &c.args {
                match a {
                    CommandArg::Value(v) | CommandArg::Spread(v) | CommandArg::SpreadPairs(v) => visit_expr(v, f),
                    CommandArg::Word(_) => {}
                }
            }
        }
        ExprKind::DynMethod(_, a) => visit_expr(a, f),
        ExprKind::Iter(ch) => {
            match &ch.source {
                IterSource::Vec(a) => visit_expr(a, f),
                IterSource::Range(a, b, _) | IterSource::Split(a, b) | IterSource::Chunks(a, b) => {
                    visit_expr(a, f);
                    visit_expr(b, f);
                }
            }
            for st in &ch.stages {
                match st {
                    IterStage::Map(e) | IterStage::Filter(e) | IterStage::FilterMap(e) | IterStage::TakeWhile(e) | IterStage::SkipWhile(e) | IterStage::Take(e) | IterStage::Skip(e) | IterStage::Zip(e, _) => visit_expr(e, f),
                    IterStage::Enumerate => {}
                }
            }
            match &ch.sink {
                IterSink::Any(e) | IterSink::All(e) | IterSink::Find(e) | IterSink::Position(e) | IterSink::MaxByKey(e) | IterSink::MinByKey(e) | IterSink::ForEach(e) => visit_expr(e, f),
                _ => {}
            }
        }
    }
}
