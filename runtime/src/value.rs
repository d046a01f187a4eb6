//! `Value`: a reply of any shape, from `call!` / `try_call!`.

use crate::twin::query;
use redis::{FromRedisValue, ParsingError};

/// A reply of any shape, as a redis function sees it (RESP2).
///
/// `call!("CMD", ..)` returns one inside a redis function; returned from the function,
/// it travels back to the client unchanged.
///
/// ```
/// use redlua::Value;
///
/// #[redlua::library(name = "doc_value")]
/// mod raw {
///     use redlua::prelude::*;
///
///     #[redis_function(read_only)]
///     pub fn length(list: Key) -> redlua::Value {
///         call!("LLEN", &list)
///     }
///
///     #[redis_function(read_only)]
///     pub fn kind(list: Key) -> redlua::Value {
///         call!("TYPE", &list)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("RPUSH").arg("jobs").arg("a").arg("b").exec(&mut con).unwrap();
/// assert_eq!(raw::length("jobs").call(&mut con).unwrap(), Value::Int(2));
/// assert_eq!(raw::kind("jobs").call(&mut con).unwrap(), Value::Status("list".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A nil reply.
    Nil,
    /// An integer reply.
    Int(i64),
    /// A bulk string reply.
    Bytes(Vec<u8>),
    /// A status reply such as `OK`.
    Status(String),
    /// An array reply.
    Array(Vec<Value>),
}

/// Building a reply in a redis function's body, whose shape may depend on the branch:
/// `Value::Nil`, `Value::Int(n)`, `Value::bulk(s)`, `Value::status(s)`,
/// `Value::Array(vec![..])` (nil elements included) and `Value::lua_number(x)`.
///
/// ```
/// use redlua::Value;
///
/// #[redlua::library(name = "doc_value_build")]
/// mod scores {
///     use redlua::prelude::*;
///
///     /// `[rank]`, `[rank, score]` or `[rank, "new"]`; nil when absent.
///     #[redis_function(read_only)]
///     pub fn rank(board: Key, member: String, with_score: bool) -> Value {
///         let Some(rank) = call!("ZRANK", &board, &member).as_int() else {
///             return Value::Nil;
///         };
///         match call!("ZSCORE", &board, &member).as_string() {
///             Some(s) if with_score => Value::Array(vec![Value::Int(rank), Value::bulk(s)]),
///             Some(_) => Value::Array(vec![Value::Int(rank)]),
///             None => Value::Array(vec![Value::Int(rank), Value::bulk("new")]),
///         }
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("ZADD").arg("board").arg(5).arg("ann").exec(&mut con).unwrap();
/// assert_eq!(scores::rank("board", "ann", true).call(&mut con).unwrap(), Value::Array(vec![Value::Int(0), Value::bulk("5")]));
/// assert_eq!(scores::rank("board", "ann", false).call(&mut con).unwrap(), Value::Array(vec![Value::Int(0)]));
/// assert_eq!(scores::rank("board", "bob", true).call(&mut con).unwrap(), Value::Nil);
/// ```
impl Value {
    /// A bulk string reply.
    ///
    /// ```
    /// assert_eq!(redlua::Value::bulk("ab"), redlua::Value::Bytes(b"ab".to_vec()));
    /// ```
    pub fn bulk(s: impl AsRef<[u8]>) -> Value {
        Value::Bytes(s.as_ref().to_vec())
    }

    /// A status reply (`+OK`): line breaks become spaces, as the server sends them.
    ///
    /// ```
    /// assert_eq!(redlua::Value::status("a\r\nb"), redlua::Value::Status("a  b".into()));
    /// ```
    pub fn status(s: impl AsRef<str>) -> Value {
        Value::Status(s.as_ref().replace(['\r', '\n'], " "))
    }

    /// The reply a Lua script gets for returning the number `x`: the server truncates it
    /// toward zero to an integer, and sends `i64::MIN` for NaN, the infinities and values
    /// beyond the range of `i64`. Use it to reply a float as a hand-written script would;
    /// a function declared `-> f64` replies the exact float as a bulk string instead.
    ///
    /// ```
    /// use redlua::Value;
    ///
    /// assert_eq!(Value::lua_number(-3.7), Value::Int(-3));
    /// assert_eq!(Value::lua_number(f64::NAN), Value::Int(i64::MIN));
    /// assert_eq!(Value::lua_number(1e19), Value::Int(i64::MIN));
    /// ```
    pub fn lua_number(x: f64) -> Value {
        // C's `(long long)x` on the platforms Redis runs on: the truncation when it fits,
        // else the "integer indefinite" value, i64::MIN.
        const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
        if x > -LIMIT && x < LIMIT {
            Value::Int(x.trunc() as i64)
        } else {
            Value::Int(i64::MIN)
        }
    }

    /// True for a nil reply.
    ///
    /// ```
    /// #[redlua::library(name = "doc_value_nil")]
    /// mod raw {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn missing(k: Key) -> bool {
    ///         call!("GET", &k).is_nil()
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// assert!(raw::missing("nothing").call(&mut con).unwrap());
    /// assert!(redlua::Value::Nil.is_nil());
    /// ```
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// True for the status reply `OK`.
    ///
    /// ```
    /// #[redlua::library(name = "doc_value_ok")]
    /// mod raw {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn store(k: Key, v: String) -> bool {
    ///         call!("SET", &k, &v).is_ok()
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// assert!(raw::store("greeting", "hello".to_string()).call(&mut con).unwrap());
    /// assert!(redlua::twin::run(&mut con, || raw::twin::store("greeting".into(), "hi".into())));
    /// ```
    pub fn is_ok(&self) -> bool {
        matches!(self, Value::Status(s) if s == "OK")
    }

    /// The integer of an integer reply.
    ///
    /// ```
    /// #[redlua::library(name = "doc_value_int")]
    /// mod raw {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn add_field(h: Key, field: String) -> Option<i64> {
    ///         call!("HSET", &h, &field, "1").as_int()
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// assert_eq!(raw::add_field("h", "a".to_string()).call(&mut con).unwrap(), Some(1));
    /// assert_eq!(redlua::twin::run(&mut con, || raw::twin::add_field("h".into(), "a".into())), Some(0));
    /// ```
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// The text of a bulk string or status reply (bytes that are not UTF-8 are replaced).
    ///
    /// ```
    /// #[redlua::library(name = "doc_value_string")]
    /// mod raw {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn read(k: Key) -> Option<String> {
    ///         call!("GET", &k).as_string()
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// redis::cmd("SET").arg("greeting").arg("hello").exec(&mut con).unwrap();
    /// assert_eq!(raw::read("greeting").call(&mut con).unwrap().as_deref(), Some("hello"));
    /// assert_eq!(raw::read("nothing").call(&mut con).unwrap(), None);
    /// ```
    pub fn as_string(&self) -> Option<String> {
        match self {
            Value::Bytes(b) => Some(String::from_utf8_lossy(b).into_owned()),
            Value::Status(s) => Some(s.clone()),
            _ => None,
        }
    }

    /// The elements of an array reply.
    ///
    /// ```
    /// use redlua::Value;
    ///
    /// #[redlua::library(name = "doc_value_array")]
    /// mod raw {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn first_two(list: Key) -> redlua::Value {
    ///         call!("LRANGE", &list, 0, 1)
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// redis::cmd("RPUSH").arg("l").arg("a").arg("b").arg("c").exec(&mut con).unwrap();
    /// let items = raw::first_two("l").call(&mut con).unwrap().as_array().unwrap();
    /// assert_eq!(items, [Value::Bytes(b"a".to_vec()), Value::Bytes(b"b".to_vec())]);
    /// ```
    pub fn as_array(&self) -> Option<Vec<Value>> {
        match self {
            Value::Array(a) => Some(a.clone()),
            _ => None,
        }
    }
}

impl FromRedisValue for Value {
    fn from_redis_value(v: redis::Value) -> Result<Self, ParsingError> {
        Ok(match v {
            redis::Value::Nil => Value::Nil,
            redis::Value::Int(n) => Value::Int(n),
            redis::Value::BulkString(b) => Value::Bytes(b),
            redis::Value::SimpleString(s) => Value::Status(s),
            redis::Value::Okay => Value::Status("OK".into()),
            redis::Value::Array(a) | redis::Value::Set(a) => Value::Array(a.into_iter().map(Value::from_redis_value).collect::<Result<_, _>>()?),
            redis::Value::Map(m) => {
                let mut flat = Vec::with_capacity(m.len() * 2);
                for (k, v) in m {
                    flat.push(Value::from_redis_value(k)?);
                    flat.push(Value::from_redis_value(v)?);
                }
                Value::Array(flat)
            }
            redis::Value::Boolean(b) => Value::Int(i64::from(b)),
            redis::Value::Double(d) => Value::Bytes(d.to_string().into_bytes()),
            redis::Value::VerbatimString { text, .. } => Value::Bytes(text.into_bytes()),
            redis::Value::Attribute { data, .. } => Value::from_redis_value(*data)?,
            other => return Err(ParsingError::from(format!("redlua: unexpected reply {other:?}"))),
        })
    }
}

/// An argument of `call!` in a native twin: keys and data as the server receives them.
///
/// Implemented for [`Key`](crate::Key), `i64`, `f64` and strings; the twin sends them as
/// the generated Lua does.
///
/// ```
/// #[redlua::library(name = "doc_call_arg")]
/// mod raw {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn put(h: Key, field: String, n: i64) -> redlua::Value {
///         call!("HSET", &h, &field, n)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// let twin = redlua::twin::run(&mut con, || raw::twin::put("h".into(), "n".into(), 7));
/// assert_eq!(twin, redlua::Value::Int(1));
/// let n: i64 = redis::cmd("HGET").arg("h").arg("n").query(&mut con).unwrap();
/// assert_eq!(n, 7);
/// ```
pub trait CallArg {
    #[doc(hidden)]
    fn call_arg(&self) -> Vec<u8>;
}

impl CallArg for crate::Key {
    fn call_arg(&self) -> Vec<u8> {
        self.as_bytes().to_vec()
    }
}

impl CallArg for i64 {
    fn call_arg(&self) -> Vec<u8> {
        self.to_string().into_bytes()
    }
}

impl CallArg for f64 {
    fn call_arg(&self) -> Vec<u8> {
        self.to_string().into_bytes()
    }
}

impl CallArg for crate::luanum::LuaArg {
    /// What the twin's server sends for the number (asked once per number), so the twin
    /// matches Redis 7.0 (`%.17g`) and Valkey (the shortest text) alike.
    fn call_arg(&self) -> Vec<u8> {
        crate::twin::server_number_text(self.0).unwrap_or_else(|| self.bytes())
    }
}

impl CallArg for str {
    fn call_arg(&self) -> Vec<u8> {
        self.as_bytes().to_vec()
    }
}

impl CallArg for String {
    fn call_arg(&self) -> Vec<u8> {
        self.as_bytes().to_vec()
    }
}

impl<T: CallArg + ?Sized> CallArg for &T {
    fn call_arg(&self) -> Vec<u8> {
        (**self).call_arg()
    }
}

/// The arguments of `call!` in a native twin: one argument ([`CallArg`]), or `..v`, the
/// elements of a `Vec` (or the two sides of each pair of a `Vec` of pairs) in order.
#[doc(hidden)]
pub trait CallArgs {
    fn push_args(&self, out: &mut Vec<Vec<u8>>);
}

impl<T: CallArg + ?Sized> CallArgs for T {
    fn push_args(&self, out: &mut Vec<Vec<u8>>) {
        out.push(self.call_arg());
    }
}

impl<V: SpreadArgs> CallArgs for std::ops::RangeTo<V> {
    fn push_args(&self, out: &mut Vec<Vec<u8>>) {
        self.end.spread_args(out);
    }
}

/// What `..v` spreads in `call!`: a `Vec` of arguments or of pairs of them.
#[doc(hidden)]
pub trait SpreadArgs {
    fn spread_args(&self, out: &mut Vec<Vec<u8>>);
}

impl<T: CallArg> SpreadArgs for Vec<T> {
    fn spread_args(&self, out: &mut Vec<Vec<u8>>) {
        out.extend(self.iter().map(CallArg::call_arg));
    }
}

impl<A: CallArg, B: CallArg> SpreadArgs for Vec<(A, B)> {
    fn spread_args(&self, out: &mut Vec<Vec<u8>>) {
        for (a, b) in self {
            out.push(a.call_arg());
            out.push(b.call_arg());
        }
    }
}

impl<V: SpreadArgs + ?Sized> SpreadArgs for &V {
    fn spread_args(&self, out: &mut Vec<Vec<u8>>) {
        (**self).spread_args(out);
    }
}

fn command(args: &[Vec<u8>]) -> redis::Cmd {
    let mut c = redis::Cmd::new();
    for a in args {
        c.arg(a.as_slice());
    }
    c
}

#[doc(hidden)]
pub fn __twin_call(args: &[Vec<u8>]) -> Value {
    let v = query(&command(args));
    Value::from_redis_value(v).unwrap_or_else(|e| panic!("redlua: {e}"))
}

#[doc(hidden)]
pub fn __twin_try_call(args: &[Vec<u8>]) -> Result<Value, String> {
    match crate::twin::try_query(&command(args)) {
        Ok(v) => Value::from_redis_value(v).map_err(|e| e.to_string()),
        Err(e) => Err(e),
    }
}

/// Any Redis command, checked at compile time against the server's command table
/// (existence, arity, key positions, `noscript`, blocking, read-only and determinism
/// rules): `call!("HINCRBY", &key, "field", 1)`. Returns a [`Value`]; an error reply
/// aborts the function, as in Lua.
///
/// `..v` spreads a `Vec` into the command, one argument per element (or two per element
/// of a `Vec` of pairs), where the command takes data, not keys:
/// `call!("HMGET", &key, ..fields)`, `call!("ZADD", &key, ..pairs)`.
///
/// ```
/// #[redlua::library(name = "doc_call")]
/// mod raw {
///     use redlua::prelude::*;
///
///     /// `HINCRBY` through `call!`: the reply is a `Value`.
///     #[redis_function]
///     pub fn bump(stats: Key, field: String) -> i64 {
///         call!("HINCRBY", &stats, &field, 1).as_int().unwrap_or(0)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert_eq!(raw::bump("stats", "views".to_string()).call(&mut con).unwrap(), 1);
/// assert_eq!(redlua::twin::run(&mut con, || raw::twin::bump("stats".into(), "views".into())), 2);
/// ```
#[macro_export]
macro_rules! call {
    ($cmd:literal $(, $arg:expr)* $(,)?) => {
        $crate::value::__twin_call(&{
            let mut __redlua_args: ::std::vec::Vec<::std::vec::Vec<u8>> = ::std::vec![$cmd.as_bytes().to_vec()];
            $($crate::value::CallArgs::push_args(&$arg, &mut __redlua_args);)*
            __redlua_args
        })
    };
}

/// Like [`call!`], but an error reply comes back as `Err(message)` (Lua's `redis.pcall`).
///
/// ```
/// #[redlua::library(name = "doc_try_call")]
/// mod raw {
///     use redlua::prelude::*;
///
///     /// `INCR`, or -1 when the value is not an integer (instead of failing).
///     #[redis_function]
///     pub fn incr_or(k: Key) -> i64 {
///         match try_call!("INCR", &k) {
///             Ok(v) => v.as_int().unwrap_or(0),
///             Err(_) => -1,
///         }
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SET").arg("word").arg("abc").exec(&mut con).unwrap();
/// assert_eq!(raw::incr_or("word").call(&mut con).unwrap(), -1);
/// assert_eq!(raw::incr_or("n").call(&mut con).unwrap(), 1);
/// assert_eq!(redlua::twin::run(&mut con, || raw::twin::incr_or("word".into())), -1);
/// ```
#[macro_export]
macro_rules! try_call {
    ($cmd:literal $(, $arg:expr)* $(,)?) => {
        $crate::value::__twin_try_call(&{
            let mut __redlua_args: ::std::vec::Vec<::std::vec::Vec<u8>> = ::std::vec![$cmd.as_bytes().to_vec()];
            $($crate::value::CallArgs::push_args(&$arg, &mut __redlua_args);)*
            __redlua_args
        })
    };
}
