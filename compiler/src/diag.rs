//! Diagnostics: every compile error redlua can give, named in one catalogue.
//!
//! Each error carries the span of the user's offending token, the rule it breaks
//! and a hint that says how to fix it. Errors accumulate within a phase and the
//! pipeline stops between phases, so a user sees all problems of a phase at once.

use proc_macro2::{Span, TokenStream};
use std::fmt;

/// The rules redlua enforces. The name appears in every message (`redlua::<name>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// An attribute or its arguments are malformed.
    Attribute,
    /// A construct of Rust that redlua does not translate.
    Unsupported,
    /// A type redlua does not support in this position.
    UnsupportedType,
    /// Types do not match.
    Type,
    /// A name that is not defined.
    UnknownName,
    /// A key built inside the body instead of coming from a `Key` parameter.
    DynamicKey,
    /// A non-key value passed where a command expects a key.
    NotAKey,
    /// A key used as plain data.
    KeyAsData,
    /// A write command in a read-only function.
    ReadOnlyWrite,
    /// Nondeterministic commands or randomness without the opt-in.
    Nondeterministic,
    /// A number that Lua cannot represent exactly.
    IntegerRange,
    /// Wrong number of arguments to a command or method.
    Arity,
    /// Names redis refuses (library, function).
    InvalidName,
    /// Generated Lua would exceed a Lua limit.
    LuaLimit,
    /// A command the server does not know.
    UnknownCommand,
    /// A command that Redis refuses inside scripts and functions.
    NoScript,
    /// A command that would block.
    Blocking,
    /// A function flag that does not fit what the body does.
    Flags,
    /// A rejection the runtime could take for the server's refusal of the call.
    ReservedCode,
    /// A record (`#[derive(Record)]`) read, written or encoded in a way that would not
    /// keep its Rust meaning.
    Record,
}

impl Rule {
    /// General advice for the rule, for messages without a more specific hint.
    pub fn default_hint(self) -> &'static str {
        match self {
            Rule::Attribute => "see the options of #[redlua::library] and #[redis_function] in the language reference",
            Rule::Unsupported => "the language reference lists what redis functions can use; rewrite this with those constructs",
            Rule::UnsupportedType => "use the types of the language reference: i64, f64, bool, String, Key, Option, Vec, tuples, HashMap<String, T>, plain structs",
            Rule::Type => "make the types match, as rustc would require",
            Rule::UnknownName => "only parameters, local variables and helper functions of the library can be used",
            Rule::DynamicKey => "pass keys as `Key` parameters",
            Rule::NotAKey => "pass a `Key` parameter here",
            Rule::KeyAsData => "pass a String argument for data",
            Rule::ReadOnlyWrite => "remove `read_only`, or do not write",
            Rule::Nondeterministic => "opt in with #[redis_function(nondeterministic)]",
            Rule::IntegerRange => "keep integers within ±(2^53 - 1)",
            Rule::Arity => "pass the number of arguments the function or command takes (see the command reference)",
            Rule::InvalidName => "use ASCII letters, digits and underscores",
            Rule::LuaLimit => "split the function",
            Rule::UnknownCommand => "check the command name against the command reference",
            Rule::NoScript => "call it from the client instead",
            Rule::Blocking => "use the non-blocking form",
            Rule::Flags => "remove the flag",
            Rule::ReservedCode => "use a code of your own, such as `NOFUNDS`, or the default `REJECT`",
            Rule::Record => "read a record with `hgetall_as::<T>(&key)?` in a function returning `Result<_, Reject>`, where `T` is a struct of the library that derives `Record`",
        }
    }

    /// The rule's name as printed in messages.
    pub fn name(self) -> &'static str {
        match self {
            Rule::Attribute => "attribute",
            Rule::Unsupported => "unsupported",
            Rule::UnsupportedType => "unsupported-type",
            Rule::Type => "type-mismatch",
            Rule::UnknownName => "unknown-name",
            Rule::DynamicKey => "dynamic-key",
            Rule::NotAKey => "not-a-key",
            Rule::KeyAsData => "key-as-data",
            Rule::ReadOnlyWrite => "read-only-write",
            Rule::Nondeterministic => "nondeterministic",
            Rule::IntegerRange => "integer-range",
            Rule::Arity => "arity",
            Rule::InvalidName => "invalid-name",
            Rule::LuaLimit => "lua-limit",
            Rule::UnknownCommand => "unknown-command",
            Rule::NoScript => "noscript-command",
            Rule::Blocking => "blocking-command",
            Rule::Flags => "function-flags",
            Rule::ReservedCode => "reserved-error-code",
            Rule::Record => "record",
        }
    }
}

/// One compile error.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    /// The rule broken.
    pub rule: Rule,
    /// Where, in the user's source.
    pub span: Span,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl Diagnostic {
    /// Converts into a `syn::Error` whose text names the rule and the hint.
    pub fn to_syn(&self) -> syn::Error {
        syn::Error::new(self.span, self.to_string())
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "redlua::{}: {}", self.rule.name(), self.message)?;
        if !self.hint.is_empty() {
            write!(f, "\n  = help: {}", self.hint)?;
        }
        Ok(())
    }
}

/// Accumulates diagnostics for one phase.
#[derive(Debug, Default)]
pub struct Errors {
    list: Vec<Diagnostic>,
}

impl Errors {
    /// An empty collection.
    pub fn new() -> Self {
        Errors::default()
    }

    /// Records an error (an empty hint gets the rule's general advice).
    pub fn push(&mut self, rule: Rule, span: Span, message: impl Into<String>, hint: impl Into<String>) {
        let mut hint = hint.into();
        if hint.is_empty() {
            hint = rule.default_hint().to_string();
        }
        self.list.push(Diagnostic { rule, span, message: message.into(), hint });
    }

    /// Records a syn parse error.
    pub fn syn(&mut self, e: syn::Error) {
        for e in e {
            self.push(Rule::Unsupported, e.span(), e.to_string(), "");
        }
    }

    /// True when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Stops the pipeline if this phase found errors.
    pub fn propagate(&mut self) -> Result<(), Vec<Diagnostic>> {
        if self.list.is_empty() {
            Ok(())
        } else {
            Err(std::mem::take(&mut self.list))
        }
    }

    /// Moves the diagnostics of `other` here.
    pub fn append(&mut self, other: Errors) {
        self.list.extend(other.list);
    }

    /// Takes all recorded diagnostics.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.list
    }
}

/// Renders diagnostics as `compile_error!` invocations at their spans.
pub fn to_compile_errors(diags: &[Diagnostic]) -> TokenStream {
    let mut ts = TokenStream::new();
    for d in diags {
        ts.extend(d.to_syn().to_compile_error());
    }
    ts
}
