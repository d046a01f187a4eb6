//! `Key` and `Reject`: the types of redis function signatures.

use std::fmt;

/// A Redis key, passed to a redis function in `KEYS`.
///
/// Inside a redis function a `Key` can only come from a parameter: building one from
/// a string there is a compile error (it would break Redis Cluster routing). In
/// application code, make one from a string or bytes to call a native twin.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key(Vec<u8>);

impl Key {
    /// A key with the given name.
    pub fn new(name: impl Into<Vec<u8>>) -> Key {
        Key(name.into())
    }

    /// The key's name as bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The key named by this key's name followed by `suffix` (`queue.derive(":wait")`).
    ///
    /// Inside a redis function this is how related keys are named without breaking
    /// Redis Cluster routing: give the base key a hash tag (`{queue}`), and every
    /// derived key hashes to the same slot.
    pub fn derive(&self, suffix: impl AsRef<[u8]>) -> Key {
        let mut k = self.0.clone();
        k.extend_from_slice(suffix.as_ref());
        Key(k)
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    message: String,
}

impl Reject {
    /// A rejection with `message` (newlines become spaces, as in the reply).
    pub fn new(message: impl Into<String>) -> Reject {
        let message: String = message.into();
        Reject { message: message.replace(['\r', '\n'], " ") }
    }

    /// The message.
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
/// Takes one string literal: the message of the error reply.
#[macro_export]
macro_rules! reject {
    ($message:literal) => {
        $crate::Reject::new($message)
    };
}
