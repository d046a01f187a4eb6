//! redlua: write Redis Functions and scripts in a checked subset of Rust.
//!
//! `#[redlua::library]` turns a module of `#[redis_function]`s into one Redis
//! Functions library: the bodies are translated to Lua at compile time, the rules that
//! keep them correct inside Redis are enforced (keys only through `Key` parameters,
//! no writes from read-only functions, no construct whose Lua meaning would differ
//! from its Rust meaning), and each function gets a typed stub.
//!
//! ```
//! #[redlua::library(name = "bank")]
//! pub mod bank {
//!     use redlua::prelude::*;
//!
//!     /// Moves `amount` between two accounts if the balance allows it.
//!     #[redis_function]
//!     pub fn transfer(from: Key, to: Key, amount: i64) -> Result<bool, Reject> {
//!         if amount <= 0 {
//!             return Err(reject!("amount must be positive"));
//!         }
//!         let balance = get::<i64>(&from).unwrap_or(0);
//!         if balance < amount {
//!             return Ok(false);
//!         }
//!         decr_by(&from, amount);
//!         incr_by(&to, amount);
//!         Ok(true)
//!     }
//!
//!     /// The balance of an account (0 when it does not exist).
//!     #[redis_function(read_only)]
//!     pub fn balance(account: Key) -> i64 {
//!         get::<i64>(&account).unwrap_or(0)
//!     }
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let server = redlua::testing::TestServer::start()?;
//! # let url = server.url();
//! # /*
//! let url = "redis://127.0.0.1/";
//! # */
//! let client = redis::Client::open(url)?;
//! let mut con = client.get_connection()?;
//! # redis::cmd("SET").arg("acct:{alice}").arg(80).exec(&mut con)?;
//! // Loads the library on first use (and again after a restart or FUNCTION FLUSH).
//! let moved: bool = bank::transfer("acct:{alice}", "acct:{bob}", 50).call(&mut con)?;
//! let left: i64 = bank::balance("acct:{alice}").call(&mut con)?; // FCALL_RO
//! assert_eq!((moved, left), (true, 30));
//! assert!(bank::LUA.starts_with("#!lua name=bank"));
//! # Ok(()) }
//! ```
//!
//! # Running calls
//!
//! A stub returns a typed call value ([`FunctionCall`] for library functions, [`ScriptCall`]
//! for free-standing EVAL scripts). Run it:
//!
//! | how | method | connection |
//! |---|---|---|
//! | sync | `call` | any `redis::ConnectionLike` |
//! | async | `call_async` | any `redis::aio::ConnectionLike` (`MultiplexedConnection`, `ConnectionManager`) |
//! | Redis Cluster | `call_cluster`, `call_cluster_async` | `redis::cluster::ClusterConnection`, `redis::cluster_async::ClusterConnection` |
//! | several at once | [`Pipeline::add`], then `query` / `query_async` | one server |
//! | in a plain redis-rs pipeline | `add_to` | (load the code yourself) |
//!
//! Every way recovers when the server lost the code: a call is sent once more, after
//! loading, only when the server said the function or script does not exist, so no
//! call runs twice. Errors are one [`Error`] type, classified by the server's error
//! code; [`Error::did_not_run`] tells whether sending again is safe. The
//! [`cluster`] module checks that a call's keys share a hash slot before sending,
//! [`events`] reports every load with the version the server held, and [`functions`]
//! lists, deletes, dumps, restores, kills and exports libraries.
//!
//! # Crate features
//!
//! | feature | enables |
//! |---|---|
//! | `aio` | the async methods, over any async redis-rs connection; redis-rs also needs a runtime feature (`tokio` below, or its own `smol-comp`) |
//! | `tokio` | `aio` with redis-rs's tokio support and `aio::ConnectionManager` |
//! | `cluster` | `call_cluster` and `Library::load_cluster` over the sync cluster connection |
//! | `cluster-async` | `cluster` and `aio`, and the async cluster methods (needs a runtime: `tokio`) |
//! | `testing` | `redlua::testing`: throwaway `redis-server`s and clusters for tests and examples |
//!
//! None is on by default.
#![warn(missing_docs)]

// The modules form layers, lowest first: a module uses only modules of lower layers
// (`crate::` paths), so none depends on one above it and there is no circle. The test
// runtime/tests/layers.rs reads this list and checks every file of src/ against it; a
// new module gets a line here.
//
//   1. error, key, twin, luanum   errors; Key and Reject; the native twins of functions;
//                                 Lua's numbers (tonumber, tostring, what redis.call sends)
//   2. value, wire, record, json  values inside functions; requests, replies, the Wire trait;
//                                 records (structs as hashes); JSON (serde_json's meaning)
//   3. events, prelude            what redlua loaded; what a redis function may use
//   4. library                    libraries and scripts: code, versions, loading
//   5. call                       typed calls and the recovery rule
//   6. cluster, pipeline          hash slots and calls on a cluster; pipelines
//   7. pipeline_cluster           pipelines on a cluster
//   8. functions, testing         managing a server's functions; throwaway servers

mod call;
pub mod cluster;
mod error;
pub mod events;
pub mod functions;
pub mod json;
mod key;
mod library;
pub mod luanum;
pub mod pipeline;
pub mod prelude;
pub mod record;
#[cfg(feature = "testing")]
pub mod testing;
pub mod twin;
#[doc(hidden)]
pub mod value;
mod wire;

pub use call::{Call, FunctionCall, ScriptCall};
pub use error::{Error, SourceLocation};
pub use library::{stamp_of, FunctionInfo, Library, LoadOutcome, Script};
pub use pipeline::{Handle, Pipeline, Replies};
pub use key::{Key, Reject};
pub use value::Value;
pub use wire::LibraryStatus;
pub use redlua_macros::{library, redis_function, script, Json, Record};
pub use record::Record;
pub use json::Json;

/// Used by generated code only; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::call::Args;
    pub use crate::json::{field as json_field, object as json_object, JsonValue};
    pub use crate::record::{field, reply_fields};
    pub use redis;
}
