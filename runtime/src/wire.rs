//! What goes over the connection: sending a command or a pipeline, decoding replies, and
//! the [`Wire`] trait through which every exchange with a server is written once for the
//! sync and the async ways.
//!
//! A body that talks to a server is an `async fn` generic over [`Wire`] (or [`ClusterWire`] on
//! Redis Cluster). The async methods await it over [`Async`]; the sync methods run it with
//! [`now`] over [`Blocking`], whose requests are made when they are sent, so the body
//! never waits. One body, two ways, nothing to keep in step.
//!
//! This module uses no other module of the crate but `error`.

use crate::error::{Error, SourceLocation};
use redis::{ConnectionLike, FromRedisValue, RedisResult, Value};
use std::future::Future;

/// A connection as seen by the bodies written once for both ways.
///
/// A body must await each request where it makes it (`w.req(&cmd).await`): over
/// [`Blocking`] the request is made when the method is called, over [`Async`] when the
/// future is awaited, and only "await at once" gives both the same order.
pub(crate) trait Wire {
    /// Sends one command; a server error reply becomes `Err`.
    fn req<'a>(&'a mut self, cmd: &'a redis::Cmd) -> impl Future<Output = RedisResult<Value>> + 'a;

    /// Sends a pipeline: one reply per command, or `EXEC`'s for a transaction.
    fn send<'a>(&'a mut self, pipe: &'a redis::Pipeline) -> impl Future<Output = RedisResult<Vec<Value>>> + 'a;

    /// True when no one else sends on this connection between two requests of a body (a
    /// sync connection, borrowed mutably); false when it may be shared (an async
    /// multiplexed connection and its clones).
    fn exclusive(&self) -> bool {
        false
    }
}

/// A sync connection ([`redis::ConnectionLike`]): requests are made at once; run a body
/// over it with [`now`].
pub(crate) struct Blocking<'c, C: ?Sized>(pub(crate) &'c mut C);

impl<C: ConnectionLike + ?Sized> Wire for Blocking<'_, C> {
    fn exclusive(&self) -> bool {
        true
    }

    fn req<'a>(&'a mut self, cmd: &'a redis::Cmd) -> impl Future<Output = RedisResult<Value>> + 'a {
        std::future::ready(req(self.0, cmd))
    }

    fn send<'a>(&'a mut self, pipe: &'a redis::Pipeline) -> impl Future<Output = RedisResult<Vec<Value>>> + 'a {
        let packed = pipe.get_packed_pipeline();
        std::future::ready(if pipe.is_transaction() {
            self.0.req_packed_commands(&packed, pipe.len() + 1, 1)
        } else {
            self.0.req_packed_commands(&packed, 0, pipe.len())
        })
    }
}

/// An async connection ([`redis::aio::ConnectionLike`]).
#[cfg(feature = "aio")]
pub(crate) struct Async<'c, C: ?Sized>(pub(crate) &'c mut C);

#[cfg(feature = "aio")]
impl<C: redis::aio::ConnectionLike + ?Sized> Wire for Async<'_, C> {
    fn req<'a>(&'a mut self, cmd: &'a redis::Cmd) -> impl Future<Output = RedisResult<Value>> + 'a {
        // The connection's own future (boxed, `Send`): the body's future is `Send` when
        // the connection is.
        let reply = self.0.req_packed_command(cmd);
        async move { server_error(reply.await) }
    }

    fn send<'a>(&'a mut self, pipe: &'a redis::Pipeline) -> impl Future<Output = RedisResult<Vec<Value>>> + 'a {
        if pipe.is_transaction() {
            self.0.req_packed_commands(pipe, pipe.len() + 1, 1)
        } else {
            self.0.req_packed_commands(pipe, 0, pipe.len())
        }
    }
}

/// A Redis Cluster connection, which can also send a command to chosen nodes.
#[cfg(feature = "cluster")]
pub(crate) trait ClusterWire: Wire {
    /// Sends `cmd` where `to` says. The reply is as the connection gives it (a server
    /// error stays a value; see [`server_error`]).
    fn route<'a>(&'a mut self, cmd: &'a redis::Cmd, to: redis::cluster_routing::RoutingInfo) -> impl Future<Output = RedisResult<Value>> + 'a;
}

#[cfg(feature = "cluster")]
impl ClusterWire for Blocking<'_, redis::cluster::ClusterConnection> {
    fn route<'a>(&'a mut self, cmd: &'a redis::Cmd, to: redis::cluster_routing::RoutingInfo) -> impl Future<Output = RedisResult<Value>> + 'a {
        std::future::ready(self.0.route_command(cmd, to))
    }
}

#[cfg(feature = "cluster-async")]
impl ClusterWire for Async<'_, redis::cluster_async::ClusterConnection> {
    fn route<'a>(&'a mut self, cmd: &'a redis::Cmd, to: redis::cluster_routing::RoutingInfo) -> impl Future<Output = RedisResult<Value>> + 'a {
        self.0.route_command(cmd.clone(), to)
    }
}

/// Which version of a library a server holds (see [`Library::status`](crate::Library::status)).
///
/// ```
/// use redlua::LibraryStatus;
///
/// mod v1 {
///     #[redlua::library(name = "doc_status")]
///     pub mod greet {
///         use redlua::prelude::*;
///         #[redis_function(read_only)]
///         pub fn hello(name: String) -> String { format!("hello {name}") }
///     }
/// }
/// mod v2 {
///     // Another build of the same library: never loaded together with v1, so its
///     // function names may repeat v1's in one crate.
///     #[redlua::library(name = "doc_status", separate_server)]
///     pub mod greet {
///         use redlua::prelude::*;
///         #[redis_function(read_only)]
///         pub fn hello(name: String) -> String { format!("hi {name}") }
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert_eq!(v1::greet::LIBRARY.status(&mut con).unwrap(), LibraryStatus::Missing);
/// v1::greet::LIBRARY.load(&mut con).unwrap();
/// assert_eq!(v1::greet::LIBRARY.status(&mut con).unwrap(), LibraryStatus::Current);
/// // What a client built from other code sees:
/// let other = LibraryStatus::Other { stamp: v1::greet::LIBRARY.stamp().to_string() };
/// assert_eq!(v2::greet::LIBRARY.status(&mut con).unwrap(), other);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LibraryStatus {
    /// No library of that name.
    Missing,
    /// Exactly this code.
    Current,
    /// Other code under the same name: another version (a rolling deploy, an old
    /// client) or someone else's library.
    Other {
        /// The SHA1 of the server's code, comparable with [`Library::stamp`](crate::Library::stamp) of other builds.
        stamp: String,
    },
}

/// Runs a body over [`Blocking`] to its end. Its requests are made when they are sent,
/// so it is done after one poll; a body that would wait (it awaited something that is
/// not a [`Wire`] request) is an error of this crate, reported as such.
pub(crate) fn now<T>(body: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
    let mut body = std::pin::pin!(body);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match body.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(out) => out,
        std::task::Poll::Pending => {
            Err(Error::Reply { message: "internal error of redlua: a sync request waited for an async one".into() })
        }
    }
}

/// One command: what to send, where on a cluster, and how to read the reply.
pub(crate) struct Op<T> {
    pub(crate) cmd: redis::Cmd,
    /// On a cluster: every node (replicas too) rather than the primaries only.
    #[cfg_attr(not(feature = "cluster"), allow(dead_code))]
    pub(crate) all_nodes: bool,
    pub(crate) read: fn(RedisResult<Value>) -> Result<T, Error>,
}

impl<T> Op<T> {
    /// `cmd`, read by `read`, sent to the primaries of a cluster.
    pub(crate) fn new(cmd: &mut redis::Cmd, read: fn(RedisResult<Value>) -> Result<T, Error>) -> Op<T> {
        Op { cmd: cmd.clone(), all_nodes: false, read }
    }

    /// Sends the command and reads the reply.
    pub(crate) async fn on<W: Wire>(self, w: &mut W) -> Result<T, Error> {
        (self.read)(w.req(&self.cmd).await)
    }
}

/// Sends one command on a sync connection; a server error reply becomes `Err`.
pub(crate) fn req<C: ConnectionLike + ?Sized>(con: &mut C, cmd: &redis::Cmd) -> RedisResult<Value> {
    server_error(con.req_command(cmd))
}

/// A server error reply as `Err`.
pub(crate) fn server_error(r: RedisResult<Value>) -> RedisResult<Value> {
    match r {
        Ok(Value::ServerError(e)) => Err(e.into()),
        other => other,
    }
}

/// True for the server's refusal of an `FCALL` of a function it does not have: exactly
/// `ERR Function not found` (Redis 7 and Valkey send the same text). An error raised
/// while a function ran ends with the server's location suffix, and `reject!` cannot
/// produce this text (the compiler refuses it), so a call that ran never matches.
pub(crate) fn is_function_not_found(e: &redis::RedisError) -> bool {
    e.code() == Some("ERR") && e.detail() == Some("Function not found")
}

/// True for the server's `NOSCRIPT` refusal of an `EVALSHA` (the text differs between
/// servers; the code is enough: `reject!` cannot use it, and an error raised while a
/// script ran carries the server's location suffix).
pub(crate) fn is_noscript(e: &redis::RedisError) -> bool {
    e.code() == Some("NOSCRIPT") && !crate::error::raised_while_running(e)
}

/// A reply as the Rust type asked for.
pub(crate) fn decode_value<T: FromRedisValue>(v: Value) -> Result<T, Error> {
    T::from_redis_value(v).map_err(|e| Error::Reply { message: e.to_string() })
}

/// Maps `user_function:N:` in a server message to the Rust line of Lua line N.
pub(crate) fn locate(message: &str, marker: &str, file: &'static str, lines: &[(u32, u32)]) -> Option<SourceLocation> {
    let rest = &message[message.find(marker)? + marker.len()..];
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    let lua_line: u32 = digits.parse().ok()?;
    // The nearest mapped statement at or before the Lua line.
    let rust = lines.iter().rev().find(|(l, _)| *l <= lua_line).map(|(_, r)| *r)?;
    Some(SourceLocation { file, line: rust })
}

/// The bytes of a string reply.
pub(crate) fn bytes(v: &Value) -> Option<Vec<u8>> {
    match v {
        Value::BulkString(b) => Some(b.clone()),
        Value::SimpleString(s) => Some(s.as_bytes().to_vec()),
        Value::VerbatimString { text, .. } => Some(text.as_bytes().to_vec()),
        _ => None,
    }
}

/// The fields of a RESP2 flat array or RESP3 map as `(name, value)` pairs.
pub(crate) fn map_fields(v: Value) -> Vec<(Vec<u8>, Value)> {
    match v {
        Value::Map(pairs) => pairs.into_iter().filter_map(|(k, v)| bytes(&k).map(|k| (k, v))).collect(),
        Value::Array(items) => {
            let mut out = Vec::new();
            let mut it = items.into_iter();
            while let (Some(k), Some(v)) = (it.next(), it.next()) {
                if let Some(k) = bytes(&k) {
                    out.push((k, v));
                }
            }
            out
        }
        _ => Vec::new(),
    }
}

/// The booleans of a `SCRIPT EXISTS` reply.
pub(crate) fn exists_reply(v: Value) -> Vec<bool> {
    match v {
        Value::Array(items) => items.into_iter().map(|i| matches!(i, Value::Int(1) | Value::Boolean(true))).collect(),
        Value::Int(n) => vec![n == 1],
        Value::Boolean(b) => vec![b],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_runs_a_body_that_never_waits_and_refuses_one_that_would() {
        assert_eq!(now(async { Ok::<_, Error>(std::future::ready(3).await + 1) }).unwrap(), 4);
        let waits = now(async {
            std::future::pending::<()>().await;
            Ok(())
        });
        assert!(matches!(waits, Err(Error::Reply { message }) if message.contains("internal error")));
    }

    #[test]
    fn locate_maps_lua_lines_to_the_nearest_statement_before() {
        let lines = &[(5, 10), (7, 12), (9, 15)];
        let l = locate("ERR user_function:8: redlua: integer overflow", "user_function:", "bank.rs", lines);
        assert_eq!(l, Some(SourceLocation { file: "bank.rs", line: 12 }));
        assert_eq!(locate("ERR user_function:3: x", "user_function:", "bank.rs", lines), None);
        assert_eq!(locate("ERR other", "user_function:", "bank.rs", lines), None);
    }

    #[test]
    fn only_the_servers_refusals_count_as_missing_code() {
        let e = |code: &str, detail: &str| redis::make_extension_error(code.to_string(), Some(detail.to_string()));
        assert!(is_function_not_found(&e("ERR", "Function not found")));
        assert!(is_noscript(&e("NOSCRIPT", "No matching script. Please use EVAL.")));
        assert!(is_noscript(&e("NOSCRIPT", "No matching script.")));
        // Raised while a function ran (Redis 7.0 and Valkey 9.1 suffixes): it ran.
        assert!(!is_function_not_found(&e("ERR", "Function not found script: f, on @user_function:3.")));
        assert!(!is_function_not_found(&e("ERR", "Function not found script: on @user_function:3.")));
        assert!(!is_noscript(&e("NOSCRIPT", "No matching script. script: f, on @user_function:3.")));
        // Any other text.
        assert!(!is_function_not_found(&e("ERR", "Function not found, try again")));
        assert!(!is_function_not_found(&e("REJECT", "Function not found")));
    }
}
