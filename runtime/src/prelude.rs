//! Everything a redis function body uses: `use redlua::prelude::*;`.
//!
//! The typed commands here are what the compiler translates to `redis.call`. Called
//! from Rust they run the same command on the connection of
//! [`twin::run`](crate::twin::run), which is what native twins do: each one sends the
//! same arguments, in the same order, as the generated Lua, and converts the reply the
//! way the Lua does (a missing value is `None`, integer replies 1/0 are `bool`, float
//! replies are parsed like Rust's `str::parse::<f64>`, integers that Lua could not hold
//! exactly are an error).
//!
//! # Arguments
//!
//! | parameter | accepts |
//! |---|---|
//! | a key | `&k` or `k` (a `Key`) |
//! | keys ([`ToKeys`]) | `&k`, `&[&a, &b]`, a `Vec<Key>` |
//! | a value ([`ToArg`]) | an `i64`, an `f64` (sent as Rust prints it) or a string |
//! | values ([`ToArgs`]) | a value, `&[v1, v2]` or a `Vec` of values |
//! | pairs ([`ToPairs`]) | `&[("field", v), ..]` or a `Vec<(String, T)>` |
//! | key/value pairs ([`ToKeyValues`]) | `&[(&k1, v1), (&k2, v2)]` |
//! | a side | `"LEFT"` or `"RIGHT"`, written in place |
//! | options | a builder written in place: `SetOptions::new().nx().ex(60)` |
//!
//! Inside a redis function an array of values must hold values of one type (it is a
//! Rust array): write `&["a", "b"]`, or pass numbers as strings.
//!
//! # Panics
//!
//! Run outside a function body (in a twin), a command panics where the Lua raises an
//! error: an error reply from the server, a reply that does not have the expected
//! shape, a value read as `i64`/`f64` that is not a number, an integer beyond
//! ±(2^53 - 1) where Lua would lose precision.

pub use crate::key::{Key, Reject};
pub use crate::reject;
pub use redlua_macros::redis_function;

use crate::twin::query;
use redis::Value;
use std::borrow::Borrow;

// ---------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------

/// A value a typed command accepts as data: integers, floats (sent as Rust prints
/// them, exactly as the generated Lua sends them) and strings.
pub trait ToArg {
    /// The bytes sent to the server.
    fn to_arg(&self) -> Vec<u8>;
}

impl ToArg for i64 {
    fn to_arg(&self) -> Vec<u8> {
        self.to_string().into_bytes()
    }
}

impl ToArg for f64 {
    fn to_arg(&self) -> Vec<u8> {
        self.to_string().into_bytes()
    }
}

impl ToArg for str {
    fn to_arg(&self) -> Vec<u8> {
        self.as_bytes().to_vec()
    }
}

impl ToArg for String {
    fn to_arg(&self) -> Vec<u8> {
        self.as_bytes().to_vec()
    }
}

impl<T: ToArg + ?Sized> ToArg for &T {
    fn to_arg(&self) -> Vec<u8> {
        (**self).to_arg()
    }
}

/// One key or several, for commands that take a list of keys (`DEL`, `MGET`, ...):
/// `&k`, an array of keys `&[&a, &b]`, or a `Vec<Key>`.
pub trait ToKeys {
    /// Appends the keys, in order.
    fn push_keys<'a>(&'a self, out: &mut Vec<&'a Key>);
}

impl ToKeys for Key {
    fn push_keys<'a>(&'a self, out: &mut Vec<&'a Key>) {
        out.push(self);
    }
}

impl<T: ToKeys + ?Sized> ToKeys for &T {
    fn push_keys<'a>(&'a self, out: &mut Vec<&'a Key>) {
        (**self).push_keys(out)
    }
}

impl<T: ToKeys> ToKeys for [T] {
    fn push_keys<'a>(&'a self, out: &mut Vec<&'a Key>) {
        for k in self {
            k.push_keys(out);
        }
    }
}

impl<T: ToKeys, const N: usize> ToKeys for [T; N] {
    fn push_keys<'a>(&'a self, out: &mut Vec<&'a Key>) {
        self.as_slice().push_keys(out)
    }
}

impl<T: ToKeys> ToKeys for Vec<T> {
    fn push_keys<'a>(&'a self, out: &mut Vec<&'a Key>) {
        self.as_slice().push_keys(out)
    }
}

/// One value or several, for commands that take a list of values (`SADD`, `RPUSH`,
/// `HMGET`, ...): a value, an array of values `&["a", "b"]`, or a `Vec` of values.
pub trait ToArgs {
    /// Appends the encoded values, in order.
    fn push_args(&self, out: &mut Vec<Vec<u8>>);
}

macro_rules! scalar_args {
    ($($t:ty),*) => {$(
        impl ToArgs for $t {
            fn push_args(&self, out: &mut Vec<Vec<u8>>) {
                out.push(self.to_arg());
            }
        }
    )*};
}

scalar_args!(i64, f64, str, String);

impl<T: ToArgs + ?Sized> ToArgs for &T {
    fn push_args(&self, out: &mut Vec<Vec<u8>>) {
        (**self).push_args(out)
    }
}

impl<T: ToArgs> ToArgs for [T] {
    fn push_args(&self, out: &mut Vec<Vec<u8>>) {
        for v in self {
            v.push_args(out);
        }
    }
}

impl<T: ToArgs, const N: usize> ToArgs for [T; N] {
    fn push_args(&self, out: &mut Vec<Vec<u8>>) {
        self.as_slice().push_args(out)
    }
}

impl<T: ToArgs> ToArgs for Vec<T> {
    fn push_args(&self, out: &mut Vec<Vec<u8>>) {
        self.as_slice().push_args(out)
    }
}

/// Name/value pairs, sent flat (`HSET key f1 v1 f2 v2`, stream fields): an array of
/// 2-tuples `&[("f1", v1), ("f2", v2)]` or a `Vec<(String, T)>`.
pub trait ToPairs {
    /// Appends the names and values, flattened, in order.
    fn push_pairs(&self, out: &mut Vec<Vec<u8>>);
}

impl<A: ToArg, B: ToArg> ToPairs for (A, B) {
    fn push_pairs(&self, out: &mut Vec<Vec<u8>>) {
        out.push(self.0.to_arg());
        out.push(self.1.to_arg());
    }
}

impl<T: ToPairs + ?Sized> ToPairs for &T {
    fn push_pairs(&self, out: &mut Vec<Vec<u8>>) {
        (**self).push_pairs(out)
    }
}

impl<T: ToPairs> ToPairs for [T] {
    fn push_pairs(&self, out: &mut Vec<Vec<u8>>) {
        for p in self {
            p.push_pairs(out);
        }
    }
}

impl<T: ToPairs, const N: usize> ToPairs for [T; N] {
    fn push_pairs(&self, out: &mut Vec<Vec<u8>>) {
        self.as_slice().push_pairs(out)
    }
}

impl<T: ToPairs> ToPairs for Vec<T> {
    fn push_pairs(&self, out: &mut Vec<Vec<u8>>) {
        self.as_slice().push_pairs(out)
    }
}

/// Key/value pairs (`MSET`): an array of `(key, value)` tuples, `&[(&a, 1), (&b, 2)]`.
pub trait ToKeyValues {
    /// Appends each key with its encoded value, in order.
    fn push_key_values<'a>(&'a self, out: &mut Vec<(&'a Key, Vec<u8>)>);
}

impl<K: Borrow<Key>, V: ToArg> ToKeyValues for (K, V) {
    fn push_key_values<'a>(&'a self, out: &mut Vec<(&'a Key, Vec<u8>)>) {
        out.push((self.0.borrow(), self.1.to_arg()));
    }
}

impl<T: ToKeyValues + ?Sized> ToKeyValues for &T {
    fn push_key_values<'a>(&'a self, out: &mut Vec<(&'a Key, Vec<u8>)>) {
        (**self).push_key_values(out)
    }
}

impl<T: ToKeyValues> ToKeyValues for [T] {
    fn push_key_values<'a>(&'a self, out: &mut Vec<(&'a Key, Vec<u8>)>) {
        for p in self {
            p.push_key_values(out);
        }
    }
}

impl<T: ToKeyValues, const N: usize> ToKeyValues for [T; N] {
    fn push_key_values<'a>(&'a self, out: &mut Vec<(&'a Key, Vec<u8>)>) {
        self.as_slice().push_key_values(out)
    }
}

impl<T: ToKeyValues> ToKeyValues for Vec<T> {
    fn push_key_values<'a>(&'a self, out: &mut Vec<(&'a Key, Vec<u8>)>) {
        self.as_slice().push_key_values(out)
    }
}

/// The command being built by a typed command.
struct Req {
    name: &'static str,
    cmd: redis::Cmd,
}

impl Req {
    fn new(name: &'static str) -> Req {
        Req { name, cmd: redis::cmd(name) }
    }
    fn key(mut self, key: impl Borrow<Key>) -> Req {
        self.cmd.arg(key.borrow().as_bytes());
        self
    }
    fn keys(mut self, keys: impl ToKeys) -> Req {
        let mut out = Vec::new();
        keys.push_keys(&mut out);
        for k in out {
            self.cmd.arg(k.as_bytes());
        }
        self
    }
    fn arg(mut self, value: impl ToArg) -> Req {
        self.cmd.arg(value.to_arg());
        self
    }
    fn args(mut self, values: impl ToArgs) -> Req {
        let mut out = Vec::new();
        values.push_args(&mut out);
        for v in out {
            self.cmd.arg(v);
        }
        self
    }
    fn pairs(mut self, pairs: impl ToPairs) -> Req {
        let mut out = Vec::new();
        pairs.push_pairs(&mut out);
        for v in out {
            self.cmd.arg(v);
        }
        self
    }
    fn key_values(mut self, pairs: impl ToKeyValues) -> Req {
        let mut out = Vec::new();
        pairs.push_key_values(&mut out);
        for (k, v) in out {
            self.cmd.arg(k.as_bytes());
            self.cmd.arg(v);
        }
        self
    }
    fn word(mut self, word: &str) -> Req {
        self.cmd.arg(word);
        self
    }
    fn options(mut self, options: &OptionWords) -> Req {
        options.write(&mut self.cmd);
        self
    }
    /// Sends the command: the reply, with the command name for messages.
    fn send(self) -> Reply {
        Reply { name: self.name, value: query(&self.cmd) }
    }
}

// ---------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------

/// The largest integer Lua represents exactly.
const MAX_SAFE_INT: i64 = (1 << 53) - 1;

fn checked(n: i64) -> i64 {
    if !(-MAX_SAFE_INT..=MAX_SAFE_INT).contains(&n) {
        panic!("redlua: integer overflow (beyond +/-(2^53 - 1))");
    }
    n
}

/// Values a bulk reply can be read as: `i64`, `f64` and `String`.
pub trait FromBulk: Sized {
    #[doc(hidden)]
    fn from_bulk(bytes: Vec<u8>) -> Self;
}

impl FromBulk for i64 {
    fn from_bulk(bytes: Vec<u8>) -> i64 {
        let s = String::from_utf8_lossy(&bytes);
        match s.parse::<i64>() {
            Ok(n) if s.bytes().all(|b| b.is_ascii_digit() || b == b'+' || b == b'-') => checked(n),
            _ => panic!("redlua: value is not an integer: {}", s.chars().take(64).collect::<String>()),
        }
    }
}

impl FromBulk for f64 {
    fn from_bulk(bytes: Vec<u8>) -> f64 {
        let s = String::from_utf8_lossy(&bytes);
        // Rust's grammar, as the Lua side checks it: no hexadecimal, no spaces.
        match s.parse::<f64>() {
            Ok(x) => x,
            Err(_) => panic!("redlua: value is not a number: {}", s.chars().take(64).collect::<String>()),
        }
    }
}

impl FromBulk for String {
    fn from_bulk(bytes: Vec<u8>) -> String {
        String::from_utf8(bytes).unwrap_or_else(|e| panic!("redlua: value is not UTF-8: {e}"))
    }
}

/// A reply, converted the way the generated Lua converts it (one method per reply
/// kind of the compiler's command table).
struct Reply {
    name: &'static str,
    value: Value,
}

impl Reply {
    fn unexpected(&self, what: &str) -> ! {
        panic!("redlua: unexpected {} reply (expected {what}): {:?}", self.name, self.value)
    }

    /// A status reply: `()`.
    fn unit(self) {}

    /// An integer reply that is a count.
    fn count(self) -> i64 {
        match self.value {
            Value::Int(n) => n,
            _ => self.unexpected("an integer"),
        }
    }

    /// An integer reply, range-checked like `redlua_int`.
    fn int(self) -> i64 {
        checked(self.count())
    }

    /// Integer 1 → true, anything else → false (`reply == 1`).
    fn flag(self) -> bool {
        match self.value {
            Value::Int(n) => n == 1,
            Value::Boolean(b) => b,
            _ => self.unexpected("an integer"),
        }
    }

    /// `OK` → true, nil → false.
    fn ok_or_nil(self) -> bool {
        !matches!(self.value, Value::Nil)
    }

    /// A bulk string or nil, read as `T`.
    fn optional<T: FromBulk>(self) -> Option<T> {
        match self.value {
            Value::Nil => None,
            Value::BulkString(b) => Some(T::from_bulk(b)),
            Value::SimpleString(s) => Some(T::from_bulk(s.into_bytes())),
            Value::VerbatimString { text, .. } => Some(T::from_bulk(text.into_bytes())),
            Value::Double(x) => Some(T::from_bulk(x.to_string().into_bytes())),
            _ => self.unexpected("a bulk string or nil"),
        }
    }

    fn optional_string(self) -> Option<String> {
        self.optional::<String>()
    }

    /// An integer or nil.
    fn optional_int(self) -> Option<i64> {
        match self.value {
            Value::Nil => None,
            Value::Int(n) => Some(n),
            _ => self.unexpected("an integer or nil"),
        }
    }

    /// A bulk string that is always there.
    fn string(self) -> String {
        match self.value {
            Value::Nil => self.unexpected("a bulk string"),
            _ => self.optional_string().unwrap_or_default(),
        }
    }

    /// A status reply (`TYPE`): its text.
    fn status(self) -> String {
        match self.value {
            Value::SimpleString(s) => s,
            Value::Okay => "OK".to_string(),
            _ => self.unexpected("a status"),
        }
    }

    /// A float as a bulk string (or a RESP3 double).
    fn optional_float(self) -> Option<f64> {
        match self.value {
            Value::Double(x) => Some(x),
            _ => self.optional::<f64>(),
        }
    }

    fn float(self) -> f64 {
        match self.value {
            Value::Nil => self.unexpected("a float"),
            _ => self.optional_float().unwrap_or_default(),
        }
    }

    /// The elements of an array (or RESP3 set) reply.
    fn elements(self) -> (&'static str, Vec<Value>) {
        match self.value {
            Value::Array(a) | Value::Set(a) => (self.name, a),
            _ => self.unexpected("an array"),
        }
    }

    /// The elements, each converted as a reply of its own.
    fn each<T>(self, f: impl Fn(Reply) -> T) -> Vec<T> {
        let (name, a) = self.elements();
        a.into_iter().map(|value| f(Reply { name, value })).collect()
    }

    fn vec_string(self) -> Vec<String> {
        self.each(Reply::string)
    }

    fn vec_opt_string(self) -> Vec<Option<String>> {
        self.each(Reply::optional_string)
    }

    fn vec_flag(self) -> Vec<bool> {
        self.each(Reply::flag)
    }

    fn vec_opt_float(self) -> Vec<Option<f64>> {
        self.each(Reply::optional_float)
    }

    /// Nil, or an array of bulk strings.
    fn optional_vec_string(self) -> Option<Vec<String>> {
        match self.value {
            Value::Nil => None,
            _ => Some(self.vec_string()),
        }
    }

    /// A flat array `k1, v1, k2, v2` (or a RESP3 map, or RESP3 pairs) as pairs.
    fn pairs<A, B>(self, a: impl Fn(Reply) -> A, b: impl Fn(Reply) -> B) -> Vec<(A, B)> {
        let name = self.name;
        let flat: Vec<Value> = match self.value {
            Value::Map(m) => m.into_iter().flat_map(|(k, v)| [k, v]).collect(),
            Value::Array(items) if items.iter().all(|i| matches!(i, Value::Array(p) if p.len() == 2)) && !items.is_empty() => items
                .into_iter()
                .flat_map(|i| match i {
                    Value::Array(p) => p,
                    _ => Vec::new(),
                })
                .collect(),
            _ => self.elements().1,
        };
        if !flat.len().is_multiple_of(2) {
            panic!("redlua: unexpected {name} reply (expected pairs): an odd number of elements");
        }
        let mut out = Vec::with_capacity(flat.len() / 2);
        let mut it = flat.into_iter();
        while let (Some(k), Some(v)) = (it.next(), it.next()) {
            out.push((a(Reply { name, value: k }), b(Reply { name, value: v })));
        }
        out
    }

    fn pairs_string(self) -> Vec<(String, String)> {
        self.pairs(Reply::string, Reply::string)
    }

    fn pairs_score(self) -> Vec<(String, f64)> {
        self.pairs(Reply::string, Reply::float)
    }

    /// Stream entries: `[[id, [f1, v1, ..]], ..]`.
    fn stream_entries(self) -> Vec<(String, Vec<(String, String)>)> {
        self.each(|entry| {
            let (name, mut parts) = entry.elements();
            if parts.len() != 2 {
                panic!("redlua: unexpected {name} reply (expected stream entries)");
            }
            let fields = parts.pop().unwrap_or(Value::Nil);
            let id = parts.pop().unwrap_or(Value::Nil);
            let fields = match fields {
                // An entry deleted under a consumer group reads back with nil fields.
                Value::Nil => Vec::new(),
                value => Reply { name, value }.pairs_string(),
            };
            (Reply { name, value: id }.string(), fields)
        })
    }

    /// `TIME`: seconds and microseconds.
    fn time(self) -> (i64, i64) {
        let parts = self.each(|r| r.string());
        let num = |s: &String| s.parse::<i64>().unwrap_or_else(|_| panic!("redlua: unexpected TIME reply: {parts:?}"));
        match parts.as_slice() {
            [secs, micros] => (num(secs), num(micros)),
            _ => panic!("redlua: unexpected TIME reply: {parts:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------
// Options builders
// ---------------------------------------------------------------------------------

/// The options chosen on a builder, by their position in the builder's list of
/// methods: they are sent in that order whatever the order of the calls, as the
/// compiler lays them out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct OptionWords {
    chosen: Vec<Chosen>,
}

/// One chosen option: its position in the builder, its words, its argument.
type Chosen = (usize, &'static [&'static str], Option<Vec<u8>>);

impl OptionWords {
    fn with(mut self, slot: usize, words: &'static [&'static str], arg: Option<Vec<u8>>) -> OptionWords {
        self.chosen.retain(|(s, ..)| *s != slot);
        self.chosen.push((slot, words, arg));
        self
    }
    fn write(&self, cmd: &mut redis::Cmd) {
        let mut chosen: Vec<_> = self.chosen.iter().collect();
        chosen.sort_by_key(|(slot, ..)| *slot);
        for (_, words, arg) in chosen {
            for w in words.iter() {
                cmd.arg(*w);
            }
            if let Some(a) = arg {
                cmd.arg(a.as_slice());
            }
        }
    }
}

/// Defines an options builder: `new()` and one method per option, in the order the
/// options are sent.
macro_rules! options_builder {
    (
        $(#[$doc:meta])*
        $name:ident {
            $( $(#[$mdoc:meta])* fn $method:ident ( $($arg:ident : $argty:ty)? ) => [$($word:literal),*]; )*
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct $name {
            words: OptionWords,
        }

        impl $name {
            /// No options.
            pub fn new() -> $name {
                $name::default()
            }
        }

        options_builder!(@methods $name, 0usize, $( $(#[$mdoc])* fn $method ( $($arg : $argty)? ) => [$($word),*]; )*);
    };
    (@methods $name:ident, $slot:expr, ) => {};
    (@methods $name:ident, $slot:expr,
        $(#[$mdoc:meta])* fn $method:ident ( ) => [$($word:literal),*];
        $($rest:tt)*
    ) => {
        impl $name {
            $(#[$mdoc])*
            pub fn $method(self) -> $name {
                $name { words: self.words.with($slot, &[$($word),*], None) }
            }
        }
        options_builder!(@methods $name, $slot + 1, $($rest)*);
    };
    (@methods $name:ident, $slot:expr,
        $(#[$mdoc:meta])* fn $method:ident ( $arg:ident : $argty:ty ) => [$($word:literal),*];
        $($rest:tt)*
    ) => {
        impl $name {
            $(#[$mdoc])*
            pub fn $method(self, $arg: $argty) -> $name {
                $name { words: self.words.with($slot, &[$($word),*], Some($arg.to_arg())) }
            }
        }
        options_builder!(@methods $name, $slot + 1, $($rest)*);
    };
}

options_builder! {
    /// Options of [`set_with`] and [`set_get`]: `SetOptions::new().nx().ex(ttl)`.
    ///
    /// Inside a redis function, write the options in place as the argument: the
    /// compiler reads them at compile time. They are sent as
    /// `[NX|XX] [EX s|PX ms|EXAT t|PXAT t|KEEPTTL]`, whatever the order of the calls;
    /// options separated by `|` exclude each other.
    SetOptions {
        /// `NX`: only set when the key does not exist.
        fn nx() => ["NX"];
        /// `XX`: only set when the key exists.
        fn xx() => ["XX"];
        /// `EX seconds`: expire after this many seconds.
        fn ex(seconds: i64) => ["EX"];
        /// `PX milliseconds`: expire after this many milliseconds.
        fn px(millis: i64) => ["PX"];
        /// `EXAT unix-seconds`: expire at this Unix time, in seconds.
        fn exat(unix_seconds: i64) => ["EXAT"];
        /// `PXAT unix-milliseconds`: expire at this Unix time, in milliseconds.
        fn pxat(unix_millis: i64) => ["PXAT"];
        /// `KEEPTTL`: keep the key's time to live.
        fn keep_ttl() => ["KEEPTTL"];
    }
}

options_builder! {
    /// Options of [`getex`]: `GetExOptions::new().ex(60)`.
    ///
    /// Written in place inside a redis function; the options exclude each other:
    /// `[EX s|PX ms|EXAT t|PXAT t|PERSIST]`.
    GetExOptions {
        /// `EX seconds`: expire after this many seconds.
        fn ex(seconds: i64) => ["EX"];
        /// `PX milliseconds`: expire after this many milliseconds.
        fn px(millis: i64) => ["PX"];
        /// `EXAT unix-seconds`: expire at this Unix time, in seconds.
        fn exat(unix_seconds: i64) => ["EXAT"];
        /// `PXAT unix-milliseconds`: expire at this Unix time, in milliseconds.
        fn pxat(unix_millis: i64) => ["PXAT"];
        /// `PERSIST`: remove the time to live.
        fn persist() => ["PERSIST"];
    }
}

options_builder! {
    /// Options of [`zadd_with`] and [`zadd_incr`]: `ZAddOptions::new().xx().ch()`.
    ///
    /// Written in place inside a redis function; sent as `[NX|XX] [GT|LT] [CH]`
    /// whatever the order of the calls.
    ZAddOptions {
        /// `NX`: only add new members.
        fn nx() => ["NX"];
        /// `XX`: only update existing members.
        fn xx() => ["XX"];
        /// `GT`: only update when the new score is greater.
        fn gt() => ["GT"];
        /// `LT`: only update when the new score is less.
        fn lt() => ["LT"];
        /// `CH`: count changed members, not only added ones.
        fn ch() => ["CH"];
    }
}

options_builder! {
    /// Options of [`zrange`] and [`zrange_withscores`]:
    /// `ZRangeOptions::new().by_score().limit(0).count(10)`.
    ///
    /// Written in place inside a redis function; sent as
    /// `[BYSCORE|BYLEX] [REV] [LIMIT offset count]` whatever the order of the calls.
    /// `limit` and `count` go together.
    ZRangeOptions {
        /// `BYSCORE`: start and stop are scores (`"(1"`, `"+inf"`).
        fn by_score() => ["BYSCORE"];
        /// `BYLEX`: start and stop are lexicographical bounds (`"[a"`, `"-"`).
        fn by_lex() => ["BYLEX"];
        /// `REV`: from the highest to the lowest.
        fn rev() => ["REV"];
        /// `LIMIT offset ..`: skip `offset` elements (with [`count`](Self::count)).
        fn limit(offset: i64) => ["LIMIT"];
        /// `.. count`: at most `count` elements (with [`limit`](Self::limit)).
        fn count(count: i64) => [];
    }
}

options_builder! {
    /// Options of [`xadd_with`]: `XAddOptions::new().maxlen(1000)`.
    ///
    /// Written in place inside a redis function; sent as
    /// `[NOMKSTREAM] [MAXLEN n|MINID id]` whatever the order of the calls.
    XAddOptions {
        /// `NOMKSTREAM`: do not create the stream (the reply is then `None`).
        fn nomkstream() => ["NOMKSTREAM"];
        /// `MAXLEN n`: trim the stream to its last `n` entries.
        fn maxlen(len: i64) => ["MAXLEN"];
        /// `MINID id`: trim the entries with a smaller ID.
        fn minid(id: impl ToArg) => ["MINID"];
    }
}

// ---------------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------------

/// `GET key`: the value, or `None` when the key does not exist.
/// Write `get::<i64>(&k)`, `get::<f64>(&k)` or `get::<String>(&k)`.
pub fn get<T: FromBulk>(key: impl Borrow<Key>) -> Option<T> {
    Req::new("GET").key(key).send().optional()
}

/// `SET key value`.
pub fn set(key: impl Borrow<Key>, value: impl ToArg) {
    Req::new("SET").key(key).arg(value).send().unit()
}

/// `SET key value [options]`: true when the value was set (false when `NX`/`XX`
/// prevented it).
pub fn set_with(key: impl Borrow<Key>, value: impl ToArg, options: SetOptions) -> bool {
    Req::new("SET").key(key).arg(value).options(&options.words).send().ok_or_nil()
}

/// `SET key value [options] GET`: the previous value, or `None`.
pub fn set_get(key: impl Borrow<Key>, value: impl ToArg, options: SetOptions) -> Option<String> {
    Req::new("SET").key(key).arg(value).options(&options.words).word("GET").send().optional_string()
}

/// `SETNX key value`: true when the key was set (it did not exist).
pub fn setnx(key: impl Borrow<Key>, value: impl ToArg) -> bool {
    Req::new("SETNX").key(key).arg(value).send().flag()
}

/// `GETSET key value`: the previous value, or `None`.
pub fn getset(key: impl Borrow<Key>, value: impl ToArg) -> Option<String> {
    Req::new("GETSET").key(key).arg(value).send().optional_string()
}

/// `GETDEL key`: the value, deleting the key; `None` when it did not exist.
pub fn getdel(key: impl Borrow<Key>) -> Option<String> {
    Req::new("GETDEL").key(key).send().optional_string()
}

/// `GETEX key [options]`: the value, changing the key's expiry; `None` when the key
/// does not exist.
pub fn getex(key: impl Borrow<Key>, options: GetExOptions) -> Option<String> {
    Req::new("GETEX").key(key).options(&options.words).send().optional_string()
}

/// `MGET key [key ...]`: the values, `None` for missing keys.
pub fn mget(keys: impl ToKeys) -> Vec<Option<String>> {
    Req::new("MGET").keys(keys).send().vec_opt_string()
}

/// `MSET key value [key value ...]`.
pub fn mset(pairs: impl ToKeyValues) {
    Req::new("MSET").key_values(pairs).send().unit()
}

/// `INCR key`: the new value.
pub fn incr(key: impl Borrow<Key>) -> i64 {
    Req::new("INCR").key(key).send().int()
}

/// `INCRBY key n`: the new value.
pub fn incr_by(key: impl Borrow<Key>, n: i64) -> i64 {
    Req::new("INCRBY").key(key).arg(n).send().int()
}

/// `INCRBYFLOAT key x`: the new value.
pub fn incr_by_float(key: impl Borrow<Key>, x: f64) -> f64 {
    Req::new("INCRBYFLOAT").key(key).arg(x).send().float()
}

/// `DECR key`: the new value.
pub fn decr(key: impl Borrow<Key>) -> i64 {
    Req::new("DECR").key(key).send().int()
}

/// `DECRBY key n`: the new value.
pub fn decr_by(key: impl Borrow<Key>, n: i64) -> i64 {
    Req::new("DECRBY").key(key).arg(n).send().int()
}

/// `APPEND key value`: the length of the string after the append.
pub fn append(key: impl Borrow<Key>, value: impl ToArg) -> i64 {
    Req::new("APPEND").key(key).arg(value).send().count()
}

/// `STRLEN key`: the length of the string in bytes (0 when the key does not exist).
pub fn strlen(key: impl Borrow<Key>) -> i64 {
    Req::new("STRLEN").key(key).send().count()
}

// ---------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------

/// `DEL key [key ...]`: how many keys were removed.
pub fn del(keys: impl ToKeys) -> i64 {
    Req::new("DEL").keys(keys).send().count()
}

/// `UNLINK key [key ...]`: how many keys were removed.
pub fn unlink(keys: impl ToKeys) -> i64 {
    Req::new("UNLINK").keys(keys).send().count()
}

/// `EXISTS key`: true when the key exists.
pub fn exists(key: impl Borrow<Key>) -> bool {
    Req::new("EXISTS").key(key).send().flag()
}

/// `EXISTS key [key ...]`: how many of the keys exist (a key named twice counts twice).
pub fn exists_count(keys: impl ToKeys) -> i64 {
    Req::new("EXISTS").keys(keys).send().count()
}

/// `EXPIRE key seconds`: true when the timeout was set.
pub fn expire(key: impl Borrow<Key>, seconds: i64) -> bool {
    Req::new("EXPIRE").key(key).arg(seconds).send().flag()
}

/// `PEXPIRE key milliseconds`: true when the timeout was set.
pub fn pexpire(key: impl Borrow<Key>, millis: i64) -> bool {
    Req::new("PEXPIRE").key(key).arg(millis).send().flag()
}

/// `EXPIREAT key unix-seconds`: true when the timeout was set.
pub fn expire_at(key: impl Borrow<Key>, unix_seconds: i64) -> bool {
    Req::new("EXPIREAT").key(key).arg(unix_seconds).send().flag()
}

/// `PEXPIREAT key unix-milliseconds`: true when the timeout was set.
pub fn pexpire_at(key: impl Borrow<Key>, unix_millis: i64) -> bool {
    Req::new("PEXPIREAT").key(key).arg(unix_millis).send().flag()
}

/// `TTL key`: the seconds left, -1 without expiry, -2 when the key does not exist.
/// Nondeterministic: the function needs `#[redis_function(nondeterministic)]`.
pub fn ttl(key: impl Borrow<Key>) -> i64 {
    Req::new("TTL").key(key).send().int()
}

/// `PTTL key`: the milliseconds left, -1 without expiry, -2 when the key does not
/// exist. Nondeterministic: the function needs `#[redis_function(nondeterministic)]`.
pub fn pttl(key: impl Borrow<Key>) -> i64 {
    Req::new("PTTL").key(key).send().int()
}

/// `PERSIST key`: true when a timeout was removed.
pub fn persist(key: impl Borrow<Key>) -> bool {
    Req::new("PERSIST").key(key).send().flag()
}

/// `TYPE key`: `"string"`, `"list"`, `"set"`, `"zset"`, `"hash"`, `"stream"`, or
/// `"none"` when the key does not exist.
pub fn key_type(key: impl Borrow<Key>) -> String {
    Req::new("TYPE").key(key).send().status()
}

// ---------------------------------------------------------------------------------
// Hashes
// ---------------------------------------------------------------------------------

/// `HGET key field`: the field's value, or `None`.
/// Write `hget::<i64>(..)`, `hget::<f64>(..)` or `hget::<String>(..)`.
pub fn hget<T: FromBulk>(key: impl Borrow<Key>, field: impl ToArg) -> Option<T> {
    Req::new("HGET").key(key).arg(field).send().optional()
}

/// `HSET key field value`: how many fields were added (0 when it was updated).
pub fn hset(key: impl Borrow<Key>, field: impl ToArg, value: impl ToArg) -> i64 {
    Req::new("HSET").key(key).arg(field).arg(value).send().count()
}

/// `HSET key field value [field value ...]`: how many fields were added.
pub fn hset_many(key: impl Borrow<Key>, pairs: impl ToPairs) -> i64 {
    Req::new("HSET").key(key).pairs(pairs).send().count()
}

/// `HSETNX key field value`: true when the field was set (it did not exist).
pub fn hsetnx(key: impl Borrow<Key>, field: impl ToArg, value: impl ToArg) -> bool {
    Req::new("HSETNX").key(key).arg(field).arg(value).send().flag()
}

/// `HMGET key field [field ...]`: the values, `None` for missing fields.
pub fn hmget(key: impl Borrow<Key>, fields: impl ToArgs) -> Vec<Option<String>> {
    Req::new("HMGET").key(key).args(fields).send().vec_opt_string()
}

/// `HGETALL key`: the fields and their values (empty when the key does not exist).
pub fn hgetall(key: impl Borrow<Key>) -> Vec<(String, String)> {
    Req::new("HGETALL").key(key).send().pairs_string()
}

/// `HDEL key field [field ...]`: how many fields were removed.
pub fn hdel(key: impl Borrow<Key>, fields: impl ToArgs) -> i64 {
    Req::new("HDEL").key(key).args(fields).send().count()
}

/// `HEXISTS key field`: true when the field exists.
pub fn hexists(key: impl Borrow<Key>, field: impl ToArg) -> bool {
    Req::new("HEXISTS").key(key).arg(field).send().flag()
}

/// `HINCRBY key field n`: the field's new value.
pub fn hincr_by(key: impl Borrow<Key>, field: impl ToArg, n: i64) -> i64 {
    Req::new("HINCRBY").key(key).arg(field).arg(n).send().int()
}

/// `HINCRBYFLOAT key field x`: the field's new value.
pub fn hincr_by_float(key: impl Borrow<Key>, field: impl ToArg, x: f64) -> f64 {
    Req::new("HINCRBYFLOAT").key(key).arg(field).arg(x).send().float()
}

/// `HLEN key`: the number of fields.
pub fn hlen(key: impl Borrow<Key>) -> i64 {
    Req::new("HLEN").key(key).send().count()
}

/// `HKEYS key`: the field names.
pub fn hkeys(key: impl Borrow<Key>) -> Vec<String> {
    Req::new("HKEYS").key(key).send().vec_string()
}

/// `HVALS key`: the values.
pub fn hvals(key: impl Borrow<Key>) -> Vec<String> {
    Req::new("HVALS").key(key).send().vec_string()
}

// ---------------------------------------------------------------------------------
// Lists
// ---------------------------------------------------------------------------------

/// `LPUSH key value [value ...]`: the length of the list after the push.
pub fn lpush(key: impl Borrow<Key>, values: impl ToArgs) -> i64 {
    Req::new("LPUSH").key(key).args(values).send().count()
}

/// `RPUSH key value [value ...]`: the length of the list after the push.
pub fn rpush(key: impl Borrow<Key>, values: impl ToArgs) -> i64 {
    Req::new("RPUSH").key(key).args(values).send().count()
}

/// `LPOP key`: the first element, or `None` when the list is empty.
pub fn lpop(key: impl Borrow<Key>) -> Option<String> {
    Req::new("LPOP").key(key).send().optional_string()
}

/// `RPOP key`: the last element, or `None` when the list is empty.
pub fn rpop(key: impl Borrow<Key>) -> Option<String> {
    Req::new("RPOP").key(key).send().optional_string()
}

/// `LPOP key count`: up to `count` elements from the head, or `None` when the key
/// does not exist.
pub fn lpop_count(key: impl Borrow<Key>, count: i64) -> Option<Vec<String>> {
    Req::new("LPOP").key(key).arg(count).send().optional_vec_string()
}

/// `RPOP key count`: up to `count` elements from the tail, or `None` when the key
/// does not exist.
pub fn rpop_count(key: impl Borrow<Key>, count: i64) -> Option<Vec<String>> {
    Req::new("RPOP").key(key).arg(count).send().optional_vec_string()
}

/// `LRANGE key start stop`: the elements from `start` to `stop` included (negative
/// indexes count from the end).
pub fn lrange(key: impl Borrow<Key>, start: i64, stop: i64) -> Vec<String> {
    Req::new("LRANGE").key(key).arg(start).arg(stop).send().vec_string()
}

/// `LLEN key`: the length of the list.
pub fn llen(key: impl Borrow<Key>) -> i64 {
    Req::new("LLEN").key(key).send().count()
}

/// `LINDEX key index`: the element at `index`, or `None` when out of range.
pub fn lindex(key: impl Borrow<Key>, index: i64) -> Option<String> {
    Req::new("LINDEX").key(key).arg(index).send().optional_string()
}

/// `LREM key count value`: how many elements equal to `value` were removed.
pub fn lrem(key: impl Borrow<Key>, count: i64, value: impl ToArg) -> i64 {
    Req::new("LREM").key(key).arg(count).arg(value).send().count()
}

/// `LTRIM key start stop`: keeps the elements from `start` to `stop` included.
pub fn ltrim(key: impl Borrow<Key>, start: i64, stop: i64) {
    Req::new("LTRIM").key(key).arg(start).arg(stop).send().unit()
}

/// `LMOVE source destination LEFT|RIGHT LEFT|RIGHT`: the element moved, or `None`
/// when the source is empty. The sides are written in place: `"LEFT"` or `"RIGHT"`.
pub fn lmove(source: impl Borrow<Key>, destination: impl Borrow<Key>, from: &str, to: &str) -> Option<String> {
    Req::new("LMOVE").key(source).key(destination).word(from).word(to).send().optional_string()
}

/// `RPOPLPUSH source destination`: the element moved, or `None` when the source is
/// empty.
pub fn rpoplpush(source: impl Borrow<Key>, destination: impl Borrow<Key>) -> Option<String> {
    Req::new("RPOPLPUSH").key(source).key(destination).send().optional_string()
}

// ---------------------------------------------------------------------------------
// Sets
// ---------------------------------------------------------------------------------

/// `SADD key member [member ...]`: how many members were added.
pub fn sadd(key: impl Borrow<Key>, members: impl ToArgs) -> i64 {
    Req::new("SADD").key(key).args(members).send().count()
}

/// `SREM key member [member ...]`: how many members were removed.
pub fn srem(key: impl Borrow<Key>, members: impl ToArgs) -> i64 {
    Req::new("SREM").key(key).args(members).send().count()
}

/// `SISMEMBER key member`: true when `member` is in the set.
pub fn sismember(key: impl Borrow<Key>, member: impl ToArg) -> bool {
    Req::new("SISMEMBER").key(key).arg(member).send().flag()
}

/// `SMISMEMBER key member [member ...]`: for each member, whether it is in the set.
pub fn smismember(key: impl Borrow<Key>, members: impl ToArgs) -> Vec<bool> {
    Req::new("SMISMEMBER").key(key).args(members).send().vec_flag()
}

/// `SMEMBERS key`: the members (in no particular order).
pub fn smembers(key: impl Borrow<Key>) -> Vec<String> {
    Req::new("SMEMBERS").key(key).send().vec_string()
}

/// `SCARD key`: the number of members.
pub fn scard(key: impl Borrow<Key>) -> i64 {
    Req::new("SCARD").key(key).send().count()
}

/// `SMOVE source destination member`: true when the member was moved.
pub fn smove(source: impl Borrow<Key>, destination: impl Borrow<Key>, member: impl ToArg) -> bool {
    Req::new("SMOVE").key(source).key(destination).arg(member).send().flag()
}

/// `SPOP key`: a random member, removed; `None` when the set is empty.
/// Nondeterministic: the function needs `#[redis_function(nondeterministic)]`.
pub fn spop(key: impl Borrow<Key>) -> Option<String> {
    Req::new("SPOP").key(key).send().optional_string()
}

/// `SRANDMEMBER key`: a random member; `None` when the set is empty.
/// Nondeterministic: the function needs `#[redis_function(nondeterministic)]`.
pub fn srandmember(key: impl Borrow<Key>) -> Option<String> {
    Req::new("SRANDMEMBER").key(key).send().optional_string()
}

// ---------------------------------------------------------------------------------
// Sorted sets
// ---------------------------------------------------------------------------------

/// `ZADD key score member`: how many members were added.
pub fn zadd(key: impl Borrow<Key>, score: f64, member: impl ToArg) -> i64 {
    Req::new("ZADD").key(key).arg(score).arg(member).send().count()
}

/// `ZADD key [options] score member`: how many members were added (or changed, with
/// `ch()`).
pub fn zadd_with(key: impl Borrow<Key>, score: f64, member: impl ToArg, options: ZAddOptions) -> i64 {
    Req::new("ZADD").key(key).options(&options.words).arg(score).arg(member).send().count()
}

/// `ZADD key [options] INCR score member`: the member's new score, or `None` when the
/// options prevented the change.
pub fn zadd_incr(key: impl Borrow<Key>, score: f64, member: impl ToArg, options: ZAddOptions) -> Option<f64> {
    Req::new("ZADD").key(key).options(&options.words).word("INCR").arg(score).arg(member).send().optional_float()
}

/// `ZINCRBY key increment member`: the member's new score.
pub fn zincr_by(key: impl Borrow<Key>, increment: f64, member: impl ToArg) -> f64 {
    Req::new("ZINCRBY").key(key).arg(increment).arg(member).send().float()
}

/// `ZSCORE key member`: the member's score, or `None`.
pub fn zscore(key: impl Borrow<Key>, member: impl ToArg) -> Option<f64> {
    Req::new("ZSCORE").key(key).arg(member).send().optional_float()
}

/// `ZMSCORE key member [member ...]`: each member's score, `None` for missing members.
pub fn zmscore(key: impl Borrow<Key>, members: impl ToArgs) -> Vec<Option<f64>> {
    Req::new("ZMSCORE").key(key).args(members).send().vec_opt_float()
}

/// `ZRANGE key start stop [options]`: the members in the range.
pub fn zrange(key: impl Borrow<Key>, start: impl ToArg, stop: impl ToArg, options: ZRangeOptions) -> Vec<String> {
    Req::new("ZRANGE").key(key).arg(start).arg(stop).options(&options.words).send().vec_string()
}

/// `ZRANGE key start stop [options] WITHSCORES`: the members in the range with their
/// scores.
pub fn zrange_withscores(key: impl Borrow<Key>, start: impl ToArg, stop: impl ToArg, options: ZRangeOptions) -> Vec<(String, f64)> {
    Req::new("ZRANGE").key(key).arg(start).arg(stop).options(&options.words).word("WITHSCORES").send().pairs_score()
}

/// `ZRANGEBYSCORE key min max`: the members with a score in the range.
pub fn zrange_by_score(key: impl Borrow<Key>, min: impl ToArg, max: impl ToArg) -> Vec<String> {
    Req::new("ZRANGEBYSCORE").key(key).arg(min).arg(max).send().vec_string()
}

/// `ZREVRANGE key start stop`: the members by rank, from the highest score.
pub fn zrevrange(key: impl Borrow<Key>, start: i64, stop: i64) -> Vec<String> {
    Req::new("ZREVRANGE").key(key).arg(start).arg(stop).send().vec_string()
}

/// `ZREMRANGEBYSCORE key min max`: how many members were removed.
pub fn zrem_range_by_score(key: impl Borrow<Key>, min: impl ToArg, max: impl ToArg) -> i64 {
    Req::new("ZREMRANGEBYSCORE").key(key).arg(min).arg(max).send().count()
}

/// `ZREMRANGEBYRANK key start stop`: how many members were removed.
pub fn zrem_range_by_rank(key: impl Borrow<Key>, start: i64, stop: i64) -> i64 {
    Req::new("ZREMRANGEBYRANK").key(key).arg(start).arg(stop).send().count()
}

/// `ZCARD key`: the number of members.
pub fn zcard(key: impl Borrow<Key>) -> i64 {
    Req::new("ZCARD").key(key).send().count()
}

/// `ZCOUNT key min max`: how many members have a score in the range.
pub fn zcount(key: impl Borrow<Key>, min: impl ToArg, max: impl ToArg) -> i64 {
    Req::new("ZCOUNT").key(key).arg(min).arg(max).send().count()
}

/// `ZRANK key member`: the member's rank from the lowest score, or `None`.
pub fn zrank(key: impl Borrow<Key>, member: impl ToArg) -> Option<i64> {
    Req::new("ZRANK").key(key).arg(member).send().optional_int()
}

/// `ZPOPMIN key count`: up to `count` members with the lowest scores, removed.
pub fn zpop_min(key: impl Borrow<Key>, count: i64) -> Vec<(String, f64)> {
    Req::new("ZPOPMIN").key(key).arg(count).send().pairs_score()
}

/// `ZPOPMAX key count`: up to `count` members with the highest scores, removed.
pub fn zpop_max(key: impl Borrow<Key>, count: i64) -> Vec<(String, f64)> {
    Req::new("ZPOPMAX").key(key).arg(count).send().pairs_score()
}

/// `ZREM key member [member ...]`: how many members were removed.
pub fn zrem(key: impl Borrow<Key>, members: impl ToArgs) -> i64 {
    Req::new("ZREM").key(key).args(members).send().count()
}

// ---------------------------------------------------------------------------------
// Streams
// ---------------------------------------------------------------------------------

/// `XADD key id field value [field value ...]`: the ID of the new entry (`"*"` lets the
/// server choose it). Nondeterministic: the function needs
/// `#[redis_function(nondeterministic)]`.
pub fn xadd(key: impl Borrow<Key>, id: impl ToArg, fields: impl ToPairs) -> String {
    Req::new("XADD").key(key).arg(id).pairs(fields).send().string()
}

/// `XADD key [options] id field value [...]`: the ID of the new entry, or `None` when
/// `nomkstream()` kept a missing stream from being created.
/// Nondeterministic: the function needs `#[redis_function(nondeterministic)]`.
pub fn xadd_with(key: impl Borrow<Key>, id: impl ToArg, fields: impl ToPairs, options: XAddOptions) -> Option<String> {
    Req::new("XADD").key(key).options(&options.words).arg(id).pairs(fields).send().optional_string()
}

/// `XLEN key`: the number of entries.
pub fn xlen(key: impl Borrow<Key>) -> i64 {
    Req::new("XLEN").key(key).send().count()
}

/// `XTRIM key MAXLEN n`: how many entries were removed.
pub fn xtrim_maxlen(key: impl Borrow<Key>, len: i64) -> i64 {
    Req::new("XTRIM").key(key).word("MAXLEN").arg(len).send().count()
}

/// `XTRIM key MINID id`: how many entries were removed.
pub fn xtrim_minid(key: impl Borrow<Key>, id: impl ToArg) -> i64 {
    Req::new("XTRIM").key(key).word("MINID").arg(id).send().count()
}

/// `XRANGE key start end`: the entries in the range (`"-"` and `"+"` for all), each
/// as its ID with its fields.
pub fn xrange(key: impl Borrow<Key>, start: impl ToArg, end: impl ToArg) -> Vec<(String, Vec<(String, String)>)> {
    Req::new("XRANGE").key(key).arg(start).arg(end).send().stream_entries()
}

/// `XDEL key id [id ...]`: how many entries were deleted.
pub fn xdel(key: impl Borrow<Key>, ids: impl ToArgs) -> i64 {
    Req::new("XDEL").key(key).args(ids).send().count()
}

// ---------------------------------------------------------------------------------
// Pub/sub and server
// ---------------------------------------------------------------------------------

/// `PUBLISH channel message`: how many subscribers received the message.
pub fn publish(channel: impl ToArg, message: impl ToArg) -> i64 {
    Req::new("PUBLISH").arg(channel).arg(message).send().count()
}

/// `TIME`: the server's clock, as Unix seconds and microseconds.
/// Nondeterministic: the function needs `#[redis_function(nondeterministic)]`.
pub fn time() -> (i64, i64) {
    Req::new("TIME").send().time()
}

/// `call!` and `try_call!`: any command of the server table, checked at compile time.
pub use crate::{call, try_call};
