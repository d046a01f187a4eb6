//! Typed Redis commands callable from a redis function.
//!
//! Each entry says how a Rust call maps to `redis.call`: the Rust parameters, the order
//! in which they (and static words) are sent, and what the reply becomes in Lua (nil
//! bulk → `nil`, integer 1/0 → `bool`, float strings → `f64`, flat arrays → pairs).
//! The command's flags (write, nondeterministic, noscript, blocking) and key positions
//! come from the server's own command table ([`crate::command_spec`]), not from here.
//!
//! This table is also the source of the runtime's typed commands: `cargo xtask gen-commands
//! --prelude` writes `runtime/src/prelude/commands.rs` from it (names, parameters, the words
//! sent in order, the reply conversion) and from their documentation in
//! `compiler/gen/command_docs.md`; the test `compiler/tests/prelude_commands.rs` fails when
//! that file is out of date. To add a command: add its row here, its section there, and
//! regenerate.

use crate::command_spec::{self, CommandSpec};

/// The kind of one Rust parameter of a typed command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// One key: a `Key` parameter of the function (or a value derived from one).
    Key,
    /// One key, or several: an array literal of keys (`&[&a, &b]`) or a `Vec<Key>`.
    Keys,
    /// An integer.
    Int,
    /// A float (`f64`), sent as Rust prints it.
    Float,
    /// One value: an integer, a float or a string.
    Value,
    /// One value or several: a value, an array literal of values, or a `Vec` of them.
    Values,
    /// Field/value pairs: an array literal of 2-tuples, or a `Vec` of them.
    Pairs,
    /// Key/value pairs (MSET): an array literal of `(key, value)` tuples.
    KeyValues,
    /// A string literal, one of the given words (`"LEFT"` / `"RIGHT"`).
    Word(&'static [&'static str]),
    /// Options written in place as a builder chain, e.g. `SetOptions::new().nx().ex(ttl)`.
    Options(&'static OptionSpec),
}

/// One method of an options builder.
#[derive(Debug, PartialEq, Eq)]
pub struct OptionMethod {
    /// The Rust method name.
    pub name: &'static str,
    /// The words it sends.
    pub words: &'static [&'static str],
    /// The type of its argument, if it takes one (sent after the words).
    pub arg: Option<ParamKind>,
    /// Methods of the same non-zero group exclude each other.
    pub group: u8,
}

/// An options builder type: what `Type::new().a().b(x)` sends.
#[derive(Debug, PartialEq, Eq)]
pub struct OptionSpec {
    /// The Rust type name.
    pub type_name: &'static str,
    /// Its methods, in the order their words are sent (whatever the call order).
    pub methods: &'static [OptionMethod],
}

/// How the raw Lua reply of a command becomes the Rust-typed value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyKind {
    /// Status reply, no value: `()`.
    Unit,
    /// An integer reply that may exceed 2^53 (INCRBY...): range-checked.
    Int,
    /// An integer reply that is a count (DEL, LPUSH...).
    Count,
    /// Integer 1/0 → `bool` (EXISTS, EXPIRE...).
    Flag,
    /// `OK` or nil → `bool` (SET NX/XX).
    OkOrNil,
    /// Bulk string or nil → `Option<T>`, `T` given by turbofish (`i64`, `f64`, `String`).
    OptionalValue,
    /// Bulk string or nil → `Option<String>`.
    OptionalString,
    /// Integer or nil → `Option<i64>` (ZRANK).
    OptionalInt,
    /// A bulk string that is always there → `String`.
    String,
    /// A status reply → `String` (TYPE).
    Status,
    /// A float as a bulk string → `f64` (INCRBYFLOAT, ZINCRBY).
    Float,
    /// A float or nil → `Option<f64>` (ZSCORE).
    OptionalFloat,
    /// Array of bulk strings → `Vec<String>`.
    VecString,
    /// Array of bulk strings or nils → `Vec<Option<String>>` (MGET, HMGET).
    VecOptString,
    /// Array of 1/0 → `Vec<bool>` (SMISMEMBER).
    VecFlag,
    /// Array of floats or nils → `Vec<Option<f64>>` (ZMSCORE).
    VecOptFloat,
    /// Flat array of field, value → `Vec<(String, String)>` (HGETALL).
    PairsString,
    /// Flat array of member, score → `Vec<(String, f64)>` (WITHSCORES, ZPOPMIN).
    PairsScore,
    /// Nil or an array → `Option<Vec<String>>` (LPOP with a count).
    OptionalVecString,
    /// Stream entries → `Vec<(String, Vec<(String, String)>)>` (XRANGE).
    StreamEntries,
    /// TIME → `(i64, i64)`: seconds and microseconds.
    Time,
}

/// What a typed command sends, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emit {
    /// The Rust parameter with this index.
    P(usize),
    /// A static word.
    W(&'static str),
}

/// A typed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The function name in `redlua::prelude`.
    pub rust: &'static str,
    /// The Redis command name.
    pub redis: &'static str,
    /// The parameters of the Rust function.
    pub params: &'static [ParamKind],
    /// Their names, one per parameter, as the runtime's function declares them.
    pub param_names: &'static [&'static str],
    /// What is sent after the command name; empty means the parameters in order.
    pub emit: &'static [Emit],
    /// The reply mapping.
    pub reply: ReplyKind,
}

impl Command {
    /// The server's description of the command.
    pub fn spec(&self) -> Option<&'static CommandSpec> {
        command_spec::lookup(self.redis)
    }

    /// Flagged `write` by the server.
    pub fn is_write(&self) -> bool {
        self.spec().is_some_and(|s| s.is_write())
    }

    /// Output depends on more than the data (randomness, the clock): the server's
    /// `nondeterministic_output` tip.
    pub fn is_nondeterministic(&self) -> bool {
        self.spec().is_some_and(|s| s.is_nondeterministic())
    }

    /// How the replies combine when a long argument list from a `Vec` is sent in
    /// several commands: `sum` (counts), `last` (the final list length), `concat`
    /// (arrays), `ok`; `None` when the command cannot be split (XADD: one entry).
    pub fn split(&self) -> Option<&'static str> {
        match self.redis {
            "DEL" | "UNLINK" | "EXISTS" | "SADD" | "SREM" | "HDEL" | "ZREM" | "XDEL" | "HSET" => Some("sum"),
            "LPUSH" | "RPUSH" => Some("last"),
            "MGET" | "HMGET" | "SMISMEMBER" | "ZMSCORE" => Some("concat"),
            "MSET" => Some("ok"),
            _ => None,
        }
    }

    /// The emission order.
    pub fn emit_order(&self) -> Vec<Emit> {
        if self.emit.is_empty() {
            (0..self.params.len()).map(Emit::P).collect()
        } else {
            self.emit.to_vec()
        }
    }
}

use ParamKind as P;
use ReplyKind as R;

const fn m(name: &'static str, words: &'static [&'static str], arg: Option<ParamKind>, group: u8) -> OptionMethod {
    OptionMethod { name, words, arg, group }
}

/// `SetOptions`: SET's condition and expiry.
pub static SET_OPTIONS: OptionSpec = OptionSpec {
    type_name: "SetOptions",
    methods: &[
        m("nx", &["NX"], None, 1),
        m("xx", &["XX"], None, 1),
        m("ex", &["EX"], Some(P::Int), 2),
        m("px", &["PX"], Some(P::Int), 2),
        m("exat", &["EXAT"], Some(P::Int), 2),
        m("pxat", &["PXAT"], Some(P::Int), 2),
        m("keep_ttl", &["KEEPTTL"], None, 2),
    ],
};

/// `GetExOptions`: GETEX's expiry.
pub static GETEX_OPTIONS: OptionSpec = OptionSpec {
    type_name: "GetExOptions",
    methods: &[
        m("ex", &["EX"], Some(P::Int), 1),
        m("px", &["PX"], Some(P::Int), 1),
        m("exat", &["EXAT"], Some(P::Int), 1),
        m("pxat", &["PXAT"], Some(P::Int), 1),
        m("persist", &["PERSIST"], None, 1),
    ],
};

/// `ZAddOptions`: ZADD's conditions.
pub static ZADD_OPTIONS: OptionSpec = OptionSpec {
    type_name: "ZAddOptions",
    methods: &[
        m("nx", &["NX"], None, 1),
        m("xx", &["XX"], None, 1),
        m("gt", &["GT"], None, 2),
        m("lt", &["LT"], None, 2),
        m("ch", &["CH"], None, 0),
    ],
};

/// `ZRangeOptions`: ZRANGE's modes.
pub static ZRANGE_OPTIONS: OptionSpec = OptionSpec {
    type_name: "ZRangeOptions",
    methods: &[
        m("by_score", &["BYSCORE"], None, 1),
        m("by_lex", &["BYLEX"], None, 1),
        m("rev", &["REV"], None, 0),
        m("limit", &["LIMIT"], Some(P::Int), 0),
        m("count", &[], Some(P::Int), 0),
    ],
};

/// `XAddOptions`: XADD's trimming.
pub static XADD_OPTIONS: OptionSpec = OptionSpec {
    type_name: "XAddOptions",
    methods: &[
        m("nomkstream", &["NOMKSTREAM"], None, 0),
        m("maxlen", &["MAXLEN"], Some(P::Int), 1),
        m("minid", &["MINID"], Some(P::Value), 1),
    ],
};

const NO_EMIT: &[Emit] = &[];

/// One row: `cmd!(rust name, REDIS NAME, [name: kind, ..], [emit [..],] reply)`.
macro_rules! cmd {
    ($rust:literal, $redis:literal, [$($n:ident: $p:expr),*], emit [$($e:expr),*], $reply:expr) => {
        Command { rust: $rust, redis: $redis, params: &[$($p),*], param_names: &[$(stringify!($n)),*], emit: &[$($e),*], reply: $reply }
    };
    ($rust:literal, $redis:literal, [$($n:ident: $p:expr),*], $reply:expr) => {
        Command { rust: $rust, redis: $redis, params: &[$($p),*], param_names: &[$(stringify!($n)),*], emit: NO_EMIT, reply: $reply }
    };
}

use Emit::{P as Pi, W};

const SIDES: &[&str] = &["LEFT", "RIGHT"];

/// The typed commands.
pub static COMMANDS: &[Command] = &[
    // strings
    cmd!("get", "GET", [key: P::Key], R::OptionalValue),
    cmd!("set", "SET", [key: P::Key, value: P::Value], R::Unit),
    cmd!("set_with", "SET", [key: P::Key, value: P::Value, options: P::Options(&SET_OPTIONS)], R::OkOrNil),
    cmd!("set_get", "SET", [key: P::Key, value: P::Value, options: P::Options(&SET_OPTIONS)], emit [Pi(0), Pi(1), Pi(2), W("GET")], R::OptionalString),
    cmd!("setnx", "SETNX", [key: P::Key, value: P::Value], R::Flag),
    cmd!("getset", "GETSET", [key: P::Key, value: P::Value], R::OptionalString),
    cmd!("getdel", "GETDEL", [key: P::Key], R::OptionalString),
    cmd!("getex", "GETEX", [key: P::Key, options: P::Options(&GETEX_OPTIONS)], R::OptionalString),
    cmd!("mget", "MGET", [keys: P::Keys], R::VecOptString),
    cmd!("mset", "MSET", [pairs: P::KeyValues], R::Unit),
    cmd!("incr", "INCR", [key: P::Key], R::Int),
    cmd!("incr_by", "INCRBY", [key: P::Key, n: P::Int], R::Int),
    cmd!("incr_by_float", "INCRBYFLOAT", [key: P::Key, x: P::Float], R::Float),
    cmd!("decr", "DECR", [key: P::Key], R::Int),
    cmd!("decr_by", "DECRBY", [key: P::Key, n: P::Int], R::Int),
    cmd!("append", "APPEND", [key: P::Key, value: P::Value], R::Count),
    cmd!("strlen", "STRLEN", [key: P::Key], R::Count),
    // keys
    cmd!("del", "DEL", [keys: P::Keys], R::Count),
    cmd!("unlink", "UNLINK", [keys: P::Keys], R::Count),
    cmd!("exists", "EXISTS", [key: P::Key], R::Flag),
    cmd!("exists_count", "EXISTS", [keys: P::Keys], R::Count),
    cmd!("expire", "EXPIRE", [key: P::Key, seconds: P::Int], R::Flag),
    cmd!("pexpire", "PEXPIRE", [key: P::Key, millis: P::Int], R::Flag),
    cmd!("expire_at", "EXPIREAT", [key: P::Key, unix_seconds: P::Int], R::Flag),
    cmd!("pexpire_at", "PEXPIREAT", [key: P::Key, unix_millis: P::Int], R::Flag),
    cmd!("ttl", "TTL", [key: P::Key], R::Int),
    cmd!("pttl", "PTTL", [key: P::Key], R::Int),
    cmd!("persist", "PERSIST", [key: P::Key], R::Flag),
    cmd!("key_type", "TYPE", [key: P::Key], R::Status),
    // hashes
    cmd!("hget", "HGET", [key: P::Key, field: P::Value], R::OptionalValue),
    cmd!("hset", "HSET", [key: P::Key, field: P::Value, value: P::Value], R::Count),
    cmd!("hset_many", "HSET", [key: P::Key, pairs: P::Pairs], R::Count),
    cmd!("hsetnx", "HSETNX", [key: P::Key, field: P::Value, value: P::Value], R::Flag),
    cmd!("hmget", "HMGET", [key: P::Key, fields: P::Values], R::VecOptString),
    cmd!("hgetall", "HGETALL", [key: P::Key], R::PairsString),
    cmd!("hdel", "HDEL", [key: P::Key, fields: P::Values], R::Count),
    cmd!("hexists", "HEXISTS", [key: P::Key, field: P::Value], R::Flag),
    cmd!("hincr_by", "HINCRBY", [key: P::Key, field: P::Value, n: P::Int], R::Int),
    cmd!("hincr_by_float", "HINCRBYFLOAT", [key: P::Key, field: P::Value, x: P::Float], R::Float),
    cmd!("hlen", "HLEN", [key: P::Key], R::Count),
    cmd!("hkeys", "HKEYS", [key: P::Key], R::VecString),
    cmd!("hvals", "HVALS", [key: P::Key], R::VecString),
    // lists
    cmd!("lpush", "LPUSH", [key: P::Key, values: P::Values], R::Count),
    cmd!("rpush", "RPUSH", [key: P::Key, values: P::Values], R::Count),
    cmd!("lpop", "LPOP", [key: P::Key], R::OptionalString),
    cmd!("rpop", "RPOP", [key: P::Key], R::OptionalString),
    cmd!("lpop_count", "LPOP", [key: P::Key, count: P::Int], R::OptionalVecString),
    cmd!("rpop_count", "RPOP", [key: P::Key, count: P::Int], R::OptionalVecString),
    cmd!("lrange", "LRANGE", [key: P::Key, start: P::Int, stop: P::Int], R::VecString),
    cmd!("llen", "LLEN", [key: P::Key], R::Count),
    cmd!("lindex", "LINDEX", [key: P::Key, index: P::Int], R::OptionalString),
    cmd!("lrem", "LREM", [key: P::Key, count: P::Int, value: P::Value], R::Count),
    cmd!("ltrim", "LTRIM", [key: P::Key, start: P::Int, stop: P::Int], R::Unit),
    cmd!("lmove", "LMOVE", [source: P::Key, destination: P::Key, from: P::Word(SIDES), to: P::Word(SIDES)], R::OptionalString),
    cmd!("rpoplpush", "RPOPLPUSH", [source: P::Key, destination: P::Key], R::OptionalString),
    // sets
    cmd!("sadd", "SADD", [key: P::Key, members: P::Values], R::Count),
    cmd!("srem", "SREM", [key: P::Key, members: P::Values], R::Count),
    cmd!("sismember", "SISMEMBER", [key: P::Key, member: P::Value], R::Flag),
    cmd!("smismember", "SMISMEMBER", [key: P::Key, members: P::Values], R::VecFlag),
    cmd!("smembers", "SMEMBERS", [key: P::Key], R::VecString),
    cmd!("scard", "SCARD", [key: P::Key], R::Count),
    cmd!("smove", "SMOVE", [source: P::Key, destination: P::Key, member: P::Value], R::Flag),
    cmd!("spop", "SPOP", [key: P::Key], R::OptionalString),
    cmd!("srandmember", "SRANDMEMBER", [key: P::Key], R::OptionalString),
    // sorted sets
    cmd!("zadd", "ZADD", [key: P::Key, score: P::Float, member: P::Value], R::Count),
    cmd!("zadd_with", "ZADD", [key: P::Key, score: P::Float, member: P::Value, options: P::Options(&ZADD_OPTIONS)], emit [Pi(0), Pi(3), Pi(1), Pi(2)], R::Count),
    cmd!("zadd_incr", "ZADD", [key: P::Key, score: P::Float, member: P::Value, options: P::Options(&ZADD_OPTIONS)], emit [Pi(0), Pi(3), W("INCR"), Pi(1), Pi(2)], R::OptionalFloat),
    cmd!("zincr_by", "ZINCRBY", [key: P::Key, increment: P::Float, member: P::Value], R::Float),
    cmd!("zscore", "ZSCORE", [key: P::Key, member: P::Value], R::OptionalFloat),
    cmd!("zmscore", "ZMSCORE", [key: P::Key, members: P::Values], R::VecOptFloat),
    cmd!("zrange", "ZRANGE", [key: P::Key, start: P::Value, stop: P::Value, options: P::Options(&ZRANGE_OPTIONS)], R::VecString),
    cmd!("zrange_withscores", "ZRANGE", [key: P::Key, start: P::Value, stop: P::Value, options: P::Options(&ZRANGE_OPTIONS)], emit [Pi(0), Pi(1), Pi(2), Pi(3), W("WITHSCORES")], R::PairsScore),
    cmd!("zrange_by_score", "ZRANGEBYSCORE", [key: P::Key, min: P::Value, max: P::Value], R::VecString),
    cmd!("zrevrange", "ZREVRANGE", [key: P::Key, start: P::Int, stop: P::Int], R::VecString),
    cmd!("zrem_range_by_score", "ZREMRANGEBYSCORE", [key: P::Key, min: P::Value, max: P::Value], R::Count),
    cmd!("zrem_range_by_rank", "ZREMRANGEBYRANK", [key: P::Key, start: P::Int, stop: P::Int], R::Count),
    cmd!("zcard", "ZCARD", [key: P::Key], R::Count),
    cmd!("zcount", "ZCOUNT", [key: P::Key, min: P::Value, max: P::Value], R::Count),
    cmd!("zrank", "ZRANK", [key: P::Key, member: P::Value], R::OptionalInt),
    cmd!("zpop_min", "ZPOPMIN", [key: P::Key, count: P::Int], R::PairsScore),
    cmd!("zpop_max", "ZPOPMAX", [key: P::Key, count: P::Int], R::PairsScore),
    cmd!("zrem", "ZREM", [key: P::Key, members: P::Values], R::Count),
    // streams
    cmd!("xadd", "XADD", [key: P::Key, id: P::Value, fields: P::Pairs], R::String),
    cmd!("xadd_with", "XADD", [key: P::Key, id: P::Value, fields: P::Pairs, options: P::Options(&XADD_OPTIONS)], emit [Pi(0), Pi(3), Pi(1), Pi(2)], R::OptionalString),
    cmd!("xlen", "XLEN", [key: P::Key], R::Count),
    cmd!("xtrim_maxlen", "XTRIM", [key: P::Key, len: P::Int], emit [Pi(0), W("MAXLEN"), Pi(1)], R::Count),
    cmd!("xtrim_minid", "XTRIM", [key: P::Key, id: P::Value], emit [Pi(0), W("MINID"), Pi(1)], R::Count),
    cmd!("xrange", "XRANGE", [key: P::Key, start: P::Value, end: P::Value], R::StreamEntries),
    cmd!("xdel", "XDEL", [key: P::Key, ids: P::Values], R::Count),
    // pub/sub and server
    cmd!("publish", "PUBLISH", [channel: P::Value, message: P::Value], R::Count),
    cmd!("time", "TIME", [], R::Time),
];

/// Looks up a typed command by its Rust name.
pub fn lookup(rust_name: &str) -> Option<&'static Command> {
    COMMANDS.iter().find(|c| c.rust == rust_name)
}

/// Looks up an options builder type by name.
pub fn option_spec(type_name: &str) -> Option<&'static OptionSpec> {
    [&SET_OPTIONS, &GETEX_OPTIONS, &ZADD_OPTIONS, &ZRANGE_OPTIONS, &XADD_OPTIONS].into_iter().find(|o| o.type_name == type_name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command_spec::ArgShape;

    /// Every typed command exists in the server's table, and the positions it sends
    /// keys at are exactly the server's key positions.
    #[test]
    fn typed_commands_match_the_server_table() {
        for c in COMMANDS {
            let spec = c.spec().unwrap_or_else(|| panic!("{} is not in the command table", c.redis));
            assert!(!spec.is_noscript(), "{} is noscript", c.redis);
            assert!(!spec.is_blocking(), "{} blocks", c.redis);
            // Build one concrete argv: every variadic parameter with two elements.
            let mut argv: Vec<ArgShape> = vec![ArgShape::Literal(c.redis)];
            let mut keys = Vec::new();
            for e in c.emit_order() {
                match e {
                    Emit::W(w) => argv.push(ArgShape::Literal(w)),
                    Emit::P(i) => match c.params[i] {
                        P::Key => {
                            keys.push(argv.len());
                            argv.push(ArgShape::Unknown);
                        }
                        P::Keys => {
                            for _ in 0..2 {
                                keys.push(argv.len());
                                argv.push(ArgShape::Unknown);
                            }
                        }
                        P::KeyValues => {
                            for _ in 0..2 {
                                keys.push(argv.len());
                                argv.push(ArgShape::Unknown);
                                argv.push(ArgShape::Unknown);
                            }
                        }
                        P::Int | P::Float => argv.push(ArgShape::Integer),
                        P::Value => argv.push(ArgShape::Literal("v")),
                        P::Values => {
                            argv.push(ArgShape::Literal("v1"));
                            argv.push(ArgShape::Literal("v2"));
                        }
                        P::Pairs => {
                            for w in ["f1", "v1", "f2", "v2"] {
                                argv.push(ArgShape::Literal(w));
                            }
                        }
                        P::Word(ws) => argv.push(ArgShape::Literal(ws[0])),
                        P::Options(_) => {}
                    },
                }
            }
            assert!(spec.accepts_argc(argv.len()), "{}: arity {} refuses {} args", c.rust, spec.arity, argv.len());
            let found = spec.key_indices(&argv).unwrap_or_else(|e| panic!("{}: {e}", c.rust));
            assert_eq!(found, keys, "{}: key positions", c.rust);
        }
    }

    #[test]
    fn flags_come_from_the_server_table() {
        assert!(lookup("set").is_some_and(|c| c.is_write()));
        assert!(lookup("get").is_some_and(|c| !c.is_write()));
        assert!(lookup("spop").is_some_and(|c| c.is_nondeterministic()));
        assert!(lookup("time").is_some_and(|c| c.is_nondeterministic()));
        assert!(lookup("incr").is_some_and(|c| !c.is_nondeterministic()));
    }
}
