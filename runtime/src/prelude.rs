//! Everything a redis function body uses: `use redlua::prelude::*;`.
//!
//! The typed commands here are what the compiler translates to `redis.call`. Called
//! from Rust they run the same command on the connection of
//! [`twin::run`](crate::twin::run), which is what native twins do.

pub use crate::key::{Key, Reject};
pub use crate::reject;
pub use redlua_macros::redis_function;

use crate::twin::query;
use redis::Value;
use std::borrow::Borrow;

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

/// The largest integer Lua represents exactly.
const MAX_SAFE_INT: i64 = (1 << 53) - 1;

fn checked(n: i64) -> i64 {
    if !(-MAX_SAFE_INT..=MAX_SAFE_INT).contains(&n) {
        panic!("redlua: integer overflow (beyond +/-(2^53 - 1))");
    }
    n
}

fn int_reply(v: Value) -> i64 {
    match v {
        Value::Int(n) => n,
        other => panic!("redlua: expected an integer reply, got {other:?}"),
    }
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

fn key_cmd(name: &str, key: &Key) -> redis::Cmd {
    let mut c = redis::cmd(name);
    c.arg(key.as_bytes());
    c
}

/// `GET key`: the value, or `None` when the key does not exist.
/// Write `get::<i64>(&k)` or `get::<String>(&k)`.
pub fn get<T: FromBulk>(key: impl Borrow<Key>) -> Option<T> {
    match query(&key_cmd("GET", key.borrow())) {
        Value::Nil => None,
        Value::BulkString(b) => Some(T::from_bulk(b)),
        other => panic!("redlua: unexpected GET reply {other:?}"),
    }
}

/// `SET key value`.
pub fn set(key: impl Borrow<Key>, value: impl ToArg) {
    let mut c = key_cmd("SET", key.borrow());
    c.arg(value.to_arg());
    query(&c);
}

/// Options of [`set_with`]: `SetOptions::new().nx().ex(ttl)`.
///
/// Inside a redis function, write the options in place as the argument of `set_with`:
/// the compiler reads them at compile time.
#[derive(Debug, Clone, Default)]
pub struct SetOptions {
    words: Vec<Vec<u8>>,
}

impl SetOptions {
    /// No options.
    pub fn new() -> SetOptions {
        SetOptions::default()
    }
    fn word(mut self, w: &str) -> Self {
        self.words.push(w.as_bytes().to_vec());
        self
    }
    /// `NX`: only set when the key does not exist.
    pub fn nx(self) -> Self {
        self.word("NX")
    }
    /// `XX`: only set when the key exists.
    pub fn xx(self) -> Self {
        self.word("XX")
    }
    /// `EX seconds`.
    pub fn ex(self, seconds: i64) -> Self {
        let mut s = self.word("EX");
        s.words.push(seconds.to_string().into_bytes());
        s
    }
    /// `PX milliseconds`.
    pub fn px(self, millis: i64) -> Self {
        let mut s = self.word("PX");
        s.words.push(millis.to_string().into_bytes());
        s
    }
    /// `KEEPTTL`.
    pub fn keep_ttl(self) -> Self {
        self.word("KEEPTTL")
    }
}

/// `SET key value [NX|XX] [EX s|PX ms|KEEPTTL]`: true when the value was set.
pub fn set_with(key: impl Borrow<Key>, value: impl ToArg, options: SetOptions) -> bool {
    let mut c = key_cmd("SET", key.borrow());
    c.arg(value.to_arg());
    for w in &options.words {
        c.arg(w.as_slice());
    }
    !matches!(query(&c), Value::Nil)
}

/// `DEL key`: how many keys were removed (0 or 1).
pub fn del(key: impl Borrow<Key>) -> i64 {
    int_reply(query(&key_cmd("DEL", key.borrow())))
}

/// `EXISTS key`: true when the key exists.
pub fn exists(key: impl Borrow<Key>) -> bool {
    int_reply(query(&key_cmd("EXISTS", key.borrow()))) == 1
}

/// `INCR key`: the new value.
pub fn incr(key: impl Borrow<Key>) -> i64 {
    checked(int_reply(query(&key_cmd("INCR", key.borrow()))))
}

/// `INCRBY key n`: the new value.
pub fn incr_by(key: impl Borrow<Key>, n: i64) -> i64 {
    let mut c = key_cmd("INCRBY", key.borrow());
    c.arg(n);
    checked(int_reply(query(&c)))
}

/// `DECRBY key n`: the new value.
pub fn decr_by(key: impl Borrow<Key>, n: i64) -> i64 {
    let mut c = key_cmd("DECRBY", key.borrow());
    c.arg(n);
    checked(int_reply(query(&c)))
}

/// `EXPIRE key seconds`: true when the timeout was set.
pub fn expire(key: impl Borrow<Key>, seconds: i64) -> bool {
    let mut c = key_cmd("EXPIRE", key.borrow());
    c.arg(seconds);
    int_reply(query(&c)) == 1
}

/// `call!` and `try_call!`: any command of the server table, checked at compile time.
pub use crate::{call, try_call};
