//! Managing the Redis Functions of a server: list, stats, delete, dump and restore,
//! kill, and export of the generated Lua.
//!
//! These work on any server, for any library (not only redlua's). The functions at the
//! top take a sync connection to one server; `functions::aio` has the same over async
//! connections (crate feature `aio`), and `functions::cluster` runs them on every node of a
//! Redis Cluster (crate features `cluster`, `cluster-async`).
//!
//! ```no_run
//! # fn main() -> Result<(), redlua::Error> {
//! # let client = redis::Client::open("redis://127.0.0.1/").map_err(redlua::Error::from)?;
//! # let mut con = client.get_connection().map_err(redlua::Error::from)?;
//! for lib in redlua::functions::list(&mut con)? {
//!     println!("{} ({} functions)", lib.name, lib.functions.len());
//!     for f in &lib.functions {
//!         println!("  {} {:?}", f.name, f.flags);
//!     }
//! }
//! let backup = redlua::functions::dump(&mut con)?;
//! redlua::functions::restore(&mut con, &backup, redlua::functions::RestorePolicy::Replace)?;
//! # Ok(()) }
//! ```

use crate::error::Error;
use crate::library::{delete_op, Library, Script};
#[cfg(feature = "aio")]
use crate::wire::Async;
use crate::wire::{bytes, map_fields, now, Blocking, Op};
use redis::{ConnectionLike, Value};
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// One library on a server, as `FUNCTION LIST` describes it.
///
/// ```
/// #[redlua::library(name = "doc_library_info")]
/// mod bank {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn deposit(account: Key, amount: i64) -> i64 {
///         incr_by(&account, amount)
///     }
///
///     #[redis_function(read_only)]
///     pub fn balance(account: Key) -> i64 {
///         get::<i64>(&account).unwrap_or(0)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// bank::LIBRARY.load(&mut con).unwrap();
/// let libraries = redlua::functions::list(&mut con).unwrap();
/// let info: &redlua::functions::LibraryInfo = &libraries[0];
/// assert_eq!((info.name.as_str(), info.engine.as_str()), ("doc_library_info", "LUA"));
/// let names: Vec<&str> = info.functions.iter().map(|f| f.name.as_str()).collect();
/// // Each function under its own name, and under `<library>__<function>` for typed calls.
/// assert_eq!(names.len(), 4);
/// assert!(names.contains(&"deposit") && names.contains(&"balance"));
/// assert!(names.contains(&"doc_library_info__deposit"));
/// assert_eq!(info.code, None); // only with list_with_code
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LibraryInfo {
    /// The library name.
    pub name: String,
    /// The engine (`LUA`).
    pub engine: String,
    /// Its functions.
    pub functions: Vec<FunctionEntry>,
    /// Its code, when asked for ([`list_with_code`]).
    pub code: Option<String>,
}

impl LibraryInfo {
    /// The stamp (SHA1) of the code, when the code was asked for: compare it with
    /// [`Library::stamp`].
    ///
    /// ```
    /// #[redlua::library(name = "doc_library_info_stamp")]
    /// mod bank {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn deposit(account: Key, amount: i64) -> i64 {
    ///         incr_by(&account, amount)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn balance(account: Key) -> i64 {
    ///         get::<i64>(&account).unwrap_or(0)
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// bank::LIBRARY.load(&mut con).unwrap();
    /// let libraries = redlua::functions::list_with_code(&mut con).unwrap();
    /// // The server has the exact code of this build.
    /// assert_eq!(libraries[0].stamp().as_deref(), Some(bank::LIBRARY.stamp()));
    /// // Without the code, there is no stamp.
    /// assert_eq!(redlua::functions::list(&mut con).unwrap()[0].stamp(), None);
    /// ```
    pub fn stamp(&self) -> Option<String> {
        self.code.as_ref().map(|c| crate::library::stamp_of(c.as_bytes()))
    }
}

/// One function of a library on a server.
///
/// ```
/// #[redlua::library(name = "doc_function_entry")]
/// mod bank {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn deposit(account: Key, amount: i64) -> i64 {
///         incr_by(&account, amount)
///     }
///
///     #[redis_function(read_only)]
///     pub fn balance(account: Key) -> i64 {
///         get::<i64>(&account).unwrap_or(0)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// bank::LIBRARY.load(&mut con).unwrap();
/// let library = redlua::functions::list(&mut con).unwrap().remove(0);
/// let balance = library.functions.iter().find(|f| f.name == "balance").unwrap();
/// assert_eq!(balance.flags, ["no-writes"]); // #[redis_function(read_only)]
/// let deposit = library.functions.iter().find(|f| f.name == "deposit").unwrap();
/// assert!(deposit.flags.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FunctionEntry {
    /// The function name.
    pub name: String,
    /// Its description, if it has one.
    pub description: Option<String>,
    /// Its flags (`no-writes`, `allow-oom`, ...).
    pub flags: Vec<String>,
}

/// What `FUNCTION STATS` says.
///
/// ```
/// #[redlua::library(name = "doc_function_stats")]
/// mod bank {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn deposit(account: Key, amount: i64) -> i64 {
///         incr_by(&account, amount)
///     }
///
///     #[redis_function(read_only)]
///     pub fn balance(account: Key) -> i64 {
///         get::<i64>(&account).unwrap_or(0)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// bank::LIBRARY.load(&mut con).unwrap();
/// let stats: redlua::functions::FunctionStats = redlua::functions::stats(&mut con).unwrap();
/// assert_eq!(stats.running, None);
/// // One Lua library with two functions, each registered twice (its name, and the one of
/// // typed calls).
/// assert_eq!(stats.engines, [("LUA".to_string(), 1, 4)]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FunctionStats {
    /// The function running right now, if any.
    pub running: Option<RunningFunction>,
    /// Per engine: `(engine, libraries, functions)`.
    pub engines: Vec<(String, u64, u64)>,
}

/// A function that is running (seen from another connection).
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // A server that answers other connections 100 ms into a long function.
/// let server = redlua::testing::TestServer::builder().args(["--busy-reply-threshold", "100"]).start()?;
/// let mut con = server.connection()?;
/// let spin = "#!lua name=spin
/// redis.register_function{function_name='spin', callback=function() while true do end end, flags={'no-writes'}}";
/// redis::cmd("FUNCTION").arg("LOAD").arg(spin).exec(&mut con)?;
/// let mut busy = server.connection()?;
/// let spinning = std::thread::spawn(move || redis::cmd("FCALL").arg("spin").arg(0).exec(&mut busy));
/// let running = loop {
///     // Answered while the function runs, once it has run for 100 ms.
///     if let Some(running) = redlua::functions::stats(&mut con)?.running {
///         break running;
///     }
///     std::thread::sleep(std::time::Duration::from_millis(10));
/// };
/// assert_eq!(running.name, "spin");
/// assert_eq!(running.command[1..], ["spin", "0"]);
/// assert!(running.duration >= std::time::Duration::from_millis(100));
/// assert!(redlua::functions::kill(&mut con)?);
/// assert!(spinning.join().unwrap().is_err()); // the caller learns it was killed
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RunningFunction {
    /// The function name.
    pub name: String,
    /// The command that runs it, with its arguments.
    pub command: Vec<String>,
    /// How long it has been running.
    pub duration: Duration,
}

/// What [`restore`] does with the libraries the server already has.
///
/// ```
/// #[redlua::library(name = "doc_restore_policy")]
/// mod bank {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn deposit(account: Key, amount: i64) -> i64 {
///         incr_by(&account, amount)
///     }
///
///     #[redis_function(read_only)]
///     pub fn balance(account: Key) -> i64 {
///         get::<i64>(&account).unwrap_or(0)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// use redlua::functions::{self, RestorePolicy};
///
/// bank::LIBRARY.load(&mut con).unwrap();
/// let backup = functions::dump(&mut con).unwrap();
/// // APPEND refuses a library the server already has ...
/// assert!(functions::restore(&mut con, &backup, RestorePolicy::Append).is_err());
/// // ... REPLACE replaces it, FLUSH deletes everything first.
/// functions::restore(&mut con, &backup, RestorePolicy::Replace).unwrap();
/// redis::cmd("FUNCTION").arg("LOAD").arg("#!lua name=other\nredis.register_function('other', function() return 1 end)").exec(&mut con).unwrap();
/// functions::restore(&mut con, &backup, RestorePolicy::Flush).unwrap();
/// let names: Vec<String> = functions::list(&mut con).unwrap().into_iter().map(|l| l.name).collect();
/// assert_eq!(names, ["doc_restore_policy"]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestorePolicy {
    /// Add the dumped libraries; fail if one of them exists (`APPEND`, the default of Redis).
    Append,
    /// Add the dumped libraries, replacing those of the same name (`REPLACE`).
    Replace,
    /// Delete all libraries first (`FLUSH`).
    Flush,
}

fn ok_value(r: redis::RedisResult<Value>) -> Result<Value, Error> {
    r.map_err(Error::from_redis)
}

fn list_op() -> Op<Vec<LibraryInfo>> {
    Op::new(redis::cmd("FUNCTION").arg("LIST"), |r| ok_value(r).map(parse_list))
}

fn list_with_code_op() -> Op<Vec<LibraryInfo>> {
    Op::new(redis::cmd("FUNCTION").arg("LIST").arg("WITHCODE"), |r| ok_value(r).map(parse_list))
}

fn stats_op() -> Op<FunctionStats> {
    Op { all_nodes: true, ..Op::new(redis::cmd("FUNCTION").arg("STATS"), |r| ok_value(r).map(parse_stats)) }
}

fn dump_op() -> Op<Vec<u8>> {
    Op::new(redis::cmd("FUNCTION").arg("DUMP"), |r| match ok_value(r)? {
        Value::BulkString(b) => Ok(b),
        Value::Nil => Ok(Vec::new()),
        other => Err(Error::Reply { message: format!("FUNCTION DUMP replied {other:?}") }),
    })
}

fn restore_op(payload: &[u8], policy: RestorePolicy) -> Op<()> {
    let policy = match policy {
        RestorePolicy::Append => "APPEND",
        RestorePolicy::Replace => "REPLACE",
        RestorePolicy::Flush => "FLUSH",
    };
    Op::new(redis::cmd("FUNCTION").arg("RESTORE").arg(payload).arg(policy), |r| ok_value(r).map(drop))
}

fn kill_op(what: &str) -> Op<bool> {
    Op {
        all_nodes: true,
        ..Op::new(redis::cmd(what).arg("KILL"), |r| match r {
            Ok(_) => Ok(true),
            Err(e) if e.code() == Some("NOTBUSY") => Ok(false),
            Err(e) => Err(Error::from_redis(e)),
        })
    }
}

/// All libraries on the server, with their functions and flags (`FUNCTION LIST`).
///
/// ```
/// #[redlua::library(name = "doc_functions_list")]
/// mod bank {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn deposit(account: Key, amount: i64) -> i64 {
///         incr_by(&account, amount)
///     }
///
///     #[redis_function(read_only)]
///     pub fn balance(account: Key) -> i64 {
///         get::<i64>(&account).unwrap_or(0)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert!(redlua::functions::list(&mut con).unwrap().is_empty());
/// bank::LIBRARY.load(&mut con).unwrap();
/// let libraries = redlua::functions::list(&mut con).unwrap();
/// assert_eq!(libraries.len(), 1);
/// assert_eq!(libraries[0].name, "doc_functions_list");
/// assert_eq!(libraries[0].functions.len(), 4); // two functions, each also under the name of typed calls
/// ```
pub fn list<C: ConnectionLike + ?Sized>(con: &mut C) -> Result<Vec<LibraryInfo>, Error> {
    now(list_op().on(&mut Blocking(con)))
}

/// All libraries on the server with their code (`FUNCTION LIST WITHCODE`).
///
/// ```
/// #[redlua::library(name = "doc_functions_list_with_code")]
/// mod bank {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn deposit(account: Key, amount: i64) -> i64 {
///         incr_by(&account, amount)
///     }
///
///     #[redis_function(read_only)]
///     pub fn balance(account: Key) -> i64 {
///         get::<i64>(&account).unwrap_or(0)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// bank::LIBRARY.load(&mut con).unwrap();
/// let libraries = redlua::functions::list_with_code(&mut con).unwrap();
/// assert_eq!(libraries[0].code.as_deref(), Some(bank::LUA));
/// ```
pub fn list_with_code<C: ConnectionLike + ?Sized>(con: &mut C) -> Result<Vec<LibraryInfo>, Error> {
    now(list_with_code_op().on(&mut Blocking(con)))
}

/// The running function, if any, and the counts of libraries and functions
/// (`FUNCTION STATS`). Answered even while a function runs past the time limit.
///
/// ```
/// #[redlua::library(name = "doc_functions_stats")]
/// mod bank {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn deposit(account: Key, amount: i64) -> i64 {
///         incr_by(&account, amount)
///     }
///
///     #[redis_function(read_only)]
///     pub fn balance(account: Key) -> i64 {
///         get::<i64>(&account).unwrap_or(0)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// assert_eq!(redlua::functions::stats(&mut con).unwrap().engines, [("LUA".to_string(), 0, 0)]);
/// bank::LIBRARY.load(&mut con).unwrap();
/// let stats = redlua::functions::stats(&mut con).unwrap();
/// assert_eq!(stats.engines, [("LUA".to_string(), 1, 4)]);
/// assert!(stats.running.is_none());
/// ```
pub fn stats<C: ConnectionLike + ?Sized>(con: &mut C) -> Result<FunctionStats, Error> {
    now(stats_op().on(&mut Blocking(con)))
}

/// Deletes a library (`FUNCTION DELETE`); replies false when there was none of that name.
///
/// ```
/// #[redlua::library(name = "doc_functions_delete")]
/// mod bank {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn deposit(account: Key, amount: i64) -> i64 {
///         incr_by(&account, amount)
///     }
///
///     #[redis_function(read_only)]
///     pub fn balance(account: Key) -> i64 {
///         get::<i64>(&account).unwrap_or(0)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// bank::LIBRARY.load(&mut con).unwrap();
/// assert!(redlua::functions::delete(&mut con, "doc_functions_delete").unwrap());
/// assert!(!redlua::functions::delete(&mut con, "doc_functions_delete").unwrap()); // none left
/// // A call loads it again when it is needed.
/// assert_eq!(bank::deposit("acct", 5).call(&mut con).unwrap(), 5);
/// ```
pub fn delete<C: ConnectionLike + ?Sized>(con: &mut C, library: &str) -> Result<bool, Error> {
    now(delete_op(library).on(&mut Blocking(con)))
}

/// A binary copy of all libraries (`FUNCTION DUMP`), for [`restore`].
///
/// ```
/// #[redlua::library(name = "doc_functions_dump")]
/// mod bank {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn deposit(account: Key, amount: i64) -> i64 {
///         incr_by(&account, amount)
///     }
///
///     #[redis_function(read_only)]
///     pub fn balance(account: Key) -> i64 {
///         get::<i64>(&account).unwrap_or(0)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// use redlua::functions::{self, RestorePolicy};
///
/// assert!(functions::dump(&mut con).unwrap().len() > 0); // a server without libraries dumps a header
/// bank::LIBRARY.load(&mut con).unwrap();
/// let backup = functions::dump(&mut con).unwrap();
/// // Another server gets the same libraries.
/// # let other_server = redlua::testing::TestServer::start().unwrap();
/// # let mut other = other_server.connection().unwrap();
/// functions::restore(&mut other, &backup, RestorePolicy::Append).unwrap();
/// assert_eq!(functions::list(&mut other).unwrap()[0].name, "doc_functions_dump");
/// ```
pub fn dump<C: ConnectionLike + ?Sized>(con: &mut C) -> Result<Vec<u8>, Error> {
    now(dump_op().on(&mut Blocking(con)))
}

/// Restores libraries from a [`dump`] (`FUNCTION RESTORE`).
///
/// ```
/// #[redlua::library(name = "doc_functions_restore")]
/// mod bank {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn deposit(account: Key, amount: i64) -> i64 {
///         incr_by(&account, amount)
///     }
///
///     #[redis_function(read_only)]
///     pub fn balance(account: Key) -> i64 {
///         get::<i64>(&account).unwrap_or(0)
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// use redlua::functions::{self, RestorePolicy};
///
/// bank::LIBRARY.load(&mut con).unwrap();
/// let backup = functions::dump(&mut con).unwrap();
/// redis::cmd("FUNCTION").arg("FLUSH").exec(&mut con).unwrap();
/// assert!(functions::list(&mut con).unwrap().is_empty());
/// functions::restore(&mut con, &backup, RestorePolicy::Append).unwrap();
/// assert_eq!(bank::LIBRARY.status(&mut con).unwrap(), redlua::LibraryStatus::Current);
/// ```
pub fn restore<C: ConnectionLike + ?Sized>(con: &mut C, payload: &[u8], policy: RestorePolicy) -> Result<(), Error> {
    now(restore_op(payload, policy).on(&mut Blocking(con)))
}

/// Stops the function that is running past the time limit (`FUNCTION KILL`).
///
/// Replies true when one was killed, false when none was running (`NOTBUSY`). A function
/// that has already written cannot be killed: the server refuses (an [`Error::Redis`]
/// with code `UNKILLABLE`) and only `SHUTDOWN NOSAVE` stops it.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // A server that answers other connections 100 ms into a long function.
/// let server = redlua::testing::TestServer::builder().args(["--busy-reply-threshold", "100"]).start()?;
/// let mut con = server.connection()?;
/// let spin = "#!lua name=spin
/// redis.register_function{function_name='spin', callback=function() while true do end end, flags={'no-writes'}}";
/// redis::cmd("FUNCTION").arg("LOAD").arg(spin).exec(&mut con)?;
/// let mut busy = server.connection()?;
/// let spinning = std::thread::spawn(move || redis::cmd("FCALL").arg("spin").arg(0).exec(&mut busy));
/// let running = loop {
///     // Answered while the function runs, once it has run for 100 ms.
///     if let Some(running) = redlua::functions::stats(&mut con)?.running {
///         break running;
///     }
///     std::thread::sleep(std::time::Duration::from_millis(10));
/// };
/// assert_eq!(running.name, "spin");
/// assert!(redlua::functions::kill(&mut con)?); // stopped
/// assert!(spinning.join().unwrap().is_err());
/// assert!(!redlua::functions::kill(&mut con)?); // nothing runs now (NOTBUSY)
/// # Ok(()) }
/// ```
pub fn kill<C: ConnectionLike + ?Sized>(con: &mut C) -> Result<bool, Error> {
    now(kill_op("FUNCTION").on(&mut Blocking(con)))
}

/// Stops the EVAL script that is running past the time limit (`SCRIPT KILL`); as [`kill`].
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// // A server that answers other connections 100 ms into a long script.
/// let server = redlua::testing::TestServer::builder().args(["--busy-reply-threshold", "100"]).start()?;
/// let mut con = server.connection()?;
/// let mut busy = server.connection()?;
/// let spinning = std::thread::spawn(move || redis::cmd("EVAL").arg("while true do end").arg(0).exec(&mut busy));
/// // Until the script is killed, other commands are refused with BUSY.
/// while !redlua::functions::kill_script(&mut con)? {
///     std::thread::sleep(std::time::Duration::from_millis(10));
/// }
/// assert!(spinning.join().unwrap().is_err()); // the caller learns it was killed
/// assert!(!redlua::functions::kill_script(&mut con)?); // nothing runs now (NOTBUSY)
/// # Ok(()) }
/// ```
pub fn kill_script<C: ConnectionLike + ?Sized>(con: &mut C) -> Result<bool, Error> {
    now(kill_op("SCRIPT").on(&mut Blocking(con)))
}

/// The management functions over async connections (`aio::MultiplexedConnection`,
/// `aio::ConnectionManager`, or any `redis::aio::ConnectionLike`), crate feature `aio`.
/// Each does what the sync function of the same name does.
///
/// ```no_run
/// # async fn run() -> Result<(), redlua::Error> {
/// # let client = redis::Client::open("redis://127.0.0.1/").map_err(redlua::Error::from)?;
/// # let mut con = client.get_multiplexed_async_connection().await.map_err(redlua::Error::from)?;
/// use redlua::functions::aio;
/// let libraries = aio::list(&mut con).await?;
/// let backup = aio::dump(&mut con).await?;
/// if aio::kill(&mut con).await? {
///     println!("stopped a function that ran too long");
/// }
/// # Ok(()) }
/// ```
#[cfg(feature = "aio")]
pub mod aio {
    use super::*;
    use redis::aio::ConnectionLike;

    /// [`list`](super::list) over an async connection.
    ///
    /// ```
    /// #[redlua::library(name = "doc_aio_list")]
    /// mod bank {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn deposit(account: Key, amount: i64) -> i64 {
    ///         incr_by(&account, amount)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn balance(account: Key) -> i64 {
    ///         get::<i64>(&account).unwrap_or(0)
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use redlua::functions::aio;
    ///
    /// let mut con = server.client().unwrap().get_multiplexed_async_connection().await.unwrap();
    /// assert!(aio::list(&mut con).await.unwrap().is_empty());
    /// bank::LIBRARY.load_async(&mut con).await.unwrap();
    /// let libraries = aio::list(&mut con).await.unwrap();
    /// assert_eq!(libraries[0].name, "doc_aio_list");
    /// assert_eq!(libraries[0].functions.len(), 4); // two functions, each also under the name of typed calls
    /// # });
    /// ```
    pub async fn list<C: ConnectionLike + ?Sized>(con: &mut C) -> Result<Vec<LibraryInfo>, Error> {
        list_op().on(&mut Async(con)).await
    }

    /// [`list_with_code`](super::list_with_code) over an async connection.
    ///
    /// ```
    /// #[redlua::library(name = "doc_aio_list_with_code")]
    /// mod bank {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn deposit(account: Key, amount: i64) -> i64 {
    ///         incr_by(&account, amount)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn balance(account: Key) -> i64 {
    ///         get::<i64>(&account).unwrap_or(0)
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use redlua::functions::aio;
    ///
    /// let mut con = server.client().unwrap().get_multiplexed_async_connection().await.unwrap();
    /// bank::LIBRARY.load_async(&mut con).await.unwrap();
    /// let libraries = aio::list_with_code(&mut con).await.unwrap();
    /// assert_eq!(libraries[0].code.as_deref(), Some(bank::LUA));
    /// assert_eq!(libraries[0].stamp().as_deref(), Some(bank::LIBRARY.stamp()));
    /// # });
    /// ```
    pub async fn list_with_code<C: ConnectionLike + ?Sized>(con: &mut C) -> Result<Vec<LibraryInfo>, Error> {
        list_with_code_op().on(&mut Async(con)).await
    }

    /// [`stats`](super::stats) over an async connection.
    ///
    /// ```
    /// #[redlua::library(name = "doc_aio_stats")]
    /// mod bank {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn deposit(account: Key, amount: i64) -> i64 {
    ///         incr_by(&account, amount)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn balance(account: Key) -> i64 {
    ///         get::<i64>(&account).unwrap_or(0)
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use redlua::functions::aio;
    ///
    /// let mut con = server.client().unwrap().get_multiplexed_async_connection().await.unwrap();
    /// bank::LIBRARY.load_async(&mut con).await.unwrap();
    /// let stats = aio::stats(&mut con).await.unwrap();
    /// assert_eq!(stats.engines, [("LUA".to_string(), 1, 4)]);
    /// assert!(stats.running.is_none());
    /// # });
    /// ```
    pub async fn stats<C: ConnectionLike + ?Sized>(con: &mut C) -> Result<FunctionStats, Error> {
        stats_op().on(&mut Async(con)).await
    }

    /// [`delete`](super::delete) over an async connection.
    ///
    /// ```
    /// #[redlua::library(name = "doc_aio_delete")]
    /// mod bank {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn deposit(account: Key, amount: i64) -> i64 {
    ///         incr_by(&account, amount)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn balance(account: Key) -> i64 {
    ///         get::<i64>(&account).unwrap_or(0)
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use redlua::functions::aio;
    ///
    /// let mut con = server.client().unwrap().get_multiplexed_async_connection().await.unwrap();
    /// bank::LIBRARY.load_async(&mut con).await.unwrap();
    /// assert!(aio::delete(&mut con, "doc_aio_delete").await.unwrap());
    /// assert!(!aio::delete(&mut con, "doc_aio_delete").await.unwrap()); // none left
    /// # });
    /// ```
    pub async fn delete<C: ConnectionLike + ?Sized>(con: &mut C, library: &str) -> Result<bool, Error> {
        delete_op(library).on(&mut Async(con)).await
    }

    /// [`dump`](super::dump) over an async connection.
    ///
    /// ```
    /// #[redlua::library(name = "doc_aio_dump")]
    /// mod bank {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn deposit(account: Key, amount: i64) -> i64 {
    ///         incr_by(&account, amount)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn balance(account: Key) -> i64 {
    ///         get::<i64>(&account).unwrap_or(0)
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use redlua::functions::aio;
    ///
    /// let mut con = server.client().unwrap().get_multiplexed_async_connection().await.unwrap();
    /// use redlua::functions::RestorePolicy;
    ///
    /// bank::LIBRARY.load_async(&mut con).await.unwrap();
    /// let backup = aio::dump(&mut con).await.unwrap();
    /// redis::cmd("FUNCTION").arg("FLUSH").exec_async(&mut con).await.unwrap();
    /// aio::restore(&mut con, &backup, RestorePolicy::Append).await.unwrap();
    /// assert_eq!(aio::list(&mut con).await.unwrap()[0].name, "doc_aio_dump");
    /// # });
    /// ```
    pub async fn dump<C: ConnectionLike + ?Sized>(con: &mut C) -> Result<Vec<u8>, Error> {
        dump_op().on(&mut Async(con)).await
    }

    /// [`restore`](super::restore) over an async connection.
    ///
    /// ```
    /// #[redlua::library(name = "doc_aio_restore")]
    /// mod bank {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn deposit(account: Key, amount: i64) -> i64 {
    ///         incr_by(&account, amount)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn balance(account: Key) -> i64 {
    ///         get::<i64>(&account).unwrap_or(0)
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use redlua::functions::aio;
    ///
    /// let mut con = server.client().unwrap().get_multiplexed_async_connection().await.unwrap();
    /// use redlua::functions::RestorePolicy;
    ///
    /// bank::LIBRARY.load_async(&mut con).await.unwrap();
    /// let backup = aio::dump(&mut con).await.unwrap();
    /// // The library exists: APPEND refuses, REPLACE replaces it.
    /// assert!(aio::restore(&mut con, &backup, RestorePolicy::Append).await.is_err());
    /// aio::restore(&mut con, &backup, RestorePolicy::Replace).await.unwrap();
    /// assert_eq!(bank::balance("acct").call_async(&mut con).await.unwrap(), 0);
    /// # });
    /// ```
    pub async fn restore<C: ConnectionLike + ?Sized>(con: &mut C, payload: &[u8], policy: RestorePolicy) -> Result<(), Error> {
        restore_op(payload, policy).on(&mut Async(con)).await
    }

    /// [`kill`](super::kill) over an async connection.
    ///
    /// ```
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use redlua::functions::aio;
    ///
    /// let mut con = server.client().unwrap().get_multiplexed_async_connection().await.unwrap();
    /// // No function is running: nothing to stop (NOTBUSY).
    /// assert!(!aio::kill(&mut con).await.unwrap());
    /// # });
    /// ```
    pub async fn kill<C: ConnectionLike + ?Sized>(con: &mut C) -> Result<bool, Error> {
        kill_op("FUNCTION").on(&mut Async(con)).await
    }

    /// [`kill_script`](super::kill_script) over an async connection.
    ///
    /// ```
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use redlua::functions::aio;
    ///
    /// let mut con = server.client().unwrap().get_multiplexed_async_connection().await.unwrap();
    /// // No script is running: nothing to stop (NOTBUSY).
    /// assert!(!aio::kill_script(&mut con).await.unwrap());
    /// # });
    /// ```
    pub async fn kill_script<C: ConnectionLike + ?Sized>(con: &mut C) -> Result<bool, Error> {
        kill_op("SCRIPT").on(&mut Async(con)).await
    }
}

/// The management functions on Redis Cluster (crate feature `cluster`; the `*_async`
/// variants take an async cluster connection, crate feature `cluster-async`).
///
/// Each sends its command to every primary (`stats` and `kill` to every node, replicas
/// too, since a read-only function can run on a replica) and replies per node, as
/// `(address, reply)` with `host:port` addresses; [`restore`](cluster::restore) restores
/// the same dump on every primary.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use redlua::functions::cluster;
/// let client = redis::cluster::ClusterClient::new(vec!["redis://127.0.0.1:7000/"])?;
/// let mut con = client.get_connection()?;
/// for (node, libraries) in cluster::list(&mut con)? {
///     let names: Vec<&str> = libraries.iter().map(|l| l.name.as_str()).collect();
///     println!("{node}: {names:?}");
/// }
/// // Every primary loses the library `bank`.
/// let deleted: Vec<(String, bool)> = cluster::delete(&mut con, "bank")?;
/// # Ok(()) }
/// ```
#[cfg(feature = "cluster")]
pub mod cluster {
    use super::*;
    use crate::wire::{server_error, ClusterWire};
    use redis::cluster_routing::{MultipleNodeRoutingInfo, RoutingInfo};

    /// Replies of each node, in the order of their addresses.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use redlua::functions::cluster;
    ///
    /// let client = redis::cluster::ClusterClient::new(vec!["redis://127.0.0.1:7000/"])?;
    /// let mut con = client.get_connection()?;
    /// let per_node: cluster::PerNode<bool> = cluster::kill(&mut con)?;
    /// // One `(host:port, reply)` per node, sorted by address.
    /// assert!(per_node.windows(2).all(|w| w[0].0 < w[1].0));
    /// assert!(per_node.iter().all(|(node, stopped)| node.contains(':') && !stopped));
    /// # Ok(()) }
    /// ```
    pub type PerNode<T> = Vec<(String, T)>;

    fn routing<T>(op: &Op<T>) -> RoutingInfo {
        let nodes = if op.all_nodes { MultipleNodeRoutingInfo::AllNodes } else { MultipleNodeRoutingInfo::AllMasters };
        RoutingInfo::MultiNode((nodes, None))
    }

    /// The addresses of the nodes an operation goes to (asked with `PING` on each).
    fn addresses(reply: redis::RedisResult<Value>) -> Result<Vec<String>, Error> {
        let mut nodes: Vec<String> =
            crate::cluster::per_node_replies(reply.map_err(Error::from_redis)?)?.into_iter().map(|(n, _)| n).collect();
        nodes.sort();
        Ok(nodes)
    }

    fn ping() -> redis::Cmd {
        redis::cmd("PING")
    }

    // Each node is asked on its own: redis-rs turns the replies of a command sent to
    // several nodes into one error when one node answers with an error (`NOTBUSY`,
    // `Library not found`), which is a normal answer here.
    fn run<T>(con: &mut redis::cluster::ClusterConnection, op: Op<T>) -> Result<PerNode<T>, Error> {
        now(on_each(&mut Blocking(con), op))
    }

    #[cfg(feature = "cluster-async")]
    async fn run_async<T>(con: &mut redis::cluster_async::ClusterConnection, op: Op<T>) -> Result<PerNode<T>, Error> {
        on_each(&mut Async(con), op).await
    }

    /// [`run`] and [`run_async`].
    async fn on_each<T, W: ClusterWire>(w: &mut W, op: Op<T>) -> Result<PerNode<T>, Error> {
        let nodes = addresses(w.route(&ping(), routing(&op)).await)?;
        let mut out = Vec::with_capacity(nodes.len());
        for node in nodes {
            let r = server_error(w.route(&op.cmd, crate::cluster::by_address(&node)?).await);
            out.push((node, (op.read)(r)?));
        }
        Ok(out)
    }

    /// `FUNCTION LIST` on every primary.
    ///
    /// ```
    /// #[redlua::library(name = "doc_cluster_list")]
    /// mod bank {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn deposit(account: Key, amount: i64) -> i64 {
    ///         incr_by(&account, amount)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn balance(account: Key) -> i64 {
    ///         get::<i64>(&account).unwrap_or(0)
    ///     }
    /// }
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cluster = redlua::testing::TestCluster::start(3)?;
    /// let mut con = cluster.client()?.get_connection()?;
    /// use redlua::functions::cluster;
    /// bank::LIBRARY.load_cluster(&mut con)?;
    /// let per_node = cluster::list(&mut con)?;
    /// assert_eq!(per_node.len(), 3); // every primary
    /// for (node, libraries) in &per_node {
    ///     assert_eq!(libraries[0].name, "doc_cluster_list", "on {node}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list(con: &mut redis::cluster::ClusterConnection) -> Result<PerNode<Vec<LibraryInfo>>, Error> {
        run(con, list_op())
    }

    /// `FUNCTION LIST WITHCODE` on every primary.
    ///
    /// ```no_run
    /// #[redlua::library(name = "doc_cluster_list_with_code")]
    /// mod bank {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn deposit(account: Key, amount: i64) -> i64 {
    ///         incr_by(&account, amount)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn balance(account: Key) -> i64 {
    ///         get::<i64>(&account).unwrap_or(0)
    ///     }
    /// }
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use redlua::functions::cluster;
    ///
    /// let client = redis::cluster::ClusterClient::new(vec!["redis://127.0.0.1:7000/"])?;
    /// let mut con = client.get_connection()?;
    /// bank::LIBRARY.load_cluster(&mut con)?;
    /// // Every primary has the code of this build.
    /// for (node, libraries) in cluster::list_with_code(&mut con)? {
    ///     assert_eq!(libraries[0].stamp().as_deref(), Some(bank::LIBRARY.stamp()), "on {node}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_with_code(con: &mut redis::cluster::ClusterConnection) -> Result<PerNode<Vec<LibraryInfo>>, Error> {
        run(con, list_with_code_op())
    }

    /// `FUNCTION STATS` on every node, replicas included.
    ///
    /// ```
    /// #[redlua::library(name = "doc_cluster_stats")]
    /// mod bank {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn deposit(account: Key, amount: i64) -> i64 {
    ///         incr_by(&account, amount)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn balance(account: Key) -> i64 {
    ///         get::<i64>(&account).unwrap_or(0)
    ///     }
    /// }
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cluster = redlua::testing::TestCluster::start(3)?;
    /// let mut con = cluster.client()?.get_connection()?;
    /// use redlua::functions::cluster;
    /// bank::LIBRARY.load_cluster(&mut con)?;
    /// let per_node = cluster::stats(&mut con)?;
    /// assert_eq!(per_node.len(), 3); // every node: 3 primaries, no replicas here
    /// for (node, stats) in &per_node {
    ///     assert_eq!(stats.engines, [("LUA".to_string(), 1, 4)], "on {node}");
    ///     assert!(stats.running.is_none());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn stats(con: &mut redis::cluster::ClusterConnection) -> Result<PerNode<FunctionStats>, Error> {
        run(con, stats_op())
    }

    /// `FUNCTION DELETE` on every primary (replicas follow); per primary, whether it had it.
    ///
    /// ```no_run
    /// #[redlua::library(name = "doc_cluster_delete")]
    /// mod bank {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn deposit(account: Key, amount: i64) -> i64 {
    ///         incr_by(&account, amount)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn balance(account: Key) -> i64 {
    ///         get::<i64>(&account).unwrap_or(0)
    ///     }
    /// }
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use redlua::functions::cluster;
    ///
    /// let client = redis::cluster::ClusterClient::new(vec!["redis://127.0.0.1:7000/"])?;
    /// let mut con = client.get_connection()?;
    /// bank::LIBRARY.load_cluster(&mut con)?;
    /// let deleted = cluster::delete(&mut con, "doc_cluster_delete")?;
    /// assert!(deleted.iter().all(|(_, had_it)| *had_it));
    /// // A call loads it again where it is needed.
    /// assert_eq!(bank::deposit("acct", 5).call_cluster(&mut con)?, 5);
    /// # Ok(()) }
    /// ```
    pub fn delete(con: &mut redis::cluster::ClusterConnection, library: &str) -> Result<PerNode<bool>, Error> {
        run(con, delete_op(library))
    }

    /// `FUNCTION DUMP` of every primary.
    ///
    /// ```
    /// #[redlua::library(name = "doc_cluster_dump")]
    /// mod bank {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn deposit(account: Key, amount: i64) -> i64 {
    ///         incr_by(&account, amount)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn balance(account: Key) -> i64 {
    ///         get::<i64>(&account).unwrap_or(0)
    ///     }
    /// }
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let servers = redlua::testing::TestCluster::start(3)?;
    /// let mut con = servers.client()?.get_connection()?;
    /// use redlua::functions::cluster;
    /// use redlua::functions::RestorePolicy;
    ///
    /// bank::LIBRARY.load_cluster(&mut con)?;
    /// let dumps = cluster::dump(&mut con)?;
    /// assert_eq!(dumps.len(), 3);
    /// // Every primary holds the same library: any one dump restores them all.
    /// redis::cmd("FUNCTION").arg("FLUSH").exec(&mut servers.nodes()[0].connection()?)?;
    /// cluster::restore(&mut con, &dumps[1].1, RestorePolicy::Replace)?;
    /// for (node, libraries) in cluster::list(&mut con)? {
    ///     assert_eq!(libraries.len(), 1, "on {node}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn dump(con: &mut redis::cluster::ClusterConnection) -> Result<PerNode<Vec<u8>>, Error> {
        run(con, dump_op())
    }

    /// `FUNCTION RESTORE` of one dump on every primary (replicas follow).
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use redlua::functions::cluster;
    ///
    /// let client = redis::cluster::ClusterClient::new(vec!["redis://127.0.0.1:7000/"])?;
    /// let mut con = client.get_connection()?;
    /// use redlua::functions::RestorePolicy;
    ///
    /// // A dump taken from one server, restored on every primary.
    /// let mut single = redis::Client::open("redis://127.0.0.1:6379/")?.get_connection()?;
    /// let backup = redlua::functions::dump(&mut single)?;
    /// let restored = cluster::restore(&mut con, &backup, RestorePolicy::Replace)?;
    /// assert_eq!(restored.len(), 3);
    /// # Ok(()) }
    /// ```
    pub fn restore(
        con: &mut redis::cluster::ClusterConnection,
        payload: &[u8],
        policy: RestorePolicy,
    ) -> Result<PerNode<()>, Error> {
        run(con, restore_op(payload, policy))
    }

    /// `FUNCTION KILL` on every node; per node, whether it stopped a function.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use redlua::functions::cluster;
    ///
    /// let client = redis::cluster::ClusterClient::new(vec!["redis://127.0.0.1:7000/"])?;
    /// let mut con = client.get_connection()?;
    /// // Stops a function that runs too long, wherever it runs.
    /// let stopped: Vec<String> = cluster::kill(&mut con)?.into_iter().filter(|(_, s)| *s).map(|(node, _)| node).collect();
    /// assert!(stopped.len() <= 1);
    /// # Ok(()) }
    /// ```
    pub fn kill(con: &mut redis::cluster::ClusterConnection) -> Result<PerNode<bool>, Error> {
        run(con, kill_op("FUNCTION"))
    }

    /// `SCRIPT KILL` on every node; per node, whether it stopped a script.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use redlua::functions::cluster;
    ///
    /// let client = redis::cluster::ClusterClient::new(vec!["redis://127.0.0.1:7000/"])?;
    /// let mut con = client.get_connection()?;
    /// let per_node = cluster::kill_script(&mut con)?;
    /// if let Some((node, _)) = per_node.iter().find(|(_, stopped)| *stopped) {
    ///     println!("stopped a script on {node}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn kill_script(con: &mut redis::cluster::ClusterConnection) -> Result<PerNode<bool>, Error> {
        run(con, kill_op("SCRIPT"))
    }

    /// [`list`] over an async cluster connection.
    #[cfg(feature = "cluster-async")]
    ///
    /// ```
    /// #[redlua::library(name = "doc_cluster_list_async")]
    /// mod bank {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn deposit(account: Key, amount: i64) -> i64 {
    ///         incr_by(&account, amount)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn balance(account: Key) -> i64 {
    ///         get::<i64>(&account).unwrap_or(0)
    ///     }
    /// }
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let cluster = redlua::testing::TestCluster::start(3)?;
    /// # tokio::runtime::Runtime::new()?.block_on(async {
    /// let mut con = cluster.client()?.get_async_connection().await?;
    /// bank::LIBRARY.load_cluster_async(&mut con).await?;
    /// let per_node = redlua::functions::cluster::list_async(&mut con).await?;
    /// assert_eq!(per_node.len(), 3);
    /// assert!(per_node.iter().all(|(_, libraries)| libraries[0].name == "doc_cluster_list_async"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok(()) }
    /// ```
    pub async fn list_async(con: &mut redis::cluster_async::ClusterConnection) -> Result<PerNode<Vec<LibraryInfo>>, Error> {
        run_async(con, list_op()).await
    }

    /// [`list_with_code`] over an async cluster connection.
    #[cfg(feature = "cluster-async")]
    ///
    /// ```no_run
    /// #[redlua::library(name = "doc_cluster_list_with_code_async")]
    /// mod bank {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn deposit(account: Key, amount: i64) -> i64 {
    ///         incr_by(&account, amount)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn balance(account: Key) -> i64 {
    ///         get::<i64>(&account).unwrap_or(0)
    ///     }
    /// }
    ///
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use redlua::functions::cluster;
    ///
    /// let client = redis::cluster::ClusterClient::new(vec!["redis://127.0.0.1:7000/"])?;
    /// let mut con = client.get_async_connection().await?;
    /// bank::LIBRARY.load_cluster_async(&mut con).await?;
    /// for (node, libraries) in cluster::list_with_code_async(&mut con).await? {
    ///     assert_eq!(libraries[0].code.as_deref(), Some(bank::LUA), "on {node}");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn list_with_code_async(
        con: &mut redis::cluster_async::ClusterConnection,
    ) -> Result<PerNode<Vec<LibraryInfo>>, Error> {
        run_async(con, list_with_code_op()).await
    }

    /// [`stats`] over an async cluster connection.
    #[cfg(feature = "cluster-async")]
    ///
    /// ```no_run
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use redlua::functions::cluster;
    ///
    /// let client = redis::cluster::ClusterClient::new(vec!["redis://127.0.0.1:7000/"])?;
    /// let mut con = client.get_async_connection().await?;
    /// for (node, stats) in cluster::stats_async(&mut con).await? {
    ///     assert!(stats.running.is_none(), "a function runs on {node}");
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn stats_async(con: &mut redis::cluster_async::ClusterConnection) -> Result<PerNode<FunctionStats>, Error> {
        run_async(con, stats_op()).await
    }

    /// [`delete`] over an async cluster connection.
    #[cfg(feature = "cluster-async")]
    ///
    /// ```no_run
    /// #[redlua::library(name = "doc_cluster_delete_async")]
    /// mod bank {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn deposit(account: Key, amount: i64) -> i64 {
    ///         incr_by(&account, amount)
    ///     }
    ///
    ///     #[redis_function(read_only)]
    ///     pub fn balance(account: Key) -> i64 {
    ///         get::<i64>(&account).unwrap_or(0)
    ///     }
    /// }
    ///
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use redlua::functions::cluster;
    ///
    /// let client = redis::cluster::ClusterClient::new(vec!["redis://127.0.0.1:7000/"])?;
    /// let mut con = client.get_async_connection().await?;
    /// bank::LIBRARY.load_cluster_async(&mut con).await?;
    /// let deleted = cluster::delete_async(&mut con, "doc_cluster_delete_async").await?;
    /// assert!(deleted.iter().all(|(_, had_it)| *had_it));
    /// # Ok(()) }
    /// ```
    pub async fn delete_async(con: &mut redis::cluster_async::ClusterConnection, library: &str) -> Result<PerNode<bool>, Error> {
        run_async(con, delete_op(library)).await
    }

    /// [`dump`] over an async cluster connection.
    #[cfg(feature = "cluster-async")]
    ///
    /// ```no_run
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use redlua::functions::cluster;
    ///
    /// let client = redis::cluster::ClusterClient::new(vec!["redis://127.0.0.1:7000/"])?;
    /// let mut con = client.get_async_connection().await?;
    /// use redlua::functions::RestorePolicy;
    ///
    /// let dumps = cluster::dump_async(&mut con).await?;
    /// let (_, backup) = &dumps[0];
    /// let restored = cluster::restore_async(&mut con, backup, RestorePolicy::Replace).await?;
    /// assert_eq!(restored.len(), dumps.len());
    /// # Ok(()) }
    /// ```
    pub async fn dump_async(con: &mut redis::cluster_async::ClusterConnection) -> Result<PerNode<Vec<u8>>, Error> {
        run_async(con, dump_op()).await
    }

    /// [`restore`] over an async cluster connection.
    #[cfg(feature = "cluster-async")]
    ///
    /// ```no_run
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use redlua::functions::cluster;
    ///
    /// let client = redis::cluster::ClusterClient::new(vec!["redis://127.0.0.1:7000/"])?;
    /// let mut con = client.get_async_connection().await?;
    /// use redlua::functions::RestorePolicy;
    ///
    /// let mut single = redis::Client::open("redis://127.0.0.1:6379/")?.get_multiplexed_async_connection().await?;
    /// let backup = redlua::functions::aio::dump(&mut single).await?;
    /// let restored = cluster::restore_async(&mut con, &backup, RestorePolicy::Flush).await?;
    /// assert!(!restored.is_empty());
    /// # Ok(()) }
    /// ```
    pub async fn restore_async(
        con: &mut redis::cluster_async::ClusterConnection,
        payload: &[u8],
        policy: RestorePolicy,
    ) -> Result<PerNode<()>, Error> {
        run_async(con, restore_op(payload, policy)).await
    }

    /// [`kill`] over an async cluster connection.
    #[cfg(feature = "cluster-async")]
    ///
    /// ```no_run
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use redlua::functions::cluster;
    ///
    /// let client = redis::cluster::ClusterClient::new(vec!["redis://127.0.0.1:7000/"])?;
    /// let mut con = client.get_async_connection().await?;
    /// let stopped = cluster::kill_async(&mut con).await?.into_iter().filter(|(_, s)| *s).count();
    /// assert!(stopped <= 1);
    /// # Ok(()) }
    /// ```
    pub async fn kill_async(con: &mut redis::cluster_async::ClusterConnection) -> Result<PerNode<bool>, Error> {
        run_async(con, kill_op("FUNCTION")).await
    }

    /// [`kill_script`] over an async cluster connection.
    #[cfg(feature = "cluster-async")]
    ///
    /// ```no_run
    /// # #[tokio::main]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use redlua::functions::cluster;
    ///
    /// let client = redis::cluster::ClusterClient::new(vec!["redis://127.0.0.1:7000/"])?;
    /// let mut con = client.get_async_connection().await?;
    /// let stopped = cluster::kill_script_async(&mut con).await?.into_iter().filter(|(_, s)| *s).count();
    /// assert!(stopped <= 1);
    /// # Ok(()) }
    /// ```
    pub async fn kill_script_async(con: &mut redis::cluster_async::ClusterConnection) -> Result<PerNode<bool>, Error> {
        run_async(con, kill_op("SCRIPT")).await
    }
}

/// Writes the Lua of each library to `<dir>/<name>.lua` and of each script to
/// `<dir>/<name>.lua`, creating `dir` if needed; returns the paths written.
///
/// For deployments that load code with `redis-cli` instead of at run time:
///
/// ```text
/// redis-cli -x FUNCTION LOAD REPLACE < bank.lua
/// ```
pub fn export(dir: impl AsRef<Path>, libraries: &[&Library], scripts: &[&Script]) -> io::Result<Vec<PathBuf>> {
    let dir = dir.as_ref();
    let mut out = Vec::new();
    for l in libraries {
        out.push(l.export(dir)?);
    }
    for s in scripts {
        out.push(s.export(dir)?);
    }
    Ok(out)
}

fn text(v: &Value) -> Option<String> {
    bytes(v).map(|b| String::from_utf8_lossy(&b).into_owned())
}

fn int(v: &Value) -> u64 {
    match v {
        Value::Int(n) => u64::try_from(*n).unwrap_or(0),
        other => text(other).and_then(|t| t.parse().ok()).unwrap_or(0),
    }
}

fn items(v: Value) -> Vec<Value> {
    match v {
        Value::Array(items) | Value::Set(items) => items,
        _ => Vec::new(),
    }
}

fn field<'a>(fields: &'a [(Vec<u8>, Value)], name: &str) -> Option<&'a Value> {
    fields.iter().find(|(k, _)| k == name.as_bytes()).map(|(_, v)| v)
}

fn take_field(fields: &mut Vec<(Vec<u8>, Value)>, name: &str) -> Option<Value> {
    let i = fields.iter().position(|(k, _)| k == name.as_bytes())?;
    Some(fields.swap_remove(i).1)
}

pub(crate) fn parse_list(v: Value) -> Vec<LibraryInfo> {
    items(v)
        .into_iter()
        .map(|lib| {
            let mut fields = map_fields(lib);
            let name = field(&fields, "library_name").and_then(text).unwrap_or_default();
            let engine = field(&fields, "engine").and_then(text).unwrap_or_default();
            let code = field(&fields, "library_code").and_then(text);
            let functions = take_field(&mut fields, "functions")
                .map(items)
                .unwrap_or_default()
                .into_iter()
                .map(|f| {
                    let f = map_fields(f);
                    FunctionEntry {
                        name: field(&f, "name").and_then(text).unwrap_or_default(),
                        description: field(&f, "description").and_then(text),
                        flags: field(&f, "flags").cloned().map(items).unwrap_or_default().iter().filter_map(text).collect(),
                    }
                })
                .collect();
            LibraryInfo { name, engine, functions, code }
        })
        .collect()
}

fn parse_stats(v: Value) -> FunctionStats {
    let mut fields = map_fields(v);
    let running = take_field(&mut fields, "running_script").and_then(|r| {
        let r = map_fields(r);
        if r.is_empty() {
            return None;
        }
        Some(RunningFunction {
            name: field(&r, "name").and_then(text).unwrap_or_default(),
            command: field(&r, "command").cloned().map(items).unwrap_or_default().iter().filter_map(text).collect(),
            duration: Duration::from_millis(field(&r, "duration_ms").map(int).unwrap_or(0)),
        })
    });
    let engines = take_field(&mut fields, "engines")
        .map(map_fields)
        .unwrap_or_default()
        .into_iter()
        .map(|(engine, counts)| {
            let c = map_fields(counts);
            (
                String::from_utf8_lossy(&engine).into_owned(),
                field(&c, "libraries_count").map(int).unwrap_or(0),
                field(&c, "functions_count").map(int).unwrap_or(0),
            )
        })
        .collect();
    FunctionStats { running, engines }
}
