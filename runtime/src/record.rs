//! Records: plain structs that `#[derive(Record)]`, stored as Redis hashes.
//!
//! A record is a struct of named fields of the types a hash field can hold: `i64` and the
//! other integer types, `f64`, `bool`, `String`, and `Option` of one of those (a field that
//! may be absent from the hash). Inside a redis function, `hgetall_as::<Job>(&key)?` reads
//! a whole hash as a `Job` and `hset_record(&key, &job)` writes one; on the client, a record
//! is a [`redis::FromRedisValue`] (from a function's reply or an `HGETALL`) and a
//! [`redis::ToRedisArgs`] (its fields as `HSET` takes them).
//!
//! The text of each field is the same on both sides of the wire and in `redis-cli`:
//!
//! | Rust | in the hash | read back |
//! |---|---|---|
//! | integers | decimal digits | Rust's syntax for the type (`+7`, `007`; `-0` for signed types only), within the type's range and ±(2^53 − 1) |
//! | `f64` | as Rust prints it (`0.1`, `1e300` as digits, `NaN`, `inf`) | Rust's syntax for `f64` |
//! | `bool` | `1` / `0` | `1`, `0`, `true`, `false` |
//! | `String` | the bytes | the bytes |
//! | `Option<T>` | `None`: no field | a missing field is `None` |
//!
//! A missing field that is not an `Option`, or a text that does not read as its type, is a
//! rejection naming the record and the field (`Job.attempts is not a valid i64`). Fields of
//! the hash that the struct does not name are ignored. Writing a record sets every `Some`
//! field with one `HSET` and deletes every `None` field with one `HDEL`, so the hash reads
//! back as the record.

use crate::key::{Key, Reject};
use crate::twin::query;
use redis::Value as RedisValue;
use std::borrow::Borrow;

/// The largest integer a Lua number holds exactly.
const MAX_SAFE: i64 = (1 << 53) - 1;

/// A struct stored as a Redis hash: implemented by `#[derive(Record)]`.
///
/// ```
/// use redlua::prelude::*;
///
/// #[derive(Record, Debug, PartialEq)]
/// struct Job {
///     id: String,
///     attempts: u32,
///     owner: Option<String>,
/// }
///
/// let job = Job { id: "j1".into(), attempts: 2, owner: None };
/// let pairs: Vec<(&str, Option<Vec<u8>>)> = job.to_hash();
/// assert_eq!(pairs[1], ("attempts", Some(b"2".to_vec())));
/// assert_eq!(pairs[2], ("owner", None));
/// let back = Job::from_hash(&[(b"id".to_vec(), b"j1".to_vec()), (b"attempts".to_vec(), b"2".to_vec())]);
/// assert_eq!(back, Ok(job));
/// let bad = Job::from_hash(&[(b"id".to_vec(), b"j1".to_vec()), (b"attempts".to_vec(), b"-1".to_vec())]);
/// assert_eq!(bad, Err("Job.attempts is not a valid u32".to_string()));
/// ```
pub trait Record: Sized {
    /// The struct's name, as rejections name it.
    const NAME: &'static str;

    /// Each field's name and its text in the hash (`None`: the field is absent), in
    /// declaration order.
    fn to_hash(&self) -> Vec<(&'static str, Option<Vec<u8>>)>;

    /// The record from a hash's fields and values; the error names the first field (in
    /// declaration order) that is missing or does not read as its type.
    fn from_hash(fields: &[(Vec<u8>, Vec<u8>)]) -> Result<Self, String>;
}

/// A type a record's field may have: its text in a hash, and back.
pub trait HashField: Sized {
    /// The text stored in the hash; `None` for an absent field.
    fn to_text(&self) -> Option<Vec<u8>>;

    /// The value from the field's text (`None`: the hash has no such field). `record` and
    /// `field` name it in the error.
    fn from_text(text: Option<&[u8]>, record: &str, field: &str) -> Result<Self, String>;
}

fn missing(record: &str, field: &str) -> String {
    format!("{record}.{field} is missing")
}

fn invalid(record: &str, field: &str, ty: &str) -> String {
    format!("{record}.{field} is not a valid {ty}")
}

macro_rules! int_fields {
    ($($t:ident),*) => {$(
        impl HashField for $t {
            fn to_text(&self) -> Option<Vec<u8>> {
                Some(self.to_string().into_bytes())
            }

            fn from_text(text: Option<&[u8]>, record: &str, field: &str) -> Result<Self, String> {
                let text = text.ok_or_else(|| missing(record, field))?;
                let n = std::str::from_utf8(text).ok().and_then(|s| s.parse::<$t>().ok());
                match n {
                    // Lua holds integers exactly only within +/-(2^53 - 1).
                    Some(n) if i128::try_from(n).is_ok_and(|n| (-(MAX_SAFE as i128)..=MAX_SAFE as i128).contains(&n)) => Ok(n),
                    _ => Err(invalid(record, field, stringify!($t))),
                }
            }
        }
    )*};
}

int_fields!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl HashField for f64 {
    fn to_text(&self) -> Option<Vec<u8>> {
        Some(self.to_string().into_bytes())
    }

    fn from_text(text: Option<&[u8]>, record: &str, field: &str) -> Result<Self, String> {
        let text = text.ok_or_else(|| missing(record, field))?;
        std::str::from_utf8(text).ok().and_then(|s| s.parse::<f64>().ok()).ok_or_else(|| invalid(record, field, "f64"))
    }
}

impl HashField for bool {
    fn to_text(&self) -> Option<Vec<u8>> {
        Some(if *self { b"1".to_vec() } else { b"0".to_vec() })
    }

    fn from_text(text: Option<&[u8]>, record: &str, field: &str) -> Result<Self, String> {
        match text.ok_or_else(|| missing(record, field))? {
            b"1" | b"true" => Ok(true),
            b"0" | b"false" => Ok(false),
            _ => Err(invalid(record, field, "bool")),
        }
    }
}

impl HashField for String {
    fn to_text(&self) -> Option<Vec<u8>> {
        Some(self.as_bytes().to_vec())
    }

    fn from_text(text: Option<&[u8]>, record: &str, field: &str) -> Result<Self, String> {
        let text = text.ok_or_else(|| missing(record, field))?;
        String::from_utf8(text.to_vec()).map_err(|_| invalid(record, field, "String (UTF-8)"))
    }
}

impl<T: HashField> HashField for Option<T> {
    fn to_text(&self) -> Option<Vec<u8>> {
        self.as_ref().and_then(T::to_text)
    }

    fn from_text(text: Option<&[u8]>, record: &str, field: &str) -> Result<Self, String> {
        match text {
            None => Ok(None),
            Some(_) => T::from_text(text, record, field).map(Some),
        }
    }
}

/// The value of field `name` among a hash's fields (the last one, should a reply repeat
/// it).
#[doc(hidden)]
pub fn field<'a>(fields: &'a [(Vec<u8>, Vec<u8>)], name: &str) -> Option<&'a [u8]> {
    fields.iter().rev().find(|(f, _)| f == name.as_bytes()).map(|(_, v)| v.as_slice())
}

/// The fields and values of a hash-shaped reply: a flat array `f1, v1, f2, v2, ..` (an
/// `HGETALL` in RESP2, or a redis function returning a record) or a RESP3 map.
#[doc(hidden)]
pub fn reply_fields(v: RedisValue) -> Result<Vec<(Vec<u8>, Vec<u8>)>, redis::ParsingError> {
    fn bytes(v: RedisValue) -> Result<Vec<u8>, redis::ParsingError> {
        match v {
            RedisValue::BulkString(b) => Ok(b),
            RedisValue::SimpleString(s) => Ok(s.into_bytes()),
            RedisValue::Int(n) => Ok(n.to_string().into_bytes()),
            other => Err(format!("a record's field or value must be a string, found {other:?}").into()),
        }
    }
    match v {
        RedisValue::Array(items) if items.len() % 2 == 0 => {
            let mut out = Vec::with_capacity(items.len() / 2);
            let mut it = items.into_iter();
            while let (Some(f), Some(v)) = (it.next(), it.next()) {
                out.push((bytes(f)?, bytes(v)?));
            }
            Ok(out)
        }
        RedisValue::Map(pairs) => pairs.into_iter().map(|(f, v)| Ok((bytes(f)?, bytes(v)?))).collect(),
        other => Err(format!("a record is a hash: an array of fields and values, found {other:?}").into()),
    }
}

/// Reads the hash at `key` as a record: `None` when there is no such hash (HGETALL
/// replies with no fields), a rejection when a field is missing or has the wrong type.
/// Inside a redis function it is always followed by `?`.
///
/// ```
/// #[redlua::library(name = "doc_hgetall_as")]
/// mod jobs {
///     use redlua::prelude::*;
///
///     #[derive(Record, Debug, PartialEq, Clone)]
///     pub struct Job {
///         pub id: String,
///         pub attempts: i64,
///         pub owner: Option<String>,
///     }
///
///     #[redis_function]
///     pub fn bump(job: Key) -> Result<Option<Job>, Reject> {
///         let Some(found) = hgetall_as::<Job>(&job)? else { return Ok(None) };
///         let mut j = found;
///         j.attempts += 1;
///         hset_record(&job, &j);
///         Ok(Some(j))
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// use jobs::Job;
/// let job = Job { id: "j1".into(), attempts: 0, owner: Some("ann".into()) };
/// redis::cmd("HSET").arg("job:1").arg(&job).exec(&mut con).unwrap();
/// let bumped = jobs::bump("job:1").call(&mut con).unwrap();
/// assert_eq!(bumped, Some(Job { attempts: 1, ..job }));
/// let stored: Job = redis::cmd("HGETALL").arg("job:1").query(&mut con).unwrap();
/// assert_eq!(stored.attempts, 1);
/// redis::cmd("HSET").arg("job:1").arg("attempts").arg("many").exec(&mut con).unwrap();
/// let err = jobs::bump("job:1").call(&mut con).unwrap_err();
/// assert!(matches!(err, redlua::Error::Rejected { ref message } if message == "Job.attempts is not a valid i64"));
/// ```
pub fn hgetall_as<T: Record>(key: impl Borrow<Key>) -> Result<Option<T>, Reject> {
    let reply = query(redis::cmd("HGETALL").arg(key.borrow().as_bytes()));
    let fields = reply_fields(reply).unwrap_or_else(|e| panic!("redlua: unexpected HGETALL reply: {e}"));
    if fields.is_empty() {
        return Ok(None);
    }
    T::from_hash(&fields).map(Some).map_err(Reject::new)
}

/// Writes a record into the hash at `key`: one `HSET` of its `Some` fields (when it has
/// any), then one `HDEL` of its `None` fields (when it has any). Other fields of the hash
/// are left as they are.
pub fn hset_record<T: Record>(key: impl Borrow<Key>, record: &T) {
    let key = key.borrow().as_bytes();
    let (mut set, mut del) = (redis::cmd("HSET"), redis::cmd("HDEL"));
    set.arg(key);
    del.arg(key);
    let (mut sets, mut dels) = (0, 0);
    for (name, text) in record.to_hash() {
        match text {
            Some(t) => {
                set.arg(name).arg(t);
                sets += 1;
            }
            None => {
                del.arg(name);
                dels += 1;
            }
        }
    }
    if sets > 0 {
        query(&set);
    }
    if dels > 0 {
        query(&del);
    }
}
