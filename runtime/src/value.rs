//! `Value`: a reply of any shape, from `call!` / `try_call!`.

use crate::twin::query;
use redis::{FromRedisValue, ParsingError};

/// A reply of any shape, as a redis function sees it (RESP2).
///
/// `call!("CMD", ..)` returns one inside a redis function; returned from the function,
/// it travels back to the client unchanged.
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

impl Value {
    /// True for a nil reply.
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }

    /// True for the status reply `OK`.
    pub fn is_ok(&self) -> bool {
        matches!(self, Value::Status(s) if s == "OK")
    }

    /// The integer of an integer reply.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// The text of a bulk string or status reply (bytes that are not UTF-8 are replaced).
    pub fn as_string(&self) -> Option<String> {
        match self {
            Value::Bytes(b) => Some(String::from_utf8_lossy(b).into_owned()),
            Value::Status(s) => Some(s.clone()),
            _ => None,
        }
    }

    /// The elements of an array reply.
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
#[macro_export]
macro_rules! call {
    ($cmd:literal $(, $arg:expr)* $(,)?) => {
        $crate::value::__twin_call(&[$cmd.as_bytes().to_vec() $(, $crate::value::CallArg::call_arg(&$arg))*])
    };
}

/// Like [`call!`], but an error reply comes back as `Err(message)` (Lua's `redis.pcall`).
#[macro_export]
macro_rules! try_call {
    ($cmd:literal $(, $arg:expr)* $(,)?) => {
        $crate::value::__twin_try_call(&[$cmd.as_bytes().to_vec() $(, $crate::value::CallArg::call_arg(&$arg))*])
    };
}
