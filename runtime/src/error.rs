//! The one error type of redlua calls.

use std::fmt;

/// Where in the Rust source a Lua runtime error happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLocation {
    /// The Rust file name.
    pub file: &'static str,
    /// The Rust line.
    pub line: u32,
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// An error from a redlua call.
///
/// Server errors are classified by their error code (`NOSCRIPT`, `BUSY`, ...), never by
/// their full text, which differs between Redis and Valkey versions.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The function returned `Err(reject!(..))`: its own, deliberate refusal.
    Rejected {
        /// The message given to `reject!`.
        message: String,
    },
    /// The Lua code raised an error at run time (integer overflow, a value that is not
    /// an integer, a command error), mapped back to the Rust line when possible.
    Script {
        /// The server's message.
        message: String,
        /// The Rust source line of the statement that failed, when known.
        location: Option<SourceLocation>,
    },
    /// The library or script was missing and loading it did not make it available.
    NotLoaded {
        /// The library or script name.
        name: String,
        /// What the server said.
        detail: String,
    },
    /// A script or function is running past the server's time limit (`BUSY`).
    Busy(redis::RedisError),
    /// The server is a read-only replica (`READONLY`).
    ReadOnlyReplica(redis::RedisError),
    /// An argument could not be sent as one Redis argument, or is out of range.
    Argument {
        /// What is wrong.
        message: String,
    },
    /// The reply did not have the expected type.
    Reply {
        /// What could not be converted.
        message: String,
    },
    /// Any other error from the server or the connection.
    Redis(redis::RedisError),
}

impl Error {
    /// Classifies a server or connection error by its error code.
    pub(crate) fn from_redis(e: redis::RedisError) -> Error {
        match e.code() {
            Some("REJECT") => Error::Rejected { message: e.detail().unwrap_or_default().to_string() },
            Some("BUSY") => Error::Busy(e),
            Some("READONLY") => Error::ReadOnlyReplica(e),
            _ => Error::Redis(e),
        }
    }

    /// The underlying redis-rs error, if there is one.
    pub fn redis_error(&self) -> Option<&redis::RedisError> {
        match self {
            Error::Busy(e) | Error::ReadOnlyReplica(e) | Error::Redis(e) => Some(e),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Rejected { message } => write!(f, "rejected by the function: {message}"),
            Error::Script { message, location: Some(l) } => write!(f, "error in redis function at {l}: {message}"),
            Error::Script { message, location: None } => write!(f, "error in redis function: {message}"),
            Error::NotLoaded { name, detail } => write!(f, "`{name}` is not loaded on the server and loading it failed: {detail}"),
            Error::Busy(e) => write!(f, "the server is busy running a script or function: {e}"),
            Error::ReadOnlyReplica(e) => write!(f, "the server is a read-only replica: {e}"),
            Error::Argument { message } => write!(f, "invalid argument: {message}"),
            Error::Reply { message } => write!(f, "unexpected reply: {message}"),
            Error::Redis(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.redis_error().map(|e| e as _)
    }
}

impl From<redis::RedisError> for Error {
    fn from(e: redis::RedisError) -> Self {
        Error::from_redis(e)
    }
}
