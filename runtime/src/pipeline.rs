//! Pipelines and transactions of typed calls that make their code present first and
//! recover when the server lost it, without running any call twice.
//!
//! ```no_run
//! # #[redlua::library(name = "bank")]
//! # pub mod bank {
//! #     use redlua::prelude::*;
//! #     #[redis_function]
//! #     pub fn transfer(from: Key, to: Key, amount: i64) -> bool { true }
//! #     #[redis_function(read_only)]
//! #     pub fn balance(account: Key) -> i64 { 0 }
//! # }
//! # fn main() -> Result<(), redlua::Error> {
//! # let client = redis::Client::open("redis://127.0.0.1/").map_err(redlua::Error::from)?;
//! # let mut con = client.get_connection().map_err(redlua::Error::from)?;
//! let mut pipe = redlua::Pipeline::new();
//! let moved = pipe.add(bank::transfer("acct:{a}", "acct:{b}", 5));
//! let left = pipe.add(bank::balance("acct:{a}"));
//! let hits = pipe.add_command::<i64>(redis::cmd("INCR").arg("transfers:{a}").to_owned());
//! let replies = pipe.query(&mut con)?;
//! let (moved, left, hits): (bool, i64, i64) = (replies.get(moved)?, replies.get(left)?, replies.get(hits)?);
//! # Ok(()) }
//! ```
//!
//! # Semantics
//!
//! **Before sending** (unless [`Pipeline::assume_loaded`]), the pipeline checks in one
//! round trip that the server has every library it calls, in the exact version
//! (`FUNCTION LIST LIBRARYNAME .. WITHCODE`), and every script (`SCRIPT EXISTS`), and
//! loads what is missing or differs in a second round trip (only then). Nothing of the
//! pipeline has been sent when this fails, and the error is returned.
//!
//! An invalid argument in any call ([`Error::Argument`]) fails the whole query before
//! anything is sent.
//!
//! **A plain pipeline** ([`query`](Pipeline::query)) is sent as one batch. Each entry gets
//! its own reply or its own error: a rejected call or a failing command does not hide the
//! replies of the others. An entry whose reply says its function or script is missing
//! (`ERR Function not found`, `NOSCRIPT`: the server lost the code after the check) did
//! not run. redlua loads that code and sends **only those entries** once more, in their
//! original order, as a second batch: every call runs exactly once, but the re-sent
//! calls run *after* the rest of the pipeline (a pipeline is not atomic, and the other
//! entries cannot be undone or repeated). [`Replies::resent`] lists them. An entry that
//! is still not found after that is [`Error::NotLoaded`]; an entry whose second batch
//! was lost with the connection is [`Error::Connection`] (it may or may not have run).
//!
//! **A transaction** ([`atomic`](Pipeline::atomic), `MULTI`/`EXEC`) runs all or nothing
//! as Redis defines it:
//! - a command refused while queueing (e.g. wrong arity) discards the transaction:
//!   [`Error::ExecAbort`], nothing ran;
//! - a key `WATCH`ed on the connection changed: [`Error::WatchConflict`], nothing ran;
//! - a function or script missing at `EXEC` time does not stop the others (Redis 7
//!   queues an `FCALL` of an unknown function and fails only that command at `EXEC`):
//!   the other commands of the transaction ran, the missing calls did not. redlua does
//!   **not** re-send them, since they would run outside the transaction: their entries
//!   are [`Error::NotLoaded`]. It loads the code again so that the next transaction
//!   finds it. With the check before sending, this happens only when the code is lost
//!   between the check and `EXEC`.
//!
//! An I/O error while the batch (or the transaction) is sent or read fails the whole
//! query with [`Error::Connection`]: the calls may or may not have run, and none is sent
//! again.
//!
//! Pipelines work over a connection to one server (`redis::Connection`,
//! `aio::MultiplexedConnection`, `aio::ConnectionManager`) with
//! [`query`](Pipeline::query) / `query_async` (crate feature `aio`), and over Redis
//! Cluster connections with `query_cluster` / `query_cluster_async` (crate features
//! `cluster`, `cluster-async`).
//!
//! # On Redis Cluster
//!
//! - **Routing** (`query_cluster_async`). Each call goes to the slot of its keys (checked
//!   on the client as for a single call: [`Error::CrossSlot`] refuses the whole pipeline,
//!   naming the entry, with nothing sent). For plain commands redlua asks the server which
//!   arguments are keys (`COMMAND GETKEYS`, one extra round trip, only when the pipeline
//!   has plain commands). The entries of one slot form one batch, sent to the primary of
//!   that slot in their original order; entries without keys form a batch of their own,
//!   sent to any primary. Batches of different slots run in no particular order relative
//!   to each other. A batch made only of read-only calls may go to a replica when the
//!   cluster client reads from replicas.
//! - **The sync connection** (`query_cluster`) sends the entries one by one, in order:
//!   redis-rs's sync `ClusterConnection` turns the replies of a whole batch into one error
//!   when one command fails, which would hide the others. Calls are routed as above, plain
//!   commands by redis-rs as outside a pipeline. Same guarantees, no batching.
//! - **Code present first.** Unless [`assume_loaded`](Pipeline::assume_loaded), every
//!   library the pipeline calls is checked on every primary and loaded where it is
//!   missing or differs, and every script is loaded where `SCRIPT EXISTS` says it is missing.
//! - **Recovery.** An entry whose node did not have its code, or that its node refused
//!   because it does not serve the slot (`MOVED`, `ASK`, `TRYAGAIN`: a resharding or
//!   failover), did not run: redlua loads the code on every primary that lacks it and sends
//!   each such entry once more, on its own, to the primary of its slot, after all batches.
//!   [`Replies::resent`] lists them. Nothing runs twice, nothing is dropped.
//! - **Transactions** ([`atomic`](Pipeline::atomic)) run on one node, through the async
//!   connection only: all keys of all entries must hash to one slot, or the query fails
//!   with [`Error::CrossSlot`] before anything is sent (the sync connection refuses them
//!   with [`Error::Argument`]). Missing code inside a transaction is handled as on one
//!   server: those calls do not run and are not re-sent. As on one server, the transaction
//!   is sent as plain `MULTI` .. `EXEC` commands after an empty transaction on the same
//!   node that shows `MULTI` and `EXEC` are allowed: a user without them gets `NOPERM`,
//!   nothing runs, and the shared connection stays usable.
//! - **I/O errors** fail the entries of the batch that was lost ([`Error::Connection`]:
//!   they may or may not have run); the other batches keep their replies. redis-rs cluster
//!   connections re-send a request by themselves after a connection error; build the
//!   client with `.retries(0)` when a call must never run twice (see the book's chapter
//!   on errors).

#[cfg(feature = "cluster")]
#[path = "pipeline_cluster.rs"]
mod cluster;

use crate::call::{parts, Call, Code, Parts};
use crate::error::Error;
use crate::events::Trigger;
#[cfg(feature = "aio")]
use crate::wire::Async;
use crate::wire::{decode_value, exists_reply, now, Blocking, LibraryStatus, Wire};
use redis::{ConnectionLike, FromRedisValue, Value};
use std::marker::PhantomData;

/// A batch of typed calls and plain commands, sent in one round trip; see the
/// [module documentation](crate::pipeline) for the exact semantics.
///
/// ```
/// #[redlua::library(name = "doc_pipeline")]
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
/// let mut pipe = redlua::Pipeline::new();
/// let deposited = pipe.add(bank::deposit("acct", 5));
/// let balance = pipe.add(bank::balance("acct"));
/// let hits = pipe.add_command::<i64>(redis::cmd("INCR").arg("hits").to_owned());
/// // One round trip to check the library, one to load it, one for the pipeline.
/// let replies = pipe.query(&mut con).unwrap();
/// assert_eq!(replies.get(deposited).unwrap(), 5);
/// assert_eq!(replies.get(balance).unwrap(), 5);
/// assert_eq!(replies.get(hits).unwrap(), 1);
/// ```
#[derive(Debug, Clone, Default)]
#[must_use = "a Pipeline does nothing until it is sent with .query(&mut con)"]
pub struct Pipeline {
    entries: Vec<Entry>,
    atomic: bool,
    assume_loaded: bool,
}

#[derive(Debug, Clone)]
struct Entry {
    command: redis::Cmd,
    call: Option<CallEntry>,
}

#[derive(Debug, Clone)]
struct CallEntry {
    code: Code,
    name: String,
    invalid: Option<Error>,
}

/// The position of an entry in a [`Pipeline`], typed with its reply: read it with
/// [`Replies::get`].
///
/// ```
/// #[redlua::library(name = "doc_handle")]
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
/// let mut pipe = redlua::Pipeline::new();
/// // The handle's type is the reply type of the call: `Handle<i64>`.
/// let balance: redlua::Handle<i64> = pipe.add(bank::balance("acct"));
/// let name = pipe.add_command::<Option<String>>(redis::cmd("GET").arg("name").to_owned());
/// let replies = pipe.query(&mut con).unwrap();
/// let again = balance; // handles are `Copy`
/// assert_eq!(replies.get(balance).unwrap(), 0);
/// assert_eq!(replies.get(again).unwrap(), 0);
/// assert_eq!(replies.get(name).unwrap(), None);
/// ```
pub struct Handle<T> {
    index: usize,
    reply: PhantomData<fn() -> T>,
}

impl<T> Clone for Handle<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Handle<T> {}

impl<T> std::fmt::Debug for Handle<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handle").field("index", &self.index).finish()
    }
}

impl<T> Handle<T> {
    /// The entry's position in the pipeline (0 for the first).
    ///
    /// ```
    /// #[redlua::library(name = "doc_handle_index")]
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
    /// let mut pipe = redlua::Pipeline::new();
    /// let first = pipe.add(bank::deposit("acct", 5));
    /// let second = pipe.add_command::<String>(redis::cmd("PING").to_owned());
    /// assert_eq!((first.index(), second.index()), (0, 1));
    /// ```
    pub fn index(&self) -> usize {
        self.index
    }
}

/// The replies of a [`Pipeline`], one per entry, in the order the entries were added.
///
/// ```
/// #[redlua::library(name = "doc_replies")]
/// mod bank {
///     use redlua::prelude::*;
///
///     #[redis_function]
///     pub fn deposit(account: Key, amount: i64) -> i64 {
///         incr_by(&account, amount)
///     }
///
///     #[redis_function]
///     pub fn withdraw(account: Key, amount: i64) -> Result<i64, Reject> {
///         if get::<i64>(&account).unwrap_or(0) < amount {
///             return Err(reject!("insufficient funds"));
///         }
///         Ok(decr_by(&account, amount))
///     }
/// }
///
/// # let server = redlua::testing::TestServer::start().unwrap();
/// # let mut con = server.connection().unwrap();
/// let mut pipe = redlua::Pipeline::new();
/// let refused = pipe.add(bank::withdraw("acct", 10));
/// let deposited = pipe.add(bank::deposit("acct", 5));
/// let replies = pipe.query(&mut con).unwrap();
/// assert_eq!(replies.len(), 2);
/// // Each entry has its own reply or error: a refusal does not hide the other replies.
/// assert!(matches!(replies.get(refused), Err(redlua::Error::Rejected { .. })));
/// assert_eq!(replies.get(deposited).unwrap(), 5);
/// ```
#[derive(Debug, Clone)]
pub struct Replies {
    results: Vec<Result<Value, Error>>,
    resent: Vec<usize>,
}

impl Replies {
    /// The reply of one entry, converted to its type, or the entry's own error.
    ///
    /// ```
    /// #[redlua::library(name = "doc_replies_get")]
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
    /// redis::cmd("SET").arg("name").arg("ann").exec(&mut con).unwrap();
    /// let mut pipe = redlua::Pipeline::new();
    /// let deposited = pipe.add(bank::deposit("acct", 5));
    /// let not_a_number = pipe.add_command::<i64>(redis::cmd("INCR").arg("name").to_owned());
    /// let replies = pipe.query(&mut con).unwrap();
    /// assert_eq!(replies.get(deposited).unwrap(), 5);
    /// // The failing command has its own error, with the server's code.
    /// let err = replies.get(not_a_number).unwrap_err();
    /// assert_eq!(err.redis_error().and_then(|e| e.code()), Some("ERR"));
    /// ```
    pub fn get<T: FromRedisValue>(&self, handle: Handle<T>) -> Result<T, Error> {
        match self.results.get(handle.index) {
            Some(Ok(v)) => decode_value(v.clone()),
            Some(Err(e)) => Err(e.clone()),
            None => Err(Error::Argument { message: format!("no entry {} in these replies", handle.index) }),
        }
    }

    /// Every entry's raw reply or error, in order.
    ///
    /// ```
    /// #[redlua::library(name = "doc_replies_results")]
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
    /// let mut pipe = redlua::Pipeline::new();
    /// pipe.add(bank::deposit("acct", 5));
    /// pipe.add_command::<()>(redis::cmd("SET").arg("name").arg("ann").to_owned());
    /// let replies = pipe.query(&mut con).unwrap();
    /// let raw: Vec<redis::Value> = replies.results().iter().map(|r| r.clone().unwrap()).collect();
    /// assert_eq!(raw, [redis::Value::Int(5), redis::Value::Okay]);
    /// ```
    pub fn results(&self) -> &[Result<Value, Error>] {
        &self.results
    }

    /// Every entry's raw reply or error, in order.
    ///
    /// ```
    /// #[redlua::library(name = "doc_replies_into_results")]
    /// mod bank {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn deposit(account: Key, amount: i64) -> i64 {
    ///         incr_by(&account, amount)
    ///     }
    ///
    ///     #[redis_function]
    ///     pub fn withdraw(account: Key, amount: i64) -> Result<i64, Reject> {
    ///         if get::<i64>(&account).unwrap_or(0) < amount {
    ///             return Err(reject!("insufficient funds"));
    ///         }
    ///         Ok(decr_by(&account, amount))
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// let mut pipe = redlua::Pipeline::new();
    /// pipe.add(bank::deposit("acct", 5));
    /// pipe.add(bank::withdraw("acct", 10));
    /// let results = pipe.query(&mut con).unwrap().into_results();
    /// assert!(matches!(results[0], Ok(redis::Value::Int(5))));
    /// assert!(matches!(&results[1], Err(redlua::Error::Rejected { message }) if message == "insufficient funds"));
    /// ```
    pub fn into_results(self) -> Vec<Result<Value, Error>> {
        self.results
    }

    /// The entries that were sent a second time, after their code was loaded, because the
    /// server did not have it when the pipeline arrived. They ran after all other entries.
    ///
    /// ```
    /// #[redlua::library(name = "doc_replies_resent")]
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
    /// let mut pipe = redlua::Pipeline::new();
    /// pipe.assume_loaded(); // no check: the server does not have the library yet
    /// let hits = pipe.add_command::<i64>(redis::cmd("INCR").arg("hits").to_owned());
    /// let deposited = pipe.add(bank::deposit("acct", 5));
    /// let replies = pipe.query(&mut con).unwrap();
    /// // The call found no function, so it did not run: loaded, then sent once more.
    /// assert_eq!(replies.resent(), [deposited.index()]);
    /// assert_eq!((replies.get(hits).unwrap(), replies.get(deposited).unwrap()), (1, 5));
    /// ```
    pub fn resent(&self) -> &[usize] {
        &self.resent
    }

    /// The number of entries.
    ///
    /// ```
    /// #[redlua::library(name = "doc_replies_len")]
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
    /// let mut pipe = redlua::Pipeline::new();
    /// pipe.add(bank::deposit("acct", 5));
    /// pipe.add(bank::balance("acct"));
    /// assert_eq!(pipe.query(&mut con).unwrap().len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.results.len()
    }

    /// True when the pipeline was empty.
    ///
    /// ```
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// let replies = redlua::Pipeline::new().query(&mut con).unwrap();
    /// assert!(replies.is_empty());
    /// let mut pipe = redlua::Pipeline::new();
    /// pipe.add_command::<String>(redis::cmd("PING").to_owned());
    /// assert!(!pipe.query(&mut con).unwrap().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.results.is_empty()
    }
}

/// The reply or error of one entry.
type EntryResult = Result<Value, Error>;

/// What the check before sending found: the code to load.
struct Plan {
    codes: Vec<Code>,
    check: redis::Pipeline,
}

impl Pipeline {
    /// An empty, non-atomic pipeline.
    ///
    /// ```
    /// #[redlua::library(name = "doc_pipeline_new")]
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
    /// let mut pipe = redlua::Pipeline::new();
    /// assert!(pipe.is_empty() && !pipe.is_atomic());
    /// pipe.add(bank::deposit("acct", 5));
    /// assert_eq!(pipe.len(), 1);
    /// ```
    pub fn new() -> Pipeline {
        Pipeline::default()
    }

    /// Sends the entries as one transaction (`MULTI` .. `EXEC`).
    ///
    /// ```
    /// #[redlua::library(name = "doc_pipeline_atomic")]
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
    /// let mut pipe = redlua::Pipeline::new();
    /// pipe.atomic(); // MULTI .. EXEC
    /// let first = pipe.add(bank::deposit("acct", 5));
    /// let second = pipe.add(bank::deposit("acct", 5));
    /// let replies = pipe.query(&mut con).unwrap();
    /// assert_eq!((replies.get(first).unwrap(), replies.get(second).unwrap()), (5, 10));
    ///
    /// // A command refused while queueing (here: wrong arity) discards the whole transaction.
    /// let mut pipe = redlua::Pipeline::new();
    /// pipe.atomic();
    /// pipe.add(bank::deposit("acct", 5));
    /// pipe.add_command::<()>(redis::cmd("SET").arg("only-a-key").to_owned());
    /// assert!(matches!(pipe.query(&mut con), Err(redlua::Error::ExecAbort { .. })));
    /// assert_eq!(bank::balance("acct").call(&mut con).unwrap(), 10); // the deposit did not run
    /// ```
    pub fn atomic(&mut self) -> &mut Self {
        self.atomic = true;
        self
    }

    /// Sends without checking first that the server has the code. A plain pipeline still
    /// recovers as described in the [module documentation](crate::pipeline); in a
    /// transaction, calls whose code is missing do not run ([`Error::NotLoaded`]).
    ///
    /// ```
    /// #[redlua::library(name = "doc_pipeline_assume_loaded")]
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
    /// bank::LIBRARY.load(&mut con).unwrap(); // at deploy time
    /// let mut pipe = redlua::Pipeline::new();
    /// pipe.assume_loaded(); // one round trip: no FUNCTION LIST first
    /// let deposited = pipe.add(bank::deposit("acct", 5));
    /// let replies = pipe.query(&mut con).unwrap();
    /// assert_eq!(replies.get(deposited).unwrap(), 5);
    /// assert!(replies.resent().is_empty());
    /// ```
    pub fn assume_loaded(&mut self) -> &mut Self {
        self.assume_loaded = true;
        self
    }

    /// Adds a typed call ([`FunctionCall`](crate::FunctionCall) or
    /// [`ScriptCall`](crate::ScriptCall)).
    ///
    /// ```
    /// use redlua::prelude::*;
    ///
    /// #[redlua::library(name = "doc_pipeline_add")]
    /// mod bank {
    ///     use redlua::prelude::*;
    ///
    ///     #[redis_function]
    ///     pub fn deposit(account: Key, amount: i64) -> i64 {
    ///         incr_by(&account, amount)
    ///     }
    /// }
    ///
    /// /// A free-standing script (EVALSHA).
    /// #[redis_function(read_only)]
    /// fn balance(account: Key) -> i64 {
    ///     get::<i64>(&account).unwrap_or(0)
    /// }
    ///
    /// # fn main() {
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// let mut pipe = redlua::Pipeline::new();
    /// let deposited = pipe.add(bank::deposit("acct", 5)); // a FunctionCall
    /// let read = pipe.add(balance("acct")); // a ScriptCall
    /// let replies = pipe.query(&mut con).unwrap();
    /// assert_eq!((replies.get(deposited).unwrap(), replies.get(read).unwrap()), (5, 5));
    /// # }
    /// ```
    pub fn add<C: Call>(&mut self, call: C) -> Handle<C::Output> {
        let Parts { code, name, command, invalid } = parts(&call);
        self.push(Entry { command, call: Some(CallEntry { code, name, invalid }) })
    }

    /// Adds a plain command, whose reply is read as `T`.
    ///
    /// ```
    /// #[redlua::library(name = "doc_pipeline_add_command")]
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
    /// let mut pipe = redlua::Pipeline::new();
    /// pipe.add_command::<()>(redis::cmd("RPUSH").arg("log").arg("a").arg("b").to_owned());
    /// pipe.add(bank::deposit("acct", 5));
    /// let log = pipe.add_command::<Vec<String>>(redis::cmd("LRANGE").arg("log").arg(0).arg(-1).to_owned());
    /// let replies = pipe.query(&mut con).unwrap();
    /// assert_eq!(replies.get(log).unwrap(), ["a", "b"]);
    /// ```
    pub fn add_command<T: FromRedisValue>(&mut self, command: redis::Cmd) -> Handle<T> {
        self.push(Entry { command, call: None })
    }

    fn push<T>(&mut self, entry: Entry) -> Handle<T> {
        self.entries.push(entry);
        Handle { index: self.entries.len() - 1, reply: PhantomData }
    }

    /// The number of entries.
    ///
    /// ```
    /// #[redlua::library(name = "doc_pipeline_len")]
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
    /// let mut pipe = redlua::Pipeline::new();
    /// pipe.add(bank::deposit("acct", 5));
    /// pipe.add(bank::balance("acct"));
    /// assert_eq!(pipe.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when nothing was added.
    ///
    /// ```
    /// #[redlua::library(name = "doc_pipeline_is_empty")]
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
    /// let mut pipe = redlua::Pipeline::new();
    /// assert!(pipe.is_empty());
    /// pipe.add(bank::balance("acct"));
    /// assert!(!pipe.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// True for a transaction.
    ///
    /// ```
    /// let mut pipe = redlua::Pipeline::new();
    /// assert!(!pipe.is_atomic());
    /// pipe.atomic();
    /// assert!(pipe.is_atomic());
    /// ```
    pub fn is_atomic(&self) -> bool {
        self.atomic
    }

    /// Sends the pipeline and returns one reply per entry.
    ///
    /// ```
    /// #[redlua::library(name = "doc_pipeline_query")]
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
    ///
    ///     #[redis_function]
    ///     pub fn withdraw(account: Key, amount: i64) -> Result<i64, Reject> {
    ///         if get::<i64>(&account).unwrap_or(0) < amount {
    ///             return Err(reject!("insufficient funds"));
    ///         }
    ///         Ok(decr_by(&account, amount))
    ///     }
    /// }
    ///
    /// # let server = redlua::testing::TestServer::start().unwrap();
    /// # let mut con = server.connection().unwrap();
    /// use redlua::LibraryStatus;
    ///
    /// assert_eq!(bank::LIBRARY.status(&mut con).unwrap(), LibraryStatus::Missing);
    /// let mut pipe = redlua::Pipeline::new();
    /// let deposited = pipe.add(bank::deposit("acct", 5));
    /// let refused = pipe.add(bank::withdraw("acct", 50));
    /// let balance = pipe.add(bank::balance("acct"));
    /// let replies = pipe.query(&mut con).unwrap();
    /// // The check before sending loaded the library.
    /// assert_eq!(bank::LIBRARY.status(&mut con).unwrap(), LibraryStatus::Current);
    /// assert_eq!(replies.get(deposited).unwrap(), 5);
    /// assert!(matches!(replies.get(refused), Err(redlua::Error::Rejected { .. })));
    /// assert_eq!(replies.get(balance).unwrap(), 5);
    /// ```
    pub fn query<C: ConnectionLike + ?Sized>(&self, con: &mut C) -> Result<Replies, Error> {
        now(self.query_on(&mut Blocking(con)))
    }

    /// [`query`](Pipeline::query) and [`query_async`](Pipeline::query_async).
    async fn query_on<W: Wire>(&self, w: &mut W) -> Result<Replies, Error> {
        self.validate()?;
        if self.entries.is_empty() {
            return Ok(Replies { results: Vec::new(), resent: Vec::new() });
        }
        let mut plan = self.plan();
        // Nothing to check for a pipeline of plain commands, unless it is a transaction.
        let checking = !self.assume_loaded && !plan.codes.is_empty();
        // On a connection that may be shared, a transaction is preceded by an empty one
        // (see `add_transaction_probe`); on an exclusive one, MULTI is sent alone first.
        let probing = self.atomic && !w.exclusive();
        if checking || probing {
            let mut check = std::mem::replace(&mut plan.check, redis::Pipeline::new());
            if probing {
                add_transaction_probe(&mut check);
            }
            let mut checked = w.send(&check).await.map_err(Error::from_redis)?;
            if probing {
                let probe = checked.split_off(checked.len().saturating_sub(TRANSACTION_PROBE));
                transaction_allowed(probe)?;
            }
            if checking && let Some(loads) = self.to_load(&plan, checked)? {
                let replies = w.send(&loads.pipe).await.map_err(Error::from_redis)?;
                loads.finish(replies)?;
            }
        }
        if self.atomic {
            // MULTI, the commands and EXEC as plain commands in one write, read here (see
            // `transaction`): redis-rs's own transactions panic when MULTI is refused.
            let replies = if w.exclusive() {
                // MULTI alone: were it refused with the commands behind it, the server would
                // run them one by one. Nobody else sends on this connection until EXEC.
                let multi = w.req(&redis::cmd("MULTI")).await.map_err(Error::from_redis)?;
                let mut replies = w.send(&self.transaction(false)).await.map_err(Error::from_redis)?;
                replies.insert(0, multi);
                replies
            } else {
                w.send(&self.transaction(true)).await.map_err(Error::from_redis)?
            };
            let items = match self.exec_items(replies) {
                Ok(items) => items,
                Err((e, in_multi)) => {
                    if in_multi {
                        // EXEC was refused: leave the transaction, or the connection would
                        // queue every later command. Best effort: the error is reported.
                        let _ = w.req(&redis::cmd("DISCARD")).await;
                    }
                    return Err(e);
                }
            };
            let (results, lost) = self.exec_results(vec![Value::Array(items)])?;
            for code in lost {
                // Best effort, for the next transaction: the calls are reported either way.
                let _ = code.reload_on(w).await;
            }
            return Ok(Replies { results, resent: Vec::new() });
        }
        let batch = self.batch(&self.all());
        let replies = w.send(&batch).await.map_err(Error::from_redis)?;
        let (mut results, missing) = self.first_results(replies);
        if missing.is_empty() {
            return Ok(finish(results, Vec::new()));
        }
        let mut resend = Vec::new();
        for (code, indices) in group_by_code(&self.entries, &missing) {
            match code.reload_on(w).await {
                Ok(()) => resend.extend(indices),
                Err(e) => self.mark_not_loaded(&mut results, &indices, &e),
            }
        }
        resend.sort_unstable();
        if !resend.is_empty() {
            let second = w.send(&self.batch(&resend)).await;
            self.second_results(&mut results, &resend, second);
        }
        Ok(finish(results, resend))
    }

    /// [`query`](Pipeline::query) over an async connection, with the same semantics.
    ///
    /// ```
    /// #[redlua::library(name = "doc_pipeline_query_async")]
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
    /// let mut con = server.client().unwrap().get_multiplexed_async_connection().await.unwrap();
    /// let mut pipe = redlua::Pipeline::new();
    /// let deposited = pipe.add(bank::deposit("acct", 5));
    /// let balance = pipe.add(bank::balance("acct"));
    /// let replies = pipe.query_async(&mut con).await.unwrap();
    /// assert_eq!((replies.get(deposited).unwrap(), replies.get(balance).unwrap()), (5, 5));
    /// # });
    /// ```
    #[cfg(feature = "aio")]
    pub async fn query_async<C: redis::aio::ConnectionLike + ?Sized>(&self, con: &mut C) -> Result<Replies, Error> {
        self.query_on(&mut Async(con)).await
    }

    fn validate(&self) -> Result<(), Error> {
        for (i, e) in self.entries.iter().enumerate() {
            if let Some(CallEntry { invalid: Some(Error::Argument { message }), name, .. }) = &e.call {
                return Err(Error::Argument { message: format!("entry {i} ({name}): {message}") });
            }
        }
        Ok(())
    }

    fn all(&self) -> Vec<usize> {
        (0..self.entries.len()).collect()
    }

    /// The entries at `indices` as one batch (a transaction if the pipeline is atomic).
    fn batch(&self, indices: &[usize]) -> redis::Pipeline {
        let mut pipe = redis::Pipeline::with_capacity(indices.len());
        if self.atomic {
            pipe.atomic();
        }
        for &i in indices {
            pipe.add_command(self.entries[i].command.clone());
        }
        pipe
    }

    /// All entries as a transaction of plain commands: `MULTI`, the entries, `EXEC`, sent
    /// in one write (no other command of a shared connection comes between them) and read
    /// by [`exec_items`](Pipeline::exec_items). Not redis-rs's `atomic()` pipeline: redis-rs
    /// 1.8 panics ("attempt to subtract with overflow") or, async, kills the shared
    /// connection when the server refuses `MULTI` itself (no permission, `BUSY`).
    /// Without `multi`, the same after a `MULTI` sent alone.
    pub(crate) fn transaction(&self, multi: bool) -> redis::Pipeline {
        let mut pipe = redis::Pipeline::with_capacity(self.entries.len() + 2);
        if multi {
            pipe.add_command(redis::cmd("MULTI"));
        }
        for e in &self.entries {
            pipe.add_command(e.command.clone());
        }
        pipe.add_command(redis::cmd("EXEC"));
        pipe
    }

    /// The replies of [`transaction`](Pipeline::transaction): `EXEC`'s, one per entry; or
    /// the error, and whether the connection is still inside the transaction.
    pub(crate) fn exec_items(&self, replies: Vec<Value>) -> Result<Vec<Value>, (Error, bool)> {
        let n = self.entries.len();
        if replies.len() != n + 2 {
            let message = format!("{} replies to a transaction of {n} commands", replies.len());
            return Err((Error::Reply { message }, false));
        }
        let mut replies = replies.into_iter();
        let multi = replies.next();
        let queued: Vec<Value> = replies.by_ref().take(n).collect();
        let exec = replies.next();
        if let Some(Value::ServerError(e)) = multi {
            // The check found MULTI allowed, but the server refused it now (its ACL changed,
            // or a script became BUSY): the commands were not queued but run one by one.
            let e: redis::RedisError = e.into();
            let none_ran = queued.iter().all(|v| match v {
                Value::ServerError(q) => Error::from_redis(q.clone().into()).did_not_run(),
                _ => false,
            });
            if none_ran {
                return Err((Error::from_redis(e), false));
            }
            let message = format!("the server refused MULTI ({e}) and ran the commands one by one, outside a transaction");
            return Err((Error::Reply { message }, false));
        }
        match exec {
            Some(Value::Array(items)) => Ok(items),
            Some(Value::Nil) => Err((Error::WatchConflict, false)),
            Some(Value::ServerError(e)) if e.code() == "EXECABORT" => {
                if let Some(refusal) = crate::error::exec_refusal(&e) {
                    return Err((refusal, false));
                }
                let refused = queued
                    .into_iter()
                    .enumerate()
                    .filter_map(|(i, v)| match v {
                        Value::ServerError(q) => Some((i, q)),
                        _ => None,
                    })
                    .collect();
                Err((crate::error::exec_abort(refused), false))
            }
            Some(Value::ServerError(e)) => Err((Error::from_redis(e.into()), true)),
            other => Err((Error::Reply { message: format!("EXEC replied {other:?}") }, false)),
        }
    }

    /// The distinct code of the calls, in order of first appearance.
    fn codes(&self) -> Vec<Code> {
        let mut codes: Vec<Code> = Vec::new();
        for c in self.entries.iter().filter_map(|e| e.call.as_ref()) {
            if !codes.iter().any(|k| k.same(&c.code)) {
                codes.push(c.code);
            }
        }
        codes
    }

    /// The distinct code of the calls, and the commands that check it.
    fn plan(&self) -> Plan {
        let codes = self.codes();
        let mut check = redis::Pipeline::new();
        let mut exists = redis::cmd("SCRIPT");
        exists.arg("EXISTS");
        let mut any_script = false;
        for code in &codes {
            match code {
                Code::Library(l) => {
                    check.add_command(l.list_command());
                }
                Code::Script(s) => {
                    exists.arg(s.sha1());
                    any_script = true;
                }
            }
        }
        if any_script {
            check.add_command(exists);
        }
        Plan { codes, check }
    }

    /// From the check's replies, the loads to send (if any).
    fn to_load(&self, plan: &Plan, replies: Vec<Value>) -> Result<Option<Loads>, Error> {
        let mut replies = replies.into_iter();
        let mut loads = Loads { pipe: redis::Pipeline::new(), what: Vec::new() };
        let libraries = plan.codes.iter().filter_map(|c| match c {
            Code::Library(l) => Some(*l),
            Code::Script(_) => None,
        });
        for l in libraries {
            let v = match replies.next() {
                // A user without FUNCTION LIST: the check cannot tell, so the calls are
                // sent as they are and recovered one by one if the library is missing,
                // as single calls are.
                Some(Value::ServerError(e)) if e.code() == "NOPERM" => continue,
                v => ok(v)?,
            };
            let status = l.status_of(l.code_in_list(v).as_deref());
            if status != LibraryStatus::Current {
                loads.pipe.add_command(l.load_command());
                loads.what.push((Code::Library(l), status));
            }
        }
        let scripts: Vec<_> = plan
            .codes
            .iter()
            .filter_map(|c| match c {
                Code::Script(s) => Some(*s),
                Code::Library(_) => None,
            })
            .collect();
        if !scripts.is_empty() {
            let present = match replies.next() {
                // A user without SCRIPT EXISTS: the scripts are recovered one by one.
                Some(Value::ServerError(e)) if e.code() == "NOPERM" => vec![true; scripts.len()],
                v => exists_reply(ok(v)?),
            };
            for (i, s) in scripts.into_iter().enumerate() {
                if !present.get(i).copied().unwrap_or(false) {
                    loads.pipe.add_command(s.load_command());
                    loads.what.push((Code::Script(s), LibraryStatus::Missing));
                }
            }
        }
        Ok(if loads.what.is_empty() { None } else { Some(loads) })
    }

    /// The replies of a transaction: per entry, and the code that went missing.
    fn exec_results(&self, mut replies: Vec<Value>) -> Result<(Vec<EntryResult>, Vec<Code>), Error> {
        let items = match replies.pop() {
            Some(Value::Array(items)) => items,
            Some(Value::Nil) => return Err(Error::WatchConflict),
            Some(Value::ServerError(e)) => return Err(Error::from_redis(e.into())),
            other => return Err(Error::Reply { message: format!("EXEC replied {other:?}") }),
        };
        if items.len() != self.entries.len() {
            return Err(Error::Reply {
                message: format!("EXEC replied {} results for {} commands", items.len(), self.entries.len()),
            });
        }
        let mut lost: Vec<Code> = Vec::new();
        let results = items
            .into_iter()
            .zip(&self.entries)
            .map(|(v, entry)| match (v, &entry.call) {
                (Value::ServerError(e), Some(c)) => {
                    let e: redis::RedisError = e.into();
                    if c.code.is_missing(&e) {
                        if !lost.iter().any(|k| k.same(&c.code)) {
                            lost.push(c.code);
                        }
                        Err(Error::NotLoaded {
                            name: c.name.clone(),
                            detail: format!("{e}; not sent again: it would run outside the transaction"),
                        })
                    } else {
                        Err(c.code.error(e))
                    }
                }
                (Value::ServerError(e), None) => Err(Error::from_redis(e.into())),
                (v, _) => Ok(v),
            })
            .collect();
        Ok((results, lost))
    }

    /// The replies of the first batch of a plain pipeline, and the entries that did not
    /// find their code.
    fn first_results(&self, replies: Vec<Value>) -> (Vec<Option<Result<Value, Error>>>, Vec<usize>) {
        let mut missing = Vec::new();
        let mut results: Vec<Option<Result<Value, Error>>> = Vec::with_capacity(self.entries.len());
        let mut replies = replies.into_iter();
        for (i, entry) in self.entries.iter().enumerate() {
            let result = match (replies.next(), &entry.call) {
                (Some(Value::ServerError(e)), Some(c)) => {
                    let e: redis::RedisError = e.into();
                    if c.code.is_missing(&e) {
                        missing.push(i);
                        None
                    } else {
                        Some(Err(c.code.error(e)))
                    }
                }
                (Some(Value::ServerError(e)), None) => Some(Err(Error::from_redis(e.into()))),
                (Some(v), _) => Some(Ok(v)),
                (None, _) => Some(Err(Error::Reply { message: "the server sent fewer replies than commands".into() })),
            };
            results.push(result);
        }
        (results, missing)
    }

    fn mark_not_loaded(&self, results: &mut [Option<Result<Value, Error>>], indices: &[usize], e: &Error) {
        for &i in indices {
            let name = self.entries[i].call.as_ref().map(|c| c.name.clone()).unwrap_or_default();
            results[i] = Some(Err(match e {
                e @ Error::FunctionNameTaken { .. } => e.clone(),
                e => Error::NotLoaded { name, detail: format!("loading it failed: {e}") },
            }));
        }
    }

    /// Fills in the replies of the re-sent entries.
    fn second_results(
        &self,
        results: &mut [Option<Result<Value, Error>>],
        resent: &[usize],
        second: redis::RedisResult<Vec<Value>>,
    ) {
        let replies = match second {
            Ok(replies) => replies,
            Err(e) => {
                let e = Error::from_redis(e);
                for &i in resent {
                    results[i] = Some(Err(e.clone()));
                }
                return;
            }
        };
        let mut replies = replies.into_iter();
        for &i in resent {
            let Some(c) = &self.entries[i].call else { continue };
            results[i] = Some(match replies.next() {
                Some(Value::ServerError(e)) => {
                    let e: redis::RedisError = e.into();
                    if c.code.is_missing(&e) {
                        Err(Error::NotLoaded { name: c.name.clone(), detail: e.to_string() })
                    } else {
                        Err(c.code.error(e))
                    }
                }
                Some(v) => Ok(v),
                None => Err(Error::Reply { message: "the server sent fewer replies than commands".into() }),
            });
        }
    }
}

/// The commands that check, before a transaction on a connection that may be shared, that
/// the connection's user may run `MULTI` and `EXEC`: an empty transaction, and `DISCARD`
/// in case `EXEC` was refused. Were `MULTI` refused in the transaction itself, the server
/// would run its commands one by one instead of queueing them; sending `MULTI` alone first
/// would let another user of the shared connection queue its commands in the transaction.
/// The empty `EXEC` ends a `WATCH` of the connection: a watched key changed before it is a
/// [`Error::WatchConflict`], a change after it is not seen.
fn add_transaction_probe(check: &mut redis::Pipeline) {
    check.add_command(redis::cmd("MULTI"));
    check.add_command(redis::cmd("EXEC"));
    check.add_command(redis::cmd("DISCARD"));
}

/// The probe of [`add_transaction_probe`] alone.
#[cfg(feature = "cluster-async")]
pub(crate) fn transaction_probe() -> redis::Pipeline {
    let mut probe = redis::Pipeline::with_capacity(TRANSACTION_PROBE);
    add_transaction_probe(&mut probe);
    probe
}

/// The number of commands of [`add_transaction_probe`].
pub(crate) const TRANSACTION_PROBE: usize = 3;

/// From the probe's replies: whether the transaction may be sent. A refusal of `MULTI` or
/// `EXEC` (`NOPERM`, `BUSY`, ...) is returned as it is: nothing of the pipeline was sent.
pub(crate) fn transaction_allowed(probe: Vec<Value>) -> Result<(), Error> {
    for v in probe.into_iter().take(2) {
        if v == Value::Nil {
            return Err(Error::WatchConflict);
        }
        if let Value::ServerError(e) = v {
            return Err(crate::error::exec_refusal(&e).unwrap_or_else(|| Error::from_redis(e.into())));
        }
    }
    Ok(())
}

/// Loads decided by the check, with what each server held before.
struct Loads {
    pipe: redis::Pipeline,
    what: Vec<(Code, LibraryStatus)>,
}

impl Loads {
    fn finish(self, replies: Vec<Value>) -> Result<(), Error> {
        let mut replies = replies.into_iter();
        for (code, status) in self.what {
            let v = match replies.next() {
                Some(v @ Value::ServerError(_)) if matches!(code, Code::Library(_)) => v,
                v => ok(v)?,
            };
            match code {
                Code::Library(l) => {
                    if let Value::ServerError(e) = v {
                        return Err(l.load_error(e.into()));
                    }
                    l.loaded(status, None, Trigger::Pipeline);
                }
                Code::Script(s) => s.loaded(&v, Trigger::Pipeline)?,
            }
        }
        Ok(())
    }
}

/// One reply of a helper batch: a server error becomes `Err`.
fn ok(v: Option<Value>) -> Result<Value, Error> {
    match v {
        Some(Value::ServerError(e)) => Err(Error::from_redis(e.into())),
        Some(v) => Ok(v),
        None => Err(Error::Reply { message: "the server sent fewer replies than commands".into() }),
    }
}

fn finish(results: Vec<Option<Result<Value, Error>>>, resent: Vec<usize>) -> Replies {
    let results = results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(Error::Reply { message: "no reply for this entry".into() })))
        .collect();
    Replies { results, resent }
}

/// The entries at `indices` grouped by the code they need, in order of first appearance.
fn group_by_code(entries: &[Entry], indices: &[usize]) -> Vec<(Code, Vec<usize>)> {
    let mut groups: Vec<(Code, Vec<usize>)> = Vec::new();
    for &i in indices {
        let Some(c) = &entries[i].call else { continue };
        match groups.iter_mut().find(|(k, _)| k.same(&c.code)) {
            Some((_, v)) => v.push(i),
            None => groups.push((c.code, vec![i])),
        }
    }
    groups
}
