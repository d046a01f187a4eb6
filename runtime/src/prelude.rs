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
/// The reply of `call!` / `try_call!`: also a function's return type, to pass a command's
/// reply through unchanged (a status reply stays one).
pub use crate::value::Value;
pub use redlua_macros::redis_function;

use crate::twin::query;
use redis::Value as RedisValue;
use std::borrow::Borrow;

// ---------------------------------------------------------------------------------
// Arguments
// ---------------------------------------------------------------------------------

/// A value a typed command accepts as data: integers, floats (sent as Rust prints
/// them, exactly as the generated Lua sends them) and strings.
///
/// ```
/// #[redlua::library(name = "doc_to_arg")]
/// mod mixed {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn store(k: Key, n: i64, x: f64, s: String) -> Vec<Option<String>> {
///         hset(&k, "n", n);
///         hset(&k, "x", x);
///         hset(&k, "s", &s);
///         hmget(&k, &["n", "x", "s"])
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// let lua = mixed::store("h", 1, 0.5, "a").call(&mut con).unwrap();
/// assert_eq!(lua, [Some("1".to_string()), Some("0.5".to_string()), Some("a".to_string())]);
/// // The twin sends the same bytes: `ToArg` encodes as the Lua does.
/// use redlua::prelude::ToArg;
/// assert_eq!(0.5f64.to_arg(), b"0.5");
/// assert_eq!(redlua::twin::run(&mut con, || mixed::twin::store("h".into(), 1, 0.5, "a".into())), lua);
/// ```
pub trait ToArg {
    /// The bytes sent to the server.
    ///
    /// ```
    /// use redlua::prelude::ToArg;
    ///
    /// assert_eq!(42i64.to_arg(), b"42");
    /// assert_eq!(1e21f64.to_arg(), b"1000000000000000000000"); // as Rust prints it
    /// assert_eq!("text".to_arg(), b"text");
    /// ```
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
///
/// ```
/// #[redlua::library(name = "doc_to_keys")]
/// mod many {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn clear(a: Key, b: Key, rest: Vec<Key>) -> i64 {
///         del(&a) + del(&[&a, &b]) + del(&rest)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("MSET").arg("a").arg(1).arg("b").arg(2).arg("c").arg(3).exec(&mut con).unwrap();
/// assert_eq!(many::clear("a", "b", ["c", "d"]).call(&mut con).unwrap(), 3);
/// ```
pub trait ToKeys {
    /// Appends the keys, in order.
    ///
    /// ```
    /// use redlua::prelude::{Key, ToKeys};
    ///
    /// let (a, b) = (Key::from("a"), Key::from("b"));
    /// let (pair, more) = ([&a, &b], vec![Key::from("c")]);
    /// let mut out = Vec::new();
    /// pair.push_keys(&mut out);
    /// more.push_keys(&mut out);
    /// let names: Vec<&[u8]> = out.iter().map(|k| k.as_bytes()).collect();
    /// assert_eq!(names, [b"a", b"b", b"c"]);
    /// ```
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
///
/// ```
/// #[redlua::library(name = "doc_to_args")]
/// mod sets {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn fill(set: Key, more: Vec<String>) -> i64 {
///         sadd(&set, "one") + sadd(&set, &["two", "three"]) + sadd(&set, &more)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert_eq!(sets::fill("s", ["four", "one"]).call(&mut con).unwrap(), 4);
/// let twin = redlua::twin::run(&mut con, || sets::twin::fill("t".into(), vec!["five".into()]));
/// assert_eq!(twin, 4);
/// ```
pub trait ToArgs {
    /// Appends the encoded values, in order.
    ///
    /// ```
    /// use redlua::prelude::ToArgs;
    ///
    /// let mut out = Vec::new();
    /// 1i64.push_args(&mut out);
    /// ["a", "b"].push_args(&mut out);
    /// vec![2.5f64].push_args(&mut out);
    /// assert_eq!(out, [b"1".to_vec(), b"a".to_vec(), b"b".to_vec(), b"2.5".to_vec()]);
    /// ```
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
///
/// ```
/// #[redlua::library(name = "doc_to_pairs")]
/// mod users {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn create(user: Key, name: String) -> i64 {
///         hset_many(&user, &[("name", name), ("role", "admin".to_string())])
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert_eq!(users::create("u:1", "ann").call(&mut con).unwrap(), 2);
/// let role: String = redis::cmd("HGET").arg("u:1").arg("role").query(&mut con).unwrap();
/// assert_eq!(role, "admin");
/// ```
pub trait ToPairs {
    /// Appends the names and values, flattened, in order.
    ///
    /// ```
    /// use redlua::prelude::ToPairs;
    ///
    /// let mut out = Vec::new();
    /// [("name", "ann"), ("role", "admin")].push_pairs(&mut out);
    /// vec![("age".to_string(), 42i64)].push_pairs(&mut out);
    /// assert_eq!(out.concat(), b"nameannroleadminage42");
    /// assert_eq!(out.len(), 6);
    /// ```
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
///
/// ```
/// #[redlua::library(name = "doc_to_key_values")]
/// mod pairs {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn init(a: Key, b: Key) {
///         mset(&[(&a, "x"), (&b, "y")]);
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// pairs::init("a", "b").call(&mut con).unwrap();
/// let values: Vec<String> = redis::cmd("MGET").arg("a").arg("b").query(&mut con).unwrap();
/// assert_eq!(values, ["x", "y"]);
/// ```
pub trait ToKeyValues {
    /// Appends each key with its encoded value, in order.
    ///
    /// ```
    /// use redlua::prelude::{Key, ToKeyValues};
    ///
    /// let (a, b) = (Key::from("a"), Key::from("b"));
    /// let pairs = [(&a, 1i64), (&b, 2i64)];
    /// let mut out = Vec::new();
    /// pairs.push_key_values(&mut out);
    /// assert_eq!(out, [(&a, b"1".to_vec()), (&b, b"2".to_vec())]);
    /// ```
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
///
/// ```
/// #[redlua::library(name = "doc_from_bulk")]
/// mod reads {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn three_ways(k: Key) -> (Option<i64>, Option<f64>, Option<String>) {
///         (get::<i64>(&k), get::<f64>(&k), get::<String>(&k))
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SET").arg("n").arg(12).exec(&mut con).unwrap();
/// let reads = reads::three_ways("n").call(&mut con).unwrap();
/// assert_eq!(reads, (Some(12), Some(12.0), Some("12".to_string())));
/// assert_eq!(redlua::twin::run(&mut con, || reads::twin::three_ways("n".into())), reads);
/// ```
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
    value: RedisValue,
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
            RedisValue::Int(n) => n,
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
            RedisValue::Int(n) => n == 1,
            RedisValue::Boolean(b) => b,
            _ => self.unexpected("an integer"),
        }
    }

    /// `OK` → true, nil → false.
    fn ok_or_nil(self) -> bool {
        !matches!(self.value, RedisValue::Nil)
    }

    /// A bulk string or nil, read as `T`.
    fn optional<T: FromBulk>(self) -> Option<T> {
        match self.value {
            RedisValue::Nil => None,
            RedisValue::BulkString(b) => Some(T::from_bulk(b)),
            RedisValue::SimpleString(s) => Some(T::from_bulk(s.into_bytes())),
            RedisValue::VerbatimString { text, .. } => Some(T::from_bulk(text.into_bytes())),
            RedisValue::Double(x) => Some(T::from_bulk(x.to_string().into_bytes())),
            _ => self.unexpected("a bulk string or nil"),
        }
    }

    fn optional_string(self) -> Option<String> {
        self.optional::<String>()
    }

    /// An integer or nil.
    fn optional_int(self) -> Option<i64> {
        match self.value {
            RedisValue::Nil => None,
            RedisValue::Int(n) => Some(n),
            _ => self.unexpected("an integer or nil"),
        }
    }

    /// A bulk string that is always there.
    fn string(self) -> String {
        match self.value {
            RedisValue::Nil => self.unexpected("a bulk string"),
            _ => self.optional_string().unwrap_or_default(),
        }
    }

    /// A status reply (`TYPE`): its text.
    fn status(self) -> String {
        match self.value {
            RedisValue::SimpleString(s) => s,
            RedisValue::Okay => "OK".to_string(),
            _ => self.unexpected("a status"),
        }
    }

    /// A float as a bulk string (or a RESP3 double).
    fn optional_float(self) -> Option<f64> {
        match self.value {
            RedisValue::Double(x) => Some(x),
            _ => self.optional::<f64>(),
        }
    }

    fn float(self) -> f64 {
        match self.value {
            RedisValue::Nil => self.unexpected("a float"),
            _ => self.optional_float().unwrap_or_default(),
        }
    }

    /// The elements of an array (or RESP3 set) reply.
    fn elements(self) -> (&'static str, Vec<RedisValue>) {
        match self.value {
            RedisValue::Array(a) | RedisValue::Set(a) => (self.name, a),
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
            RedisValue::Nil => None,
            _ => Some(self.vec_string()),
        }
    }

    /// A flat array `k1, v1, k2, v2` (or a RESP3 map, or RESP3 pairs) as pairs.
    fn pairs<A, B>(self, a: impl Fn(Reply) -> A, b: impl Fn(Reply) -> B) -> Vec<(A, B)> {
        let name = self.name;
        let flat: Vec<RedisValue> = match self.value {
            RedisValue::Map(m) => m.into_iter().flat_map(|(k, v)| [k, v]).collect(),
            RedisValue::Array(items) if items.iter().all(|i| matches!(i, RedisValue::Array(p) if p.len() == 2)) && !items.is_empty() => items
                .into_iter()
                .flat_map(|i| match i {
                    RedisValue::Array(p) => p,
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
            let fields = parts.pop().unwrap_or(RedisValue::Nil);
            let id = parts.pop().unwrap_or(RedisValue::Nil);
            let fields = match fields {
                // An entry deleted under a consumer group reads back with nil fields.
                RedisValue::Nil => Vec::new(),
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
            ///
            #[doc = concat!("Inside a redis function, `", stringify!($name), "::new()` with no option")]
            #[doc = "adds no word to the command; the same value as `default()`:"]
            ///
            /// ```
            #[doc = concat!("use redlua::prelude::", stringify!($name), ";")]
            ///
            #[doc = concat!("assert_eq!(", stringify!($name), "::new(), ", stringify!($name), "::default());")]
            /// ```
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
    ///
    /// ```
    /// #[redlua::library(name = "doc_set_options")]
    /// mod locks {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn acquire(lock: Key, owner: String, ttl: i64) -> bool {
    ///         set_with(&lock, &owner, SetOptions::new().nx().ex(ttl))
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// assert!(locks::acquire("lock", "ann", 30).call(&mut con).unwrap());
    /// assert!(!locks::acquire("lock", "bob", 30).call(&mut con).unwrap());
    /// ```
    SetOptions {
        /// `NX`: only set when the key does not exist.
        ///
        /// ```
        /// #[redlua::library(name = "doc_setoptions_nx")]
        /// mod opts {
        ///     use redlua::prelude::*;
        ///
        ///     #[redis_function]
        ///     pub fn init(k: Key, v: String) -> bool {
        ///         set_with(&k, &v, SetOptions::new().nx())
        ///     }
        /// }
        ///
        /// # let server = redlua::testing::TestServer::start().unwrap();
        /// # let mut con = server.connection().unwrap();
        /// assert!(opts::init("k", "a").call(&mut con).unwrap());
        /// assert!(!redlua::twin::run(&mut con, || opts::twin::init("k".into(), "b".into())));
        /// ```
        fn nx() => ["NX"];
        /// `XX`: only set when the key exists.
        ///
        /// ```
        /// #[redlua::library(name = "doc_setoptions_xx")]
        /// mod opts {
        ///     use redlua::prelude::*;
        ///
        ///     #[redis_function]
        ///     pub fn update(k: Key, v: String) -> bool {
        ///         set_with(&k, &v, SetOptions::new().xx())
        ///     }
        /// }
        ///
        /// # let server = redlua::testing::TestServer::start().unwrap();
        /// # let mut con = server.connection().unwrap();
        /// assert!(!opts::update("k", "a").call(&mut con).unwrap());
        /// redis::cmd("SET").arg("k").arg("x").exec(&mut con).unwrap();
        /// assert!(redlua::twin::run(&mut con, || opts::twin::update("k".into(), "b".into())));
        /// ```
        fn xx() => ["XX"];
        /// `EX seconds`: expire after this many seconds.
        ///
        /// ```
        /// #[redlua::library(name = "doc_setoptions_ex")]
        /// mod opts {
        ///     use redlua::prelude::*;
        ///
        ///     #[redis_function]
        ///     pub fn put(k: Key, v: String) -> bool {
        ///         set_with(&k, &v, SetOptions::new().ex(60))
        ///     }
        /// }
        ///
        /// # let server = redlua::testing::TestServer::start().unwrap();
        /// # let mut con = server.connection().unwrap();
        /// assert!(opts::put("k", "a").call(&mut con).unwrap());
        /// let ttl: i64 = redis::cmd("TTL").arg("k").query(&mut con).unwrap();
        /// assert!(ttl > 0 && ttl <= 60);
        /// ```
        fn ex(seconds: i64) => ["EX"];
        /// `PX milliseconds`: expire after this many milliseconds.
        ///
        /// ```
        /// #[redlua::library(name = "doc_setoptions_px")]
        /// mod opts {
        ///     use redlua::prelude::*;
        ///
        ///     #[redis_function]
        ///     pub fn put(k: Key, v: String) -> bool {
        ///         set_with(&k, &v, SetOptions::new().px(60_000))
        ///     }
        /// }
        ///
        /// # let server = redlua::testing::TestServer::start().unwrap();
        /// # let mut con = server.connection().unwrap();
        /// assert!(opts::put("k", "a").call(&mut con).unwrap());
        /// let ttl: i64 = redis::cmd("TTL").arg("k").query(&mut con).unwrap();
        /// assert!(ttl > 0 && ttl <= 60);
        /// ```
        fn px(millis: i64) => ["PX"];
        /// `EXAT unix-seconds`: expire at this Unix time, in seconds.
        ///
        /// ```
        /// #[redlua::library(name = "doc_setoptions_exat")]
        /// mod opts {
        ///     use redlua::prelude::*;
        ///
        ///     #[redis_function]
        ///     pub fn put(k: Key, v: String, at: i64) -> bool {
        ///         set_with(&k, &v, SetOptions::new().exat(at))
        ///     }
        /// }
        ///
        /// # let server = redlua::testing::TestServer::start().unwrap();
        /// # let mut con = server.connection().unwrap();
        /// assert!(opts::put("k", "a", 4102444800).call(&mut con).unwrap());
        /// let at: i64 = redis::cmd("EXPIRETIME").arg("k").query(&mut con).unwrap();
        /// assert_eq!(at, 4102444800);
        /// ```
        fn exat(unix_seconds: i64) => ["EXAT"];
        /// `PXAT unix-milliseconds`: expire at this Unix time, in milliseconds.
        ///
        /// ```
        /// #[redlua::library(name = "doc_setoptions_pxat")]
        /// mod opts {
        ///     use redlua::prelude::*;
        ///
        ///     #[redis_function]
        ///     pub fn put(k: Key, v: String, at: i64) -> bool {
        ///         set_with(&k, &v, SetOptions::new().pxat(at))
        ///     }
        /// }
        ///
        /// # let server = redlua::testing::TestServer::start().unwrap();
        /// # let mut con = server.connection().unwrap();
        /// assert!(opts::put("k", "a", 4102444800123).call(&mut con).unwrap());
        /// let at: i64 = redis::cmd("PEXPIRETIME").arg("k").query(&mut con).unwrap();
        /// assert_eq!(at, 4102444800123);
        /// ```
        fn pxat(unix_millis: i64) => ["PXAT"];
        /// `KEEPTTL`: keep the key's time to live.
        ///
        /// ```
        /// #[redlua::library(name = "doc_setoptions_keep_ttl")]
        /// mod opts {
        ///     use redlua::prelude::*;
        ///
        ///     #[redis_function]
        ///     pub fn overwrite(k: Key, v: String) -> Option<String> {
        ///         set_get(&k, &v, SetOptions::new().keep_ttl())
        ///     }
        /// }
        ///
        /// # let server = redlua::testing::TestServer::start().unwrap();
        /// # let mut con = server.connection().unwrap();
        /// redis::cmd("SET").arg("k").arg("a").arg("EX").arg(60).exec(&mut con).unwrap();
        /// assert_eq!(opts::overwrite("k", "b").call(&mut con).unwrap().as_deref(), Some("a"));
        /// let ttl: i64 = redis::cmd("TTL").arg("k").query(&mut con).unwrap();
        /// assert!(ttl > 0 && ttl <= 60);
        /// ```
        fn keep_ttl() => ["KEEPTTL"];
    }
}

options_builder! {
    /// Options of [`getex`]: `GetExOptions::new().ex(60)`.
    ///
    /// Written in place inside a redis function; the options exclude each other:
    /// `[EX s|PX ms|EXAT t|PXAT t|PERSIST]`.
    ///
    /// ```
    /// #[redlua::library(name = "doc_getex_options")]
    /// mod sessions {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn touch(session: Key) -> Option<String> {
    ///         getex(&session, GetExOptions::new().ex(600))
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// redis::cmd("SET").arg("s").arg("ann").exec(&mut con).unwrap();
    /// assert_eq!(sessions::touch("s").call(&mut con).unwrap().as_deref(), Some("ann"));
    /// let ttl: i64 = redis::cmd("TTL").arg("s").query(&mut con).unwrap();
    /// assert!(ttl > 0);
    /// ```
    GetExOptions {
        /// `EX seconds`: expire after this many seconds.
        ///
        /// ```
        /// #[redlua::library(name = "doc_getexoptions_ex")]
        /// mod opts {
        ///     use redlua::prelude::*;
        ///
        ///     #[redis_function]
        ///     pub fn touch(k: Key) -> Option<String> {
        ///         getex(&k, GetExOptions::new().ex(60))
        ///     }
        /// }
        ///
        /// # let server = redlua::testing::TestServer::start().unwrap();
        /// # let mut con = server.connection().unwrap();
        /// redis::cmd("SET").arg("k").arg("a").exec(&mut con).unwrap();
        /// assert_eq!(opts::touch("k").call(&mut con).unwrap().as_deref(), Some("a"));
        /// let ttl: i64 = redis::cmd("TTL").arg("k").query(&mut con).unwrap();
        /// assert!(ttl > 0 && ttl <= 60);
        /// ```
        fn ex(seconds: i64) => ["EX"];
        /// `PX milliseconds`: expire after this many milliseconds.
        ///
        /// ```
        /// #[redlua::library(name = "doc_getexoptions_px")]
        /// mod opts {
        ///     use redlua::prelude::*;
        ///
        ///     #[redis_function]
        ///     pub fn touch(k: Key) -> Option<String> {
        ///         getex(&k, GetExOptions::new().px(60_000))
        ///     }
        /// }
        ///
        /// # let server = redlua::testing::TestServer::start().unwrap();
        /// # let mut con = server.connection().unwrap();
        /// redis::cmd("SET").arg("k").arg("a").exec(&mut con).unwrap();
        /// assert_eq!(redlua::twin::run(&mut con, || opts::twin::touch("k".into())).as_deref(), Some("a"));
        /// let ttl: i64 = redis::cmd("TTL").arg("k").query(&mut con).unwrap();
        /// assert!(ttl > 0 && ttl <= 60);
        /// ```
        fn px(millis: i64) => ["PX"];
        /// `EXAT unix-seconds`: expire at this Unix time, in seconds.
        ///
        /// ```
        /// #[redlua::library(name = "doc_getexoptions_exat")]
        /// mod opts {
        ///     use redlua::prelude::*;
        ///
        ///     #[redis_function]
        ///     pub fn touch(k: Key, at: i64) -> Option<String> {
        ///         getex(&k, GetExOptions::new().exat(at))
        ///     }
        /// }
        ///
        /// # let server = redlua::testing::TestServer::start().unwrap();
        /// # let mut con = server.connection().unwrap();
        /// redis::cmd("SET").arg("k").arg("a").exec(&mut con).unwrap();
        /// assert_eq!(opts::touch("k", 4102444800).call(&mut con).unwrap().as_deref(), Some("a"));
        /// let at: i64 = redis::cmd("EXPIRETIME").arg("k").query(&mut con).unwrap();
        /// assert_eq!(at, 4102444800);
        /// ```
        fn exat(unix_seconds: i64) => ["EXAT"];
        /// `PXAT unix-milliseconds`: expire at this Unix time, in milliseconds.
        ///
        /// ```
        /// #[redlua::library(name = "doc_getexoptions_pxat")]
        /// mod opts {
        ///     use redlua::prelude::*;
        ///
        ///     #[redis_function]
        ///     pub fn touch(k: Key, at: i64) -> Option<String> {
        ///         getex(&k, GetExOptions::new().pxat(at))
        ///     }
        /// }
        ///
        /// # let server = redlua::testing::TestServer::start().unwrap();
        /// # let mut con = server.connection().unwrap();
        /// redis::cmd("SET").arg("k").arg("a").exec(&mut con).unwrap();
        /// assert_eq!(opts::touch("k", 4102444800123).call(&mut con).unwrap().as_deref(), Some("a"));
        /// let at: i64 = redis::cmd("PEXPIRETIME").arg("k").query(&mut con).unwrap();
        /// assert_eq!(at, 4102444800123);
        /// ```
        fn pxat(unix_millis: i64) => ["PXAT"];
        /// `PERSIST`: remove the time to live.
        ///
        /// ```
        /// #[redlua::library(name = "doc_getexoptions_persist")]
        /// mod opts {
        ///     use redlua::prelude::*;
        ///
        ///     #[redis_function]
        ///     pub fn keep(k: Key) -> Option<String> {
        ///         getex(&k, GetExOptions::new().persist())
        ///     }
        /// }
        ///
        /// # let server = redlua::testing::TestServer::start().unwrap();
        /// # let mut con = server.connection().unwrap();
        /// redis::cmd("SET").arg("k").arg("a").arg("EX").arg(60).exec(&mut con).unwrap();
        /// assert_eq!(opts::keep("k").call(&mut con).unwrap().as_deref(), Some("a"));
        /// let ttl: i64 = redis::cmd("TTL").arg("k").query(&mut con).unwrap();
        /// assert_eq!(ttl, -1);
        /// ```
        fn persist() => ["PERSIST"];
    }
}

options_builder! {
    /// Options of [`zadd_with`] and [`zadd_incr`]: `ZAddOptions::new().xx().ch()`.
    ///
    /// Written in place inside a redis function; sent as `[NX|XX] [GT|LT] [CH]`
    /// whatever the order of the calls.
    ///
    /// ```
    /// #[redlua::library(name = "doc_zadd_options")]
    /// mod board {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn update(board: Key, player: String, score: f64) -> i64 {
    ///         zadd_with(&board, score, &player, ZAddOptions::new().xx().ch())
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// redis::cmd("ZADD").arg("b").arg(1).arg("ann").exec(&mut con).unwrap();
    /// assert_eq!(board::update("b", "ann", 2.0).call(&mut con).unwrap(), 1); // changed
    /// assert_eq!(board::update("b", "bob", 2.0).call(&mut con).unwrap(), 0); // not added
    /// ```
    ZAddOptions {
        /// `NX`: only add new members.
        ///
        /// ```
        /// #[redlua::library(name = "doc_zaddoptions_nx")]
        /// mod opts {
        ///     use redlua::prelude::*;
        ///
        ///     #[redis_function]
        ///     pub fn join(z: Key, m: String, score: f64) -> i64 {
        ///         zadd_with(&z, score, &m, ZAddOptions::new().nx())
        ///     }
        /// }
        ///
        /// # let server = redlua::testing::TestServer::start().unwrap();
        /// # let mut con = server.connection().unwrap();
        /// redis::cmd("ZADD").arg("z").arg(5).arg("ann").exec(&mut con).unwrap();
        /// assert_eq!(opts::join("z", "ann", 1.0).call(&mut con).unwrap(), 0); // kept at 5
        /// assert_eq!(opts::join("z", "bob", 1.0).call(&mut con).unwrap(), 1);
        /// let score: f64 = redis::cmd("ZSCORE").arg("z").arg("ann").query(&mut con).unwrap();
        /// assert_eq!(score, 5.0);
        /// ```
        fn nx() => ["NX"];
        /// `XX`: only update existing members.
        ///
        /// ```
        /// #[redlua::library(name = "doc_zaddoptions_xx")]
        /// mod opts {
        ///     use redlua::prelude::*;
        ///
        ///     #[redis_function]
        ///     pub fn rescore(z: Key, m: String, score: f64) -> Option<f64> {
        ///         zadd_incr(&z, score, &m, ZAddOptions::new().xx())
        ///     }
        /// }
        ///
        /// # let server = redlua::testing::TestServer::start().unwrap();
        /// # let mut con = server.connection().unwrap();
        /// redis::cmd("ZADD").arg("z").arg(5).arg("ann").exec(&mut con).unwrap();
        /// assert_eq!(opts::rescore("z", "ann", 1.0).call(&mut con).unwrap(), Some(6.0));
        /// assert_eq!(opts::rescore("z", "bob", 1.0).call(&mut con).unwrap(), None);
        /// ```
        fn xx() => ["XX"];
        /// `GT`: only update when the new score is greater.
        ///
        /// ```
        /// #[redlua::library(name = "doc_zaddoptions_gt")]
        /// mod opts {
        ///     use redlua::prelude::*;
        ///
        ///     #[redis_function]
        ///     pub fn best(z: Key, m: String, score: f64) -> Option<f64> {
        ///         zadd_with(&z, score, &m, ZAddOptions::new().gt());
        ///         zscore(&z, &m)
        ///     }
        /// }
        ///
        /// # let server = redlua::testing::TestServer::start().unwrap();
        /// # let mut con = server.connection().unwrap();
        /// redis::cmd("ZADD").arg("z").arg(5).arg("ann").exec(&mut con).unwrap();
        /// assert_eq!(opts::best("z", "ann", 3.0).call(&mut con).unwrap(), Some(5.0));
        /// assert_eq!(opts::best("z", "ann", 8.0).call(&mut con).unwrap(), Some(8.0));
        /// ```
        fn gt() => ["GT"];
        /// `LT`: only update when the new score is less.
        ///
        /// ```
        /// #[redlua::library(name = "doc_zaddoptions_lt")]
        /// mod opts {
        ///     use redlua::prelude::*;
        ///
        ///     #[redis_function]
        ///     pub fn fastest(z: Key, m: String, time: f64) -> Option<f64> {
        ///         zadd_with(&z, time, &m, ZAddOptions::new().lt());
        ///         zscore(&z, &m)
        ///     }
        /// }
        ///
        /// # let server = redlua::testing::TestServer::start().unwrap();
        /// # let mut con = server.connection().unwrap();
        /// redis::cmd("ZADD").arg("z").arg(5).arg("ann").exec(&mut con).unwrap();
        /// assert_eq!(opts::fastest("z", "ann", 8.0).call(&mut con).unwrap(), Some(5.0));
        /// assert_eq!(opts::fastest("z", "ann", 3.0).call(&mut con).unwrap(), Some(3.0));
        /// ```
        fn lt() => ["LT"];
        /// `CH`: count changed members, not only added ones.
        ///
        /// ```
        /// #[redlua::library(name = "doc_zaddoptions_ch")]
        /// mod opts {
        ///     use redlua::prelude::*;
        ///
        ///     #[redis_function]
        ///     pub fn set_score(z: Key, m: String, score: f64) -> i64 {
        ///         zadd_with(&z, score, &m, ZAddOptions::new().ch())
        ///     }
        /// }
        ///
        /// # let server = redlua::testing::TestServer::start().unwrap();
        /// # let mut con = server.connection().unwrap();
        /// redis::cmd("ZADD").arg("z").arg(5).arg("ann").exec(&mut con).unwrap();
        /// assert_eq!(opts::set_score("z", "ann", 6.0).call(&mut con).unwrap(), 1); // changed
        /// assert_eq!(opts::set_score("z", "ann", 6.0).call(&mut con).unwrap(), 0); // same score
        /// ```
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
    ///
    /// ```
    /// #[redlua::library(name = "doc_zrange_options")]
    /// mod board {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn page(board: Key, offset: i64) -> Vec<String> {
    ///         zrange(&board, "+inf", "-inf", ZRangeOptions::new().by_score().rev().limit(offset).count(2))
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// redis::cmd("ZADD").arg("b").arg(1).arg("a").arg(2).arg("b").arg(3).arg("c").exec(&mut con).unwrap();
    /// assert_eq!(board::page("b", 0).call(&mut con).unwrap(), ["c", "b"]);
    /// assert_eq!(board::page("b", 2).call(&mut con).unwrap(), ["a"]);
    /// ```
    ZRangeOptions {
        /// `BYSCORE`: start and stop are scores (`"(1"`, `"+inf"`).
        ///
        /// ```
        /// #[redlua::library(name = "doc_zrangeoptions_by_score")]
        /// mod opts {
        ///     use redlua::prelude::*;
        ///
        ///     #[redis_function(read_only)]
        ///     pub fn above(z: Key, min: f64) -> Vec<String> {
        ///         zrange(&z, format!("({min}"), "+inf", ZRangeOptions::new().by_score())
        ///     }
        /// }
        ///
        /// # let server = redlua::testing::TestServer::start().unwrap();
        /// # let mut con = server.connection().unwrap();
        /// redis::cmd("ZADD").arg("z").arg(1).arg("a").arg(2).arg("b").arg(3).arg("c").exec(&mut con).unwrap();
        /// assert_eq!(opts::above("z", 1.0).call(&mut con).unwrap(), ["b", "c"]);
        /// ```
        fn by_score() => ["BYSCORE"];
        /// `BYLEX`: start and stop are lexicographical bounds (`"[a"`, `"-"`).
        ///
        /// ```
        /// #[redlua::library(name = "doc_zrangeoptions_by_lex")]
        /// mod opts {
        ///     use redlua::prelude::*;
        ///
        ///     #[redis_function(read_only)]
        ///     pub fn from(z: Key, start: String) -> Vec<String> {
        ///         zrange(&z, format!("[{start}"), "+", ZRangeOptions::new().by_lex())
        ///     }
        /// }
        ///
        /// # let server = redlua::testing::TestServer::start().unwrap();
        /// # let mut con = server.connection().unwrap();
        /// redis::cmd("ZADD").arg("z").arg(0).arg("apple").arg(0).arg("pear").arg(0).arg("plum").exec(&mut con).unwrap();
        /// assert_eq!(opts::from("z", "p").call(&mut con).unwrap(), ["pear", "plum"]);
        /// ```
        fn by_lex() => ["BYLEX"];
        /// `REV`: from the highest to the lowest.
        ///
        /// ```
        /// #[redlua::library(name = "doc_zrangeoptions_rev")]
        /// mod opts {
        ///     use redlua::prelude::*;
        ///
        ///     #[redis_function(read_only)]
        ///     pub fn descending(z: Key) -> Vec<String> {
        ///         zrange(&z, 0, -1, ZRangeOptions::new().rev())
        ///     }
        /// }
        ///
        /// # let server = redlua::testing::TestServer::start().unwrap();
        /// # let mut con = server.connection().unwrap();
        /// redis::cmd("ZADD").arg("z").arg(1).arg("a").arg(2).arg("b").arg(3).arg("c").exec(&mut con).unwrap();
        /// assert_eq!(opts::descending("z").call(&mut con).unwrap(), ["c", "b", "a"]);
        /// ```
        fn rev() => ["REV"];
        /// `LIMIT offset ..`: skip `offset` elements (with [`count`](Self::count)).
        ///
        /// ```
        /// #[redlua::library(name = "doc_zrangeoptions_limit")]
        /// mod opts {
        ///     use redlua::prelude::*;
        ///
        ///     #[redis_function(read_only)]
        ///     pub fn skip(z: Key, n: i64) -> Vec<String> {
        ///         zrange(&z, "-inf", "+inf", ZRangeOptions::new().by_score().limit(n).count(10))
        ///     }
        /// }
        ///
        /// # let server = redlua::testing::TestServer::start().unwrap();
        /// # let mut con = server.connection().unwrap();
        /// redis::cmd("ZADD").arg("z").arg(1).arg("a").arg(2).arg("b").arg(3).arg("c").exec(&mut con).unwrap();
        /// assert_eq!(opts::skip("z", 2).call(&mut con).unwrap(), ["c"]);
        /// ```
        fn limit(offset: i64) => ["LIMIT"];
        /// `.. count`: at most `count` elements (with [`limit`](Self::limit)).
        ///
        /// ```
        /// #[redlua::library(name = "doc_zrangeoptions_count")]
        /// mod opts {
        ///     use redlua::prelude::*;
        ///
        ///     #[redis_function(read_only)]
        ///     pub fn lowest(z: Key, n: i64) -> Vec<String> {
        ///         zrange(&z, "-inf", "+inf", ZRangeOptions::new().by_score().limit(0).count(n))
        ///     }
        /// }
        ///
        /// # let server = redlua::testing::TestServer::start().unwrap();
        /// # let mut con = server.connection().unwrap();
        /// redis::cmd("ZADD").arg("z").arg(1).arg("a").arg(2).arg("b").arg(3).arg("c").exec(&mut con).unwrap();
        /// assert_eq!(opts::lowest("z", 2).call(&mut con).unwrap(), ["a", "b"]);
        /// ```
        fn count(count: i64) => [];
    }
}

options_builder! {
    /// Options of [`xadd_with`]: `XAddOptions::new().maxlen(1000)`.
    ///
    /// Written in place inside a redis function; sent as
    /// `[NOMKSTREAM] [MAXLEN n|MINID id]` whatever the order of the calls.
    ///
    /// ```
    /// #[redlua::library(name = "doc_xadd_options")]
    /// mod audit {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function(nondeterministic)]
    ///     pub fn record(log: Key, user: String) -> Option<String> {
    ///         xadd_with(&log, "*", &[("user", &user)], XAddOptions::new().maxlen(2))
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// for user in ["a", "b", "c"] {
    ///     audit::record("log", user).call(&mut con).unwrap();
    /// }
    /// let len: i64 = redis::cmd("XLEN").arg("log").query(&mut con).unwrap();
    /// assert_eq!(len, 2);
    /// ```
    XAddOptions {
        /// `NOMKSTREAM`: do not create the stream (the reply is then `None`).
        ///
        /// ```
        /// #[redlua::library(name = "doc_xaddoptions_nomkstream")]
        /// mod opts {
        ///     use redlua::prelude::*;
        ///
        ///     #[redis_function(nondeterministic)]
        ///     pub fn log_if_open(log: Key, line: String) -> Option<String> {
        ///         xadd_with(&log, "*", &[("line", &line)], XAddOptions::new().nomkstream())
        ///     }
        /// }
        ///
        /// # let server = redlua::testing::TestServer::start().unwrap();
        /// # let mut con = server.connection().unwrap();
        /// assert_eq!(opts::log_if_open("log", "a").call(&mut con).unwrap(), None);
        /// let exists: bool = redis::cmd("EXISTS").arg("log").query(&mut con).unwrap();
        /// assert!(!exists);
        /// ```
        fn nomkstream() => ["NOMKSTREAM"];
        /// `MAXLEN n`: trim the stream to its last `n` entries.
        ///
        /// ```
        /// #[redlua::library(name = "doc_xaddoptions_maxlen")]
        /// mod opts {
        ///     use redlua::prelude::*;
        ///
        ///     #[redis_function(nondeterministic)]
        ///     pub fn log(log: Key, line: String) -> Option<String> {
        ///         xadd_with(&log, "*", &[("line", &line)], XAddOptions::new().maxlen(1))
        ///     }
        /// }
        ///
        /// # let server = redlua::testing::TestServer::start().unwrap();
        /// # let mut con = server.connection().unwrap();
        /// opts::log("log", "a").call(&mut con).unwrap();
        /// opts::log("log", "b").call(&mut con).unwrap();
        /// let len: i64 = redis::cmd("XLEN").arg("log").query(&mut con).unwrap();
        /// assert_eq!(len, 1);
        /// ```
        fn maxlen(len: i64) => ["MAXLEN"];
        /// `MINID id`: trim the entries with a smaller ID.
        ///
        /// ```
        /// #[redlua::library(name = "doc_xaddoptions_minid")]
        /// mod opts {
        ///     use redlua::prelude::*;
        ///
        ///     #[redis_function(nondeterministic)]
        ///     pub fn log(log: Key, id: String, oldest: String) -> Option<String> {
        ///         xadd_with(&log, &id, &[("line", "x")], XAddOptions::new().minid(&oldest))
        ///     }
        /// }
        ///
        /// # let server = redlua::testing::TestServer::start().unwrap();
        /// # let mut con = server.connection().unwrap();
        /// opts::log("log", "1-1", "0-0").call(&mut con).unwrap();
        /// opts::log("log", "5-1", "0-0").call(&mut con).unwrap();
        /// assert_eq!(opts::log("log", "9-1", "5-0").call(&mut con).unwrap().as_deref(), Some("9-1"));
        /// let len: i64 = redis::cmd("XLEN").arg("log").query(&mut con).unwrap();
        /// assert_eq!(len, 2); // 1-1 was trimmed
        /// ```
        fn minid(id: impl ToArg) => ["MINID"];
    }
}

// ---------------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------------

/// `GET key`: the value, or `None` when the key does not exist.
/// Write `get::<i64>(&k)`, `get::<f64>(&k)` or `get::<String>(&k)`.
///
/// ```
/// #[redlua::library(name = "doc_get")]
/// mod counters {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn read(counter: Key) -> Option<i64> {
///         get::<i64>(&counter)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SET").arg("hits").arg(41).exec(&mut con).unwrap();
/// assert_eq!(counters::read("hits").call(&mut con).unwrap(), Some(41));
/// assert_eq!(counters::read("missing").call(&mut con).unwrap(), None);
/// // The native twin runs the same body from the client.
/// assert_eq!(redlua::twin::run(&mut con, || counters::twin::read("hits".into())), Some(41));
/// ```
pub fn get<T: FromBulk>(key: impl Borrow<Key>) -> Option<T> {
    Req::new("GET").key(key).send().optional()
}

/// `SET key value`.
///
/// ```
/// #[redlua::library(name = "doc_set")]
/// mod config {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn put(k: Key, value: String) {
///         set(&k, &value);
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// config::put("mode", "fast").call(&mut con).unwrap();
/// let mode: String = redis::cmd("GET").arg("mode").query(&mut con).unwrap();
/// assert_eq!(mode, "fast");
/// redlua::twin::run(&mut con, || config::twin::put("mode".into(), "slow".into()));
/// let mode: String = redis::cmd("GET").arg("mode").query(&mut con).unwrap();
/// assert_eq!(mode, "slow");
/// ```
pub fn set(key: impl Borrow<Key>, value: impl ToArg) {
    Req::new("SET").key(key).arg(value).send().unit()
}

/// `SET key value [options]`: true when the value was set (false when `NX`/`XX`
/// prevented it).
///
/// ```
/// #[redlua::library(name = "doc_set_with")]
/// mod locks {
///     use redlua::prelude::*;
///
///     /// Takes the lock for 30 seconds if nobody holds it.
///     #[redis_function]
///     pub fn acquire(lock: Key, owner: String) -> bool {
///         set_with(&lock, &owner, SetOptions::new().nx().ex(30))
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert!(locks::acquire("lock", "ann").call(&mut con).unwrap());
/// assert!(!locks::acquire("lock", "bob").call(&mut con).unwrap());
/// assert!(!redlua::twin::run(&mut con, || locks::twin::acquire("lock".into(), "bob".into())));
/// let ttl: i64 = redis::cmd("TTL").arg("lock").query(&mut con).unwrap();
/// assert!(ttl > 0 && ttl <= 30);
/// ```
pub fn set_with(key: impl Borrow<Key>, value: impl ToArg, options: SetOptions) -> bool {
    Req::new("SET").key(key).arg(value).options(&options.words).send().ok_or_nil()
}

/// `SET key value [options] GET`: the previous value, or `None`.
///
/// ```
/// #[redlua::library(name = "doc_set_get")]
/// mod config {
///     use redlua::prelude::*;
///
///     /// Sets the value, returning the previous one.
///     #[redis_function]
///     pub fn swap(k: Key, value: String) -> Option<String> {
///         set_get(&k, &value, SetOptions::new())
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert_eq!(config::swap("mode", "fast").call(&mut con).unwrap(), None);
/// assert_eq!(config::swap("mode", "slow").call(&mut con).unwrap().as_deref(), Some("fast"));
/// let twin = redlua::twin::run(&mut con, || config::twin::swap("mode".into(), "off".into()));
/// assert_eq!(twin.as_deref(), Some("slow"));
/// ```
pub fn set_get(key: impl Borrow<Key>, value: impl ToArg, options: SetOptions) -> Option<String> {
    Req::new("SET").key(key).arg(value).options(&options.words).word("GET").send().optional_string()
}

/// `SETNX key value`: true when the key was set (it did not exist).
///
/// ```
/// #[redlua::library(name = "doc_setnx")]
/// mod once {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn claim(k: Key, owner: String) -> bool {
///         setnx(&k, &owner)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert!(once::claim("job:1", "ann").call(&mut con).unwrap());
/// assert!(!once::claim("job:1", "bob").call(&mut con).unwrap());
/// assert!(!redlua::twin::run(&mut con, || once::twin::claim("job:1".into(), "bob".into())));
/// ```
pub fn setnx(key: impl Borrow<Key>, value: impl ToArg) -> bool {
    Req::new("SETNX").key(key).arg(value).send().flag()
}

/// `GETSET key value`: the previous value, or `None`.
///
/// ```
/// #[redlua::library(name = "doc_getset")]
/// mod config {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn replace(k: Key, value: String) -> Option<String> {
///         getset(&k, &value)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert_eq!(config::replace("mode", "a").call(&mut con).unwrap(), None);
/// assert_eq!(config::replace("mode", "b").call(&mut con).unwrap().as_deref(), Some("a"));
/// let twin = redlua::twin::run(&mut con, || config::twin::replace("mode".into(), "c".into()));
/// assert_eq!(twin.as_deref(), Some("b"));
/// ```
pub fn getset(key: impl Borrow<Key>, value: impl ToArg) -> Option<String> {
    Req::new("GETSET").key(key).arg(value).send().optional_string()
}

/// `GETDEL key`: the value, deleting the key; `None` when it did not exist.
///
/// ```
/// #[redlua::library(name = "doc_getdel")]
/// mod tokens {
///     use redlua::prelude::*;
///
///     /// A one-time token: read and deleted.
///     #[redis_function]
///     pub fn redeem(token: Key) -> Option<String> {
///         getdel(&token)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SET").arg("token").arg("ann").exec(&mut con).unwrap();
/// assert_eq!(tokens::redeem("token").call(&mut con).unwrap().as_deref(), Some("ann"));
/// assert_eq!(tokens::redeem("token").call(&mut con).unwrap(), None);
/// assert_eq!(redlua::twin::run(&mut con, || tokens::twin::redeem("token".into())), None);
/// ```
pub fn getdel(key: impl Borrow<Key>) -> Option<String> {
    Req::new("GETDEL").key(key).send().optional_string()
}

/// `GETEX key [options]`: the value, changing the key's expiry; `None` when the key
/// does not exist.
///
/// ```
/// #[redlua::library(name = "doc_getex")]
/// mod sessions {
///     use redlua::prelude::*;
///
///     /// Reads a session and extends it by an hour.
///     #[redis_function]
///     pub fn touch(session: Key) -> Option<String> {
///         getex(&session, GetExOptions::new().ex(3600))
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SET").arg("s").arg("ann").arg("EX").arg(60).exec(&mut con).unwrap();
/// assert_eq!(sessions::touch("s").call(&mut con).unwrap().as_deref(), Some("ann"));
/// let ttl: i64 = redis::cmd("TTL").arg("s").query(&mut con).unwrap();
/// assert!(ttl > 60);
/// assert_eq!(redlua::twin::run(&mut con, || sessions::twin::touch("none".into())), None);
/// ```
pub fn getex(key: impl Borrow<Key>, options: GetExOptions) -> Option<String> {
    Req::new("GETEX").key(key).options(&options.words).send().optional_string()
}

/// `MGET key [key ...]`: the values, `None` for missing keys.
///
/// ```
/// #[redlua::library(name = "doc_mget")]
/// mod profiles {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn names(a: Key, b: Key) -> Vec<Option<String>> {
///         mget(&[&a, &b])
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SET").arg("name:1").arg("ann").exec(&mut con).unwrap();
/// let names = profiles::names("name:1", "name:2").call(&mut con).unwrap();
/// assert_eq!(names, [Some("ann".to_string()), None]);
/// let twin = redlua::twin::run(&mut con, || profiles::twin::names("name:1".into(), "name:2".into()));
/// assert_eq!(twin, names);
/// ```
pub fn mget(keys: impl ToKeys) -> Vec<Option<String>> {
    Req::new("MGET").keys(keys).send().vec_opt_string()
}

/// `MSET key value [key value ...]`.
///
/// ```
/// #[redlua::library(name = "doc_mset")]
/// mod pairs {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn both(a: Key, b: Key, n: i64) {
///         mset(&[(&a, n), (&b, n + 1)]);
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// pairs::both("a", "b", 1).call(&mut con).unwrap();
/// let values: Vec<i64> = redis::cmd("MGET").arg("a").arg("b").query(&mut con).unwrap();
/// assert_eq!(values, [1, 2]);
/// redlua::twin::run(&mut con, || pairs::twin::both("a".into(), "b".into(), 10));
/// let values: Vec<i64> = redis::cmd("MGET").arg("a").arg("b").query(&mut con).unwrap();
/// assert_eq!(values, [10, 11]);
/// ```
pub fn mset(pairs: impl ToKeyValues) {
    Req::new("MSET").key_values(pairs).send().unit()
}

/// `INCR key`: the new value.
///
/// ```
/// #[redlua::library(name = "doc_incr")]
/// mod counters {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn bump(counter: Key) -> i64 {
///         incr(&counter)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert_eq!(counters::bump("hits").call(&mut con).unwrap(), 1);
/// assert_eq!(counters::bump("hits").call(&mut con).unwrap(), 2);
/// assert_eq!(redlua::twin::run(&mut con, || counters::twin::bump("hits".into())), 3);
/// ```
pub fn incr(key: impl Borrow<Key>) -> i64 {
    Req::new("INCR").key(key).send().int()
}

/// `INCRBY key n`: the new value.
///
/// ```
/// #[redlua::library(name = "doc_incr_by")]
/// mod counters {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn add(counter: Key, n: i64) -> i64 {
///         incr_by(&counter, n)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert_eq!(counters::add("hits", 5).call(&mut con).unwrap(), 5);
/// assert_eq!(redlua::twin::run(&mut con, || counters::twin::add("hits".into(), -2)), 3);
/// ```
pub fn incr_by(key: impl Borrow<Key>, n: i64) -> i64 {
    Req::new("INCRBY").key(key).arg(n).send().int()
}

/// `INCRBYFLOAT key x`: the new value.
///
/// ```
/// #[redlua::library(name = "doc_incr_by_float")]
/// mod meters {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn add(meter: Key, x: f64) -> f64 {
///         incr_by_float(&meter, x)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert_eq!(meters::add("kwh", 1.5).call(&mut con).unwrap(), 1.5);
/// assert_eq!(redlua::twin::run(&mut con, || meters::twin::add("kwh".into(), 0.25)), 1.75);
/// ```
pub fn incr_by_float(key: impl Borrow<Key>, x: f64) -> f64 {
    Req::new("INCRBYFLOAT").key(key).arg(x).send().float()
}

/// `DECR key`: the new value.
///
/// ```
/// #[redlua::library(name = "doc_decr")]
/// mod stock {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn take_one(item: Key) -> i64 {
///         decr(&item)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SET").arg("apples").arg(3).exec(&mut con).unwrap();
/// assert_eq!(stock::take_one("apples").call(&mut con).unwrap(), 2);
/// assert_eq!(redlua::twin::run(&mut con, || stock::twin::take_one("apples".into())), 1);
/// ```
pub fn decr(key: impl Borrow<Key>) -> i64 {
    Req::new("DECR").key(key).send().int()
}

/// `DECRBY key n`: the new value.
///
/// ```
/// #[redlua::library(name = "doc_decr_by")]
/// mod stock {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn take(item: Key, n: i64) -> i64 {
///         decr_by(&item, n)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SET").arg("apples").arg(10).exec(&mut con).unwrap();
/// assert_eq!(stock::take("apples", 4).call(&mut con).unwrap(), 6);
/// assert_eq!(redlua::twin::run(&mut con, || stock::twin::take("apples".into(), 6)), 0);
/// ```
pub fn decr_by(key: impl Borrow<Key>, n: i64) -> i64 {
    Req::new("DECRBY").key(key).arg(n).send().int()
}

/// `APPEND key value`: the length of the string after the append.
///
/// ```
/// #[redlua::library(name = "doc_append")]
/// mod logs {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn log(k: Key, line: String) -> i64 {
///         append(&k, &line)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert_eq!(logs::log("log", "abc").call(&mut con).unwrap(), 3);
/// assert_eq!(redlua::twin::run(&mut con, || logs::twin::log("log".into(), "de".into())), 5);
/// let log: String = redis::cmd("GET").arg("log").query(&mut con).unwrap();
/// assert_eq!(log, "abcde");
/// ```
pub fn append(key: impl Borrow<Key>, value: impl ToArg) -> i64 {
    Req::new("APPEND").key(key).arg(value).send().count()
}

/// `STRLEN key`: the length of the string in bytes (0 when the key does not exist).
///
/// ```
/// #[redlua::library(name = "doc_strlen")]
/// mod texts {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn size(k: Key) -> i64 {
///         strlen(&k)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SET").arg("t").arg("héllo").exec(&mut con).unwrap();
/// assert_eq!(texts::size("t").call(&mut con).unwrap(), 6); // bytes
/// assert_eq!(redlua::twin::run(&mut con, || texts::twin::size("none".into())), 0);
/// ```
pub fn strlen(key: impl Borrow<Key>) -> i64 {
    Req::new("STRLEN").key(key).send().count()
}

// ---------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------

/// `DEL key [key ...]`: how many keys were removed.
///
/// ```
/// #[redlua::library(name = "doc_del")]
/// mod cleanup {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn remove(keys: Vec<Key>) -> i64 {
///         del(&keys)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("MSET").arg("a").arg(1).arg("b").arg(2).exec(&mut con).unwrap();
/// assert_eq!(cleanup::remove(["a", "b", "c"]).call(&mut con).unwrap(), 2);
/// redis::cmd("SET").arg("c").arg(3).exec(&mut con).unwrap();
/// assert_eq!(redlua::twin::run(&mut con, || cleanup::twin::remove(vec!["c".into()])), 1);
/// ```
pub fn del(keys: impl ToKeys) -> i64 {
    Req::new("DEL").keys(keys).send().count()
}

/// `UNLINK key [key ...]`: how many keys were removed.
///
/// ```
/// #[redlua::library(name = "doc_unlink")]
/// mod cleanup {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn drop_both(a: Key, b: Key) -> i64 {
///         unlink(&[&a, &b])
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SET").arg("a").arg(1).exec(&mut con).unwrap();
/// assert_eq!(cleanup::drop_both("a", "b").call(&mut con).unwrap(), 1);
/// assert_eq!(redlua::twin::run(&mut con, || cleanup::twin::drop_both("a".into(), "b".into())), 0);
/// ```
pub fn unlink(keys: impl ToKeys) -> i64 {
    Req::new("UNLINK").keys(keys).send().count()
}

/// `EXISTS key`: true when the key exists.
///
/// ```
/// #[redlua::library(name = "doc_exists")]
/// mod checks {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn present(k: Key) -> bool {
///         exists(&k)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SET").arg("a").arg(1).exec(&mut con).unwrap();
/// assert!(checks::present("a").call(&mut con).unwrap());
/// assert!(!checks::present("b").call(&mut con).unwrap());
/// assert!(redlua::twin::run(&mut con, || checks::twin::present("a".into())));
/// ```
pub fn exists(key: impl Borrow<Key>) -> bool {
    Req::new("EXISTS").key(key).send().flag()
}

/// `EXISTS key [key ...]`: how many of the keys exist (a key named twice counts twice).
///
/// ```
/// #[redlua::library(name = "doc_exists_count")]
/// mod checks {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn how_many(keys: Vec<Key>) -> i64 {
///         exists_count(&keys)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SET").arg("a").arg(1).exec(&mut con).unwrap();
/// assert_eq!(checks::how_many(["a", "b", "a"]).call(&mut con).unwrap(), 2);
/// let twin = redlua::twin::run(&mut con, || checks::twin::how_many(vec!["a".into(), "b".into()]));
/// assert_eq!(twin, 1);
/// ```
pub fn exists_count(keys: impl ToKeys) -> i64 {
    Req::new("EXISTS").keys(keys).send().count()
}

/// `EXPIRE key seconds`: true when the timeout was set.
///
/// ```
/// #[redlua::library(name = "doc_expire")]
/// mod ttls {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn limit(k: Key, t: i64) -> bool {
///         expire(&k, t)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SET").arg("a").arg(1).exec(&mut con).unwrap();
/// assert!(ttls::limit("a", 60).call(&mut con).unwrap());
/// assert!(!ttls::limit("missing", 60).call(&mut con).unwrap());
/// assert!(redlua::twin::run(&mut con, || ttls::twin::limit("a".into(), 60)));
/// let ttl: i64 = redis::cmd("TTL").arg("a").query(&mut con).unwrap();
/// assert!(ttl > 0 && ttl <= 60);
/// ```
pub fn expire(key: impl Borrow<Key>, seconds: i64) -> bool {
    Req::new("EXPIRE").key(key).arg(seconds).send().flag()
}

/// `PEXPIRE key milliseconds`: true when the timeout was set.
///
/// ```
/// #[redlua::library(name = "doc_pexpire")]
/// mod ttls {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn limit(k: Key, t: i64) -> bool {
///         pexpire(&k, t)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SET").arg("a").arg(1).exec(&mut con).unwrap();
/// assert!(ttls::limit("a", 1500).call(&mut con).unwrap());
/// assert!(!ttls::limit("missing", 1500).call(&mut con).unwrap());
/// assert!(redlua::twin::run(&mut con, || ttls::twin::limit("a".into(), 1500)));
/// let pttl: i64 = redis::cmd("PTTL").arg("a").query(&mut con).unwrap();
/// assert!(pttl > 0 && pttl <= 1500);
/// ```
pub fn pexpire(key: impl Borrow<Key>, millis: i64) -> bool {
    Req::new("PEXPIRE").key(key).arg(millis).send().flag()
}

/// `EXPIREAT key unix-seconds`: true when the timeout was set.
///
/// ```
/// #[redlua::library(name = "doc_expire_at")]
/// mod ttls {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn limit(k: Key, t: i64) -> bool {
///         expire_at(&k, t)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SET").arg("a").arg(1).exec(&mut con).unwrap();
/// assert!(ttls::limit("a", 4102444800).call(&mut con).unwrap());
/// assert!(!ttls::limit("missing", 4102444800).call(&mut con).unwrap());
/// assert!(redlua::twin::run(&mut con, || ttls::twin::limit("a".into(), 4102444800)));
/// let at: i64 = redis::cmd("EXPIRETIME").arg("a").query(&mut con).unwrap();
/// assert_eq!(at, 4102444800); // 2100-01-01
/// ```
pub fn expire_at(key: impl Borrow<Key>, unix_seconds: i64) -> bool {
    Req::new("EXPIREAT").key(key).arg(unix_seconds).send().flag()
}

/// `PEXPIREAT key unix-milliseconds`: true when the timeout was set.
///
/// ```
/// #[redlua::library(name = "doc_pexpire_at")]
/// mod ttls {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn limit(k: Key, t: i64) -> bool {
///         pexpire_at(&k, t)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SET").arg("a").arg(1).exec(&mut con).unwrap();
/// assert!(ttls::limit("a", 4102444800000).call(&mut con).unwrap());
/// assert!(!ttls::limit("missing", 4102444800000).call(&mut con).unwrap());
/// assert!(redlua::twin::run(&mut con, || ttls::twin::limit("a".into(), 4102444800000)));
/// let at: i64 = redis::cmd("PEXPIRETIME").arg("a").query(&mut con).unwrap();
/// assert_eq!(at, 4102444800000);
/// ```
pub fn pexpire_at(key: impl Borrow<Key>, unix_millis: i64) -> bool {
    Req::new("PEXPIREAT").key(key).arg(unix_millis).send().flag()
}

/// `TTL key`: the seconds left, -1 without expiry, -2 when the key does not exist.
/// Nondeterministic: the function needs `#[redis_function(nondeterministic)]`.
///
/// ```
/// #[redlua::library(name = "doc_ttl")]
/// mod ttls {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only, nondeterministic)]
///     pub fn left(k: Key) -> i64 {
///         ttl(&k)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SET").arg("a").arg(1).arg("EX").arg(100).exec(&mut con).unwrap();
/// redis::cmd("SET").arg("b").arg(1).exec(&mut con).unwrap();
/// let left = ttls::left("a").call(&mut con).unwrap();
/// assert!(left > 0 && left <= 100);
/// assert_eq!(ttls::left("b").call(&mut con).unwrap(), -1);
/// assert_eq!(redlua::twin::run(&mut con, || ttls::twin::left("missing".into())), -2);
/// ```
pub fn ttl(key: impl Borrow<Key>) -> i64 {
    Req::new("TTL").key(key).send().int()
}

/// `PTTL key`: the milliseconds left, -1 without expiry, -2 when the key does not
/// exist. Nondeterministic: the function needs `#[redis_function(nondeterministic)]`.
///
/// ```
/// #[redlua::library(name = "doc_pttl")]
/// mod ttls {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only, nondeterministic)]
///     pub fn left_ms(k: Key) -> i64 {
///         pttl(&k)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SET").arg("a").arg(1).arg("PX").arg(5000).exec(&mut con).unwrap();
/// let left = ttls::left_ms("a").call(&mut con).unwrap();
/// assert!(left > 0 && left <= 5000);
/// assert_eq!(redlua::twin::run(&mut con, || ttls::twin::left_ms("missing".into())), -2);
/// ```
pub fn pttl(key: impl Borrow<Key>) -> i64 {
    Req::new("PTTL").key(key).send().int()
}

/// `PERSIST key`: true when a timeout was removed.
///
/// ```
/// #[redlua::library(name = "doc_persist")]
/// mod ttls {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn keep(k: Key) -> bool {
///         persist(&k)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SET").arg("a").arg(1).arg("EX").arg(100).exec(&mut con).unwrap();
/// assert!(ttls::keep("a").call(&mut con).unwrap());
/// assert!(!redlua::twin::run(&mut con, || ttls::twin::keep("a".into()))); // no timeout left
/// let ttl: i64 = redis::cmd("TTL").arg("a").query(&mut con).unwrap();
/// assert_eq!(ttl, -1);
/// ```
pub fn persist(key: impl Borrow<Key>) -> bool {
    Req::new("PERSIST").key(key).send().flag()
}

/// `TYPE key`: `"string"`, `"list"`, `"set"`, `"zset"`, `"hash"`, `"stream"`, or
/// `"none"` when the key does not exist.
///
/// ```
/// #[redlua::library(name = "doc_key_type")]
/// mod types {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn kind(k: Key) -> String {
///         key_type(&k)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("RPUSH").arg("l").arg("x").exec(&mut con).unwrap();
/// assert_eq!(types::kind("l").call(&mut con).unwrap(), "list");
/// assert_eq!(redlua::twin::run(&mut con, || types::twin::kind("missing".into())), "none");
/// ```
pub fn key_type(key: impl Borrow<Key>) -> String {
    Req::new("TYPE").key(key).send().status()
}

// ---------------------------------------------------------------------------------
// Hashes
// ---------------------------------------------------------------------------------

/// `HGET key field`: the field's value, or `None`.
/// Write `hget::<i64>(..)`, `hget::<f64>(..)` or `hget::<String>(..)`.
///
/// ```
/// #[redlua::library(name = "doc_hget")]
/// mod users {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn age(user: Key) -> Option<i64> {
///         hget::<i64>(&user, "age")
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("HSET").arg("user:1").arg("age").arg(42).exec(&mut con).unwrap();
/// assert_eq!(users::age("user:1").call(&mut con).unwrap(), Some(42));
/// assert_eq!(users::age("user:2").call(&mut con).unwrap(), None);
/// assert_eq!(redlua::twin::run(&mut con, || users::twin::age("user:1".into())), Some(42));
/// ```
pub fn hget<T: FromBulk>(key: impl Borrow<Key>, field: impl ToArg) -> Option<T> {
    Req::new("HGET").key(key).arg(field).send().optional()
}

/// `HSET key field value`: how many fields were added (0 when it was updated).
///
/// ```
/// #[redlua::library(name = "doc_hset")]
/// mod users {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn rename(user: Key, name: String) -> i64 {
///         hset(&user, "name", &name)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert_eq!(users::rename("user:1", "ann").call(&mut con).unwrap(), 1); // added
/// assert_eq!(redlua::twin::run(&mut con, || users::twin::rename("user:1".into(), "bo".into())), 0); // updated
/// let name: String = redis::cmd("HGET").arg("user:1").arg("name").query(&mut con).unwrap();
/// assert_eq!(name, "bo");
/// ```
pub fn hset(key: impl Borrow<Key>, field: impl ToArg, value: impl ToArg) -> i64 {
    Req::new("HSET").key(key).arg(field).arg(value).send().count()
}

/// `HSET key field value [field value ...]`: how many fields were added.
///
/// ```
/// #[redlua::library(name = "doc_hset_many")]
/// mod users {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn create(user: Key, name: String, age: i64) -> i64 {
///         hset_many(&user, &[("name", name), ("age", age.to_string())])
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert_eq!(users::create("user:1", "ann", 42).call(&mut con).unwrap(), 2);
/// assert_eq!(redlua::twin::run(&mut con, || users::twin::create("user:2".into(), "bo".into(), 7)), 2);
/// let age: i64 = redis::cmd("HGET").arg("user:2").arg("age").query(&mut con).unwrap();
/// assert_eq!(age, 7);
/// ```
pub fn hset_many(key: impl Borrow<Key>, pairs: impl ToPairs) -> i64 {
    Req::new("HSET").key(key).pairs(pairs).send().count()
}

/// `HSETNX key field value`: true when the field was set (it did not exist).
///
/// ```
/// #[redlua::library(name = "doc_hsetnx")]
/// mod users {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn first_seen(user: Key, day: String) -> bool {
///         hsetnx(&user, "first_seen", &day)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert!(users::first_seen("user:1", "mon").call(&mut con).unwrap());
/// assert!(!redlua::twin::run(&mut con, || users::twin::first_seen("user:1".into(), "tue".into())));
/// let day: String = redis::cmd("HGET").arg("user:1").arg("first_seen").query(&mut con).unwrap();
/// assert_eq!(day, "mon");
/// ```
pub fn hsetnx(key: impl Borrow<Key>, field: impl ToArg, value: impl ToArg) -> bool {
    Req::new("HSETNX").key(key).arg(field).arg(value).send().flag()
}

/// `HMGET key field [field ...]`: the values, `None` for missing fields.
///
/// ```
/// #[redlua::library(name = "doc_hmget")]
/// mod users {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn card(user: Key) -> Vec<Option<String>> {
///         hmget(&user, &["name", "email"])
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("HSET").arg("user:1").arg("name").arg("ann").exec(&mut con).unwrap();
/// let card = users::card("user:1").call(&mut con).unwrap();
/// assert_eq!(card, [Some("ann".to_string()), None]);
/// assert_eq!(redlua::twin::run(&mut con, || users::twin::card("user:1".into())), card);
/// ```
pub fn hmget(key: impl Borrow<Key>, fields: impl ToArgs) -> Vec<Option<String>> {
    Req::new("HMGET").key(key).args(fields).send().vec_opt_string()
}

/// `HGETALL key`: the fields and their values (empty when the key does not exist).
///
/// ```
/// #[redlua::library(name = "doc_hgetall")]
/// mod users {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn fields(user: Key) -> Vec<(String, String)> {
///         hgetall(&user)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("HSET").arg("user:1").arg("name").arg("ann").exec(&mut con).unwrap();
/// let fields = users::fields("user:1").call(&mut con).unwrap();
/// assert_eq!(fields, [("name".to_string(), "ann".to_string())]);
/// assert!(redlua::twin::run(&mut con, || users::twin::fields("user:2".into())).is_empty());
/// ```
pub fn hgetall(key: impl Borrow<Key>) -> Vec<(String, String)> {
    Req::new("HGETALL").key(key).send().pairs_string()
}

/// `HDEL key field [field ...]`: how many fields were removed.
///
/// ```
/// #[redlua::library(name = "doc_hdel")]
/// mod users {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn forget(user: Key) -> i64 {
///         hdel(&user, &["email", "phone"])
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("HSET").arg("user:1").arg("email").arg("a@b").arg("name").arg("ann").exec(&mut con).unwrap();
/// assert_eq!(users::forget("user:1").call(&mut con).unwrap(), 1);
/// assert_eq!(redlua::twin::run(&mut con, || users::twin::forget("user:1".into())), 0);
/// ```
pub fn hdel(key: impl Borrow<Key>, fields: impl ToArgs) -> i64 {
    Req::new("HDEL").key(key).args(fields).send().count()
}

/// `HEXISTS key field`: true when the field exists.
///
/// ```
/// #[redlua::library(name = "doc_hexists")]
/// mod users {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn has_email(user: Key) -> bool {
///         hexists(&user, "email")
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("HSET").arg("user:1").arg("email").arg("a@b").exec(&mut con).unwrap();
/// assert!(users::has_email("user:1").call(&mut con).unwrap());
/// assert!(!redlua::twin::run(&mut con, || users::twin::has_email("user:2".into())));
/// ```
pub fn hexists(key: impl Borrow<Key>, field: impl ToArg) -> bool {
    Req::new("HEXISTS").key(key).arg(field).send().flag()
}

/// `HINCRBY key field n`: the field's new value.
///
/// ```
/// #[redlua::library(name = "doc_hincr_by")]
/// mod stats {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn count(stats: Key, event: String) -> i64 {
///         hincr_by(&stats, &event, 1)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert_eq!(stats::count("stats", "click").call(&mut con).unwrap(), 1);
/// assert_eq!(redlua::twin::run(&mut con, || stats::twin::count("stats".into(), "click".into())), 2);
/// ```
pub fn hincr_by(key: impl Borrow<Key>, field: impl ToArg, n: i64) -> i64 {
    Req::new("HINCRBY").key(key).arg(field).arg(n).send().int()
}

/// `HINCRBYFLOAT key field x`: the field's new value.
///
/// ```
/// #[redlua::library(name = "doc_hincr_by_float")]
/// mod stats {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn spend(wallet: Key, amount: f64) -> f64 {
///         hincr_by_float(&wallet, "spent", amount)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert_eq!(stats::spend("w", 2.5).call(&mut con).unwrap(), 2.5);
/// assert_eq!(redlua::twin::run(&mut con, || stats::twin::spend("w".into(), 0.5)), 3.0);
/// ```
pub fn hincr_by_float(key: impl Borrow<Key>, field: impl ToArg, x: f64) -> f64 {
    Req::new("HINCRBYFLOAT").key(key).arg(field).arg(x).send().float()
}

/// `HLEN key`: the number of fields.
///
/// ```
/// #[redlua::library(name = "doc_hlen")]
/// mod users {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn field_count(user: Key) -> i64 {
///         hlen(&user)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("HSET").arg("user:1").arg("a").arg(1).arg("b").arg(2).exec(&mut con).unwrap();
/// assert_eq!(users::field_count("user:1").call(&mut con).unwrap(), 2);
/// assert_eq!(redlua::twin::run(&mut con, || users::twin::field_count("user:2".into())), 0);
/// ```
pub fn hlen(key: impl Borrow<Key>) -> i64 {
    Req::new("HLEN").key(key).send().count()
}

/// `HKEYS key`: the field names.
///
/// ```
/// #[redlua::library(name = "doc_hkeys")]
/// mod users {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn field_names(user: Key) -> Vec<String> {
///         hkeys(&user)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("HSET").arg("user:1").arg("name").arg("ann").exec(&mut con).unwrap();
/// assert_eq!(users::field_names("user:1").call(&mut con).unwrap(), ["name"]);
/// assert_eq!(redlua::twin::run(&mut con, || users::twin::field_names("user:1".into())), ["name"]);
/// ```
pub fn hkeys(key: impl Borrow<Key>) -> Vec<String> {
    Req::new("HKEYS").key(key).send().vec_string()
}

/// `HVALS key`: the values.
///
/// ```
/// #[redlua::library(name = "doc_hvals")]
/// mod users {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn values(user: Key) -> Vec<String> {
///         hvals(&user)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("HSET").arg("user:1").arg("name").arg("ann").exec(&mut con).unwrap();
/// assert_eq!(users::values("user:1").call(&mut con).unwrap(), ["ann"]);
/// assert_eq!(redlua::twin::run(&mut con, || users::twin::values("user:1".into())), ["ann"]);
/// ```
pub fn hvals(key: impl Borrow<Key>) -> Vec<String> {
    Req::new("HVALS").key(key).send().vec_string()
}

// ---------------------------------------------------------------------------------
// Lists
// ---------------------------------------------------------------------------------

/// `LPUSH key value [value ...]`: the length of the list after the push.
///
/// ```
/// #[redlua::library(name = "doc_lpush")]
/// mod stack {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn push(stack: Key, item: String) -> i64 {
///         lpush(&stack, &item)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert_eq!(stack::push("s", "a").call(&mut con).unwrap(), 1);
/// assert_eq!(redlua::twin::run(&mut con, || stack::twin::push("s".into(), "b".into())), 2);
/// let items: Vec<String> = redis::cmd("LRANGE").arg("s").arg(0).arg(-1).query(&mut con).unwrap();
/// assert_eq!(items, ["b", "a"]);
/// ```
pub fn lpush(key: impl Borrow<Key>, values: impl ToArgs) -> i64 {
    Req::new("LPUSH").key(key).args(values).send().count()
}

/// `RPUSH key value [value ...]`: the length of the list after the push.
///
/// ```
/// #[redlua::library(name = "doc_rpush")]
/// mod queue {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn push_all(queue: Key, jobs: Vec<String>) -> i64 {
///         rpush(&queue, &jobs)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert_eq!(queue::push_all("q", ["a", "b"]).call(&mut con).unwrap(), 2);
/// assert_eq!(redlua::twin::run(&mut con, || queue::twin::push_all("q".into(), vec!["c".into()])), 3);
/// let jobs: Vec<String> = redis::cmd("LRANGE").arg("q").arg(0).arg(-1).query(&mut con).unwrap();
/// assert_eq!(jobs, ["a", "b", "c"]);
/// ```
pub fn rpush(key: impl Borrow<Key>, values: impl ToArgs) -> i64 {
    Req::new("RPUSH").key(key).args(values).send().count()
}

/// `LPOP key`: the first element, or `None` when the list is empty.
///
/// ```
/// #[redlua::library(name = "doc_lpop")]
/// mod queue {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn next(queue: Key) -> Option<String> {
///         lpop(&queue)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("RPUSH").arg("q").arg("a").arg("b").exec(&mut con).unwrap();
/// assert_eq!(queue::next("q").call(&mut con).unwrap().as_deref(), Some("a"));
/// assert_eq!(redlua::twin::run(&mut con, || queue::twin::next("q".into())).as_deref(), Some("b"));
/// assert_eq!(queue::next("q").call(&mut con).unwrap(), None);
/// ```
pub fn lpop(key: impl Borrow<Key>) -> Option<String> {
    Req::new("LPOP").key(key).send().optional_string()
}

/// `RPOP key`: the last element, or `None` when the list is empty.
///
/// ```
/// #[redlua::library(name = "doc_rpop")]
/// mod stack {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn pop(stack: Key) -> Option<String> {
///         rpop(&stack)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("RPUSH").arg("s").arg("a").arg("b").exec(&mut con).unwrap();
/// assert_eq!(stack::pop("s").call(&mut con).unwrap().as_deref(), Some("b"));
/// assert_eq!(redlua::twin::run(&mut con, || stack::twin::pop("s".into())).as_deref(), Some("a"));
/// assert_eq!(stack::pop("s").call(&mut con).unwrap(), None);
/// ```
pub fn rpop(key: impl Borrow<Key>) -> Option<String> {
    Req::new("RPOP").key(key).send().optional_string()
}

/// `LPOP key count`: up to `count` elements from the head, or `None` when the key
/// does not exist.
///
/// ```
/// #[redlua::library(name = "doc_lpop_count")]
/// mod queue {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn batch(queue: Key, n: i64) -> Option<Vec<String>> {
///         lpop_count(&queue, n)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("RPUSH").arg("q").arg("a").arg("b").arg("c").exec(&mut con).unwrap();
/// assert_eq!(queue::batch("q", 2).call(&mut con).unwrap(), Some(vec!["a".to_string(), "b".to_string()]));
/// assert_eq!(redlua::twin::run(&mut con, || queue::twin::batch("q".into(), 5)), Some(vec!["c".to_string()]));
/// assert_eq!(queue::batch("q", 2).call(&mut con).unwrap(), None);
/// ```
pub fn lpop_count(key: impl Borrow<Key>, count: i64) -> Option<Vec<String>> {
    Req::new("LPOP").key(key).arg(count).send().optional_vec_string()
}

/// `RPOP key count`: up to `count` elements from the tail, or `None` when the key
/// does not exist.
///
/// ```
/// #[redlua::library(name = "doc_rpop_count")]
/// mod stack {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn pop_many(stack: Key, n: i64) -> Option<Vec<String>> {
///         rpop_count(&stack, n)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("RPUSH").arg("s").arg("a").arg("b").arg("c").exec(&mut con).unwrap();
/// assert_eq!(stack::pop_many("s", 2).call(&mut con).unwrap(), Some(vec!["c".to_string(), "b".to_string()]));
/// assert_eq!(redlua::twin::run(&mut con, || stack::twin::pop_many("s".into(), 2)), Some(vec!["a".to_string()]));
/// assert_eq!(stack::pop_many("s", 1).call(&mut con).unwrap(), None);
/// ```
pub fn rpop_count(key: impl Borrow<Key>, count: i64) -> Option<Vec<String>> {
    Req::new("RPOP").key(key).arg(count).send().optional_vec_string()
}

/// `LRANGE key start stop`: the elements from `start` to `stop` included (negative
/// indexes count from the end).
///
/// ```
/// #[redlua::library(name = "doc_lrange")]
/// mod feed {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn latest(feed: Key, n: i64) -> Vec<String> {
///         lrange(&feed, 0, n - 1)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("RPUSH").arg("f").arg("a").arg("b").arg("c").exec(&mut con).unwrap();
/// assert_eq!(feed::latest("f", 2).call(&mut con).unwrap(), ["a", "b"]);
/// assert_eq!(redlua::twin::run(&mut con, || feed::twin::latest("f".into(), 5)), ["a", "b", "c"]);
/// ```
pub fn lrange(key: impl Borrow<Key>, start: i64, stop: i64) -> Vec<String> {
    Req::new("LRANGE").key(key).arg(start).arg(stop).send().vec_string()
}

/// `LLEN key`: the length of the list.
///
/// ```
/// #[redlua::library(name = "doc_llen")]
/// mod queue {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn depth(queue: Key) -> i64 {
///         llen(&queue)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("RPUSH").arg("q").arg("a").arg("b").exec(&mut con).unwrap();
/// assert_eq!(queue::depth("q").call(&mut con).unwrap(), 2);
/// assert_eq!(redlua::twin::run(&mut con, || queue::twin::depth("none".into())), 0);
/// ```
pub fn llen(key: impl Borrow<Key>) -> i64 {
    Req::new("LLEN").key(key).send().count()
}

/// `LINDEX key index`: the element at `index`, or `None` when out of range.
///
/// ```
/// #[redlua::library(name = "doc_lindex")]
/// mod queue {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn last(queue: Key) -> Option<String> {
///         lindex(&queue, -1)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("RPUSH").arg("q").arg("a").arg("b").exec(&mut con).unwrap();
/// assert_eq!(queue::last("q").call(&mut con).unwrap().as_deref(), Some("b"));
/// assert_eq!(redlua::twin::run(&mut con, || queue::twin::last("none".into())), None);
/// ```
pub fn lindex(key: impl Borrow<Key>, index: i64) -> Option<String> {
    Req::new("LINDEX").key(key).arg(index).send().optional_string()
}

/// `LREM key count value`: how many elements equal to `value` were removed.
///
/// ```
/// #[redlua::library(name = "doc_lrem")]
/// mod queue {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn cancel(queue: Key, job: String) -> i64 {
///         lrem(&queue, 0, &job)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("RPUSH").arg("q").arg("a").arg("b").arg("a").exec(&mut con).unwrap();
/// assert_eq!(queue::cancel("q", "a").call(&mut con).unwrap(), 2);
/// assert_eq!(redlua::twin::run(&mut con, || queue::twin::cancel("q".into(), "a".into())), 0);
/// ```
pub fn lrem(key: impl Borrow<Key>, count: i64, value: impl ToArg) -> i64 {
    Req::new("LREM").key(key).arg(count).arg(value).send().count()
}

/// `LTRIM key start stop`: keeps the elements from `start` to `stop` included.
///
/// ```
/// #[redlua::library(name = "doc_ltrim")]
/// mod feed {
///     use redlua::prelude::*;
///
///     /// Adds an item and keeps the newest three.
///     #[redis_function]
///     pub fn post(feed: Key, item: String) {
///         lpush(&feed, &item);
///         ltrim(&feed, 0, 2);
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// for item in ["a", "b", "c"] {
///     feed::post("f", item).call(&mut con).unwrap();
/// }
/// redlua::twin::run(&mut con, || feed::twin::post("f".into(), "d".into()));
/// let items: Vec<String> = redis::cmd("LRANGE").arg("f").arg(0).arg(-1).query(&mut con).unwrap();
/// assert_eq!(items, ["d", "c", "b"]);
/// ```
pub fn ltrim(key: impl Borrow<Key>, start: i64, stop: i64) {
    Req::new("LTRIM").key(key).arg(start).arg(stop).send().unit()
}

/// `LMOVE source destination LEFT|RIGHT LEFT|RIGHT`: the element moved, or `None`
/// when the source is empty. The sides are written in place: `"LEFT"` or `"RIGHT"`.
///
/// ```
/// #[redlua::library(name = "doc_lmove")]
/// mod jobs {
///     use redlua::prelude::*;
///
///     /// Moves the oldest pending job to the processing list.
///     #[redis_function]
///     pub fn start(pending: Key, processing: Key) -> Option<String> {
///         lmove(&pending, &processing, "LEFT", "RIGHT")
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("RPUSH").arg("pending").arg("a").arg("b").exec(&mut con).unwrap();
/// assert_eq!(jobs::start("pending", "processing").call(&mut con).unwrap().as_deref(), Some("a"));
/// let twin = redlua::twin::run(&mut con, || jobs::twin::start("pending".into(), "processing".into()));
/// assert_eq!(twin.as_deref(), Some("b"));
/// assert_eq!(jobs::start("pending", "processing").call(&mut con).unwrap(), None);
/// ```
pub fn lmove(source: impl Borrow<Key>, destination: impl Borrow<Key>, from: &str, to: &str) -> Option<String> {
    Req::new("LMOVE").key(source).key(destination).word(from).word(to).send().optional_string()
}

/// `RPOPLPUSH source destination`: the element moved, or `None` when the source is
/// empty.
///
/// ```
/// #[redlua::library(name = "doc_rpoplpush")]
/// mod jobs {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn rotate(list: Key) -> Option<String> {
///         rpoplpush(&list, &list)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("RPUSH").arg("ring").arg("a").arg("b").arg("c").exec(&mut con).unwrap();
/// assert_eq!(jobs::rotate("ring").call(&mut con).unwrap().as_deref(), Some("c"));
/// assert_eq!(redlua::twin::run(&mut con, || jobs::twin::rotate("ring".into())).as_deref(), Some("b"));
/// let ring: Vec<String> = redis::cmd("LRANGE").arg("ring").arg(0).arg(-1).query(&mut con).unwrap();
/// assert_eq!(ring, ["b", "c", "a"]);
/// ```
pub fn rpoplpush(source: impl Borrow<Key>, destination: impl Borrow<Key>) -> Option<String> {
    Req::new("RPOPLPUSH").key(source).key(destination).send().optional_string()
}

// ---------------------------------------------------------------------------------
// Sets
// ---------------------------------------------------------------------------------

/// `SADD key member [member ...]`: how many members were added.
///
/// ```
/// #[redlua::library(name = "doc_sadd")]
/// mod tags {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn tag(item: Key, tags: Vec<String>) -> i64 {
///         sadd(&item, &tags)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert_eq!(tags::tag("post:1", ["rust", "redis"]).call(&mut con).unwrap(), 2);
/// assert_eq!(redlua::twin::run(&mut con, || tags::twin::tag("post:1".into(), vec!["rust".into()])), 0);
/// ```
pub fn sadd(key: impl Borrow<Key>, members: impl ToArgs) -> i64 {
    Req::new("SADD").key(key).args(members).send().count()
}

/// `SREM key member [member ...]`: how many members were removed.
///
/// ```
/// #[redlua::library(name = "doc_srem")]
/// mod tags {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn untag(item: Key, tag: String) -> i64 {
///         srem(&item, &tag)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SADD").arg("post:1").arg("rust").exec(&mut con).unwrap();
/// assert_eq!(tags::untag("post:1", "rust").call(&mut con).unwrap(), 1);
/// assert_eq!(redlua::twin::run(&mut con, || tags::twin::untag("post:1".into(), "rust".into())), 0);
/// ```
pub fn srem(key: impl Borrow<Key>, members: impl ToArgs) -> i64 {
    Req::new("SREM").key(key).args(members).send().count()
}

/// `SISMEMBER key member`: true when `member` is in the set.
///
/// ```
/// #[redlua::library(name = "doc_sismember")]
/// mod tags {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn has(item: Key, tag: String) -> bool {
///         sismember(&item, &tag)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SADD").arg("post:1").arg("rust").exec(&mut con).unwrap();
/// assert!(tags::has("post:1", "rust").call(&mut con).unwrap());
/// assert!(!redlua::twin::run(&mut con, || tags::twin::has("post:1".into(), "go".into())));
/// ```
pub fn sismember(key: impl Borrow<Key>, member: impl ToArg) -> bool {
    Req::new("SISMEMBER").key(key).arg(member).send().flag()
}

/// `SMISMEMBER key member [member ...]`: for each member, whether it is in the set.
///
/// ```
/// #[redlua::library(name = "doc_smismember")]
/// mod tags {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn which(item: Key) -> Vec<bool> {
///         smismember(&item, &["rust", "go"])
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SADD").arg("post:1").arg("rust").exec(&mut con).unwrap();
/// assert_eq!(tags::which("post:1").call(&mut con).unwrap(), [true, false]);
/// assert_eq!(redlua::twin::run(&mut con, || tags::twin::which("post:2".into())), [false, false]);
/// ```
pub fn smismember(key: impl Borrow<Key>, members: impl ToArgs) -> Vec<bool> {
    Req::new("SMISMEMBER").key(key).args(members).send().vec_flag()
}

/// `SMEMBERS key`: the members (in no particular order).
///
/// ```
/// #[redlua::library(name = "doc_smembers")]
/// mod tags {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn all(item: Key) -> Vec<String> {
///         smembers(&item)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SADD").arg("post:1").arg("rust").arg("redis").exec(&mut con).unwrap();
/// let mut all = tags::all("post:1").call(&mut con).unwrap();
/// all.sort();
/// assert_eq!(all, ["redis", "rust"]);
/// assert!(redlua::twin::run(&mut con, || tags::twin::all("post:2".into())).is_empty());
/// ```
pub fn smembers(key: impl Borrow<Key>) -> Vec<String> {
    Req::new("SMEMBERS").key(key).send().vec_string()
}

/// `SCARD key`: the number of members.
///
/// ```
/// #[redlua::library(name = "doc_scard")]
/// mod tags {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn count(item: Key) -> i64 {
///         scard(&item)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SADD").arg("post:1").arg("rust").arg("redis").exec(&mut con).unwrap();
/// assert_eq!(tags::count("post:1").call(&mut con).unwrap(), 2);
/// assert_eq!(redlua::twin::run(&mut con, || tags::twin::count("post:2".into())), 0);
/// ```
pub fn scard(key: impl Borrow<Key>) -> i64 {
    Req::new("SCARD").key(key).send().count()
}

/// `SMOVE source destination member`: true when the member was moved.
///
/// ```
/// #[redlua::library(name = "doc_smove")]
/// mod tasks {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn finish(open: Key, done: Key, task: String) -> bool {
///         smove(&open, &done, &task)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SADD").arg("open").arg("t1").exec(&mut con).unwrap();
/// assert!(tasks::finish("open", "done", "t1").call(&mut con).unwrap());
/// assert!(!redlua::twin::run(&mut con, || tasks::twin::finish("open".into(), "done".into(), "t1".into())));
/// ```
pub fn smove(source: impl Borrow<Key>, destination: impl Borrow<Key>, member: impl ToArg) -> bool {
    Req::new("SMOVE").key(source).key(destination).arg(member).send().flag()
}

/// `SPOP key`: a random member, removed; `None` when the set is empty.
/// Nondeterministic: the function needs `#[redis_function(nondeterministic)]`.
///
/// ```
/// #[redlua::library(name = "doc_spop")]
/// mod raffle {
///     use redlua::prelude::*;
///
///     #[redis_function(nondeterministic)]
///     pub fn draw(tickets: Key) -> Option<String> {
///         spop(&tickets)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SADD").arg("tickets").arg("ann").exec(&mut con).unwrap();
/// assert_eq!(raffle::draw("tickets").call(&mut con).unwrap().as_deref(), Some("ann"));
/// assert_eq!(redlua::twin::run(&mut con, || raffle::twin::draw("tickets".into())), None);
/// ```
pub fn spop(key: impl Borrow<Key>) -> Option<String> {
    Req::new("SPOP").key(key).send().optional_string()
}

/// `SRANDMEMBER key`: a random member; `None` when the set is empty.
/// Nondeterministic: the function needs `#[redis_function(nondeterministic)]`.
///
/// ```
/// #[redlua::library(name = "doc_srandmember")]
/// mod raffle {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only, nondeterministic)]
///     pub fn peek(tickets: Key) -> Option<String> {
///         srandmember(&tickets)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SADD").arg("tickets").arg("ann").exec(&mut con).unwrap();
/// assert_eq!(raffle::peek("tickets").call(&mut con).unwrap().as_deref(), Some("ann"));
/// let twin = redlua::twin::run(&mut con, || raffle::twin::peek("tickets".into()));
/// assert_eq!(twin.as_deref(), Some("ann")); // still there
/// assert_eq!(raffle::peek("none").call(&mut con).unwrap(), None);
/// ```
pub fn srandmember(key: impl Borrow<Key>) -> Option<String> {
    Req::new("SRANDMEMBER").key(key).send().optional_string()
}

// ---------------------------------------------------------------------------------
// Sorted sets
// ---------------------------------------------------------------------------------

/// `ZADD key score member`: how many members were added.
///
/// ```
/// #[redlua::library(name = "doc_zadd")]
/// mod board {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn enter(board: Key, player: String, score: f64) -> i64 {
///         zadd(&board, score, &player)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert_eq!(board::enter("b", "ann", 10.0).call(&mut con).unwrap(), 1);
/// assert_eq!(redlua::twin::run(&mut con, || board::twin::enter("b".into(), "ann".into(), 12.5)), 0);
/// let score: f64 = redis::cmd("ZSCORE").arg("b").arg("ann").query(&mut con).unwrap();
/// assert_eq!(score, 12.5);
/// ```
pub fn zadd(key: impl Borrow<Key>, score: f64, member: impl ToArg) -> i64 {
    Req::new("ZADD").key(key).arg(score).arg(member).send().count()
}

/// `ZADD key [options] score member`: how many members were added (or changed, with
/// `ch()`).
///
/// ```
/// #[redlua::library(name = "doc_zadd_with")]
/// mod board {
///     use redlua::prelude::*;
///
///     /// Records a score only when it beats the player's best.
///     #[redis_function]
///     pub fn best(board: Key, player: String, score: f64) -> i64 {
///         zadd_with(&board, score, &player, ZAddOptions::new().gt().ch())
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert_eq!(board::best("b", "ann", 10.0).call(&mut con).unwrap(), 1);
/// assert_eq!(board::best("b", "ann", 5.0).call(&mut con).unwrap(), 0);
/// assert_eq!(redlua::twin::run(&mut con, || board::twin::best("b".into(), "ann".into(), 11.0)), 1);
/// ```
pub fn zadd_with(key: impl Borrow<Key>, score: f64, member: impl ToArg, options: ZAddOptions) -> i64 {
    Req::new("ZADD").key(key).options(&options.words).arg(score).arg(member).send().count()
}

/// `ZADD key [options] INCR score member`: the member's new score, or `None` when the
/// options prevented the change.
///
/// ```
/// #[redlua::library(name = "doc_zadd_incr")]
/// mod board {
///     use redlua::prelude::*;
///
///     /// Adds points to a player already on the board.
///     #[redis_function]
///     pub fn bonus(board: Key, player: String, points: f64) -> Option<f64> {
///         zadd_incr(&board, points, &player, ZAddOptions::new().xx())
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("ZADD").arg("b").arg(10).arg("ann").exec(&mut con).unwrap();
/// assert_eq!(board::bonus("b", "ann", 2.5).call(&mut con).unwrap(), Some(12.5));
/// assert_eq!(redlua::twin::run(&mut con, || board::twin::bonus("b".into(), "bob".into(), 1.0)), None);
/// ```
pub fn zadd_incr(key: impl Borrow<Key>, score: f64, member: impl ToArg, options: ZAddOptions) -> Option<f64> {
    Req::new("ZADD").key(key).options(&options.words).word("INCR").arg(score).arg(member).send().optional_float()
}

/// `ZINCRBY key increment member`: the member's new score.
///
/// ```
/// #[redlua::library(name = "doc_zincr_by")]
/// mod board {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn score(board: Key, player: String, points: f64) -> f64 {
///         zincr_by(&board, points, &player)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert_eq!(board::score("b", "ann", 3.0).call(&mut con).unwrap(), 3.0);
/// assert_eq!(redlua::twin::run(&mut con, || board::twin::score("b".into(), "ann".into(), 0.5)), 3.5);
/// ```
pub fn zincr_by(key: impl Borrow<Key>, increment: f64, member: impl ToArg) -> f64 {
    Req::new("ZINCRBY").key(key).arg(increment).arg(member).send().float()
}

/// `ZSCORE key member`: the member's score, or `None`.
///
/// ```
/// #[redlua::library(name = "doc_zscore")]
/// mod board {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn points(board: Key, player: String) -> Option<f64> {
///         zscore(&board, &player)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("ZADD").arg("b").arg(7.5).arg("ann").exec(&mut con).unwrap();
/// assert_eq!(board::points("b", "ann").call(&mut con).unwrap(), Some(7.5));
/// assert_eq!(redlua::twin::run(&mut con, || board::twin::points("b".into(), "bob".into())), None);
/// ```
pub fn zscore(key: impl Borrow<Key>, member: impl ToArg) -> Option<f64> {
    Req::new("ZSCORE").key(key).arg(member).send().optional_float()
}

/// `ZMSCORE key member [member ...]`: each member's score, `None` for missing members.
///
/// ```
/// #[redlua::library(name = "doc_zmscore")]
/// mod board {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn pair(board: Key, a: String, b: String) -> Vec<Option<f64>> {
///         zmscore(&board, &[a, b])
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("ZADD").arg("b").arg(1).arg("ann").exec(&mut con).unwrap();
/// assert_eq!(board::pair("b", "ann", "bob").call(&mut con).unwrap(), [Some(1.0), None]);
/// let twin = redlua::twin::run(&mut con, || board::twin::pair("b".into(), "bob".into(), "ann".into()));
/// assert_eq!(twin, [None, Some(1.0)]);
/// ```
pub fn zmscore(key: impl Borrow<Key>, members: impl ToArgs) -> Vec<Option<f64>> {
    Req::new("ZMSCORE").key(key).args(members).send().vec_opt_float()
}

/// `ZRANGE key start stop [options]`: the members in the range.
///
/// ```
/// #[redlua::library(name = "doc_zrange")]
/// mod board {
///     use redlua::prelude::*;
///
///     /// The best `n` players, highest score first.
///     #[redis_function(read_only)]
///     pub fn top(board: Key, n: i64) -> Vec<String> {
///         zrange(&board, 0, n - 1, ZRangeOptions::new().rev())
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("ZADD").arg("b").arg(1).arg("ann").arg(3).arg("bob").arg(2).arg("cy").exec(&mut con).unwrap();
/// assert_eq!(board::top("b", 2).call(&mut con).unwrap(), ["bob", "cy"]);
/// assert_eq!(redlua::twin::run(&mut con, || board::twin::top("b".into(), 1)), ["bob"]);
/// ```
pub fn zrange(key: impl Borrow<Key>, start: impl ToArg, stop: impl ToArg, options: ZRangeOptions) -> Vec<String> {
    Req::new("ZRANGE").key(key).arg(start).arg(stop).options(&options.words).send().vec_string()
}

/// `ZRANGE key start stop [options] WITHSCORES`: the members in the range with their
/// scores.
///
/// ```
/// #[redlua::library(name = "doc_zrange_withscores")]
/// mod board {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn ranked(board: Key) -> Vec<(String, f64)> {
///         zrange_withscores(&board, 0, -1, ZRangeOptions::new())
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("ZADD").arg("b").arg(1).arg("ann").arg(2.5).arg("bob").exec(&mut con).unwrap();
/// let ranked = board::ranked("b").call(&mut con).unwrap();
/// assert_eq!(ranked, [("ann".to_string(), 1.0), ("bob".to_string(), 2.5)]);
/// assert_eq!(redlua::twin::run(&mut con, || board::twin::ranked("b".into())), ranked);
/// ```
pub fn zrange_withscores(key: impl Borrow<Key>, start: impl ToArg, stop: impl ToArg, options: ZRangeOptions) -> Vec<(String, f64)> {
    Req::new("ZRANGE").key(key).arg(start).arg(stop).options(&options.words).word("WITHSCORES").send().pairs_score()
}

/// `ZRANGEBYSCORE key min max`: the members with a score in the range.
///
/// ```
/// #[redlua::library(name = "doc_zrange_by_score")]
/// mod board {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn at_least(board: Key, min: f64) -> Vec<String> {
///         zrange_by_score(&board, min, "+inf")
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("ZADD").arg("b").arg(1).arg("ann").arg(5).arg("bob").exec(&mut con).unwrap();
/// assert_eq!(board::at_least("b", 2.0).call(&mut con).unwrap(), ["bob"]);
/// assert_eq!(redlua::twin::run(&mut con, || board::twin::at_least("b".into(), 0.0)), ["ann", "bob"]);
/// ```
pub fn zrange_by_score(key: impl Borrow<Key>, min: impl ToArg, max: impl ToArg) -> Vec<String> {
    Req::new("ZRANGEBYSCORE").key(key).arg(min).arg(max).send().vec_string()
}

/// `ZREVRANGE key start stop`: the members by rank, from the highest score.
///
/// ```
/// #[redlua::library(name = "doc_zrevrange")]
/// mod board {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn leader(board: Key) -> Vec<String> {
///         zrevrange(&board, 0, 0)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("ZADD").arg("b").arg(1).arg("ann").arg(5).arg("bob").exec(&mut con).unwrap();
/// assert_eq!(board::leader("b").call(&mut con).unwrap(), ["bob"]);
/// assert_eq!(redlua::twin::run(&mut con, || board::twin::leader("b".into())), ["bob"]);
/// ```
pub fn zrevrange(key: impl Borrow<Key>, start: i64, stop: i64) -> Vec<String> {
    Req::new("ZREVRANGE").key(key).arg(start).arg(stop).send().vec_string()
}

/// `ZREMRANGEBYSCORE key min max`: how many members were removed.
///
/// ```
/// #[redlua::library(name = "doc_zrem_range_by_score")]
/// mod window {
///     use redlua::prelude::*;
///
///     /// Forgets the events older than `cutoff`.
///     #[redis_function]
///     pub fn expire_before(events: Key, cutoff: i64) -> i64 {
///         zrem_range_by_score(&events, "-inf", cutoff - 1)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("ZADD").arg("ev").arg(10).arg("a").arg(20).arg("b").arg(30).arg("c").exec(&mut con).unwrap();
/// assert_eq!(window::expire_before("ev", 25).call(&mut con).unwrap(), 2);
/// assert_eq!(redlua::twin::run(&mut con, || window::twin::expire_before("ev".into(), 25)), 0);
/// ```
pub fn zrem_range_by_score(key: impl Borrow<Key>, min: impl ToArg, max: impl ToArg) -> i64 {
    Req::new("ZREMRANGEBYSCORE").key(key).arg(min).arg(max).send().count()
}

/// `ZREMRANGEBYRANK key start stop`: how many members were removed.
///
/// ```
/// #[redlua::library(name = "doc_zrem_range_by_rank")]
/// mod board {
///     use redlua::prelude::*;
///
///     /// Keeps the best `n` players.
///     #[redis_function]
///     pub fn keep_top(board: Key, n: i64) -> i64 {
///         zrem_range_by_rank(&board, 0, -(n + 1))
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("ZADD").arg("b").arg(1).arg("ann").arg(2).arg("bob").arg(3).arg("cy").exec(&mut con).unwrap();
/// assert_eq!(board::keep_top("b", 2).call(&mut con).unwrap(), 1);
/// assert_eq!(redlua::twin::run(&mut con, || board::twin::keep_top("b".into(), 1)), 1);
/// let left: Vec<String> = redis::cmd("ZRANGE").arg("b").arg(0).arg(-1).query(&mut con).unwrap();
/// assert_eq!(left, ["cy"]);
/// ```
pub fn zrem_range_by_rank(key: impl Borrow<Key>, start: i64, stop: i64) -> i64 {
    Req::new("ZREMRANGEBYRANK").key(key).arg(start).arg(stop).send().count()
}

/// `ZCARD key`: the number of members.
///
/// ```
/// #[redlua::library(name = "doc_zcard")]
/// mod board {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn players(board: Key) -> i64 {
///         zcard(&board)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("ZADD").arg("b").arg(1).arg("ann").arg(2).arg("bob").exec(&mut con).unwrap();
/// assert_eq!(board::players("b").call(&mut con).unwrap(), 2);
/// assert_eq!(redlua::twin::run(&mut con, || board::twin::players("none".into())), 0);
/// ```
pub fn zcard(key: impl Borrow<Key>) -> i64 {
    Req::new("ZCARD").key(key).send().count()
}

/// `ZCOUNT key min max`: how many members have a score in the range.
///
/// ```
/// #[redlua::library(name = "doc_zcount")]
/// mod board {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn between(board: Key, min: f64, max: f64) -> i64 {
///         zcount(&board, min, max)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("ZADD").arg("b").arg(1).arg("ann").arg(5).arg("bob").exec(&mut con).unwrap();
/// assert_eq!(board::between("b", 0.0, 2.0).call(&mut con).unwrap(), 1);
/// assert_eq!(redlua::twin::run(&mut con, || board::twin::between("b".into(), 0.0, 9.0)), 2);
/// ```
pub fn zcount(key: impl Borrow<Key>, min: impl ToArg, max: impl ToArg) -> i64 {
    Req::new("ZCOUNT").key(key).arg(min).arg(max).send().count()
}

/// `ZRANK key member`: the member's rank from the lowest score, or `None`.
///
/// ```
/// #[redlua::library(name = "doc_zrank")]
/// mod board {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn rank(board: Key, player: String) -> Option<i64> {
///         zrank(&board, &player)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("ZADD").arg("b").arg(1).arg("ann").arg(5).arg("bob").exec(&mut con).unwrap();
/// assert_eq!(board::rank("b", "bob").call(&mut con).unwrap(), Some(1));
/// assert_eq!(redlua::twin::run(&mut con, || board::twin::rank("b".into(), "cy".into())), None);
/// ```
pub fn zrank(key: impl Borrow<Key>, member: impl ToArg) -> Option<i64> {
    Req::new("ZRANK").key(key).arg(member).send().optional_int()
}

/// `ZPOPMIN key count`: up to `count` members with the lowest scores, removed.
///
/// ```
/// #[redlua::library(name = "doc_zpop_min")]
/// mod timers {
///     use redlua::prelude::*;
///
///     /// Takes the timer due first.
///     #[redis_function]
///     pub fn next_due(timers: Key) -> Vec<(String, f64)> {
///         zpop_min(&timers, 1)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("ZADD").arg("t").arg(20).arg("b").arg(10).arg("a").exec(&mut con).unwrap();
/// assert_eq!(timers::next_due("t").call(&mut con).unwrap(), [("a".to_string(), 10.0)]);
/// assert_eq!(redlua::twin::run(&mut con, || timers::twin::next_due("t".into())), [("b".to_string(), 20.0)]);
/// assert!(timers::next_due("t").call(&mut con).unwrap().is_empty());
/// ```
pub fn zpop_min(key: impl Borrow<Key>, count: i64) -> Vec<(String, f64)> {
    Req::new("ZPOPMIN").key(key).arg(count).send().pairs_score()
}

/// `ZPOPMAX key count`: up to `count` members with the highest scores, removed.
///
/// ```
/// #[redlua::library(name = "doc_zpop_max")]
/// mod board {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn take_winner(board: Key) -> Vec<(String, f64)> {
///         zpop_max(&board, 1)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("ZADD").arg("b").arg(1).arg("ann").arg(5).arg("bob").exec(&mut con).unwrap();
/// assert_eq!(board::take_winner("b").call(&mut con).unwrap(), [("bob".to_string(), 5.0)]);
/// assert_eq!(redlua::twin::run(&mut con, || board::twin::take_winner("b".into())), [("ann".to_string(), 1.0)]);
/// ```
pub fn zpop_max(key: impl Borrow<Key>, count: i64) -> Vec<(String, f64)> {
    Req::new("ZPOPMAX").key(key).arg(count).send().pairs_score()
}

/// `ZREM key member [member ...]`: how many members were removed.
///
/// ```
/// #[redlua::library(name = "doc_zrem")]
/// mod board {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn ban(board: Key, players: Vec<String>) -> i64 {
///         zrem(&board, &players)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("ZADD").arg("b").arg(1).arg("ann").arg(5).arg("bob").exec(&mut con).unwrap();
/// assert_eq!(board::ban("b", ["ann", "cy"]).call(&mut con).unwrap(), 1);
/// assert_eq!(redlua::twin::run(&mut con, || board::twin::ban("b".into(), vec!["bob".into()])), 1);
/// ```
pub fn zrem(key: impl Borrow<Key>, members: impl ToArgs) -> i64 {
    Req::new("ZREM").key(key).args(members).send().count()
}

// ---------------------------------------------------------------------------------
// Streams
// ---------------------------------------------------------------------------------

/// `XADD key id field value [field value ...]`: the ID of the new entry (`"*"` lets the
/// server choose it). Nondeterministic: the function needs
/// `#[redis_function(nondeterministic)]`.
///
/// ```
/// #[redlua::library(name = "doc_xadd")]
/// mod audit {
///     use redlua::prelude::*;
///
///     #[redis_function(nondeterministic)]
///     pub fn record(log: Key, user: String) -> String {
///         xadd(&log, "*", &[("user", &user)])
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// let id = audit::record("log", "ann").call(&mut con).unwrap();
/// assert!(id.contains('-')); // `<milliseconds>-<sequence>`
/// let twin_id = redlua::twin::run(&mut con, || audit::twin::record("log".into(), "bob".into()));
/// assert!(twin_id > id);
/// let len: i64 = redis::cmd("XLEN").arg("log").query(&mut con).unwrap();
/// assert_eq!(len, 2);
/// ```
pub fn xadd(key: impl Borrow<Key>, id: impl ToArg, fields: impl ToPairs) -> String {
    Req::new("XADD").key(key).arg(id).pairs(fields).send().string()
}

/// `XADD key [options] id field value [...]`: the ID of the new entry, or `None` when
/// `nomkstream()` kept a missing stream from being created.
/// Nondeterministic: the function needs `#[redis_function(nondeterministic)]`.
///
/// ```
/// #[redlua::library(name = "doc_xadd_with")]
/// mod audit {
///     use redlua::prelude::*;
///
///     /// Appends to an existing log only, keeping its last 100 entries.
///     #[redis_function(nondeterministic)]
///     pub fn append_if_open(log: Key, user: String) -> Option<String> {
///         xadd_with(&log, "*", &[("user", &user)], XAddOptions::new().nomkstream().maxlen(100))
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert_eq!(audit::append_if_open("log", "ann").call(&mut con).unwrap(), None);
/// redis::cmd("XADD").arg("log").arg("*").arg("user").arg("root").exec(&mut con).unwrap();
/// assert!(audit::append_if_open("log", "ann").call(&mut con).unwrap().is_some());
/// assert!(redlua::twin::run(&mut con, || audit::twin::append_if_open("log".into(), "bo".into())).is_some());
/// ```
pub fn xadd_with(key: impl Borrow<Key>, id: impl ToArg, fields: impl ToPairs, options: XAddOptions) -> Option<String> {
    Req::new("XADD").key(key).options(&options.words).arg(id).pairs(fields).send().optional_string()
}

/// `XLEN key`: the number of entries.
///
/// ```
/// #[redlua::library(name = "doc_xlen")]
/// mod audit {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn size(log: Key) -> i64 {
///         xlen(&log)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("XADD").arg("log").arg("*").arg("user").arg("ann").exec(&mut con).unwrap();
/// assert_eq!(audit::size("log").call(&mut con).unwrap(), 1);
/// assert_eq!(redlua::twin::run(&mut con, || audit::twin::size("none".into())), 0);
/// ```
pub fn xlen(key: impl Borrow<Key>) -> i64 {
    Req::new("XLEN").key(key).send().count()
}

/// `XTRIM key MAXLEN n`: how many entries were removed.
/// Nondeterministic: the function needs `#[redis_function(nondeterministic)]`.
///
/// ```
/// #[redlua::library(name = "doc_xtrim_maxlen")]
/// mod audit {
///     use redlua::prelude::*;
///
///     #[redis_function(nondeterministic)]
///     pub fn keep_last(log: Key, n: i64) -> i64 {
///         xtrim_maxlen(&log, n)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// for id in ["1-1", "2-1", "3-1"] {
///     redis::cmd("XADD").arg("log").arg(id).arg("f").arg("v").exec(&mut con).unwrap();
/// }
/// assert_eq!(audit::keep_last("log", 2).call(&mut con).unwrap(), 1);
/// assert_eq!(redlua::twin::run(&mut con, || audit::twin::keep_last("log".into(), 0)), 2);
/// ```
pub fn xtrim_maxlen(key: impl Borrow<Key>, len: i64) -> i64 {
    Req::new("XTRIM").key(key).word("MAXLEN").arg(len).send().count()
}

/// `XTRIM key MINID id`: how many entries were removed.
/// Nondeterministic: the function needs `#[redis_function(nondeterministic)]`.
///
/// ```
/// #[redlua::library(name = "doc_xtrim_minid")]
/// mod audit {
///     use redlua::prelude::*;
///
///     #[redis_function(nondeterministic)]
///     pub fn drop_before(log: Key, id: String) -> i64 {
///         xtrim_minid(&log, &id)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// for id in ["1-1", "2-1", "3-1"] {
///     redis::cmd("XADD").arg("log").arg(id).arg("f").arg("v").exec(&mut con).unwrap();
/// }
/// assert_eq!(audit::drop_before("log", "3-0").call(&mut con).unwrap(), 2);
/// assert_eq!(redlua::twin::run(&mut con, || audit::twin::drop_before("log".into(), "3-0".into())), 0);
/// ```
pub fn xtrim_minid(key: impl Borrow<Key>, id: impl ToArg) -> i64 {
    Req::new("XTRIM").key(key).word("MINID").arg(id).send().count()
}

/// `XRANGE key start end`: the entries in the range (`"-"` and `"+"` for all), each
/// as its ID with its fields.
///
/// ```
/// #[redlua::library(name = "doc_xrange")]
/// mod audit {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn entries(log: Key) -> Vec<(String, Vec<(String, String)>)> {
///         xrange(&log, "-", "+")
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("XADD").arg("log").arg("1-1").arg("user").arg("ann").exec(&mut con).unwrap();
/// let entries = audit::entries("log").call(&mut con).unwrap();
/// assert_eq!(entries, [("1-1".to_string(), vec![("user".to_string(), "ann".to_string())])]);
/// assert_eq!(redlua::twin::run(&mut con, || audit::twin::entries("log".into())), entries);
/// ```
pub fn xrange(key: impl Borrow<Key>, start: impl ToArg, end: impl ToArg) -> Vec<(String, Vec<(String, String)>)> {
    Req::new("XRANGE").key(key).arg(start).arg(end).send().stream_entries()
}

/// `XDEL key id [id ...]`: how many entries were deleted.
///
/// ```
/// #[redlua::library(name = "doc_xdel")]
/// mod audit {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn remove(log: Key, id: String) -> i64 {
///         xdel(&log, &id)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("XADD").arg("log").arg("1-1").arg("user").arg("ann").exec(&mut con).unwrap();
/// assert_eq!(audit::remove("log", "1-1").call(&mut con).unwrap(), 1);
/// assert_eq!(redlua::twin::run(&mut con, || audit::twin::remove("log".into(), "1-1".into())), 0);
/// ```
pub fn xdel(key: impl Borrow<Key>, ids: impl ToArgs) -> i64 {
    Req::new("XDEL").key(key).args(ids).send().count()
}

// ---------------------------------------------------------------------------------
// Pub/sub and server
// ---------------------------------------------------------------------------------

/// `PUBLISH channel message`: how many subscribers received the message.
///
/// ```
/// #[redlua::library(name = "doc_publish")]
/// mod notify {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn announce(counter: Key) -> i64 {
///         let n = incr(&counter);
///         publish("counters", n)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// // No subscriber is listening: the message reaches nobody.
/// assert_eq!(notify::announce("hits").call(&mut con).unwrap(), 0);
/// assert_eq!(redlua::twin::run(&mut con, || notify::twin::announce("hits".into())), 0);
/// let hits: i64 = redis::cmd("GET").arg("hits").query(&mut con).unwrap();
/// assert_eq!(hits, 2);
/// ```
pub fn publish(channel: impl ToArg, message: impl ToArg) -> i64 {
    Req::new("PUBLISH").arg(channel).arg(message).send().count()
}

/// `TIME`: the server's clock, as Unix seconds and microseconds.
/// Nondeterministic: the function needs `#[redis_function(nondeterministic)]`.
///
/// ```
/// #[redlua::library(name = "doc_time")]
/// mod clock {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only, nondeterministic)]
///     pub fn now() -> i64 {
///         let (seconds, _micros) = time();
///         seconds
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// let now = clock::now().call(&mut con).unwrap();
/// let twin = redlua::twin::run(&mut con, clock::twin::now);
/// assert!(now > 1_700_000_000 && twin >= now);
/// ```
pub fn time() -> (i64, i64) {
    Req::new("TIME").send().time()
}

/// `call!` and `try_call!`: any command of the server table, checked at compile time.
pub use crate::{call, try_call};
