//! `Key` and `Reject`: the types of redis function signatures.

use std::fmt;

/// A Redis key, passed to a redis function in `KEYS`.
///
/// Inside a redis function a `Key` can only come from a parameter: building one from
/// a string there is a compile error (it would break Redis Cluster routing). In
/// application code, make one from a string or bytes to call a native twin.
///
/// ```
/// use redlua::Key;
///
/// #[redlua::library(name = "doc_key")]
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
/// // The stub takes the key's name; it is sent in KEYS.
/// assert_eq!(counters::bump("hits").call(&mut con).unwrap(), 1);
/// // The native twin takes a `Key`, made from a string or bytes.
/// let hits = Key::from("hits");
/// assert_eq!(redlua::twin::run(&mut con, || counters::twin::bump(hits.clone())), 2);
/// assert_eq!(Key::from(b"hits".as_slice()), hits);
/// assert_eq!(format!("{hits:?}"), r#"Key("hits")"#);
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key(Vec<u8>);

impl Key {
    /// A key with the given name.
    ///
    /// ```
    /// use redlua::Key;
    ///
    /// let key = Key::new("acct:{alice}");
    /// assert_eq!(key.as_bytes(), b"acct:{alice}");
    /// assert_eq!(key, Key::from(String::from("acct:{alice}")));
    /// ```
    pub fn new(name: impl Into<Vec<u8>>) -> Key {
        Key(name.into())
    }

    /// The key's name as bytes.
    ///
    /// ```
    /// use redlua::Key;
    ///
    /// assert_eq!(Key::from(vec![0xff, b'k']).as_bytes(), &[0xff, b'k']);
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The key named by this key's name followed by `suffix` (`queue.derive(":wait")`).
    ///
    /// Inside a redis function this is how related keys are named without breaking
    /// Redis Cluster routing: give the base key a hash tag (`{queue}`), and every
    /// derived key hashes to the same slot.
    ///
    /// ```
    /// use redlua::Key;
    ///
    /// #[redlua::library(name = "doc_derive")]
    /// mod queue {
    ///     use redlua::prelude::*;
    ///
    ///     /// Moves a job to the queue's `:wait` list, a key derived from the queue.
    ///     #[redis_function]
    ///     pub fn enqueue(queue: Key, job: String) -> i64 {
    ///         rpush(&queue.derive(":wait"), &job)
    ///     }
    /// }
    ///
    /// assert_eq!(Key::from("q:{jobs}").derive(":wait"), Key::from("q:{jobs}:wait"));
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// assert_eq!(queue::enqueue("q:{jobs}", "mail".to_string()).call(&mut con).unwrap(), 1);
    /// let waiting: Vec<String> = redis::cmd("LRANGE").arg("q:{jobs}:wait").arg(0).arg(-1).query(&mut con).unwrap();
    /// assert_eq!(waiting, ["mail"]);
    /// ```
    pub fn derive(&self, suffix: impl AsRef<[u8]>) -> Key {
        let mut k = self.0.clone();
        k.extend_from_slice(suffix.as_ref());
        Key(k)
    }

    /// The key's name as data: a sorted set member that names another key, a PUBLISH
    /// channel, a key name stored in a hash. The key stays declared (it travels in KEYS);
    /// only this use of its name is data. A name that is not UTF-8 has its invalid bytes
    /// replaced, as `String::from_utf8_lossy` does (the Lua keeps the bytes).
    ///
    /// ```
    /// #[redlua::library(name = "doc_key_name")]
    /// mod index {
    ///     use redlua::prelude::*;
    ///
    ///     /// Counts `item` and records its key's name in the `all` set.
    ///     #[redis_function]
    ///     pub fn track(item: Key, all: Key) -> i64 {
    ///         sadd(&all, &item.name());
    ///         incr(&item)
    ///     }
    /// }
    ///
    /// assert_eq!(redlua::Key::from("item:7").name(), "item:7");
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// index::track("item:{a}", "all:{a}").call(&mut con).unwrap();
    /// let names: Vec<String> = redis::cmd("SMEMBERS").arg("all:{a}").query(&mut con).unwrap();
    /// assert_eq!(names, ["item:{a}"]);
    /// ```
    pub fn name(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key({:?})", String::from_utf8_lossy(&self.0))
    }
}

impl From<&str> for Key {
    fn from(s: &str) -> Key {
        Key(s.as_bytes().to_vec())
    }
}

impl From<String> for Key {
    fn from(s: String) -> Key {
        Key(s.into_bytes())
    }
}

impl From<&[u8]> for Key {
    fn from(s: &[u8]) -> Key {
        Key(s.to_vec())
    }
}

impl From<Vec<u8>> for Key {
    fn from(s: Vec<u8>) -> Key {
        Key(s)
    }
}

impl redis::ToRedisArgs for Key {
    fn write_redis_args<W>(&self, out: &mut W)
    where
        W: ?Sized + redis::RedisWrite,
    {
        out.write_arg(&self.0)
    }
}

impl redis::ToSingleRedisArg for Key {}

/// A redis function's deliberate refusal: `Err(reject!("insufficient funds"))`.
///
/// The server replies with the error `REJECT <message>`; calls return
/// [`Error::Rejected`](crate::Error::Rejected) with the message.
///
/// ```
/// #[redlua::library(name = "doc_reject")]
/// mod bank {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn deposit(account: Key, amount: i64) -> Result<i64, Reject> {
///         if amount <= 0 {
///             return Err(reject!("amount must be positive"));
///         }
///         Ok(incr_by(&account, amount))
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert_eq!(bank::deposit("acct", 5).call(&mut con).unwrap(), 5);
/// match bank::deposit("acct", -1).call(&mut con) {
///     Err(redlua::Error::Rejected { message }) => assert_eq!(message, "amount must be positive"),
///     other => panic!("{other:?}"),
/// }
/// // The native twin returns the `Reject` itself.
/// let twin = redlua::twin::run(&mut con, || bank::twin::deposit("acct".into(), 0));
/// assert_eq!(twin.unwrap_err().message(), "amount must be positive");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    code: std::borrow::Cow<'static, str>,
    message: String,
}

impl Reject {
    /// A rejection with `message` (newlines become spaces, as in the reply).
    ///
    /// ```
    /// use redlua::Reject;
    ///
    /// let r = Reject::new("no\nfunds");
    /// assert_eq!(r.message(), "no funds");
    /// assert_eq!(r, redlua::reject!("no funds"));
    /// ```
    pub fn new(message: impl Into<String>) -> Reject {
        Reject::with_code("REJECT", message)
    }

    /// A rejection whose error reply starts with `code` instead of `REJECT`, for callers
    /// that already expect a given error (`reject!(code = "ERR", "insufficient funds")`
    /// replies exactly `ERR insufficient funds`, as a hand-written
    /// `redis.error_reply('ERR insufficient funds')` would). Calls receive it as
    /// [`Error::Redis`](crate::Error::Redis) with that code; only `REJECT` gives
    /// [`Error::Rejected`](crate::Error::Rejected).
    ///
    /// ```
    /// use redlua::Reject;
    ///
    /// let r = Reject::with_code("NOFUNDS", "balance too low");
    /// assert_eq!((r.code(), r.message()), ("NOFUNDS", "balance too low"));
    /// assert_eq!(r, redlua::reject!(code = "NOFUNDS", "balance too low"));
    /// assert_eq!(Reject::new("x").code(), "REJECT");
    /// ```
    pub fn with_code(code: &'static str, message: impl Into<String>) -> Reject {
        let message: String = message.into();
        Reject { code: std::borrow::Cow::Borrowed(code), message: message.replace(['\r', '\n'], " ") }
    }

    /// The error code of the reply: `REJECT` unless given with
    /// [`with_code`](Reject::with_code).
    ///
    /// ```
    /// assert_eq!(redlua::reject!("no").code(), "REJECT");
    /// assert_eq!(redlua::reject!(code = "ERR", "no").code(), "ERR");
    /// ```
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The message.
    ///
    /// ```
    /// let r = redlua::reject!("insufficient funds");
    /// assert_eq!(r.message(), "insufficient funds");
    /// assert_eq!(r.to_string(), "insufficient funds");
    /// ```
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Reject {}

/// Makes a [`Reject`]: `return Err(reject!("amount must be positive"));`.
///
/// Takes the message of the error reply `REJECT <message>` as `format!` does (a string
/// literal, then the values of its `{}`: `reject!("{} is over {}", n, max)`); or
/// `code = "CODE", ..` first for the reply `CODE message` (see [`Reject::with_code`]).
///
/// ```
/// #[redlua::library(name = "doc_reject_macro")]
/// mod limits {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn take(tokens: Key, n: i64) -> Result<i64, Reject> {
///         let left = get::<i64>(&tokens).unwrap_or(0);
///         if left < n {
///             return Err(reject!("not enough tokens"));
///         }
///         Ok(decr_by(&tokens, n))
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// redis::cmd("SET").arg("tokens").arg(3).exec(&mut con).unwrap();
/// assert_eq!(limits::take("tokens", 2).call(&mut con).unwrap(), 1);
/// let err = limits::take("tokens", 2).call(&mut con).unwrap_err();
/// assert!(matches!(err, redlua::Error::Rejected { ref message } if message == "not enough tokens"));
/// assert_eq!(redlua::reject!("not enough tokens").message(), "not enough tokens");
/// let (n, max) = (12, 10);
/// assert_eq!(redlua::reject!("{n} is over {}", max).message(), "12 is over 10");
/// assert_eq!(redlua::reject!(code = "task", "{} missing", "job:1").to_string(), "job:1 missing");
/// ```
#[macro_export]
macro_rules! reject {
    (code = $code:literal, $($message:tt)+) => {
        $crate::Reject::with_code($code, ::std::format!($($message)+))
    };
    ($($message:tt)+) => {
        $crate::Reject::new(::std::format!($($message)+))
    };
}
