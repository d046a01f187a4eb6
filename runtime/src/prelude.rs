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
pub use redlua_macros::{Json, Record};
pub use crate::json::{json_decode, json_encode, Json};
pub use crate::record::{hgetall_as, hset_record, HashField, Record};
pub use crate::luanum::{lua_arg, lua_tonumber, lua_tostring, LuaArg, LuaNumber};

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

/// Sent as `redis.call` sends a Lua number (see [`lua_arg`]): in a twin, what its server
/// sends (asked once per number: Redis 7.0 writes `%.17g`, Valkey the shortest text).
impl ToArg for LuaArg {
    fn to_arg(&self) -> Vec<u8> {
        crate::value::CallArg::call_arg(self)
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

scalar_args!(i64, f64, str, String, LuaArg);

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
// Typed commands
// ---------------------------------------------------------------------------------

// One function per row of the compiler's command table (compiler/src/commands.rs), generated
// by `cargo xtask gen-commands --prelude` with their documentation (compiler/gen/command_docs.md).
#[rustfmt::skip]
mod commands;
pub use commands::*;

/// `call!` and `try_call!`: any command of the server table, checked at compile time.
pub use crate::{call, try_call};
