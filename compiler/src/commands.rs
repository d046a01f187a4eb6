//! Typed Redis commands callable from a redis function.
//!
//! Each entry says how the Rust call maps to `redis.call`: which arguments are keys,
//! what the reply becomes in Lua (nil bulk → `nil`, integer 1/0 → `bool`, ...), and the
//! command's flags (write, nondeterministic) that the checks enforce.

/// The kind of one command parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// A key: must be a `Key` parameter of the function.
    Key,
    /// An integer.
    Int,
    /// A value: an integer or a string.
    Value,
    /// `SetOptions` built in place (`SetOptions::new().nx().ex(ttl)`).
    SetOptions,
}

/// How the raw Lua reply of a command becomes the Rust-typed value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyKind {
    /// Status reply, no value: `()`.
    Unit,
    /// An integer reply that may exceed 2^53 (INCRBY...): range-checked.
    Int,
    /// An integer reply that is a small count (DEL...).
    Count,
    /// Integer 1/0 → `bool` (EXISTS, EXPIRE).
    Flag,
    /// `OK` or nil → `bool` (SET NX/XX).
    OkOrNil,
    /// Bulk string or nil → `Option<T>`, `T` given by turbofish (`i64` or `String`).
    OptionalValue,
}

/// A typed command.
#[derive(Debug, PartialEq, Eq)]
pub struct Command {
    /// The function name in `redlua::prelude`.
    pub rust: &'static str,
    /// The Redis command name.
    pub redis: &'static str,
    /// The parameters of the Rust function.
    pub params: &'static [ParamKind],
    /// The reply mapping.
    pub reply: ReplyKind,
    /// Flagged `write` by the server.
    pub write: bool,
    /// Output is nondeterministic.
    pub nondeterministic: bool,
}

use ParamKind as P;

/// The typed commands.
pub static COMMANDS: &[Command] = &[
    Command { rust: "get", redis: "GET", params: &[P::Key], reply: ReplyKind::OptionalValue, write: false, nondeterministic: false },
    Command { rust: "set", redis: "SET", params: &[P::Key, P::Value], reply: ReplyKind::Unit, write: true, nondeterministic: false },
    Command { rust: "set_with", redis: "SET", params: &[P::Key, P::Value, P::SetOptions], reply: ReplyKind::OkOrNil, write: true, nondeterministic: false },
    Command { rust: "del", redis: "DEL", params: &[P::Key], reply: ReplyKind::Count, write: true, nondeterministic: false },
    Command { rust: "exists", redis: "EXISTS", params: &[P::Key], reply: ReplyKind::Flag, write: false, nondeterministic: false },
    Command { rust: "incr", redis: "INCR", params: &[P::Key], reply: ReplyKind::Int, write: true, nondeterministic: false },
    Command { rust: "incr_by", redis: "INCRBY", params: &[P::Key, P::Int], reply: ReplyKind::Int, write: true, nondeterministic: false },
    Command { rust: "decr_by", redis: "DECRBY", params: &[P::Key, P::Int], reply: ReplyKind::Int, write: true, nondeterministic: false },
    Command { rust: "expire", redis: "EXPIRE", params: &[P::Key, P::Int], reply: ReplyKind::Flag, write: true, nondeterministic: false },
];

/// Looks up a typed command by its Rust name.
pub fn lookup(rust_name: &str) -> Option<&'static Command> {
    COMMANDS.iter().find(|c| c.rust == rust_name)
}
